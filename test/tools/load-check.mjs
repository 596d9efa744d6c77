#!/usr/bin/env node
// `npm run load-check`: many concurrent viewers of the playback websocket on loopback (a script,
// not a timed test). Options: --viewers N (200) --seconds S (60, per viewer) --ramp-ms MS (2000)
// --recording SID (the committed 1920×1080 sample).
//
// The demo server runs in a child process of its own (src/cli/serve.ts bundled with esbuild into
// .bench/load-check-server.mjs, run by plain node with --expose-gc; no `npm run build` needed),
// with a token, so every viewer goes through the {"token"} handshake. Its RSS and CPU time are read
// from /proc/<pid>/status and /proc/<pid>/stat every second; the server entry (below, not in src/)
// prints process.memoryUsage() and its viewers' send-queue sizes every second and, when asked on
// stdin, collects garbage first (for the heap before and after the load).
//
// Viewers (by index i): i % 4 = 0, 1 play at 1× (i % 20 = 9: seekers instead, 1× with a forward
// seek at S/6 to 40 s and a backward seek at S/2 to 20 s); i % 4 = 2 play at 2×; i % 4 = 3 pause at
// S/4 and resume at 0.4·S. A viewer that gets `end` seeks to 0 and plays again (the socket stays
// open after `end`), so all of them stream for the whole run. Each frame is JSON-parsed and checked
// (the fields parsePlaybackFrame needs, base64 alphabet); tiles are not decoded.
//
// Fails (exit 1) on: a viewer that does not connect or authenticate, a socket error, a close the
// client did not ask for (or a close code other than 1000), an `error` frame, a malformed frame,
// `ms` going backwards other than once after a seek, frames while paused (1 s after the pause),
// viewers left on the server after everyone closed, the server exiting or writing to stderr, or
// server memory not bounded:
//   - RSS growth over the steady part of the run (from 15 s after the last viewer connected — or a
//     quarter of the run if shorter — to the end; least-squares slope × that span) under
//     max(32 MB, 10 % of the RSS at its start), and
//   - the JS heap after the run (all viewers gone, after a forced GC) within 8 MB of the heap before
//     it (measured after one warm-up viewer, also after a forced GC).
// Pacing drift (1× viewers without seeks, first pass): for each frame, (arrival − arrival of the
// first frame) − ms (the first frames are at ms 0 and go out when the server anchors its clock);
// reported, not a failure.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { build } from 'esbuild';
import WebSocket from 'ws';

const root = resolve(new URL('../..', import.meta.url).pathname);

// ------------------------------------------------------------------------------------------ options

const args = process.argv.slice(2);
function option(name, fallback) {
  const at = args.indexOf(`--${name}`);
  return at >= 0 && at + 1 < args.length ? args[at + 1] : fallback;
}
const VIEWERS = Number(option('viewers', '200'));
const SECONDS = Number(option('seconds', '60'));
const RAMP_MS = Number(option('ramp-ms', '2000'));
const SID = option('recording', '9a7f3c21-0b4e-4f8a-8c3d-5e6f7a8b1080');
const DIR = resolve(root, option('dir', 'demo/recordings'));
if (!Number.isInteger(VIEWERS) || VIEWERS < 1 || !(SECONDS > 0) || !(RAMP_MS >= 0) || args.includes('--help')) {
  console.error('usage: node test/tools/load-check.mjs [--viewers N] [--seconds S] [--ramp-ms MS] [--recording SID] [--dir DIR]');
  process.exit(2);
}
if (!existsSync(join(DIR, `${SID}.tar`))) {
  console.error(`no recording ${SID}.tar in ${DIR}`);
  process.exit(2);
}

const RUN_MS = SECONDS * 1000;
const TOKEN = `load-check-${process.pid}`;
const PAUSE_GRACE_MS = 1000;
const SEEK_NEAR_MS = 2000;
const HEAP_RETAINED_LIMIT = 8 * 2 ** 20;
const RSS_GROWTH_FLOOR = 32 * 2 ** 20;
const CLK_TCK = 100;
const MB = 2 ** 20;

