// The layout of fast-path output, read without decoding a pixel: PDU framing and updates
// (MS-RDPBCGR 2.2.9.1.2), fragment reassembly, bitmap rectangle headers (2.2.9.1.1.3.1.2) and
// surface commands (2.2.9.2). The decoder draws what these read; paint-rects.ts measures it.

import { ByteReader } from './byte-reader.js';
import { FastPathError, FastPathErrorReason, malformed, truncated } from './errors.js';
import type { Rect } from './types.js';

/** Update codes of TS_FP_UPDATE (updateHeader bits 0–3). */
export const FastPathUpdateCode = {
  Orders: 0x0,
  Bitmap: 0x1,
  Palette: 0x2,
  Synchronize: 0x3,
  SurfaceCommands: 0x4,
  PointerHidden: 0x5,
  PointerDefault: 0x6,
  PointerPosition: 0x8,
  ColorPointer: 0x9,
  CachedPointer: 0xa,
  NewPointer: 0xb,
  LargePointer: 0xc,
} as const;
export type FastPathUpdateCode = (typeof FastPathUpdateCode)[keyof typeof FastPathUpdateCode];

/** updateHeader bits 4–5. */
export const Fragmentation = { Single: 0, Last: 1, First: 2, Next: 3 } as const;

const UPDATE_NAMES: Record<number, string> = {
  0x0: 'orders',
  0x1: 'bitmap',
  0x2: 'palette',
  0x3: 'synchronize',
  0x4: 'surface commands',
  0x5: 'pointer hidden',
  0x6: 'pointer default',
  0x8: 'pointer position',
  0x9: 'color pointer',
  0xa: 'cached pointer',
  0xb: 'new pointer',
  0xc: 'large pointer',
};
export const nameOf = (code: number): string => UPDATE_NAMES[code] ?? `update code 0x${code.toString(16)}`;

const FASTPATH_OUTPUT_ACTION_FASTPATH = 0;
const FASTPATH_OUTPUT_ENCRYPTED = 0x80;
const FASTPATH_OUTPUT_COMPRESSION_USED = 2;
const PACKET_COMPRESSED = 0x20;

/**
 * Reads one TS_FP_UPDATE_PDU's framing and hands each update to `visit` (bulk-compressed ones are
 * reported in `errors` and given to `skipped`, which must close an open fragment run when they are
 * fragments). Throws FastPathError when the PDU itself cannot be read.
 */
export function readUpdates(
  pdu: Uint8Array,
  errors: string[],
  visit: (code: number, fragmentation: number, data: Uint8Array) => void,
  skipped: (code: number, fragmentation: number) => void,
): void {
  const reader = new ByteReader(pdu);
  const header = reader.u8('fpOutputHeader');
  if ((header & 0x03) !== FASTPATH_OUTPUT_ACTION_FASTPATH) throw malformed(`fpOutputHeader 0x${header.toString(16)} is not a fast-path action`);
  if (header & FASTPATH_OUTPUT_ENCRYPTED) throw new FastPathError(FastPathErrorReason.Unsupported, 'encrypted fast-path PDU');
  let length = reader.u8('length1');
  if (length & 0x80) length = ((length & 0x7f) << 8) | reader.u8('length2');
  if (length > pdu.length) throw truncated('fast-path PDU', length, pdu.length);
  if (length < reader.position) throw malformed(`fast-path PDU length ${length}`);
  if (length < pdu.length) errors.push(`malformed: fast-path PDU: ${pdu.length - length} bytes after its length ignored`);
  const updates = new ByteReader(pdu, reader.position, length);
  while (updates.remaining > 0) {
    const updateHeader = updates.u8('updateHeader');
    const code = updateHeader & 0x0f;
    const fragmentation = (updateHeader >> 4) & 0x03;
    const compression = (updateHeader >> 6) & 0x03;
    const compressionFlags = compression === FASTPATH_OUTPUT_COMPRESSION_USED ? updates.u8('compressionFlags') : 0;
    const size = updates.u16('update size');
    const data = updates.bytes(size, `${nameOf(code)} update`);
    if (compressionFlags & PACKET_COMPRESSED) {
      errors.push(`unsupported: ${nameOf(code)} update: bulk-compressed (MPPC flags 0x${compressionFlags.toString(16)})`);
      skipped(code, fragmentation);
      continue;
    }
    visit(code, fragmentation, data);
  }
}

