// QOIZ surface bits (Teleport's Linux desktops): zstd frames without content size holding QOI
// images, in fragment runs of 32,760-byte PDUs; 32 bpp pointers; codecs the player cannot draw.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import '../helpers/property-seed.js';
import { FastPathDecoder, isUndrawableCodecError, undrawableCodecDetail } from '../../src/core/fastpath/index.js';
import type { PointerUpdate } from '../../src/core/fastpath/index.js';
import { FastPathScanner, ScanFlag } from '../../src/core/fastpath/paint-rects.js';
import { ScreenTimeline, planReplay, type ScreenUpdate } from '../../src/core/screen-timeline.js';
import { decodeQoi } from '../../src/core/fastpath/qoi.js';
import { decompressZstd } from '../../src/core/fastpath/zstd.js';
import { Fragment, UpdateCode, concat, fpPdu, fpUpdate, pduOf } from '../fixtures/rdp/build.js';
import { ZSTD_FIXTURES } from '../fixtures/qoiz/build.js';
import { QOIZ_CHUNK_BYTES, encodeQoi, newPointer32, qoizPdus, qoizSurfaceBits, syntheticScreen, teleportPdus, zstdFrame } from '../helpers/qoiz.js';
import { loadFastPathDecoder } from '../../src/core/fastpath/load.js';

/** Teleport's `encode_qoiz_single` vector: a 1×1 white pixel at (0, 0) (lib/srv/desktop/rdp/rdpclient/src/linux_desktop_encoder.rs). */
const TELEPORT_VECTOR = Uint8Array.from([
  0, 59, 4, 54, 0, 1, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 11, 1, 0, 1, 0, 32, 0, 0, 0, 40, 181, 47, 253, 0, 88, 185, 0, 0, 113, 111, 105, 102, 0, 0,
  0, 1, 0, 0, 0, 1, 3, 0, 85, 0, 0, 0, 0, 0, 0, 0, 1,
]);

const OPAQUE_BLACK = [0, 0, 0, 255];

/** The RGBA bytes of a decoder's framebuffer area. */
function area(decoder: FastPathDecoder, left: number, top: number, width: number, height: number): Uint8Array {
  const { pixels, width: stride } = decoder.framebuffer;
  const out = new Uint8Array(width * height * 4);
  for (let row = 0; row < height; row++) out.set(pixels.subarray(((top + row) * stride + left) * 4, ((top + row) * stride + left + width) * 4), row * width * 4);
  return out;
}

/** Decodes a QOI byte stream into RGBA bytes (alpha as the decoder writes it). */
function qoiPixels(qoi: Uint8Array, width: number, height: number): number[][] {
  const words = new Uint32Array(width * height);
  decodeQoi(qoi, width, height, words);
  const bytes = new Uint8Array(words.buffer);
  return Array.from({ length: width * height }, (_, i) => [...bytes.subarray(i * 4, i * 4 + 4)]);
}

/** A QOI file of `width`×`height` around the op bytes given. */
function qoiOf(width: number, height: number, ops: number[], channels = 3): Uint8Array {
  const header = [0x71, 0x6f, 0x69, 0x66, 0, 0, 0, width, 0, 0, 0, height, channels, 0];
  return Uint8Array.from([...header, ...ops, 0, 0, 0, 0, 0, 0, 0, 1]);
}

const hash = (r: number, g: number, b: number, a: number): number => (r * 3 + g * 5 + b * 7 + a * 11) % 64;

/** The block types of a zstd frame without content size or dictionary (0 raw, 1 RLE, 2 compressed). */
function blockTypes(frame: Uint8Array): number[] {
  assert.deepEqual([...frame.subarray(0, 4)], [0x28, 0xb5, 0x2f, 0xfd]);
  assert.equal(frame[4], 0, 'frame header descriptor: no content size, no checksum, not single-segment');
  const types: number[] = [];
  for (let at = 6; ; ) {
    const header = frame[at]! | (frame[at + 1]! << 8) | (frame[at + 2]! << 16);
    const type = (header >> 1) & 3;
    const size = header >> 3;
    types.push(type);
    at += 3 + (type === 1 ? 1 : size);
    if (header & 1) {
      assert.equal(at, frame.length);
      return types;
    }
  }
}

