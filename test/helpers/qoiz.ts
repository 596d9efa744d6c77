// QOIZ screen updates as Teleport's Linux desktop service writes them (linux_desktop_encoder.rs):
// a QOI image (the reference encoder of qoiformat.org, channels byte forced to 3) in a zstd frame
// without content size, in a SetSurfaceBits command of codec 0x0B, cut into 32,760-byte fast-path
// PDUs. Zstd frames are written here with raw and RLE blocks only (no entropy coder); frames with
// compressed blocks come from the zstd tool (test/fixtures/qoiz/).
import { UpdateCode, colorPointer, concat, fragmentedPdus, newPointer, pduOf, surfaceBits } from '../fixtures/rdp/build.js';

export const QOIZ_CODEC_ID = 0x0b;
export const QOIZ_CHUNK_BYTES = 32760;

/** Encodes RGBA pixels (top-down rows) as QOI, exactly as the reference encoder (qoi.h) does. */
export function encodeQoi(rgba: Uint8Array, width: number, height: number, channels = 3): Uint8Array {
  const out = new Uint8Array(14 + width * height * 5 + 8);
  const view = new DataView(out.buffer);
  out.set([0x71, 0x6f, 0x69, 0x66]);
  view.setUint32(4, width);
  view.setUint32(8, height);
  out[12] = channels;
  out[13] = 0;
  let at = 14;
  const index = new Uint32Array(64);
  let pr = 0;
  let pg = 0;
  let pb = 0;
  let pa = 255;
  let run = 0;
  const pixels = width * height;
  for (let i = 0; i < pixels; i++) {
    const r = rgba[i * 4]!;
    const g = rgba[i * 4 + 1]!;
    const b = rgba[i * 4 + 2]!;
    const a = rgba[i * 4 + 3]!;
    if (r === pr && g === pg && b === pb && a === pa) {
      run += 1;
      if (run === 62 || i === pixels - 1) {
        out[at++] = 0xc0 | (run - 1);
        run = 0;
      }
      continue;
    }
    if (run > 0) {
      out[at++] = 0xc0 | (run - 1);
      run = 0;
    }
    const slot = (r * 3 + g * 5 + b * 7 + a * 11) & 63;
    const packed = (r | (g << 8) | (b << 16) | (a << 24)) >>> 0;
    if (index[slot] === packed) {
      out[at++] = slot;
    } else {
      index[slot] = packed;
      if (a === pa) {
        const dr = ((r - pr + 128) & 0xff) - 128;
        const dg = ((g - pg + 128) & 0xff) - 128;
        const db = ((b - pb + 128) & 0xff) - 128;
        const drg = dr - dg;
        const dbg = db - dg;
        if (dr > -3 && dr < 2 && dg > -3 && dg < 2 && db > -3 && db < 2) {
          out[at++] = 0x40 | ((dr + 2) << 4) | ((dg + 2) << 2) | (db + 2);
        } else if (drg > -9 && drg < 8 && dg > -33 && dg < 32 && dbg > -9 && dbg < 8) {
          out[at++] = 0x80 | (dg + 32);
          out[at++] = ((drg + 8) << 4) | (dbg + 8);
        } else {
          out.set([0xfe, r, g, b], at);
          at += 4;
        }
      } else {
        out.set([0xff, r, g, b, a], at);
        at += 5;
      }
    }
    pr = r;
    pg = g;
    pb = b;
    pa = a;
  }
  out.set([0, 0, 0, 0, 0, 0, 0, 1], at);
  return out.slice(0, at + 8);
}

const ZSTD_MAGIC = [0x28, 0xb5, 0x2f, 0xfd];
const ZSTD_MAX_BLOCK = 128 * 1024;

/** Which zstd block types `zstdFrame` writes. */
export type ZstdBlocks = 'raw' | 'rle-and-raw';

/**
 * A zstd frame of `data` without content size or checksum (FHD 0x00, window 0x58 = 2 MiB, as
 * Teleport's are), in blocks of at most `blockBytes`: raw blocks, and with `rle-and-raw` an RLE
 * block for each run of one byte value at least 8 long.
 */
