import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { describe, test } from 'node:test';
import { seededRandom as random } from '../helpers/seeded-random.js';
import { ByteCache } from '../../src/core/feeds/byte-cache.js';
import { PartIndex } from '../../src/format/part-index.js';
import { RecordingReader, readRecording } from '../../src/format/reader.js';
import { originWallMsOf } from '../../src/format/tail.js';

const recordings = new URL('../../demo/recordings/', import.meta.url);
/** The committed samples (the long ones are made by `npm run samples -- --long`, not committed). */
const samples = (await readdir(recordings)).filter((name) => name.endsWith('.tar') && !name.startsWith('long-')).sort();
const LONG_SAMPLE = new URL('long-1h-1080p.tar', recordings);

/** Each part by chaining headers from the front, with the time of its first DesktopRecording event (decoded whole). */
async function partsOf(bytes: Uint8Array): Promise<Array<{ offset: number; firstMs: number | undefined }>> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const parts: Array<{ offset: number; firstMs: number | undefined }> = [];
  for (let at = 0; at < bytes.length; ) {
    const version = view.getUint32(at + 4);
    const end = at + (version === 2 ? 32 : 24) + view.getUint32(at + 12) + view.getUint32(at + 20);
    const reader = new RecordingReader();
    const events = [...(await reader.push(bytes.slice(at, end))).events, ...(await reader.end()).events];
    const first = events.find(({ event }) => event.case === 'desktopRecording');
    parts.push({ offset: at, firstMs: first?.event.case === 'desktopRecording' ? Number(first.event.value.delayMilliseconds) : undefined });
    at = end;
  }
  return parts;
}

/** A cache over the file's bytes that counts what it fetched, and the index over it. */
async function indexOver(bytes: Uint8Array) {
  const cache = new ByteCache(async (start, end) => bytes.slice(start, end), bytes.length);
  const front = await readRecording(bytes.subarray(0, Math.min(bytes.length, 64 * 1024)));
  return { cache, index: new PartIndex(cache.read, bytes.length, originWallMsOf(front.events)) };
}

/** The part the chain says holds `timeMs`: the last one whose first event is at or before it. */
function expectedPart(parts: Array<{ offset: number; firstMs: number | undefined }>, timeMs: number): number {
  let found = parts[0]!.offset;
  for (const part of parts) if (part.firstMs !== undefined && part.firstMs <= timeMs) found = part.offset;
  return found;
}