/**
 * Joins the fragments of an update (FIRST, NEXT…, LAST) as they arrive, in a buffer it owns and
 * reuses. At most `maxBytes` are kept; more drops the run.
 */
export class Reassembler {
  private buffer = new Uint8Array(0);
  private length = 0;
  /** Update code of the open fragment run, -1 when none is open. */
  private code = -1;

  get open(): boolean {
    return this.code >= 0;
  }

  get byteLength(): number {
    return this.buffer.byteLength;
  }

  close(): void {
    this.code = -1;
    this.length = 0;
  }

  /** One update or fragment: the whole update when this completes one (a view, valid until the next call), else undefined. */
  push(code: number, fragmentation: number, data: Uint8Array, maxBytes: number, errors: string[]): Uint8Array | undefined {
    if (fragmentation === Fragmentation.Single) return data;
    if (fragmentation === Fragmentation.First) {
      if (this.code >= 0) errors.push(`malformed: ${nameOf(this.code)} update: fragment run dropped, a new one began`);
      this.code = code;
      this.length = 0;
    } else if (this.code < 0) {
      errors.push(`malformed: ${nameOf(code)} update: ${fragmentation === Fragmentation.Last ? 'last' : 'next'} fragment without a first`);
      return undefined;
    } else if (this.code !== code) {
      errors.push(`malformed: ${nameOf(code)} update: fragment inside a ${nameOf(this.code)} fragment run; both dropped`);
      this.close();
      return undefined;
    }
    if (!this.append(data, maxBytes)) {
      errors.push(`too-large: ${nameOf(code)} update: reassembled fragments exceed ${maxBytes} bytes; dropped`);
      this.close();
      return undefined;
    }
    if (fragmentation !== Fragmentation.Last) return undefined;
    const whole = this.buffer.subarray(0, this.length);
    this.close();
    return whole;
  }

  private append(data: Uint8Array, maxBytes: number): boolean {
    const needed = this.length + data.length;
    if (needed > maxBytes) return false;
    if (needed > this.buffer.length) {
      const grown = new Uint8Array(Math.min(maxBytes, Math.max(needed, this.buffer.length * 2, 65536)));
      grown.set(this.buffer.subarray(0, this.length));
      this.buffer = grown;
    }
    this.buffer.set(data, this.length);
    this.length = needed;
    return true;
  }
}

/** Bound on a reassembled update: a screenful of 32 bpp pixels (at least 1 MiB) and headroom. */
export const maxReassembly = (width: number, height: number): number => Math.max(width * height * 4, 1 << 20) + 65536;

const UPDATETYPE_BITMAP = 0x0001;
export const BITMAP_COMPRESSION = 0x0001;
export const NO_BITMAP_COMPRESSION_HDR = 0x0400;
export const COMPRESSED_DATA_HEADER_BYTES = 8;

/** One TS_BITMAP_DATA: where it goes (`right`/`bottom` inclusive), its size, format and bytes. */
export interface BitmapRectangle {
  left: number;
  top: number;
  right: number;
  bottom: number;
  width: number;
  height: number;
  bpp: number;
  flags: number;
  data: Uint8Array;
}

/** TS_UPDATE_BITMAP_DATA's header: the number of rectangles that follow (read each with `readBitmapRectangle`). */
export function readBitmapUpdateHeader(reader: ByteReader): number {
  const updateType = reader.u16('bitmap updateType');
  if (updateType !== UPDATETYPE_BITMAP) throw malformed(`bitmap update has updateType ${updateType}`);
  return reader.u16('numberRectangles');
}

export function readBitmapRectangle(reader: ByteReader, index: number): BitmapRectangle {
  const left = reader.u16('destLeft');
  const top = reader.u16('destTop');
  const right = reader.u16('destRight');
  const bottom = reader.u16('destBottom');
  const width = reader.u16('width');
  const height = reader.u16('height');
  const bpp = reader.u16('bitsPerPixel');
  const flags = reader.u16('flags');
  const length = reader.u16('bitmapLength');
  const data = reader.bytes(length, `bitmap ${index} data`);
  return { left, top, right, bottom, width, height, bpp, flags, data };
}

