import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import '../helpers/property-seed.js';
import { FastPathDecoder } from '../../src/core/fastpath/index.js';
import { RlgrMode, rlgrDecode } from '../../src/core/fastpath/rlgr.js';
import {
  UpdateCode,
  concat,
  flatCoefficients,
  frameMarker,
  pduOf,
  rfxFrameBegin,
  rfxFrameEnd,
  rfxHeaders,
  rfxRegion,
  rfxTileset,
  rlgrEncode,
  surfaceBits,
  type RfxTile,
} from '../fixtures/rdp/build.js';
import { readCapture } from '../fixtures/rdp/captures.js';

/** A fast-path PDU with one stream-surface-bits command carrying a RemoteFX message, between frame markers. */
const rfxPdu = (message: Uint8Array, left = 0, top = 0, frame = 1): Uint8Array =>
  pduOf(UpdateCode.SurfaceCommands, concat(frameMarker(0, frame), surfaceBits({ left, top, width: 64, height: 64, codecId: 3, data: message }), frameMarker(1, frame)));

/** One frame: begin, region, tileset, end. */
const frame = (rects: [number, number, number, number][], tiles: RfxTile[], options?: Parameters<typeof rfxTileset>[1]): Uint8Array =>
  concat(rfxFrameBegin(1), rfxRegion(rects), rfxTileset(tiles, options), rfxFrameEnd());

const pixelAt = (decoder: FastPathDecoder, x: number, y: number): number[] => {
  const at = (y * decoder.framebuffer.width + x) * 4;
  return [...decoder.framebuffer.pixels.subarray(at, at + 4)];
};

const zeros = () => new Int16Array(4096);

/** Sparse, mostly small coefficients with some long zero runs and some large values, like real tiles. */
const coefficients = fc
  .array(fc.oneof({ arbitrary: fc.constant(0), weight: 12 }, { arbitrary: fc.integer({ min: -3, max: 3 }), weight: 4 }, { arbitrary: fc.integer({ min: -2000, max: 2000 }), weight: 1 }), {
    minLength: 4096,
    maxLength: 4096,
  })
  .map((values) => Int16Array.from(values));

describe('RLGR entropy decoding', () => {
  for (const [name, mode] of [
    ['RLGR1', RlgrMode.Rlgr1],
    ['RLGR3', RlgrMode.Rlgr3],
  ] as const) {
    test(`${name} decodes what the specification's encoder wrote`, () => {
      fc.assert(
        fc.property(coefficients, (values) => {
          const data = rlgrEncode(values, mode);
          const out = new Int16Array(4096).fill(7);
          rlgrDecode(data, 0, data.length, mode, out);
          assert.deepEqual(out, values);
        }),
        { numRuns: 60 },
      );
    });
  }

  test('an empty stream is all zeros; a stream inside a larger buffer stops at its end', () => {
    const out = new Int16Array(4096).fill(5);
    rlgrDecode(new Uint8Array(0), 0, 0, RlgrMode.Rlgr3, out);
    assert.ok(out.every((v) => v === 0));
    const values = Int16Array.from({ length: 4096 }, (_, i) => (i % 97 === 0 ? (i % 5) - 2 : 0));
    const data = rlgrEncode(values, 1);
    const padded = concat(Uint8Array.of(0xff, 0xff), data, Uint8Array.of(0xff, 0xff, 0xff));
    rlgrDecode(padded, 2, 2 + data.length, RlgrMode.Rlgr1, out);
    assert.deepEqual(out, values);
  });
});

