import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { WebSocket as NodeWebSocket } from 'ws';
import { serve, type DemoServer } from '../../src/cli/serve.js';
import { SocketFeed } from '../../src/core/feeds/socket-feed.js';
import type { FeedSink } from '../../src/core/feeds/feed.js';
import { ErrorReason, RecordingError } from '../../src/format/errors.js';
import { encodeTdp } from '../../src/format/tdp.js';
import { portOf } from '../helpers/loopback.js';
import { desktopRecording, writeRecording } from '../helpers/recording-bytes.js';

// Node 20 has no WebSocket of its own; `ws` speaks the same browser API the feed uses.
(globalThis as { WebSocket?: unknown }).WebSocket ??= NodeWebSocket;

/** A sink that keeps the delivery times (ms of each event) and how the feed ended. */
function sink() {
  const times: number[] = [];
  let outcome: string | undefined;
  let settle!: () => void;
  const done = new Promise<void>((resolve) => (settle = resolve));
  const feedSink: FeedSink = {
    events: (events) => {
      for (const { event } of events) if (event.case === 'desktopRecording') times.push(Number(event.value.delayMilliseconds));
    },
    ready: () => undefined,
    duration: () => {},
    rangeReads: () => {},
    sessionEnds: () => {},
    live: () => {},
    caughtUp: () => {},
    end: () => {
      outcome = 'end';
      settle();
    },
    fail: (error) => {
      outcome = error instanceof RecordingError ? `${error.reason}: ${error.message}` : String(error);
      settle();
    },
  };
  return { feedSink, times, done, outcome: () => outcome };
}

const moves = (times: number[]) => writeRecording(times.map((ms, i) => desktopRecording(i, ms, encodeTdp({ kind: 'mouseMove', x: i, y: i }))));

describe('SocketFeed against the playback websocket of `desktop-recording serve`', () => {
  let dir = '';
  let open: DemoServer;
  let guarded: DemoServer;
  const url = (server: DemoServer, name: string) => `ws://127.0.0.1:${portOf(server)}/webapi/sites/c/desktopplayback/${name}/ws`;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'drp-socket-feed-'));
    await writeFile(join(dir, 'short.tar'), moves([0, 20, 40, 60]));
    await writeFile(join(dir, 'long.tar'), moves(Array.from({ length: 61 }, (_, i) => i * 1000)));
    open = await serve({ recordingsDir: dir, root: process.cwd(), port: 0, host: '127.0.0.1' });
    guarded = await serve({ recordingsDir: dir, root: process.cwd(), port: 0, host: '127.0.0.1', token: 'sekret' });
  });

  after(async () => {
    await Promise.all([open, guarded].map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
    await rm(dir, { recursive: true, force: true });
  });

  test('is paced, delivers every event in order, each once, then the end', async () => {
    const { feedSink, times, done, outcome } = sink();
    const feed = new SocketFeed(url(open, 'short'), undefined);
    assert.equal(feed.paced, true);
    feed.start(feedSink);
    await done;
    assert.equal(outcome(), 'end');
    assert.deepEqual(times, [0, 20, 40, 60]);
    feed.close();
  });

  // Without the fast-forward the server would pace this recording for a minute: the timeout catches that.
  test('a moment wanted before the connection opened is fast-forwarded to by the server', { timeout: 30_000 }, async () => {
    const { feedSink, times, done, outcome } = sink();
    const feed = new SocketFeed(url(open, 'long'), undefined);
    feed.want(60_000);
    feed.steer({ playing: true, rate: 1, positionMs: 60_000, deliveredMs: 0 });
    feed.start(feedSink);
    await done;
    assert.equal(outcome(), 'end');
    assert.equal(times.length, 61);
    assert.equal(times.at(-1), 60_000);
    feed.close();
  });

  test('sends the token first; a wrong one fails with the server as the reason', async () => {
    const right = sink();
    new SocketFeed(url(guarded, 'short'), 'sekret').start(right.feedSink);
    await right.done;
    assert.equal(right.outcome(), 'end');
    assert.deepEqual(right.times, [0, 20, 40, 60]);

    const wrong = sink();
    new SocketFeed(url(guarded, 'short'), 'guess').start(wrong.feedSink);
    await wrong.done;
    assert.match(wrong.outcome()!, new RegExp(`^${ErrorReason.Server}: the playback server refused the session`));
    assert.deepEqual(wrong.times, []);
  });

  test('a closed feed says nothing more', async () => {
    const { feedSink, times, outcome } = sink();
    const feed = new SocketFeed(url(open, 'long'), undefined);
    feed.start(feedSink);
    feed.close();
    const other = sink();
    new SocketFeed(url(open, 'short'), undefined).start(other.feedSink);
    await other.done;
    assert.deepEqual(times, []);
    assert.equal(outcome(), undefined);
  });
});
