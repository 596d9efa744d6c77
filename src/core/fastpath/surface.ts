// Surface commands (MS-RDPBCGR 2.2.9.2): set/stream surface bits and frame markers.

import type { ByteReader } from './byte-reader.js';
import { FastPathError, FastPathErrorReason, malformed, truncated } from './errors.js';
import type { Framebuffer } from './framebuffer.js';
import type { BitmapScratch } from './bitmap.js';
import { nativeToWords } from './interleaved.js';
import type { RemoteFxDecoder } from './remotefx.js';
import type { Rect } from './types.js';
import { decodeQoi, maxQoiBytes } from './qoi.js';
import { CODEC_ID_NONE, CODEC_ID_QOIZ, readSurfaceCommand } from './updates.js';
import { decompressZstd } from './zstd.js';

export { CODEC_ID_NONE, CODEC_ID_QOIZ } from './updates.js';

export interface SurfaceContext {
  screen: Framebuffer;
  remoteFx: RemoteFxDecoder;
  /** The codec id the client assigned to RemoteFX in its Bitmap Codecs capability set. */
  remoteFxCodecId: number;
  /** False: only the state surface commands carry is kept (RemoteFX header blocks); nothing is drawn. */
  paint: boolean;
  /** 64×64 cells later updates paint over (`FastPathPushOptions.covered`): RemoteFX skips tiles drawing only there. */
  covered: Uint8Array | undefined;
  scratch: BitmapScratch;
  palette: Uint32Array;
  maxPixels: number;
  dirty: Rect[];
  errors: string[];
}

/** TS_FP_SURFCMDS: every command in turn; a bad surface-bits command is reported and the next one run. */
export function decodeSurfaceCommands(reader: ByteReader, context: SurfaceContext): void {
  while (reader.remaining > 0) {
    const command = readSurfaceCommand(reader);
    if (command.type === 'frameMarker') continue;
    const { left, top, bpp, codecId, width, height, data } = command;
    try {
      if (codecId === context.remoteFxCodecId) {
        if (context.paint) context.remoteFx.decode(data, left, top, context.screen, context.dirty, context.covered);
        else context.remoteFx.readState(data, left, top, context.screen);
      } else if (!context.paint) {
        continue;
      } else if (codecId === CODEC_ID_NONE) {
        drawRaw(data, left, top, width, height, bpp, context);
      } else if (codecId === CODEC_ID_QOIZ) {
        drawQoiz(data, left, top, width, height, context);
      } else {
        throw new FastPathError(FastPathErrorReason.Unsupported, `codec id ${codecId}`);
      }
    } catch (error) {
      if (!(error instanceof FastPathError)) throw error;
      context.errors.push(error.describe(`surface bits (codec ${codecId}, ${width}x${height} at ${left},${top})`));
    }
  }
}

/** QOIZ (Teleport's Linux desktops): a zstd frame of a QOI image, drawn at the destination's top-left corner. */
function drawQoiz(data: Uint8Array, left: number, top: number, width: number, height: number, context: SurfaceContext): void {
  const pixels = width * height;
  if (pixels > context.maxPixels) throw new FastPathError(FastPathErrorReason.TooLarge, `QOIZ surface bits of ${width}x${height} is larger than the screen`);
  if (pixels === 0) return;
  const qoi = decompressZstd(data, maxQoiBytes(pixels));
  const { scratch } = context;
  scratch.ensure(pixels);
  decodeQoi(qoi, width, height, scratch.words);
  const area = context.screen.blit(scratch.words, width, 0, 0, left, top, width, height);
  if (area) context.dirty.push(area);
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
