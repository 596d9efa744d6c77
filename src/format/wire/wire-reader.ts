// A small protobuf wire-format reader for the hand-written decoders of the player's read path, so
// that its worker needs neither the protobuf runtime nor the generated descriptors. A decoder is a
// loop over `field()` with a read per known field number and `skip()` for the rest. Reads throw an
// Error on anything malformed, a little more strictly than fromBinary: a known field must come with
// the wire type of its kind, nothing may run past the message it sits in, varints of unknown fields
// are at most 10 bytes, and groups nest at most 64 deep.

const WireType = { Varint: 0, Fixed64: 1, LengthDelimited: 2, StartGroup: 3, EndGroup: 4, Fixed32: 5 } as const;

const MAX_VARINT_BYTES = 10;
/** Unknown groups nest at most this deep (fromBinary allows about 100 minus the message depth). */
const MAX_GROUP_DEPTH = 64;
// proto3 strings must be valid UTF-8; a leading U+FEFF is text, not a byte-order mark.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
/** Strings up to this length are built without a TextDecoder when ASCII (a call costs about 3× as much in Chromium). */
const SHORT_STRING_BYTES = 64;

function decodeString(bytes: Uint8Array): string {
  return shortAscii(bytes) ?? utf8.decode(bytes);
}

/** The text of up to SHORT_STRING_BYTES ASCII bytes, built without a TextDecoder; undefined for longer or other bytes. */
export function shortAscii(bytes: Uint8Array): string | undefined {
  if (bytes.length > SHORT_STRING_BYTES) return undefined;
  for (let i = 0; i < bytes.length; i++) if (bytes[i]! >= 0x80) return undefined;
  return String.fromCharCode.apply(null, bytes as unknown as number[]);
}

/** The zero value of bytes fields: one shared empty array, as fromBinary does. */
export const EMPTY_BYTES = new Uint8Array(0);

/** Decodes a message whose bytes the reader is narrowed to, merging into `into` when given. */
export type MessageReader<T> = (reader: WireReader, into?: T) => T;

/**
 * Reads protobuf wire values. Nothing is read past `limit`, the end of the message being decoded,
 * and bits of a varint past 64 are dropped, as protobuf does.
 */
export class WireReader {
  private pos: number;
  private limit: number;
  /** High 32 bits of the last varint read (the low ones are returned). */
  private hi = 0;
  /** Tag of the field being read. */
  private tag = 0;

  /** Reads the message in `input` from `start` to `end` (the whole array by default). */
  constructor(
    private input: Uint8Array,
    start = 0,
    end = input.length,
  ) {
    this.pos = start;
    this.limit = end;
  }

  /** Starts over on another message, so one reader serves many records without a new object each. */
  reset(input: Uint8Array, start: number, end: number): void {
    this.input = input;
    this.pos = start;
    this.limit = end;
    this.hi = 0;
    this.tag = 0;
  }

  /** Where the next read starts, in the input. */
  get at(): number {
    return this.pos;
  }

  /** The end of the message being read, in the input. */
  get end(): number {
    return this.limit;
  }

  /** Whether the message has another field. */
  more(): boolean {
    return this.pos < this.limit;
  }

  /** Reads the next field's tag and returns its field number; a read of that field, or `skip()`, follows. */
  field(): number {
    const start = this.pos;
    const tag = this.varint();
    if (this.pos - start > 5 || this.hi !== 0) throw new Error('field tag does not fit 32 bits');
    if (tag >>> 3 === 0 || (tag & 7) > WireType.Fixed32) {
      throw new Error(`invalid field tag: field ${tag >>> 3}, wire type ${tag & 7}`);
    }
    this.tag = tag;
    return tag >>> 3;
  }

  /** A known field must come with its own wire type: reading it as another would misread the message. */
  private expect(wireType: number): void {
    if ((this.tag & 7) !== wireType) {
      throw new Error(`field ${this.tag >>> 3} has wire type ${this.tag & 7}, expected ${wireType}`);
    }
  }

