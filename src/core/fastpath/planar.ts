// RDP 6.0 planar bitmaps (MS-RDPEGDI 2.2.2.5.1, 3.1.9): ARGB or AYCoCg planes, raw or RLE with
// delta-coded scanlines, colour loss level and chroma subsampling.

import { malformed, truncated } from './errors.js';
import { packRgb } from './framebuffer.js';

const CLL_MASK = 0x07;
const CS = 0x08;
const RLE = 0x10;
const NA = 0x20;

/**
 * Decodes one RLE plane of `width`×`height` bytes from `data[at..end)` into `plane` (rows in
 * stream order). Returns where the plane's data ends.
 */
function readRlePlane(data: Uint8Array, at: number, end: number, plane: Uint8Array, width: number, height: number): number {
  for (let row = 0; row < height; row++) {
    const start = row * width;
    const above = start - width;
    let x = 0;
    // The value a run repeats: the row's last raw value (an absolute value on the first row, a delta after).
    let value = 0;
    while (x < width) {
      if (at >= end) throw truncated('planar RLE segment', 1, 0);
      const control = data[at++]!;
      let run = control & 0x0f;
      let raw = control >> 4;
      if (run === 1) {
        run = 16 + raw;
        raw = 0;
      } else if (run === 2) {
        run = 32 + raw;
        raw = 0;
      }
      if (control === 0) throw malformed('planar RLE segment with a zero control byte');
      if (x + raw + run > width) throw malformed(`planar RLE segment overruns a ${width}-pixel scanline`);
      if (at + raw > end) throw truncated('planar RLE raw values', raw, end - at);
      if (row === 0) {
        for (let i = 0; i < raw; i++) plane[start + x++] = value = data[at++]!;
        for (let i = 0; i < run; i++) plane[start + x++] = value;
      } else {
        for (let i = 0; i < raw; i++, x++) {
          const coded = data[at++]!;
          value = coded & 1 ? -((coded >> 1) + 1) : coded >> 1;
          plane[start + x] = plane[above + x]! + value;
        }
        for (let i = 0; i < run; i++, x++) plane[start + x] = plane[above + x]! + value;
      }
    }
  }
  return at;
}

/** Reads one plane (raw or RLE) into `plane`; returns where its data ends. */
function readPlane(data: Uint8Array, at: number, rle: boolean, plane: Uint8Array, width: number, height: number): number {
  if (rle) return readRlePlane(data, at, data.length, plane, width, height);
  const size = width * height;
  if (at + size > data.length) throw truncated('planar raw plane', size, data.length - at);
  plane.set(data.subarray(at, at + size));
  return at + size;
}

/** Reusable plane memory: grows to the largest bitmap seen. */
export class PlanarScratch {
  private memory = new Uint8Array(0);

  get byteLength(): number {
    return this.memory.byteLength;
  }

  planes(size: number): Uint8Array {
    if (this.memory.length < size) this.memory = new Uint8Array(size);
    return this.memory;
  }
}

/**
 * Decodes a planar bitmap of `width`×`height` into `out` (opaque pixel words, top-down rows of
 * `width`). Bitmap updates store scanlines bottom-up: `bottomUp` flips them.
 */
export function decodePlanar(data: Uint8Array, width: number, height: number, out: Uint32Array, scratch: PlanarScratch, bottomUp = true): void {
  if (data.length < 1) throw truncated('planar format header', 1, 0);
  const header = data[0]!;
  const cll = header & CLL_MASK;
  const subsampled = (header & CS) !== 0;
  const rle = (header & RLE) !== 0;
  const hasAlpha = (header & NA) === 0;
  if (subsampled && cll === 0) throw malformed('planar chroma subsampling without colour loss (ARGB)');
  const size = width * height;
  const chromaWidth = subsampled ? (width + 1) >> 1 : width;
  const chromaHeight = subsampled ? (height + 1) >> 1 : height;
  const chromaSize = chromaWidth * chromaHeight;
  // Layout in scratch: [alpha | luma/red | co/green | cg/blue], chroma planes possibly smaller.
  const memory = scratch.planes(4 * size);
  const first = memory.subarray(size, 2 * size);
  const second = memory.subarray(2 * size, 2 * size + chromaSize);
  const third = memory.subarray(3 * size, 3 * size + chromaSize);
  let at = 1;
  if (hasAlpha) at = readPlane(data, at, rle, memory.subarray(0, size), width, height);
  at = readPlane(data, at, rle, first, width, height);
  at = readPlane(data, at, rle, second, chromaWidth, chromaHeight);
  at = readPlane(data, at, rle, third, chromaWidth, chromaHeight);
  // (A pad byte may follow raw planes; the alpha plane is read but the screen stays opaque.)

  for (let row = 0; row < height; row++) {
    const target = (bottomUp ? height - 1 - row : row) * width;
    const source = row * width;
    if (cll === 0) {
      for (let x = 0; x < width; x++) out[target + x] = packRgb(first[source + x]!, second[source + x]!, third[source + x]!);
      continue;
    }
    const shift = cll - 1;
    const chromaRow = (subsampled ? row >> 1 : row) * chromaWidth;
    for (let x = 0; x < width; x++) {
      const chroma = chromaRow + (subsampled ? x >> 1 : x);
      const y = first[source + x]!;
      // Chroma values were shifted right by the colour loss level; shifting back by CLL - 1 halves them.
      const co = ((second[chroma]! << shift) << 24) >> 24;
      const cg = ((third[chroma]! << shift) << 24) >> 24;
      const t = y - cg;
      // MS-RDPEGDI 3.1.9.1.2: servers swap R and B when converting, so decoders swap them back.
      let r = t - co;
      let g = y + cg;
      let b = t + co;
      r = r < 0 ? 0 : r > 255 ? 255 : r;
      g = g < 0 ? 0 : g > 255 ? 255 : g;
      b = b < 0 ? 0 : b > 255 ? 255 : b;
      out[target + x] = packRgb(r, g, b);
    }
  }
}
