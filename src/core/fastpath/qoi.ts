// QOI images (qoiformat.org, "The Quite OK Image Format", specification 1.0), as Teleport's Linux
// desktop service sends them inside QOIZ surface bits: decoded straight into packed pixel words.

import { malformed, truncated, FastPathError, FastPathErrorReason } from './errors.js';
import { packRgb } from './framebuffer.js';

export const QOI_HEADER_BYTES = 14;
const QOI_MAGIC = 0x716f6966; // "qoif"
const QOI_END_MARKER = [0, 0, 0, 0, 0, 0, 0, 1] as const;
const QOI_OP_INDEX = 0x00;
const QOI_OP_DIFF = 0x40;
const QOI_OP_LUMA = 0x80;
const QOI_OP_RUN = 0xc0;
const QOI_OP_RGB = 0xfe;
const QOI_OP_RGBA = 0xff;
const QOI_MASK_2 = 0xc0;

/** The most bytes a QOI image of `pixels` pixels can take: header, 5 bytes a pixel (QOI_OP_RGBA), end marker. */
export const maxQoiBytes = (pixels: number): number => QOI_HEADER_BYTES + pixels * 5 + QOI_END_MARKER.length;

/** A QOI header: the image's size (channels and colorspace do not change how it decodes). */
export interface QoiHeader {
  width: number;
  height: number;
  channels: number;
}

export function readQoiHeader(bytes: Uint8Array): QoiHeader {
  if (bytes.length < QOI_HEADER_BYTES) throw truncated('QOI header', QOI_HEADER_BYTES, bytes.length);
  const view = new DataView(bytes.buffer, bytes.byteOffset, QOI_HEADER_BYTES);
  if (view.getUint32(0) !== QOI_MAGIC) throw malformed(`QOI magic is 0x${view.getUint32(0).toString(16).padStart(8, '0')}, not "qoif"`);
  const channels = bytes[12]!;
  if (channels !== 3 && channels !== 4) throw malformed(`QOI channels byte is ${channels}, not 3 or 4`);
  return { width: view.getUint32(4), height: view.getUint32(8), channels };
}

/**
 * Decodes a QOI image of exactly `width`×`height` pixels into `out` (one opaque packed word per
 * pixel, `packRgb`, rows top-down). The screen is opaque, so alpha only takes part in the index
 * hash, as the format requires. Throws FastPathError when the image is another size, ends early,
 * or lacks its end marker right after the last pixel.
 */
export function decodeQoi(bytes: Uint8Array, width: number, height: number, out: Uint32Array): void {
  const header = readQoiHeader(bytes);
  if (header.width !== width || header.height !== height) {
    const larger = header.width * header.height > width * height;
    throw new FastPathError(
      larger ? FastPathErrorReason.TooLarge : FastPathErrorReason.Malformed,
      `QOI image is ${header.width}x${header.height}, its rectangle ${width}x${height}`,
    );
  }
  const pixels = width * height;
  if (out.length < pixels) throw new RangeError(`QOI output of ${out.length} pixels is smaller than ${pixels}`);
  // Slots hold r | g << 8 | b << 16 | a << 24, alpha included for the hash of INDEX'd pixels.
  const index = new Uint32Array(64);
  let r = 0;
  let g = 0;
  let b = 0;
  let a = 255;
  let word = packRgb(0, 0, 0);
  let at = QOI_HEADER_BYTES;
  const last = bytes.length - QOI_END_MARKER.length;
  let pixel = 0;
  while (pixel < pixels) {
    if (at >= last) throw truncated(`QOI data at pixel ${pixel} of ${pixels}`, QOI_END_MARKER.length + 1, bytes.length - at);
    const op = bytes[at++]!;
    const tag = op & QOI_MASK_2;
    if (tag === QOI_OP_RUN && op < QOI_OP_RGB) {
      // The previous pixel 1–62 times. The reference decoder files it in the index too (it
      // matters for a run of the start pixel).
      const run = (op & 0x3f) + 1;
      if (pixel + run > pixels) throw malformed(`QOI run of ${run} at pixel ${pixel} goes past the image's ${pixels} pixels`);
      index[(r * 3 + g * 5 + b * 7 + a * 11) & 63] = (r | (g << 8) | (b << 16) | (a << 24)) >>> 0;
      if (run < 16) for (let end = pixel + run; pixel < end; pixel++) out[pixel] = word;
      else {
        out.fill(word, pixel, pixel + run);
        pixel += run;
      }
      continue;
    }
    if (tag === QOI_OP_INDEX) {
      const packed = index[op]!;
      r = packed & 0xff;
      g = (packed >>> 8) & 0xff;
      b = (packed >>> 16) & 0xff;
      a = packed >>> 24;
      // Filed again at its own hash, as the reference decoder does: an untouched slot holds
      // (0, 0, 0, 0), whose hash is slot 0.
      index[(r * 3 + g * 5 + b * 7 + a * 11) & 63] = packed;
      word = packRgb(r, g, b);
      out[pixel++] = word;
      continue;
    }
    if (tag === QOI_OP_DIFF) {
      r = (r + ((op >> 4) & 3) - 2) & 0xff;
      g = (g + ((op >> 2) & 3) - 2) & 0xff;
      b = (b + (op & 3) - 2) & 0xff;
    } else if (tag === QOI_OP_LUMA) {
      if (at + 1 > last) throw truncated('QOI_OP_LUMA', 1, last - at);
      const second = bytes[at++]!;
      const dg = (op & 0x3f) - 32;
      r = (r + dg - 8 + (second >> 4)) & 0xff;
      g = (g + dg) & 0xff;
      b = (b + dg - 8 + (second & 0x0f)) & 0xff;
    } else if (op === QOI_OP_RGB) {
      if (at + 3 > last) throw truncated('QOI_OP_RGB', 3, last - at);
      r = bytes[at]!;
      g = bytes[at + 1]!;
      b = bytes[at + 2]!;
      at += 3;
    } else {
      if (at + 4 > last) throw truncated('QOI_OP_RGBA', 4, last - at);
      r = bytes[at]!;
      g = bytes[at + 1]!;
      b = bytes[at + 2]!;
      a = bytes[at + 3]!;
      at += 4;
    }
    index[(r * 3 + g * 5 + b * 7 + a * 11) & 63] = (r | (g << 8) | (b << 16) | (a << 24)) >>> 0;
    word = packRgb(r, g, b);
    out[pixel++] = word;
  }
  for (let i = 0; i < QOI_END_MARKER.length; i++) {
    if (bytes[at + i] !== QOI_END_MARKER[i]) throw malformed(`QOI image has no end marker after its ${pixels} pixels (byte ${at} of ${bytes.length})`);
  }
  if (at + QOI_END_MARKER.length !== bytes.length) throw malformed(`${bytes.length - at - QOI_END_MARKER.length} bytes after the QOI end marker`);
}
