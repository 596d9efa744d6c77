// The recordings server under attack and misuse (issue: "a recordings server that survives
// attack"): every check runs against a real server process on loopback (the built command, or the
// server module in a child process) and real files, and asserts the answer and that the process
// is still serving afterwards.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import WebSocket from 'ws';
import { encodeTdp } from '../../src/format/tdp.js';
import { createRecorder, memorySink } from '../../src/recorder/index.js';
import { startServerModule, type ServerProcess } from '../helpers/serve-process.js';

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
      const frames: { message?: string; errorText?: string }[] = [];
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
      assert.equal(frames.filter((f) => f.message === undefined).length, 0, `${sid}: no events`);
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
