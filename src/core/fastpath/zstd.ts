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
 * The frame with its window descriptor lowered to the smallest window holding `maxBytes` (when it
 * declares more): no match reaches back further than the output so far, so decoding is unchanged,
 * but the decoder keeps (and shifts through) a window the rectangle's size instead of Teleport's
 * 2 MiB for every 64×64 update. The caller's bytes are not touched.
 */
function withWindowAtMost(data: Uint8Array, maxBytes: number): Uint8Array {
  if (data.length < 6) return data;
  const magic = (data[0]! | (data[1]! << 8) | (data[2]! << 16) | (data[3]! << 24)) >>> 0;
  if (magic !== ZSTD_MAGIC || data[4]! & SINGLE_SEGMENT) return data;
  const descriptor = data[5]!;
  const exponent = descriptor >> 3;
  let needed = 0;
  while (needed < exponent && 1 << (MIN_WINDOW_LOG + needed) < maxBytes) needed += 1;
  if (needed >= exponent) return data;
  const copy = data.slice();
  copy[5] = needed << 3;
  return copy;
}
