import assert from 'node:assert/strict';
import { copyFile, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { main } from '../../src/cli/main.js';
import { parseRange, serve, type DemoServer, type ListPage } from '../../src/cli/serve.js';
import { encodeTdp } from '../../src/format/tdp.js';
import { createRecorder, memorySink } from '../../src/recorder/index.js';
import { loopbackUrl } from '../helpers/loopback.js';

describe('serve()', () => {
  let dir = '';
  let server: DemoServer;
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
    base = loopbackUrl(server);
  });
  after(async () => {
    await new Promise((done) => server.close(done));
    await rm(dir, { recursive: true, force: true });
  });

  test('lists recordings with their session metadata', async () => {
    const response = await fetch(`${base}/api/recordings`);
    assert.equal(response.status, 200);
    const { recordings: items, total } = await response.json();
    assert.equal(total, 1);
    assert.equal(items.length, 1);
    assert.equal(items[0].sessionId, 'abc');
    assert.equal(items[0].user, 'dora');
    assert.equal(items[0].desktopName, 'pc-9');
    assert.equal(items[0].durationMs, 42_000);
    assert.equal(items[0].size, file.length);
    assert.equal(items[0].damaged, false);
    assert.equal(items[0].live, false);
    assert.equal(items[0].url, '/recordings/abc.tar');
    assert.equal(items[0].wsPath, '/webapi/sites/c/desktopplayback/abc/ws');
  });

  test("sessionlength, as Teleport's web UI asks for it", async () => {
    const response = await fetch(`${base}/v1/webapi/sites/c/sessionlength/abc`);
    assert.deepEqual(await response.json(), { durationMs: 42_000, recordingType: 'desktop' });
    assert.equal((await fetch(`${base}/webapi/sites/c/sessionlength/nope`)).status, 404);
  });

  test('the playback websocket path answers plain HTTP with 426', async () => {
    assert.equal((await fetch(`${base}/webapi/sites/c/desktopplayback/abc/ws`)).status, 426);
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

  test("serves the OCR engine's files of text search under /text-search/, from the installed packages, and nothing else there", async () => {
    const { readFile } = await import('node:fs/promises');
    for (const [path, installed, type] of [
      ['tesseract.esm.min.js', 'node_modules/tesseract.js/dist/tesseract.esm.min.js', 'text/javascript; charset=utf-8'],
      ['worker.min.js', 'node_modules/tesseract.js/dist/worker.min.js', 'text/javascript; charset=utf-8'],
      ['core/tesseract-core-simd-lstm.wasm.js', 'node_modules/tesseract.js-core/tesseract-core-simd-lstm.wasm.js', 'text/javascript; charset=utf-8'],
      ['lang/eng.traineddata.gz', 'node_modules/@tesseract.js-data/eng/4.0.0/eng.traineddata.gz', undefined],
    ] as const) {
      const response = await fetch(`${base}/text-search/${path}`);
      assert.equal(response.status, 200, path);
      if (type) assert.equal(response.headers.get('content-type'), type, path);
      assert.deepEqual(new Uint8Array(await response.arrayBuffer()), new Uint8Array(await readFile(installed)), path);
    }
    for (const path of ['core/index.js', 'core/../package.json', 'core/..%2Fpackage.json', 'lang/deu.traineddata.gz', 'tesseract.js', '']) {
      assert.equal((await fetch(`${base}/text-search/${path}`)).status, 404, path);
    }
  });

  test('serve command: bad options are usage errors', async () => {
    for (const args of [['serve', '--token'], ['serve', '--token', ''], ['serve', '--bogus'], ['serve', 'a', 'b'], ['serve', '--port', 'x']]) {
      const err = new PassThrough();
      assert.equal(await main(args, new PassThrough() as unknown as typeof process.stdout, err as unknown as typeof process.stderr), 2, args.join(' '));
      assert.match(String(err.read() ?? ''), /Usage:[\s\S]*--token T/);
    }
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

  test('finds a recording by its session id, whatever its file is called', async () => {
    const sink = memorySink();
    const recorder = createRecorder({
      sink, now: () => Date.UTC(2026, 1, 3),
      session: { sessionId: 'e1f2', clusterName: 'c', user: 'eve', desktopName: 'pc-1', desktopAddr: '10.1.1.1:3389', windowsUser: 'eve' },
    });
    await recorder.start();
    await recorder.record(encodeTdp({ kind: 'screenSpec', width: 640, height: 480 }), 'client');
    await recorder.end();
    const bytes = sink.bytes();
    await writeFile(join(dir, 'old-name.tar'), bytes);
    try {
      for (const path of ['/recordings/e1f2.tar', '/recordings/old-name.tar']) {
        const response = await fetch(`${base}${path}`);
        assert.equal(response.status, 200, path);
        assert.deepEqual(new Uint8Array(await response.arrayBuffer()), bytes, path);
      }
      assert.equal((await fetch(`${base}/webapi/sites/c/sessionlength/e1f2`)).status, 200);
      assert.equal((await fetch(`${base}/recordings/nope.tar`)).status, 404);
    } finally {
      await rm(join(dir, 'old-name.tar'));
    }
  });
});

const SAMPLES = {
  alice: '6c0e1e5a-8d6b-4a51-9a0c-2f4b1c7d0720',
  bob: '9a7f3c21-0b4e-4f8a-8c3d-5e6f7a8b1080',
};

describe('GET /api/recordings', () => {
  let dir = '';
  let server: DemoServer;
  let base = '';

  /** A small recording by `user` on `desktop`, starting at `start`, `durationMs` long. */
  async function write(name: string, user: string, desktopName: string, start: number, durationMs: number): Promise<void> {
    let now = start;
    const sink = memorySink();
    const recorder = createRecorder({
      sink, now: () => now,
      session: { sessionId: name, clusterName: 'c', user, desktopName, desktopAddr: `${name}.corp:3389`, windowsUser: 'user', windowsDomain: 'LAB' },
    });
    await recorder.start();
    await recorder.record(encodeTdp({ kind: 'screenSpec', width: 1024, height: 768 }), 'client');
    now += durationMs;
    await recorder.end();
    await writeFile(join(dir, `${name}.tar`), sink.bytes());
  }

  const list = async (query = ''): Promise<ListPage> => {
    const response = await fetch(`${base}/api/recordings${query}`);
    assert.equal(response.status, 200);
    return (await response.json()) as ListPage;
  };
  const users = (page: ListPage) => page.recordings.map((r) => r.user ?? r.file);

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'drp-list-'));
    for (const sid of Object.values(SAMPLES)) await copyFile(join('demo', 'recordings', `${sid}.tar`), join(dir, `${sid}.tar`));
    await write('carol', 'carol@example.com', 'build-07', Date.UTC(2026, 0, 5, 8), 10_000);
    await write('dave', 'Dave@Corp.example', 'WIN-DEV-02', Date.UTC(2026, 11, 1, 12), 5_000);
    await writeFile(join(dir, 'broken.tar'), 'not a recording');
    // No session start in the file: it sorts by its mtime.
    await utimes(join(dir, 'broken.tar'), new Date(Date.UTC(2026, 5, 1)), new Date(Date.UTC(2026, 5, 1)));
    server = await serve({ recordingsDir: dir, root: process.cwd(), port: 0, host: '127.0.0.1' });
    base = loopbackUrl(server);
  });
  after(async () => {
    await new Promise((done) => server.close(done));
    await rm(dir, { recursive: true, force: true });
  });

  test('fields of the committed samples, from their session events', async () => {
    const page = await list();
    const alice = page.recordings.find((r) => r.sessionId === SAMPLES.alice);
    assert.deepEqual(alice, {
      file: `${SAMPLES.alice}.tar`,
      sessionId: SAMPLES.alice,
      kind: 'desktop',
      desktopKind: 'windows',
      clusterName: 'teleport.example.com',
      user: 'alice@example.com',
      desktopName: 'win-dev-01',
      desktopAddr: '10.20.0.15:3389',
      windowsUser: 'alice',
      windowsDomain: 'CORP',
      start: '2026-11-12T14:05:12.000Z',
      end: '2026-11-12T14:07:14.300Z',
      durationMs: 121_900,
      participants: ['alice@example.com'],
      recorded: true,
      size: 4_932_050,
      screen: { width: 1280, height: 720 },
      damaged: false,
      live: false,
      url: `/recordings/${SAMPLES.alice}.tar`,
      wsPath: `/webapi/sites/teleport.example.com/desktopplayback/${SAMPLES.alice}/ws`,
    });
    const bob = page.recordings.find((r) => r.sessionId === SAMPLES.bob)!;
    assert.equal(bob.user, 'bob@example.com');
    assert.equal(bob.windowsUser, 'Administrator');
    assert.equal(bob.desktopName, 'win-dc-01');
    assert.equal(bob.durationMs, 91_990);
    assert.deepEqual(bob.screen, { width: 1920, height: 1080 });
    const broken = page.recordings.find((r) => r.file === 'broken.tar')!;
    assert.equal(broken.damaged, true);
    assert.equal(broken.sessionId, 'broken');
  });

  test('sorting: newest first by default; start, duration, user, desktop, either way', async () => {
    const page = await list();
    assert.deepEqual({ total: page.total, offset: page.offset, limit: page.limit }, { total: 5, offset: 0, limit: 50 });
    assert.deepEqual(users(page), ['Dave@Corp.example', 'bob@example.com', 'alice@example.com', 'broken.tar', 'carol@example.com']);
    assert.deepEqual(users(await list('?sort=start')), ['carol@example.com', 'broken.tar', 'alice@example.com', 'bob@example.com', 'Dave@Corp.example']);
    assert.deepEqual(users(await list('?sort=-duration')), ['alice@example.com', 'bob@example.com', 'carol@example.com', 'Dave@Corp.example', 'broken.tar']);
    assert.deepEqual(users(await list('?sort=duration')).slice(0, 2), ['broken.tar', 'Dave@Corp.example']);
    assert.deepEqual(users(await list('?sort=user')), ['broken.tar', 'alice@example.com', 'bob@example.com', 'carol@example.com', 'Dave@Corp.example']);
    assert.deepEqual(
      (await list('?sort=-desktop')).recordings.map((r) => r.desktopName ?? r.file),
      ['WIN-DEV-02', 'win-dev-01', 'win-dc-01', 'build-07', 'broken.tar'],
    );
  });

  test('filters: user and desktop, case-insensitive substrings', async () => {
    assert.deepEqual(users(await list('?user=ALICE')), ['alice@example.com']);
    assert.deepEqual(users(await list('?user=administrator')), ['bob@example.com'], 'the Windows user matches too');
    assert.deepEqual(users(await list('?desktop=win-d&sort=user')), ['alice@example.com', 'bob@example.com', 'Dave@Corp.example']);
    assert.deepEqual(users(await list('?desktop=10.20.0.2')), ['bob@example.com'], 'the address matches too');
    const both = await list('?user=example&desktop=dev');
    assert.deepEqual(users(both), ['Dave@Corp.example', 'alice@example.com']);
    assert.equal(both.total, 2);
    assert.equal((await list('?user=nobody')).total, 0);
  });

  test('pagination: limit, offset and total', async () => {
    const page = await list('?limit=2&offset=1');
    assert.deepEqual({ total: page.total, offset: page.offset, limit: page.limit }, { total: 5, offset: 1, limit: 2 });
    assert.deepEqual(users(page), ['bob@example.com', 'alice@example.com']);
    assert.deepEqual(users(await list('?limit=2&offset=4')), ['carol@example.com']);
    assert.equal((await list('?offset=9')).recordings.length, 0);
    assert.equal((await list('?limit=100000')).limit, 500);
    for (const bad of ['?limit=0', '?limit=-1', '?offset=x', '?sort=size']) {
      const response = await fetch(`${base}/api/recordings${bad}`);
      assert.equal(response.status, 400, bad);
      assert.ok((await response.json()).error);
    }
  });

  test('summaries are cached by file size and mtime', async () => {
    await list();
    const parses = server.catalog.parses;
    await list('?sort=user');
    await list('?user=bob');
    assert.equal(server.catalog.parses, parses, 'nothing parsed again');
    await write('carol', 'carol@example.com', 'build-08', Date.UTC(2026, 0, 5, 8), 12_000);
    const carol = (await list('?user=carol')).recordings[0]!;
    assert.equal(server.catalog.parses, parses + 1, 'only the changed file');
    assert.equal(carol.desktopName, 'build-08');
    assert.equal(carol.durationMs, 12_000);
  });
});

