// The recordings server under attack and misuse (issue: "a recordings server that survives
// attack"): every check runs against a real server process on loopback (the built command, or the
// server module in a child process) and real files, and asserts the answer and that the process
// is still serving afterwards.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import WebSocket from 'ws';
import { encodeTdp } from '../../src/format/tdp.js';
import { createRecorder, memorySink } from '../../src/recorder/index.js';
import { multiPartGzipBomb } from '../helpers/recording-bytes.js';
import { privateCommand } from '../helpers/private-command.js';
import { startCommand, startCommandOnManualTime, startServerModule, startServerModuleOnManualTime, type ManualTime, type ServerProcess } from '../helpers/serve-process.js';
import { until } from '../helpers/until.js';

/** A small valid recording (`durationMs` long, events every `stepMs`). */
async function recording(sessionId: string, durationMs = 1000, stepMs = 100): Promise<Uint8Array> {
  let now = Date.UTC(2026, 0, 2, 3, 4, 5);
  const sink = memorySink();
  const recorder = createRecorder({ sink, now: () => now, session: { sessionId, clusterName: 'c', user: 'u', desktopName: 'd', desktopAddr: '10.0.0.1:3389', windowsUser: 'w' } });
  await recorder.start();
  await recorder.record(encodeTdp({ kind: 'screenSpec', width: 64, height: 64 }), 'client');
  for (let at = stepMs; at <= durationMs; at += stepMs) {
    now += stepMs;
    await recorder.record(encodeTdp({ kind: 'mouseMove', x: at % 64, y: 1 }), 'client');
  }
  await recorder.end();
  return sink.bytes();
}

/** A seeded PRNG (mulberry32), so a failing randomized run can be repeated. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const status = async (url: string, init?: RequestInit) => (await fetch(url, init)).status;

/** Asserts the server process still answers. */
async function assertServing(server: ServerProcess, file = 'ok.tar'): Promise<void> {
  assert.ok(server.alive(), `the server process died: ${server.stderr()}`);
  assert.equal(await status(`${server.base}/recordings/${file}`), 200, 'and it still serves');
}

const asRoot = process.getuid?.() === 0;
/** As root, permissions do not stop reading: the server runs as nobody, so a mode-000 file is unreadable to it. */
const unprivileged = asRoot ? { uid: 65534, gid: 65534 } : {};

