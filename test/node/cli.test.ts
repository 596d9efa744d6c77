import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { encodeTdp } from '../../src/format/tdp.js';
import { createRecorder, memorySink } from '../../src/recorder/index.js';

// Runs the real command (bin → dist/cli.js); `npm test` builds dist before the Node tests.
const run = (...args: string[]) => spawnSync('node', ['bin/desktop-recording.mjs', ...args], { encoding: 'utf8' });

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

describe('desktop-recording index', () => {
  let dir = '';
  let file = '';
  before(async () => {
    const { createCanvas } = await import('@napi-rs/canvas');
    dir = await mkdtemp(join(tmpdir(), 'drp-cli-index-'));
    file = join(dir, 'session.tar');
    let now = Date.UTC(2026, 5, 1, 10);
    const sink = memorySink();
    const recorder = createRecorder({ sink, now: () => now, session: { sessionId: 'sid-2', clusterName: 'c', user: 'dave', desktopName: 'ws-8', desktopAddr: '10.1.1.8:3389', windowsUser: 'dave' } });
    await recorder.start();
    await recorder.record(encodeTdp({ kind: 'screenSpec', width: 512, height: 128 }), 'client');
    for (const [row, text] of [[0, 'Quarterly invoices approved'], [1, '']] as const) {
      const canvas = createCanvas(512, 64);
      const ctx = canvas.getContext('2d');
      ctx.fillStyle = '#ffffff';
      ctx.fillRect(0, 0, 512, 64);
      ctx.fillStyle = '#000000';
      ctx.font = '13px "Liberation Sans", "DejaVu Sans", sans-serif';
      ctx.fillText(text, 8, 36);
      await recorder.record(encodeTdp({ kind: 'pngFrame', left: 0, top: row * 64, right: 512, bottom: row * 64 + 64, png: new Uint8Array(canvas.toBuffer('image/png')) }), 'server');
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
