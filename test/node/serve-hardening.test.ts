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
import { startCommand, startServerModule, type ServerProcess } from '../helpers/serve-process.js';

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
    const seed = Number(process.env.SEED ?? Date.now() % 100_000);
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
    const legacy = (token: string) => new Promise<string[]>((resolve) => {
      const ws = new WebSocket(`ws://127.0.0.1:${server.port}/webapi/sites/c/desktopplayback/ok?access_token=${token}`);
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
      assert.deepEqual(await legacy(TOKEN), ['session error'], 'not opted in: the URL token is not taken (the first message is not a token)');
    } finally {
      await server.stop();
    }
    const optedIn = await startCommand([dir, '--port', '0', '--token-file', file, '--allow-url-token']);
    try {
      const frames = await new Promise<string[]>((resolve) => {
        const ws = new WebSocket(`ws://127.0.0.1:${optedIn.port}/webapi/sites/c/desktopplayback/ok?access_token=${TOKEN}`);
        const seen: string[] = [];
        ws.on('message', (data) => {
          const frame = JSON.parse(data.toString());
          seen.push(frame.event ? 'event' : frame.message);
          if (frame.message === 'end') ws.close();
        });
        ws.on('close', () => resolve(seen));
      });
      assert.equal(frames.at(-1), 'end');
    } finally {
      await optedIn.stop();
    }
  });

  test('bad token options are usage errors', () => {
    const run = (...args: string[]) => spawnSync(process.execPath, ['bin/desktop-recording.mjs', 'serve', dir, ...args], { encoding: 'utf8', timeout: 10_000 });
    assert.equal(run('--token-file', join(dir, 'missing.txt')).status, 2);
    assert.equal(run('--token', 'a', '--token-file', join(dir, 'token.txt')).status, 2);
  });
});
