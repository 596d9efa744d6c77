// Byte builders for recordings, including damaged ones, for tests in Node and the browser.
import { gzipSync } from 'fflate';
import { concatBytes } from '../../src/format/bytes.js';
import { encodeAuditEvent, timestampOfMs, type AuditEventInit } from '../../src/format/events.js';
import { RecordingWriter, type WriterOptions } from '../../src/format/writer.js';

export const T0 = Date.UTC(2026, 0, 15, 9, 30, 0);

/** A DesktopRecording event carrying the given TDP bytes. */
export function desktopRecording(index: number, delayMs: number, message: Uint8Array): AuditEventInit {
  return {
    case: 'desktopRecording',
    value: {
      metadata: { index: BigInt(index), type: 'desktop.recording', time: timestampOfMs(T0 + delayMs), clusterName: 'example' },
      message,
      delayMilliseconds: BigInt(delayMs),
    },
  };
}

/** TDP mouse move: type 3, x u32, y u32. */
export function mouseMove(x: number, y: number): Uint8Array {
  const bytes = new Uint8Array(9);
  const view = new DataView(bytes.buffer);
  bytes[0] = 3;
  view.setUint32(1, x);
  view.setUint32(5, y);
  return bytes;
}

/** `count` mouse-move events, 40 ms apart. */
export function sampleEvents(count: number, firstIndex = 0): AuditEventInit[] {
  return Array.from({ length: count }, (_, i) => desktopRecording(firstIndex + i, i * 40, mouseMove(i, 2 * i)));
}

export function writeRecording(events: AuditEventInit[], options: Partial<WriterOptions> = {}): Uint8Array {
  const writer = new RecordingWriter(options);
  const parts = events.flatMap((event) => writer.write(event));
  parts.push(...writer.finish());
  return concatBytes(parts);
}

/** `u32 BE length + payload` records. */
export function records(payloads: Uint8Array[]): Uint8Array {
  return concatBytes(
    payloads.flatMap((payload) => {
      const length = new Uint8Array(4);
      new DataView(length.buffer).setUint32(0, payload.length);
      return [length, payload];
    }),
  );
}

export interface RawPartOptions {
  version?: number;
  flags?: number;
  /** Bytes after the gzip member that still count in PartSize. */
  dangling?: Uint8Array;
  padding?: number;
  /** Override the declared PartSize. */
  partSize?: number;
}

/** One part with a hand-set header around the gzip member of `body`. */
export function rawPart(body: Uint8Array, options: RawPartOptions = {}): Uint8Array {
  const version = options.version ?? 1;
  const gzip = body.length ? gzipSync(body, { mtime: 0 }) : new Uint8Array(0);
  const data = concatBytes([gzip, options.dangling ?? new Uint8Array(0)]);
  const headerBytes = version === 2 ? 32 : 24;
  const header = new Uint8Array(headerBytes);
  const view = new DataView(header.buffer);
  view.setBigUint64(0, BigInt(version));
  view.setBigUint64(8, BigInt(options.partSize ?? data.length));
  view.setBigUint64(16, BigInt(options.padding ?? 0));
  if (version === 2) header[24] = options.flags ?? 0;
  return concatBytes([header, data, new Uint8Array(options.padding ?? 0)]);
}

export function eventPayloads(events: AuditEventInit[]): Uint8Array[] {
  return events.map(encodeAuditEvent);
}

/** Splits bytes into chunks of `size` (the last may be shorter). */
export function chunked(bytes: Uint8Array, size: number): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; at += size) chunks.push(bytes.subarray(at, at + size));
  return chunks;
}

/**
 * A gzip bomb spread over parts, each far under the per-part limit: two good events, then `parts`
 * parts of about 4 KB on disk each inflating to `inflatedMiB` MiB of records, the same one repeated
 * (its later copies repeat its index, so they are dropped as duplicates). With the reader's default
 * bounds (64 MiB, plus 32× what was read) the second bomb part already crosses the whole-file bound.
 */
export function multiPartGzipBomb(parts = 4, inflatedMiB = 40): Uint8Array {
  const first = rawPart(records(eventPayloads(sampleEvents(2))));
  const record = records([encodeAuditEvent(desktopRecording(5, 0, new Uint8Array(960)))]);
  const body = new Uint8Array(Math.floor((inflatedMiB * 1024 * 1024) / record.length) * record.length);
  for (let at = 0; at < body.length; at += record.length) body.set(record, at);
  const bomb = rawPart(body);
  return concatBytes([first, ...Array.from({ length: parts }, () => bomb)]);
}
