// RemoteFX message blocks (MS-RDPRFX 2.2.2): header blocks, regions and tilesets located and
// checked, without decoding a pixel. The decoder (remotefx.ts) draws what this reads; paint-rects.ts
// only measures it, so this module carries no pixel code.

import { ByteReader } from './byte-reader.js';
import { malformed } from './errors.js';
import { type ScreenSize, clipRect } from './framebuffer.js';
import { RlgrMode } from './rlgr.js';
import type { Rect } from './types.js';

export const TILE_SIZE = 64;

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

/** One tile of a tileset, located in the message bytes; `x`/`y` is its top-left corner on screen. */
export interface TileRef {
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

/** A tileset ready to draw: the region's rectangles on screen, its tiles located, quant tables unpacked. */
export interface RemoteFxTileset {
  rects: Rect[];
  tiles: TileRef[];
  /** Quant values unpacked to one factor per byte: 10 per table. */
  quant: Uint8Array;
  entropy: RlgrMode;
}

/**
 * Walks the blocks of one RemoteFX message whose tile grid starts at (`left`, `top`), updating
 * `state` from its header blocks and handing each tileset to `onTileset` once all of its tiles are
 * located and checked. Throws FastPathError on a malformed block: nothing after it is read. The
 * decoder draws tilesets with it; `paint-rects.ts` only measures them.
 */
export function readRemoteFxMessage(data: Uint8Array, left: number, top: number, screen: ScreenSize, state: RemoteFxState, onTileset: (tileset: RemoteFxTileset) => void): void {
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
            state.channelWidth = Math.max(0, width);
            state.channelHeight = Math.max(0, height);
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
        state.hasContext = true;
        state.entropy = (properties >> 9) & 0xf;
        break;
      }
      case BlockType.FrameBegin:
      case BlockType.FrameEnd:
        break;
      case BlockType.Region:
        rects = readRegion(block, left, top, screen, state);
        break;
      case BlockType.Extension:
        onTileset(readTileset(block, left, top, rects ?? wholeChannel(left, top, screen, state), state));
        break;
      default:
        // Unknown blocks are skipped by their length (MS-RDPRFX 3.1.8.3.1).
        break;
    }
  }
}

/** True when a RemoteFX message starts with header blocks (sync, versions, channels, context): decoder state, not pixels. */
export function hasRemoteFxHeaders(data: Uint8Array): boolean {
  const reader = new ByteReader(data);
  while (reader.remaining >= BLOCK_HEADER_BYTES) {
    const blockType = reader.u16('RemoteFX blockType');
    const blockLength = reader.u32('RemoteFX blockLen');
    if (blockType === BlockType.Sync || blockType === BlockType.CodecVersions || blockType === BlockType.Channels || blockType === BlockType.Context) return true;
    if (blockLength < BLOCK_HEADER_BYTES || blockLength - BLOCK_HEADER_BYTES > reader.remaining) return false;
    reader.skip(blockLength - BLOCK_HEADER_BYTES, 'RemoteFX block');
  }
  return false;
}

/** The region's rectangles on screen (offset by the command's origin, clipped to the screen). */
function readRegion(block: ByteReader, left: number, top: number, screen: ScreenSize, state: RemoteFxState): Rect[] {
  block.skip(2, 'TS_RFX_REGION codecChannelT');
  block.u8('regionFlags');
  const count = block.u16('numRects');
  if (count === 0) return wholeChannel(left, top, screen, state);
  const rects: Rect[] = [];
  for (let i = 0; i < count; i++) {
    const x = block.u16('rect x');
    const y = block.u16('rect y');
    const width = block.u16('rect width');
    const height = block.u16('rect height');
    const area = clipRect(left + x, top + y, width, height, screen);
    if (area) rects.push(area);
  }
  return rects;
}

function wholeChannel(left: number, top: number, screen: ScreenSize, state: RemoteFxState): Rect[] {
  const width = state.channelWidth || screen.width;
  const height = state.channelHeight || screen.height;
  const area = clipRect(left, top, width, height, screen);
  return area ? [area] : [];
}

const isRlgr = (et: number): et is RlgrMode => et === RlgrMode.Rlgr1 || et === RlgrMode.Rlgr3;

/** TS_RFX_TILESET: every tile located and checked (none drawn yet). */
function readTileset(block: ByteReader, left: number, top: number, rects: Rect[], state: RemoteFxState): RemoteFxTileset {
  block.skip(2, 'TS_RFX_TILESET codecChannelT');
  const subtype = block.u16('TS_RFX_TILESET subtype');
  if (subtype !== CBT_TILESET) throw malformed(`TS_RFX_TILESET subtype 0x${subtype.toString(16)}`);
  block.u16('idx');
  const properties = block.u16('TS_RFX_TILESET properties');
  const quantCount = block.u8('numQuant');
  block.u8('tileSize');
  const tileCount = block.u16('numTiles');
  const tilesDataSize = block.u32('tilesDataSize');
  const tilesetEntropy = (properties >> 10) & 0xf;
  const entropy = isRlgr(tilesetEntropy) ? tilesetEntropy : state.entropy;
  if (!isRlgr(entropy)) {
    const context = state.hasContext ? `context's ${state.entropy}` : 'no TS_RFX_CONTEXT seen';
    throw malformed(`RemoteFX tileset entropy algorithm ${tilesetEntropy}, ${context}`);
  }
  const quantBytes = block.bytes(quantCount * QUANT_BYTES, 'quantVals');
  const quant = new Uint8Array(quantCount * 10);
  for (let i = 0; i < quantBytes.length; i++) {
    quant[i * 2] = quantBytes[i]! & 0x0f;
    quant[i * 2 + 1] = quantBytes[i]! >> 4;
  }
  const tilesReader = block.sub(Math.min(tilesDataSize, block.remaining), 'tiles');
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
  return { rects, tiles, quant, entropy };
}

