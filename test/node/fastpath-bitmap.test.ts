import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import '../helpers/property-seed.js';
import { FastPathDecoder } from '../../src/core/fastpath/index.js';
import { Bytes, UpdateCode, bitmapUpdate, concat, frameMarker, paletteUpdate, planarRle, pduOf, surfaceBits, type BitmapRect } from '../fixtures/rdp/build.js';

type Rgb = [number, number, number];

/** The screen's RGB rows, top-down, as [r, g, b] triples. */
function rgbRows(decoder: FastPathDecoder, x: number, y: number, width: number, height: number): Rgb[][] {
  const { pixels, width: stride } = decoder.framebuffer;
  return Array.from({ length: height }, (_, row) =>
    Array.from({ length: width }, (_, column) => {
      const at = ((y + row) * stride + x + column) * 4;
      assert.equal(pixels[at + 3], 255, 'the screen stays opaque');
      return [pixels[at]!, pixels[at + 1]!, pixels[at + 2]!] as Rgb;
    }),
  );
}

/** Draws one bitmap rectangle on a fresh 64×64 screen (after `before` PDUs) and returns the decoder. */
function draw(rect: BitmapRect, before: Uint8Array[] = []): FastPathDecoder {
  const decoder = new FastPathDecoder(64, 64);
  for (const pdu of before) assert.deepEqual(decoder.push(pdu).errors, []);
  const output = decoder.push(pduOf(UpdateCode.Bitmap, bitmapUpdate([rect])));
  assert.deepEqual(output.errors, []);
  return decoder;
}

const expand5 = (c: number) => (c << 3) | (c >> 2);
const rgb565 = (v: number): Rgb => [expand5(v >> 11), Math.min(255, (((v >> 5) & 63) << 2) + (((v >> 5) & 63) >> 3)), expand5(v & 31)];
const rgb555 = (v: number): Rgb => [expand5((v >> 10) & 31), expand5((v >> 5) & 31), expand5(v & 31)];
const le16 = (...values: number[]) => values.flatMap((v) => [v & 0xff, v >> 8]);
const bgr = (...colors: Rgb[]) => colors.flatMap(([r, g, b]) => [b, g, r]);

describe('uncompressed bitmaps', () => {
  test('32, 24, 16, 15 and 8 bpp, scanlines bottom-up, 24 bpp rows padded to 4 bytes', () => {
    const A: Rgb = [10, 20, 30];
    const B: Rgb = [200, 100, 50];
    const C: Rgb = [1, 2, 3];
    const D: Rgb = [250, 251, 252];
    // Bottom row first: [C, D] then top [A, B].
    const bgrx = (...colors: Rgb[]) => colors.flatMap(([r, g, b]) => [b, g, r, 0]);
    const cases: [number, number[]][] = [
      [32, bgrx(C, D, A, B)],
      [24, bgr(C, D, A, B)],
    ];
    for (const [bpp, data] of cases) {
      const decoder = draw({ left: 3, top: 4, width: 2, height: 2, bpp, compressed: false, data: Uint8Array.from(data) });
      assert.deepEqual(rgbRows(decoder, 3, 4, 2, 2), [[A, B], [C, D]], `${bpp} bpp`);
    }
    const narrow = draw({ left: 0, top: 0, width: 1, height: 2, bpp: 24, compressed: false, data: Uint8Array.from([...bgr(C), 0, ...bgr(A), 0]) });
    assert.deepEqual(rgbRows(narrow, 0, 0, 1, 2), [[A], [C]], '24 bpp, padded rows');
    const words16 = [0xf800, 0x07e0, 0x001f, 0x8410];
    const decoder16 = draw({ left: 0, top: 0, width: 2, height: 2, bpp: 16, compressed: false, data: Uint8Array.from(le16(...words16)) });
    assert.deepEqual(rgbRows(decoder16, 0, 0, 2, 2), [[rgb565(0x001f), rgb565(0x8410)], [rgb565(0xf800), rgb565(0x07e0)]]);
    assert.deepEqual(rgb565(0x8410), [132, 132, 132]);
    assert.deepEqual(rgb565(0xffff), [255, 255, 255]);
    const decoder15 = draw({ left: 0, top: 0, width: 2, height: 1, bpp: 15, compressed: false, data: Uint8Array.from(le16(0x7c00, 0x4210)) });
    assert.deepEqual(rgbRows(decoder15, 0, 0, 2, 1), [[[255, 0, 0], rgb555(0x4210)]]);
    const palette = pduOf(UpdateCode.Palette, paletteUpdate([[0, 0, 0], [9, 8, 7], [250, 0, 125]]));
    const decoder8 = draw({ left: 1, top: 1, width: 4, height: 1, bpp: 8, compressed: false, data: Uint8Array.of(2, 1, 0, 2) }, [palette]);
    assert.deepEqual(rgbRows(decoder8, 1, 1, 4, 1), [[[250, 0, 125], [9, 8, 7], [0, 0, 0], [250, 0, 125]]]);
  });

  test('only the destination rectangle of a wider bitmap is drawn, and it is what is reported', () => {
    const decoder = new FastPathDecoder(64, 64);
    const data = Uint8Array.from({ length: 4 * 2 * 4 }, () => 0xff);
    const output = decoder.push(pduOf(UpdateCode.Bitmap, bitmapUpdate([{ left: 62, top: 10, width: 4, height: 2, destWidth: 2, bpp: 32, compressed: false, data }])));
    assert.deepEqual(output.dirty, [{ x: 62, y: 10, width: 2, height: 2 }]);
    assert.deepEqual(rgbRows(decoder, 61, 10, 3, 1), [[[0, 0, 0], [255, 255, 255], [255, 255, 255]]]);
  });
});

