import { concatBytes } from './bytes.js';
import { ErrorReason, RecordingError } from './errors.js';

const enum HeaderFlag {
  Hcrc = 2,
  Extra = 4,
  Name = 8,
  Comment = 16,
}

/** Length of the gzip header (RFC 1952) at the start of `bytes`, undefined if more bytes are needed. */
function gzipHeaderLength(bytes: Uint8Array): number | undefined {
  if (bytes.length < 10) {
    checkMagic(bytes);
    return undefined;
  }
  checkMagic(bytes);
  const flags = bytes[3]!;
  let offset = 10;
  if (flags & HeaderFlag.Extra) {
    if (bytes.length < offset + 2) return undefined;
    offset += 2 + (bytes[offset]! | (bytes[offset + 1]! << 8));
  }
  for (const flag of [HeaderFlag.Name, HeaderFlag.Comment]) {
    if (!(flags & flag)) continue;
    const end = bytes.indexOf(0, offset);
    if (end < 0) return undefined;
    offset = end + 1;
  }
  if (flags & HeaderFlag.Hcrc) offset += 2;
  return bytes.length >= offset ? offset : undefined;
}

function checkMagic(bytes: Uint8Array): void {
  const expected = [0x1f, 0x8b, 8];
  for (let i = 0; i < Math.min(3, bytes.length); i++) {
    if (bytes[i] !== expected[i]) throw new RecordingError(ErrorReason.Corrupt, 'part data is not gzip (bad magic bytes)');
  }
}

/** Strips a gzip member's header from the first bytes pushed, however they are split. */
export class GzipHeaderSkipper {
  private held: Uint8Array | undefined = new Uint8Array(0);

  /** Whether the header has not ended yet. */
  get inHeader(): boolean {
    return this.held !== undefined;
  }

  /** The bytes of `chunk` after the header (all of them once it has passed). */
  skip(chunk: Uint8Array): Uint8Array {
    if (!this.held) return chunk;
    const joined = this.held.length ? concatBytes([this.held, chunk]) : chunk;
    const headerLength = gzipHeaderLength(joined);
    if (headerLength === undefined) {
      // A copy: the pushed bytes are not held past the push.
      this.held = joined.slice();
      return joined.subarray(joined.length);
    }
    this.held = undefined;
    return joined.subarray(headerLength);
  }
}
