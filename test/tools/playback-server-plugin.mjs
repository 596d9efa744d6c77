// A @web/test-runner plugin: the project's own recordings server (src/cli/serve.ts, with its playback
// websocket) on loopback while the browser tests run, once without and once with a token. Tests
// read the addresses from /__playback-servers and can drop every socket through
// /__playback-servers/disconnect (`?server=stepped` for the stepped server's; to check that players reconnect). A third server, on a
// temporary folder and with CORS for the test page, runs the demo's live sessions:
// /__playback-servers/live?durationMs=N starts one and answers `{ base, url, sessionId, durationMs }`.
// Its sessions play their desktop on a time that stands still until a test moves it:
// /__playback-servers/live/advance?ms=N&sid=S records the next N ms and answers once what is due is written
// (with the bytes session S has written while it is live).
// A fourth serves the Linux desktop sample of test/fixtures/linux (`linux` in /__playback-servers).
// A fifth (`stepped`) paces its playback sockets on a time that stands still until a test moves it:
// /__playback-servers/stepped/advance?ms=N fires the timers due in the next N ms, in order, and answers with
// the viewers' stats (with &idle=1, once a playing viewer waits for its next event's time again);
// /__playback-servers/stepped/viewers answers them without moving the time.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { tsImport } from 'tsx/esm/api';

export const TEST_TOKEN = 'test-token-5f1c';

export function playbackServerPlugin() {
  const root = resolve(new URL('../..', import.meta.url).pathname);
  const servers = {};
  let liveDir = '';
  let steppedTime;
  let liveTime;
  let liveSessions;
  let recordLive;
  const address = (server) => `ws://127.0.0.1:${server.address().port}`;
  return {
    name: 'playback-server',
    async serverStart() {
      const { serve } = await tsImport('../../src/cli/serve.ts', import.meta.url);
      const { liveSessionsExtension } = await tsImport('../../demo/live-sessions.ts', import.meta.url);
      const { FakeTime } = await tsImport('../helpers/fake-time.ts', import.meta.url);
      ({ recordLive } = await tsImport('../helpers/live-time.ts', import.meta.url));
      const options = { recordingsDir: resolve(root, 'demo/recordings'), root, port: 0, host: '127.0.0.1' };
      servers.open = await serve(options);
      servers.token = await serve({ ...options, token: TEST_TOKEN });
      servers.linux = await serve({ ...options, recordingsDir: resolve(root, 'test/fixtures/linux') });
      steppedTime = new FakeTime();
      servers.stepped = await serve({ ...options, playbackTime: steppedTime });
      liveDir = await mkdtemp(join(tmpdir(), 'drp-wtr-live-'));
      liveTime = new FakeTime();
      const extension = liveSessionsExtension(liveDir, { time: liveTime });
      liveSessions = extension.sessions;
      servers.live = await serve({ ...options, recordingsDir: liveDir, corsOrigin: '*', extension });
    },
    async serverStop() {
      await Promise.all(Object.values(servers).map((server) => new Promise((done) => server.close(() => done()))));
      if (liveDir) await rm(liveDir, { recursive: true, force: true });
    },
    async serve(context) {
      if (context.path === '/__playback-servers') {
        return { body: JSON.stringify({ open: address(servers.open), token: address(servers.token), linux: address(servers.linux), stepped: address(servers.stepped), testToken: TEST_TOKEN }), type: 'application/json' };
      }
      if (context.path === '/__playback-servers/live') {
        const base = `http://127.0.0.1:${servers.live.address().port}`;
        const durationMs = Number(context.query.durationMs) || 8000;
        const started = await fetch(`${base}/api/live`, { method: 'POST', headers: { 'content-type': 'application/json', origin: base }, body: JSON.stringify({ durationMs, seed: 11 }) });
        return { body: JSON.stringify({ base, ...(await started.json()) }), type: 'application/json' };
      }
      if (context.path === '/__playback-servers/live/advance') {
        const ms = Number(context.query.ms);
        if (!(ms >= 0)) return { status: 400, body: 'ms: a number of milliseconds', type: 'text/plain' };
        const idle = await recordLive(liveTime, liveSessions, ms);
        const committedBytes = liveSessions.get(`${context.query.sid}.tar`)?.committedBytes ?? null;
        return { body: JSON.stringify({ nowMs: liveTime.now(), idle, live: liveSessions.size, committedBytes }), type: 'application/json' };
      }
      if (context.path === '/__playback-servers/stepped/advance') {
        const ms = Number(context.query.ms);
        if (!(ms >= 0)) return { status: 400, body: 'ms: a number of milliseconds', type: 'text/plain' };
        await steppedTime.advance(ms);
        // With `idle=1`: a playing viewer that read on from disk meanwhile is idle again once it waits for its next event's time.
        const idleBy = Date.now() + (context.query.idle === '1' ? 20_000 : 0);
        while (steppedTime.pendingTimers === 0 && Date.now() < idleBy) await new Promise((resolve) => setTimeout(resolve, 5));
        const idle = steppedTime.pendingTimers > 0;
        return { body: JSON.stringify({ nowMs: steppedTime.now(), idle, viewers: servers.stepped.playback.viewers }), type: 'application/json' };
      }
      if (context.path === '/__playback-servers/stepped/viewers') {
        return { body: JSON.stringify({ nowMs: steppedTime.now(), viewers: servers.stepped.playback.viewers }), type: 'application/json' };
      }
      if (context.path === '/__playback-servers/disconnect') {
        (context.query.server === 'stepped' ? servers.stepped : servers.open).playback.disconnectAll();
        return { body: '{}', type: 'application/json' };
      }
    },
  };
}
