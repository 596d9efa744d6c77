// RemoteFX (MS-RDPRFX): message blocks, tiles (RLGR, LL3 differential, dequantization, inverse
// DWT, YCbCr → RGB), each tile clipped to the region's rectangles. Integer arithmetic follows the
// reference decoder (int16 coefficients in 11.5 fixed point), so results match a FreeRDP client.

import { ByteReader } from './byte-reader.js';
import { malformed } from './errors.js';
import { type Framebuffer, packRgb } from './framebuffer.js';
import { RlgrMode, rlgrDecode } from './rlgr.js';
import type { Rect } from './types.js';

export const TILE_SIZE = 64;
const TILE_PIXELS = TILE_SIZE * TILE_SIZE;

const BlockType = {
  Sync: 0xccc0,
  CodecVersions: 0xccc1,
  Channels: 0xccc2,
  Context: 0xccc3,
  FrameBegin: 0xccc4,
  FrameEnd: 0xccc5,
  Region: 0xccc6,
  Extension: 0xccc7,
  Tile: 0xcac3,
} as const;
const CBT_TILESET = 0xcac2;
const WF_MAGIC = 0xcaccacca;
const BLOCK_HEADER_BYTES = 6;
const TILE_HEADER_BYTES = 19;
const QUANT_BYTES = 5;

/**
 * What a RemoteFX stream says once, in its header blocks, and later frames rely on. Plain data,
 * so it can be kept with a keyframe and given back (`FastPathDecoder.saveState`).
 */
export interface RemoteFxState {
  /** TS_RFX_CONTEXT seen. */
  hasContext: boolean;
  /** Entropy algorithm of the context (`et`); a tileset's own `et` wins (MS-RDPRFX 2.2.2.2.4). */
  entropy: number;
  /** Size of the first channel (TS_RFX_CHANNELS), 0 until seen: the region when a region lists no rectangles. */
  channelWidth: number;
  channelHeight: number;
}

export const initialRemoteFxState = (): RemoteFxState => ({ hasContext: false, entropy: 0, channelWidth: 0, channelHeight: 0 });

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

