import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import WebSocket from 'ws';
import { liveSessionsExtension } from '../../demo/live-sessions.js';
import { serve, type RecordingsServer, type ListPage } from '../../src/cli/serve.js';
import { concatBytes } from '../../src/format/bytes.js';
import { readRecording } from '../../src/format/reader.js';
import { FakeTime } from '../helpers/fake-time.js';
import { recordLive } from '../helpers/live-time.js';
import { loopbackUrl as baseOf } from '../helpers/loopback.js';


/** `POST /api/live` as the server's page sends it: JSON, from the server's own origin. */
const postLive = (base: string, body: string) =>
  fetch(`${base}/api/live`, { method: 'POST', headers: { 'content-type': 'application/json', origin: base }, body });
const closeServer = (server: RecordingsServer) => new Promise<void>((resolve) => server.close(() => resolve()));

/** Moves `time` on, timer by timer, while `work` runs (a session plays its desktop only as the time moves); then `work`'s result. */
async function whileTimeRuns<T>(time: FakeTime, work: Promise<T>): Promise<T> {
  let settled = false;
  const done = work.finally(() => (settled = true));
  await time.runUntil(() => settled);
  return done;
}

describe('live sessions', () => {
  let dir = '';
  let server: RecordingsServer;
  let base = '';
  /** The time this server's sessions play their desktop by: it stands still until a test moves it. */
  const time = new FakeTime();

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'drp-live-'));
    server = await serve({ recordingsDir: dir, root: process.cwd(), port: 0, host: '127.0.0.1', extension: liveSessionsExtension(dir, { time }) });
    base = baseOf(server);
  });
  after(async () => {
    await closeServer(server);
    await rm(dir, { recursive: true, force: true });
  });

  test('POST /api/live records a synthetic session; its file streams as it grows, in whole parts, until the session ends', async () => {
    const started = await postLive(base, JSON.stringify({ durationMs: 4000, seed: 7 }));
    assert.equal(started.status, 201);
    const { sessionId, url, wsPath, durationMs } = await started.json();
    assert.match(sessionId, /^[0-9a-f-]{36}$/);
    assert.equal(url, `/recordings/${sessionId}.tar`);
    assert.equal(durationMs, 4000);

    // A websocket viewer of the live recording, fast-forwarding: it gets the end once the session ended.
    const ws = new WebSocket(`${baseOf(server, 'ws')}${wsPath}`);
    const wsFrames: Record<string, unknown>[] = [];
    const wsEnded = new Promise<void>((resolve, reject) => {
      ws.on('open', () => ws.send(JSON.stringify({ action: 'seek', pos: 1e9 })));
      ws.on('message', (data) => {
        const frame = JSON.parse(data.toString());
        wsFrames.push(frame);
        if (frame.message === 'end') resolve();
        if (frame.message === 'error') reject(new Error(String(frame.errorText)));
      });
      ws.on('error', reject);
    });

    const response = await fetch(`${base}${url}`);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-length'), null, 'no length: the file grows');
    assert.equal(response.headers.get('transfer-encoding'), 'chunked');
    assert.equal(response.headers.get('x-recording-live'), 'true', 'marked live while it is recorded');
    assert.equal(response.headers.get('access-control-allow-origin'), null, 'no CORS unless asked for');
    const reader = response.body!.getReader();
    const chunks: Uint8Array[] = [];
    // While the session runs, the server sends whole parts: once a part has fully arrived, what
    // came so far parses without any damage. Read until that holds with more than 10 screen events.
    // The session records only while the test moves its time, so it is still live after that, however busy the machine.
    const midway = await whileTimeRuns(time, (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        assert.ok(!done, 'the response stays open while the session is live');
        chunks.push(value);
        const read = await readRecording(concatBytes(chunks));
        if (!read.error && read.events.filter((e) => e.event.case === 'desktopRecording').length > 10) return read;
      }
    })());
    assert.equal(midway.error, undefined, 'the bytes so far parse');
    assert.ok(midway.events.some((e) => e.event.case === 'windowsDesktopSessionStart'));
    assert.ok(!midway.events.some((e) => e.event.case === 'windowsDesktopSessionEnd'), 'the session has not ended yet');

    // Asked before the list: a row still live in the list was live when its length was asked too.
    const length = await (await fetch(`${base}/webapi/sites/demo/sessionlength/${sessionId}`)).json();
    const listed = (await (await fetch(`${base}/api/recordings`)).json()) as ListPage;
    const item = listed.recordings.find((r) => r.sessionId === sessionId)!;
    assert.equal(item.live, true);
    assert.equal(item.damaged, false);
    assert.equal(item.user, 'live-demo@example.com');
    assert.deepEqual(item.screen, { width: 1280, height: 720 });
    assert.equal(item.plannedDurationMs, 4000, 'a live row says how long the session is planned to run');
    assert.ok(item.durationMs < 4000, `and how much is recorded so far (${item.durationMs} ms)`);
    assert.equal(length.durationMs, 4000, 'sessionlength of a live session: its planned length');

    await whileTimeRuns(time, (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        chunks.push(value);
      }
    })());
    const whole = concatBytes(chunks);
    const final = await readRecording(whole);
    assert.equal(final.error, undefined);
    // The response finished with the session, which ran its whole length.
    const start = final.events.find((e) => e.event.case === 'windowsDesktopSessionStart')!;
    const end = final.events.find((e) => e.event.case === 'windowsDesktopSessionEnd');
    assert.ok(end, 'the session end is in what was streamed');
    assert.ok(end.timeMs! - start.timeMs! >= 4000, `the session ran ${end.timeMs! - start.timeMs!} ms`);
    const last = final.events.filter((e) => e.event.case === 'desktopRecording').at(-1)!;
    assert.ok(last.event.case === 'desktopRecording' && Number(last.event.value.delayMilliseconds) > 3000);
    assert.deepEqual(whole, new Uint8Array(await readFile(join(dir, `${sessionId}.tar`))), 'the whole file');

    await wsEnded;
    assert.equal(wsFrames.filter((f) => f.event === 'desktop.recording').length, final.events.filter((e) => e.event.case === 'desktopRecording').length);
    ws.close();

    const after = ((await (await fetch(`${base}/api/recordings`)).json()) as ListPage).recordings.find((r) => r.sessionId === sessionId)!;
    assert.equal(after.live, false);
    assert.equal(after.damaged, false);
    assert.ok(after.end);
    assert.equal(after.size, whole.length);
    assert.equal(after.plannedDurationMs, undefined);

    // Finished, it is a file like any other: a length, ranges, and no live mark.
    const finished = await fetch(`${base}${url}`);
    assert.equal(finished.headers.get('x-recording-live'), null);
    assert.equal(Number(finished.headers.get('content-length')), whole.length);
    assert.equal(finished.headers.get('accept-ranges'), 'bytes');
    assert.deepEqual(new Uint8Array(await finished.arrayBuffer()), whole);
  });

  test('with corsOrigin, a live recording is readable from other origins, its live mark exposed', async () => {
    // Its session ends only when the test moves its time: it is live when asked, however busy the machine.
    const otherTime = new FakeTime();
    const other = await serve({ recordingsDir: dir, root: process.cwd(), port: 0, host: '127.0.0.1', corsOrigin: '*', extension: liveSessionsExtension(dir, { time: otherTime }) });
    try {
      const { url } = await (await postLive(baseOf(other), '{"durationMs":1000}')).json();
      const response = await fetch(`${baseOf(other)}${url}`);
      assert.equal(response.headers.get('x-recording-live'), 'true');
      assert.equal(response.headers.get('access-control-allow-origin'), '*');
      assert.equal(response.headers.get('access-control-expose-headers'), 'x-recording-live, content-range');
      await whileTimeRuns(otherTime, response.arrayBuffer());
      const finished = await fetch(`${baseOf(other)}${url}`);
      assert.equal(finished.headers.get('access-control-allow-origin'), '*', 'finished files too');
      await finished.arrayBuffer();
      // A player on another origin reads the file's end first: the preflight for Range is answered.
      const preflight = await fetch(`${baseOf(other)}${url}`, { method: 'OPTIONS', headers: { origin: 'http://elsewhere.example', 'access-control-request-headers': 'range' } });
      assert.equal(preflight.status, 204);
      assert.equal(preflight.headers.get('access-control-allow-headers'), 'range');
      assert.equal(preflight.headers.get('access-control-allow-origin'), '*');
    } finally {
      await closeServer(other);
    }
  });

  test('bad requests', async () => {
    assert.equal((await fetch(`${base}/api/live`)).status, 405);
    assert.equal((await postLive(base, '[1,')).status, 400);
    assert.equal((await postLive(base, '{"durationMs":"soon"}')).status, 400);
  });

  test('closing the server ends its live sessions with complete recordings', async () => {
    // Its session records 1 s of its 60 s (on a time the test moves), then the server closes.
    const closingTime = new FakeTime();
    const extension = liveSessionsExtension(dir, { time: closingTime });
    const other = await serve({ recordingsDir: dir, root: process.cwd(), port: 0, host: '127.0.0.1', extension });
    const { sessionId, url } = await (await postLive(baseOf(other), '{"durationMs":60000}')).json();
    assert.ok(await recordLive(closingTime, extension.sessions, 1000), 'the session wrote its first second');
    const response = await fetch(`${baseOf(other)}${url}`);
    const reader = response.body!.getReader();
    // The session is recording: its first part has arrived.
    assert.ok(!(await reader.read()).done);
    const drained = (async () => {
      while (!(await reader.read().catch(() => ({ done: true }))).done) {
        // the rest, until the server ends the response
      }
    })();
    await closeServer(other);
    await drained;
    const { events, error } = await readRecording(new Uint8Array(await readFile(join(dir, `${sessionId}.tar`))));
    assert.equal(error, undefined);
    assert.ok(events.some((e) => e.event.case === 'windowsDesktopSessionEnd'), 'the session end was written');
    const last = events.filter((e) => e.event.case === 'desktopRecording').at(-1)!;
    assert.ok(last.event.case === 'desktopRecording' && Number(last.event.value.delayMilliseconds) <= 1000, 'closing stopped the 60 s session where its time was, not at its end');
    assert.equal(extension.sessions.size, 0);
  });
});
