// Zstandard frames (RFC 8878) of QOIZ surface bits. Teleport's carry no content size, so they are
// decompressed as a stream (fzstd), block by block, and stopped as soon as the output passes what
// the rectangle can hold: a frame that expands without bound is refused, never allocated.

import { Decompress, ZstdErrorCode, type ZstdError } from 'fzstd';
import { concatBytes } from '../../format/bytes.js';
import { FastPathError, FastPathErrorReason, malformed, truncated } from './errors.js';

const ZSTD_MAGIC = 0xfd2fb528;
const SINGLE_SEGMENT = 0x20;
const MIN_WINDOW_LOG = 10;

/**
 * The bytes one zstd frame decompresses to, at most `maxBytes`: more is a `too-large`
 * FastPathError, corrupt data a `malformed` or `truncated` one.
 */
export function decompressZstd(data: Uint8Array, maxBytes: number): Uint8Array {
  const blocks: Uint8Array[] = [];
  let length = 0;
  const stream = new Decompress((block) => {
    length += block.length;
    if (length > maxBytes) throw new FastPathError(FastPathErrorReason.TooLarge, `zstd data expands past ${maxBytes} bytes`);
    blocks.push(block);
  });
  try {
    stream.push(withWindowAtMost(data, maxBytes), true);
  } catch (error) {
    if (error instanceof FastPathError) throw error;
    if ((error as Partial<ZstdError>).code === ZstdErrorCode.UnexpectedEOF) throw truncated('zstd frame', data.length + 1, data.length);
    throw malformed(`zstd data: ${error instanceof Error ? error.message : String(error)}`);
  }
  return concatBytes(blocks);
}

/**
 * The frame as the decoder should take it. The decoder allocates its window up front: the whole
 * declared content size for a single-segment frame (refused here when over `maxBytes`), else the
 * declared window, lowered (on a copy) to the smallest window holding `maxBytes`. No match reaches
 * back past the output so far, so decoding is unchanged, but the decoder keeps (and shifts
 * through) a window the rectangle's size instead of Teleport's 2 MiB for every 64×64 update.
 */
function withWindowAtMost(data: Uint8Array, maxBytes: number): Uint8Array {
  if (data.length < 6) return data;
  const magic = (data[0]! | (data[1]! << 8) | (data[2]! << 16) | (data[3]! << 24)) >>> 0;
  if (magic !== ZSTD_MAGIC) return data;
  const descriptor = data[4]!;
  if (descriptor & SINGLE_SEGMENT) {
    const contentSize = declaredContentSize(data, descriptor);
    if (contentSize > maxBytes) throw new FastPathError(FastPathErrorReason.TooLarge, `zstd frame declares ${contentSize} bytes, over ${maxBytes}`);
    return data;
  }
  const exponent = data[5]! >> 3;
  let needed = 0;
  while (needed < exponent && 1 << (MIN_WINDOW_LOG + needed) < maxBytes) needed += 1;
  if (needed >= exponent) return data;
  const copy = data.slice();
  copy[5] = needed << 3;
  return copy;
}

/** Frame_Content_Size of a single-segment frame (RFC 8878 3.1.1.1); Infinity when it does not fit a double exactly or is cut off. */
function declaredContentSize(data: Uint8Array, descriptor: number): number {
  const sizeBytes = [1, 2, 4, 8][descriptor >> 6]!;
  const at = 5 + [0, 1, 2, 4][descriptor & 3]!;
  if (at + sizeBytes > data.length) return Infinity;
  let size = 0;
  for (let i = sizeBytes - 1; i >= 0; i--) size = size * 256 + data[at + i]!;
  return sizeBytes === 2 ? size + 256 : size;
}
