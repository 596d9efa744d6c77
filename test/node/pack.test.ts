// The package as users get it. The project's files (tracked and new, as a clean clone has them:
// no dist/) are copied to an empty folder and packed there with `npm pack` (its `prepack` builds);
// the tarball is installed into another empty folder (dependencies from the npm cache when they are
// there). Then, from that folder: every `exports` entry resolves to a file that is in the package
// (types too), the DOM-free entries are imported and used (the installed recorder writes a recording
// of the two real PNG tiles of test/fixtures, the installed reader reads it back), the
// `desktop-recording` bin inspects it, and a plain HTML page with the installed one-file script
// (dist/desktop-recording-player.iife.js) plays it in headless Chromium to its end, its last frame
// compared with the two tiles drawn by the page itself. One pack per run.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Browser } from 'puppeteer-core';
import { chromiumMissing, launchChromium } from '../helpers/chromium.js';
import { loopbackUrl } from '../helpers/loopback.js';
import { startCommand } from '../helpers/serve-process.js';
import { copyWorkingTree } from '../helpers/working-tree-copy.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));
const NAME = 'desktop-recording-player';
const SESSION_ID = '0f2c6a1e-3b1d-4c55-8a0e-9d1f2b3c4d5e';

/** The fixture's two TDP PNG-frame messages (64×64 tiles at (0,0) and (64,0)). */
async function fixtureTiles(): Promise<number[][]> {
  const messages = JSON.parse(await readFile(join(root, 'test/fixtures/tdp-first2pngs.json'), 'utf8')) as Array<Record<string, number>>;
  return messages.map((message) => Object.keys(message).sort((a, b) => Number(a) - Number(b)).map((key) => message[key]!));
}

/**
 * Runs in the install folder, so `desktop-recording-player` is the installed package. Prints one
 * JSON object: how each export resolved, and what the recorder wrote and the reader read back.
 */
const checkScript = `
import { existsSync, readdirSync, writeFileSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const name = ${JSON.stringify(NAME)};
const packageDir = dirname(fileURLToPath(import.meta.resolve(name + '/package.json')));
const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
const resolved = {};
for (const [subpath, target] of Object.entries(manifest.exports)) {
  const specifiers = [];
  if (subpath.endsWith('/*')) {
    const folder = subpath.slice(2, -1);
    for (const file of readdirSync(join(packageDir, folder))) specifiers.push(subpath.slice(1, -1) + file);
  } else specifiers.push(subpath.slice(1));
  for (const rest of specifiers) {
    let file = null, error = null;
    try { file = fileURLToPath(import.meta.resolve(name + rest)); } catch (caught) { error = caught.code ?? caught.message; }
    const types = typeof target === 'object' && target.types ? join(packageDir, target.types) : null;
    resolved[name + rest] = { exists: file !== null && existsSync(file), error, types: types && existsSync(types) };
  }
}

const { createRecorder, memorySink } = await import(name + '/recorder');
const { readRecording, concatBytes } = await import(name + '/format');
const tiles = JSON.parse(process.argv[1]);
let clock = Date.UTC(2024, 0, 1, 9, 0, 0);
const sink = memorySink();
const recorder = createRecorder({
  sink, now: () => clock,
  session: { sessionId: '0f2c6a1e-3b1d-4c55-8a0e-9d1f2b3c4d5e', clusterName: 'example', user: 'alice', desktopName: 'win-01', desktopAddr: '10.0.0.5:3389', windowsUser: 'Administrator' },
});
await recorder.start();
await recorder.record(Uint8Array.of(1, 0, 0, 0, 128, 0, 0, 0, 64), 'client');
await recorder.record(Uint8Array.from(tiles[0]), 'server');
clock += 1000;
await recorder.record(Uint8Array.from(tiles[1]), 'server');
clock += 500;
await recorder.end();
const bytes = concatBytes(sink.parts);
writeFileSync('recording.tar', bytes);
const read = await readRecording(bytes);
console.log(JSON.stringify({ resolved, events: read.events.length, error: read.error?.reason ?? null }));
`;