// ------------------------------------------------------------------------------------------ server

// The server entry: serve() from the sources, plus the instrumentation (kept out of src/).
const SERVER_ENTRY = `
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { serve } from '../../src/cli/serve.ts';
const [dir, root, token] = process.argv.slice(2);
const server = await serve({ recordingsDir: dir, root, port: 0, host: '127.0.0.1', token });
const out = (value) => process.stdout.write(JSON.stringify(value) + '\\n');
const loop = monitorEventLoopDelay({ resolution: 10 });
loop.enable();
function report(kind) {
  const m = process.memoryUsage();
  const loopP99 = loop.percentile(99) / 1e6, loopMax = loop.max / 1e6;
  loop.reset();
  let queued = 0, maxQueued = 0;
  const viewers = server.playback.viewers;
  for (const v of viewers) { queued += v.queuedBytes; maxQueued = Math.max(maxQueued, v.maxQueuedBytes); }
  out({ kind, t: performance.now() + performance.timeOrigin, rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal,
    external: m.external, arrayBuffers: m.arrayBuffers, loopP99, loopMax, viewers: viewers.length, queued, maxQueued });
}
out({ kind: 'listening', port: server.address().port });
setInterval(() => report('sample'), 1000).unref();
let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  input += chunk;
  for (let at; (at = input.indexOf('\\n')) >= 0; ) {
    const command = input.slice(0, at).trim();
    input = input.slice(at + 1);
    if (command === 'gc') { globalThis.gc(); globalThis.gc(); report('gc'); }
    if (command === 'stop') server.close(() => process.exit(0));
  }
});
`;

async function startServer() {
  const outdir = join(root, '.bench');
  mkdirSync(outdir, { recursive: true });
  const outfile = join(outdir, 'load-check-server.mjs');
  await build({
    stdin: { contents: SERVER_ENTRY, resolveDir: join(root, 'test/tools'), loader: 'ts', sourcefile: 'load-check-server.ts' },
    bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', outfile, logLevel: 'warning',
  });
  const child = spawn(process.execPath, ['--expose-gc', outfile, DIR, root, TOKEN], { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] });
  const server = { child, pid: child.pid, port: 0, samples: [], stderr: '', exited: undefined, gcWaiters: [] };
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (text) => { server.stderr += text; });
  child.on('exit', (code, signal) => { server.exited = { code, signal }; });
  const listening = new Promise((resolveListening, reject) => {
    child.on('exit', () => reject(new Error(`the server exited before listening:\n${server.stderr}`)));
    createInterface({ input: child.stdout }).on('line', (line) => {
      let message;
      try {
        message = JSON.parse(line);
      } catch {
        return;
      }
      if (message.kind === 'listening') {
        server.port = message.port;
        resolveListening();
      } else if (message.kind === 'sample') {
        server.samples.push(message);
      } else if (message.kind === 'gc') {
        server.gcWaiters.shift()?.(message);
      }
    });
  });
  await listening;
  server.gc = () => new Promise((done) => {
    server.gcWaiters.push(done);
    child.stdin.write('gc\n');
  });
  server.stop = () => new Promise((done) => {
    if (server.exited) return done(server.exited);
    child.once('exit', (code, signal) => done({ code, signal }));
    child.stdin.write('stop\n');
    setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
  });
  return server;
}

/** RSS (bytes) and CPU time (ms, user + system) of a process, from /proc. */
function procStats(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const rss = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? NaN) * 1024;
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cpuMs = ((Number(fields[11]) + Number(fields[12])) / CLK_TCK) * 1000; // utime, stime (fields 14, 15)
    return { rss, cpuMs };
  } catch {
    return undefined;
  }
}

// ------------------------------------------------------------------------------------------ viewers

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

