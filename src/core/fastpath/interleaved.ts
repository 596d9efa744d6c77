// Interleaved RLE bitmaps (MS-RDPBCGR 2.2.9.1.1.3.1.2.4, 3.1.9): 8, 15, 16 and 24 bpp, every
// order code, first-scanline rules, scanlines bottom-up. Colours expand to 8 bits per channel
// as FreeRDP does (c << 3 | c >> 2 for 5 bits, (c << 2) + (c >> 3) for 6 bits, capped at 255).

import { malformed, truncated } from './errors.js';
import { packRgb } from './framebuffer.js';

export type InterleavedBpp = 8 | 15 | 16 | 24;

const WHITE: Record<InterleavedBpp, number> = { 8: 0xff, 15: 0x7fff, 16: 0xffff, 24: 0xffffff };

// Order codes: regular (top 3 bits), lite (top 4 bits), mega-mega and special (whole byte).
const REGULAR_BG_RUN = 0x0;
const REGULAR_FG_RUN = 0x1;
const REGULAR_FGBG_IMAGE = 0x2;
const REGULAR_COLOR_RUN = 0x3;
const REGULAR_COLOR_IMAGE = 0x4;
const LITE_SET_FG_FG_RUN = 0xc;
const LITE_SET_FG_FGBG_IMAGE = 0xd;
const LITE_DITHERED_RUN = 0xe;
const MEGA_MEGA_BG_RUN = 0xf0;
const MEGA_MEGA_FG_RUN = 0xf1;
const MEGA_MEGA_FGBG_IMAGE = 0xf2;
const MEGA_MEGA_COLOR_RUN = 0xf3;
const MEGA_MEGA_COLOR_IMAGE = 0xf4;
const MEGA_MEGA_SET_FG_RUN = 0xf6;
const MEGA_MEGA_SET_FGBG_IMAGE = 0xf7;
const MEGA_MEGA_DITHERED_RUN = 0xf8;
const SPECIAL_FGBG_1 = 0xf9;
const SPECIAL_FGBG_2 = 0xfa;
const SPECIAL_WHITE = 0xfd;
const SPECIAL_BLACK = 0xfe;

/**
 * Decodes interleaved RLE `data` into `pixels` (native pixel values, `width`×`height`, scanlines
 * in stream order: bottom-up). Pixels the data does not reach are left at 0.
 */
