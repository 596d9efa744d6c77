// RemoteFX (MS-RDPRFX): message blocks, tiles (RLGR, LL3 differential, dequantization, inverse
// DWT, YCbCr → RGB), each tile clipped to the region's rectangles. Integer arithmetic follows the
// reference decoder (int16 coefficients in 11.5 fixed point), so results match a FreeRDP client.

import { type Framebuffer, packRgb } from './framebuffer.js';
import { type RemoteFxState, type RemoteFxTileset, type TileRef, TILE_SIZE, initialRemoteFxState, readRemoteFxMessage } from './remotefx-blocks.js';
import { type RlgrMode, rlgrDecode } from './rlgr.js';
import type { Rect } from './types.js';

export { TILE_SIZE, initialRemoteFxState, type RemoteFxState } from './remotefx-blocks.js';

const TILE_PIXELS = TILE_SIZE * TILE_SIZE;

// Subbands in the order the coefficients arrive: [offset, length, index in the quant values].
// Quant values come as LL3, LH3, HL3, HH3, LH2, HL2, HH2, LH1, HL1, HH1 (TS_RFX_CODEC_QUANT).
const SUBBANDS: readonly (readonly [number, number, number])[] = [
  [0, 1024, 8], // HL1
  [1024, 1024, 7], // LH1
  [2048, 1024, 9], // HH1
  [3072, 256, 5], // HL2
  [3328, 256, 4], // LH2
  [3584, 256, 6], // HH2
  [3840, 64, 2], // HL3
  [3904, 64, 1], // LH3
  [3968, 64, 3], // HH3
  [4032, 64, 0], // LL3
];
const LL3_OFFSET = 4032;

// YCbCr → RGB on 11.5 fixed-point components, with the factors of MS-RDPRFX 3.1.8.2.5
// (1.403, -0.344, -0.714, 1.770) in 2.14 fixed point and 16-bit intermediate steps: the integer
// decode of FreeRDP's SSE2 path, which the FreeRDP client screenshots of the fixtures match exactly.
const R_CR = 22986;
const G_CB = -5636;
const G_CR = -11698;
const B_CB = 28999;

/** Left-shifts each subband by its quantization factor - 1 (scale back to 11.5 fixed point). */
function dequantize(coefficients: Int16Array, quant: Uint8Array, quantAt: number): void {
  for (const [offset, length, index] of SUBBANDS) {
    const shift = quant[quantAt + index]! - 1;
    if (shift <= 0) continue;
    for (let i = offset, end = offset + length; i < end; i++) coefficients[i] = coefficients[i]! << shift;
  }
}

/**
 * One level of the inverse 5/3 DWT on the 2n×2n block at `base` (subbands HL, LH, HH, LL of n×n
 * each, in that order), through `tmp`: rows first (L from LL+HL, H from LH+HH), then columns.
 * Lifting (MS-RDPRFX 3.1.8.2.4), mirrored at the edges, every step stored as int16:
 *   even[i] = low[i] - ((high[i-1] + high[i] + 1) >> 1)
 *   odd[i]  = (high[i] << 1) + ((even[i] + even[i+1]) >> 1)
 */
