import { Gzip } from 'fflate';
import { MAX_RECORD_BYTES, MIN_UPLOAD_PART_BYTES, RECORD_HEADER_BYTES, V1_HEADER_BYTES, encodePartHeader } from './container.js';
import { concatBytes } from './bytes.js';
import { ErrorReason, RecordingError } from './errors.js';
import { encodeAuditEvent, type AuditEventInit } from './events.js';

export interface WriterOptions {
  /**
   * Target size of one part in bytes (header + gzip data). A part is cut before the record that
   * would take it past this size; a record is never split. Default 5 MiB, S3's minimum part size.
   */
  partSize: number;
  /**
   * Pad every part but the last with zeros up to `partSize`, as Teleport does for object stores
   * that refuse small multipart parts. Default false: a file needs no padding. When on, a full
   * part is handed out only once the next part starts (or at `finish()`), when it is known whether
   * it is the last.
   */
  padParts: boolean;
  /** gzip level 0–9. Default 1: Teleport writes `BestSpeed`, and screen data (PNG) barely compresses. */
  level: 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9;
}

const GZIP_TRAILER_BYTES = 8;

/**
 * Writes the recording format (spec §1.6): V1 parts, each one gzip member of whole records
 * (`u32 BE length + OneOf`). Synchronous: every call returns the parts it completed, so callers
 * decide where the bytes go (file, stream, upload).
 */
export class RecordingWriter {
  private readonly options: WriterOptions;
  private gzip: Gzip | undefined;
  private compressed: Uint8Array[] = [];
  private compressedBytes = 0;
  /** Bytes pushed into the compressor that it has not emitted yet, counted at full size. */
  private uncompressedPending = 0;
  private records = 0;
  private held: Uint8Array[] | undefined;

  constructor(options: Partial<WriterOptions> = {}) {
    this.options = { partSize: MIN_UPLOAD_PART_BYTES, padParts: false, level: 1, ...options };
  }

  /** Encodes one event as a record. Throws `record-too-large` (and writes nothing) above 64 KiB. */
  write(event: AuditEventInit): Uint8Array[] {
    return this.writePayload(encodeAuditEvent(event));
  }

  /** Writes an already encoded OneOf payload. */
  writePayload(payload: Uint8Array): Uint8Array[] {
    if (payload.length > MAX_RECORD_BYTES) {
      throw new RecordingError(ErrorReason.RecordTooLarge, `event of ${payload.length} bytes exceeds the ${MAX_RECORD_BYTES}-byte record limit`);
    }
    const done: Uint8Array[] = [];
    const recordBytes = RECORD_HEADER_BYTES + payload.length;
    if (this.records > 0 && this.estimatedPartBytes() + recordBytes > this.options.partSize) {
      done.push(...this.cut(true));
    }
    if (this.held) done.push(this.pad(this.held));
    this.held = undefined;
    const record = new Uint8Array(recordBytes);
    new DataView(record.buffer).setUint32(0, payload.length);
    record.set(payload, RECORD_HEADER_BYTES);
    this.compressor().push(record, false);
    this.uncompressedPending += recordBytes;
    this.records += 1;
    return done;
  }

  /** Closes the current part now (if it holds anything), e.g. to make recorded events durable. */
  flush(): Uint8Array[] {
    return this.records > 0 ? this.cut(false) : [];
  }

  /** Closes the last part; the writer can be used again afterwards for a new file. */
  finish(): Uint8Array[] {
    const done = this.records > 0 ? this.cut(false) : [];
    if (this.held) done.unshift(concatBytes(this.held));
    this.held = undefined;
    return done;
  }

  private compressor(): Gzip {
    if (!this.gzip) {
      this.gzip = new Gzip({ level: this.options.level, mtime: 0 }, (data) => {
        this.compressed.push(data);
        this.compressedBytes += data.length;
        this.uncompressedPending = 0;
      });
    }
    return this.gzip;
  }

  private estimatedPartBytes(): number {
    return V1_HEADER_BYTES + this.compressedBytes + this.uncompressedPending + GZIP_TRAILER_BYTES;
  }

  /** Ends the gzip member. A part cut for size may be held back for padding (see `padParts`). */
  private cut(full: boolean): Uint8Array[] {
    this.gzip!.push(new Uint8Array(0), true);
    const chunks = [encodePartHeader(this.compressedBytes, 0), ...this.compressed];
    this.gzip = undefined;
    this.compressed = [];
    this.compressedBytes = 0;
    this.uncompressedPending = 0;
    this.records = 0;
    if (full && this.options.padParts) {
      this.held = chunks;
      return [];
    }
    return [concatBytes(chunks)];
  }

  /** A non-last part: zero padding up to `partSize`, declared in its header. */
  private pad(chunks: Uint8Array[]): Uint8Array {
    const unpadded = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
    const padding = Math.max(0, this.options.partSize - unpadded);
    const part = new Uint8Array(unpadded + padding);
    let at = 0;
    for (const chunk of chunks) {
      part.set(chunk, at);
      at += chunk.length;
    }
    part.set(encodePartHeader(unpadded - V1_HEADER_BYTES, padding));
    return part;
  }
}