class Viewer {
  constructor(index, url) {
    this.index = index;
    this.url = url;
    this.kind = index % 20 === 9 ? 'seek' : ['1x', '1x', '2x', 'pause'][index % 4];
    this.frames = 0;
    this.bytes = 0;
    this.ends = 0;
    this.errorFrames = 0;
    this.malformed = [];
    this.errors = [];
    this.unexpectedClose = undefined;
    this.regressions = 0;
    this.pausedFrames = 0;
    this.seekLatencies = [];
    this.opened = false;
    this.authed = false;
    this.closing = false;
    this.closed = false;
    this.lastMs = -1;
    this.dropAllowed = false;
    this.seeks = 0;
    this.pausedAt = undefined;
    this.firstAt = undefined;
    this.drift = undefined; // { last, max, min } in ms, 1× viewers without seeks, first pass
    this.pendingSeek = undefined;
    this.timers = [];
  }

  open() {
    this.openedAt = performance.now();
    const ws = new WebSocket(this.url, { perMessageDeflate: false, handshakeTimeout: 15_000 });
    this.ws = ws;
    ws.on('open', () => {
      this.opened = true;
      ws.send(JSON.stringify({ token: TOKEN }));
    });
    ws.on('message', (data, binary) => this.onFrame(data, binary));
    ws.on('unexpected-response', (_request, response) => {
      this.errors.push(`HTTP ${response.statusCode} instead of a websocket`);
    });
    ws.on('error', (error) => this.errors.push(error.message));
    ws.on('close', (code, reason) => {
      this.closed = true;
      this.closedAt = performance.now();
      for (const timer of this.timers) clearTimeout(timer);
      if (!this.closing) this.unexpectedClose = `closed by the server after ${((this.closedAt - this.openedAt) / 1000).toFixed(1)} s (code ${code}${reason.length ? `, ${reason}` : ''})`;
      else if (code !== 1000) this.unexpectedClose = `close code ${code}${reason.length ? ` (${reason})` : ''}`;
      this.onClosed?.();
    });
    this.timers.push(setTimeout(() => this.close(), RUN_MS));
  }

  close() {
    if (this.closing || this.closed) return;
    this.closing = true;
    if (!this.authed) this.errors.push('not authenticated when the run ended');
    this.ws.close(1000);
  }