function inverseDwtLevel(buffer: Int16Array, base: number, n: number, tmp: Int16Array): void {
  const width = 2 * n;
  const hStart = n * width;
  for (let row = 0; row < n; row++) {
    horizontal(buffer, base + 3 * n * n + row * n, base + row * n, tmp, row * width, n);
    horizontal(buffer, base + n * n + row * n, base + 2 * n * n + row * n, tmp, hStart + row * width, n);
  }
  // Columns: L rows are tmp rows 0..n-1, H rows tmp rows n..2n-1; output rows interleave even/odd.
  for (let x = 0; x < width; x++) {
    const high = tmp[hStart + x]!;
    buffer[base + x] = tmp[x]! - ((high + high + 1) >> 1);
  }
  for (let k = 0; k < n; k++) {
    const even = base + 2 * k * width;
    const odd = even + width;
    const high = hStart + k * width;
    if (k < n - 1) {
      const evenNext = odd + width;
      const low = (k + 1) * width;
      for (let x = 0; x < width; x++) {
        const h = tmp[high + x]!;
        const next = ((tmp[low + x]! - ((h + tmp[high + width + x]! + 1) >> 1)) << 16) >> 16;
        buffer[evenNext + x] = next;
        buffer[odd + x] = (h << 1) + ((buffer[even + x]! + next) >> 1);
      }
    } else {
      for (let x = 0; x < width; x++) buffer[odd + x] = (tmp[high + x]! << 1) + buffer[even + x]!;
    }
  }
}

/** One row of the horizontal inverse lifting: low[0..n) and high[0..n) of `source` → out[at..at+2n). */
function horizontal(source: Int16Array, low: number, high: number, out: Int16Array, at: number, n: number): void {
  let highPrevious = source[high]!;
  let evenPrevious = ((source[low]! - ((highPrevious + highPrevious + 1) >> 1)) << 16) >> 16;
  out[at] = evenPrevious;
  for (let i = 1; i < n; i++) {
    const h = source[high + i]!;
    const even = ((source[low + i]! - ((highPrevious + h + 1) >> 1)) << 16) >> 16;
    out[at + 2 * i - 1] = (highPrevious << 1) + ((evenPrevious + even) >> 1);
    out[at + 2 * i] = even;
    evenPrevious = even;
    highPrevious = h;
  }
  out[at + 2 * n - 1] = (highPrevious << 1) + evenPrevious;
}

/** Every 64×64 cell the area [x0, x1) × [y0, y1) meets is marked in `covered`. */
function allCovered(covered: Uint8Array, columns: number, x0: number, y0: number, x1: number, y1: number): boolean {
  for (let row = Math.floor(y0 / TILE_SIZE), endRow = Math.ceil(y1 / TILE_SIZE); row < endRow; row++) {
    for (let column = Math.floor(x0 / TILE_SIZE), endColumn = Math.ceil(x1 / TILE_SIZE); column < endColumn; column++) {
      if (!covered[row * columns + column]) return false;
    }
  }
  return true;
}

/**
 * Decodes RemoteFX messages (the bitmapData of a surface-bits command with the RemoteFX codec)
 * onto a framebuffer. Scratch coefficient buffers are allocated once.
 */
export class RemoteFxDecoder {
  state: RemoteFxState = initialRemoteFxState();
  /** Tiles decoded so far (for measurements). */
  tilesDecoded = 0;
  private readonly y = new Int16Array(TILE_PIXELS);
  private readonly cb = new Int16Array(TILE_PIXELS);
  private readonly cr = new Int16Array(TILE_PIXELS);
  private readonly tmp = new Int16Array(TILE_PIXELS);

  /** Bytes of the fixed coefficient buffers. */
  get byteLength(): number {
    return 4 * TILE_PIXELS * 2;
  }

  /**
   * Decodes one RemoteFX message whose tile grid starts at (`left`, `top`) on screen; the areas
   * drawn are added to `dirty`. Throws FastPathError on malformed blocks (before drawing the
   * tileset they belong to).
   */
  decode(data: Uint8Array, left: number, top: number, screen: Framebuffer, dirty: Rect[], covered?: Uint8Array): void {
    readRemoteFxMessage(data, left, top, screen, this.state, (tileset) => this.drawTileset(data, tileset, screen, dirty, covered));
  }

  /** Reads one RemoteFX message for its header state only: tilesets are located and checked, not decoded. */
  readState(data: Uint8Array, left: number, top: number, screen: Framebuffer): void {
    readRemoteFxMessage(data, left, top, screen, this.state, () => {});
  }

