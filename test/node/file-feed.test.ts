import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { FileFeed, LIVE_HEADER } from '../../src/core/feeds/file-feed.js';
import type { FeedSink } from '../../src/core/feeds/feed.js';
import { ErrorReason, RecordingError } from '../../src/format/errors.js';
import { concatBytes } from '../../src/format/bytes.js';
import { portOf } from '../helpers/loopback.js';
import { sampleEvents, writeRecording } from '../helpers/recording-bytes.js';

const timing = { now: () => performance.now(), yield: () => new Promise<void>((resolve) => setImmediate(resolve)) };

/** A sink that records what the feed said, in order; `ready` can hold the feed back. */
function recordingSink(ready: () => Promise<void> | undefined = () => undefined) {
  const calls: string[] = [];
  let events = 0;
  let settle!: () => void;
  const done = new Promise<void>((resolve) => (settle = resolve));
  const sink: FeedSink = {
    events: (batch) => {
      events += batch.length;
      if (batch.length) calls.push('events');
    },
    ready,
    duration: () => calls.push('duration'),
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
  return { sink, calls, done, count: () => events };
}

/** A recording of `count` events, large enough to come in several chunks. */
const bytes = (count: number) => writeRecording(sampleEvents(count), { partSize: 4096 });

describe('FileFeed', () => {
  let server: Server;
  let base: string;
  const recording = bytes(3000);

  before(async () => {
    server = createServer((request, response) => {
      if (request.url === '/recording') {
        response.writeHead(200, { 'content-type': 'application/octet-stream' });
        response.end(recording);
      } else if (request.url === '/live') {
        // A live recording: what was written so far at once, the rest as the session goes on.
        response.writeHead(200, { [LIVE_HEADER]: 'true' });
        const half = recording.length >> 1;
        response.write(recording.subarray(0, half));
        setTimeout(() => response.end(recording.subarray(half)), 300);
      } else {
        response.writeHead(404, 'Not Found');
        response.end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${portOf(server)}`;
  });

  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  for (const [kind, source] of [
    ['bytes', () => recording.slice().buffer],
    ['a Blob', () => new Blob([recording as Uint8Array<ArrayBuffer>])],
    ['an http URL', () => `${base}/recording`],
  ] as const) {
    test(`reads ${kind} front to back: every event in order, then end`, async () => {
      const { sink, calls, done, count } = recordingSink();
      const feed = new FileFeed(source() as ArrayBuffer | Blob | string, timing);
      assert.equal(feed.paced, false);
      feed.start(sink);
      await done;
      assert.equal(count(), 3000);
      assert.equal(calls.at(-1), 'end');
      assert.ok(calls.slice(0, -1).every((call) => call === 'events'));
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
    const { sink, done, count } = recordingSink(() => {
      if (holds > 0) return undefined;
      holds += 1;
      return new Promise<void>((resolve) => (release = resolve));
    });
    new FileFeed(concatBytes([recording]), timing).start(sink);
    for (let i = 0; i < 1000 && !release; i++) await new Promise((resolve) => setTimeout(resolve, 5));
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

    const closed = recordingSink();
    const feed = new FileFeed(`${base}/recording`, timing);
    feed.start(closed.sink);
    feed.close();
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.deepEqual(closed.calls, []);
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
    new FileFeed(`${base}/live`, timing).start(sink);
    await done;
    assert.equal(calls[0], 'live');
    assert.equal(calls.at(-1), 'end');
    const caughtUp = calls.indexOf('caughtUp');
    assert.ok(caughtUp > 1, 'caught up after what was written at first was delivered');
    assert.equal(calls.filter((call) => call === 'caughtUp').length, 1);
  });
});