  send(action) {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(action));
  }

  seek(pos) {
    this.seeks += 1;
    this.dropAllowed = true;
    this.pendingSeek = { pos, sentAt: performance.now(), backward: pos < this.lastMs, dropped: false };
    this.send({ action: 'seek', pos });
  }

  /** The viewer's script, from the `ok` answer to its token. */
  start() {
    const at = (fraction, run) => this.timers.push(setTimeout(run, fraction * RUN_MS));
    if (this.kind === '2x') this.send({ action: 'speed', speed: 2 });
    if (this.kind === 'pause') {
      at(0.25, () => {
        this.send({ action: 'play/pause' });
        this.pausedAt = performance.now();
      });
      at(0.4, () => {
        this.send({ action: 'play/pause' });
        this.pausedAt = undefined;
      });
    }
    if (this.kind === 'seek') {
      at(1 / 6, () => this.seek(40_000));
      at(1 / 2, () => this.seek(20_000));
    }
  }

  onFrame(data, binary) {
    const now = performance.now();
    this.bytes += data.length;
    let json;
    try {
      json = JSON.parse(data.toString('utf8'));
    } catch {
      this.malformed.push('not JSON');
      return;
    }
    if (typeof json !== 'object' || json === null || Array.isArray(json)) {
      this.malformed.push('not a JSON object');
      return;
    }
    if (json.type === 'create_session_response') {
      if (json.status !== 'ok') {
        this.errors.push(`session refused: ${json.message}`);
      } else if (this.authed) {
        this.malformed.push('a second create_session_response');
      } else {
        this.authed = true;
        this.authedAt = now;
        this.start();
      }
      return;
    }
    if (!this.authed) {
      this.malformed.push('a frame before the create_session_response');
      return;
    }
    if (json.message === 'end') {
      this.ends += 1;
      this.seek(0); // play it again (the socket stays open after `end`)
      return;
    }
    if (json.message === 'error') {
      this.errorFrames += 1;
      this.errors.push(`error frame: ${json.errorText}`);
      return;
    }
    const { ms, message, tdpb_message: tdpb } = json;
    if (
      !binary || json.event !== 'desktop.recording' || typeof json.ei !== 'number' || typeof json.time !== 'string' ||
      typeof ms !== 'number' || !Number.isSafeInteger(ms) || ms < 0 ||
      !(message === null || (typeof message === 'string' && message.length % 4 === 0 && BASE64.test(message))) ||
      !(tdpb === undefined || (typeof tdpb === 'string' && tdpb.length % 4 === 0 && BASE64.test(tdpb))) ||
      (message === null && tdpb === undefined)
    ) {
      this.malformed.push(`bad event frame: ${data.toString('utf8').slice(0, 120)}`);
      return;
    }
    this.frames += 1;
    if (ms < this.lastMs) {
      if (this.dropAllowed) {
        this.dropAllowed = false;
        if (this.pendingSeek) this.pendingSeek.dropped = true;
      } else {
        this.regressions += 1;
      }
    }
    this.lastMs = ms;
    if (this.pausedAt !== undefined && now - this.pausedAt > PAUSE_GRACE_MS) this.pausedFrames += 1;
    const seek = this.pendingSeek;
    if (seek && (!seek.backward || seek.dropped) && ms >= seek.pos - SEEK_NEAR_MS) {
      this.seekLatencies.push(now - seek.sentAt);
      this.pendingSeek = undefined;
    }
    if (this.kind === '1x' && this.seeks === 0) {
      this.firstAt ??= now;
      const drift = now - this.firstAt - ms;
      if (process.env.LC_DEBUG && this.index === 0 && Math.floor(ms / 5000) !== Math.floor(this.lastLogged ?? -1)) {
        this.lastLogged = ms / 5000;
        console.log(`    viewer 0 at ${ms} ms: drift ${drift.toFixed(0)} ms`);
      }
      this.drift = this.drift
        ? { last: drift, max: Math.max(this.drift.max, drift), min: Math.min(this.drift.min, drift) }
        : { last: drift, max: drift, min: drift };
    }
  }
}

// ------------------------------------------------------------------------------------------ helpers

const sleep = (ms) => new Promise((done) => setTimeout(done, ms));
const mb = (bytes) => (bytes / MB).toFixed(1);
const int = (n) => Math.round(n).toLocaleString('en-US');
function quantile(values, q) {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.round(q * (sorted.length - 1))))];
}
/** Least-squares slope of y over x. */
function slope(points) {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.x - mx) * (p.y - my);
    den += (p.x - mx) ** 2;
  }
  return den ? num / den : 0;
}
function table(rows) {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => String(r[c]).length)));
  return rows.map((r) => r.map((cell, c) => (c === 0 ? String(cell).padEnd(widths[c]) : String(cell).padStart(widths[c]))).join('  ')).join('\n');
}

// ------------------------------------------------------------------------------------------ the run

const server = await startServer();
const url = `ws://127.0.0.1:${server.port}/v1/webapi/sites/load-check/desktopplayback/${SID}/ws`;
const length = await fetch(`http://127.0.0.1:${server.port}/webapi/sites/load-check/sessionlength/${SID}`).then((r) => r.json());
console.log(`load check: ${VIEWERS} viewers × ${SECONDS} s of ${SID} (${(length.durationMs / 1000).toFixed(1)} s), server pid ${server.pid} on port ${server.port}`);

