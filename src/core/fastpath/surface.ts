// Surface commands (MS-RDPBCGR 2.2.9.2): set/stream surface bits and frame markers.

import type { ByteReader } from './byte-reader.js';
import { FastPathError, FastPathErrorReason, malformed, truncated } from './errors.js';
import type { Framebuffer } from './framebuffer.js';
import type { BitmapScratch } from './bitmap.js';
import { nativeToWords } from './interleaved.js';
import type { RemoteFxDecoder } from './remotefx.js';
import type { Rect } from './types.js';

const CMDTYPE_SET_SURFACE_BITS = 0x0001;
const CMDTYPE_FRAME_MARKER = 0x0004;
const CMDTYPE_STREAM_SURFACE_BITS = 0x0006;
const EX_COMPRESSED_BITMAP_HEADER_PRESENT = 0x01;
const EX_COMPRESSED_BITMAP_HEADER_BYTES = 24;
/** Codec id 0: the bitmap data is raw pixels. */
export const CODEC_ID_NONE = 0;

export interface SurfaceContext {
  screen: Framebuffer;
  remoteFx: RemoteFxDecoder;
  /** The codec id the client assigned to RemoteFX in its Bitmap Codecs capability set. */
  remoteFxCodecId: number;
  scratch: BitmapScratch;
  palette: Uint32Array;
  maxPixels: number;
  dirty: Rect[];
  errors: string[];
}

/** TS_FP_SURFCMDS: every command in turn; a bad surface-bits command is reported and the next one run. */
export function decodeSurfaceCommands(reader: ByteReader, context: SurfaceContext): void {
  while (reader.remaining > 0) {
    const type = reader.u16('surface command cmdType');
    if (type === CMDTYPE_FRAME_MARKER) {
      reader.u16('frameAction');
      reader.u32('frameId');
      continue;
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
    try {
      if (codecId === context.remoteFxCodecId) {
        context.remoteFx.decode(data, left, top, context.screen, context.dirty);
      } else if (codecId === CODEC_ID_NONE) {
        drawRaw(data, left, top, width, height, bpp, context);
      } else {
        throw new FastPathError(FastPathErrorReason.Unsupported, `codec id ${codecId}`);
      }
    } catch (error) {
      if (!(error instanceof FastPathError)) throw error;
      context.errors.push(error.describe(`surface bits (codec ${codecId}, ${width}x${height} at ${left},${top})`));
    }
  }
}

/** Codec 0: 32 bpp BGRX pixels, scanlines bottom-up. */
function drawRaw(data: Uint8Array, left: number, top: number, width: number, height: number, bpp: number, context: SurfaceContext): void {
  if (bpp !== 32) throw new FastPathError(FastPathErrorReason.Unsupported, `uncompressed surface bits of ${bpp} bpp`);
  const pixels = width * height;
  if (pixels > context.maxPixels) throw new FastPathError(FastPathErrorReason.TooLarge, `surface bits of ${width}x${height} is larger than the screen`);
  if (data.length < pixels * 4) throw truncated('uncompressed surface bits', pixels * 4, data.length);
  if (pixels === 0) return;
  const { scratch } = context;
  scratch.ensure(pixels);
  const native = scratch.native;
  for (let i = 0, at = 0; i < pixels; i++, at += 4) native[i] = data[at]! | (data[at + 1]! << 8) | (data[at + 2]! << 16);
  nativeToWords(native, width, height, 32, context.palette, scratch.words);
  const area = context.screen.blit(scratch.words, width, 0, 0, left, top, width, height);
  if (area) context.dirty.push(area);
}
