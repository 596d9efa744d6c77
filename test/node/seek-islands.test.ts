import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ByteCache } from '../../src/core/feeds/byte-cache.js';
import { SeekIslands, type HeldPart } from '../../src/core/seek-islands.js';
import { SeekIsland, type IslandPart } from '../../src/core/seek-island.js';
import { loadFastPathDecoder } from '../../src/core/fastpath/load.js';
import { encodeTdp } from '../../src/format/tdp.js';
import { UpdateCode, bitmapUpdate, paletteUpdate, pduOf } from '../fixtures/rdp/build.js';
import { readRecording } from '../../src/format/reader.js';
import { desktopRecording, writeRecording } from '../helpers/recording-bytes.js';

/** A part read for a seek at `[offset, end)` whose events span `fromMs`–`toMs`. */
async function partAt(offset: number, end: number, fromMs: number, toMs: number): Promise<HeldPart> {
  const { events } = await readRecording(writeRecording([desktopRecording(0, fromMs, new Uint8Array([0])), desktopRecording(1, toMs, new Uint8Array([0]))]));
  return { offset, end, events, untilMs: undefined };
}

describe('seek islands: what parts read for seeks hold (buffered)', () => {
  test('parts whose bytes touch make one stretch; a stretch the download in order reached is not listed', async () => {
    const islands = new SeekIslands();
    islands.part(50_000, await partAt(2000, 3000, 40_000, 45_000));
    islands.part(50_000, await partAt(3000, 4000, 45_000, 52_000));
    islands.part(90_000, await partAt(8000, 9000, 88_000, 95_000));
    assert.deepEqual(islands.heldBeyond(10_000), [[40_000, 52_000], [88_000, 95_000]]);
    assert.deepEqual(islands.heldBeyond(60_000), [[88_000, 95_000]]);
  });

  test('bytes the cache dropped (its budget) leave buffered: only the parts they were in', async () => {
    const islands = new SeekIslands();
    islands.part(45_000, await partAt(2000, 3000, 40_000, 45_000));
    islands.part(70_000, await partAt(5000, 6000, 65_000, 70_000));
    islands.part(90_000, await partAt(8000, 9000, 88_000, 95_000));
    // The cache drops its oldest span past the budget, and tells which bytes went.
    const file = new Uint8Array(10_000);
    const cache = new ByteCache(async (start, end) => file.slice(start, end), file.length, 2500);
    const dropped: Array<[number, number]> = [];
    cache.onDropped = (start, end) => {
      dropped.push([start, end]);
      islands.drop(start, end);
    };
    await cache.read(2000, 3000);
    await cache.read(5000, 6000);
    assert.deepEqual(islands.heldBeyond(10_000), [[40_000, 45_000], [65_000, 70_000], [88_000, 95_000]]);
    await cache.read(8000, 9000);
    assert.deepEqual(dropped, [[2000, 3000]]);
    assert.deepEqual(cache.ranges(), [[5000, 6000], [8000, 9000]]);
    assert.deepEqual(islands.heldBeyond(10_000), [[65_000, 70_000], [88_000, 95_000]], 'the part whose bytes went is not buffered; the others still are');
  });
});

describe('seek islands: an 8 bpp recording whose palette may have changed in the gap', () => {
  const WIDTH = 128;
  const HEIGHT = 64;
  /** A full 64×64 bitmap at `left` of `bpp` (uncompressed; 8 bpp: palette index 1 everywhere). */
  const bitmap = (left: number, bpp: 8 | 32) =>
    pduOf(UpdateCode.Bitmap, bitmapUpdate([{ left, top: 0, width: 64, height: 64, bpp, compressed: false, data: new Uint8Array(64 * 64 * (bpp / 8)).fill(bpp === 8 ? 1 : 0x80) }]));
  const palette = () => pduOf(UpdateCode.Palette, paletteUpdate([[0, 0, 0], [200, 40, 40]]));
  /** One part of the screen's two cells painted at 10 s, after a palette update of its own when `withPalette`. */
  async function islandPart(bpp: 8 | 32, withPalette: boolean, before: Uint8Array[] = []): Promise<IslandPart> {
    const messages = [...before, ...(withPalette ? [palette()] : []), bitmap(0, bpp), bitmap(64, bpp)];
    const { events } = await readRecording(writeRecording(messages.map((data, index) => desktopRecording(index, 10_000, encodeTdp({ kind: 'fastPathPdu', data })))));
    return { offset: 5000, end: 9000, events };
  }
  const island = () => new SeekIsland(10_500, { width: WIDTH, height: HEIGHT, remoteFxHeaders: [], pointerShapes: true });

  test('8 bpp bitmaps after a palette update of the island\'s own: covered', async () => {
    await loadFastPathDecoder();
    const composed = island();
    assert.equal(composed.add(await islandPart(8, true)), true);
    assert.equal(composed.stalledCoverage, false);
  });

  test('8 bpp bitmaps with no palette update in the island: it gives up (the seek waits for the download in order)', async () => {
    await loadFastPathDecoder();
    const composed = island();
    assert.equal(composed.add(await islandPart(8, false)), false, 'the cells are painted, in colours the island does not know');
    assert.equal(composed.stalledCoverage, true, 'no part read further back is asked for');
  });

  test('8 bpp bitmaps painted before the island\'s palette update count only where they still show', async () => {
    await loadFastPathDecoder();
    assert.equal(island().add(await islandPart(8, true, [bitmap(0, 8), bitmap(64, 8)])), true, 'painted over after the palette update');
    const shows = island();
    const messages = [bitmap(0, 8), bitmap(64, 8), palette(), bitmap(0, 8)];
    const { events } = await readRecording(writeRecording(messages.map((data, index) => desktopRecording(index, 10_000, encodeTdp({ kind: 'fastPathPdu', data })))));
    assert.equal(shows.add({ offset: 5000, end: 9000, events }), false, 'the right cell keeps the colours of the palette before the island');
    assert.equal(shows.stalledCoverage, true);
  });

  test('32 bpp bitmaps need no palette: covered', async () => {
    await loadFastPathDecoder();
    assert.equal(island().add(await islandPart(32, false)), true);
  });
});