  /** Reads a varint; returns its low 32 bits unsigned and keeps the high ones in `hi`. */
  private varint(): number {
    if (this.pos < this.limit && this.input[this.pos]! < 0x80) {
      this.hi = 0;
      return this.input[this.pos++]!;
    }
    let lo = 0;
    let hi = 0;
    for (let shift = 0; ; shift += 7) {
      if (shift === 7 * MAX_VARINT_BYTES) throw new Error(`varint longer than ${MAX_VARINT_BYTES} bytes`);
      if (this.pos >= this.limit) throw new Error('message ends inside a varint');
      const byte = this.input[this.pos++]!;
      const bits = byte & 0x7f;
      if (shift < 28) lo |= bits << shift;
      else if (shift === 28) {
        lo |= bits << 28;
        hi = bits >>> 4;
      } else hi |= bits << (shift - 32);
      if (byte < 0x80) break;
    }
    this.hi = hi >>> 0;
    return lo >>> 0;
  }

  uint32(): number {
    this.expect(WireType.Varint);
    return this.varint();
  }

  int32(): number {
    return this.uint32() | 0;
  }

  uint64(): bigint {
    const lo = this.uint32();
    // Below 2^53 a number converts exactly, and much faster than bigint arithmetic.
    return this.hi < 0x20_0000 ? BigInt(this.hi * 0x1_0000_0000 + lo) : (BigInt(this.hi) << 32n) | BigInt(lo);
  }

  /** A uint64 or int64 as a number when it is below 2^53 and not negative; undefined otherwise (the bigint reads give it exactly). */
  exactUint64(): number | undefined {
    const lo = this.uint32();
    return this.hi < 0x20_0000 ? this.hi * 0x1_0000_0000 + lo : undefined;
  }

  int64(): bigint {
    const value = this.uint64();
    return this.hi < 0x8000_0000 ? value : BigInt.asIntN(64, value);
  }

  bool(): boolean {
    return (this.uint32() | this.hi) !== 0;
  }

  /** A length prefix that fits in the rest of the message. */
  private length(): number {
    this.expect(WireType.LengthDelimited);
    const length = this.varint();
    if (this.hi !== 0 || length > this.limit - this.pos) throw new Error(`field ${this.tag >>> 3} runs past the end of its message`);
    return length;
  }

  /** Length-delimited bytes, as a view into the input (no copy). */
  bytes(): Uint8Array {
    const length = this.length();
    const start = this.pos;
    this.pos = start + length;
    return this.input.subarray(start, this.pos);
  }

  string(): string {
    return decodeString(this.bytes());
  }

  /** A nested message, read by `read` with the reader narrowed to its bytes. */
  message<T>(read: MessageReader<T>, into?: T): T {
    const length = this.length();
    const outer = this.limit;
    this.limit = this.pos + length;
    const message = read(this, into);
    this.limit = outer;
    return message;
  }

  /** One entry of a `map<string, string>` field, added to `map`. */
  mapEntry(map: Record<string, string>): void {
    const entry = this.message(readStringMapEntry);
    // defineProperty, because a key may be "__proto__".
    Object.defineProperty(map, entry.key, { value: entry.value, enumerable: true, writable: true, configurable: true });
  }

  /** Skips the value of the field whose tag was read last (a field this decoder does not know). */
  skip(): void {
    this.skipValue(this.tag, 0);
  }

  private skipValue(tag: number, depth: number): void {
    switch (tag & 7) {
      case WireType.Varint:
        this.varint();
        return;
      case WireType.Fixed64:
        return this.advance(8);
      case WireType.LengthDelimited:
        return this.advance(this.length());
      case WireType.Fixed32:
        return this.advance(4);
      case WireType.StartGroup:
        if (depth === MAX_GROUP_DEPTH) throw new Error(`groups nested deeper than ${MAX_GROUP_DEPTH}`);
        for (;;) {
          this.field();
          if ((this.tag & 7) === WireType.EndGroup) break;
          this.skipValue(this.tag, depth + 1);
        }
        if (this.tag >>> 3 !== tag >>> 3) throw new Error(`group of field ${tag >>> 3} ends with the end tag of field ${this.tag >>> 3}`);
        return;
      default:
        throw new Error(`end-group tag of field ${tag >>> 3} outside a group`);
    }
  }

  private advance(count: number): void {
    if (count > this.limit - this.pos) throw new Error(`field ${this.tag >>> 3} runs past the end of its message`);
    this.pos += count;
  }
}

function readStringMapEntry(reader: WireReader): { key: string; value: string } {
  const entry = { key: '', value: '' };
  while (reader.more()) {
    switch (reader.field()) {
      case 1:
        entry.key = reader.string();
        break;
      case 2:
        entry.value = reader.string();
        break;
      default:
        reader.skip();
    }
  }
  return entry;
}
