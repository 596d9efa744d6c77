// The gzip member inflater on fflate (pure JS), and the CRC-32 it checks: a chunk of the reader,
// loaded by \`createMemberInflater('fflate')\` on first use (where WebAssembly cannot compile outside
// browsers, and in browsers for a part the native engine failed on or one too large to keep for that replay).
import type { Inflate } from 'fflate';
import { ErrorReason, RecordingError } from './errors.js';
import { GzipHeaderSkipper } from './gzip-header.js';
import { describeError, type MemberInflater } from './inflate.js';

/**
 * gzip member on fflate's raw `Inflate`: the header is parsed here, so the member's end is the end
 * of its deflate stream, after which fflate ignores further input (multistream off). The CRC-32
 * and size in the trailer are checked when the part ends right after the trailer (the normal
 * case); when dangling bytes follow the member, the trailer cannot be located and is not checked.
 */
export class FflateMemberInflater implements MemberInflater {
  private readonly header = new GzipHeaderSkipper();
  /** fflate is loaded on first use: browsers inflate natively and never fetch it. */
  private inflate: Inflate | undefined;
  private output: Uint8Array[] = [];
  private crc = crc32Init();
  private inflatedBytes = 0;
  private readonly tail = new Uint8Array(8);
  private tailLength = 0;

  async push(chunk: Uint8Array): Promise<Uint8Array[]> {
    this.inflate ??= await this.createInflate();
    this.keepTail(chunk);
    chunk = this.header.skip(chunk);
    if (this.header.inHeader) return [];
    const inflate = this.inflate;
    this.run(() => inflate.push(chunk, false));
    return this.output.splice(0);
  }

  async finish(): Promise<Uint8Array[]> {
    if (this.header.inHeader) throw new RecordingError(ErrorReason.Corrupt, 'gzip data ends inside its header');
    const inflate = this.inflate!;
    this.run(() => inflate.push(new Uint8Array(0), true));
    if (this.tailLength === 8) {
      const view = new DataView(this.tail.buffer);
      const trailerSize = view.getUint32(4, true);
      if (trailerSize === this.inflatedBytes >>> 0 && view.getUint32(0, true) !== crc32Final(this.crc)) {
        throw new RecordingError(ErrorReason.Corrupt, 'gzip data is damaged (CRC-32 mismatch)');
      }
    }
    return this.output.splice(0);
  }

  cancel(): void {
    this.output = [];
  }

  private async createInflate(): Promise<Inflate> {
    const { Inflate } = await import('fflate');
    return new Inflate((data) => {
      if (data.length === 0) return;
      this.output.push(data);
      this.crc = crc32Update(this.crc, data);
      this.inflatedBytes += data.length;
    });
  }

  private run(step: () => void): void {
    try {
      step();
    } catch (error) {
      throw new RecordingError(ErrorReason.Corrupt, `gzip data is damaged (${describeError(error)})`);
    }
  }

  private keepTail(chunk: Uint8Array): void {
    if (chunk.length >= 8) {
      this.tail.set(chunk.subarray(chunk.length - 8));
      this.tailLength = 8;
      return;
    }
    const kept = Math.min(this.tailLength, 8 - chunk.length);
    this.tail.copyWithin(0, this.tailLength - kept, this.tailLength);
    this.tail.set(chunk, kept);
    this.tailLength = kept + chunk.length;
  }
}


let crcTable: Uint32Array | undefined;
function crc32Init(): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  return 0xffffffff;
}
function crc32Update(crc: number, data: Uint8Array): number {
  const table = crcTable!;
  for (let i = 0; i < data.length; i++) crc = table[(crc ^ data[i]!) & 0xff]! ^ (crc >>> 8);
  return crc;
}
function crc32Final(crc: number): number {
  return (crc ^ 0xffffffff) >>> 0;
}

/** The CRC-32 of gzip and PNG. */
export function crc32(data: Uint8Array): number {
  return crc32Final(crc32Update(crc32Init(), data));
}
