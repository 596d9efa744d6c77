import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { ByteCache } from '../../src/core/feeds/byte-cache.js';
import { fetchRange } from '../../src/core/feeds/byte-ranges.js';
import { readFrontByRanges } from '../../src/core/feeds/front-reads.js';
import { InFlightRanges } from '../../src/core/feeds/in-flight-ranges.js';
import { loopbackUrl } from '../helpers/loopback.js';
import { seededRandom } from '../helpers/seeded-random.js';

/** 3 MiB of seeded bytes: the first range (1 MiB) and at least one more. */
const file = new Uint8Array(3 * 1024 * 1024);
for (let i = 0, x = 0x5eed; i < file.length; i++) file[i] = (x = (Math.imul(x, 1103515245) + 12345) >>> 0) >>> 24;
const FIRST_RANGE = 1024 * 1024;

describe('readFrontByRanges: the download in order', () => {
  let server: Server;
  let url: string;
  /** The ranges asked for, in order of arrival at the server. */
  const asked: string[] = [];
  let onAsked: () => void = () => {};

  before(async () => {
    server = createServer((request, response) => {
      const range = /^bytes=(\d+)-(\d+)$/.exec(request.headers.range ?? '');
      if (!range) {
        response.writeHead(400).end();
        return;
      }
      asked.push(request.headers.range!);
      onAsked();
      const start = Number(range[1]);
      const end = Math.min(file.length - 1, Number(range[2]));
      response.writeHead(206, { 'content-range': `bytes ${start}-${end}/${file.length}`, 'content-length': end + 1 - start });
      response.end(file.subarray(start, end + 1));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `${loopbackUrl(server)}/file`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const cacheOf = () => new ByteCache(async () => new Uint8Array(0), file.length);

  test('asks for the next range once the reader has taken half of the current one, and gives every byte once, in order', async () => {
    asked.length = 0;
    const requested: number[] = [];
    const pieces = readFrontByRanges(url, cacheOf(), new AbortController().signal, { turn: () => undefined, requested: (end) => requested.push(end) });
    let taken = 0;
    // Up to half of the first range: only it was asked for.
    while (taken < FIRST_RANGE / 2 - 64 * 1024) taken += (await pieces.next()).value!.length;
    assert.deepEqual(requested, [FIRST_RANGE]);
    const secondAsked = new Promise<void>((resolve) => (onAsked = () => asked.length === 2 && resolve()));
    while (taken < FIRST_RANGE / 2) taken += (await pieces.next()).value!.length;
    // Past half: the second range is asked for before the reader takes the rest of the first.
    assert.equal(requested.length, 2);
    assert.equal(requested[0], FIRST_RANGE);
    await secondAsked;
    assert.equal(asked[1], `bytes=${FIRST_RANGE}-${requested[1]! - 1}`);
    const received: Uint8Array[] = [];
    for (let result = await pieces.next(); !result.done; result = await pieces.next()) received.push(result.value);
    const rest = Buffer.concat(received);
    assert.equal(taken + rest.length, file.length);
    assert.ok(Buffer.from(file.subarray(taken)).equals(rest), 'the bytes in order');
    // Ranges end to end: each starts where the one before ended.
    const spans = asked.map((range) => /^bytes=(\d+)-(\d+)$/.exec(range)!.slice(1).map(Number) as [number, number]);
    spans.forEach(([start], i) => assert.equal(start, i === 0 ? 0 : spans[i - 1]![1] + 1, asked.join(', ')));
    assert.equal(spans.at(-1)![1], file.length - 1);
  });

  test('while a seek reads, nothing is asked ahead: the next range waits for its turn', async () => {
    asked.length = 0;
    const requested: number[] = [];
    let seekReading: Promise<void> | undefined;
    const pieces = readFrontByRanges(url, cacheOf(), new AbortController().signal, { turn: () => seekReading, requested: (end) => requested.push(end) });
    let taken = (await pieces.next()).value!.length;
    // A seek starts reading parts out of order.
    let seekDone!: () => void;
    seekReading = new Promise<void>((resolve) => (seekDone = resolve));
    while (taken < FIRST_RANGE) taken += (await pieces.next()).value!.length;
    assert.equal(taken, FIRST_RANGE);
    assert.deepEqual(requested, [FIRST_RANGE], 'nothing asked ahead while the seek reads');
    const next = pieces.next();
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(requested, [FIRST_RANGE], 'the next range waits for the seek');
    seekReading = undefined;
    seekDone();
    assert.ok((await next).value!.length > 0);
    assert.equal(requested.length, 2);
    await pieces.return(undefined);
  });
});

describe('readFrontByRanges: a seek reading inside a range still streaming', () => {
  /** Where a range asked for from below it stops until `release` (the download in order, held). */
  const HOLD = 256 * 1024;
  let server: Server;
  let url: string;
  /** Each request: the range asked and the bytes written for it. */
  const sent: Array<{ range: string; bytes: number }> = [];
  let release: () => void = () => {};
  let released: Promise<void>;

  before(async () => {
    released = new Promise<void>((resolve) => (release = resolve));
    server = createServer(async (request, response) => {
      const range = /^bytes=(\d+)-(\d+)$/.exec(request.headers.range ?? '')!;
      const start = Number(range[1]);
      const end = Math.min(file.length - 1, Number(range[2])) + 1;
      const entry = { range: request.headers.range!, bytes: 0 };
      sent.push(entry);
      response.writeHead(206, { 'content-range': `bytes ${start}-${end - 1}/${file.length}`, 'content-length': end - start });
      let closed = false;
      response.on('close', () => (closed = true));
      for (let at = start; at < end && !closed; ) {
        if (start < HOLD && at === HOLD) await released;
        if (closed) break;
        const to = Math.min(end, at + 16 * 1024, start < HOLD && at < HOLD ? HOLD : Infinity);
        entry.bytes += to - at;
        await new Promise<void>((resolve) => response.write(file.subarray(at, to), () => resolve()));
        at = to;
      }
      response.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `${loopbackUrl(server)}/file`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  test('the seek reads its bytes at once; the range stops where it arrived and goes on after them: every byte once, in order', async () => {
    const cache = new ByteCache((start, end) => fetchRange(url, start, end, new AbortController().signal).then((answer) => answer.bytes), file.length);
    const inFlight = new InFlightRanges(cache);
    let seekReading: Promise<void> | undefined;
    const taken: number[] = [];
    const pieces = readFrontByRanges(url, cache, new AbortController().signal, { turn: () => seekReading, taken: (end) => taken.push(end) }, inFlight);
    const received: Uint8Array[] = [];
    let at = 0;
    while (at < HOLD) {
      const { value } = await pieces.next();
      received.push(value!);
      at += value!.length;
    }
    assert.equal(at, HOLD);
    // The reader is held inside the first range (1 MiB); a seek reads bytes further inside it.
    let seekDone!: () => void;
    seekReading = new Promise<void>((resolve) => (seekDone = resolve));
    inFlight.drain();
    const seekStart = 600 * 1024;
    await inFlight.beforeSeekRead(seekStart, seekStart + 100 * 1024);
    const seekBytes = await cache.read(seekStart, seekStart + 100 * 1024);
    assert.ok(Buffer.from(seekBytes).equals(Buffer.from(file.subarray(seekStart, seekStart + 100 * 1024))));
    seekReading = undefined;
    seekDone();
    release();
    for (let result = await pieces.next(); !result.done; result = await pieces.next()) received.push(result.value);
    assert.ok(Buffer.from(file).equals(Buffer.concat(received)), 'the whole file, in order');
    // No byte written twice: the spans written never overlap.
    const spans = sent.map(({ range, bytes }) => {
      const start = Number(/^bytes=(\d+)-/.exec(range)![1]);
      return [start, start + bytes] as const;
    });
    spans.sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < spans.length; i++) assert.ok(spans[i]![0] >= spans[i - 1]![1], `${sent.map((s) => `${s.range}: ${s.bytes}`).join(', ')}`);
    assert.equal(spans[0]![1], HOLD, 'the first range stopped where it was held');
  });
  test('a seek whose bytes a streaming range brings soon waits for them there: no request of its own, every byte once', async () => {
    release();
    sent.length = 0;
    const cache = new ByteCache(() => Promise.reject(new Error('the seek fetched bytes of its own')), file.length);
    const inFlight = new InFlightRanges(cache);
    let seekReading: Promise<void> | undefined;
    const pieces = readFrontByRanges(url, cache, new AbortController().signal, { turn: () => seekReading }, inFlight);
    const received: Uint8Array[] = [(await pieces.next()).value!];
    const at = received[0]!.length;
    // A seek reads 100 KiB a little ahead of the reader, inside the first range: it waits for the body.
    let seekDone!: () => void;
    seekReading = new Promise<void>((resolve) => (seekDone = resolve));
    inFlight.drain();
    const seekStart = at + 64 * 1024;
    await inFlight.beforeSeekRead(seekStart, seekStart + 100 * 1024);
    const seekBytes = await cache.read(seekStart, seekStart + 100 * 1024);
    assert.ok(Buffer.from(seekBytes).equals(Buffer.from(file.subarray(seekStart, seekStart + 100 * 1024))));
    seekReading = undefined;
    seekDone();
    for (let result = await pieces.next(); !result.done; result = await pieces.next()) received.push(result.value);
    assert.ok(Buffer.from(file).equals(Buffer.concat(received)), 'the whole file, in order');
    assert.deepEqual(cache.ranges(), [[0, 64 * 1024]], 'the download in order took the bytes the seek kept (it keeps only the first part headers)');
    const spans = sent.map(({ range, bytes }) => [Number(/^bytes=(\d+)-/.exec(range)![1]), bytes] as const);
    spans.forEach(([start], i) => assert.equal(start, i === 0 ? 0 : spans[i - 1]![0] + spans[i - 1]![1], JSON.stringify(sent)));
  });
});

describe('readFrontByRanges: previews reading out of order while the download in order goes on', () => {
  const SEED = Number(process.env.SEED ?? 0x9e1);
  let server: Server;
  let url: string;
  /** The ranges the server answered, as [start, end) (each sent whole). */
  const answered: Array<[number, number]> = [];

  before(async () => {
    server = createServer((request, response) => {
      const range = /^bytes=(\d+)-(\d+)$/.exec(request.headers.range ?? '')!;
      const start = Number(range[1]);
      const end = Math.min(file.length - 1, Number(range[2])) + 1;
      answered.push([start, end]);
      response.writeHead(206, { 'content-range': `bytes ${start}-${end - 1}/${file.length}`, 'content-length': end - start });
      response.end(file.subarray(start, end));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `${loopbackUrl(server)}/file`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  /** How many times each byte of the file was fetched: by the download's ranges and by the cache's own reads. */
  function fetchCounts(cacheFetches: ReadonlyArray<readonly [number, number]>): Uint8Array {
    const times = new Uint8Array(file.length);
    for (const [start, end] of [...answered, ...cacheFetches]) for (let at = start; at < end; at++) times[at]! += 1;
    return times;
  }

  test("a preview's fetch under way over bytes the download then reaches: the download's range stops where it starts, waits for it and takes its bytes from the cache; every byte once, in order", async () => {
    answered.length = 0;
    const cacheFetches: Array<[number, number]> = [];
    const releases: Array<() => void> = [];
    const cache = new ByteCache(async (start, end) => {
      cacheFetches.push([start, end]);
      await new Promise<void>((resolve) => releases.push(resolve));
      return file.slice(start, end);
    }, file.length);
    let requested = 0;
    const pieces = readFrontByRanges(url, cache, new AbortController().signal, { turn: () => undefined, requested: (end) => (requested = end) });
    const received: Uint8Array[] = [(await pieces.next()).value!];
    assert.equal(requested, FIRST_RANGE);
    // A preview reads a part just past what the download has asked for (never below it).
    const previewStart = requested + 256 * 1024;
    const preview = cache.read(previewStart, previewStart + 512 * 1024);
    assert.equal(cache.flyingEndAt(previewStart), previewStart + 512 * 1024);
    let taken = received[0]!.length;
    while (taken < previewStart) {
      const { value } = await pieces.next();
      received.push(value!);
      taken += value!.length;
    }
    assert.equal(taken, previewStart, 'the download took everything before the preview\'s bytes');
    assert.deepEqual(answered.at(-1), [FIRST_RANGE, previewStart], 'the range asked after the first stops where the preview\'s fetch starts');
    // The download waits for the preview's fetch rather than fetching those bytes itself.
    let arrived = false;
    const waiting = pieces.next().then((result) => ((arrived = true), result));
    for (let turn = 0; turn < 20; turn++) await new Promise((resolve) => setImmediate(resolve));
    assert.equal(arrived, false, 'it waits for the preview\'s bytes');
    releases.shift()!();
    received.push((await waiting).value!);
    assert.deepEqual(await preview, file.subarray(previewStart, previewStart + 512 * 1024), 'the preview has its bytes');
    for (let result = await pieces.next(); !result.done; result = await pieces.next()) received.push(result.value);
    assert.ok(Buffer.from(file).equals(Buffer.concat(received)), 'the whole file, in order');
    const times = fetchCounts(cacheFetches);
    assert.ok(times.every((count) => count === 1), `every byte fetched once (${times.filter((count) => count !== 1).length} not)`);
    assert.deepEqual(cache.ranges(), [[0, 64 * 1024]], 'the download took the preview\'s bytes (only the first part headers stay)');
  });

  for (const seed of [SEED, SEED + 1, SEED + 2]) {
    test(`seeded interleavings: previews fetching (and joining each other) at random moments ahead of the download; every byte fetched once, the download's bytes in order, the previews' right (seed ${seed})`, async () => {
      const next = seededRandom(seed);
      answered.length = 0;
      const cacheFetches: Array<[number, number]> = [];
      const cache = new ByteCache(async (start, end) => {
        cacheFetches.push([start, end]);
        // Each fetch lands after a number of turns the seed picks, whatever the download does meanwhile.
        for (let turns = Math.floor(next() * 40); turns > 0; turns--) await new Promise((resolve) => setImmediate(resolve));
        return file.slice(start, end);
      }, file.length);
      let requested = 0;
      let taken = 0;
      const pieces = readFrontByRanges(url, cache, new AbortController().signal, { turn: () => undefined, requested: (end) => (requested = end), taken: (end) => (taken = end) });
      const previews: Array<Promise<void>> = [];
      let failed = 0;
      const received: Uint8Array[] = [];
      for (let result = await pieces.next(); !result.done; result = await pieces.next()) {
        received.push(result.value);
        if (next() < 0.3 && requested < file.length) {
          // As a preview reads (SeekReads.preview): nothing the download has taken or asked for; often over another preview's bytes.
          const floor = Math.max(requested, taken);
          const start = floor + Math.floor(next() * Math.min(512 * 1024, file.length - floor));
          const end = Math.min(file.length, start + 1 + Math.floor(next() * 128 * 1024));
          previews.push(
            cache.read(start, end).then(
              (bytes) => assert.ok(Buffer.from(bytes).equals(Buffer.from(file.subarray(start, end))), `preview [${start}, ${end})`),
              () => void (failed += 1),
            ),
          );
        }
      }
      await Promise.all(previews);
      assert.ok(previews.length > 0, 'previews read');
      assert.equal(failed, 0, 'no preview failed');
      assert.ok(Buffer.from(file).equals(Buffer.concat(received)), 'the whole file, in order');
      const times = fetchCounts(cacheFetches);
      assert.ok(times.every((count) => count === 1), `every byte fetched once (${times.filter((count) => count !== 1).length} not; ${previews.length} previews, ${cacheFetches.length} of their fetches)`);
      assert.deepEqual(cache.ranges(), [[0, 64 * 1024]], 'nothing held past the download (only the first part headers)');
    });
  }
});
