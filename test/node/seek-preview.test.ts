// SeekReads.preview: the few parts a hover thumbnail of a moment not read yet reads, never in
// front of a seek (src/core/feeds/seek-reads.ts), over a recording in memory.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createServer } from 'node:http';
import { once } from 'node:events';
import { MAX_PREVIEW_BYTES, SeekReads, type SeekPart, type SeekPartSink } from '../../src/core/feeds/seek-reads.js';
import { fetchRange } from '../../src/core/feeds/byte-ranges.js';
import { DownloadEstimate } from '../../src/core/feeds/download-estimate.js';
import { T0, desktopRecording, sampleEvents, writeRecording } from '../helpers/recording-bytes.js';
import { loopbackUrl } from '../helpers/loopback.js';
import { seededRandom } from '../helpers/seeded-random.js';

// 200 s of pointer moves in parts of about 2 KB.
const bytes = writeRecording(sampleEvents(5000), { partSize: 2048 });

function seekReads(): SeekReads {
  return new SeekReads(async (start, end) => bytes.slice(start, end), bytes.length, () => T0, () => 0);
}

/** A sink that keeps every part and wants the one before while `more()`. */
function collecting(more = () => true): SeekPartSink & { parts: SeekPart[] } {
  const parts: SeekPart[] = [];
  return { parts, part: (part) => (parts.push(part), more()), fail: (error) => assert.fail(String(error)) };
}

const firstMs = (part: SeekPart) => Math.min(...part.events.map(({ event }) => (event.case === 'desktopRecording' ? Number(event.value.delayMilliseconds) : Infinity)));

test('a preview reads at most its parts: the one holding the moment, then the one before it', async () => {
  const sink = collecting();
  const reads = seekReads();
  const reading = reads.preview(150_000, 2, sink, new AbortController().signal);
  assert.ok(reading, 'nothing else reads: it starts');
  // The download in order goes on while it reads (only a seek's reads go first).
  assert.equal(reads.idle, undefined, 'the download in order does not wait for it');
  await reading;
  assert.equal(sink.parts.length, 2, 'no more than it may');
  const [holding, before] = sink.parts as [SeekPart, SeekPart];
  assert.ok(firstMs(holding) <= 150_000 && (holding.untilMs === undefined || holding.untilMs > 150_000), 'the first part holds the moment');
  assert.equal(before.end, holding.offset, 'then the part just before it');
});

test('a preview stops when its sink wants no more, or its signal aborts', async () => {
  const one = collecting(() => false);
  await seekReads().preview(150_000, 2, one, new AbortController().signal);
  assert.equal(one.parts.length, 1);
  const abort = new AbortController();
  const aborted = collecting();
  const reading = seekReads().preview(150_000, 2, aborted, abort.signal);
  abort.abort();
  await reading;
  assert.equal(aborted.parts.length, 0, 'aborted before its first part was handed over');
  assert.equal(seekReads().preview(150_000, 2, collecting(), abort.signal), undefined, 'an aborted signal starts nothing');
});

test('never in front of a seek: none starts while a seek reads, and a seek that starts stops it', async () => {
  const reads = seekReads();
  const seek = collecting();
  reads.seek(100_000, seek);
  assert.equal(reads.preview(150_000, 2, collecting(), new AbortController().signal), undefined, 'a seek is reading');
  await reads.idle;
  assert.ok(seek.parts.length > 0, 'the seek read its parts');

  const preview = collecting();
  const reading = reads.preview(150_000, 2, preview, new AbortController().signal);
  assert.ok(reading, 'no seek reads now');
  const next = collecting();
  reads.seek(50_000, next);
  await reading;
  await reads.idle;
  assert.equal(preview.parts.length, 0, 'the seek stopped the preview');
  assert.ok(next.parts.length > 0, 'the seek read its parts');
});

test('a preview of a moment the download in order is about to reach reads nothing: the download, which waits for it, brings it first', async () => {
  let fetched = 0;
  const reads = new SeekReads(async (start, end) => ((fetched += end - start), bytes.slice(start, end)), bytes.length, () => T0, () => 0);
  // The feed's estimate, on a clock the test moves.
  let clockMs = 0;
  /** The download in order noted for a second at `bytesPerMs`, up to `loadedBytes`. */
  const download = (bytesPerMs: number, loadedBytes: number) => {
    reads.estimate = new DownloadEstimate({ now: () => clockMs });
    for (let at = 1000; at >= 0; at -= 100) {
      clockMs += 100;
      reads.estimate.note(loadedBytes - at * bytesPerMs);
    }
  };
  // The whole file in 10 s; the download has delivered up to 149 s of the 200 s: the moment at 150 s is a few ms away.
  download(bytes.length / 10_000, Math.round((bytes.length * 149) / 200));
  reads.frontTime = { frontMs: 149_000, durationMs: 200_000 };
  assert.ok(reads.downloadMs(150_000) < 100, `the download reaches it in ${reads.downloadMs(150_000)} ms`);
  const near = collecting();
  await reads.preview(150_000, 2, near, new AbortController().signal);
  assert.deepEqual([near.parts.length, fetched], [0, 0], 'no part, no byte');
  assert.equal(reads.idle, undefined, 'the download in order does not wait');
  // On a link of 1 byte per ms, from the start: minutes away, and the preview reads its parts.
  download(1, 1000);
  reads.frontTime = { frontMs: 1, durationMs: 200_000 };
  const far = collecting();
  await reads.preview(150_000, 2, far, new AbortController().signal);
  assert.equal(far.parts.length, 2);
  // Unknown rate (nothing measured yet): nothing to judge by, it reads.
  reads.estimate = new DownloadEstimate({ now: () => clockMs });
  reads.frontTime = { frontMs: 149_000, durationMs: 200_000 };
  assert.equal(reads.downloadMs(150_000), Infinity);
});