export function decodeInterleavedRle(data: Uint8Array, width: number, height: number, bpp: InterleavedBpp, pixels: Uint32Array): void {
  const bytesPerPixel = bpp === 8 ? 1 : bpp === 24 ? 3 : 2;
  const total = width * height;
  const end = data.length;
  pixels.fill(0, 0, total);
  let at = 0;
  let to = 0;
  let foreground = WHITE[bpp];
  const white = WHITE[bpp];
  let insertForeground = false;
  let firstLine = true;

  const pixel = (): number => {
    if (at + bytesPerPixel > end) throw truncated('interleaved RLE pixel', bytesPerPixel, end - at);
    const value =
      bytesPerPixel === 1 ? data[at]! : bytesPerPixel === 2 ? data[at]! | (data[at + 1]! << 8) : data[at]! | (data[at + 1]! << 8) | (data[at + 2]! << 16);
    at += bytesPerPixel;
    return value;
  };
  const byte = (what: string): number => {
    if (at >= end) throw truncated(what, 1, 0);
    return data[at++]!;
  };
  const room = (count: number): void => {
    if (to + count > total) throw malformed(`interleaved RLE order writes ${count} pixels, ${total - to} left in the ${width}x${height} bitmap`);
  };
  /** Foreground/background pixels for the low `count` bits of `mask`, LSB first. */
  const fgbg = (mask: number, count: number): void => {
    room(count);
    for (let bit = 0; bit < count; bit++, to++) {
      const set = (mask >> bit) & 1;
      if (firstLine) pixels[to] = set ? foreground : 0;
      else pixels[to] = set ? pixels[to - width]! ^ foreground : pixels[to - width]!;
    }
  };

  while (at < end) {
    if (firstLine && to >= width) {
      firstLine = false;
      insertForeground = false;
    }
    const header = data[at]!;
    const code = (header & 0xc0) !== 0xc0 ? header >> 5 : (header & 0xf0) !== 0xf0 ? header >> 4 : header;
    // Run length: regular 5 bits (0 → next byte + 32), lite 4 bits (0 → next byte + 16),
    // mega-mega a 16-bit length; FGBG images count bytes of 8 pixels (0 → next byte + 1).
    let length = 0;
    if (code <= REGULAR_COLOR_IMAGE || (code >= LITE_SET_FG_FG_RUN && code <= LITE_DITHERED_RUN)) {
      const regular = code <= REGULAR_COLOR_IMAGE;
      const fgbgImage = code === REGULAR_FGBG_IMAGE || code === LITE_SET_FG_FGBG_IMAGE;
      length = header & (regular ? 0x1f : 0x0f);
      at++;
      if (length === 0) length = byte('interleaved RLE run length') + (fgbgImage ? 1 : regular ? 32 : 16);
      else if (fgbgImage) length *= 8;
    } else if (code >= MEGA_MEGA_BG_RUN && code <= MEGA_MEGA_DITHERED_RUN && code !== 0xf5) {
      if (at + 3 > end) throw truncated('interleaved RLE mega-mega length', 2, end - at - 1);
      length = data[at + 1]! | (data[at + 2]! << 8);
      at += 3;
    } else {
      at++;
    }

    if (code === REGULAR_BG_RUN || code === MEGA_MEGA_BG_RUN) {
      room(length);
      if (insertForeground && length > 0) {
        pixels[to] = firstLine ? foreground : pixels[to - width]! ^ foreground;
        to++;
        length--;
      }
      if (firstLine) to += length;
      else for (; length > 0; length--, to++) pixels[to] = pixels[to - width]!;
      insertForeground = true;
      continue;
    }
    insertForeground = false;
    switch (code) {
      case REGULAR_FG_RUN:
      case MEGA_MEGA_FG_RUN:
      case LITE_SET_FG_FG_RUN:
      case MEGA_MEGA_SET_FG_RUN:
        if (code === LITE_SET_FG_FG_RUN || code === MEGA_MEGA_SET_FG_RUN) foreground = pixel();
        room(length);
        for (; length > 0; length--, to++) pixels[to] = firstLine ? foreground : pixels[to - width]! ^ foreground;
        break;
      case LITE_DITHERED_RUN:
      case MEGA_MEGA_DITHERED_RUN: {
        const a = pixel();
        const b = pixel();
        room(2 * length);
        for (; length > 0; length--) {
          pixels[to++] = a;
          pixels[to++] = b;
        }
        break;
      }
      case REGULAR_COLOR_RUN:
      case MEGA_MEGA_COLOR_RUN: {
        const value = pixel();
        room(length);
        pixels.fill(value, to, to + length);
        to += length;
        break;
      }
      case REGULAR_FGBG_IMAGE:
      case MEGA_MEGA_FGBG_IMAGE:
      case LITE_SET_FG_FGBG_IMAGE:
      case MEGA_MEGA_SET_FGBG_IMAGE:
        if (code === LITE_SET_FG_FGBG_IMAGE || code === MEGA_MEGA_SET_FGBG_IMAGE) foreground = pixel();
        while (length > 0) {
          const count = length < 8 ? length : 8;
          fgbg(byte('interleaved RLE FGBG bitmask'), count);
          length -= count;
        }
        break;
      case REGULAR_COLOR_IMAGE:
      case MEGA_MEGA_COLOR_IMAGE:
        room(length);
        if (at + length * bytesPerPixel > end) throw truncated('interleaved RLE colour image', length * bytesPerPixel, end - at);
        for (; length > 0; length--) pixels[to++] = pixel();
        break;
      case SPECIAL_FGBG_1:
        fgbg(0x03, 8);
        break;
      case SPECIAL_FGBG_2:
        fgbg(0x05, 8);
        break;
      case SPECIAL_WHITE:
        room(1);
        pixels[to++] = white;
        break;
      case SPECIAL_BLACK:
        room(1);
        pixels[to++] = 0;
        break;
      default:
        throw malformed(`interleaved RLE order code 0x${header.toString(16)}`);
    }
  }
}

let rgb565: Uint32Array | undefined;
let rgb555: Uint32Array | undefined;

const five = (c: number): number => (c << 3) | (c >> 2);

/** Opaque pixel words for every RGB565 value. */
function rgb565Table(): Uint32Array {
  if (!rgb565) {
    rgb565 = new Uint32Array(65536);
    for (let v = 0; v < 65536; v++) {
      const g = ((v >> 5) & 0x3f) << 2;
      rgb565[v] = packRgb(five(v >> 11), Math.min(255, g + (((v >> 5) & 0x3f) >> 3)), five(v & 0x1f));
    }
  }
  return rgb565;
}

/** Opaque pixel words for every RGB555 value. */
function rgb555Table(): Uint32Array {
  if (!rgb555) {
    rgb555 = new Uint32Array(32768);
    for (let v = 0; v < 32768; v++) rgb555[v] = packRgb(five((v >> 10) & 0x1f), five((v >> 5) & 0x1f), five(v & 0x1f));
  }
  return rgb555;
}

/**
 * Converts native pixel values (8 bpp palette indices, RGB555, RGB565 or BGR24) of a `width`×`height`
 * bitmap stored bottom-up in `pixels` into opaque top-down pixel words in `out`.
 */
export function nativeToWords(pixels: Uint32Array, width: number, height: number, bpp: InterleavedBpp | 32, palette: Uint32Array, out: Uint32Array): void {
  const table = bpp === 16 ? rgb565Table() : bpp === 15 ? rgb555Table() : bpp === 8 ? palette : undefined;
  for (let row = 0; row < height; row++) {
    const from = (height - 1 - row) * width;
    const to = row * width;
    if (table) {
      const mask = table.length - 1;
      for (let x = 0; x < width; x++) out[to + x] = table[pixels[from + x]! & mask]!;
    } else {
      for (let x = 0; x < width; x++) {
        const v = pixels[from + x]!;
        out[to + x] = packRgb((v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff);
      }
    }
  }
}
