import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { gzipSync } from 'fflate';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { concatBytes } from '../../src/format/bytes.js';
import { encodePartHeader } from '../../src/format/container.js';
import { encodeTdp } from '../../src/format/tdp.js';
import { createRecorder, memorySink } from '../../src/recorder/index.js';
import { multiPartGzipBomb } from '../helpers/recording-bytes.js';
import { startCommand } from '../helpers/serve-process.js';
import { textTile } from '../helpers/text-tile.js';
import { copyWorkingTree } from '../helpers/working-tree-copy.js';
import { privateCommand, type PrivateCommand } from '../helpers/private-command.js';

// Runs the real command (bin → dist/cli.js) of a private build made once for this file: an `npm run build`
// that empties the working tree's dist/ meanwhile changes nothing here.
let command: PrivateCommand;
before(async () => {
  command = await privateCommand();
});
const run = (...args: string[]) => spawnSync('node', [command.bin, ...args], { encoding: 'utf8' });

describe('desktop-recording inspect', () => {
  let dir = '';
  let file = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'drp-cli-'));
    file = join(dir, 'session.tar');
    let now = Date.UTC(2026, 5, 1, 10);
    const sink = memorySink();
    const recorder = createRecorder({
      sink, now: () => now, partSize: 300,
      session: { sessionId: 'sid-1', clusterName: 'c', user: 'carol', desktopName: 'ws-7', desktopAddr: '10.1.1.7:3389', windowsUser: 'carol' },
    });
    await recorder.start();
    await recorder.record(encodeTdp({ kind: 'screenSpec', width: 1920, height: 1080 }), 'client');
    for (let i = 0; i < 40; i++) {
      now += 250;
      await recorder.record(encodeTdp({ kind: 'pngFrame', left: 0, top: 0, right: 64, bottom: 64, png: new Uint8Array(30).fill(i) }), 'server');
    }
    await recorder.clipboard('client', 17);
    now += 5000;
    await recorder.end();
    await writeFile(file, sink.bytes());
  });
  after(() => rm(dir, { recursive: true, force: true }));

  test('--json prints the summary of a clean file and exits 0', () => {
    const result = run('inspect', file, '--json');
    assert.equal(result.status, 0, result.stderr);
    const summary = JSON.parse(result.stdout);
    assert.equal(summary.format.version, 1);
    assert.ok(summary.format.parts > 1);
    assert.equal(summary.events, 44);
    assert.equal(summary.frames, 40);
    assert.equal(summary.durationMs, 15000);
    assert.deepEqual(summary.screen, { width: 1920, height: 1080 });
    assert.deepEqual(summary.markers.map((m: { code: string }) => m.code), ['TDP00I', 'TDP02I', 'TDP01I']);
    assert.equal(summary.recording.user, 'carol');
    assert.equal(summary.recording.desktopName, 'ws-7');
    assert.deepEqual(summary.errors, []);
  });

  test('text output names the session', () => {
    const result = run('inspect', file);
    assert.equal(result.status, 0);
    assert.match(result.stdout, /1920×1080/);
    assert.match(result.stdout, /carol/);
  });

  test('text output tells a Linux desktop, named once by its host id, with its Linux account', () => {
    const { status, stdout } = run('inspect', 'test/fixtures/linux/4c6f2a10-5d1e-4b7a-9c3f-8e2d0c0d2026.tar');
    assert.equal(status, 0);
    assert.match(stdout, /^ {2}user {7}alice@example\.com as alice$/m);
    assert.match(stdout, /^ {2}desktop {4}0f6e8c52-3b1d-4e2a-a9c7-5d4b3a2f1e0d$/m);
    assert.match(stdout, /^ {2}kind {7}Linux desktop$/m);
  });

  test('a damaged file prints what could be read and exits 1', async () => {
    const bytes = await readFile(file);
    const damaged = join(dir, 'damaged.tar');
    await writeFile(damaged, bytes.subarray(0, Math.floor(bytes.length * 0.7)));
    const result = run('inspect', damaged, '--json');
    assert.equal(result.status, 1);
    const summary = JSON.parse(result.stdout);
    assert.ok(summary.events > 10 && summary.events < 44, `events ${summary.events}`);
    assert.equal(summary.errors[0].reason, 'truncated');
    assert.equal(typeof summary.errors[0].atByte, 'number');
  });

  test('bad usage exits 2', () => {
    assert.equal(run().status, 2);
    assert.equal(run('inspect').status, 2);
    assert.equal(run('inspect', join(dir, 'missing.tar')).status, 2);
    assert.equal(run('inspect', file, '--yaml').status, 2);
    assert.equal(run('frobnicate').status, 2);
    const throttle = run('serve', '--throttle', 'warp9');
    assert.equal(throttle.status, 2);
    assert.match(throttle.stderr, /--throttle: a rate like 20mbit/);
  });
});

