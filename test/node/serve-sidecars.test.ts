// The sidecars of a recording (its text index and review notes) as `desktop-recording serve`
// advertises and sends them: a real server process on loopback, real files, with the same
// protections as recordings (token, real path inside the folder, regular files only).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { encodeTdp } from '../../src/format/tdp.js';
import { createRecorder, memorySink } from '../../src/recorder/index.js';
import { startServerModule, type ServerProcess } from '../helpers/serve-process.js';

async function recording(sessionId: string): Promise<Uint8Array> {
  let now = Date.UTC(2026, 0, 2, 3, 4, 5);
  const sink = memorySink();
  const recorder = createRecorder({ sink, now: () => now, session: { sessionId, clusterName: 'c', user: 'u', desktopName: 'd', desktopAddr: '10.0.0.1:3389', windowsUser: 'w' } });
  await recorder.start();
  await recorder.record(encodeTdp({ kind: 'screenSpec', width: 64, height: 64 }), 'client');
  now += 500;
  await recorder.record(encodeTdp({ kind: 'mouseMove', x: 1, y: 1 }), 'client');
  await recorder.end();
  return sink.bytes();
}

const TEXT_INDEX = JSON.stringify({ format: 'desktop-recording-text-index', version: 1, engine: 'test', durationMs: 500, coveredMs: 500, screen: { width: 64, height: 64 }, words: [['hello', 0, 500, 1, 2, 30, 10, 0, 90]] });
const REVIEW = JSON.stringify({ format: 'desktop-recording-review', version: 1, sessionId: 'sess-b', recordingSha256: null, notes: [], coverage: [] });

interface Row {
  file: string;
  textIndex?: string;
  reviewNotes?: string;
}

const asRoot = process.getuid?.() === 0;
const unprivileged = asRoot ? { uid: 65534, gid: 65534 } : {};

