import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parseRange, serve } from '../../src/cli/serve.js';
import { encodeTdp } from '../../src/format/tdp.js';
import { createRecorder, memorySink } from '../../src/recorder/index.js';

describe('serve()', () => {
  let dir = '';
  let server: Server;
  let base = '';
  let file: Uint8Array = new Uint8Array(0);

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'drp-serve-'));
    let now = Date.UTC(2026, 1, 2, 3, 4, 5);
    const sink = memorySink();
    const recorder = createRecorder({
      sink, now: () => now,
      session: { sessionId: 'abc', clusterName: 'c', user: 'dora', desktopName: 'pc-9', desktopAddr: '10.9.9.9:3389', windowsUser: 'dora' },
    });
    await recorder.start();
    await recorder.record(encodeTdp({ kind: 'screenSpec', width: 800, height: 600 }), 'client');
    now += 42_000;
    await recorder.record(encodeTdp({ kind: 'mouseMove', x: 5, y: 5 }), 'client');
    await recorder.end();
    file = sink.bytes();
    await writeFile(join(dir, 'abc.tar'), file);
    await writeFile(join(dir, 'notes.txt'), 'not a recording');
    server = await serve({ recordingsDir: dir, root: process.cwd(), port: 0, host: '127.0.0.1' });
    const address = server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  after(async () => {
    await new Promise((done) => server.close(done));
    await rm(dir, { recursive: true, force: true });
  });

  test('lists recordings with their session metadata', async () => {
    const response = await fetch(`${base}/api/recordings`);
    assert.equal(response.status, 200);
    const { items } = await response.json();
    assert.equal(items.length, 1);
    assert.equal(items[0].sessionId, 'abc');
    assert.equal(items[0].user, 'dora');
    assert.equal(items[0].desktopName, 'pc-9');
    assert.equal(items[0].durationMs, 42_000);
    assert.equal(items[0].size, file.length);
    assert.equal(items[0].damaged, false);
  });

  test('serves a recording whole and by byte range, as binary', async () => {
    const whole = await fetch(`${base}/recordings/abc.tar`);
    assert.equal(whole.status, 200);
    assert.equal(whole.headers.get('content-type'), 'application/octet-stream');
    assert.equal(whole.headers.get('content-encoding'), null);
    assert.equal(whole.headers.get('accept-ranges'), 'bytes');
    assert.deepEqual(new Uint8Array(await whole.arrayBuffer()), file);

    const part = await fetch(`${base}/recordings/abc.tar`, { headers: { range: 'bytes=10-29' } });
    assert.equal(part.status, 206);
    assert.equal(part.headers.get('content-range'), `bytes 10-29/${file.length}`);
    assert.deepEqual(new Uint8Array(await part.arrayBuffer()), file.subarray(10, 30));

    const suffix = await fetch(`${base}/recordings/abc.tar`, { headers: { range: 'bytes=-8' } });
    assert.deepEqual(new Uint8Array(await suffix.arrayBuffer()), file.subarray(file.length - 8));

    const beyond = await fetch(`${base}/recordings/abc.tar`, { headers: { range: `bytes=${file.length}-` } });
    assert.equal(beyond.status, 416);

    const cached = await fetch(`${base}/recordings/abc.tar`, { headers: { 'if-none-match': whole.headers.get('etag')! } });
    assert.equal(cached.status, 304);
  });

  test('never serves files outside its folders', async () => {
    assert.equal((await fetch(`${base}/recordings/..%2Fpackage.json`)).status, 404);
    assert.equal((await fetch(`${base}/recordings/missing.tar`)).status, 404);
    assert.equal((await fetch(`${base}/etc/passwd`)).status, 404);
  });

  test('parseRange()', () => {
    assert.deepEqual(parseRange('bytes=0-0', 10), [0, 0]);
    assert.deepEqual(parseRange('bytes=5-', 10), [5, 9]);
    assert.deepEqual(parseRange('bytes=-3', 10), [7, 9]);
    assert.deepEqual(parseRange('bytes=3-100', 10), [3, 9]);
    assert.equal(parseRange('bytes=9-3', 10), 'unsatisfiable');
    assert.equal(parseRange('bytes=0-1,4-5', 10), undefined);
    assert.equal(parseRange(undefined, 10), undefined);
  });
});