describe('desktop-recording inspect: hostile and unreadable files', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'drp-inspect-'));
    await chmod(dir, 0o755);
  });
  after(() => rm(dir, { recursive: true, force: true }));

  /** A recording whose session fields are `fields`, with a `width`×`height` screen. */
  async function write(name: string, fields: { user?: string; desktopName?: string }, width = 1024, height = 768): Promise<string> {
    const sink = memorySink();
    const recorder = createRecorder({
      sink, now: () => Date.UTC(2026, 0, 1),
      session: { sessionId: 'sid-x', clusterName: 'c', user: fields.user ?? 'u', desktopName: fields.desktopName ?? 'd', desktopAddr: '10.0.0.1:3389', windowsUser: 'w' },
    });
    await recorder.start();
    await recorder.record(encodeTdp({ kind: 'screenSpec', width, height }), 'client');
    await recorder.end();
    const path = join(dir, name);
    await writeFile(path, sink.bytes());
    return path;
  }

  const UNSAFE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

  test('control characters from the recording are escaped, in text and in JSON', async () => {
    const user = 'mallory\u001b]0;pwned\u0007\u001b[2J\u001b[H';
    const desktopName = 'pc\u202e\u007f\u009b31m';
    const file = await write('hostile.tar', { user, desktopName });
    const text = run('inspect', file);
    assert.equal(text.status, 0, text.stderr);
    assert.doesNotMatch(text.stdout, UNSAFE, 'no raw control character reaches the terminal');
    assert.match(text.stdout, /user {7}mallory\\x1b\]0;pwned\\x07\\x1b\[2J\\x1b\[H/);
    assert.match(text.stdout, /desktop {4}pc\\u202e\\x7f\\x9b31m/);
    const json = run('inspect', file, '--json');
    assert.equal(json.status, 0);
    assert.doesNotMatch(json.stdout, UNSAFE);
    const summary = JSON.parse(json.stdout);
    assert.equal(summary.recording.user, user, 'the JSON still reads back as the recorded text');
    assert.equal(summary.recording.desktopName, desktopName);
  });

  test('a file that cannot be read: exit 2 and one line, no stack trace', async () => {
    const locked = await write('locked.tar', {});
    await chmod(locked, 0o000);
    const folder = join(dir, 'folder.tar');
    await mkdir(folder);
    const fifo = join(dir, 'fifo.tar');
    execFileSync('mkfifo', [fifo]);
    // As root, permissions do not stop reading: the command runs as nobody then.
    const asNobody = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    const cases: [string, RegExp][] = [[locked, /permission denied/], [folder, /folder|not a file/], [fifo, /not a file/], [join(dir, 'missing.tar'), /no such file/]];
    for (const [path, reason] of cases) {
      const result = spawnSync('node', [command.bin, 'inspect', path], { encoding: 'utf8', timeout: 20_000, ...asNobody });
      assert.equal(result.status, 2, `${path}: ${result.stderr}`);
      assert.equal(result.stdout, '');
      assert.match(result.stderr, /^Cannot read .+: .+\n$/, 'one line');
      assert.match(result.stderr, reason);
    }
  });

  test('a recording with no events is not clean', async () => {
    const gz = gzipSync(new Uint8Array(0));
    const empty = join(dir, 'no-events.tar');
    await writeFile(empty, concatBytes([encodePartHeader(gz.length, 0), gz]));
    const result = run('inspect', empty, '--json');
    assert.equal(result.status, 1, result.stdout);
    const summary = JSON.parse(result.stdout);
    assert.equal(summary.events, 0);
    assert.deepEqual(summary.errors.map((e: { reason: string }) => e.reason), ['not-a-recording']);
    assert.match(run('inspect', empty).stdout, /DAMAGED {4}not-a-recording at byte 0: the recording holds no events/);
  });

  test('a gzip bomb spread over parts, each under the part limit: damaged (corrupt), with the events before it', async () => {
    const file = join(dir, 'bomb.tar');
    await writeFile(file, multiPartGzipBomb());
    const result = run('inspect', file, '--json');
    assert.equal(result.status, 1, result.stderr);
    const summary = JSON.parse(result.stdout);
    assert.equal(summary.events, 3);
    assert.deepEqual(summary.errors.map((e: { reason: string }) => e.reason), ['corrupt']);
    assert.match(summary.errors[0].message, /gzip bomb/);
    assert.match(run('inspect', file).stdout, /DAMAGED {4}corrupt .*gzip bomb/);
  });

  test('a 100000×100000 screen is reported: screen-too-large', async () => {
    const file = await write('huge.tar', {}, 100_000, 100_000);
    const result = run('inspect', file, '--json');
    assert.equal(result.status, 1);
    const summary = JSON.parse(result.stdout);
    assert.deepEqual(summary.screen, { width: 100_000, height: 100_000 });
    assert.equal(summary.errors.length, 1);
    assert.equal(summary.errors[0].reason, 'screen-too-large');
    assert.match(summary.errors[0].message, /100000×100000/);
    assert.match(run('inspect', file).stdout, /DAMAGED {4}screen-too-large/);
  });
});