describe('interleaved RLE', () => {
  const A: Rgb = [0x10, 0x20, 0x30];
  const B: Rgb = [0x40, 0x50, 0x60];
  const not = ([r, g, b]: Rgb): Rgb => [r ^ 255, g ^ 255, b ^ 255];
  const rle = (width: number, height: number, bpp: number, bytes: number[], before?: Uint8Array[]) =>
    draw({ left: 0, top: 0, width, height, bpp, compressed: true, data: Uint8Array.from(bytes) }, before);

  test('colour image, foreground and background runs, and the foreground pixel after two background runs (24 bpp)', () => {
    const decoder = rle(4, 3, 24, [
      0x84, ...bgr(A, B, A, B), // row 0 (bottom, first line): REGULAR_COLOR_IMAGE ×4
      0x02, // row 1: REGULAR_BG_RUN ×2: above
      0x22, // REGULAR_FG_RUN ×2: above ^ white
      0x01, // row 2: REGULAR_BG_RUN ×1 (after a foreground run: plain)
      0x03, // REGULAR_BG_RUN ×3 right after a background run: first pixel is above ^ foreground
    ]);
    assert.deepEqual(rgbRows(decoder, 0, 0, 4, 3), [
      [A, not(B), not(A), not(B)],
      [A, B, not(A), not(B)],
      [A, B, A, B],
    ]);
  });

  test('first-line rules: background is black, foreground is the foreground colour (24 bpp)', () => {
    const decoder = rle(2, 1, 24, [0x01, 0x01]);
    assert.deepEqual(rgbRows(decoder, 0, 0, 2, 1), [[[0, 0, 0], [255, 255, 255]]]);
  });

  test('lite set-foreground run, FGBG images with extended lengths, special FGBG (24 bpp)', () => {
    const black: Rgb = [0, 0, 0];
    const decoder = rle(8, 2, 24, [
      0xc2, ...bgr(A), // row 0: LITE_SET_FG_FG_RUN ×2, foreground A
      0x40, 5, 0b00101101, // REGULAR_FGBG_IMAGE, length 5 + 1: fg, bg, fg, fg, bg, fg
      0xf9, // row 1: SPECIAL_FGBG_1 (mask 0x03): above ^ fg twice, then above
    ]);
    assert.deepEqual(rgbRows(decoder, 0, 0, 8, 2), [
      [black, black, A, black, A, A, black, A],
      [A, A, A, black, A, A, black, A],
    ]);
  });

  test('8 bpp with a palette: mega-mega runs, dithered run, white, black, set-foreground run', () => {
    const colors: Rgb[] = Array.from({ length: 256 }, (_, i) => [i, 255 - i, (i * 7) & 255]);
    const palette = pduOf(UpdateCode.Palette, paletteUpdate(colors));
    const decoder = rle(
      4,
      3,
      8,
      [
        0xf3, 4, 0, 1, // row 0: MEGA_MEGA_COLOR_RUN ×4 of index 1
        0xe1, 2, 3, // row 1: LITE_DITHERED_RUN ×1 pair: 2, 3
        0xfd, 0xfe, // SPECIAL_WHITE (0xff), SPECIAL_BLACK (0)
        0xf6, 2, 0, 7, // row 2: MEGA_MEGA_SET_FG_RUN ×2, foreground 7: above ^ 7
        0xf0, 2, 0, // MEGA_MEGA_BG_RUN ×2: above
      ],
      [palette],
    );
    const at = (...indices: number[]) => indices.map((i) => colors[i]!);
    assert.deepEqual(rgbRows(decoder, 0, 0, 4, 3), [at(2 ^ 7, 3 ^ 7, 255, 0), at(2, 3, 255, 0), at(1, 1, 1, 1)]);
  });

  test('15 bpp: mega-mega colour image, lite and mega FGBG images with and without a new foreground', () => {
    const p = [0x0001, 0x0020, 0x0400, 0x7fff, 0x1234, 0x4321, 0x0f0f, 0x70f0];
    const F = 0x2a55;
    const G = 0x1111;
    const decoder = rle(8, 3, 15, [
      0xf4, 8, 0, ...le16(...p), // row 0: MEGA_MEGA_COLOR_IMAGE ×8
      0xd1, ...le16(F), 0xaa, // row 1: LITE_SET_FG_FGBG_IMAGE ×8 (1 × 8), foreground F, mask 0xaa
      0xf2, 4, 0, 0x05, // row 2: MEGA_MEGA_FGBG_IMAGE ×4, mask 0x05 (foreground still F)
      0xf7, 4, 0, ...le16(G), 0x0f, // MEGA_MEGA_SET_FGBG_IMAGE ×4, foreground G, all set
    ]);
    const row1 = p.map((v, x) => (x & 1 ? v ^ F : v));
    const row2 = row1.map((v, x) => (x < 4 ? ((0x05 >> x) & 1 ? v ^ F : v) : v ^ G));
    assert.deepEqual(rgbRows(decoder, 0, 0, 8, 3), [row2.map(rgb555), row1.map(rgb555), p.map(rgb555)]);
  });

  test('16 bpp: a colour run with an extended length across lines, mega FG run, special FGBG 2, mega dithered run', () => {
    const C = 0x1234;
    const D = 0xf00f;
    const E = 0x0ff0;
    const decoder = rle(16, 3, 16, [
      0x60, 0, ...le16(C), // REGULAR_COLOR_RUN, length 0 + 32: rows 0 and 1
      0xf1, 4, 0, // row 2: MEGA_MEGA_FG_RUN ×4: above ^ white
      0xfa, // SPECIAL_FGBG_2 (mask 0x05)
      0xf8, 2, 0, ...le16(D, E), // MEGA_MEGA_DITHERED_RUN ×2 pairs
    ]);
    const n = C ^ 0xffff;
    const row2 = [n, n, n, n, n, C, n, C, C, C, C, C, D, E, D, E];
    assert.deepEqual(rgbRows(decoder, 0, 0, 16, 3), [row2.map(rgb565), new Array(16).fill(rgb565(C)), new Array(16).fill(rgb565(C))]);
  });

  test('lite set-foreground run and background run with extended lengths, foreground pixel insertion (8 bpp)', () => {
    const colors: Rgb[] = Array.from({ length: 256 }, (_, i) => [i, i, i]);
    const decoder = rle(
      16,
      4,
      8,
      [
        0xc0, 0, 9, // LITE_SET_FG_FG_RUN, length 0 + 16, foreground 9 (first line)
        0x00, 0, // REGULAR_BG_RUN, length 0 + 32: rows 1 and 2 copy row 0
        0x10, // REGULAR_BG_RUN ×16 right after another: first pixel above ^ 9
      ],
      [pduOf(UpdateCode.Palette, paletteUpdate(colors))],
    );
    const nine: Rgb = [9, 9, 9];
    assert.deepEqual(rgbRows(decoder, 0, 0, 16, 4), [[[0, 0, 0], ...new Array(15).fill(nine)], ...new Array(3).fill(new Array(16).fill(nine))]);
  });

  test('a TS_CD_HEADER before the RLE data is skipped', () => {
    const decoder = draw({ left: 0, top: 0, width: 2, height: 1, bpp: 24, compressed: true, withCompressionHeader: true, data: Uint8Array.from([0x82, ...bgr(A, B)]) });
    assert.deepEqual(rgbRows(decoder, 0, 0, 2, 1), [[A, B]]);
  });

  test('bad streams are reported per rectangle; the other rectangles are drawn', () => {
    const cases: [number[], RegExp][] = [
      [[0xa1], /malformed: .*order code 0xa1/],
      [[0x85, ...bgr(A, A, A, A, A)], /malformed: .*writes 5 pixels, 4 left/],
      [[0x84, ...bgr(A, A)], /truncated/],
      [[0xf3, 4], /truncated: .*mega-mega length/],
      [[0xfb], /malformed/],
    ];
    for (const [bytes, error] of cases) {
      const decoder = new FastPathDecoder(8, 8);
      const good: BitmapRect = { left: 4, top: 0, width: 4, height: 1, bpp: 24, compressed: true, data: Uint8Array.from([0x84, ...bgr(B, B, B, B)]) };
      const output = decoder.push(pduOf(UpdateCode.Bitmap, bitmapUpdate([{ ...good, left: 0, data: Uint8Array.from(bytes) }, good])));
      assert.equal(output.errors.length, 1, String(bytes));
      assert.match(output.errors[0]!, error);
      assert.match(output.errors[0]!, /bitmap rectangle 0 \(4x1 at 0,0, 24 bpp\)/);
      assert.deepEqual(output.dirty, [{ x: 4, y: 0, width: 4, height: 1 }]);
      assert.deepEqual(rgbRows(decoder, 3, 0, 2, 1), [[[0, 0, 0], B]]);
    }
  });
});