describe('npm pack, installed into an empty folder', { skip: chromiumMissing }, () => {
  let scratch = '';
  let installDir = '';
  let packageDir = '';
  let tarball = '';
  let packedFiles: string[] = [];
  let server: Server | undefined;
  let browser: Browser | undefined;

  before(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'drp-pack-'));
    const clone = join(scratch, 'clone');
    await copyWorkingTree(root, clone);
    assert.equal(existsSync(join(clone, 'dist')), false, 'the copy starts without dist/');
    await symlink(join(root, 'node_modules'), join(clone, 'node_modules'), 'dir');
    const packs = join(scratch, 'packs');
    await mkdir(packs);
    await run('npm', ['pack', '--pack-destination', packs, '--loglevel=error'], { cwd: clone, maxBuffer: 64 << 20 });
    const [packed] = await readdir(packs);
    assert.ok(packed?.endsWith('.tgz'), `npm pack made a tarball (${packed})`);
    tarball = join(packs, packed);
    packedFiles = (await run('tar', ['-tzf', tarball], { maxBuffer: 64 << 20 })).stdout.split('\n').filter(Boolean).map((path) => path.replace(/^package\//, ''));

    installDir = join(scratch, 'install');
    await mkdir(installDir);
    await writeFile(join(installDir, 'package.json'), JSON.stringify({ name: 'pack-check', private: true, type: 'module' }));
    await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', tarball], { cwd: installDir, maxBuffer: 64 << 20 });
    packageDir = join(installDir, 'node_modules', NAME);
  });

  after(async () => {
    await browser?.close();
    if (server) await new Promise((done) => server!.close(done));
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  test('the tarball holds the built files the contract names, the bin, its page and the license, and no demo', () => {
    for (const file of ['dist/index.js', 'dist/desktop-recording-player.js', 'dist/desktop-recording-player.iife.js', 'dist/recording.worker.js', 'dist/format.js', 'dist/recorder.js', 'dist/cli.js', 'dist/types/index.d.ts', 'bin/desktop-recording.mjs', 'page/index.html', 'page/page.js', 'page/page.css', 'custom-elements.json', 'LICENSE', 'README.md']) {
      assert.ok(packedFiles.includes(file), `${file} is in the tarball`);
    }
    assert.ok(packedFiles.some((file) => file.startsWith('dist/chunks/')), 'the worker\'s chunks are in the tarball');
    assert.ok(!packedFiles.some((file) => file.startsWith('demo/')), 'nothing of the demo');
  });

  test('every export resolves to a file of the installed package; the recorder writes what the reader reads', async () => {
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', checkScript, JSON.stringify(await fixtureTiles())], { cwd: installDir });
    const result = JSON.parse(stdout) as { resolved: Record<string, { exists: boolean; error: string | null; types: boolean | null }>; events: number; error: string | null };
    const wanted = ['', '/format', '/recorder', '/strings/de', '/dist/desktop-recording-player.js', '/dist/desktop-recording-player.iife.js', '/dist/recording.worker.js', '/package.json', '/custom-elements.json'];
    for (const rest of wanted) assert.ok(result.resolved[NAME + rest], `${NAME}${rest} is exported`);
    assert.ok(Object.keys(result.resolved).some((specifier) => specifier.startsWith(`${NAME}/dist/chunks/`)), 'the chunks are exported');
    for (const [specifier, { exists, error, types }] of Object.entries(result.resolved)) {
      assert.equal(error, null, `${specifier} resolves`);
      assert.ok(exists, `${specifier} is a file of the package`);
      assert.notEqual(types, false, `the types of ${specifier} are in the package`);
    }
    // Session start, screen size, two tiles, session end.
    assert.equal(result.events, 5);
    assert.equal(result.error, null);
  });

  test('the installed bin inspects the recording', async () => {
    const bin = join(installDir, 'node_modules/.bin/desktop-recording');
    const { stdout } = await run(bin, ['inspect', 'recording.tar', '--json'], { cwd: installDir });
    const summary = JSON.parse(stdout) as { screen: { width: number; height: number }; frames: number; durationMs: number; errors: unknown[] };
    assert.deepEqual(summary.screen, { width: 128, height: 64 });
    assert.equal(summary.frames, 2);
    assert.equal(summary.durationMs, 1500);
    assert.deepEqual(summary.errors, []);
  });

  test('the installed bin serves its page from a folder of recordings, and a recording chosen there plays over HTTP and over the playback websocket', { timeout: 120_000 }, async () => {
    const recordings = join(scratch, 'recordings');
    await mkdir(recordings);
    await copyFile(join(installDir, 'recording.tar'), join(recordings, `${SESSION_ID}.tar`));
    const serving = await startCommand([recordings, '--port', '0'], { cwd: installDir }, join(installDir, 'node_modules/.bin/desktop-recording'));
    try {
      const page = await fetch(`${serving.base}/`);
      assert.equal(page.status, 200, 'the page');
      assert.match(await page.text(), /<title>Session Recordings/);
      const list = (await (await fetch(`${serving.base}/api/recordings`)).json()) as { recordings: Array<{ sessionId: string }> };
      assert.deepEqual(list.recordings.map((recording) => recording.sessionId), [SESSION_ID]);

      browser ??= await launchChromium();
      for (const mode of ['', '&mode=ws']) {
        const tab = await browser.newPage();
        const pageErrors: string[] = [];
        tab.on('pageerror', (error) => pageErrors.push(error instanceof Error ? error.message : String(error)));
        await tab.goto(`${serving.base}/?sid=${SESSION_ID}${mode}`);
        // The page gives its player the recording; played to the end, it shows the last frame.
        const state = await tab.evaluate(async () => {
          const player = document.querySelector('desktop-recording-player') as HTMLElement & { src: string; error: { reason: string } | null; readyState: number; currentTime: number; duration: number; videoWidth: number; play(): Promise<void> };
          // (No named functions in here: the test's compiler would wrap them in a helper the page lacks.)
          await new Promise<void>((resolve) => {
            if (player.readyState >= 2 || player.error) return resolve();
            player.addEventListener('loadeddata', () => resolve());
            player.addEventListener('error', () => resolve());
          });
          if (!player.error) {
            const ended = new Promise((resolve) => player.addEventListener('ended', resolve, { once: true }));
            await player.play();
            await ended;
          }
          return { websocket: player.src.startsWith('ws://'), error: player.error?.reason ?? null, time: player.currentTime, width: player.videoWidth };
        });
        assert.deepEqual(state, { websocket: mode !== '', error: null, time: 1.5, width: 128 }, mode || 'http');
        assert.deepEqual(pageErrors, [], mode || 'http');
        await tab.close();
      }
      assert.ok(serving.alive());
    } finally {
      await serving.stop();
    }
  });

  test('a plain HTML page with the installed one-file script plays the recording to its end', { timeout: 120_000 }, async () => {
    const files: Record<string, { type: string; path: string }> = {
      '/player.js': { type: 'text/javascript', path: join(packageDir, 'dist/desktop-recording-player.iife.js') },
      '/recording.tar': { type: 'application/octet-stream', path: join(installDir, 'recording.tar') },
    };
    const page = `<!doctype html><meta charset="utf-8"><title>pack check</title>
<script src="/player.js"></script>
<desktop-recording-player src="/recording.tar" autoplay controls style="width: 640px"></desktop-recording-player>`;
    server = createServer(async (request, response) => {
      const file = files[request.url ?? ''];
      if (request.url === '/') response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page);
      else if (file) response.writeHead(200, { 'content-type': file.type }).end(await readFile(file.path));
      else response.writeHead(404).end();
    });
    await new Promise<void>((done) => server!.listen(0, '127.0.0.1', done));
    browser ??= await launchChromium();
    const tab = await browser.newPage();
    const pageErrors: string[] = [];
    tab.on('pageerror', (error) => pageErrors.push(error instanceof Error ? error.message : String(error)));
    // Registers before the page's scripts run, so no event is missed.
    await tab.evaluateOnNewDocument(() => {
      const seen: string[] = [];
      Object.assign(window, { playerEvents: seen });
      for (const name of ['loadedmetadata', 'playing', 'ended', 'error']) {
        window.addEventListener(name, (event) => {
          if ((event.target as Element).localName === 'desktop-recording-player') seen.push(name);
        }, true);
      }
    });
    await tab.goto(`${loopbackUrl(server)}/`);
    await tab.waitForFunction(() => {
      const seen = (window as unknown as { playerEvents: string[] }).playerEvents;
      return seen.includes('ended') || seen.includes('error');
    }, { timeout: 60_000 });
    const state = await tab.$eval(NAME, (element) => {
      const player = element as HTMLElement & { error: { reason: string } | null; currentTime: number; duration: number; videoWidth: number; videoHeight: number };
      return { error: player.error, currentTime: player.currentTime, duration: player.duration, width: player.videoWidth, height: player.videoHeight };
    });
    assert.deepEqual(await tab.evaluate(() => (window as unknown as { playerEvents: string[] }).playerEvents), ['loadedmetadata', 'playing', 'ended']);
    assert.deepEqual(state, { error: null, currentTime: 1.5, duration: 1.5, width: 128, height: 64 });

    // The last frame, as the player captures it, against the two tiles drawn here.
    const tiles = await fixtureTiles();
    const difference = await tab.$eval(NAME, async (element, messages) => {
      const frame = await createImageBitmap(await (element as HTMLElement & { captureFrame(): Promise<Blob> }).captureFrame());
      const canvas = new OffscreenCanvas(128, 64);
      const context = canvas.getContext('2d')!;
      context.drawImage(frame, 0, 0);
      const captured = context.getImageData(0, 0, 128, 64).data;
      context.clearRect(0, 0, 128, 64);
      for (const message of messages) {
        const view = new DataView(Uint8Array.from(message).buffer);
        const tile = await createImageBitmap(new Blob([Uint8Array.from(message).subarray(17)], { type: 'image/png' }));
        context.drawImage(tile, view.getUint32(1), view.getUint32(5));
      }
      const expected = context.getImageData(0, 0, 128, 64).data;
      let pixels = 0;
      for (let i = 0; i < expected.length; i += 4) {
        if (expected[i] !== captured[i] || expected[i + 1] !== captured[i + 1] || expected[i + 2] !== captured[i + 2] || expected[i + 3] !== captured[i + 3]) pixels++;
      }
      return { pixels, size: [frame.width, frame.height] };
    }, tiles);
    assert.deepEqual(difference, { pixels: 0, size: [128, 64] });
    assert.deepEqual(pageErrors, []);
  });
});