describe('recordings server: files it cannot or must not send', () => {
  let dir = '';
  let outside = '';
  let server: ServerProcess;
  let ok: Uint8Array;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'drp-files-'));
    outside = await mkdtemp(join(tmpdir(), 'drp-outside-'));
    ok = await recording('ok');
    await writeFile(join(dir, 'ok.tar'), ok);
    await writeFile(join(dir, 'locked.tar'), await recording('locked'));
    await chmod(join(dir, 'locked.tar'), 0o000);
    execFileSync('mkfifo', [join(dir, 'fifo.tar')]);
    await mkdir(join(dir, 'folder.tar'));
    await symlink(join(dir, 'missing.tar'), join(dir, 'dangling.tar'));
    // Symlinks out of the folder: to the root, to a file, to a recording elsewhere.
    await symlink('/', join(dir, 'x'));
    await symlink('/etc/passwd', join(dir, 'passwd.tar'));
    await writeFile(join(outside, 'secret.tar'), await recording('secret'));
    await symlink(join(outside, 'secret.tar'), join(dir, 'secret.tar'));
    // A symlink that stays inside is fine.
    await symlink('ok.tar', join(dir, 'alias.tar'));
    await writeFile(join(dir, 'notes.txt'), 'not a recording');
    await chmod(dir, 0o755);
    await chmod(outside, 0o755);
    server = await startServerModule({ recordingsDir: dir }, unprivileged);
  });
  after(async () => {
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
    await rm(outside, { recursive: true, force: true });
  });

  test('an unreadable file (EACCES) answers 500; a FIFO, a folder and a dangling link answer 404; the server keeps serving', async () => {
    assert.equal(await status(`${server.base}/recordings/locked.tar`), 500);
    await assertServing(server);
    for (const name of ['fifo.tar', 'folder.tar', 'dangling.tar']) {
      assert.equal(await status(`${server.base}/recordings/${name}`), 404, name);
      assert.equal(await status(`${server.base}/recordings/${name}`, { method: 'HEAD' }), 404, name);
      await assertServing(server);
    }
    assert.equal(await status(`${server.base}/webapi/sites/c/sessionlength/fifo`), 404);
    assert.equal(await status(`${server.base}/webapi/sites/c/sessionlength/locked`), 404);
    await assertServing(server);
  });

  test('the list shows the readable regular recordings inside the folder only', async () => {
    const { recordings } = (await (await fetch(`${server.base}/api/recordings`)).json()) as { recordings: { file: string }[] };
    assert.deepEqual(recordings.map((r) => r.file).sort(), ['alias.tar', 'ok.tar']);
    await assertServing(server);
  });

  test('symlinks out of the folder are not followed; only .tar files are served', async () => {
    for (const path of ['/recordings/x/etc/passwd', '/recordings/x%2Fetc%2Fpasswd', '/recordings/passwd.tar', '/recordings/secret.tar', '/recordings/notes.txt', '/recordings/..%2Fpackage.json', '/recordings/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd']) {
      assert.equal(await status(`${server.base}${path}`), 404, path);
    }
    const alias = await fetch(`${server.base}/recordings/alias.tar`);
    assert.equal(alias.status, 200);
    assert.deepEqual(new Uint8Array(await alias.arrayBuffer()), ok);
    await assertServing(server);
  });

  test('the playback websocket refuses the same files with an error frame', async () => {
    for (const sid of ['locked', 'fifo', 'secret', 'passwd']) {
      const ws = new WebSocket(`ws://127.0.0.1:${server.port}/webapi/sites/c/desktopplayback/${sid}/ws`);
      const frames: { event?: string; message?: string; errorText?: string }[] = [];
      await new Promise<void>((resolve) => {
        ws.on('open', () => ws.send(JSON.stringify({ action: 'seek', pos: 1e9 })));
        ws.on('message', (data) => {
          const frame = JSON.parse(data.toString());
          frames.push(frame);
          if (frame.message === 'error' || frame.message === 'end') resolve();
        });
        ws.on('close', () => resolve());
        ws.on('error', () => resolve());
      });
      ws.close();
      assert.equal(frames.at(-1)?.message, 'error', `${sid}: ${JSON.stringify(frames)}`);
      assert.equal(frames.filter((f) => f.event !== undefined).length, 0, `${sid}: no events`);
    }
    await assertServing(server);
  });

  test('a file replaced, removed or swapped for a link while it is requested: 200 with the whole file, or 404 (seeded)', async () => {
    const seed = process.env.SEED === 'random' ? Date.now() % 100_000 : Number(process.env.SEED ?? 24_301); // SEED=n replays a run, SEED=random explores
    const random = prng(seed);
    const flip = join(dir, 'flip.tar');
    let running = true;
    const churn = (async () => {
      while (running) {
        const choice = Math.floor(random() * 5);
        // A recording appears whole (written beside it, then renamed), as a recorder's sink does.
        if (choice <= 1) await writeFile(`${flip}.new`, ok);
        await rm(flip, { recursive: true, force: true });
        if (choice <= 1) await rename(`${flip}.new`, flip);
        else if (choice === 2) await symlink(join(outside, 'secret.tar'), flip);
        else if (choice === 3) await mkdir(flip);
        else execFileSync('mkfifo', [flip]);
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    const seen = new Map<number, number>();
    try {
      for (let i = 0; i < 150; i++) {
        const response = await fetch(`${server.base}/recordings/flip.tar`);
        const body = new Uint8Array(await response.arrayBuffer());
        seen.set(response.status, (seen.get(response.status) ?? 0) + 1);
        assert.ok(response.status === 200 || response.status === 404, `seed ${seed}: status ${response.status}`);
        if (response.status === 200) assert.deepEqual(body, ok, `seed ${seed}: a 200 carries the whole recording`);
      }
    } finally {
      running = false;
      await churn;
    }
    await assertServing(server);
  });
});

/** A raw HTTP request (for headers fetch will not let a page set, such as Host). */
function rawRequest(port: number, path: string, headers: Record<string, string>, method = 'GET', body?: string): Promise<{ status: number; body: string; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest({ host: '127.0.0.1', port, path, method, headers, setHost: !('host' in headers) }, (response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode!, body: text, headers: response.headers }));
    });
    request.on('error', reject);
    request.end(body);
  });
}

/** The status line of a websocket upgrade (101 when accepted). */
function upgradeStatus(port: number, path: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      const lines = [`GET ${path} HTTP/1.1`, 'Connection: Upgrade', 'Upgrade: websocket', 'Sec-WebSocket-Version: 13', 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==', ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
      if (!('Host' in headers)) lines.push(`Host: 127.0.0.1:${port}`);
      socket.write(`${lines.join('\r\n')}\r\n\r\n`);
    });
    let text = '';
    socket.on('data', (chunk) => {
      text += chunk.toString('latin1');
      const status = /^HTTP\/1\.1 (\d{3})/.exec(text)?.[1];
      if (status) {
        socket.destroy();
        resolve(Number(status));
      }
    });
    socket.on('error', reject);
    socket.on('close', () => resolve(0));
  });
}