// One warm-up viewer (JIT, file cache, catalog), then the heap baseline.
{
  const warm = new Viewer(-1, url);
  warm.kind = 'warm-up';
  await new Promise((done) => {
    warm.onClosed = done;
    warm.open();
    setTimeout(() => warm.send({ action: 'speed', speed: 16 }), 300);
    setTimeout(() => warm.close(), 2000);
  });
  await sleep(500);
}
const before = await server.gc();

const proc = [];
const t0 = performance.now();
const cpuStart = procStats(server.pid);
const sampler = setInterval(() => {
  const s = procStats(server.pid);
  if (s) proc.push({ t: performance.now() - t0, ...s });
}, 1000);
proc.push({ t: 0, ...cpuStart });
const loopDelay = monitorEventLoopDelay({ resolution: 20 });
loopDelay.enable();
const clientCpuStart = process.cpuUsage();

const viewers = [];
const allClosed = [];
for (let i = 0; i < VIEWERS; i++) {
  const viewer = new Viewer(i, url);
  viewers.push(viewer);
  allClosed.push(new Promise((done) => { viewer.onClosed = done; }));
  viewer.open();
  const next = t0 + ((i + 1) * RAMP_MS) / VIEWERS;
  const wait = next - performance.now();
  if (wait > 0) await sleep(wait);
}
const rampDone = performance.now() - t0;
const progress = setInterval(() => {
  const last = server.samples.at(-1);
  const open = viewers.filter((v) => v.opened && !v.closed).length;
  const frames = viewers.reduce((s, v) => s + v.frames, 0);
  const p = proc.at(-1);
  const prev = proc.at(-11) ?? proc[0];
  const cpu = p && prev && p.t > prev.t ? ((p.cpuMs - prev.cpuMs) / (p.t - prev.t)) * 100 : NaN;
  console.log(`  ${((performance.now() - t0) / 1000).toFixed(0).padStart(3)} s  open ${open}  frames ${int(frames)}  server RSS ${p ? mb(p.rss) : '?'} MB, heap ${last ? mb(last.heapUsed) : '?'} MB, CPU ${cpu.toFixed(0)} %, event-loop delay max ${last ? last.loopMax.toFixed(0) : '?'} ms, queued ${last ? mb(last.queued) : '?'} MB`);
}, 10_000);
// Closing, each viewer RUN_MS after it opened; a viewer that never closes is closed by force.
await Promise.race([Promise.all(allClosed), sleep(RUN_MS + RAMP_MS + 15_000)]);
for (const v of viewers) if (!v.closed) {
  v.errors.push('did not close within 15 s');
  v.ws.terminate();
}
const runMs = performance.now() - t0;
clearInterval(progress);
clearInterval(sampler);
loopDelay.disable();
const clientCpu = process.cpuUsage(clientCpuStart);
const cpuEnd = procStats(server.pid) ?? proc.at(-1);
await sleep(1000);
const afterGc = await server.gc();
const serverExit = server.exited;
if (process.env.LC_DEBUG) {
  const { writeFileSync } = await import('node:fs');
  writeFileSync(join(root, '.bench/load-check-samples.json'), JSON.stringify({ t0: performance.timeOrigin + t0, proc, samples: server.samples, before, afterGc }));
}
const stopped = await server.stop();

// ------------------------------------------------------------------------------------------ report

const sum = (f) => viewers.reduce((s, v) => s + f(v), 0);
const frames = sum((v) => v.frames);
const bytes = sum((v) => v.bytes);
const errors = viewers.flatMap((v) => v.errors.map((e) => `viewer ${v.index} (${v.kind}): ${e}`));
const dropped = viewers.filter((v) => v.unexpectedClose);
const malformed = sum((v) => v.malformed.length);
const regressions = sum((v) => v.regressions);
const pausedFrames = sum((v) => v.pausedFrames);
const notConnected = viewers.filter((v) => !v.authed).length;