// The timeline indexes fast-path updates with the scan from the decoder's chunk, loaded first as a player does.
await loadFastPathDecoder();

describe('QOIZ surface bits', () => {
  test("Teleport's 1×1 vector decodes to one white pixel, byte for byte", () => {
    const decoder = new FastPathDecoder(1, 1);
    const output = decoder.push(TELEPORT_VECTOR);
    assert.deepEqual(output.errors, []);
    assert.deepEqual(output.dirty, [{ x: 0, y: 0, width: 1, height: 1 }]);
    assert.deepEqual([...decoder.framebuffer.pixels], [255, 255, 255, 255]);
    // Its zstd frame, on its own: no content size, one raw block of the 23-byte QOI file.
    const zstd = TELEPORT_VECTOR.subarray(27);
    assert.deepEqual(blockTypes(zstd), [0]);
    assert.deepEqual([...decompressZstd(zstd, 64)], [113, 111, 105, 102, 0, 0, 0, 1, 0, 0, 0, 1, 3, 0, 85, 0, 0, 0, 0, 0, 0, 0, 1]);
    assert.deepEqual(new FastPathScanner(1, 1).push(TELEPORT_VECTOR).rects, [{ left: 0, top: 0, right: 1, bottom: 1 }]);
  });

  test('drawn at the destination rectangle; the scan reports exactly that area', () => {
    const decoder = new FastPathDecoder(320, 200);
    const rgba = syntheticScreen(96, 40, 3);
    const [pdu] = qoizPdus(150, 70, 96, 40, rgba);
    const output = decoder.push(pdu!);
    assert.deepEqual(output.errors, []);
    assert.deepEqual(output.dirty, [{ x: 150, y: 70, width: 96, height: 40 }]);
    assert.deepEqual(area(decoder, 150, 70, 96, 40), rgba);
    assert.deepEqual([...area(decoder, 149, 70, 1, 1)], OPAQUE_BLACK, 'nothing drawn beside it');
    assert.deepEqual(new FastPathScanner(320, 200).push(pdu!).rects, [{ left: 150, top: 70, right: 246, bottom: 110 }]);
  });

  test('a rectangle reaching past the screen is clipped, in the decoder and in the scan', () => {
    const decoder = new FastPathDecoder(100, 100);
    const rgba = syntheticScreen(64, 64, 5);
    const [pdu] = qoizPdus(70, 80, 64, 64, rgba);
    assert.deepEqual(decoder.push(pdu!).dirty, [{ x: 70, y: 80, width: 30, height: 20 }]);
    assert.deepEqual(new FastPathScanner(100, 100).push(pdu!).rects, [{ left: 70, top: 80, right: 100, bottom: 100 }]);
    assert.deepEqual([...area(decoder, 70, 80, 1, 1)], [...rgba.subarray(0, 4)]);
  });
});