describe('planar bitmaps', () => {
  const NA = 0x20;
  const RLE = 0x10;
  const CS = 0x08;
  const planar = (width: number, height: number, data: number[] | Uint8Array) =>
    draw({ left: 0, top: 0, width, height, bpp: 32, compressed: true, data: Uint8Array.from(data) });

  test('the RLE example of MS-RDPEGDI 3.1.9.2.3 decodes to its three scanlines (stream order is bottom-up)', () => {
    const plane = [0x13, 0xff, 0x20, 0xfe, 0xfd, 0x60, 0x01, 0x7d, 0xf5, 0xc2, 0x9a, 0x38, 0x60, 0x01, 0x67, 0x8b, 0xa3, 0x78, 0xaf];
    const decoder = planar(6, 3, [RLE | NA, ...plane, ...plane, ...plane]);
    const grey = (...values: number[]) => values.map((v) => [v, v, v] as Rgb);
    assert.deepEqual(rgbRows(decoder, 0, 0, 6, 3), [grey(253, 140, 62, 14, 135, 193), grey(254, 192, 132, 96, 75, 25), grey(255, 255, 255, 255, 254, 253)]);
  });

  test('raw ARGB planes with an alpha plane and the pad byte', () => {
    // 3×2: planes A, R, G, B in stream order (bottom row first), then a pad byte.
    const alpha = [255, 255, 255, 0, 0, 0];
    const red = [1, 2, 3, 4, 5, 6];
    const green = [10, 20, 30, 40, 50, 60];
    const blue = [100, 110, 120, 130, 140, 150];
    const decoder = planar(3, 2, [0x00, ...alpha, ...red, ...green, ...blue, 0]);
    assert.deepEqual(rgbRows(decoder, 0, 0, 3, 2), [
      [[4, 40, 130], [5, 50, 140], [6, 60, 150]],
      [[1, 10, 100], [2, 20, 110], [3, 30, 120]],
    ]);
  });

  test('RLE planes (raw runs, short and extra-long runs, deltas) round-trip exactly', () => {
    const plane = (width: number, height: number) =>
      fc.array(fc.oneof(fc.constant(0), fc.constant(255), fc.integer({ min: 0, max: 255 })), { minLength: width * height, maxLength: width * height });
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 64 }).chain((width) => fc.integer({ min: 1, max: 8 }).chain((height) => fc.tuple(fc.constant(width), fc.constant(height), plane(width, height), plane(width, height), plane(width, height)))),
        ([width, height, red, green, blue]) => {
          // Long runs too: repeat each plane's first value across its first row.
          red.fill(red[0]!, 0, width);
          const decoder = planar(width, height, concat(Uint8Array.of(RLE | NA), planarRle(red, width, height), planarRle(green, width, height), planarRle(blue, width, height)));
          const expected = Array.from({ length: height }, (_, row) => {
            const source = (height - 1 - row) * width;
            return Array.from({ length: width }, (_, x) => [red[source + x], green[source + x], blue[source + x]]);
          });
          assert.deepEqual(rgbRows(decoder, 0, 0, width, height), expected);
        },
      ),
      { numRuns: 80 },
    );
  });

  /** MS-RDPEGDI 3.1.9.1.2–3.1.9.1.4: chroma shifted back by CLL (9-bit signed), the inverse matrix, R and B swapped. */
  const ycocg = (y: number, co: number, cg: number, cll: number): Rgb => {
    const nine = (v: number) => ((((v << cll) & 0x1ff) << 23) >> 23) / 2;
    const [c, g] = [nine(co), nine(cg)];
    const clamp = (v: number) => Math.min(255, Math.max(0, v));
    const red = clamp(y + c - g);
    const green = clamp(y + g);
    const blue = clamp(y - c - g);
    return [blue, green, red];
  };

  test('AYCoCg planes at every colour loss level, with and without chroma subsampling (odd sizes)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 7 }), fc.boolean(), fc.boolean(), fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 5 }), fc.integer(), (cll, subsampled, rle, width, height, seed) => {
        const chromaWidth = subsampled ? Math.ceil(width / 2) : width;
        const chromaHeight = subsampled ? Math.ceil(height / 2) : height;
        const random = (n: number, salt: number) => Array.from({ length: n }, (_, i) => Math.abs(Math.imul(seed ^ salt, i * 2654435761 + 1)) % 256);
        const luma = random(width * height, 1);
        const co = random(chromaWidth * chromaHeight, 2);
        const cg = random(chromaWidth * chromaHeight, 3);
        const header = cll | (subsampled ? CS : 0) | (rle ? RLE : 0) | NA;
        const planes = rle
          ? concat(planarRle(luma, width, height), planarRle(co, chromaWidth, chromaHeight), planarRle(cg, chromaWidth, chromaHeight))
          : Uint8Array.from([...luma, ...co, ...cg, 0]);
        const decoder = planar(width, height, concat(Uint8Array.of(header), planes));
        const expected = Array.from({ length: height }, (_, row) => {
          const source = height - 1 - row;
          return Array.from({ length: width }, (_, x) => {
            const chroma = (subsampled ? source >> 1 : source) * chromaWidth + (subsampled ? x >> 1 : x);
            return ycocg(luma[source * width + x]!, co[chroma]!, cg[chroma]!, cll);
          });
        });
        assert.deepEqual(rgbRows(decoder, 0, 0, width, height), expected);
      }),
      { numRuns: 120 },
    );
  });

  test('bad planar streams are reported', () => {
    const cases: [number[], RegExp][] = [
      [[CS | NA, 0], /malformed: .*chroma subsampling without colour loss/],
      [[RLE | NA, 0x00], /malformed: .*zero control byte/],
      [[RLE | NA, 0x50, 1, 2, 3, 4, 5], /malformed: .*overruns a 4-pixel scanline/],
      [[RLE | NA, 0x40, 1, 2], /truncated/],
      [[NA, 1, 2, 3], /truncated: .*planar raw plane/],
      [[], /truncated: .*planar format header/],
    ];
    for (const [bytes, error] of cases) {
      const decoder = new FastPathDecoder(8, 8);
      const output = decoder.push(pduOf(UpdateCode.Bitmap, bitmapUpdate([{ left: 0, top: 0, width: 4, height: 1, bpp: 32, compressed: true, data: Uint8Array.from(bytes) }])));
      assert.equal(output.errors.length, 1, String(bytes));
      assert.match(output.errors[0]!, error);
      assert.deepEqual(output.dirty, []);
    }
  });
});