const kinds = ['1x', '2x', 'pause', 'seek'];
const rows = [['viewers', 'n', 'frames', 'MB', 'frames/s/viewer', 'ends', 'seeks', 'errors', 'dropped', 'malformed', 'ms back', 'paused frames']];
for (const kind of kinds) {
  const group = viewers.filter((v) => v.kind === kind);
  if (!group.length) continue;
  const g = (f) => group.reduce((s, v) => s + f(v), 0);
  const gFrames = g((v) => v.frames);
  rows.push([kind, group.length, int(gFrames), mb(g((v) => v.bytes)), (gFrames / group.length / SECONDS).toFixed(1), g((v) => v.ends), g((v) => v.seeks),
    g((v) => v.errors.length), group.filter((v) => v.unexpectedClose).length, g((v) => v.malformed.length), g((v) => v.regressions), g((v) => v.pausedFrames)]);
}
rows.push(['all', viewers.length, int(frames), mb(bytes), (frames / viewers.length / SECONDS).toFixed(1), sum((v) => v.ends), sum((v) => v.seeks),
  errors.length, dropped.length, malformed, regressions, pausedFrames]);
console.log(`\n${table(rows)}`);

const drifts = viewers.filter((v) => v.drift);
const lastDrifts = drifts.map((v) => v.drift.last);
const maxDrift = drifts.length ? Math.max(...drifts.map((v) => v.drift.max)) : NaN;
const minDrift = drifts.length ? Math.min(...drifts.map((v) => v.drift.min)) : NaN;
const seekLatencies = viewers.flatMap((v) => v.seekLatencies);
if (process.env.LC_DEBUG) for (const v of viewers) if (v.seeks) console.log(v.index, v.kind, v.seeks, v.seekLatencies, v.pendingSeek, v.lastMs);
console.log(`\npacing (1× viewers without seeks, ${drifts.length}): drift at the last frame median ${quantile(lastDrifts, 0.5).toFixed(0)} ms, p95 ${quantile(lastDrifts, 0.95).toFixed(0)} ms, max ${Math.max(...lastDrifts).toFixed(0)} ms; any frame: latest ${maxDrift.toFixed(0)} ms, earliest ${minDrift.toFixed(0)} ms`);
if (seekLatencies.length) console.log(`seeks (${seekLatencies.length}, incl. replays after end): first frame within ${SEEK_NEAR_MS / 1000} s of the target after median ${quantile(seekLatencies, 0.5).toFixed(0)} ms, max ${Math.max(...seekLatencies).toFixed(0)} ms`);
console.log(`client: CPU ${(((clientCpu.user + clientCpu.system) / 1000 / runMs) * 100).toFixed(0)} % of a core, event-loop delay p99 ${(loopDelay.percentile(99) / 1e6).toFixed(0)} ms, max ${(loopDelay.max / 1e6).toFixed(0)} ms`);

