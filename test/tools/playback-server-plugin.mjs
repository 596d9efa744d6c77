// A @web/test-runner plugin: the project's own recordings server (src/cli/serve.ts, with its playback
// websocket) on loopback while the browser tests run, once without and once with a token. Tests
// read the addresses from /__playback-servers and can drop every socket through
// /__playback-servers/disconnect (to check that players reconnect). A third server, on a
// temporary folder and with CORS for the test page, runs the demo's live sessions:
// /__playback-servers/live?durationMs=N starts one and answers `{ base, url, sessionId, durationMs }`.
// A fourth serves the Linux desktop sample of test/fixtures/linux (`linux` in /__playback-servers).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { tsImport } from 'tsx/esm/api';

export const TEST_TOKEN = 'test-token-5f1c';

export function playbackServerPlugin() {
  const root = resolve(new URL('../..', import.meta.url).pathname);
  const servers = {};
  let liveDir = '';
  const address = (server) => `ws://127.0.0.1:${server.address().port}`;
  return {
    name: 'playback-server',
    async serverStart() {
      const { serve } = await tsImport('../../src/cli/serve.ts', import.meta.url);
      const { liveSessionsExtension } = await tsImport('../../demo/live-sessions.ts', import.meta.url);
      const options = { recordingsDir: resolve(root, 'demo/recordings'), root, port: 0, host: '127.0.0.1' };
      servers.open = await serve(options);
      servers.token = await serve({ ...options, token: TEST_TOKEN });
      servers.linux = await serve({ ...options, recordingsDir: resolve(root, 'test/fixtures/linux') });
      liveDir = await mkdtemp(join(tmpdir(), 'drp-wtr-live-'));
      servers.live = await serve({ ...options, recordingsDir: liveDir, corsOrigin: '*', extension: liveSessionsExtension(liveDir) });
    },
    async serverStop() {
      await Promise.all(Object.values(servers).map((server) => new Promise((done) => server.close(() => done()))));
      if (liveDir) await rm(liveDir, { recursive: true, force: true });
    },
    async serve(context) {
      if (context.path === '/__playback-servers') {
        return { body: JSON.stringify({ open: address(servers.open), token: address(servers.token), linux: address(servers.linux), testToken: TEST_TOKEN }), type: 'application/json' };
      }
      if (context.path === '/__playback-servers/live') {
        const base = `http://127.0.0.1:${servers.live.address().port}`;
        const durationMs = Number(context.query.durationMs) || 8000;
        const started = await fetch(`${base}/api/live`, { method: 'POST', headers: { 'content-type': 'application/json', origin: base }, body: JSON.stringify({ durationMs, seed: 11 }) });
        return { body: JSON.stringify({ base, ...(await started.json()) }), type: 'application/json' };
      }
      if (context.path === '/__playback-servers/disconnect') {
        servers.open.playback.disconnectAll();
        return { body: '{}', type: 'application/json' };
      }
    },
  };
}