export function zstdFrame(data: Uint8Array, blocks: ZstdBlocks = 'raw', blockBytes = ZSTD_MAX_BLOCK): Uint8Array {
  const pieces: Array<{ type: 0 | 1; bytes: Uint8Array }> = [];
  let at = 0;
  while (at < data.length) {
    if (blocks === 'rle-and-raw') {
      let end = at + 1;
      while (end < data.length && end - at < blockBytes && data[end] === data[at]) end += 1;
      if (end - at >= 8) {
        pieces.push({ type: 1, bytes: data.subarray(at, end) });
        at = end;
        continue;
      }
      let rawEnd = at + 1;
      // Up to the next run of 8, or the block limit.
      while (rawEnd < data.length && rawEnd - at < blockBytes) {
        let same = 1;
        while (rawEnd + same < data.length && same < 8 && data[rawEnd + same] === data[rawEnd]) same += 1;
        if (same >= 8) break;
        rawEnd += 1;
      }
      pieces.push({ type: 0, bytes: data.subarray(at, rawEnd) });
      at = rawEnd;
    } else {
      const end = Math.min(data.length, at + blockBytes);
      pieces.push({ type: 0, bytes: data.subarray(at, end) });
      at = end;
    }
  }
  if (pieces.length === 0) pieces.push({ type: 0, bytes: new Uint8Array(0) });
  const chunks: Uint8Array[] = [Uint8Array.of(...ZSTD_MAGIC, 0x00, 0x58)];
  pieces.forEach((piece, i) => {
    const last = i === pieces.length - 1 ? 1 : 0;
    const header = (piece.bytes.length << 3) | (piece.type << 1) | last;
    chunks.push(Uint8Array.of(header & 0xff, (header >> 8) & 0xff, (header >> 16) & 0xff));
    chunks.push(piece.type === 1 ? Uint8Array.of(piece.bytes[0]!) : piece.bytes);
  });
  return concat(...chunks);
}

/** The SetSurfaceBits command of one QOIZ rectangle at (left, top) (a fast-path SurfaceCommands update body). */
export const qoizSurfaceBits = (left: number, top: number, width: number, height: number, zstd: Uint8Array, codecId = QOIZ_CODEC_ID): Uint8Array =>
  surfaceBits({ left, top, width, height, codecId, bpp: 0, data: zstd, set: true });

/** One update as Teleport sends it: a single PDU when it fits in 32,760 bytes, else a FIRST, NEXT…, LAST run of such chunks. */
export const teleportPdus = (code: number, body: Uint8Array): Uint8Array[] =>
  body.length <= QOIZ_CHUNK_BYTES ? [pduOf(code, body)] : fragmentedPdus(code, body, QOIZ_CHUNK_BYTES);

/** A rectangle of RGBA pixels (top-down) as QOIZ update PDUs. */
export function qoizPdus(left: number, top: number, width: number, height: number, rgba: Uint8Array, blocks: ZstdBlocks = 'rle-and-raw'): Uint8Array[] {
  return teleportPdus(UpdateCode.SurfaceCommands, qoizSurfaceBits(left, top, width, height, zstdFrame(encodeQoi(rgba, width, height), blocks)));
}

/** A 32 bpp NewPointer update body (as Teleport sends X cursors): `rgba` top-down, written bottom-up as BGRA with an all-zero AND mask. */
export function newPointer32(cacheIndex: number, hotspot: [number, number], width: number, height: number, rgba: Uint8Array): Uint8Array {
  const xorMask = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const from = (y * width + x) * 4;
      xorMask.set([rgba[from + 2]!, rgba[from + 1]!, rgba[from]!, rgba[from + 3]!], ((height - 1 - y) * width + x) * 4);
    }
  }
  const andMask = new Uint8Array(Math.ceil(width / 16) * 2 * height);
  return newPointer(32, colorPointer({ cacheIndex, hotspot, width, height, xorMask, andMask }));
}

/**
 * A deterministic screen-like RGBA image: a diagonal wallpaper gradient, a light window with rows
 * of dark "glyph" runs, and a noise patch (so QOI uses every op and zstd every block type).
 */
export function syntheticScreen(width: number, height: number, seed = 1): Uint8Array {
  const rgba = new Uint8Array(width * height * 4);
  let state = seed >>> 0 || 1;
  const random = (): number => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
  const window = { left: width >> 3, top: height >> 3, right: width - (width >> 3), bottom: height - (height >> 2) };
  for (let y = 0; y < height; y++) {
    let glyphRun = 0;
    for (let x = 0; x < width; x++) {
      const at = (y * width + x) * 4;
      let r = (30 + ((x + y) * 100) / (width + height)) | 0;
      let g = (80 + (y * 60) / height) | 0;
      let b = (120 + (x * 90) / width) | 0;
      if (x >= window.left && x < window.right && y >= window.top && y < window.bottom) {
        r = g = b = 243;
        const line = (y - window.top) % 18;
        if (line > 4 && line < 15 && x > window.left + 8) {
          if (glyphRun === 0 && random() < 0.18) glyphRun = 1 + Math.floor(random() * 4);
          if (glyphRun > 0) {
            glyphRun -= 1;
            r = g = b = 26 + Math.floor(random() * 40);
          }
        }
      }
      if (x > width * 0.75 && y > height * 0.8) {
        r = Math.floor(random() * 256);
        g = Math.floor(random() * 256);
        b = Math.floor(random() * 256);
      }
      rgba.set([r, g, b, 255], at);
    }
  }
  return rgba;
}