// Memory: RSS from /proc every second; the heap from the server's own samples.
const rssStart = proc[0].rss;
const rssPeak = Math.max(...proc.map((p) => p.rss));
const rssEnd = proc.at(-1).rss;
const steadyFrom = rampDone + Math.min(15_000, RUN_MS / 4);
const steady = proc.filter((p) => p.t >= steadyFrom && p.t <= RUN_MS);
const steadyStartRss = steady[0]?.rss ?? rssStart;
const steadySpan = steady.length > 1 ? steady.at(-1).t - steady[0].t : 0;
const rssGrowth = slope(steady.map((p) => ({ x: p.t, y: p.rss }))) * steadySpan;
const rssGrowthLimit = Math.max(RSS_GROWTH_FLOOR, 0.1 * steadyStartRss);
const during = server.samples.filter((s) => s.t >= performance.timeOrigin + t0);
const heapPeak = Math.max(...during.map((s) => s.heapUsed), before.heapUsed);
const queuedPeak = Math.max(0, ...during.map((s) => s.queued));
const maxQueuedOne = Math.max(0, ...during.map((s) => s.maxQueued));
const peakViewers = Math.max(0, ...during.map((s) => s.viewers));
const heapRetained = afterGc.heapUsed - before.heapUsed;
const cpuPercent = ((cpuEnd.cpuMs - cpuStart.cpuMs) / runMs) * 100;
const memoryBounded = rssGrowth < rssGrowthLimit && heapRetained < HEAP_RETAINED_LIMIT;
const serverLoopP99 = quantile(during.map((s) => s.loopP99), 0.5);
const serverLoopMax = Math.max(0, ...during.map((s) => s.loopMax));
console.log(`server: CPU ${cpuPercent.toFixed(0)} % of a core (2 cores shared with the clients), event-loop delay p99 ${serverLoopP99.toFixed(0)} ms (median second), max ${serverLoopMax.toFixed(0)} ms; peak ${peakViewers} viewers connected; send queues: all viewers at most ${mb(queuedPeak)} MB at a sample, one viewer at most ${(maxQueuedOne / 1024).toFixed(0)} KiB`);
console.log(`server RSS: start ${mb(rssStart)} MB, peak ${mb(rssPeak)} MB, end ${mb(rssEnd)} MB; steady part (from ${(steadyFrom / 1000).toFixed(0)} s) ${mb(steadyStartRss)} MB → trend ${rssGrowth >= 0 ? '+' : ''}${mb(rssGrowth)} MB over ${(steadySpan / 1000).toFixed(0)} s (limit ${mb(rssGrowthLimit)} MB)`);
console.log(`server heap: before ${mb(before.heapUsed)} MB, peak ${mb(heapPeak)} MB, after the run ${mb(afterGc.heapUsed)} MB with ${afterGc.viewers} viewers left (retained ${heapRetained >= 0 ? '+' : ''}${mb(heapRetained)} MB, limit ${mb(HEAP_RETAINED_LIMIT)} MB); external ${mb(afterGc.external)} MB`);

const problems = [];
if (notConnected) problems.push(`${notConnected} viewers never authenticated`);
if (errors.length) problems.push(`${errors.length} errors`);
if (dropped.length) problems.push(`${dropped.length} dropped connections`);
if (malformed) problems.push(`${malformed} malformed frames`);
if (regressions) problems.push(`${regressions} frames with ms going backwards`);
if (pausedFrames) problems.push(`${pausedFrames} frames while paused`);
if (afterGc.viewers) problems.push(`${afterGc.viewers} viewers still on the server`);
if (serverExit) problems.push(`the server exited during the run (${JSON.stringify(serverExit)})`);
if (stopped.code !== 0) problems.push(`the server did not stop cleanly (${JSON.stringify(stopped)})`);
if (server.stderr.trim()) problems.push('the server wrote to stderr');
if (!memoryBounded) problems.push('server memory not bounded');
for (const line of [...errors.slice(0, 10), ...dropped.slice(0, 10).map((v) => `viewer ${v.index} (${v.kind}): ${v.unexpectedClose}`),
  ...viewers.flatMap((v) => v.malformed.slice(0, 1).map((m) => `viewer ${v.index}: ${m}`)).slice(0, 10)]) console.log(`  ! ${line}`);
if (server.stderr.trim()) console.log(`server stderr:\n${server.stderr.trim().split('\n').slice(0, 20).join('\n')}`);

console.log(`\nload check: ${VIEWERS} viewers × ${SECONDS} s — ${errors.length} errors, ${dropped.length} dropped, ${malformed} malformed, ` +
  `frames ${int(frames)} (${mb(bytes)} MB), pacing drift median ${quantile(lastDrifts, 0.5).toFixed(0)} ms / max ${Math.max(...lastDrifts).toFixed(0)} ms, ` +
  `server RSS start ${mb(rssStart)} MB / peak ${mb(rssPeak)} MB / end ${mb(rssEnd)} MB, heap peak ${mb(heapPeak)} MB, server CPU ${cpuPercent.toFixed(0)} % — ` +
  `${problems.length ? `FAIL: ${problems.join('; ')}` : 'PASS'}`);
process.exit(problems.length ? 1 : 0);
