import { MAX_SCREEN_SIDE } from '../../format/timeline.js';
import type { FramebufferView, Rect } from './types.js';

// One limit for every layer: the format refuses larger screens, the framebuffer never allocates one.
export { MAX_SCREEN_SIDE };

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
const R_SHIFT = LITTLE_ENDIAN ? 0 : 24;
const G_SHIFT = LITTLE_ENDIAN ? 8 : 16;
const B_SHIFT = LITTLE_ENDIAN ? 16 : 8;
/** The alpha byte of a packed pixel, set to 255. */
export const OPAQUE = LITTLE_ENDIAN ? 0xff000000 : 0xff;

/** Packs 8-bit r, g, b (already in 0..255) into an opaque pixel word for a `Uint32Array` view of RGBA bytes. */
export function packRgb(r: number, g: number, b: number): number {
  return ((r << R_SHIFT) | (g << G_SHIFT) | (b << B_SHIFT) | OPAQUE) >>> 0;
}

/** Packs r, g, b, a (0..255) into a pixel word. */
export function packRgba(r: number, g: number, b: number, a: number): number {
  return LITTLE_ENDIAN ? ((a << 24) | (b << 16) | (g << 8) | r) >>> 0 : ((r << 24) | (g << 16) | (b << 8) | a) >>> 0;
}

/** A screen's size in pixels. */
export interface ScreenSize {
  readonly width: number;
  readonly height: number;
}

/** The part of a rectangle on a screen of `screen`'s size, or undefined when none of it is. */
export function clipRect(x: number, y: number, width: number, height: number, screen: ScreenSize): Rect | undefined {
  const left = Math.max(0, x);
  const top = Math.max(0, y);
  const right = Math.min(screen.width, x + width);
  const bottom = Math.min(screen.height, y + height);
  return right > left && bottom > top ? { x: left, y: top, width: right - left, height: bottom - top } : undefined;
}

/** The decoder's screen: RGBA bytes and a word view of the same memory for one store per pixel. */
export class Framebuffer implements FramebufferView {
  readonly width: number;
  readonly height: number;
  readonly pixels: Uint8ClampedArray;
  /** One packed RGBA word per pixel (`packRgb`), sharing `pixels`' memory. */
  readonly words: Uint32Array;

  constructor(width: number, height: number) {
    if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
      throw new RangeError(`screen size ${width}x${height} is not a positive integer size`);
    }
    if (width > MAX_SCREEN_SIDE || height > MAX_SCREEN_SIDE) {
      throw new RangeError(`screen size ${width}x${height} is over ${MAX_SCREEN_SIDE} pixels a side`);
    }
    this.width = width;
    this.height = height;
    this.words = new Uint32Array(width * height).fill(OPAQUE);
    this.pixels = new Uint8ClampedArray(this.words.buffer);
  }

  /** The part of a rectangle on screen, or undefined when none of it is. */
  clip(x: number, y: number, width: number, height: number): Rect | undefined {
    return clipRect(x, y, width, height, this);
  }

  /**
   * Copies `width`×`height` pixel words from `source` (rows of `sourceStride` words, starting at
   * `sourceX`,`sourceY`) to (`x`, `y`), clipped to the screen. Returns the area written, if any.
   */
  blit(source: Uint32Array, sourceStride: number, sourceX: number, sourceY: number, x: number, y: number, width: number, height: number): Rect | undefined {
    const area = this.clip(x, y, width, height);
    if (!area) return undefined;
    const fromX = sourceX + area.x - x;
    const fromY = sourceY + area.y - y;
    for (let row = 0; row < area.height; row++) {
      const from = (fromY + row) * sourceStride + fromX;
      this.words.set(source.subarray(from, from + area.width), (area.y + row) * this.width + area.x);
    }
    return area;
  }
}