describe('QOI', () => {
  test('every op: RGB, RGBA, INDEX, DIFF (wrapping), LUMA, RUN', () => {
    const ops = [
      0xfe, 10, 20, 30, // RGB → (10,20,30)
      0x40 | (3 << 4) | (0 << 2) | 2, // DIFF +1, −2, 0 → (11,18,30)
      0x80 | (32 + 5), ((8 + 3) << 4) | (8 - 2), // LUMA dg +5, dr−dg +3, db−dg −2 → (19,23,33)
      0xc0 | 1, // RUN of 2
      hash(10, 20, 30, 255), // INDEX → (10,20,30)
      0xff, 1, 2, 3, 4, // RGBA (alpha 4: the screen stays opaque)
      0x40 | (0 << 4) | (0 << 2) | 0, // DIFF −2,−2,−2 → wraps to (255,0,1)
    ];
    assert.deepEqual(qoiPixels(qoiOf(8, 1, ops), 8, 1), [
      [10, 20, 30, 255],
      [11, 18, 30, 255],
      [19, 23, 33, 255],
      [19, 23, 33, 255],
      [19, 23, 33, 255],
      [10, 20, 30, 255],
      [1, 2, 3, 255],
      [255, 0, 1, 255],
    ]);
  });

  test('runs across the 62-pixel limit', () => {
    const width = 200;
    const rgba = new Uint8Array(width * 4);
    for (let x = 0; x < width; x++) rgba.set(x < 130 ? [0, 0, 0, 255] : [200, 100, 50, 255], x * 4);
    const qoi = encodeQoi(rgba, width, 1);
    // 130 start pixels: runs of 62, 62, 6; then RGB and runs of 62 and 7.
    assert.deepEqual([...qoi.subarray(14, -8)], [0xc0 | 61, 0xc0 | 61, 0xc0 | 5, 0xfe, 200, 100, 50, 0xc0 | 61, 0xc0 | 6]);
    assert.deepEqual(new Uint8Array(new Uint32Array(qoiPixels(qoi, width, 1).flat()).map((v) => v)), rgba);
    // A run may not reach past the image.
    assert.throws(() => decodeQoi(qoiOf(4, 1, [0xc0 | 4]), 4, 1, new Uint32Array(4)), /run of 5 at pixel 0 goes past the image's 4 pixels/);
  });

  test('index-hash collisions: a slot holds the last colour filed there, alpha included', () => {
    const a = [4, 0, 0, 255] as const;
    const b = [0, 0, 0, 255] as const;
    const c = [4, 64, 0, 255] as const; // 64 * 5 ≡ 0 (mod 64): the same slot as a
    assert.equal(hash(...a), hash(...c));
    assert.notEqual(hash(...a), hash(...b));
    const ops = [0xfe, ...a.slice(0, 3), 0xfe, ...c.slice(0, 3), hash(...a), 0xfe, ...b.slice(0, 3), hash(...a)];
    assert.deepEqual(qoiPixels(qoiOf(5, 1, ops), 5, 1), [[...a], [...c], [...c], [...b], [...c]]);
    // The encoder meets the collision too: a, c, a is written RGB, RGB, RGB (a was filed over).
    const rgba = Uint8Array.from([...a, ...c, ...a]);
    const qoi = encodeQoi(rgba, 3, 1);
    assert.deepEqual([...qoi.subarray(14, -8)], [0x80 | 32, ((4 + 8) << 4) | 8, 0xfe, 4, 64, 0, 0xfe, 4, 0, 0]);
    assert.deepEqual(qoiPixels(qoi, 3, 1), [[...a], [...c], [...a]]);
  });

  test('alpha forced: a 3-channel header draws opaque, but alpha still picks index slots', () => {
    const seeThrough = [9, 9, 9, 0] as const;
    const solid = [9, 9, 9, 255] as const;
    assert.notEqual(hash(...seeThrough), hash(...solid));
    // RGBA (9,9,9,0), RGB (9,9,9) keeps alpha 0 → then a solid pixel, and INDEX of each slot.
    const ops = [0xff, ...seeThrough, 0xfe, 1, 1, 1, 0xff, ...solid, hash(...seeThrough), hash(...solid)];
    const pixels = qoiPixels(qoiOf(5, 1, ops, 3), 5, 1);
    assert.deepEqual(pixels, [[9, 9, 9, 255], [1, 1, 1, 255], [9, 9, 9, 255], [9, 9, 9, 255], [9, 9, 9, 255]]);
    // Had alpha been dropped from the hash, slot hash(seeThrough) would be empty (black).
    assert.deepEqual(qoiPixels(qoiOf(2, 1, [0xff, ...seeThrough, hash(...seeThrough)]), 2, 1)[1], [9, 9, 9, 255]);
  });

  test('a leading run files the start pixel (0,0,0,255) in the index, as the reference decoder does', () => {
    assert.deepEqual(qoiPixels(qoiOf(3, 1, [0xc0, 0xfe, 5, 5, 5, hash(0, 0, 0, 255)]), 3, 1), [OPAQUE_BLACK, [5, 5, 5, 255], OPAQUE_BLACK]);
  });

  test('INDEX of an untouched slot gives (0,0,0,0), filed again at slot 0 over what was there, as the reference decoder does', () => {
    const x = [2, 1, 0, 255] as const;
    assert.equal(hash(...x), 0);
    assert.deepEqual(qoiPixels(qoiOf(3, 1, [0xfe, 2, 1, 0, 5, 0]), 3, 1), [[...x], OPAQUE_BLACK, OPAQUE_BLACK]);
  });

  test('a synthetic screen round-trips through the reference encoder', () => {
    const rgba = syntheticScreen(123, 77, 9);
    const words = new Uint32Array(123 * 77);
    decodeQoi(encodeQoi(rgba, 123, 77), 123, 77, words);
    assert.deepEqual(new Uint8Array(words.buffer), rgba);
  });

  test('bad images: wrong size, truncated, no end marker, trailing bytes, bad magic', () => {
    const qoi = encodeQoi(syntheticScreen(8, 8), 8, 8);
    const out = new Uint32Array(64);
    assert.throws(() => decodeQoi(qoi, 4, 4, out), /too-large: QOI image is 8x8, its rectangle 4x4/);
    assert.throws(() => decodeQoi(qoi, 16, 8, out), /malformed: QOI image is 8x8, its rectangle 16x8/);
    assert.throws(() => decodeQoi(qoi.subarray(0, qoi.length - 20), 8, 8, out), /truncated/);
    assert.throws(() => decodeQoi(concat(qoi.subarray(0, -1), Uint8Array.of(0)), 8, 8, out), /no end marker/);
    assert.throws(() => decodeQoi(concat(qoi, Uint8Array.of(1)), 8, 8, out), /1 bytes after the QOI end marker/);
    assert.throws(() => decodeQoi(concat(Uint8Array.of(0x71, 0x6f, 0x69, 0x67), qoi.subarray(4)), 8, 8, out), /QOI magic/);
  });
});

describe('zstd frames without content size', () => {
  const qoi = encodeQoi(syntheticScreen(200, 150, 2), 200, 150);

  test('several raw blocks', () => {
    const frame = zstdFrame(qoi, 'raw', 4096);
    assert.ok(blockTypes(frame).length > 5);
    assert.deepEqual(decompressZstd(frame, qoi.length), qoi);
  });

  test('RLE and raw blocks', () => {
    // A flat area below the screen: long rows of 62-pixel runs (0xfd bytes), which become RLE blocks.
    const rgba = concat(syntheticScreen(200, 150, 2), new Uint8Array(200 * 100 * 4).fill(255));
    const qoi = encodeQoi(rgba, 200, 250);
    const frame = zstdFrame(qoi, 'rle-and-raw', 4096);
    const types = blockTypes(frame);
    assert.ok(types.includes(0) && types.includes(1), `block types ${types}`);
    assert.deepEqual(decompressZstd(frame, qoi.length), qoi);
  });

  for (const { file, width, height, seed } of ZSTD_FIXTURES) {
    test(`compressed blocks (the zstd tool, from stdin): ${file}`, () => {
      const frame = new Uint8Array(readFileSync(new URL(`../fixtures/qoiz/${file}`, import.meta.url)));
      const types = blockTypes(frame);
      assert.ok(types.includes(2), `block types ${types}`);
      if (width * height * 4 > 128 * 1024 * 2) assert.ok(types.length > 1, `several blocks: ${types}`);
      const expected = encodeQoi(syntheticScreen(width, height, seed), width, height);
      assert.deepEqual(decompressZstd(frame, expected.length), expected);
      // Through the decoder, fragmented as Teleport sends it.
      const decoder = new FastPathDecoder(width, height);
      const pdus = teleportPdus(UpdateCode.SurfaceCommands, qoizSurfaceBits(0, 0, width, height, frame));
      const outputs = pdus.map((pdu) => decoder.push(pdu));
      assert.deepEqual(outputs.flatMap((output) => output.errors), []);
      assert.deepEqual(area(decoder, 0, 0, width, height), syntheticScreen(width, height, seed));
    });
  }

  test('the caller’s bytes are left as they were', () => {
    const frame = zstdFrame(qoi);
    const before = frame.slice();
    decompressZstd(frame, qoi.length);
    assert.deepEqual(frame, before);
  });

  test('corrupt, truncated and over-expanding frames are errors, never large allocations', () => {
    const frame = new Uint8Array(readFileSync(new URL(`../fixtures/qoiz/${ZSTD_FIXTURES[0].file}`, import.meta.url)));
    const corrupt = frame.slice();
    for (let at = 40; at < corrupt.length; at += 97) corrupt[at] ^= 0x5a;
    assert.throws(() => decompressZstd(corrupt, 1 << 20), /(malformed|too-large|truncated): /);
    assert.throws(() => decompressZstd(frame.subarray(0, frame.length - 100), 1 << 20), /truncated: zstd frame/);
    assert.throws(() => decompressZstd(Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8), 1 << 20), /malformed: zstd data/);
    // 16 RLE blocks of 128 KiB (2 MiB) from 70 bytes, with room for 64 KiB.
    const bomb = zstdFrame(new Uint8Array(2 << 20), 'rle-and-raw', 128 * 1024);
    assert.ok(bomb.length < 100);
    assert.throws(() => decompressZstd(bomb, 65536), /too-large: zstd data expands past 65536 bytes/);
    // A single-segment frame (window = content size) declaring 4 GiB − 1: refused before the decoder allocates it.
    const declared = Uint8Array.of(0x28, 0xb5, 0x2f, 0xfd, 0xa0, 0xff, 0xff, 0xff, 0xff, 0x01, 0x00, 0x00);
    assert.throws(() => decompressZstd(declared, 65536), /too-large: zstd frame declares 4294967295 bytes, over 65536/);
    // Declaring what it holds, it decodes (the 23-byte QOI file of Teleport's vector as one raw block).
    const qoi1x1 = TELEPORT_VECTOR.subarray(36);
    const exact = concat(Uint8Array.of(0x28, 0xb5, 0x2f, 0xfd, 0x20, qoi1x1.length, (qoi1x1.length << 3) | 1, 0, 0), qoi1x1);
    assert.deepEqual(decompressZstd(exact, 64), qoi1x1);
  });
});