describe('recordings server: the access token', () => {
  const TOKEN = 'tok-3f9a-long-enough';
  let dir = '';

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'drp-token-'));
    await writeFile(join(dir, 'ok.tar'), await recording('ok', 300));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  /** Every route a client can reach, with what it needs besides the token. */
  const routes = ['/recordings/ok.tar', '/api/recordings', '/api/server', '/webapi/sites/c/sessionlength/ok', '/v1/webapi/sites/c/sessionlength/ok', '/dist/desktop-recording-player.js', '/page/page.js', '/webapi/sites/c/desktopplayback/ok/ws'];

  async function checkProtected(server: ServerProcess): Promise<void> {
    for (const path of routes) {
      assert.equal(await status(`${server.base}${path}`), 401, `${path} without the token`);
      assert.equal(await status(`${server.base}${path}`, { headers: { authorization: 'Bearer wrong' } }), 401, `${path} with a wrong token`);
      assert.notEqual(await status(`${server.base}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } }), 401, `${path} with the token`);
    }
    // The page without the token is the sign-in page; it and its assets need no token.
    const page = await fetch(`${server.base}/`);
    assert.equal(page.status, 401);
    assert.match(await page.text(), /id="sign-in"/);
    assert.equal(await status(`${server.base}/page/sign-in.js`), 200);
  }

  test('from the environment: every route needs it, as a header or the session cookie from signing in', async () => {
    const server = await startCommand([dir, '--port', '0'], { env: { ...process.env, DESKTOP_RECORDING_TOKEN: TOKEN } });
    try {
      await checkProtected(server);
      const json = { 'content-type': 'application/json', origin: server.base };
      const wrong = await fetch(`${server.base}/api/session`, { method: 'POST', headers: json, body: JSON.stringify({ token: 'nope' }) });
      assert.equal(wrong.status, 401);
      assert.equal(wrong.headers.get('set-cookie'), null);
      const signedIn = await fetch(`${server.base}/api/session`, { method: 'POST', headers: json, body: JSON.stringify({ token: TOKEN }) });
      assert.equal(signedIn.status, 204);
      const cookie = signedIn.headers.get('set-cookie')!;
      assert.match(cookie, /^desktop-recording-session=[^;]+; HttpOnly; SameSite=Strict; Path=\//);
      assert.ok(!cookie.includes(TOKEN), 'the cookie does not carry the token itself');
      const session = cookie.split(';')[0]!;
      for (const path of routes) assert.notEqual(await status(`${server.base}${path}`, { headers: { cookie: session } }), 401, `${path} with the cookie`);
      const page = await fetch(`${server.base}/`, { headers: { cookie: session } });
      assert.equal(page.status, 200);
      assert.match(await page.text(), /id="rows"/, 'signed in, the page is the recordings list');
      assert.equal(await status(`${server.base}/api/recordings`, { headers: { cookie: `${session.slice(0, -2)}xx` } }), 401, 'a forged cookie');
      // A websocket with the cookie needs no token message.
      const ws = new WebSocket(`ws://127.0.0.1:${server.port}/webapi/sites/c/desktopplayback/ok/ws`, { headers: { cookie: session } });
      const frames: string[] = [];
      await new Promise<void>((resolve, reject) => {
        ws.on('message', (data) => {
          const frame = JSON.parse(data.toString());
          frames.push(frame.event ? 'event' : frame.message);
          if (frames.at(-1) === 'end') resolve();
        });
        ws.on('open', () => ws.send(JSON.stringify({ action: 'seek', pos: 1e9 })));
        ws.on('error', reject);
      });
      ws.close();
      assert.equal(frames.at(-1), 'end');
      assert.ok(frames.filter((f) => f === 'event').length > 1, `frames: ${frames.join()}`);
      // The playback websocket's own first-message token (Teleport's) still works without a cookie.
      assert.equal(await upgradeStatus(server.port, '/webapi/sites/c/desktopplayback/ok/ws', {}), 101);
    } finally {
      await server.stop();
    }
  });

  test('from a file (first line), not argv; ?access_token= only when opted in', async () => {
    const file = join(dir, 'token.txt');
    await writeFile(file, `${TOKEN}\nsecond line ignored\n`);
    const server = await startCommand([dir, '--port', '0', '--token-file', file]);
    /** The frames a viewer on Teleport's legacy path with `?access_token=` gets. */
    const legacy = (port: number, token: string) => new Promise<string[]>((resolve) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/webapi/sites/c/desktopplayback/ok?access_token=${token}`);
      const frames: string[] = [];
      ws.on('message', (data) => {
        const frame = JSON.parse(data.toString());
        frames.push(frame.type === 'create_session_response' ? `session ${frame.status}` : frame.event ? 'event' : frame.message);
        if (frame.message === 'end') ws.close();
      });
      ws.on('open', () => ws.send(JSON.stringify({ action: 'seek', pos: 1e9 })));
      ws.on('close', () => resolve(frames));
      ws.on('error', () => resolve(frames));
    });
    try {
      await checkProtected(server);
      const ps = execFileSync('ps', ['-o', 'args=', '-p', String(server.child.pid)], { encoding: 'utf8' });
      assert.ok(!ps.includes(TOKEN), `the token is not in the process arguments: ${ps}`);
      assert.deepEqual(await legacy(server.port, TOKEN), ['session error'], 'not opted in: the URL token is not taken (the first message is not a token)');
    } finally {
      await server.stop();
    }
    const optedIn = await startCommand([dir, '--port', '0', '--token-file', file, '--allow-url-token']);
    try {
      const frames = await legacy(optedIn.port, TOKEN);
      assert.equal(frames.at(-1), 'end');
    } finally {
      await optedIn.stop();
    }
  });

  test('bad token options are usage errors', async () => {
    const { bin } = await privateCommand();
    const run = (...args: string[]) => spawnSync(process.execPath, [bin, 'serve', dir, ...args], { encoding: 'utf8', timeout: 10_000 });
    assert.equal(run('--token-file', join(dir, 'missing.txt')).status, 2);
    assert.equal(run('--token', 'a', '--token-file', join(dir, 'token.txt')).status, 2);
  });
});

describe('recordings server: JSON actions (POST /api/live of the demo)', () => {
  let dir = '';
  let server: ServerProcess & { time: ManualTime };
  const BODY_TIMEOUT_MS = 1500;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'drp-actions-'));
    await writeFile(join(dir, 'ok.tar'), await recording('ok'));
    // The server module with the demo's live sessions; its body timeout runs on a time the test moves.
    server = await startServerModuleOnManualTime({ recordingsDir: dir, bodyTimeoutMs: BODY_TIMEOUT_MS, withLiveSessions: true });
  });
  after(async () => {
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const post = (body: string, headers: Record<string, string>) => rawRequest(server.port, '/api/live', headers, 'POST', body);
  const json = () => ({ 'content-type': 'application/json', origin: server.base });

  test('a cross-site form post is refused: it has no JSON content type, or another Origin', async () => {
    assert.equal((await post('{"durationMs":1000}', { 'content-type': 'text/plain', origin: server.base })).status, 415);
    assert.equal((await post('durationMs=1000', { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://evil.example' })).status, 415);
    assert.equal((await post('{"durationMs":1000}', { 'content-type': 'application/json', origin: 'http://evil.example' })).status, 403);
    assert.equal((await post('{"durationMs":1000}', { 'content-type': 'application/json', origin: 'null' })).status, 403);
    assert.equal((await post('{"durationMs":1000}', { 'content-type': 'application/json' })).status, 403, 'no Origin');
    const list = (await (await fetch(`${server.base}/api/recordings`)).json()) as { total: number };
    assert.equal(list.total, 1, 'no session was started');
  });

  test('the body must be a JSON object', async () => {
    for (const body of ['[1]', '1', '"x"', 'null', '{', 'true']) assert.equal((await post(body, json())).status, 400, body);
    const started = await post('{"durationMs":1000,"seed":3}', { ...json(), 'content-type': 'application/json; charset=utf-8' });
    assert.equal(started.status, 201, started.body);
  });

  test('a body over 4 KiB answers 413 (told or counted), and the server goes on', async () => {
    const big = JSON.stringify({ durationMs: 1000, pad: 'x'.repeat(5000) });
    assert.equal((await post(big, json())).status, 413);
    // Chunked: no Content-Length, counted as it arrives.
    const chunked = await new Promise<number>((resolve, reject) => {
      const request = httpRequest({ host: '127.0.0.1', port: server.port, path: '/api/live', method: 'POST', headers: { ...json(), 'transfer-encoding': 'chunked' } }, (response) => {
        response.resume();
        resolve(response.statusCode!);
      });
      request.on('error', reject);
      request.write(big.slice(0, 3000));
      request.write(big.slice(3000));
      request.end();
    });
    assert.equal(chunked, 413);
    await assertServing(server);
  });

  test('a body that dribbles in is cut off: 408, and the connection is closed', async () => {
    const socket = connect(server.port, '127.0.0.1');
    let answer = '';
    let closed = false;
    socket.on('close', () => (closed = true));
    socket.on('data', (chunk) => (answer += chunk.toString()));
    socket.on('error', () => {});
    // Timers of earlier requests' bodies may be left (a refused body's runs out its time): the count goes up by one.
    const timersBefore = await server.time.pendingTimers();
    socket.write(`POST /api/live HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nOrigin: ${server.base}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{`);
    await until(async () => (await server.time.pendingTimers()) > timersBefore, 'the server times the body');
    // One byte every 400 ms of the server's time, never the whole body: within the timeout, no answer yet.
    const stepMs = 400;
    for (let sentMs = 0; sentMs + stepMs < BODY_TIMEOUT_MS; sentMs += stepMs) {
      socket.write(' ');
      await server.time.advance(stepMs);
      assert.equal(answer, '', `no answer ${sentMs + stepMs} ms into the body`);
    }
    socket.write(' ');
    await server.time.advance(stepMs);
    await until(() => answer.includes('\r\n\r\n'), 'the server answered once the body was overdue');
    assert.match(answer, /^HTTP\/1\.1 408 /);
    // Still sending after the answer, the client is cut: by the server closing the connection, or at the latest once the cut is due.
    socket.write(' ');
    await server.time.advance(500);
    await until(() => closed, 'the server closed the connection');
    await assertServing(server);
  });

  test('live recordings are kept within a disk budget: the oldest finished ones are removed', async () => {
    const { LiveSessions } = await import('../../demo/live-sessions.js');
    const budgetDir = await mkdtemp(join(tmpdir(), 'drp-budget-'));
    try {
      const sessions = new LiveSessions(budgetDir, { maxBytes: 1 });
      const files: string[] = [];
      for (let i = 0; i < 3; i++) {
        const session = await sessions.start({ durationMs: 1000, seed: i, width: 320, height: 200 });
        await session.stop();
        files.push(session.file);
      }
      const { readdir } = await import('node:fs/promises');
      assert.deepEqual(await readdir(budgetDir), [files[2]], 'only the newest is left (each alone is over the budget)');
      const roomy = new LiveSessions(budgetDir, { maxBytes: 1 << 30 });
      const kept = await roomy.start({ durationMs: 1000, seed: 9, width: 320, height: 200 });
      await kept.stop();
      assert.equal((await readdir(budgetDir)).length, 2, 'within the budget nothing is removed, and never a recording it did not write');
    } finally {
      await rm(budgetDir, { recursive: true, force: true });
    }
  });
});

describe('recordings server: Host and Origin (DNS rebinding, cross-site websockets)', () => {
  let dir = '';
  let server: ServerProcess;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'drp-hosts-'));
    await writeFile(join(dir, 'ok.tar'), await recording('ok'));
    server = await startCommand([dir, '--port', '0', '--allow-host', 'recordings.corp.example', '--allow-origin', 'https://portal.corp.example']);
  });
  after(async () => {
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  test('HTTP: IP addresses, localhost and allowed names only', async () => {
    for (const host of ['127.0.0.1', `127.0.0.1:${server.port}`, `localhost:${server.port}`, `[::1]:${server.port}`, `recordings.corp.example:${server.port}`, 'RECORDINGS.corp.example']) {
      assert.equal((await rawRequest(server.port, '/api/recordings', { host })).status, 200, host);
    }
    for (const host of [`evil.example:${server.port}`, 'rebind.attacker.example', 'localhost.evil.example', '']) {
      const answer = await rawRequest(server.port, '/recordings/ok.tar', { host });
      assert.equal(answer.status, 403, host);
      assert.equal((await rawRequest(server.port, '/api/recordings', { host })).status, 403, host);
    }
    await assertServing(server);
  });

  test('websocket: no Origin (not a browser), its own, loopback pages and allowed origins only', async () => {
    const path = '/webapi/sites/c/desktopplayback/ok/ws';
    assert.equal(await upgradeStatus(server.port, path, {}), 101);
    for (const origin of [server.base, 'http://localhost:6006', 'http://127.0.0.1:8000', 'https://portal.corp.example']) {
      assert.equal(await upgradeStatus(server.port, path, { Origin: origin }), 101, origin);
    }
    for (const origin of ['http://evil.example', 'https://portal.corp.example.evil', 'null', `http://evil.example:${server.port}`]) {
      assert.equal(await upgradeStatus(server.port, path, { Origin: origin }), 403, origin);
    }
    assert.equal(await upgradeStatus(server.port, path, { Host: `evil.example:${server.port}` }), 403, 'rebound host');
    await assertServing(server);
  });
});