/**
 * The screen area a bitmap rectangle is drawn on (before clipping to the screen), or undefined when
 * it draws nothing: a bad format, an empty or over-large bitmap, a missing TS_CD_HEADER. Errors in
 * the compressed data itself only show when decoding.
 */
export function bitmapArea(rect: BitmapRectangle, maxPixels: number): Rect | undefined {
  const { bpp, width, height, flags } = rect;
  if (bpp !== 8 && bpp !== 15 && bpp !== 16 && bpp !== 24 && bpp !== 32) return undefined;
  const pixels = width * height;
  if (pixels === 0 || pixels > maxPixels) return undefined;
  if (flags & BITMAP_COMPRESSION && !(flags & NO_BITMAP_COMPRESSION_HDR) && rect.data.length < COMPRESSED_DATA_HEADER_BYTES) return undefined;
  const drawWidth = Math.min(rect.right - rect.left + 1, width);
  const drawHeight = Math.min(rect.bottom - rect.top + 1, height);
  return drawWidth > 0 && drawHeight > 0 ? { x: rect.left, y: rect.top, width: drawWidth, height: drawHeight } : undefined;
}

const CMDTYPE_SET_SURFACE_BITS = 0x0001;
const CMDTYPE_FRAME_MARKER = 0x0004;
const CMDTYPE_STREAM_SURFACE_BITS = 0x0006;
const EX_COMPRESSED_BITMAP_HEADER_PRESENT = 0x01;
const EX_COMPRESSED_BITMAP_HEADER_BYTES = 24;
/** Codec id 0: the bitmap data is raw pixels. */
export const CODEC_ID_NONE = 0;
/** Codec id 0x0B (IronRDP's QOIZ, Teleport's Linux desktops): a zstd frame of a QOI image of the rectangle. */
export const CODEC_ID_QOIZ = 0x0b;

/** One surface command: a frame marker, or set/stream surface bits with its TS_BITMAP_DATA_EX. */
export type SurfaceCommand =
  | { type: 'frameMarker' }
  | { type: 'bits'; left: number; top: number; bpp: number; codecId: number; width: number; height: number; data: Uint8Array };

/** Reads the next surface command; throws FastPathError on an unknown command type (nothing after it can be read). */
export function readSurfaceCommand(reader: ByteReader): SurfaceCommand {
  const type = reader.u16('surface command cmdType');
  if (type === CMDTYPE_FRAME_MARKER) {
    reader.u16('frameAction');
    reader.u32('frameId');
    return FRAME_MARKER;
  }
  if (type !== CMDTYPE_SET_SURFACE_BITS && type !== CMDTYPE_STREAM_SURFACE_BITS) {
    throw malformed(`surface command type 0x${type.toString(16)}`);
  }
  const left = reader.u16('destLeft');
  const top = reader.u16('destTop');
  reader.u16('destRight');
  reader.u16('destBottom');
  const bpp = reader.u8('TS_BITMAP_DATA_EX bpp');
  const flags = reader.u8('TS_BITMAP_DATA_EX flags');
  reader.u8('reserved');
  const codecId = reader.u8('codecID');
  const width = reader.u16('TS_BITMAP_DATA_EX width');
  const height = reader.u16('TS_BITMAP_DATA_EX height');
  const length = reader.u32('bitmapDataLength');
  if (flags & EX_COMPRESSED_BITMAP_HEADER_PRESENT) reader.skip(EX_COMPRESSED_BITMAP_HEADER_BYTES, 'exBitmapDataHeader');
  const data = reader.bytes(length, 'surface bits bitmapData');
  return { type: 'bits', left, top, bpp, codecId, width, height, data };
}
const FRAME_MARKER: SurfaceCommand = { type: 'frameMarker' };

/** Whether QOIZ surface bits of this size are drawn when their data decodes (not empty, within `maxPixels`). */
export function qoizSurfaceBitsDrawn(width: number, height: number, length: number, maxPixels: number): boolean {
  const pixels = width * height;
  return pixels > 0 && pixels <= maxPixels && length > 0;
}

/** Whether codec 0 surface bits of this size and format are drawn (32 bpp, within `maxPixels`, all bytes there). */
export function rawSurfaceBitsDrawn(bpp: number, width: number, height: number, length: number, maxPixels: number): boolean {
  const pixels = width * height;
  return bpp === 32 && pixels > 0 && pixels <= maxPixels && length >= pixels * 4;
}