describe('recordings server: sidecars (text index, review notes)', () => {
  let dir = '';
  let outside = '';
  let server: ServerProcess;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'drp-sidecars-'));
    outside = await mkdtemp(join(tmpdir(), 'drp-sidecars-out-'));
    // a: both sidecars beside it, by file name.
    await writeFile(join(dir, 'a.tar'), await recording('sess-a'));
    await writeFile(join(dir, 'a.text.json'), TEXT_INDEX);
    await writeFile(join(dir, 'a.review.json'), '{"format":"desktop-recording-review"}');
    // b: the file has another name than its session; its notes are named after the session, as the player saves them.
    await writeFile(join(dir, 'renamed-b.tar'), await recording('sess-b'));
    await writeFile(join(dir, 'sess-b.review.json'), REVIEW);
    // c: sidecars that must not be listed or sent: a link out of the folder, a FIFO, a folder, an unreadable file.
    await writeFile(join(dir, 'c.tar'), await recording('sess-c'));
    await writeFile(join(outside, 'secret.json'), '{"secret":true}');
    await symlink(join(outside, 'secret.json'), join(dir, 'c.text.json'));
    execFileSync('mkfifo', [join(dir, 'c.review.json')]);
    await mkdir(join(dir, 'sess-c.text.json'));
    // d: an unreadable index; its notes are a link that stays inside the folder (fine).
    await writeFile(join(dir, 'd.tar'), await recording('sess-d'));
    await writeFile(join(dir, 'd.text.json'), TEXT_INDEX);
    await chmod(join(dir, 'd.text.json'), 0o000);
    await symlink('a.review.json', join(dir, 'd.review.json'));
    await chmod(dir, 0o755);
    await chmod(outside, 0o755);
    server = await startServerModule({ recordingsDir: dir, corsOrigin: 'https://portal.example' }, unprivileged);
  });
  after(async () => {
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
    await rm(outside, { recursive: true, force: true });
  });

  const rows = async (): Promise<Map<string, Row>> => {
    const response = await fetch(`${server.base}/api/recordings`);
    assert.equal(response.status, 200);
    const { recordings } = (await response.json()) as { recordings: Row[] };
    return new Map(recordings.map((row) => [row.file, row]));
  };

  test('the list gives the URL of each readable sidecar inside the folder, by file name or else by session id', async () => {
    const list = await rows();
    assert.deepEqual([...list.keys()].sort(), ['a.tar', 'c.tar', 'd.tar', 'renamed-b.tar']);
    assert.equal(list.get('a.tar')!.textIndex, '/recordings/a.text.json');
    assert.equal(list.get('a.tar')!.reviewNotes, '/recordings/a.review.json');
    assert.equal(list.get('renamed-b.tar')!.textIndex, undefined);
    assert.equal(list.get('renamed-b.tar')!.reviewNotes, '/recordings/sess-b.review.json');
    assert.equal(list.get('c.tar')!.textIndex, undefined, 'a link out of the folder, a folder');
    assert.equal(list.get('c.tar')!.reviewNotes, undefined, 'a FIFO');
    assert.equal(list.get('d.tar')!.textIndex, undefined, 'unreadable');
    assert.equal(list.get('d.tar')!.reviewNotes, '/recordings/d.review.json', 'a link inside the folder');
    assert.ok(server.alive(), server.stderr());
  });

  test('a listed sidecar is sent as JSON, revalidated, with the recordings\' CORS header; the list\'s URLs all answer 200', async () => {
    const response = await fetch(`${server.base}/recordings/a.text.json`);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'application/json');
    assert.equal(response.headers.get('cache-control'), 'no-cache');
    assert.equal(response.headers.get('access-control-allow-origin'), 'https://portal.example');
    assert.equal(await response.text(), TEXT_INDEX);
    const etag = response.headers.get('etag')!;
    assert.equal((await fetch(`${server.base}/recordings/a.text.json`, { headers: { 'if-none-match': etag } })).status, 304);
    for (const row of (await rows()).values()) {
      for (const url of [row.textIndex, row.reviewNotes].filter(Boolean)) assert.equal((await fetch(`${server.base}${url}`)).status, 200, url);
    }
    assert.equal(await (await fetch(`${server.base}/recordings/d.review.json`)).text(), '{"format":"desktop-recording-review"}');
  });

  test('what is not a readable sidecar inside the folder is refused, and the server goes on', async () => {
    const refused: Array<[string, number]> = [
      ['/recordings/c.text.json', 404], // link out of the folder
      ['/recordings/c.review.json', 404], // FIFO
      ['/recordings/sess-c.text.json', 404], // folder
      ['/recordings/missing.text.json', 404],
      ['/recordings/d.text.json', 500], // unreadable
      ['/recordings/.text.json', 404],
      ['/recordings/..%2Fsecret.text.json', 404],
      ['/recordings/a.json', 404],
      ['/recordings/a.text.json%00', 404],
    ];
    for (const [path, status] of refused) {
      assert.equal((await fetch(`${server.base}${path}`)).status, status, path);
      assert.equal((await fetch(`${server.base}${path}`, { method: 'HEAD' })).status, status, `HEAD ${path}`);
    }
    assert.ok(server.alive(), server.stderr());
    assert.equal((await fetch(`${server.base}/recordings/a.tar`)).status, 200);
  });

  test('with a token, sidecars need it like every route', async () => {
    const TOKEN = 'tok-sidecars-long-enough';
    const guarded = await startServerModule({ recordingsDir: dir, token: TOKEN }, unprivileged);
    try {
      for (const path of ['/recordings/a.text.json', '/recordings/sess-b.review.json']) {
        assert.equal((await fetch(`${guarded.base}${path}`)).status, 401, path);
        assert.equal((await fetch(`${guarded.base}${path}`, { headers: { authorization: 'Bearer wrong' } })).status, 401, path);
        assert.equal((await fetch(`${guarded.base}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } })).status, 200, path);
      }
    } finally {
      await guarded.stop();
    }
  });
});