test('a preview that waits for the download in order reads its parts after all when the download stalls, and nothing when it arrives', async () => {
  // Each read takes a second on the feed's clock (its timers, moved by the test; no time on the wall).
  let fetched = 0;
  let clockMs = 0;
  const reads = new SeekReads(async (start, end) => ((fetched += end - start), (clockMs += 1000), bytes.slice(start, end)), bytes.length, () => T0, () => 0);
  const timers: Array<{ atMs: number; callback: () => void }> = [];
  const clock = {
    now: () => clockMs,
    schedule: (callback: () => void, delayMs: number) => {
      const timer = { atMs: clockMs + delayMs, callback };
      timers.push(timer);
      return () => timers.splice(timers.indexOf(timer) >>> 0, 1);
    },
  };
  const advance = async (ms: number) => {
    clockMs += ms;
    for (const timer of timers.filter((t) => t.atMs <= clockMs)) timers.splice(timers.indexOf(timer), 1), timer.callback();
    for (let turn = 0; turn < 20; turn++) await Promise.resolve();
  };
  /** The download in order brought the file at 10 s per file for a second, up to 149 s of the 200 s. */
  const downloaded = () => {
    reads.estimate = new DownloadEstimate(clock);
    const loadedBytes = Math.round((bytes.length * 149) / 200);
    for (let at = 1000; at >= 0; at -= 100) {
      clockMs += 100;
      reads.estimate.note(loadedBytes - (at * bytes.length) / 10_000);
    }
    reads.frontTime = { frontMs: 149_000, durationMs: 200_000 };
  };

  // It stalls right there: once the moment is overdue, the preview reads its parts.
  downloaded();
  const expectedMs = reads.downloadMs(150_000);
  assert.ok(expectedMs < 100, `the download reaches it in ${expectedMs} ms`);
  const stalled = collecting();
  let done = false;
  const waiting = reads.preview(150_000, 2, stalled, new AbortController().signal)!.then(() => (done = true));
  assert.equal(reads.idle, undefined, 'the download in order does not wait for it');
  await advance(expectedMs);
  assert.deepEqual([done, fetched], [false, 0], 'not before the moment is overdue');
  await advance(1000);
  await waiting;
  assert.equal(stalled.parts.length, 2, 'then it reads its parts');

  // The download brings the moment meanwhile: it reads nothing.
  downloaded();
  fetched = 0;
  const arrived = collecting();
  const wait = reads.preview(150_000, 2, arrived, new AbortController().signal)!;
  reads.frontTime = { frontMs: 150_500, durationMs: 200_000 };
  await advance(1000);
  await wait;
  assert.deepEqual([arrived.parts.length, fetched], [0, 0], 'no part, no byte');

  // A hover that moves on (its signal aborts) ends the wait at once, reading nothing.
  downloaded();
  const abort = new AbortController();
  const moved = collecting();
  const left = reads.preview(150_000, 2, moved, abort.signal)!;
  abort.abort();
  await left;
  await advance(1000);
  assert.deepEqual([moved.parts.length, fetched, timers.length], [0, 0, 0], 'nothing read, no timer left');
});