describe('QOIZ fragment runs', () => {
  const width = 640;
  const height = 400;
  const rgba = syntheticScreen(width, height, 4);
  const run = qoizPdus(0, 0, width, height, rgba, 'raw');

  test('an update over 32,760 bytes comes as FIRST, NEXT…, LAST and is drawn with the LAST', () => {
    assert.ok(run.length >= 3, `${run.length} PDUs`);
    assert.ok(run.every((pdu, i) => i === run.length - 1 || pdu.length === QOIZ_CHUNK_BYTES + 6));
    const decoder = new FastPathDecoder(width, height);
    const scanner = new FastPathScanner(width, height);
    run.forEach((pdu, i) => {
      const last = i === run.length - 1;
      const output = decoder.push(pdu);
      const scan = scanner.push(pdu);
      assert.deepEqual(output.errors, []);
      assert.equal(decoder.inFragment, !last, 'a seek never starts inside the run');
      assert.equal((scan.flags & ScanFlag.OpenAfter) !== 0, !last);
      assert.deepEqual(output.dirty, last ? [{ x: 0, y: 0, width, height }] : []);
      assert.deepEqual(scan.rects, last ? [{ left: 0, top: 0, right: width, bottom: height }] : null);
    });
    assert.deepEqual(area(decoder, 0, 0, width, height), rgba);
  });

  test('interleaved with pointer updates (single PDUs), the run still completes', () => {
    const arrow = new Uint8Array(4 * 4 * 4).fill(255);
    const decoder = new FastPathDecoder(width, height);
    const pointers: PointerUpdate[] = [];
    for (const [i, pdu] of run.entries()) {
      const output = decoder.push(pdu);
      assert.deepEqual(output.errors, []);
      if (i < run.length - 1) {
        const between = decoder.push(fpPdu(fpUpdate(UpdateCode.PointerPosition, Uint8Array.of(i, 0, 7, 0)), fpUpdate(UpdateCode.NewPointer, newPointer32(0, [1, 1], 4, 4, arrow))));
        assert.deepEqual(between.errors, []);
        assert.equal(decoder.inFragment, true);
        pointers.push(...between.pointers);
      }
    }
    assert.equal(pointers.length, 2 * (run.length - 1));
    assert.deepEqual(area(decoder, 0, 0, width, height), rgba);
  });

  test('a run that never ends draws nothing, and the next update draws', () => {
    const decoder = new FastPathDecoder(width, height);
    for (const pdu of run.slice(0, -1)) assert.deepEqual(decoder.push(pdu).errors, []);
    assert.equal(decoder.inFragment, true);
    // A new run begins: the open one is dropped, said once.
    const small = syntheticScreen(32, 32, 8);
    const next = qoizPdus(10, 10, 32, 32, small);
    const output = decoder.push(pduOf(UpdateCode.SurfaceCommands, qoizSurfaceBits(10, 10, 32, 32, zstdFrame(encodeQoi(small, 32, 32))), { fragmentation: Fragment.First }));
    assert.match(output.errors.join('\n'), /fragment run dropped, a new one began/);
    decoder.reset(width, height);
    assert.equal(decoder.inFragment, false);
    assert.deepEqual(decoder.push(next[0]!).dirty, [{ x: 10, y: 10, width: 32, height: 32 }]);
    assert.deepEqual(area(decoder, 10, 10, 32, 32), small);
    assert.deepEqual([...area(decoder, 0, 0, 1, 1)], OPAQUE_BLACK, 'nothing of the dropped run is drawn');
  });
});