describe('recordings server: playback websocket limits', () => {
  let dir = '';
  let server: ServerProcess;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'drp-limits-'));
    await writeFile(join(dir, 'ok.tar'), await recording('ok'));
    server = await startCommand([dir, '--port', '0', '--max-viewers', '3']);
  });
  after(async () => {
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const open = (sid: string) => new Promise<WebSocket>((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/webapi/sites/c/desktopplayback/${sid}/ws`);
    ws.on('open', () => resolve(ws));
    ws.on('error', reject);
  });

  test('viewers are capped: one more is answered 503 until one leaves', async () => {
    const sockets = await Promise.all([open('ok'), open('ok'), open('ok')]);
    try {
      assert.equal(await upgradeStatus(server.port, '/webapi/sites/c/desktopplayback/ok/ws', {}), 503);
      const left = sockets.pop()!;
      const gone = new Promise((resolve) => left.on('close', resolve));
      left.close();
      await gone;
      // The server notices the close a moment later: wait for the slot, not a time.
      let code = 0;
      for (const until = performance.now() + 10_000; code !== 101 && performance.now() < until; ) {
        code = await upgradeStatus(server.port, '/webapi/sites/c/desktopplayback/ok/ws', {});
        assert.ok(code === 101 || code === 503, `status ${code}`);
      }
      assert.equal(code, 101);
    } finally {
      for (const ws of sockets) ws.close();
    }
  });

  test('the limits take positive whole numbers only', async () => {
    const { bin } = await privateCommand();
    for (const args of [['--max-restarts', '0'], ['--max-viewers', '0'], ['--max-restarts', '2.5'], ['--max-viewers', 'many']]) {
      const run = spawnSync(process.execPath, [bin, 'serve', dir, '--port', '0', ...args], { encoding: 'utf8', timeout: 30_000 });
      assert.equal(run.status, 2, `${args.join(' ')}: exit 2`);
      assert.match(run.stderr, new RegExp(`${args[0]} must be a positive whole number`), args.join(' '));
    }
  });
});

describe('recordings server: restart budget (--max-restarts), on a clock the test moves', () => {
  let dir = '';
  let server: ServerProcess & { time: ManualTime };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'drp-restarts-'));
    // 200 events: a forward seek to the end sends them all.
    await writeFile(join(dir, 'long.tar'), await recording('long', 20_000, 100));
    await writeFile(join(dir, 'ok.tar'), await recording('ok'));
    // `desktop-recording serve DIR --max-restarts 4` in its own process, its playback time standing
    // still until the test moves it: the budget is the one the command was given (the default is 10).
    server = await startCommandOnManualTime([dir, '--port', '0', '--max-restarts', '4']);
  });
  after(async () => {
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  test('a client seeking back and forth restarts the file 4 times at once, then once per 15 s of the clock', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/webapi/sites/c/desktopplayback/long/ws`);
    await new Promise((resolve, reject) => ws.on('open', resolve).on('error', reject));
    let events = 0;
    let ends = 0;
    const endWaiters: Array<{ count: number; resolve: () => void }> = [];
    ws.on('message', (data) => {
      const frame = JSON.parse(data.toString());
      if (frame.event !== undefined) events += 1;
      if (frame.message !== 'end') return;
      ends += 1;
      for (const waiter of endWaiters.filter((w) => w.count <= ends)) waiter.resolve();
    });
    /** Resolves at the `count`th end frame (one per pass played to the end). */
    const endFrame = (count: number) => new Promise<void>((resolve) => (count <= ends ? resolve() : endWaiters.push({ count, resolve })));
    /** A ping's pong comes after every message the server sent before it. */
    const roundTrip = () => new Promise<void>((resolve) => {
      ws.once('pong', () => resolve());
      ws.ping();
    });
    const seekBackAndForth = (times = 1) => {
      for (let i = 0; i < times; i++) {
        ws.send(JSON.stringify({ action: 'seek', pos: 0 }));
        ws.send(JSON.stringify({ action: 'seek', pos: 1e9 }));
      }
    };
    const stats = async () => {
      const viewers = await server.time.viewers();
      assert.equal(viewers.length, 1, 'one playback socket');
      return viewers[0]!;
    };
    /** Asks the server until its socket reports `throttled` restarts held back (each ask is a round trip; bounded). */
    const throttledReaches = async (throttled: number) => {
      for (let asked = 0; (await stats()).throttledRestarts < throttled; asked++) {
        assert.ok(asked < 5_000, `the server holds restart ${throttled} back for the budget`);
      }
    };

    // The whole file once (the grace for a token message is on the server's clock).
    ws.send(JSON.stringify({ action: 'seek', pos: 1e9 }));
    await server.time.advance(250);
    await endFrame(1);
    const perPass = events;
    assert.equal(perPass, 201, 'a pass sends every event of the file');

    // The budget: 4 restarts at once, the clock standing still.
    for (let pass = 2; pass <= 5; pass++) {
      seekBackAndForth();
      await endFrame(pass);
    }
    assert.deepEqual({ passes: (await stats()).passes, events }, { passes: 5, events: 5 * perPass });

    // Spent: any number of seeks now wait for one restart, which waits for the clock (4 a minute).
    seekBackAndForth(8);
    await throttledReaches(1);
    await server.time.advance(14_999);
    await roundTrip();
    assert.deepEqual({ passes: (await stats()).passes, events, ends }, { passes: 5, events: 5 * perPass, ends: 5 }, 'nothing sent before the clock refilled a restart');
    await server.time.advance(1);
    await endFrame(6);
    await roundTrip();
    const after = await stats();
    assert.deepEqual({ passes: after.passes, throttled: after.throttledRestarts, events, ends }, { passes: 6, throttled: 1, events: 6 * perPass, ends: 6 }, 'the 8 seeks back made one restart');

    // However long the clock runs, no more than 4 are saved up.
    await server.time.advance(10 * 60_000);
    for (let pass = 7; pass <= 10; pass++) {
      seekBackAndForth();
      await endFrame(pass);
    }
    seekBackAndForth();
    await throttledReaches(2);
    await roundTrip();
    assert.deepEqual({ passes: (await stats()).passes, events, ends }, { passes: 10, events: 10 * perPass, ends: 10 });
    ws.close();
    await assertServing(server);
  });
});