describe('surface bits without a codec', () => {
  test('codec 0 draws 32 bpp BGRX rows bottom-up at the destination; unknown codecs are reported and skipped', () => {
    const decoder = new FastPathDecoder(16, 16);
    const raw = Uint8Array.of(...[3, 2, 1, 0], ...[6, 5, 4, 0], ...[30, 20, 10, 0], ...[60, 50, 40, 0]);
    const commands = concat(
      frameMarker(0, 7),
      surfaceBits({ left: 5, top: 6, width: 2, height: 2, codecId: 9, data: Uint8Array.of(1, 2, 3) }),
      surfaceBits({ left: 5, top: 6, width: 2, height: 2, codecId: 0, data: raw, set: true, exHeader: true }),
      frameMarker(1, 7),
    );
    const output = decoder.push(pduOf(UpdateCode.SurfaceCommands, commands));
    assert.equal(output.errors.length, 1);
    assert.match(output.errors[0]!, /^unsupported: surface bits \(codec 9, 2x2 at 5,6\): codec id 9$/);
    assert.deepEqual(output.dirty, [{ x: 5, y: 6, width: 2, height: 2 }]);
    assert.deepEqual(rgbRows(decoder, 5, 6, 2, 2), [
      [[10, 20, 30], [40, 50, 60]],
      [[1, 2, 3], [4, 5, 6]],
    ]);
  });

  test('an unknown surface command type ends the update with an error', () => {
    const decoder = new FastPathDecoder(16, 16);
    const output = decoder.push(pduOf(UpdateCode.SurfaceCommands, concat(frameMarker(0, 1), new Bytes().u16(0x0009).u32(0).build())));
    assert.deepEqual(output.errors, ['malformed: surface commands update: surface command type 0x9']);
  });
});
