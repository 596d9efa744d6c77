// Pointer updates (MS-RDPBCGR 2.2.9.1.1.4): XOR/AND masks, bottom-up, rows padded to 2 bytes.

import type { ByteReader } from './byte-reader.js';
import { malformed, truncated } from './errors.js';
import type { PointerImage } from './types.js';

/** Largest pointer side (large pointers go up to 384×384). */
export const MAX_POINTER_SIDE = 384;
/** Cache slots accepted (servers use the client's pointerCacheSize, typically 20–25). */
export const MAX_POINTER_CACHE_INDEX = 255;
/** Bytes of cursor images the cache keeps; beyond it the oldest entries go. */
export const POINTER_CACHE_BYTES = 8 * 1024 * 1024;

const rowBytes = (width: number, bpp: number): number => ((width * bpp + 15) >> 4) * 2;

/** Builds the RGBA image of a pointer from its masks (`palette` holds 8 bpp colours as RGBA words). */
export function pointerImage(
  xorBpp: number,
  width: number,
  height: number,
  hotspotX: number,
  hotspotY: number,
  xorMask: Uint8Array,
  andMask: Uint8Array,
  palette: Uint32Array,
): PointerImage {
  if (xorBpp !== 1 && xorBpp !== 8 && xorBpp !== 15 && xorBpp !== 16 && xorBpp !== 24 && xorBpp !== 32) throw malformed(`pointer of ${xorBpp} bpp`);
  if (width > MAX_POINTER_SIDE || height > MAX_POINTER_SIDE) throw malformed(`pointer of ${width}x${height} is over ${MAX_POINTER_SIDE} pixels a side`);
  const xorStep = rowBytes(width, xorBpp);
  const andStep = rowBytes(width, 1);
  if (xorMask.length < xorStep * height) throw truncated('pointer XOR mask', xorStep * height, xorMask.length);
  const hasAnd = andMask.length > 0;
  if (hasAnd && andMask.length < andStep * height) throw truncated('pointer AND mask', andStep * height, andMask.length);
  const pixels = new Uint8ClampedArray(width * height * 4);
  // 32 bpp masks carry alpha; when every alpha byte is 0 the AND mask decides, as for 24 bpp.
  let useAlpha = false;
  if (xorBpp === 32) {
    for (let row = 0; row < height && !useAlpha; row++) {
      for (let x = 0; x < width; x++) {
        if (xorMask[row * xorStep + x * 4 + 3] !== 0) {
          useAlpha = true;
          break;
        }
      }
    }
  }
  const paletteBytes = new Uint8Array(palette.buffer, palette.byteOffset, palette.byteLength);
  for (let row = 0; row < height; row++) {
    const source = height - 1 - row;
    const xorRow = source * xorStep;
    const andRow = source * andStep;
    for (let x = 0; x < width; x++) {
      const and = hasAnd ? (andMask[andRow + (x >> 3)]! >> (7 - (x & 7))) & 1 : 0;
      let r: number;
      let g: number;
      let b: number;
      let a = 255;
      switch (xorBpp) {
        case 1:
          r = g = b = (xorMask[xorRow + (x >> 3)]! >> (7 - (x & 7))) & 1 ? 255 : 0;
          break;
        case 8: {
          const index = xorMask[xorRow + x]! * 4;
          r = paletteBytes[index]!;
          g = paletteBytes[index + 1]!;
          b = paletteBytes[index + 2]!;
          break;
        }
        case 15:
        case 16: {
          const v = xorMask[xorRow + x * 2]! | (xorMask[xorRow + x * 2 + 1]! << 8);
          if (xorBpp === 16) {
            r = ((v >> 11) << 3) | (v >> 13);
            g = Math.min(255, (((v >> 5) & 0x3f) << 2) + (((v >> 5) & 0x3f) >> 3));
          } else {
            r = (((v >> 10) & 0x1f) << 3) | (((v >> 10) & 0x1f) >> 2);
            g = (((v >> 5) & 0x1f) << 3) | (((v >> 5) & 0x1f) >> 2);
          }
          b = ((v & 0x1f) << 3) | ((v & 0x1f) >> 2);
          break;
        }
        default: {
          const at = xorRow + x * (xorBpp >> 3);
          b = xorMask[at]!;
          g = xorMask[at + 1]!;
          r = xorMask[at + 2]!;
          if (useAlpha) a = xorMask[at + 3]!;
        }
      }
      if (and && !useAlpha) {
        if ((r | g | b) === 0) {
          a = 0; // transparent
        } else if ((r & g & b) === 255) {
          // Inverts the screen: drawn as a black and white checker, visible on any background.
          r = g = b = (x + row) & 1 ? 255 : 0;
        }
      }
      const to = (row * width + x) * 4;
      pixels[to] = r;
      pixels[to + 1] = g;
      pixels[to + 2] = b;
      pixels[to + 3] = a;
    }
  }
  return { width, height, hotspotX, hotspotY, pixels };
}