describe('recordings server: a gzip bomb spread over parts in its folder', () => {
  let dir = '';
  let server: ServerProcess;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'drp-bomb-'));
    await writeFile(join(dir, 'ok.tar'), await recording('ok'));
    await writeFile(join(dir, 'bomb.tar'), multiPartGzipBomb());
    server = await startCommand([dir, '--port', '0']);
  });
  after(async () => {
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  test('the list answers with it marked damaged, its playback socket ends with an error frame, and the server goes on', async () => {
    const list = (await (await fetch(`${server.base}/api/recordings`)).json()) as { recordings: Array<{ file: string; damaged: boolean }> };
    assert.deepEqual(list.recordings.map(({ file, damaged }) => ({ file, damaged })).sort((a, b) => a.file.localeCompare(b.file)), [
      { file: 'bomb.tar', damaged: true },
      { file: 'ok.tar', damaged: false },
    ]);
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/webapi/sites/c/desktopplayback/bomb/ws`);
    const frames: Array<{ message?: string; event?: unknown; errorText?: string }> = [];
    const last = new Promise<{ message?: string; errorText?: string }>((resolve, reject) => {
      ws.on('message', (data) => {
        const frame = JSON.parse(data.toString());
        frames.push(frame);
        if (frame.message === 'end' || frame.message === 'error') resolve(frame);
      });
      ws.on('error', reject);
    });
    ws.on('open', () => ws.send(JSON.stringify({ action: 'seek', pos: 1e9 })));
    const final = await last;
    ws.close();
    assert.equal(final.message, 'error');
    assert.match(String(final.errorText), /gzip bomb/);
    assert.equal(frames.filter((frame) => frame.event !== undefined).length, 3, 'the events before the bomb');
    await assertServing(server);
  });
});

describe('recordings server: malformed requests', () => {
  let dir = '';
  let server: ServerProcess;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'drp-malformed-'));
    await writeFile(join(dir, 'ok.tar'), await recording('ok'));
    await writeFile(join(dir, 'slow.tar'), await recording('slow', 600, 600));
    server = await startCommand([dir, '--port', '0']);
  });
  after(async () => {
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  test('bad percent-encoding answers 400', async () => {
    for (const path of ['/recordings/%E0%A4%A', '/%', '/api/recordings%FF', '/webapi/sites/c/sessionlength/%C0']) {
      assert.equal((await rawRequest(server.port, path, {})).status, 400, path);
    }
    await assertServing(server);
  });

  test('a request target that is not a URL answers 400, as a request and as a websocket upgrade', async () => {
    assert.equal((await rawRequest(server.port, '//[', {})).status, 400);
    assert.equal(await upgradeStatus(server.port, '//[', {}), 400);
    assert.equal(await upgradeStatus(server.port, 'http://[/webapi/sites/c/desktopplayback/ok/ws', {}), 400);
    await assertServing(server);
  });

  test('{"action":"speed","speed":null} changes nothing: the stream goes on at 1×, still steerable', async () => {
    // Two viewers of a file with events at 0 and 600 ms, on a server whose playback time the test moves:
    // one sends speed null, the other 0.25×. 700 ms on, the first has had the 600 ms event and the end;
    // the second (at 175 ms) nothing more.
    const manual = await startCommandOnManualTime([dir, '--port', '0']);
    try {
      const order: string[] = [];
      const watch = async (name: string, first: object) => {
        const ws = new WebSocket(`ws://127.0.0.1:${manual.port}/webapi/sites/c/desktopplayback/slow/ws`);
        await new Promise((resolve, reject) => ws.on('open', resolve).on('error', reject));
        ws.on('message', (data) => {
          const frame = JSON.parse(data.toString());
          if (frame.ms === 600) order.push(name);
          if (frame.message === 'end') order.push(`${name} end`);
        });
        ws.send(JSON.stringify(first));
        // The pong comes once the server has taken the message (and after what it sent before).
        await new Promise<void>((resolve) => {
          ws.once('pong', () => resolve());
          ws.ping();
        });
        return ws;
      };
      const arrived = async (what: string) => {
        for (const until = performance.now() + 20_000; !order.includes(what); await new Promise((resolve) => setTimeout(resolve, 10))) {
          if (performance.now() > until) throw new Error(`no "${what}" within 20 s; order: ${order.join(', ')}`);
        }
      };
      const nulled = await watch('null', { action: 'speed', speed: null });
      const slow = await watch('quarter', { action: 'speed', speed: 0.25 });
      // Both have read the file and sent its 0 ms event: the 600 ms one now waits for the time.
      for (const until = performance.now() + 20_000; ; await new Promise((resolve) => setTimeout(resolve, 10))) {
        const viewers = await manual.time.viewers();
        if (viewers.length === 2 && viewers.every((viewer) => viewer.frames >= 1)) break;
        if (performance.now() > until) throw new Error(`the viewers did not start within 20 s: ${JSON.stringify(viewers)}`);
      }
      await manual.time.advance(700);
      await arrived('null end');
      assert.deepEqual(order, ['null', 'null end']);
      // Still steerable after the bad value: a seek to the end of the other file's stream is obeyed.
      slow.send(JSON.stringify({ action: 'seek', pos: 1e9 }));
      await arrived('quarter end');
      nulled.close();
      slow.close();
    } finally {
      await manual.stop();
    }
  });
});