describe('the committed sample recordings', () => {
  const samples = [
    { file: 'demo/recordings/6c0e1e5a-8d6b-4a51-9a0c-2f4b1c7d0720.tar', screen: { width: 1280, height: 720 }, user: 'alice@example.com' },
    { file: 'demo/recordings/9a7f3c21-0b4e-4f8a-8c3d-5e6f7a8b1080.tar', screen: { width: 1920, height: 1080 }, user: 'bob@example.com' },
  ];
  for (const sample of samples) {
    test(`${sample.file} inspects clean, with its session, clipboard and shared-directory markers`, () => {
      const result = run('inspect', sample.file, '--json');
      assert.equal(result.status, 0, result.stdout);
      const summary = JSON.parse(result.stdout);
      assert.deepEqual(summary.screen, sample.screen);
      assert.equal(summary.screenData, 'png');
      assert.equal(summary.recording.user, sample.user);
      assert.ok(summary.frames > 1000, `frames: ${summary.frames}`);
      const codes = new Set(summary.markers.map((m: { code: string }) => m.code));
      for (const code of ['TDP00I', 'TDP01I', 'TDP03I', 'TDP04I', 'TDP05I']) assert.ok(codes.has(code), `marker ${code}`);
      assert.equal(summary.skipped.badMessages, 0);
    });
  }
});

