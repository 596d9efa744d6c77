#!/usr/bin/env node
// `npm run bench`: benchmarks in headless Chromium, each compared with a baseline measured in the
// same run. Prints a table and writes .bench/results.json. Makes the 1-hour 1080p sample first
// if it is missing (it is generated, never committed).
import { spawnSync } from 'node:child_process';
import { createReadStream, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, resolve } from 'node:path';
import { build } from 'esbuild';
import puppeteer from 'puppeteer-core';
import { chromiumFlags, chromiumPath } from './chromium.mjs';

const root = resolve(new URL('../..', import.meta.url).pathname);
// BENCH_RECORDING=path/inside/the/repo.tar measures another file.
const longSample = process.env.BENCH_RECORDING ?? 'demo/recordings/long-1h-1080p.tar';

if (!existsSync(join(root, longSample))) {
  console.log(`Generating ${longSample} (1 hour, 1920×1080); this takes a few minutes…`);
  const made = spawnSync('npx', ['tsx', 'demo/generate-samples.ts', '--long'], { cwd: root, stdio: 'inherit' });
  if (made.status !== 0) process.exit(made.status ?? 1);
}

// The seek benchmark drives the built player (dist/), as a page would.
const built = spawnSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
if (built.status !== 0) process.exit(built.status ?? 1);
mkdirSync(join(root, '.bench'), { recursive: true });
await build({
  entryPoints: [join(root, 'test/bench/reader.bench.ts'), join(root, 'test/bench/seek.bench.ts')],
  bundle: true, format: 'esm', target: 'es2022', outdir: join(root, '.bench'), logLevel: 'warning',
});
writeFileSync(join(root, '.bench/index.html'),
  '<!doctype html><script type="module" src="/dist/desktop-recording-player.js"></script>' +
  '<script type="module" src="reader.bench.js"></script><script type="module" src="seek.bench.js"></script><body></body>');

const types = { '.html': 'text/html', '.js': 'text/javascript', '.tar': 'application/octet-stream' };
const server = createServer((request, response) => {
  const path = join(root, decodeURIComponent(new URL(request.url, 'http://x').pathname));
  if (!path.startsWith(root) || !existsSync(path) || !statSync(path).isFile()) {
    response.writeHead(404).end();
    return;
  }
  response.writeHead(200, { 'content-type': types[extname(path)] ?? 'application/octet-stream' });
  createReadStream(path).pipe(response);
});
await new Promise((done) => server.listen(0, '127.0.0.1', done));
const base = `http://127.0.0.1:${server.address().port}`;

const browser = await puppeteer.launch({
  executablePath: chromiumPath(), headless: true, args: [...chromiumFlags, `--user-data-dir=${join(root, '.bench/profile')}`],
});
try {
  const page = await browser.newPage();
  await page.goto(`${base}/.bench/index.html`);
  await page.waitForFunction(() => typeof globalThis.runReaderBench === 'function' && typeof globalThis.runSeekBench === 'function');
  const sample = `${base}/${longSample}`;
  const reader = await page.evaluate((url) => globalThis.runReaderBench(url), sample);
  const browserVersion = await browser.version();
  console.log(`\nReader on ${longSample}: ${(reader.file.bytes / 1e6).toFixed(1)} MB in ${reader.file.parts} parts, ` +
    `${(reader.file.inflatedBytes / 1e6).toFixed(1)} MB inflated, ${reader.file.events} events (${browserVersion}, median of 3)\n`);
  console.table(reader.rows.map((r) => ({
    benchmark: r.name, 'ms': r.ms, 'file MB/s': r.fileMBps, 'inflated MB/s': r.inflatedMBps ?? '', 'events/s': r.eventsPerSecond ?? '', 'speed vs baseline': `${r.speedVsBaseline}×`,
  })));
  const positions = [10, 60, 300, 1200, 1800, 3000, 3500];
  const seek = await page.evaluate((url, at) => globalThis.runSeekBench(url, at, 300), sample, positions);
  console.log(`\nSeek on the same recording with the built player (loaded and indexed in ${seek.loadMs} ms), ` +
    'against repainting every tile from 0 (measured up to 300 s; beyond, it only grows)\n');
  console.table(seek.rows.map((r) => ({
    'seek to (s)': r.positionS, 'player ms': r.playerMs, 'baseline ms': r.baselineMs ?? '—', 'tiles the baseline paints': r.tilesReplayedByBaseline ?? '—',
    'speed vs baseline': r.speedVsBaseline === null ? '—' : `${r.speedVsBaseline}×`,
  })));
  writeFileSync(join(root, '.bench/results.json'), JSON.stringify({ date: new Date().toISOString(), browser: browserVersion, reader, seek }, null, 2));
  console.log('Written to .bench/results.json');
} finally {
  await browser.close();
  server.close();
}