describe('GET /api/recordings with a Linux desktop', () => {
  const LINUX = '4c6f2a10-5d1e-4b7a-9c3f-8e2d0c0d2026';
  const WINDOWS = '6c0e1e5a-8d6b-4a51-9a0c-2f4b1c7d0720';
  let dir = '';
  let server: DemoServer;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'drp-linux-'));
    await copyFile(join('test', 'fixtures', 'linux', `${LINUX}.tar`), join(dir, `${LINUX}.tar`));
    await copyFile(join('demo', 'recordings', `${WINDOWS}.tar`), join(dir, `${WINDOWS}.tar`));
    server = await serve({ recordingsDir: dir, root: process.cwd(), port: 0, host: '127.0.0.1' });
  });

  after(async () => {
    await new Promise((done) => server.close(done));
    await rm(dir, { recursive: true, force: true });
  });

  test('tells Windows and Linux desktops apart, with the Linux account', async () => {
    const list = async (query = '') => (await (await fetch(`${loopbackUrl(server)}/api/recordings${query}`)).json()) as ListPage;
    const rows = new Map((await list()).recordings.map((row) => [row.sessionId, row]));
    const linux = rows.get(LINUX)!;
    assert.equal(linux.desktopKind, 'linux');
    assert.equal(linux.linuxUser, 'alice');
    assert.equal(linux.windowsUser, undefined);
    assert.equal(linux.desktopName, '0f6e8c52-3b1d-4e2a-a9c7-5d4b3a2f1e0d', 'a Linux desktop is named by its host id');
    assert.equal(linux.durationMs, 12_000, 'to the session end');
    assert.equal(rows.get(WINDOWS)!.desktopKind, 'windows');
  });
});
