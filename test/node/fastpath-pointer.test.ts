import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FastPathDecoder } from '../../src/core/fastpath/index.js';
import type { PointerUpdate } from '../../src/core/fastpath/index.js';
import { Bytes, UpdateCode, colorPointer, fragmentedPdus, largePointer, maskRows, newPointer, paletteUpdate, pduOf } from '../fixtures/rdp/build.js';

type Rgba = [number, number, number, number];

function shape(update: PointerUpdate | undefined): { width: number; height: number; hotspot: [number, number]; cacheIndex: number; rows: Rgba[][] } {
  assert.equal(update?.kind, 'shape');
  const { image, cacheIndex } = update as Extract<PointerUpdate, { kind: 'shape' }>;
  const rows = Array.from({ length: image.height }, (_, y) =>
    Array.from({ length: image.width }, (_, x) => [...image.pixels.subarray((y * image.width + x) * 4, (y * image.width + x) * 4 + 4)] as Rgba),
  );
  return { width: image.width, height: image.height, hotspot: [image.hotspotX, image.hotspotY], cacheIndex, rows };
}

/** Pushes one update (in fragments of 16000 bytes when large) and returns its pointer update. */
const push = (decoder: FastPathDecoder, code: number, data: Uint8Array) => {
  const pdus = data.length > 16000 ? fragmentedPdus(code, data, 16000) : [pduOf(code, data)];
  const outputs = pdus.map((pdu) => decoder.push(pdu));
  for (const output of outputs) {
    assert.deepEqual(output.errors, []);
    assert.deepEqual(output.dirty, [], 'pointers never draw on the screen');
  }
  assert.ok(outputs.slice(0, -1).every((output) => output.pointer === undefined));
  return outputs.at(-1)!.pointer;
};

const BLACK: Rgba = [0, 0, 0, 255];
const WHITE: Rgba = [255, 255, 255, 255];
const CLEAR: Rgba = [0, 0, 0, 0];