describe('recordings server: random requests and websocket messages (seeded)', () => {
  let dir = '';
  let server: ServerProcess;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'drp-fuzz-'));
    await writeFile(join(dir, 'ok.tar'), await recording('ok', 2000, 100));
    server = await startCommand([dir, '--port', '0', '--token', 'fuzz-token']);
  });
  after(async () => {
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  test('no request or message takes the server down or makes it answer 500', async () => {
    const seed = process.env.SEED === 'random' ? Date.now() % 100_000 : Number(process.env.SEED ?? 24_301); // SEED=n replays a run, SEED=random explores
    const random = prng(seed);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const pieces = ['/', 'recordings', 'ok.tar', 'api', 'recordings', 'live', 'session', 'server', 'webapi', 'sites', 'c', 'sessionlength', 'desktopplayback', 'ok', 'ws', 'v1', 'dist', 'page', '..', '%2e%2e', '%2F', '%00', '%E0%A4', '%', '?', '#', '~', 'x'.repeat(300), ';', '\\\\', '%ZZ', 'index.html'];
    const randomPath = () => `/${Array.from({ length: 1 + Math.floor(random() * 6) }, () => pick(pieces)).join(pick(['/', '', '/']))}`;
    const auth = () => pick<Record<string, string>>([{}, { authorization: 'Bearer fuzz-token' }, { authorization: 'Bearer x' }, { authorization: 'Basic Zm9v' }, { cookie: 'desktop-recording-session=abc' }, { cookie: ';;=;' }]);
    for (let i = 0; i < 250; i++) {
      const method = pick(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH']);
      const headers: Record<string, string> = { ...auth() };
      if (random() < 0.3) headers.range = pick(['bytes=0-', 'bytes=-5', 'bytes=99999999-', 'bytes=5-1', 'bytes=a-b', 'bytes=0-1,3-4', 'items=0-1']);
      if (random() < 0.3) headers['content-type'] = pick(['application/json', 'text/plain', 'application/json; charset=utf-8', '']);
      if (random() < 0.3) headers.origin = pick([server.base, 'http://evil.example', 'null', '']);
      if (random() < 0.2) headers['if-none-match'] = pick(['*', '"x"', '']);
      const body = method === 'POST' || method === 'PUT' ? pick(['', '{}', '[1]', '{"token":"fuzz-token"}', '{"token":5}', 'x'.repeat(5000), '{"durationMs":1e999}']) : undefined;
      const answer = await rawRequest(server.port, randomPath(), headers, method, body).catch((error: Error) => ({ status: 0, body: error.message, headers: {} }));
      assert.ok(answer.status >= 200 && answer.status < 500, `seed ${seed}, request ${i}: ${method} → ${answer.status} ${answer.body.slice(0, 200)}`);
      assert.ok(server.alive(), `seed ${seed}, request ${i}: the server died: ${server.stderr()}`);
    }
    // Websocket messages of every shape, on an authenticated socket.
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/webapi/sites/c/desktopplayback/ok/ws`);
    await new Promise<void>((resolve, reject) => {
      ws.on('open', () => resolve());
      ws.on('error', reject);
    });
    ws.on('error', () => {});
    ws.send(JSON.stringify({ token: 'fuzz-token' }));
    const values = [null, -1, 0, 1e308, -1e308, 'x', '', [], {}, true, 1.5, 2 ** 53, Number.MAX_SAFE_INTEGER];
    for (let i = 0; i < 200 && ws.readyState === WebSocket.OPEN; i++) {
      const message = pick([
        () => JSON.stringify({ action: pick(['seek', 'speed', 'play/pause', 'x']), pos: pick(values), speed: pick(values) }),
        () => JSON.stringify(pick(values)),
        () => 'not json {',
        () => JSON.stringify({ token: pick(values) }),
        () => '{"action":"seek","pos":' + '9'.repeat(400) + '}',
      ])();
      ws.send(message);
      if (i % 20 === 0) await new Promise<void>((resolve) => {
        ws.once('pong', () => resolve());
        ws.ping();
      });
    }
    ws.close();
    assert.ok(server.alive(), `seed ${seed}: the server died: ${server.stderr()}`);
    assert.equal(await status(`${server.base}/recordings/ok.tar`, { headers: { authorization: 'Bearer fuzz-token' } }), 200);
  });
});