describe('bad QOIZ input and other codecs', () => {
  const good = syntheticScreen(48, 48, 6);
  const goodPdu = qoizPdus(0, 0, 48, 48, good)[0]!;

  function assertStillPlays(decoder: FastPathDecoder): void {
    const output = decoder.push(goodPdu);
    assert.deepEqual(output.errors, []);
    assert.deepEqual(area(decoder, 0, 0, 48, 48), good);
  }

  test('corrupt zstd: a clear error, nothing drawn, the next update draws', () => {
    const frame = new Uint8Array(readFileSync(new URL(`../fixtures/qoiz/${ZSTD_FIXTURES[0].file}`, import.meta.url)));
    const corrupt = frame.slice();
    corrupt[100] ^= 0xff;
    corrupt[101] ^= 0xff;
    const decoder = new FastPathDecoder(256, 256);
    const output = decoder.push(teleportPdus(UpdateCode.SurfaceCommands, qoizSurfaceBits(0, 0, 256, 256, corrupt))[0]!);
    assert.equal(output.errors.length, 1);
    assert.match(output.errors[0]!, /^(malformed|truncated|too-large): surface bits \(codec 11, 256x256 at 0,0\): (zstd|QOI)/);
    assert.deepEqual(output.dirty, []);
    assertStillPlays(decoder);
  });

  test('a QOI image larger than its rectangle is refused', () => {
    const decoder = new FastPathDecoder(256, 256);
    const big = zstdFrame(encodeQoi(syntheticScreen(64, 64), 64, 64));
    const output = decoder.push(pduOf(UpdateCode.SurfaceCommands, qoizSurfaceBits(0, 0, 32, 32, big)));
    assert.deepEqual(output.errors.length, 1);
    assert.match(output.errors[0]!, /^too-large: surface bits \(codec 11, 32x32 at 0,0\): (QOI image is 64x64, its rectangle 32x32|zstd data expands past)/);
    assert.deepEqual(output.dirty, []);
    assertStillPlays(decoder);
  });

  test('a rectangle larger than the screen is refused before anything is decompressed', () => {
    const decoder = new FastPathDecoder(64, 64);
    const output = decoder.push(pduOf(UpdateCode.SurfaceCommands, qoizSurfaceBits(0, 0, 4096, 4096, Uint8Array.of(1, 2, 3))));
    assert.match(output.errors.join('\n'), /too-large: .*QOIZ surface bits of 4096x4096 is larger than the screen/);
  });

  test('codec id 0x0C: an unsupported error naming it; the scan paints nothing and says so', () => {
    const decoder = new FastPathDecoder(64, 64);
    assertStillPlays(decoder);
    const pdu = pduOf(UpdateCode.SurfaceCommands, qoizSurfaceBits(0, 0, 48, 48, zstdFrame(encodeQoi(syntheticScreen(48, 48, 1), 48, 48)), 0x0c));
    const output = decoder.push(pdu);
    assert.deepEqual(output.errors, ['unsupported: surface bits (codec 12, 48x48 at 0,0): codec id 12']);
    assert.ok(isUndrawableCodecError(output.errors[0]!));
    assert.equal(undrawableCodecDetail(0x0c), 'codec id 0x0C, which the player cannot draw: it draws raw, RemoteFX and QOIZ');
    assert.deepEqual(output.dirty, []);
    assert.deepEqual(area(decoder, 0, 0, 48, 48), good, 'what was drawn before stays');
    const scan = new FastPathScanner(64, 64).push(pdu);
    assert.equal(scan.rects, null, 'it hides nothing older');
    assert.ok(scan.flags & ScanFlag.UndrawableCodec);
    assert.equal(scan.undrawableCodec, 0x0c);
    // QOIZ, raw and RemoteFX are not flagged.
    assert.equal(new FastPathScanner(64, 64).push(goodPdu).flags & ScanFlag.UndrawableCodec, 0);
  });
});