describe('pointer updates', () => {
  test('1 bpp: black, white, transparent and screen-inverting pixels (a black and white checker)', () => {
    const decoder = new FastPathDecoder(64, 64);
    const pointer = push(
      decoder,
      UpdateCode.NewPointer,
      newPointer(1, colorPointer({ cacheIndex: 3, hotspot: [1, 0], width: 3, height: 2, xorMask: maskRows([[0x40], [0xc0]], 1, 3), andMask: maskRows([[0x20], [0xe0]], 1, 3) })),
    );
    assert.deepEqual(shape(pointer), {
      width: 3,
      height: 2,
      hotspot: [1, 0],
      cacheIndex: 3,
      rows: [
        [BLACK, WHITE, CLEAR],
        [WHITE, BLACK, CLEAR],
      ],
    });
  });

  test('24 bpp colours with the AND mask: black under AND is transparent, white under AND inverts', () => {
    const decoder = new FastPathDecoder(64, 64);
    const xor = maskRows(
      [
        [0, 0, 255, 0, 0, 0],
        [255, 255, 255, 255, 0, 0],
      ],
      24,
      2,
    );
    const and = maskRows([[0x40], [0x80]], 1, 2);
    const pointer = push(decoder, UpdateCode.ColorPointer, colorPointer({ cacheIndex: 0, hotspot: [0, 0], width: 2, height: 2, xorMask: xor, andMask: and }));
    assert.deepEqual(shape(pointer).rows, [
      [[255, 0, 0, 255], CLEAR],
      [WHITE, [0, 0, 255, 255]],
    ]);
  });

  test('32 bpp uses its alpha; with no alpha at all the AND mask decides', () => {
    const decoder = new FastPathDecoder(64, 64);
    const withAlpha = push(decoder, UpdateCode.NewPointer, newPointer(32, colorPointer({ cacheIndex: 1, hotspot: [0, 0], width: 2, height: 1, xorMask: Uint8Array.of(30, 20, 10, 128, 0, 0, 0, 0), andMask: maskRows([[0xc0]], 1, 2) })));
    assert.deepEqual(shape(withAlpha).rows, [[[10, 20, 30, 128], CLEAR]]);
    const noAlpha = push(decoder, UpdateCode.NewPointer, newPointer(32, colorPointer({ cacheIndex: 2, hotspot: [0, 0], width: 2, height: 1, xorMask: Uint8Array.of(30, 20, 10, 0, 0, 0, 0, 0), andMask: maskRows([[0x40]], 1, 2) })));
    assert.deepEqual(shape(noAlpha).rows, [[[10, 20, 30, 255], CLEAR]]);
  });

  test('8 bpp pointers take the palette; 16 bpp expand RGB565', () => {
    const decoder = new FastPathDecoder(64, 64);
    assert.deepEqual(decoder.push(pduOf(UpdateCode.Palette, paletteUpdate([[0, 0, 0], [1, 2, 3], [200, 100, 50]]))).errors, []);
    const eight = push(decoder, UpdateCode.NewPointer, newPointer(8, colorPointer({ cacheIndex: 0, hotspot: [0, 0], width: 2, height: 1, xorMask: Uint8Array.of(2, 1), andMask: new Uint8Array(0) })));
    assert.deepEqual(shape(eight).rows, [[[200, 100, 50, 255], [1, 2, 3, 255]]]);
    const sixteen = push(decoder, UpdateCode.NewPointer, newPointer(16, colorPointer({ cacheIndex: 0, hotspot: [0, 0], width: 1, height: 1, xorMask: Uint8Array.of(0x00, 0xf8), andMask: new Uint8Array(0) })));
    assert.deepEqual(shape(sixteen).rows, [[[255, 0, 0, 255]]]);
  });

  test('a large 32 bpp pointer (over 96 pixels), then a cached pointer update gives it back', () => {
    const decoder = new FastPathDecoder(640, 480);
    const width = 130;
    const height = 97;
    const xor = new Uint8Array(width * height * 4);
    for (let row = 0; row < height; row++) {
      for (let x = 0; x < width; x++) xor.set([x & 255, row, 7, 255], ((height - 1 - row) * width + x) * 4);
    }
    const pointer = push(decoder, UpdateCode.LargePointer, largePointer({ xorBpp: 32, cacheIndex: 5, hotspot: [64, 48], width, height, xorMask: xor, andMask: new Uint8Array(((width + 15) >> 4) * 2 * height) }));
    const large = shape(pointer);
    assert.equal(large.width, width);
    assert.equal(large.height, height);
    assert.deepEqual(large.hotspot, [64, 48]);
    assert.deepEqual(large.rows[10]![100], [7, 10, 100, 255]);
    const cached = push(decoder, UpdateCode.CachedPointer, new Bytes().u16(5).build());
    assert.equal(cached?.kind === 'shape' && cached.image, pointer?.kind === 'shape' && pointer.image);
    assert.equal(cached?.kind === 'shape' && cached.cacheIndex, 5);
  });

  test('position, hidden and default pointers', () => {
    const decoder = new FastPathDecoder(64, 64);
    assert.deepEqual(push(decoder, UpdateCode.PointerPosition, new Bytes().u16(300).u16(20).build()), { kind: 'position', x: 300, y: 20 });
    assert.deepEqual(push(decoder, UpdateCode.PointerHidden, new Uint8Array(0)), { kind: 'hidden' });
    assert.deepEqual(push(decoder, UpdateCode.PointerDefault, new Uint8Array(0)), { kind: 'default' });
  });

  test('bad pointers are reported and leave no pointer update', () => {
    const cases: [number, Uint8Array, RegExp][] = [
      [UpdateCode.CachedPointer, new Bytes().u16(9).build(), /^malformed: cached pointer update: pointer cache slot 9 is empty$/],
      [UpdateCode.NewPointer, newPointer(7, colorPointer({ cacheIndex: 0, hotspot: [0, 0], width: 1, height: 1, xorMask: Uint8Array.of(0, 0), andMask: new Uint8Array(0) })), /pointer of 7 bpp/],
      [UpdateCode.NewPointer, newPointer(24, colorPointer({ cacheIndex: 0, hotspot: [0, 0], width: 4, height: 4, xorMask: new Uint8Array(10), andMask: new Uint8Array(0) })), /truncated: .*XOR mask/],
      [UpdateCode.NewPointer, newPointer(24, colorPointer({ cacheIndex: 0, hotspot: [0, 0], width: 2, height: 2, xorMask: new Uint8Array(16), andMask: new Uint8Array(1) })), /truncated: .*AND mask/],
      [UpdateCode.LargePointer, largePointer({ xorBpp: 1, cacheIndex: 0, hotspot: [0, 0], width: 400, height: 2, xorMask: new Uint8Array(100), andMask: new Uint8Array(100) }), /over 384 pixels/],
      [UpdateCode.NewPointer, newPointer(1, colorPointer({ cacheIndex: 300, hotspot: [0, 0], width: 1, height: 1, xorMask: Uint8Array.of(0, 0), andMask: Uint8Array.of(0, 0) })), /cache index 300/],
      [UpdateCode.PointerPosition, Uint8Array.of(1, 0, 2), /truncated: pointer position update: pointer y/],
    ];
    for (const [code, data, error] of cases) {
      const output = new FastPathDecoder(64, 64).push(pduOf(code, data));
      assert.equal(output.errors.length, 1);
      assert.match(output.errors[0]!, error);
      assert.equal(output.pointer, undefined);
    }
  });

  test('a decoder started after the session (pointerCachePartial): a cached pointer naming an empty slot makes the shape unknown, one it set shows', () => {
    const decoder = new FastPathDecoder(64, 64);
    decoder.pointerCachePartial = true;
    assert.deepEqual(push(decoder, UpdateCode.CachedPointer, new Bytes().u16(4).build()), { kind: 'unknown', cacheIndex: 4 });
    const set = push(decoder, UpdateCode.NewPointer, newPointer(1, colorPointer({ cacheIndex: 4, hotspot: [0, 0], width: 1, height: 1, xorMask: Uint8Array.of(0x80, 0), andMask: Uint8Array.of(0, 0) })));
    const cached = push(decoder, UpdateCode.CachedPointer, new Bytes().u16(4).build());
    assert.equal(cached?.kind === 'shape' && cached.image, set?.kind === 'shape' && set.image);
  });

  test('pointerCachePartial: an 8 bpp pointer before a palette update of its own is unknown and not cached; after one, or restored, it shows', () => {
    const eightBpp = (cacheIndex: number) => newPointer(8, colorPointer({ cacheIndex, hotspot: [0, 0], width: 2, height: 1, xorMask: Uint8Array.of(2, 1), andMask: new Uint8Array(0) }));
    const large = (cacheIndex: number) => largePointer({ xorBpp: 8, cacheIndex, hotspot: [0, 0], width: 2, height: 1, xorMask: Uint8Array.of(2, 1, 0, 0), andMask: new Uint8Array(2) });
    const decoder = new FastPathDecoder(64, 64);
    decoder.pointerCachePartial = true;
    assert.deepEqual(push(decoder, UpdateCode.NewPointer, eightBpp(2)), { kind: 'unknown', cacheIndex: 2 });
    assert.deepEqual(push(decoder, UpdateCode.LargePointer, large(3)), { kind: 'unknown', cacheIndex: 3 });
    // Its slot holds nothing: a later cached use of it is unknown too.
    assert.deepEqual(push(decoder, UpdateCode.CachedPointer, new Bytes().u16(2).build()), { kind: 'unknown', cacheIndex: 2 });
    // Other depths carry their own colours.
    assert.equal(push(decoder, UpdateCode.NewPointer, newPointer(16, colorPointer({ cacheIndex: 4, hotspot: [0, 0], width: 1, height: 1, xorMask: Uint8Array.of(0x00, 0xf8), andMask: new Uint8Array(0) })))?.kind, 'shape');
    assert.deepEqual(decoder.push(pduOf(UpdateCode.Palette, paletteUpdate([[0, 0, 0], [1, 2, 3], [200, 100, 50]]))).errors, []);
    assert.deepEqual(shape(push(decoder, UpdateCode.NewPointer, eightBpp(2))).rows, [[[200, 100, 50, 255], [1, 2, 3, 255]]]);
    assert.deepEqual(shape(push(decoder, UpdateCode.LargePointer, large(3))).rows, [[[200, 100, 50, 255], [1, 2, 3, 255]]]);
    assert.deepEqual(shape(push(decoder, UpdateCode.CachedPointer, new Bytes().u16(2).build())).rows, [[[200, 100, 50, 255], [1, 2, 3, 255]]]);

    // A decoder restored from a keyframe knows its palette.
    const restored = new FastPathDecoder(64, 64);
    restored.restoreState(decoder.saveState());
    restored.pointerCachePartial = true;
    assert.deepEqual(shape(push(restored, UpdateCode.NewPointer, eightBpp(5))).rows, [[[200, 100, 50, 255], [1, 2, 3, 255]]]);
  });

  test('the pointer cache stays within its byte budget, dropping the oldest slots', () => {
    const decoder = new FastPathDecoder(64, 64);
    const side = 384;
    const xor = new Uint8Array(side * side * 4).fill(255);
    for (let slot = 0; slot < 20; slot++) {
      push(decoder, UpdateCode.LargePointer, largePointer({ xorBpp: 32, cacheIndex: slot, hotspot: [0, 0], width: side, height: side, xorMask: xor, andMask: new Uint8Array(0) }));
    }
    assert.match(decoder.push(pduOf(UpdateCode.CachedPointer, new Bytes().u16(0).build())).errors.join(), /slot 0 is empty/);
    assert.equal(decoder.push(pduOf(UpdateCode.CachedPointer, new Bytes().u16(19).build())).pointer?.kind, 'shape');
    const kept = decoder.saveState().pointers;
    assert.ok(kept.length >= 8 && kept.length < 20, `${kept.length} pointers kept`);
  });
});