  private drawTileset(data: Uint8Array, { rects, tiles, quant, entropy }: RemoteFxTileset, screen: Framebuffer, dirty: Rect[], covered: Uint8Array | undefined): void {
    const touched = new Uint8Array(rects.length);
    const columns = Math.ceil(screen.width / TILE_SIZE);
    for (const tile of tiles) {
      let decoded = false;
      for (let r = 0; r < rects.length; r++) {
        const rect = rects[r]!;
        const x0 = Math.max(rect.x, tile.x);
        const y0 = Math.max(rect.y, tile.y);
        const x1 = Math.min(rect.x + rect.width, tile.x + TILE_SIZE);
        const y1 = Math.min(rect.y + rect.height, tile.y + TILE_SIZE);
        if (x1 <= x0 || y1 <= y0) continue;
        if (covered && allCovered(covered, columns, x0, y0, x1, y1)) continue;
        if (!decoded) {
          this.decodeTile(data, tile, quant, entropy);
          decoded = true;
        }
        this.writePixels(screen, x0 - tile.x, y0 - tile.y, x0, y0, x1 - x0, y1 - y0);
        touched[r] = 1;
      }
    }
    for (let r = 0; r < rects.length; r++) if (touched[r]) dirty.push(rects[r]!);
  }

  /** Entropy-decodes, dequantizes and inverse-transforms the three components of a tile. */
  private decodeTile(data: Uint8Array, tile: TileRef, quant: Uint8Array, mode: RlgrMode): void {
    this.decodeComponent(data, tile.yStart, tile.cbStart, mode, quant, tile.quantY, this.y);
    this.decodeComponent(data, tile.cbStart, tile.crStart, mode, quant, tile.quantCb, this.cb);
    this.decodeComponent(data, tile.crStart, tile.crEnd, mode, quant, tile.quantCr, this.cr);
    this.tilesDecoded++;
  }

  private decodeComponent(data: Uint8Array, start: number, end: number, mode: RlgrMode, quant: Uint8Array, quantAt: number, out: Int16Array): void {
    rlgrDecode(data, start, end, mode, out);
    for (let i = LL3_OFFSET + 1; i < TILE_PIXELS; i++) out[i] = out[i]! + out[i - 1]!;
    dequantize(out, quant, quantAt);
    inverseDwtLevel(out, 3840, 8, this.tmp);
    inverseDwtLevel(out, 3072, 16, this.tmp);
    inverseDwtLevel(out, 0, 32, this.tmp);
  }

  /** Converts the decoded tile area at (`tileX`, `tileY`) of size `width`×`height` to RGB at (`x`, `y`). */
  private writePixels(screen: Framebuffer, tileX: number, tileY: number, x: number, y: number, width: number, height: number): void {
    const words = screen.words;
    const { y: luma, cb: blue, cr: red } = this;
    for (let row = 0; row < height; row++) {
      let from = (tileY + row) * TILE_SIZE + tileX;
      let to = (y + row) * screen.width + x;
      for (let column = 0; column < width; column++, from++, to++) {
        // All int16 steps, as the reference's SIMD path: y' = (Y + 4096) >> 2, then
        // (y' + hi16(C * k)) >> 3 for each channel.
        const base = (((luma[from]! + 4096) << 16) >> 16) >> 2;
        const cb = blue[from]!;
        const cr = red[from]!;
        let r = (((base + ((cr * R_CR) >> 16)) << 16) >> 16) >> 3;
        let g = (((base + ((cb * G_CB) >> 16) + ((cr * G_CR) >> 16)) << 16) >> 16) >> 3;
        let b = (((base + ((cb * B_CB) >> 16)) << 16) >> 16) >> 3;
        r = r < 0 ? 0 : r > 255 ? 255 : r;
        g = g < 0 ? 0 : g > 255 ? 255 : g;
        b = b < 0 ? 0 : b > 255 ? 255 : b;
        words[to] = packRgb(r, g, b);
      }
    }
  }
}
