// Bitmap updates (MS-RDPBCGR 2.2.9.1.1.3.1.2): rectangles of uncompressed, interleaved-RLE or
// planar bitmaps, and the palette update that 8 bpp bitmaps use.

import type { ByteReader } from './byte-reader.js';
import { FastPathError, FastPathErrorReason, malformed, truncated } from './errors.js';
import { type Framebuffer, packRgb } from './framebuffer.js';
import { decodeInterleavedRle, nativeToWords, type InterleavedBpp } from './interleaved.js';
import { PlanarScratch, decodePlanar } from './planar.js';
import type { Rect } from './types.js';
import { BITMAP_COMPRESSION, COMPRESSED_DATA_HEADER_BYTES, NO_BITMAP_COMPRESSION_HDR, readBitmapRectangle, readBitmapUpdateHeader } from './updates.js';

const UPDATETYPE_PALETTE = 0x0002;

/** Reusable memory for bitmap decoding, grown to the largest bitmap met (bounded by the caller). */
export class BitmapScratch {
  native = new Uint32Array(0);
  words = new Uint32Array(0);
  readonly planar = new PlanarScratch();

  get byteLength(): number {
    return this.native.byteLength + this.words.byteLength + this.planar.byteLength;
  }

  ensure(pixels: number): void {
    if (this.native.length < pixels) {
      this.native = new Uint32Array(pixels);
      this.words = new Uint32Array(pixels);
    }
  }
}

export interface BitmapContext {
  screen: Framebuffer;
  palette: Uint32Array;
  scratch: BitmapScratch;
  /** Largest width × height accepted for one bitmap. */
  maxPixels: number;
  dirty: Rect[];
  errors: string[];
}

/** TS_UPDATE_BITMAP_DATA: draws each rectangle; a bad rectangle is reported and the next one drawn. */
export function decodeBitmapUpdate(reader: ByteReader, context: BitmapContext): void {
  const count = readBitmapUpdateHeader(reader);
  for (let i = 0; i < count; i++) {
    const { left, top, right, bottom, width, height, bpp, flags, data: bytes } = readBitmapRectangle(reader, i);
    let data = bytes;
    try {
      if (flags & BITMAP_COMPRESSION && !(flags & NO_BITMAP_COMPRESSION_HDR)) {
        if (data.length < COMPRESSED_DATA_HEADER_BYTES) throw truncated('TS_CD_HEADER', COMPRESSED_DATA_HEADER_BYTES, data.length);
        data = data.subarray(COMPRESSED_DATA_HEADER_BYTES);
      }
      decodeBitmap(data, width, height, bpp, (flags & BITMAP_COMPRESSION) !== 0, context);
      const area = context.screen.blit(context.scratch.words, width, 0, 0, left, top, Math.min(right - left + 1, width), Math.min(bottom - top + 1, height));
      if (area) context.dirty.push(area);
    } catch (error) {
      if (!(error instanceof FastPathError)) throw error;
      context.errors.push(error.describe(`bitmap rectangle ${i} (${width}x${height} at ${left},${top}, ${bpp} bpp)`));
    }
  }
}

/** Decodes one bitmap into `context.scratch.words` (top-down rows of `width` opaque words). */
function decodeBitmap(data: Uint8Array, width: number, height: number, bpp: number, compressed: boolean, context: BitmapContext): void {
  if (bpp !== 8 && bpp !== 15 && bpp !== 16 && bpp !== 24 && bpp !== 32) throw malformed(`bitmap of ${bpp} bpp`);
  const pixels = width * height;
  if (pixels > context.maxPixels) throw new FastPathError(FastPathErrorReason.TooLarge, `bitmap of ${width}x${height} is larger than the screen`);
  if (pixels === 0) return;
  const { scratch } = context;
  scratch.ensure(pixels);
  if (compressed && bpp === 32) {
    decodePlanar(data, width, height, scratch.words, scratch.planar);
    return;
  }
  if (compressed) {
    decodeInterleavedRle(data, width, height, bpp as InterleavedBpp, scratch.native);
  } else {
    readUncompressed(data, width, height, bpp, scratch.native);
  }
  nativeToWords(scratch.native, width, height, bpp as InterleavedBpp | 32, context.palette, scratch.words);
}

/** Uncompressed bitmap data: bottom-up scanlines (padded to 4 bytes when the data holds them so). */
function readUncompressed(data: Uint8Array, width: number, height: number, bpp: number, out: Uint32Array): void {
  const bytesPerPixel = (bpp + 7) >> 3;
  const row = width * bytesPerPixel;
  const padded = (row + 3) & ~3;
  const stride = data.length >= padded * height ? padded : row;
  if (data.length < stride * height) throw truncated('uncompressed bitmap', stride * height, data.length);
  for (let y = 0; y < height; y++) {
    let from = y * stride;
    const to = y * width;
    for (let x = 0; x < width; x++, from += bytesPerPixel) {
      out[to + x] =
        bytesPerPixel === 1
          ? data[from]!
          : bytesPerPixel === 2
            ? data[from]! | (data[from + 1]! << 8)
            : data[from]! | (data[from + 1]! << 8) | (data[from + 2]! << 16);
    }
  }
}

/** TS_UPDATE_PALETTE_DATA: replaces palette entries (RGB triplets). */
export function decodePaletteUpdate(reader: ByteReader, palette: Uint32Array): void {
  const updateType = reader.u16('palette updateType');
  if (updateType !== UPDATETYPE_PALETTE) throw malformed(`palette update has updateType ${updateType}`);
  reader.skip(2, 'pad2Octets');
  const count = reader.u32('numberColors');
  if (count > 256) throw malformed(`palette of ${count} colours`);
  const entries = reader.bytes(count * 3, 'palette entries');
  for (let i = 0; i < count; i++) palette[i] = packRgb(entries[i * 3]!, entries[i * 3 + 1]!, entries[i * 3 + 2]!);
}
