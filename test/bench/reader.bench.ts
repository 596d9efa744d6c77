// Runs in headless Chromium (see test/tools/bench.mjs): parse throughput of the recording reader
// against raw DecompressionStream inflate of the same file, measured in the same run, with each
// inflate engine (the WebAssembly decoder is the default).
import { fromBinary } from '@bufbuild/protobuf';
import { OneOfSchema } from '../../src/gen/teleport/legacy/types/events/events_pb.js';
import { readUint64 } from '../../src/format/container.js';
import { RecordingReader } from '../../src/format/reader.js';
import type { InflateEngine } from '../../src/format/inflate.js';

const CHUNK = 64 * 1024;

export interface BenchRow {
  name: string;
  ms: number;
  /** File bytes per second, in MB/s. */
  fileMBps: number;
  /** Inflated bytes per second, in MB/s (where known). */
  inflatedMBps?: number;
  eventsPerSecond?: number;
  /** Time of the baseline divided by time of this row (>1 = faster than the baseline). */
  speedVsBaseline: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function timed<T>(rounds: number, run: () => Promise<T>): Promise<{ ms: number; result: T }> {
  await run(); // warm-up
  const times: number[] = [];
  let result!: T;
  for (let i = 0; i < rounds; i++) {
    const start = performance.now();
    result = await run();
    times.push(performance.now() - start);
  }
  return { ms: median(times), result };
}

/** The gzip data of every part (headers parsed by hand, as cheaply as possible). */
function partBodies(file: Uint8Array): Uint8Array[] {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const bodies: Uint8Array[] = [];
  for (let at = 0; at < file.length; ) {
    const version = readUint64(view, at);
    const headerBytes = version === 2 ? 32 : 24;
    const size = readUint64(view, at + 8);
    const padding = readUint64(view, at + 16);
    bodies.push(file.subarray(at + headerBytes, at + headerBytes + size));
    at += headerBytes + size + padding;
  }
  return bodies;
}

async function rawInflate(bodies: Uint8Array[]): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for (const body of bodies) {
    const stream = new DecompressionStream('gzip');
    const writer = stream.writable.getWriter();
    const reading = (async () => {
      const reader = stream.readable.getReader();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        out.push(value);
      }
    })();
    // No await per write: the decoder runs as fast as it can, the physical limit of native inflate.
    const writes: Promise<void>[] = [];
    for (let at = 0; at < body.length; at += CHUNK) writes.push(writer.write(body.subarray(at, at + CHUNK) as Uint8Array<ArrayBuffer>));
    writes.push(writer.close());
    await Promise.all([...writes, reading]);
  }
  return out;
}

async function readAll(file: Uint8Array, inflate: InflateEngine): Promise<number> {
  const reader = new RecordingReader({ inflate });
  let events = 0;
  for (let at = 0; at < file.length; at += CHUNK) events += (await reader.push(file.subarray(at, at + CHUNK))).events.length;
  const end = await reader.end();
  if (end.error) throw end.error;
  return events + end.events.length;
}

/** Every record payload of the inflated parts, framed by hand. */
function framedPayloads(inflatedParts: Uint8Array[]): Uint8Array[] {
  const payloads: Uint8Array[] = [];
  for (const part of inflatedParts) {
    const view = new DataView(part.buffer, part.byteOffset, part.byteLength);
    for (let at = 0; at + 4 <= part.length; ) {
      const length = view.getUint32(at);
      payloads.push(part.subarray(at + 4, at + 4 + length));
      at += 4 + length;
    }
  }
  return payloads;
}

/** Hand-written walk of OneOf → DesktopRecording fields (what fromBinary is measured against). */
function handDecode(payload: Uint8Array): number {
  let at = 0;
  const varint = (): number => {
    let value = 0;
    for (let shift = 0; ; shift += 7) {
      const byte = payload[at++]!;
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
    }
  };
  let delay = 0;
  const tag = varint();
  const end = varint() + at;
  if (tag >>> 3 !== 69) return -1;
  while (at < end) {
    const field = varint();
    if ((field & 7) === 2) {
      const length = varint();
      at += length;
    } else {
      const value = varint();
      if (field >>> 3 === 3) delay = value;
    }
  }
  return delay;
}

export async function runReaderBench(url: string, rounds = 3): Promise<{ file: { bytes: number; parts: number; inflatedBytes: number; events: number }; rows: BenchRow[] }> {
  const file = new Uint8Array(await (await fetch(url)).arrayBuffer());
  const bodies = partBodies(file);
  const MB = 1e6;
  const baseline = await timed(rounds, () => rawInflate(bodies));
  const inflatedBytes = baseline.result.reduce((sum, chunk) => sum + chunk.length, 0);
  const wasm = await timed(rounds, () => readAll(file, 'wasm'));
  const native = await timed(rounds, () => readAll(file, 'native'));
  const fflate = await timed(rounds, () => readAll(file, 'fflate'));
  const events = wasm.result;

  // Protobuf decoding on its own, over the inflated records (framing done by hand in both rows).
  const inflatedParts: Uint8Array[] = [];
  for (const body of bodies) {
    const chunks = await rawInflate([body]);
    const joined = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.length, 0));
    let at = 0;
    for (const chunk of chunks) joined.set(chunk, (at += chunk.length) - chunk.length);
    inflatedParts.push(joined);
  }
  const payloads = framedPayloads(inflatedParts);
  const hand = await timed(rounds, async () => payloads.reduce((sum, p) => sum + handDecode(p), 0));
  const schema = await timed(rounds, async () => payloads.reduce((sum, p) => sum + (fromBinary(OneOfSchema, p, { readUnknownFields: false }).event.case ? 1 : 0), 0));

  const row = (name: string, ms: number, extra: Partial<BenchRow>, baselineMs = baseline.ms): BenchRow => ({
    name, ms: Math.round(ms * 10) / 10, fileMBps: Math.round((file.length / MB / (ms / 1000)) * 10) / 10,
    speedVsBaseline: Math.round((baselineMs / ms) * 100) / 100, ...extra,
  });
  const perSecond = (count: number, ms: number) => Math.round(count / (ms / 1000));
  return {
    file: { bytes: file.length, parts: bodies.length, inflatedBytes, events },
    rows: [
      row('baseline: raw DecompressionStream inflate of every part', baseline.ms, { inflatedMBps: Math.round(inflatedBytes / MB / (baseline.ms / 1000)) }),
      row('RecordingReader, WebAssembly inflate (the default)', wasm.ms, { inflatedMBps: Math.round(inflatedBytes / MB / (wasm.ms / 1000)), eventsPerSecond: perSecond(events, wasm.ms) }),
      row('RecordingReader, native inflate (where WebAssembly may not compile)', native.ms, { inflatedMBps: Math.round(inflatedBytes / MB / (native.ms / 1000)), eventsPerSecond: perSecond(native.result, native.ms) }),
      row('RecordingReader, fflate inflate (neither WebAssembly nor DecompressionStream)', fflate.ms, { inflatedMBps: Math.round(inflatedBytes / MB / (fflate.ms / 1000)), eventsPerSecond: perSecond(fflate.result, fflate.ms) }),
      row('protobuf baseline: hand-written field walk', hand.ms, { eventsPerSecond: perSecond(payloads.length, hand.ms) }, hand.ms),
      row('protobuf: fromBinary(OneOfSchema) per record', schema.ms, { eventsPerSecond: perSecond(payloads.length, schema.ms) }, hand.ms),
    ],
  };
}

(globalThis as { runReaderBench?: typeof runReaderBench }).runReaderBench = runReaderBench;
