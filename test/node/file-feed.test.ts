import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { createHash } from 'node:crypto';
import { FileFeed, LIVE_HEADER, readSource } from '../../src/core/feeds/file-feed.js';
import { ReadBuffers } from '../../src/core/feeds/read-buffers.js';
import type { FeedSink } from '../../src/core/feeds/feed.js';
import { ErrorReason, RecordingError } from '../../src/format/errors.js';
import { concatBytes } from '../../src/format/bytes.js';
import { readRecording } from '../../src/format/reader.js';
import { TimelineBuilder } from '../../src/format/timeline.js';
import { portOf } from '../helpers/loopback.js';
import { sampleEvents, writeRecording } from '../helpers/recording-bytes.js';

const timing = { now: () => performance.now(), yield: () => new Promise<void>((resolve) => setImmediate(resolve)) };

/** A sink that records what the feed said, in order; `ready` can hold the feed back. */
function recordingSink(ready: () => Promise<void> | undefined = () => undefined) {
  const calls: string[] = [];
  const durations: number[] = [];
  const rangeReads: Array<{ status: string; detail: string }> = [];
  let events = 0;
  let settle!: () => void;
  const done = new Promise<void>((resolve) => (settle = resolve));
  const sink: FeedSink = {
    events: (batch) => {
      events += batch.length;
      if (batch.length) calls.push('events');
    },
    ready,
    duration: (ms) => {
      calls.push('duration');
      durations.push(ms);
    },
    rangeReads: (status, detail) => rangeReads.push({ status, detail }),
    sessionEnds: () => calls.push('sessionEnds'),
    live: () => calls.push('live'),
    caughtUp: () => calls.push('caughtUp'),
    end: () => {
      calls.push('end');
      settle();
    },
    fail: (error) => {
      calls.push(`fail:${error instanceof RecordingError ? error.reason : String(error)}`);
      settle();
    },
  };
  return { sink, calls, durations, rangeReads, done, count: () => events };
}

/**
 * Serves `body`, answering Range requests (`bytes=a-b`) as `mode` says: `honest`; `no-length` (no
 * Content-Length on the whole file: chunked); `wrong-range` (another range's Content-Range);
 * `truncated` (a 206 cut short); `416` (every range refused).
 */
function serveRanges(request: IncomingMessage, response: ServerResponse, body: Uint8Array, mode: string): void {
  const range = /^bytes=(\d*)-(\d*)$/.exec(request.headers.range ?? '');
  if (!range || (range[1] === '' && range[2] === '')) {
    response.writeHead(200, mode === 'no-length' ? { 'accept-ranges': 'bytes' } : { 'accept-ranges': 'bytes', 'content-length': body.length });
    response.end(body);
    return;
  }
  // `bytes=-n`: the last n bytes.
  const start = range[1] === '' ? Math.max(0, body.length - Number(range[2])) : Number(range[1]);
  const end = range[1] === '' || range[2] === '' ? body.length - 1 : Math.min(Number(range[2]), body.length - 1);
  if (mode === '416') {
    response.writeHead(416, { 'content-range': `bytes */${body.length}` });
    response.end();
  } else if (mode === 'wrong-range') {
    response.writeHead(206, { 'content-range': `bytes ${start + 100}-${end + 100}/${body.length}` });
    response.end(body.subarray(start, end + 1));
  } else if (mode === 'truncated') {
    response.writeHead(206, { 'content-range': `bytes ${start}-${end}/${body.length}` });
    response.end(body.subarray(start, start + ((end + 1 - start) >> 1)));
  } else {
    response.writeHead(206, { 'content-range': `bytes ${start}-${end}/${body.length}`, 'content-length': end + 1 - start });
    response.end(body.subarray(start, end + 1));
  }
}

/**
 * Passes the bodies of responses from `url` through a stream that calls `readPending` once the
 * reader asks for more after `bytes` bytes: a read is then waiting for the server. Gives the real
 * `fetch` back when called.
 */