test("a preview's reads are timed on the feed's clock: a moment the download reaches sooner than they took reads nothing", async () => {
  // Each read takes a second on the clock the test moves (and no time on the wall).
  let clockMs = 0;
  let fetches = 0;
  const reads = new SeekReads(async (start, end) => ((fetches += 1), (clockMs += 1000), bytes.slice(start, end)), bytes.length, () => T0, () => 0);
  /** The download in order noted at the start for a second, the whole file in 100 s (1 s of recording in 0.5 s). */
  const download = (loadedMs: number) => {
    reads.estimate = new DownloadEstimate({ now: () => clockMs });
    const bytesPerMs = bytes.length / 100_000;
    const loadedBytes = Math.round((bytes.length * loadedMs) / 200_000);
    for (let at = 1000; at >= 0; at -= 100) {
      clockMs += 100;
      reads.estimate.note(loadedBytes - at * bytesPerMs);
    }
    reads.frontTime = { frontMs: loadedMs, durationMs: 200_000 };
  };
  download(1000);
  const far = collecting();
  await reads.preview(150_000, 2, far, new AbortController().signal);
  assert.equal(far.parts.length, 2, 'minutes away: it reads');
  assert.ok(fetches >= 3, `its search and parts took ${fetches} reads, ${fetches} s on the feed's clock`);
  // 5 s of recording ahead: 2.5 s of download, more than the 2 s assumed before a preview was timed, less than the last one took.
  download(145_000);
  assert.ok(Math.abs(reads.downloadMs(150_000) - 2500) < 100, `the download reaches it in ${reads.downloadMs(150_000)} ms`);
  const near = collecting();
  fetches = 0;
  await reads.preview(150_000, 2, near, new AbortController().signal);
  assert.deepEqual([near.parts.length, fetches], [0, 0], 'no part, no byte');
});

/** `file` served on loopback, Range requests answered; `sent()`: the bytes its answers carried. */
async function rangeServer(file: Uint8Array): Promise<{ url: string; sent(): number; close(): Promise<void> }> {
  let sent = 0;
  const server = createServer((request, response) => {
    const [, first, last] = /^bytes=(\d+)-(\d+)$/.exec(request.headers.range ?? '') ?? [];
    const start = Number(first);
    const end = Math.min(file.length, Number(last) + 1);
    if (first === undefined || start >= end) {
      response.writeHead(416, { 'content-range': `bytes */${file.length}` }).end();
      return;
    }
    sent += end - start;
    response.writeHead(206, { 'content-range': `bytes ${start}-${end - 1}/${file.length}`, 'content-length': end - start }).end(file.subarray(start, end));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { url: `${loopbackUrl(server)}/recording.tar`, sent: () => sent, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

test(`a preview fetches at most ${MAX_PREVIEW_BYTES} bytes from the server, its part search and parts together`, async () => {
  // Parts of about 3 MiB (incompressible screen messages of 60 KB, one a second): two would be 6 MiB.
  const next = seededRandom(0x9a7);
  const big = writeRecording(
    Array.from({ length: 200 }, (_, i) => desktopRecording(i, i * 1000, Uint8Array.from({ length: 60 * 1024 }, () => Math.floor(next() * 256)))),
    { partSize: 3 * 1024 * 1024 },
  );
  const served = await rangeServer(big);
  try {
    const signal = new AbortController().signal;
    const reads = new SeekReads(async (start, end) => (await fetchRange(served.url, start, end, signal)).bytes, big.length, () => T0, () => 0);
    const sink = collecting();
    await reads.preview(150_000, 2, sink, signal);
    assert.ok(served.sent() <= MAX_PREVIEW_BYTES, `${served.sent()} bytes sent for a preview, at most ${MAX_PREVIEW_BYTES}`);
    assert.ok(sink.parts.length < 2, 'not the two parts it may read otherwise');
    // Within the bound, the same reads go on: a preview of a recording of small parts gets both.
    const small = await rangeServer(bytes);
    try {
      const within = collecting();
      await new SeekReads(async (start, end) => (await fetchRange(small.url, start, end, signal)).bytes, bytes.length, () => T0, () => 0).preview(150_000, 2, within, signal);
      assert.equal(within.parts.length, 2);
      assert.ok(small.sent() <= MAX_PREVIEW_BYTES);
    } finally {
      await small.close();
    }
  } finally {
    await served.close();
  }
});

test('the download in order goes on while a preview reads: the preview fetches nothing it has asked for, and stops quietly once it has asked for the moment', async () => {
  // 2000 s in parts of about 2 KB (1 MB): the preview's part search takes a few reads.
  const long = writeRecording(sampleEvents(50_000), { partSize: 2048 });
  /** A preview of 1000 s while the download asks for `step` more bytes at each of the preview's fetches. */
  const preview = async (step: number) => {
    let requested = 0;
    const fetches: Array<{ start: number; floor: number }> = [];
    const reads = new SeekReads(
      async (start, end) => {
        fetches.push({ start, floor: requested });
        requested += step;
        return long.slice(start, end);
      },
      long.length,
      () => T0,
      () => 0,
      () => requested,
    );
    const sink = collecting();
    await reads.preview(1_000_000, 2, sink, new AbortController().signal);
    assert.equal(reads.idle, undefined, 'the download never waited');
    for (const { start, floor } of fetches) assert.ok(start >= floor, `a fetch at ${start}, below ${floor}, which the download had asked for`);
    return sink.parts.length;
  };
  assert.equal(await preview(2000), 2, 'a download far behind: both parts');
  assert.equal(await preview(100_000), 0, 'a download that gets there during the search: no part, no failure (the sink fails the test)');
});