describe('RemoteFX', () => {
  test('a flat grey tile decodes to exactly that grey (LL3 only, quant 6)', () => {
    const decoder = new FastPathDecoder(256, 256);
    const output = decoder.push(rfxPdu(concat(rfxHeaders(256, 256), frame([[0, 0, 64, 64]], [{ x: 1, y: 1, y_: flatCoefficients(200 - 128), cb: zeros(), cr: zeros() }]))));
    assert.deepEqual(output.errors, []);
    assert.deepEqual(output.dirty, []);
    const second = decoder.push(rfxPdu(frame([[64, 64, 64, 64]], [{ x: 1, y: 1, y_: flatCoefficients(200 - 128), cb: zeros(), cr: zeros() }])));
    assert.deepEqual(second.dirty, [{ x: 64, y: 64, width: 64, height: 64 }]);
    for (const [x, y] of [
      [64, 64],
      [127, 127],
      [100, 90],
    ] as const) {
      assert.deepEqual(pixelAt(decoder, x, y), [200, 200, 200, 255]);
    }
    assert.deepEqual(pixelAt(decoder, 63, 64), [0, 0, 0, 255], 'outside the tile stays black');
    assert.equal(decoder.tilesDecoded, 1, 'the first tile lay outside its region and was never decoded');
  });

  test('colours follow the YCbCr → RGB matrix of MS-RDPRFX within 1', () => {
    for (const [y, cb, cr] of [
      [60, 0, 40],
      [-50, 30, -20],
      [0, -60, 60],
      [100, 10, 10],
    ] as const) {
      const decoder = new FastPathDecoder(64, 64);
      decoder.push(rfxPdu(concat(rfxHeaders(64, 64), frame([[0, 0, 64, 64]], [{ x: 0, y: 0, y_: flatCoefficients(y), cb: flatCoefficients(cb), cr: flatCoefficients(cr) }]))));
      const luma = y + 128;
      const expected = [luma + 1.403 * cr, luma - 0.344 * cb - 0.714 * cr, luma + 1.77 * cb].map((v) => Math.min(255, Math.max(0, v)));
      const actual = pixelAt(decoder, 31, 17);
      for (let c = 0; c < 3; c++) assert.ok(Math.abs(actual[c]! - expected[c]!) <= 1, `${[y, cb, cr]}: ${actual} vs ${expected.map((v) => v.toFixed(1))}`);
    }
  });

  test('tiles are clipped to the region rectangles, offset by the command origin', () => {
    const decoder = new FastPathDecoder(320, 240);
    const tile = { x: 0, y: 0, y_: flatCoefficients(50), cb: zeros(), cr: zeros() };
    const output = decoder.push(rfxPdu(concat(rfxHeaders(320, 240), frame([[10, 20, 5, 7], [60, 60, 30, 30]], [tile])), 100, 50));
    assert.deepEqual(output.errors, []);
    // The second rectangle overlaps the tile (0..64) only in 60..64, and is reported whole (clipped to the screen).
    assert.deepEqual(output.dirty, [
      { x: 110, y: 70, width: 5, height: 7 },
      { x: 160, y: 110, width: 30, height: 30 },
    ]);
    assert.deepEqual(pixelAt(decoder, 110, 70), [178, 178, 178, 255]);
    assert.deepEqual(pixelAt(decoder, 114, 76), [178, 178, 178, 255]);
    assert.deepEqual(pixelAt(decoder, 115, 76), [0, 0, 0, 255]);
    assert.deepEqual(pixelAt(decoder, 163, 113), [178, 178, 178, 255]);
    assert.deepEqual(pixelAt(decoder, 164, 113), [0, 0, 0, 255], 'beyond the tile, inside the rectangle: not painted');
  });

  test('a region without rectangles covers the channel; tiles past the screen edge are clipped', () => {
    const decoder = new FastPathDecoder(100, 70);
    const output = decoder.push(
      rfxPdu(concat(rfxHeaders(100, 70), frame([], [{ x: 1, y: 1, y_: flatCoefficients(-28), cb: zeros(), cr: zeros() }]))),
    );
    assert.deepEqual(output.errors, []);
    assert.deepEqual(output.dirty, [{ x: 0, y: 0, width: 100, height: 70 }]);
    assert.deepEqual(pixelAt(decoder, 99, 69), [100, 100, 100, 255]);
    assert.deepEqual(pixelAt(decoder, 64, 64), [100, 100, 100, 255]);
    assert.deepEqual(pixelAt(decoder, 63, 64), [0, 0, 0, 255]);
  });

  test('each tile uses its own quant tables (factor - 1 is the left shift)', () => {
    const decoder = new FastPathDecoder(128, 64);
    const quants = [
      [6, 6, 6, 6, 6, 6, 6, 6, 6, 6],
      [7, 6, 6, 6, 6, 6, 6, 6, 6, 6],
    ];
    const tiles: RfxTile[] = [
      { x: 0, y: 0, quant: [0, 0, 0], y_: flatCoefficients(20), cb: zeros(), cr: zeros() },
      { x: 1, y: 0, quant: [1, 0, 0], y_: flatCoefficients(20), cb: zeros(), cr: zeros() },
    ];
    const output = decoder.push(rfxPdu(concat(rfxHeaders(128, 64), frame([[0, 0, 128, 64]], tiles, { quants }))));
    assert.deepEqual(output.errors, []);
    assert.deepEqual(pixelAt(decoder, 10, 10), [148, 148, 148, 255]);
    assert.deepEqual(pixelAt(decoder, 74, 10), [168, 168, 168, 255]);
  });

  test('RLGR1 and RLGR3 streams of the same coefficients draw the same pixels', () => {
    fc.assert(
      fc.property(coefficients, coefficients, coefficients, (y, cb, cr) => {
        const screens = ([1, 4] as const).map((entropy) => {
          const decoder = new FastPathDecoder(64, 64);
          const output = decoder.push(rfxPdu(concat(rfxHeaders(64, 64, entropy), frame([[0, 0, 64, 64]], [{ x: 0, y: 0, y_: y, cb, cr }], { entropy }))));
          assert.deepEqual(output.errors, []);
          return decoder.framebuffer.pixels.slice();
        });
        assert.deepEqual(screens[0], screens[1]);
      }),
      { numRuns: 10 },
    );
  });

  test('the context, sent once, serves later frames; saveState/restoreState carry it to another decoder', () => {
    const tile = { x: 0, y: 0, y_: flatCoefficients(10), cb: zeros(), cr: zeros() };
    // A tileset whose own `et` is 0 (not a valid algorithm) relies on the context's RLGR1.
    const laterFrame = rfxPdu(frame([[0, 0, 64, 64]], [tile], { entropy: 0, encodeMode: 1 }));
    const decoder = new FastPathDecoder(64, 64);
    assert.deepEqual(decoder.push(rfxPdu(concat(rfxHeaders(64, 64, 1), frame([[0, 0, 8, 8]], [tile], { entropy: 1 })))).errors, []);
    assert.deepEqual(decoder.push(laterFrame).errors, []);
    assert.deepEqual(pixelAt(decoder, 40, 40), [138, 138, 138, 255]);

    const fresh = new FastPathDecoder(64, 64);
    assert.match(fresh.push(laterFrame).errors.join(), /malformed: surface bits .*entropy algorithm 0/);
    fresh.restoreState(structuredClone(decoder.saveState()));
    assert.deepEqual(fresh.push(laterFrame).errors, []);
    assert.deepEqual(pixelAt(fresh, 40, 40), [138, 138, 138, 255]);
  });

  test('a decoder restored from saved state and pixels continues a real session exactly', () => {
    const pdus = readCapture('shadow-rfx');
    const original = new FastPathDecoder(1024, 768);
    const split = 60;
    for (const pdu of pdus.slice(0, split)) original.push(pdu);
    assert.equal(original.inFragment, false);
    const resumed = new FastPathDecoder(1024, 768);
    resumed.restoreState(structuredClone(original.saveState()));
    resumed.framebuffer.pixels.set(original.framebuffer.pixels);
    for (const pdu of pdus.slice(split)) {
      assert.deepEqual(resumed.push(pdu).errors, []);
      original.push(pdu);
    }
    assert.ok(Buffer.from(resumed.framebuffer.pixels).equals(Buffer.from(original.framebuffer.pixels)));
  });

  test('malformed messages are reported, nothing of the bad tileset is drawn, and decoding goes on', () => {
    const decoder = new FastPathDecoder(64, 64);
    const good = { x: 0, y: 0, y_: flatCoefficients(0), cb: zeros(), cr: zeros() };
    const cases: [string, Uint8Array, RegExp][] = [
      ['bad sync', concat(Uint8Array.of(0xc0, 0xcc, 12, 0, 0, 0, 1, 2, 3, 4, 0, 1)), /malformed: .*TS_RFX_SYNC magic/],
      ['short block', Uint8Array.of(0xc4, 0xcc, 3, 0, 0, 0), /malformed: .*has length 3/],
      ['block past the end', Uint8Array.of(0xc4, 0xcc, 100, 0, 0, 0, 1, 0), /truncated: .*RemoteFX block 0xccc4/],
      ['quant index out of range', frame([[0, 0, 64, 64]], [{ ...good, quant: [0, 1, 0] }]), /malformed: .*uses quant table 1 of 1/],
      ['entropy unknown without context', frame([[0, 0, 64, 64]], [good], { entropy: 7 }), /entropy algorithm 7/],
    ];
    for (const [name, message, error] of cases) {
      const output = decoder.push(rfxPdu(message));
      assert.equal(output.errors.length, 1, name);
      assert.match(output.errors[0]!, error, name);
      assert.deepEqual(output.dirty, [], name);
    }
    assert.deepEqual(pixelAt(decoder, 5, 5), [0, 0, 0, 255]);
    // Truncating the last tile's data inside its block: the tile reader refuses it.
    const whole = frame([[0, 0, 64, 64]], [good, { ...good, x: 0, y: 0 }]);
    const cut = Uint8Array.from(whole);
    const output = decoder.push(rfxPdu(cut.subarray(0, cut.length - 20)));
    assert.ok(output.errors.length >= 1);
    // Unknown block types are skipped; the decoder still works.
    const fine = decoder.push(rfxPdu(concat(Uint8Array.of(0x00, 0xdd, 8, 0, 0, 0, 9, 9), rfxHeaders(64, 64), frame([[0, 0, 64, 64]], [{ ...good, y_: flatCoefficients(-100) }]))));
    assert.deepEqual(fine.errors, []);
    assert.deepEqual(pixelAt(decoder, 5, 5), [28, 28, 28, 255]);
  });
});
