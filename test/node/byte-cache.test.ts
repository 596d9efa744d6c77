import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { seededRandom as random } from '../helpers/seeded-random.js';
import { ByteCache } from '../../src/core/feeds/byte-cache.js';

const SEED = Number(process.env.SEED ?? 0x5eed);

describe('byte cache: ranges read out of order, merged, none fetched twice', () => {
  test(`seeded random reads give the file's bytes, and each byte is fetched at most once (seed ${SEED})`, async () => {
    const next = random(SEED);
    const file = Uint8Array.from({ length: 200_000 }, (_, i) => (i * 31 + (i >> 8)) & 0xff);
    const fetchedTimes = new Uint8Array(file.length);
    const cache = new ByteCache(async (start, end) => {
      for (let at = start; at < end; at++) fetchedTimes[at]! += 1;
      return file.slice(start, end);
    }, file.length);
    for (let i = 0; i < 300; i++) {
      const start = Math.floor(next() * file.length);
      const end = Math.min(file.length, start + Math.floor(next() * 8000));
      assert.deepEqual(await cache.read(start, end), file.subarray(start, end), `bytes [${start}, ${end})`);
    }
    assert.ok(fetchedTimes.every((times) => times <= 1), 'no byte fetched twice');
    const held = cache.ranges();
    for (let i = 1; i < held.length; i++) assert.ok(held[i]![0] > held[i - 1]![1], 'spans are merged: none touch');
    assert.equal(cache.heldBytes, fetchedTimes.reduce((sum, times) => sum + times, 0));
    assert.equal(cache.stats.fetchedBytes, cache.heldBytes);
  });

  test(`seeded concurrent reads (a seek taking over from one still searching) wait for bytes being fetched instead of fetching them again (seed ${SEED})`, async () => {
    const next = random(SEED + 1);
    const file = Uint8Array.from({ length: 100_000 }, (_, i) => (i * 7 + (i >> 9)) & 0xff);
    const fetchedTimes = new Uint8Array(file.length);
    // Fetches answer in an order the seed picks, not the order asked.
    const waiting: Array<() => void> = [];
    const cache = new ByteCache(async (start, end) => {
      for (let at = start; at < end; at++) fetchedTimes[at]! += 1;
      await new Promise<void>((resolve) => waiting.push(resolve));
      return file.slice(start, end);
    }, file.length);
    const reads: Array<Promise<void>> = [];
    for (let i = 0; i < 60; i++) {
      const start = Math.floor(next() * file.length);
      const end = Math.min(file.length, start + Math.floor(next() * 6000));
      reads.push(cache.read(start, end).then((bytes) => assert.deepEqual(bytes, file.subarray(start, end), `bytes [${start}, ${end})`)));
    }
    let settled = false;
    const all = Promise.all(reads).then(() => (settled = true));
    while (!settled) {
      await new Promise((resolve) => setImmediate(resolve));
      if (waiting.length > 0) waiting.splice(Math.floor(next() * waiting.length), 1)[0]!();
    }
    await all;
    assert.ok(fetchedTimes.every((times) => times <= 1), 'no byte fetched twice');
  });

  test('only the gaps are fetched; kept bytes count as held; reads past the end are clamped', async () => {
    const file = Uint8Array.from({ length: 1000 }, (_, i) => i & 0xff);
    const asked: Array<[number, number]> = [];
    const cache = new ByteCache(async (start, end) => (asked.push([start, end]), file.slice(start, end)), file.length);
    cache.keep(900, file.slice(900));
    await cache.read(100, 200);
    await cache.read(150, 950);
    assert.deepEqual(asked, [[100, 200], [200, 900]]);
    assert.deepEqual(cache.ranges(), [[100, 1000]]);
    assert.deepEqual(await cache.read(990, 5000), file.subarray(990));
    assert.equal(asked.length, 2);
  });

  test('past its budget the spans added longest ago go, never the one just read', async () => {
    const file = new Uint8Array(10_000);
    const cache = new ByteCache(async (start, end) => file.slice(start, end), file.length, 2500);
    await cache.read(0, 1000);
    await cache.read(3000, 4000);
    await cache.read(6000, 7000);
    assert.deepEqual(cache.ranges(), [[3000, 4000], [6000, 7000]]);
    await cache.read(8000, 10_000);
    assert.deepEqual(cache.ranges(), [[8000, 10_000]]);
  });
});
