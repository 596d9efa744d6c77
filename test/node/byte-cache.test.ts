import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { seededRandom as random } from '../helpers/seeded-random.js';
import { ByteCache } from '../../src/core/feeds/byte-cache.js';

const SEED = Number(process.env.SEED ?? 0x5eed);

/**
 * A cache over `file` whose fetches (`asked`) each land when the test calls its release (`releases`,
 * in order of asking); `fetchedTimes`: how many times each byte was fetched.
 */
function heldFetches(file: Uint8Array): { cache: ByteCache; asked: Array<[number, number]>; releases: Array<() => void>; fetchedTimes: Uint8Array } {
  const asked: Array<[number, number]> = [];
  const releases: Array<() => void> = [];
  const fetchedTimes = new Uint8Array(file.length);
  const cache = new ByteCache(async (start, end) => {
    asked.push([start, end]);
    for (let at = start; at < end; at++) fetchedTimes[at]! += 1;
    await new Promise<void>((resolve) => releases.push(resolve));
    return file.slice(start, end);
  }, file.length);
  return { cache, asked, releases, fetchedTimes };
}

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
    // Fetches answer in an order the seed picks, not the order asked.
    const { cache, releases: waiting, fetchedTimes } = heldFetches(file);
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

  test('concurrent reads of overlapping ranges wait for the fetch under way instead of fetching its bytes again', async () => {
    const file = Uint8Array.from({ length: 10_000 }, (_, i) => (i * 7) & 0xff);
    const { cache, asked, releases } = heldFetches(file);
    const first = cache.read(1000, 5000);
    const second = cache.read(3000, 8000);
    const third = cache.read(2000, 4000);
    assert.deepEqual(asked, [[1000, 5000], [5000, 8000]], 'the second read fetches only past the first one\'s flight; the third fetches nothing');
    for (const release of releases) release();
    assert.deepEqual(await first, file.subarray(1000, 5000));
    assert.deepEqual(await second, file.subarray(3000, 8000));
    assert.deepEqual(await third, file.subarray(2000, 4000));
    assert.equal(cache.stats.fetchedBytes, 7000);
  });

  test('a read that joined a failed fetch fetches those bytes itself', async () => {
    const file = Uint8Array.from({ length: 1000 }, (_, i) => i & 0xff);
    let failNext = true;
    const releases: Array<() => void> = [];
    const cache = new ByteCache(async (start, end) => {
      const fail = failNext;
      failNext = false;
      await new Promise<void>((resolve) => releases.push(resolve));
      if (fail) throw new Error('connection reset');
      return file.slice(start, end);
    }, file.length);
    const failing = cache.read(0, 500);
    const joining = cache.read(100, 200);
    releases.shift()!();
    await assert.rejects(failing, /connection reset/);
    while (releases.length === 0) await Promise.resolve();
    releases.shift()!();
    assert.deepEqual(await joining, file.subarray(100, 200));
  });

  test('parts read backwards stay as fetched (no held byte is copied); a read across them gets one copy; forget frees what it drops', async () => {
    const file = Uint8Array.from({ length: 100_000 }, (_, i) => (i * 13) & 0xff);
    const fetched: Uint8Array[] = [];
    const cache = new ByteCache(async (start, end) => {
      const bytes = file.slice(start, end);
      fetched.push(bytes);
      return bytes;
    }, file.length);
    for (let end = 100_000; end > 0; end -= 10_000) {
      const part = await cache.read(end - 10_000, end);
      assert.equal(part.buffer, fetched[fetched.length - 1]!.buffer, 'a read held in one chunk is a view of what was fetched');
    }
    assert.deepEqual(cache.ranges(), [[0, 100_000]]);
    const across = await cache.read(5000, 25_000);
    assert.deepEqual(across, file.subarray(5000, 25_000));
    assert.equal(across.byteLength, 20_000);
    cache.forget(0, 95_000);
    assert.deepEqual(cache.ranges(), [[95_000, 100_000]]);
    const kept = cache.held(95_000, 100_000)!;
    assert.deepEqual(kept, file.subarray(95_000));
    assert.equal(kept.buffer.byteLength, 5000, 'what forget keeps of a chunk no longer holds the dropped bytes alive');
  });

  test('a forget while a read still gathers its bytes (the download taking what it fetched) leaves that read whole: nothing fetched twice, nothing held after it', async () => {
    const file = Uint8Array.from({ length: 4000 }, (_, i) => (i * 11) & 0xff);
    const { cache, asked, releases } = heldFetches(file);
    const first = cache.read(0, 1000);
    // A read that joins the first fetch and fetches the rest itself.
    const second = cache.read(500, 2000);
    assert.deepEqual(asked, [[0, 1000], [1000, 2000]]);
    releases[0]!();
    assert.deepEqual(await first, file.subarray(0, 1000));
    // The download in order takes [0, 1000) from the cache while the second read waits for its own fetch.
    cache.forget(0, 1000);
    assert.deepEqual(cache.ranges(), [[500, 1000]], 'the bytes the second read asked for stay until it returns, the rest goes');
    releases[1]!();
    assert.deepEqual(await second, file.subarray(500, 2000));
    assert.deepEqual(asked, [[0, 1000], [1000, 2000]], 'no byte fetched twice');
    assert.deepEqual(cache.ranges(), [[1000, 2000]], 'what was forgotten goes once no read needs it');
    // Bytes kept after a forget was deferred over them stay: keeping wants them held.
    const third = cache.read(2000, 3000);
    cache.forget(2000, 3000);
    cache.keep(2500, file.slice(2500, 2600));
    releases[2]!();
    await third;
    assert.deepEqual(cache.ranges(), [[1000, 2000], [2500, 2600]]);
  });

  test(`seeded: reads (previews) under way while the download in order takes held bytes and forgets them give the file's bytes, each fetched once, and nothing is left held behind the download (seed ${SEED})`, async () => {
    const next = random(SEED + 2);
    const file = Uint8Array.from({ length: 300_000 }, (_, i) => (i * 5 + (i >> 7)) & 0xff);
    const { cache, releases: waiting, fetchedTimes } = heldFetches(file);
    /** Where the download in order has taken the file to (as `readFrontByRanges` does: held bytes from the cache, bytes in flight once landed, the rest fetched by it). */
    let taken = 0;
    const reads: Array<Promise<void>> = [];
    let failures = 0;
    let underWay = 0;
    /** Forgets while a read that asked for those bytes was still under way: what this test is about. */
    let forgetsUnderReads = 0;
    const readSpans: Array<[number, number]> = [];
    for (let step = 0; taken < file.length || waiting.length > 0; step++) {
      const choice = next();
      if (choice < 0.3 && taken < file.length) {
        // A preview reads nothing below what the download has taken; most read just ahead of it, over each other.
        const start = taken + Math.floor(next() * Math.min(60_000, file.length - taken));
        const end = Math.min(file.length, start + 1 + Math.floor(next() * 20_000));
        const span: [number, number] = [start, end];
        readSpans.push(span);
        underWay += 1;
        reads.push(
          cache
            .read(start, end)
            .then(
              (bytes) => assert.deepEqual(bytes, file.subarray(start, end), `bytes [${start}, ${end})`),
              () => void (failures += 1),
            )
            .finally(() => readSpans.splice(readSpans.indexOf(span), 1)),
        );
      } else if (choice < 0.6 && waiting.length > 0) {
        waiting.splice(Math.floor(next() * waiting.length), 1)[0]!();
        await new Promise((resolve) => setImmediate(resolve));
      } else if (taken < file.length) {
        const heldEnd = cache.heldEndAt(taken);
        if (heldEnd !== undefined) {
          if (readSpans.some(([start, end]) => start < heldEnd && end > taken)) forgetsUnderReads += 1;
          cache.forget(taken, heldEnd);
          taken = heldEnd;
        } else if (cache.flyingEndAt(taken) === undefined) {
          // Fetched by the download itself, up to what is held or being fetched.
          const end = Math.min(cache.nextHeldOrFlyingStart(taken) ?? file.length, taken + 1 + Math.floor(next() * 4000));
          for (let at = taken; at < end; at++) fetchedTimes[at]! += 1;
          taken = end;
        }
      } else {
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    await Promise.all(reads);
    assert.ok(forgetsUnderReads > 0, `the download forgot bytes reads under way had asked for (${forgetsUnderReads} times, ${underWay} reads)`);
    assert.equal(failures, 0, 'no read failed');
    assert.ok(fetchedTimes.every((times) => times === 1), `every byte fetched once (${fetchedTimes.filter((times) => times !== 1).length} not)`);
    assert.deepEqual(cache.ranges(), [], 'nothing held once the reads returned: the forgets they deferred were done');
  });
});