describe('part index: the part holding a moment, found without reading the file from its front', () => {
  for (const name of samples) {
    test(`${name}: seeded random moments land in the part the header chain gives`, async () => {
      const bytes = new Uint8Array(await readFile(new URL(name, recordings)));
      const parts = await partsOf(bytes);
      const lastMs = Math.max(...parts.map((part) => part.firstMs ?? 0)) + 2000;
      const next = random(13);
      for (let i = 0; i < 8; i++) {
        const timeMs = Math.floor(next() * lastMs);
        // A fresh index each time: every search starts from nothing known.
        const { index } = await indexOver(bytes);
        const part = await index.partAt(timeMs);
        assert.equal(part?.offset, expectedPart(parts, timeMs), `the part holding ${timeMs} ms`);
        const chained = parts.find((candidate) => candidate.offset === part!.offset)!;
        assert.equal(part!.firstMs, chained.firstMs, 'its first time');
      }
    });
  }

  test('the part before a located one is found reading backwards, down to the first', async () => {
    const bytes = new Uint8Array(await readFile(new URL(samples.find((name) => name.startsWith('6c0e'))!, recordings)));
    const parts = await partsOf(bytes);
    const { index } = await indexOver(bytes);
    let part = await index.partAt(Infinity);
    assert.equal(part?.offset, parts.at(-1)!.offset, 'a time past the end: the last part');
    const walked: number[] = [];
    while (part) {
      walked.unshift(part.offset);
      part = await index.partBefore(part);
    }
    assert.deepEqual(walked, parts.map((candidate) => candidate.offset));
  });

  test('each byte is fetched once however many searches share the cache', async () => {
    const bytes = new Uint8Array(await readFile(new URL(samples.find((name) => name.startsWith('6c0e'))!, recordings)));
    const { cache, index } = await indexOver(bytes);
    Object.assign(cache.stats, { fetches: 0, fetchedBytes: 0 });
    const next = random(7);
    for (let i = 0; i < 20; i++) await index.partAt(Math.floor(next() * 130_000));
    const held = cache.ranges().reduce((sum, [start, end]) => sum + end - start, 0);
    assert.equal(cache.stats.fetchedBytes, held, 'bytes fetched = bytes held (none twice)');
    assert.ok(held < bytes.length, `held ${held} of ${bytes.length} bytes`);
  });

  test('a floor (what the download in order has asked for): nothing below it is read, and a moment below the first part above it is left to that download', async () => {
    const bytes = new Uint8Array(await readFile(new URL(samples.find((name) => name.startsWith('6c0e'))!, recordings)));
    const parts = await partsOf(bytes);
    const floor = parts[1]!.offset + 100;
    const asked: Array<[number, number]> = [];
    const cache = new ByteCache(async (start, end) => (asked.push([start, end]), bytes.slice(start, end)), bytes.length);
    const index = new PartIndex(cache.read, bytes.length, undefined, () => floor);
    assert.equal(await index.partAt(parts[1]!.firstMs! + 10), undefined, 'in the part the floor cuts: not found here');
    assert.equal((await index.partAt(parts[3]!.firstMs! + 10))?.offset, parts[3]!.offset);
    assert.equal(await index.partBefore(parts[2]!), undefined, 'the part before the first above the floor is below it');
    assert.ok(asked.every(([start]) => start >= floor), `no read below ${floor}: ${JSON.stringify(asked)}`);
  });

  test('damage never crashes or hangs a search: garbage, a cut file, a damaged middle part', async () => {
    const bytes = new Uint8Array(await readFile(new URL(samples.find((name) => name.startsWith('6c0e'))!, recordings)));
    const parts = await partsOf(bytes);
    const next = random(99);
    const garbage = Uint8Array.from({ length: 300_000 }, () => Math.floor(next() * 256));
    assert.equal(await (await indexOver(garbage)).index.partAt(5000), undefined, 'garbage has no part');
    const cut = bytes.slice(0, parts[2]!.offset + 1000);
    await assert.rejects((await indexOver(cut)).index.partAt(Infinity), { reason: 'corrupt', atByte: parts[2]!.offset }, 'a file cut inside a part: where it is cut');
    assert.equal((await (await indexOver(cut)).index.partAt(100))?.offset, 0, 'and before the cut, the part');
    const damaged = bytes.slice();
    for (let at = parts[2]!.offset + 24 + 20; at < parts[3]!.offset; at += 3) damaged[at] ^= 0x5a;
    for (let i = 0; i < 12; i++) {
      const timeMs = Math.floor(next() * 130_000);
      const expected = expectedPart(parts, timeMs);
      const search = (await indexOver(damaged)).index.partAt(timeMs);
      if (expected === parts[1]!.offset || expected === parts[2]!.offset) {
        // The moment may lie in the damaged part (the one after the part before it cannot be read past).
        await assert.rejects(search, { reason: 'corrupt', atByte: parts[2]!.offset });
      } else {
        assert.equal((await search)?.offset, expected, `the part for ${timeMs} ms`);
      }
    }
  });

  test('cost on the 1-hour sample (when made): round trips and bytes per search', { skip: !existsSync(LONG_SAMPLE) && 'long-1h-1080p.tar not made' }, async (t) => {
    const bytes = new Uint8Array(await readFile(LONG_SAMPLE));
    const parts = await partsOf(bytes);
    const lastMs = parts.at(-1)!.firstMs!;
    const next = random(2026);
    const costs: Array<{ fetches: number; bytes: number }> = [];
    for (let i = 0; i < 10; i++) {
      const timeMs = Math.floor(next() * lastMs);
      const { cache, index } = await indexOver(bytes);
      // What the tail read fetched before loadedmetadata (1 MiB in 2 requests here) is held already.
      await cache.read(bytes.length - 1024 * 1024, bytes.length);
      Object.assign(cache.stats, { fetches: 0, fetchedBytes: 0 });
      const part = await index.partAt(timeMs);
      assert.equal(part?.offset, expectedPart(parts, timeMs));
      costs.push({ fetches: cache.stats.fetches, bytes: cache.stats.fetchedBytes });
    }
    const median = (values: number[]) => values.sort((a, b) => a - b)[values.length >> 1]!;
    t.diagnostic(
      `1-hour sample (${parts.length} parts, ${bytes.length} bytes): round trips median ${median(costs.map((c) => c.fetches))}, max ${Math.max(...costs.map((c) => c.fetches))}; ` +
        `bytes median ${median(costs.map((c) => c.bytes))}, max ${Math.max(...costs.map((c) => c.bytes))}`,
    );
    assert.ok(Math.max(...costs.map((c) => c.fetches)) <= 32, 'a bounded number of round trips');
    assert.ok(Math.max(...costs.map((c) => c.bytes)) <= 8 * 1024 * 1024, 'a few parts at most');
  });
});