describe('Linux desktop pointers', () => {
  test('NewPointer of 32 bpp: per-pixel alpha, rows bottom-up in the update, top-down in the image', () => {
    const width = 3;
    const height = 2;
    const rgba = Uint8Array.from([255, 0, 0, 255, 0, 255, 0, 128, 0, 0, 255, 0, 10, 20, 30, 255, 40, 50, 60, 64, 70, 80, 90, 1]);
    const decoder = new FastPathDecoder(64, 64);
    const output = decoder.push(pduOf(UpdateCode.NewPointer, newPointer32(0, [2, 1], width, height, rgba)));
    assert.deepEqual(output.errors, []);
    assert.deepEqual(output.dirty, []);
    const pointer = output.pointer as Extract<PointerUpdate, { kind: 'shape' }>;
    assert.equal(pointer.kind, 'shape');
    assert.deepEqual([pointer.image.width, pointer.image.height, pointer.image.hotspotX, pointer.image.hotspotY, pointer.cacheIndex], [3, 2, 2, 1, 0]);
    assert.deepEqual([...pointer.image.pixels], [...rgba]);
    assert.equal(new FastPathScanner(64, 64).push(pduOf(UpdateCode.NewPointer, newPointer32(0, [2, 1], width, height, rgba))).rects, null);
  });

  test('DefaultPointer (a cursor too large for one PDU) asks for the default arrow', () => {
    const decoder = new FastPathDecoder(64, 64);
    assert.deepEqual(decoder.push(pduOf(UpdateCode.PointerDefault, new Uint8Array(0))).pointers, [{ kind: 'default' }]);
  });
});