describe('desktop-recording serve (the built command)', () => {
  test('without a folder of recordings it is a usage error that says so', () => {
    const result = spawnSync('node', [command.bin, 'serve', '--port', '0'], { encoding: 'utf8', timeout: 10_000 });
    assert.equal(result.status, 2);
    assert.match(result.stderr, /^serve needs the folder of recordings \(DIR\)\nUsage:/);
  });

  test('serves its page, the player and the recordings; runs no demo parts', async () => {
    const server = await startCommand(['demo/recordings', '--port', '0']);
    try {
      const page = await fetch(`${server.base}/`);
      assert.equal(page.status, 200);
      assert.match(page.headers.get('content-type')!, /^text\/html/);
      const html = await page.text();
      for (const asset of [...html.matchAll(/(?:href|src)="(\/(?:page|dist)\/[^"]+)"/g)].map((m) => m[1]!)) {
        assert.equal((await fetch(`${server.base}${asset}`)).status, 200, asset);
      }
      assert.match(await (await fetch(`${server.base}/page/page.js`)).text(), /\/dist\/desktop-recording-player\.js/);
      assert.equal((await fetch(`${server.base}/dist/desktop-recording-player.js`)).status, 200);
      assert.deepEqual(await (await fetch(`${server.base}/api/server`)).json(), { actions: [] }, 'no live sessions: they are the demo’s');
      const live = await fetch(`${server.base}/api/live`, { method: 'POST', headers: { 'content-type': 'application/json', origin: server.base }, body: '{}' });
      assert.equal(live.status, 404);
      assert.equal((await (await fetch(`${server.base}/api/recordings`)).json()).total, readdirSync('demo/recordings').filter((name) => name.endsWith('.tar')).length);
    } finally {
      await server.stop();
    }
  });

  // Packs a private copy of the working tree, so a build that empties dist/ at the same time cannot change the list.
  // The copy has no dist/ as a clean clone has none: `prepack` builds it, which pack.test.ts checks in the tarball.
  test('the package ships the command, its page and the built player, and no demo', async () => {
    const copy = await mkdtemp(join(tmpdir(), 'drp-cli-pack-'));
    try {
      await copyWorkingTree(process.cwd(), copy);
      const result = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: copy, encoding: 'utf8', timeout: 60_000 });
      assert.equal(result.status, 0, result.stderr);
      const files = new Set((JSON.parse(result.stdout) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path));
      for (const path of ['bin/desktop-recording.mjs', 'page/index.html', 'page/page.js', 'page/page.css']) assert.ok(files.has(path), path);
      assert.ok(![...files].some((path) => path.startsWith('demo/')), 'nothing of the demo');
      const manifest = JSON.parse(await readFile(join(copy, 'package.json'), 'utf8')) as { files: string[]; scripts: Record<string, string> };
      assert.ok(manifest.files.includes('dist'), 'the built player is in `files`');
      assert.match(manifest.scripts.prepack ?? '', /\bnpm run build\b/, 'packing builds it');
    } finally {
      await rm(copy, { recursive: true, force: true });
    }
  });
});

describe('desktop-recording index', () => {
  let dir = '';
  let file = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'drp-cli-index-'));
    file = join(dir, 'session.tar');
    let now = Date.UTC(2026, 5, 1, 10);
    const sink = memorySink();
    const recorder = createRecorder({ sink, now: () => now, session: { sessionId: 'sid-2', clusterName: 'c', user: 'dave', desktopName: 'ws-8', desktopAddr: '10.1.1.8:3389', windowsUser: 'dave' } });
    await recorder.start();
    await recorder.record(encodeTdp({ kind: 'screenSpec', width: 512, height: 128 }), 'client');
    for (const [row, text] of [[0, 'Quarterly invoices approved'], [1, '']] as const) {
      await recorder.record(encodeTdp({ kind: 'pngFrame', left: 0, top: row * 64, right: 512, bottom: row * 64 + 64, png: textTile(512, text) }), 'server');
    }
    now += 3000;
    await recorder.end();
    await writeFile(file, sink.bytes());
  });
  after(() => rm(dir, { recursive: true, force: true }));

  test('writes FILE.text.json beside the recording (or --out), with the words and their times', async () => {
    const result = run('index', file);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /session\.text\.json: \d+ words over 0:03\.0/);
    const index = JSON.parse(await readFile(join(dir, 'session.text.json'), 'utf8'));
    assert.equal(index.format, 'desktop-recording-text-index');
    const words = index.words.map((word: unknown[]) => String(word[0]).toLowerCase());
    assert.ok(words.includes('invoices') && words.includes('approved'), words.join(' '));
    const other = join(dir, 'elsewhere.json');
    assert.equal(run('index', file, '--out', other).status, 0);
    assert.deepEqual(JSON.parse(await readFile(other, 'utf8')).words, index.words, 'the same recording gives the same index');
  });

  test('usage errors exit 2; a file that is not a recording exits 1 with a clear message', async () => {
    assert.equal(run('index').status, 2);
    assert.equal(run('index', file, '--fast').status, 2);
    assert.match(run('index', join(dir, 'missing.tar')).stderr, /no such file/);
    const junk = join(dir, 'junk.tar');
    await writeFile(junk, 'not a recording');
    const result = run('index', junk);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /Cannot index/);
  });
});
