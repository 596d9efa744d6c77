import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ByteCache } from '../../src/core/feeds/byte-cache.js';
import { SeekIslands, type HeldPart } from '../../src/core/seek-islands.js';
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