function watchBodyReads(url: string, bytes: number, readPending: () => void): () => void {
  const realFetch = globalThis.fetch;
  globalThis.fetch = async (input, init) => {
    const response = await realFetch(input, init);
    if (String(input) !== url || !response.body) return response;
    const source = response.body.getReader();
    let passed = 0;
    // No queue (high-water mark 0): `pull` runs only while a read waits.
    const body = new ReadableStream<Uint8Array>(
      {
        async pull(controller) {
          if (passed >= bytes) readPending();
          const { done, value } = await source.read();
          if (done) return controller.close();
          passed += value.length;
          controller.enqueue(value);
        },
        cancel: (reason) => source.cancel(reason),
      },
      { highWaterMark: 0 },
    );
    return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
  };
  return () => void (globalThis.fetch = realFetch);
}

/** A recording of `count` events, large enough to come in several chunks. */
const bytes = (count: number) => writeRecording(sampleEvents(count), { partSize: 4096 });

describe('FileFeed', () => {
  let server: Server;
  let base: string;
  const recording = bytes(3000);
  const half = recording.length >> 1;
  let releaseLiveRest!: () => void;
  const liveRest = new Promise<void>((resolve) => (releaseLiveRest = resolve));
  let recordingDurationMs = 0;
  /** Larger than the first read of the end: its front is fetched after its end. */
  const large = bytes(30_000);
  let largeDurationMs = 0;
  /** The Range header of each request to a path, in order (null: none). */
  const requests = new Map<string, Array<string | null>>();

  before(async () => {
    const timeline = new TimelineBuilder();
    for (const event of (await readRecording(recording)).events) timeline.add(event);
    timeline.finish();
    recordingDurationMs = timeline.durationMs;
    const largeTimeline = new TimelineBuilder();
    for (const event of (await readRecording(large)).events) largeTimeline.add(event);
    largeTimeline.finish();
    largeDurationMs = largeTimeline.durationMs;
    server = createServer((request, response) => {
      const path = request.url ?? '';
      requests.set(path, [...(requests.get(path) ?? []), request.headers.range ?? null]);
      if (request.url === '/recording') {
        response.writeHead(200, { 'content-type': 'application/octet-stream' });
        response.end(recording);
      } else if (request.url === '/large-whole') {
        // Range ignored: the whole file streamed.
        response.writeHead(200, { 'content-type': 'application/octet-stream' });
        response.end(large);
      } else if (request.url === '/large') {
        serveRanges(request, response, large, 'honest');
      } else if (request.url?.startsWith('/ranges/')) {
        serveRanges(request, response, recording, request.url.slice('/ranges/'.length));
      } else if (request.url === '/live') {
        // A live recording: what was written so far at once, the rest when the test says the session went on.
        response.writeHead(200, { [LIVE_HEADER]: 'true' });
        response.write(recording.subarray(0, half));
        void liveRest.then(() => response.end(recording.subarray(half)));
      } else {
        response.writeHead(404, 'Not Found');
        response.end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${portOf(server)}`;
  });

  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  for (const [kind, source, local] of [
    ['bytes', () => recording.slice().buffer, true],
    ['a Blob', () => new Blob([recording as Uint8Array<ArrayBuffer>]), true],
    ['an http URL whose server ignores Range', () => `${base}/recording`, false],
  ] as const) {
    test(`reads ${kind} front to back: every event in order, then end${local ? '; the duration from its end first' : ''}`, async () => {
      const { sink, calls, durations, rangeReads, done, count } = recordingSink();
      const feed = new FileFeed(source() as ArrayBuffer | Blob | string, timing);
      assert.equal(feed.paced, false);
      feed.start(sink);
      await done;
      assert.equal(count(), 3000);
      assert.equal(calls.at(-1), 'end');
      if (local) {
        assert.equal(calls[0], 'duration', 'the duration before any event');
        assert.deepEqual(durations, [recordingDurationMs]);
        assert.deepEqual(rangeReads, [{ status: 'local', detail: 'the whole file is at hand' }]);
      } else {
        assert.deepEqual(durations, []);
        assert.deepEqual(rangeReads.map((report) => report.status), ['unsupported']);
        assert.match(rangeReads[0]!.detail, /ignores Range/);
        assert.deepEqual(requests.get('/recording'), ['bytes=-262144'], 'the whole file that answered the range request is the one streamed: no second request');
      }
      assert.ok(calls.slice(local ? 1 : 0, -1).every((call) => call === 'events'));
    });
  }

  test('a download is read into a few reused buffers: a chunk handed back is read into again, one kept is left alone', async () => {
    const buffers = new ReadBuffers();
    const chunks: Uint8Array[] = [];
    const copies: Uint8Array[] = [];
    for await (const chunk of readSource(`${base}/large-whole`, new AbortController().signal, { buffers })) {
      chunks.push(chunk);
      copies.push(chunk.slice());
      // The first chunk is kept; every other one is handed back once read.
      if (chunks.length > 1) buffers.reuse(chunk.buffer);
    }
    assert.ok(chunks.length > 2, `chunks: ${chunks.length}`);
    assert.deepEqual(concatBytes(copies), large, 'the bytes in order');
    assert.deepEqual(chunks[0], copies[0], 'the chunk kept still holds its bytes');
    assert.ok(chunks.slice(1, -1).some((chunk) => chunk.length === 0), 'a chunk handed back was read into again (its view is empty)');
  });

  test('a download read into reused buffers: every event, and the SHA-256 of the file', async () => {
    let sha256: string | undefined;
    const { sink, done, count } = recordingSink();
    const feed = new FileFeed(`${base}/large-whole`, timing);
    feed.start({ ...sink, end: (hash) => ((sha256 = hash), sink.end(hash)) });
    await done;
    assert.equal(count(), 30_000);
    assert.equal(sha256, createHash('sha256').update(large).digest('hex'));
  });

  for (const mode of ['honest', 'no-length'] as const) {
    test(`a server that answers Range (${mode === 'honest' ? 'with a Content-Length' : 'without a Content-Length: a one-byte range tells it'}): the duration from the file's end before any event`, async () => {
      const { sink, calls, durations, rangeReads, done, count } = recordingSink();
      const feed = new FileFeed(`${base}/ranges/${mode}`, timing);
      feed.start(sink);
      await done;
      assert.equal(count(), 3000);
      assert.equal(calls[0], 'duration');
      assert.deepEqual(durations, [recordingDurationMs]);
      assert.deepEqual(rangeReads.map((report) => report.status), ['used']);
      assert.match(rangeReads[0]!.detail, /its end was read first \(\d+ bytes in 1 request\)/);
      assert.equal(feed.tailRead?.reads, 1);
      assert.deepEqual(requests.get(`/ranges/${mode}`), ['bytes=-262144'], 'a file no longer than the end read is not fetched again');
    });
  }

  test("a file larger than the first read of its end: the end first (one suffix range), then the front by range up to it; the duration before any event", async () => {
    const { sink, calls, durations, rangeReads, done, count } = recordingSink();
    const feed = new FileFeed(`${base}/large`, timing);
    feed.start(sink);
    await done;
    assert.equal(count(), 30_000);
    assert.equal(calls[0], 'duration');
    assert.deepEqual(durations, [largeDurationMs]);
    assert.deepEqual(rangeReads.map((report) => report.status), ['used']);
    // The front by range, up to where the end read starts: no byte fetched twice.
    assert.deepEqual(requests.get('/large'), ['bytes=-262144', `bytes=0-${large.length - 262_144 - 1}`]);
    assert.deepEqual({ reads: feed.tailRead?.reads, bytes: feed.tailRead?.bytes }, { reads: 1, bytes: 262_144 });
  });

  for (const [mode, said] of [
    ['wrong-range', /Content-Range "bytes \d+-\d+\/\d+"/],
    ['truncated', /cut .* short/],
    ['416', /answered 416/],
  ] as const) {
    test(`a server that answers a range wrongly (${mode}): reported once as unreliable, no duration from it, and the whole file still streams`, async () => {
      const { sink, calls, durations, rangeReads, done, count } = recordingSink();
      new FileFeed(`${base}/ranges/${mode}`, timing).start(sink);
      await done;
      assert.equal(count(), 3000);
      assert.equal(calls.at(-1), 'end');
      assert.deepEqual(durations, []);
      assert.deepEqual(rangeReads.map((report) => report.status), ['unreliable']);
      assert.match(rangeReads[0]!.detail, said);
      assert.match(rangeReads[0]!.detail, /streamed from its start instead/);
    });
  }

  test('a source that hands over the whole file in one chunk (a data: URL) still delivers its events in several batches', async () => {
    const big = writeRecording(sampleEvents(100_000));
    assert.ok(big.length > 4 * 64 * 1024, `the file is larger than four pieces (${big.length} bytes)`);
    const url = `data:application/octet-stream;base64,${Buffer.from(big).toString('base64')}`;
    const body = (await fetch(url)).body!.getReader();
    assert.equal((await body.read()).value?.length, big.length, 'fetch gives the data: URL whole');
    await body.cancel();
    const { sink, calls, done, count } = recordingSink();
    new FileFeed(url, timing).start(sink);
    await done;
    assert.equal(count(), 100_000);
    assert.ok(calls.filter((call) => call === 'events').length >= 3, `events came in ${calls.filter((call) => call === 'events').length} batches`);
  });

  test('waits for the session between chunks when it is busy (back-pressure)', async () => {
    let holds = 0;
    let release: (() => void) | undefined;
    let heldBack!: () => void;
    const asked = new Promise<void>((resolve) => (heldBack = resolve));
    const { sink, done, count } = recordingSink(() => {
      if (holds > 0) return undefined;
      holds += 1;
      heldBack();
      return new Promise<void>((resolve) => (release = resolve));
    });
    new FileFeed(concatBytes([recording]), timing).start(sink);
    await asked;
    assert.ok(release, 'the feed asked whether the session is ready');
    await timing.yield();
    assert.equal(count(), 0, 'nothing delivered while the session is busy');
    release!();
    await done;
    assert.equal(count(), 3000);
  });

  test('an HTTP error status fails with http-status; a closed feed says nothing more', async () => {
    const missing = recordingSink();
    new FileFeed(`${base}/missing`, timing).start(missing.sink);
    await missing.done;
    assert.deepEqual(missing.calls, [`fail:${ErrorReason.HttpStatus}`]);
    assert.deepEqual(missing.rangeReads, [], 'nothing said of ranges');
    assert.deepEqual(requests.get('/missing'), ['bytes=-262144'], 'the error answer to the range request is the one reported: no second request');

    const closed = recordingSink();
    const feed = new FileFeed(`${base}/recording`, timing);
    feed.start(closed.sink);
    feed.close();
    await feed.stopped;
    assert.deepEqual(closed.calls, [], 'nothing said until the read stopped');
  });

  test('damaged bytes after good ones: the good events, then a failure with the reason', async () => {
    const damaged = concatBytes([recording.subarray(0, 8192), new Uint8Array(4096).fill(0xab)]);
    const { sink, calls, done, count } = recordingSink();
    new FileFeed(damaged, timing).start(sink);
    await done;
    assert.ok(count() > 0, 'the events before the damage were delivered');
    assert.match(calls.at(-1)!, /^fail:/);
    assert.notEqual(calls.at(-1), 'fail:network');
  });

  test('a live recording (x-recording-live): live before the events, caughtUp once a read had to wait, end when the response ends', async () => {
    const { sink, calls, done } = recordingSink();
    let readPending!: () => void;
    const waiting = new Promise<void>((resolve) => (readPending = resolve));
    const unwatch = watchBodyReads(`${base}/live`, half, readPending);
    // The feed's clock stands still but where the test moves it, so a read's wait lasts as long as the test says.
    let nowMs = 0;
    try {
      new FileFeed(`${base}/live`, { ...timing, now: () => nowMs }).start(sink);
      await waiting;
    } finally {
      unwatch();
    }
    assert.ok(!calls.includes('caughtUp'), 'not caught up while reads answer at once');
    // Everything written so far is read and the feed waits for more: the session goes on only
    // after that wait has lasted longer than a read of bytes already there could.
    nowMs += 1000;
    releaseLiveRest();
    await done;
    assert.equal(calls[0], 'live');
    assert.equal(calls.at(-1), 'end');
    const caughtUp = calls.indexOf('caughtUp');
    assert.ok(caughtUp > 1, 'caught up after what was written at first was delivered');
    assert.equal(calls.filter((call) => call === 'caughtUp').length, 1);
  });
});