/** One tile of a tileset, located in the message bytes. */
interface TileRef {
  x: number;
  y: number;
  quantY: number;
  quantCb: number;
  quantCr: number;
  yStart: number;
  cbStart: number;
  crStart: number;
  crEnd: number;
}

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
  decode(data: Uint8Array, left: number, top: number, screen: Framebuffer, dirty: Rect[]): void {
    const reader = new ByteReader(data);
    let rects: Rect[] | undefined;
    while (reader.remaining > 0) {
      const blockType = reader.u16('RemoteFX blockType');
      const blockLength = reader.u32('RemoteFX blockLen');
      if (blockLength < BLOCK_HEADER_BYTES) throw malformed(`RemoteFX block 0x${blockType.toString(16)} has length ${blockLength}`);
      const block = reader.sub(blockLength - BLOCK_HEADER_BYTES, `RemoteFX block 0x${blockType.toString(16)}`);
      switch (blockType) {
        case BlockType.Sync: {
          const magic = block.u32('TS_RFX_SYNC magic');
          const version = block.u16('TS_RFX_SYNC version');
          if (magic !== WF_MAGIC || version !== 0x0100) throw malformed(`TS_RFX_SYNC magic 0x${magic.toString(16)} version 0x${version.toString(16)}`);
          break;
        }
        case BlockType.CodecVersions:
          break;
        case BlockType.Channels: {
          const count = block.u8('TS_RFX_CHANNELS numChannels');
          for (let i = 0; i < count; i++) {
            block.u8('channelId');
            const width = block.i16('channel width');
            const height = block.i16('channel height');
            if (i === 0) {
              this.state.channelWidth = Math.max(0, width);
              this.state.channelHeight = Math.max(0, height);
            }
          }
          break;
        }
        case BlockType.Context: {
          block.skip(2, 'TS_RFX_CONTEXT codecChannelT');
          block.u8('ctxId');
          const tileSize = block.u16('tileSize');
          const properties = block.u16('TS_RFX_CONTEXT properties');
          if (tileSize !== TILE_SIZE) throw malformed(`TS_RFX_CONTEXT tile size ${tileSize}`);
          this.state.hasContext = true;
          this.state.entropy = (properties >> 9) & 0xf;
          break;
        }
        case BlockType.FrameBegin:
        case BlockType.FrameEnd:
          break;
        case BlockType.Region:
          rects = this.readRegion(block, left, top, screen);
          break;
        case BlockType.Extension:
          this.decodeTileset(block, data, left, top, screen, rects ?? this.wholeChannel(left, top, screen), dirty);
          break;
        default:
          // Unknown blocks are skipped by their length (MS-RDPRFX 3.1.8.3.1).
          break;
      }
    }
  }

  /** The region's rectangles on screen (offset by the command's origin, clipped to the screen). */
  private readRegion(block: ByteReader, left: number, top: number, screen: Framebuffer): Rect[] {
    block.skip(2, 'TS_RFX_REGION codecChannelT');
    block.u8('regionFlags');
    const count = block.u16('numRects');
    if (count === 0) return this.wholeChannel(left, top, screen);
    const rects: Rect[] = [];
    for (let i = 0; i < count; i++) {
      const x = block.u16('rect x');
      const y = block.u16('rect y');
      const width = block.u16('rect width');
      const height = block.u16('rect height');
      const area = screen.clip(left + x, top + y, width, height);
      if (area) rects.push(area);
    }
    return rects;
  }

  private wholeChannel(left: number, top: number, screen: Framebuffer): Rect[] {
    const width = this.state.channelWidth || screen.width;
    const height = this.state.channelHeight || screen.height;
    const area = screen.clip(left, top, width, height);
    return area ? [area] : [];
  }

  private decodeTileset(block: ByteReader, data: Uint8Array, left: number, top: number, screen: Framebuffer, rects: Rect[], dirty: Rect[]): void {
    block.skip(2, 'TS_RFX_TILESET codecChannelT');
    const subtype = block.u16('TS_RFX_TILESET subtype');
    if (subtype !== CBT_TILESET) throw malformed(`TS_RFX_TILESET subtype 0x${subtype.toString(16)}`);
    block.u16('idx');
    const properties = block.u16('TS_RFX_TILESET properties');
    const quantCount = block.u8('numQuant');
    block.u8('tileSize');
    const tileCount = block.u16('numTiles');
    const tilesDataSize = block.u32('tilesDataSize');
    const isRlgr = (et: number) => et === RlgrMode.Rlgr1 || et === RlgrMode.Rlgr3;
    const tilesetEntropy = (properties >> 10) & 0xf;
    const entropy = isRlgr(tilesetEntropy) ? tilesetEntropy : this.state.entropy;
    if (!isRlgr(entropy)) {
      const context = this.state.hasContext ? `context's ${this.state.entropy}` : 'no TS_RFX_CONTEXT seen';
      throw malformed(`RemoteFX tileset entropy algorithm ${tilesetEntropy}, ${context}`);
    }
    const quantBytes = block.bytes(quantCount * QUANT_BYTES, 'quantVals');
    // Quant values unpacked to one factor per byte: 10 per table.
    const quant = new Uint8Array(quantCount * 10);
    for (let i = 0; i < quantBytes.length; i++) {
      quant[i * 2] = quantBytes[i]! & 0x0f;
      quant[i * 2 + 1] = quantBytes[i]! >> 4;
    }
    const tilesReader = block.sub(Math.min(tilesDataSize, block.remaining), 'tiles');
    // Locate and check every tile before drawing any.
    const tiles: TileRef[] = [];
    for (let i = 0; i < tileCount; i++) {
      const tileType = tilesReader.u16('TS_RFX_TILE blockType');
      const tileLength = tilesReader.u32('TS_RFX_TILE blockLen');
      if (tileType !== BlockType.Tile) throw malformed(`tile ${i} has block type 0x${tileType.toString(16)}`);
      if (tileLength < TILE_HEADER_BYTES) throw malformed(`tile ${i} has length ${tileLength}`);
      const tile = tilesReader.sub(tileLength - BLOCK_HEADER_BYTES, `tile ${i}`);
      const quantY = tile.u8('quantIdxY');
      const quantCb = tile.u8('quantIdxCb');
      const quantCr = tile.u8('quantIdxCr');
      if (quantY >= quantCount || quantCb >= quantCount || quantCr >= quantCount) {
        throw malformed(`tile ${i} uses quant table ${Math.max(quantY, quantCb, quantCr)} of ${quantCount}`);
      }
      const x = tile.u16('xIdx');
      const y = tile.u16('yIdx');
      const yLength = tile.u16('YLen');
      const cbLength = tile.u16('CbLen');
      const crLength = tile.u16('CrLen');
      const yStart = tile.position;
      tile.skip(yLength + cbLength + crLength, `tile ${i} data`);
      tiles.push({
        x: left + x * TILE_SIZE,
        y: top + y * TILE_SIZE,
        quantY: quantY * 10,
        quantCb: quantCb * 10,
        quantCr: quantCr * 10,
        yStart,
        cbStart: yStart + yLength,
        crStart: yStart + yLength + cbLength,
        crEnd: yStart + yLength + cbLength + crLength,
      });
    }
    const touched = new Uint8Array(rects.length);
    for (const tile of tiles) {
      let decoded = false;
      for (let r = 0; r < rects.length; r++) {
        const rect = rects[r]!;
        const x0 = Math.max(rect.x, tile.x);
        const y0 = Math.max(rect.y, tile.y);
        const x1 = Math.min(rect.x + rect.width, tile.x + TILE_SIZE);
        const y1 = Math.min(rect.y + rect.height, tile.y + TILE_SIZE);
        if (x1 <= x0 || y1 <= y0) continue;
        if (!decoded) {
          this.decodeTile(data, tile, quant, entropy as RlgrMode);
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