describe('seek plans over QOIZ updates', () => {
  const width = 640;
  const height = 400;
  const full = (seed: number) => qoizPdus(0, 0, width, height, syntheticScreen(width, height, seed), 'raw');
  const small = (left: number, top: number, seed: number) => qoizPdus(left, top, 64, 48, syntheticScreen(64, 48, seed));
  const undrawable = pduOf(UpdateCode.SurfaceCommands, qoizSurfaceBits(0, 0, width, height, Uint8Array.of(1, 2, 3, 4), 0x0c));
  // In time order; a full screen is a fragment run of several PDUs.
  const steps: Uint8Array[][] = [full(1), small(10, 10, 2), small(300, 200, 3), [undrawable], small(40, 20, 4), full(5), small(500, 300, 6)];
  const pdus = steps.flat();
  const timeline = new ScreenTimeline();
  timeline.add({ kind: 'resize', timeMs: 0, width, height });
  pdus.forEach((pdu, i) => timeline.add(timeline.fastPath(i + 1, pdu, pdu)));

  function replay(updates: ScreenUpdate[]): FastPathDecoder {
    const decoder = new FastPathDecoder(width, height);
    for (const update of updates) if (update.kind === 'fastpath') decoder.push(update.pdu as Uint8Array, { paint: !update.stateOnly, covered: update.covered });
    return decoder;
  }

  test('a plan paints what replaying everything paints, culls what a later full screen covers, and an undrawable update hides nothing', () => {
    for (let end = 1; end <= timeline.length; end++) {
      const plan = planReplay(timeline, 0, end, 0, 0);
      const everything = replay(Array.from({ length: end }, (_, i) => timeline.at(i)));
      assert.equal(Buffer.compare(Buffer.from(replay(plan).framebuffer.pixels), Buffer.from(everything.framebuffer.pixels)), 0, `up to update ${end}`);
      const painted = plan.flatMap((update) => (update.kind === 'fastpath' && !update.stateOnly ? [pdus.indexOf(update.pdu as Uint8Array)] : []));
      const firstRun = steps[0]!.length;
      const undrawableAt = pdus.indexOf(undrawable);
      const secondFull = pdus.indexOf(steps[5]![0]!);
      // The timeline holds the resize first: `end - 1` PDUs are in the plan's range.
      const included = end - 1;
      if (included > undrawableAt && included <= secondFull) {
        assert.ok(Array.from({ length: firstRun }, (_, i) => i).every((i) => painted.includes(i)), `up to ${end}: the first full screen is kept whole`);
        assert.ok(!painted.includes(undrawableAt), 'the undrawable update is not replayed');
      }
      if (included >= secondFull + steps[5]!.length) assert.ok(painted.every((i) => i >= secondFull), `up to ${end}: only the last full screen and later (${painted})`);
    }
  });
});

