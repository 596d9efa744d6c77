import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FastPathDecoder } from '../../src/core/fastpath/index.js';
import { FastPathScanner, ScanFlag, fastPathPaintRects, mergeRects, type PaintRect } from '../../src/core/fastpath/paint-rects.js';
import { UpdateCode, bitmapUpdate, fpPdu, fpUpdate, fragmentedPdus, pduOf, rfxHeaders, rfxRegion, rfxTileset, flatCoefficients, surfaceBits, concat, rfxFrameBegin, rfxFrameEnd } from '../fixtures/rdp/build.js';
import { readCapture } from '../fixtures/rdp/captures.js';

// fastPathPaintRects / FastPathScanner against what the decoder really does, PDU by PDU, on the
// real captures: every pixel a PDU changes lies in its scanned areas, and the scanned areas are
// exactly the pixels the decoder wrote (bitmaps: its dirty rectangles; RemoteFX: within them).

const RUNS = ['shadow-rfx', 'xrdp-rfx', 'shadow-planar32', 'shadow-interleaved16'];
const WIDTH = 1024;
const HEIGHT = 768;

function mask(rects: Iterable<PaintRect>): Uint8Array {
  const out = new Uint8Array(WIDTH * HEIGHT);
  for (const r of rects) for (let y = r.top; y < r.bottom; y++) out.fill(1, y * WIDTH + r.left, y * WIDTH + r.right);
  return out;
}

const asPaint = (r: { x: number; y: number; width: number; height: number }): PaintRect => ({ left: r.x, top: r.y, right: r.x + r.width, bottom: r.y + r.height });

