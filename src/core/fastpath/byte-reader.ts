import { truncated } from './errors.js';

/**
 * Little-endian reads over a byte range, every one bounds-checked: reading past the end throws a
 * `truncated` FastPathError naming the field. Sub-ranges are views (`subarray`), never copies.
 */
export class ByteReader {
  private offset: number;
  private readonly end: number;

  constructor(
    private readonly data: Uint8Array,
    start = 0,
    end = data.length,
  ) {
    this.offset = start;
    this.end = Math.min(end, data.length);
  }

  /** Bytes not read yet. */
  get remaining(): number {
    return this.end - this.offset;
  }

  get position(): number {
    return this.offset;
  }

  private need(count: number, what: string): number {
    const at = this.offset;
    if (count < 0 || at + count > this.end) throw truncated(what, count, this.end - at);
    this.offset = at + count;
    return at;
  }

  u8(what: string): number {
    return this.data[this.need(1, what)]!;
  }

  u16(what: string): number {
    const at = this.need(2, what);
    return this.data[at]! | (this.data[at + 1]! << 8);
  }

  i16(what: string): number {
    return (this.u16(what) << 16) >> 16;
  }

  u32(what: string): number {
    const at = this.need(4, what);
    const d = this.data;
    return (d[at]! | (d[at + 1]! << 8) | (d[at + 2]! << 16) | (d[at + 3]! << 24)) >>> 0;
  }

  /** The next `count` bytes, as a view. */
  bytes(count: number, what: string): Uint8Array {
    const at = this.need(count, what);
    return this.data.subarray(at, at + count);
  }

  skip(count: number, what: string): void {
    this.need(count, what);
  }

  /** A reader over the next `count` bytes; this reader moves past them. */
  sub(count: number, what: string): ByteReader {
    const at = this.need(count, what);
    return new ByteReader(this.data, at, at + count);
  }

  /** Everything left, as a view; this reader moves to the end. */
  rest(): Uint8Array {
    const at = this.offset;
    this.offset = this.end;
    return this.data.subarray(at, this.end);
  }
}