describe('QOIZ updates with random damage', () => {
  test('never throw, report only truncated/malformed/unsupported/too-large, stay within memory, and the next good update draws', () => {
    const width = 256;
    const height = 256;
    const frame = new Uint8Array(readFileSync(new URL(`../fixtures/qoiz/${ZSTD_FIXTURES[0].file}`, import.meta.url)));
    const good = syntheticScreen(32, 32, 12);
    const goodPdu = qoizPdus(100, 100, 32, 32, good)[0]!;
    const runs = teleportPdus(UpdateCode.SurfaceCommands, qoizSurfaceBits(0, 0, width, height, frame));
    const decoder = new FastPathDecoder(width, height);
    let codecErrors = 0;
    const damage = fc.record({
      pdu: fc.integer({ min: 0, max: runs.length - 1 }),
      edits: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }),
      cut: fc.option(fc.nat(), { nil: undefined }),
    });
    fc.assert(
      fc.property(damage, ({ pdu, edits, cut }) => {
        decoder.reset(width, height);
        const damaged = runs.map((bytes, i) => {
          if (i !== pdu) return bytes;
          const copy = bytes.slice(0, cut === undefined ? bytes.length : 3 + (cut % (bytes.length - 2)));
          // Past the PDU's own 3-byte header, so the damage reaches the update.
          for (const [at, value] of edits) copy[3 + (at % Math.max(1, copy.length - 3))] = value;
          return copy;
        });
        for (const bytes of damaged) {
          const output = decoder.push(bytes);
          assert.match(output.errors.join('\n'), /^((truncated|malformed|unsupported|too-large): .*\n?)*$/);
          if (output.errors.some((line) => /: (zstd|QOI)/.test(line))) codecErrors += 1;
        }
        assert.ok(decoder.retainedBytes < 16 << 20, `${decoder.retainedBytes} bytes retained`);
        decoder.reset(width, height);
        assert.deepEqual(decoder.push(goodPdu).errors, []);
        assert.deepEqual(area(decoder, 100, 100, 32, 32), good);
      }),
      { seed: 2026, numRuns: 300 },
    );
    assert.ok(codecErrors > 30, `the damage reached zstd or QOI ${codecErrors} times`);
  });
});