describe('fastPathPaintRects / FastPathScanner on the real captures', () => {
  for (const run of RUNS) {
    test(`${run}: the scanned areas are what the decoder paints, PDU by PDU`, () => {
      const decoder = new FastPathDecoder(WIDTH, HEIGHT);
      const scanner = new FastPathScanner(WIDTH, HEIGHT);
      const screen = decoder.framebuffer.pixels;
      const words = new Uint32Array(screen.buffer);
      let before = words.slice();
      let painting = 0;
      for (const [index, pdu] of readCapture(run).entries()) {
        const output = decoder.push(pdu);
        const scan = scanner.push(pdu);
        const rects = scan.rects ?? [];
        assert.equal((scan.flags & ScanFlag.OpenAfter) !== 0, decoder.inFragment, `PDU ${index}: fragment run open`);
        assert.equal(output.dirty.length > 0, rects.length > 0, `PDU ${index}: paints at all`);
        if (output.pointer) assert.ok(scan.flags & (ScanFlag.PointerShape | ScanFlag.PointerPosition), `PDU ${index}: pointer update`);
        if (rects.length > 0) painting += 1;
        const scanned = mask(rects);
        const dirty = mask(output.dirty.map(asPaint));
        for (let i = 0; i < scanned.length; i++) {
          // Changed → scanned; scanned → reported dirty.
          if (words[i] !== before[i] && !scanned[i]) assert.fail(`PDU ${index}: pixel ${i % WIDTH},${Math.floor(i / WIDTH)} changed outside the scanned areas`);
          if (scanned[i] && !dirty[i]) assert.fail(`PDU ${index}: pixel ${i % WIDTH},${Math.floor(i / WIDTH)} scanned but not dirty`);
        }
        // Bitmaps paint their whole rectangles: the same areas.
        if (!(scan.flags & ScanFlag.RemoteFx)) assert.deepEqual(scanned, dirty, `PDU ${index}: bitmap areas`);
        // Each dirty RemoteFX rectangle had some tile drawn in it.
        for (const d of output.dirty) assert.ok(rects.some((r) => r.left < d.x + d.width && r.right > d.x && r.top < d.y + d.height && r.bottom > d.y), `PDU ${index}: dirty ${JSON.stringify(d)} has no scanned area`);
        before = words.slice();
      }
      assert.ok(painting > 20, `${painting} painting PDUs`);
    });
  }

  test('RemoteFX: the scanned areas are the tiles the decoder decodes, and no more', () => {
    // A tile may write the colours already there, so pixels alone cannot show where it went: count tiles.
    for (const run of ['shadow-rfx', 'xrdp-rfx']) {
      const decoder = new FastPathDecoder(WIDTH, HEIGHT);
      const scanner = new FastPathScanner(WIDTH, HEIGHT);
      for (const [index, pdu] of readCapture(run).entries()) {
        const tilesBefore = decoder.tilesDecoded;
        decoder.push(pdu);
        const rects = scanner.push(pdu).rects ?? [];
        // Tiles sit on a 64-pixel grid from the screen's corner in these captures: count the grid cells the areas meet.
        const cells = new Set<number>();
        for (const r of rects) {
          for (let y = Math.floor(r.top / 64); y < Math.ceil(r.bottom / 64); y++) for (let x = Math.floor(r.left / 64); x < Math.ceil(r.right / 64); x++) cells.add(y * 64 + x);
        }
        assert.equal(cells.size, decoder.tilesDecoded - tilesBefore, `${run} PDU ${index}: tiles`);
      }
    }
  });

  test('stateless fastPathPaintRects agrees with the scanner on whole (unfragmented) updates', () => {
    for (const run of RUNS) {
      const scanner = new FastPathScanner(WIDTH, HEIGHT);
      let compared = 0;
      let previousOpen = false;
      for (const pdu of readCapture(run)) {
        const scan = scanner.push(pdu);
        const alone = fastPathPaintRects(pdu);
        const fragment = previousOpen || (scan.flags & ScanFlag.OpenAfter) !== 0;
        previousOpen = (scan.flags & ScanFlag.OpenAfter) !== 0;
        if (fragment) {
          assert.equal(alone, null);
          continue;
        }
        assert.deepEqual(alone, scan.rects);
        compared += 1;
      }
      assert.ok(compared > 20);
    }
  });

  test('flags: RemoteFX headers, pointer cache slots, pointer shapes', () => {
    const scanner = new FastPathScanner(WIDTH, HEIGHT);
    const flags = readCapture('shadow-rfx').map((pdu) => scanner.push(pdu));
    assert.equal(flags.filter((s) => s.flags & ScanFlag.RemoteFxHeaders).length, 1);
    const writes = flags.filter((s) => s.flags & ScanFlag.PointerCache);
    assert.equal(writes.length, 5);
    assert.ok(writes.every((s) => s.pointerSlot >= 0 && s.flags & ScanFlag.PointerShape));
    assert.equal(flags.filter((s) => s.flags & ScanFlag.PointerShape).length, 10);
  });

  test('built updates: several in one PDU, fragments, raw surface bits, regions', () => {
    const bitmap = (left: number, top: number, width: number, height: number) =>
      bitmapUpdate([{ left, top, width, height, bpp: 32, compressed: false, data: new Uint8Array(width * height * 4) }]);
    const scanner = new FastPathScanner(640, 480);
    // Two bitmap updates and a pointer position in one PDU.
    const several = fpPdu(fpUpdate(UpdateCode.Bitmap, bitmap(0, 0, 16, 16)), fpUpdate(UpdateCode.PointerPosition, new Uint8Array(4)), fpUpdate(UpdateCode.Bitmap, bitmap(16, 0, 16, 16)));
    const scan = scanner.push(several);
    assert.deepEqual(scan.rects, [{ left: 0, top: 0, right: 32, bottom: 16 }]);
    assert.ok(scan.flags & ScanFlag.PointerPosition);
    // A fragmented bitmap update: the areas come with the last fragment.
    const parts = fragmentedPdus(UpdateCode.Bitmap, bitmap(600, 400, 64, 64), 1000);
    assert.ok(parts.length > 2);
    parts.forEach((part, i) => {
      const s = scanner.push(part);
      const last = i === parts.length - 1;
      assert.equal((s.flags & ScanFlag.OpenAfter) !== 0, !last);
      assert.deepEqual(s.rects, last ? [{ left: 600, top: 400, right: 640, bottom: 464 }] : null);
    });
    // Raw surface bits: clipped to the screen.
    const raw = pduOf(UpdateCode.SurfaceCommands, surfaceBits({ left: 630, top: 470, width: 20, height: 20, codecId: 0, data: new Uint8Array(20 * 20 * 4) }));
    assert.deepEqual(scanner.push(raw).rects, [{ left: 630, top: 470, right: 640, bottom: 480 }]);
    // RemoteFX: tiles clipped to the region; a region rectangle no tile meets paints nothing.
    const tile = (x: number, y: number) => ({ x, y, y_: flatCoefficients(0), cb: flatCoefficients(0), cr: flatCoefficients(0) });
    const message = concat(rfxHeaders(640, 480), rfxFrameBegin(0), rfxRegion([[10, 10, 100, 40], [300, 300, 10, 10]]), rfxTileset([tile(0, 0), tile(1, 0)]), rfxFrameEnd());
    const rfx = scanner.push(pduOf(UpdateCode.SurfaceCommands, surfaceBits({ left: 0, top: 0, width: 640, height: 480, codecId: 3, data: message })));
    assert.deepEqual(rfx.rects, [{ left: 10, top: 10, right: 110, bottom: 50 }]);
    assert.ok(rfx.flags & ScanFlag.RemoteFxHeaders && rfx.flags & ScanFlag.RemoteFx);
    // Not fast-path output at all, or truncated: nothing, never a throw.
    assert.equal(fastPathPaintRects(new Uint8Array([0x03, 0x00])), null);
    assert.equal(fastPathPaintRects(several.subarray(0, 10)), null);
    assert.equal(fastPathPaintRects(new Uint8Array(0)), null);
  });

  test('mergeRects joins rows of tiles, then columns of rows, keeping the area', () => {
    const tiles: PaintRect[] = [];
    for (let y = 0; y < 192; y += 64) for (let x = 0; x < 256; x += 64) tiles.push({ left: x, top: y, right: x + 64, bottom: Math.min(y + 64, 180) });
    assert.deepEqual(mergeRects(tiles), [{ left: 0, top: 0, right: 256, bottom: 180 }]);
    assert.deepEqual(mergeRects([{ left: 0, top: 0, right: 10, bottom: 10 }, { left: 20, top: 0, right: 30, bottom: 10 }]).length, 2);
  });
});