/** TS_COLORPOINTERATTRIBUTE (color pointer update; the body of a new pointer update after xorBpp). */
export function readColorPointer(reader: ByteReader, xorBpp: number, palette: Uint32Array): { cacheIndex: number; image: PointerImage } {
  const cacheIndex = reader.u16('pointer cacheIndex');
  const hotspotX = reader.u16('pointer hotSpot x');
  const hotspotY = reader.u16('pointer hotSpot y');
  const width = reader.u16('pointer width');
  const height = reader.u16('pointer height');
  const andLength = reader.u16('lengthAndMask');
  const xorLength = reader.u16('lengthXorMask');
  const xorMask = reader.bytes(xorLength, 'xorMaskData');
  const andMask = reader.bytes(andLength, 'andMaskData');
  return { cacheIndex, image: pointerImage(xorBpp, width, height, hotspotX, hotspotY, xorMask, andMask, palette) };
}

/** TS_LARGEPOINTERATTRIBUTE. */
export function readLargePointer(reader: ByteReader, palette: Uint32Array): { cacheIndex: number; image: PointerImage } {
  const xorBpp = reader.u16('large pointer xorBpp');
  const cacheIndex = reader.u16('pointer cacheIndex');
  const hotspotX = reader.u16('pointer hotSpot x');
  const hotspotY = reader.u16('pointer hotSpot y');
  const width = reader.u16('pointer width');
  const height = reader.u16('pointer height');
  const andLength = reader.u32('lengthAndMask');
  const xorLength = reader.u32('lengthXorMask');
  const xorMask = reader.bytes(xorLength, 'xorMaskData');
  const andMask = reader.bytes(andLength, 'andMaskData');
  return { cacheIndex, image: pointerImage(xorBpp, width, height, hotspotX, hotspotY, xorMask, andMask, palette) };
}

/** Cursor images by cache slot, bounded in bytes (oldest out first). */
export class PointerCache {
  private readonly images = new Map<number, PointerImage>();
  private bytes = 0;

  /** Bytes of cursor images held. */
  get byteLength(): number {
    return this.bytes;
  }

  get(index: number): PointerImage | undefined {
    return this.images.get(index);
  }

  set(index: number, image: PointerImage): void {
    if (index > MAX_POINTER_CACHE_INDEX) throw malformed(`pointer cache index ${index} is over ${MAX_POINTER_CACHE_INDEX}`);
    this.forget(index);
    this.images.set(index, image);
    this.bytes += image.pixels.length;
    for (const [oldest, old] of this.images) {
      if (this.bytes <= POINTER_CACHE_BYTES || oldest === index) break;
      this.images.delete(oldest);
      this.bytes -= old.pixels.length;
    }
  }

  entries(): [number, PointerImage][] {
    return [...this.images];
  }

  clear(): void {
    this.images.clear();
    this.bytes = 0;
  }

  /** Empties slot `index`. */
  forget(index: number): void {
    const old = this.images.get(index);
    if (old) {
      this.images.delete(index);
      this.bytes -= old.pixels.length;
    }
  }
}
