#!/usr/bin/env node
// `npm run load-check`: many concurrent viewers of the playback websocket on loopback — a script that
// reports and gives a verdict, not a timed test. `npm run load-check -- --viewers 50 --seconds 20`.
// Options: --viewers N (200), --seconds S (60, per viewer), --ramp-ms MS (2000: the viewers open
// evenly over it), --recording SID (the committed 1920×1080 sample), --dir DIR (demo/recordings),
// --json FILE (writes the samples and the numbers).
//
// The server: serve() from src/cli/serve.ts in a child process of its own (bundled with esbuild into
// .bench/load-check-server.mjs and run by plain node; no `npm run build`), with a token, so every
// viewer goes through the {"token"} handshake. The instrumentation is in its entry (SERVER_ENTRY
// below), not in src/: it prints process.memoryUsage(), its event-loop delay and its viewers' send
// queues every second, and every 5 s (more often in short runs) what is alive after a full GC
// (--expose-gc; V8 already runs full GCs several times a second under this load). RSS and CPU
// time come from /proc/<pid>.
//
// The viewers, by index i: i % 4 = 0, 1 play at 1× (i % 20 = 9 seek instead: 1×, forward to 40 s at
// S/6, back to 20 s at S/2); i % 4 = 2 play at 2×; i % 4 = 3 pause at S/4 and resume at 0.4·S. One
// that gets `end` seeks to 0 and plays again (the socket stays open after `end`), so all of them
// stream for the whole run. Every frame is JSON-parsed and checked (what parsePlaybackFrame needs:
// an object, `ms` a non-negative integer, `message`/`tdpb_message` base64; tiles are not decoded).
//
// Exit 1 on any of: a viewer that does not connect and authenticate; a socket error; a close the
// client did not ask for, or a close code other than 1000; an `error` frame; a malformed frame; `ms`
// going backwards (other than once after each seek); a frame more than 1 s after a pause; viewers
// left on the server once all have closed; the server exiting, or writing to stderr; or server
// memory not bounded, which here means all of:
//   - live memory (heap used + ArrayBuffers, after a full GC, every 5 s) has no upward trend over
//     the steady part of the run (15 s after the last viewer opened to the first close):
//     least-squares slope × that span under max(48 MiB, 35 % of its mean) (with 200 viewers it
//     swings by ±20 MiB between samples, with what the viewers are playing);
//   - after the run (every viewer gone, full GC) live memory is back within 8 MiB of where it was
//     before it (measured after one warm-up viewer);
//   - peak RSS at most 2 MiB per viewer above the RSS before the run. (RSS is not judged by its
//     trend: the allocator keeps freed pages, so it climbs to a plateau and stays there.)
// Reported, never a failure: pacing drift — for 1× viewers that never seek, per frame
// (arrival − arrival of the first frame) − ms (the first frames have ms 0 and go out as the server
// anchors its clock) — seek latency, CPU, event-loop delay, the RSS trend.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
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
const JSON_OUT = option('json', undefined);
if (!Number.isInteger(VIEWERS) || VIEWERS < 1 || !(SECONDS > 0) || !(RAMP_MS >= 0) || args.includes('--help')) {
  console.error('usage: node test/tools/load-check.mjs [--viewers N] [--seconds S] [--ramp-ms MS] [--recording SID] [--dir DIR] [--json FILE]');
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
const MiB = 2 ** 20;
const RETAINED_LIMIT = 8 * MiB;
const LIVE_TREND_FLOOR = 48 * MiB;
const RSS_PER_VIEWER = 2 * MiB;
const CLK_TCK = 100; // USER_HZ on Linux
/** How often the server reports its live memory (a full GC each time): 5 s, more often in short runs. */
const LIVE_MS = Math.round(Math.min(5000, Math.max(1000, RUN_MS / 12)));

// ------------------------------------------------------------------------------------------ server

// The server entry: serve() from the sources, plus the instrumentation.
const SERVER_ENTRY = `
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { serve } from '../../src/cli/serve.ts';
const [dir, root, token, liveMs, maxViewers] = process.argv.slice(2);
// Room for every viewer of the run: the server's default cap (100) is what this check measures past.
const server = await serve({ recordingsDir: dir, root, port: 0, host: '127.0.0.1', token, maxViewers: Number(maxViewers) });
const out = (value) => process.stdout.write(JSON.stringify(value) + '\\n');
const loop = monitorEventLoopDelay({ resolution: 10 });
loop.enable();
function report(kind) {
  const m = process.memoryUsage();
  let queued = 0, maxQueued = 0;
  const viewers = server.playback.viewers;
  for (const v of viewers) { queued += v.queuedBytes; maxQueued = Math.max(maxQueued, v.maxQueuedBytes); }
  const sample = { kind, t: performance.timeOrigin + performance.now(), rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal,
    external: m.external, arrayBuffers: m.arrayBuffers, viewers: viewers.length, queued, maxQueued };
  if (kind === 'sample') {
    sample.loopP99 = loop.percentile(99) / 1e6;
    sample.loopMax = loop.max / 1e6;
    loop.reset();
  }
  out(sample);
}
out({ kind: 'listening', port: server.address().port });
setInterval(() => report('sample'), 1000).unref();
setInterval(() => { globalThis.gc(); report('live'); }, Number(liveMs)).unref();
let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  input += chunk;
  for (let at; (at = input.indexOf('\\n')) >= 0; ) {
    const command = input.slice(0, at).trim();
    input = input.slice(at + 1);
    if (command === 'gc') { globalThis.gc(); report('gc'); }
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
  const child = spawn(process.execPath, ['--expose-gc', outfile, DIR, root, TOKEN, String(LIVE_MS), String(VIEWERS)], { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] });
  const server = { child, pid: child.pid, port: 0, samples: [], live: [], stderr: '', exited: undefined, gcWaiters: [] };
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (text) => { server.stderr += text; });
  child.on('exit', (code, signal) => { server.exited = { code, signal }; });
  await new Promise((listening, reject) => {
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
        listening();
      } else if (message.kind === 'sample') {
        server.samples.push(message);
      } else if (message.kind === 'live') {
        server.live.push(message);
      } else if (message.kind === 'gc') {
        server.gcWaiters.shift()?.(message);
      }
    });
  });
  /** A full GC in the server, then its memory. */
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
    const rss = Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN) * 1024;
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields[0] is field 3 (state)
    return { rss, cpuMs: ((Number(fields[11]) + Number(fields[12])) / CLK_TCK) * 1000 }; // utime, stime
  } catch {
    return undefined;
  }
}

/** Busy and total jiffies of the whole machine, from /proc/stat. */
function machineCpu() {
  try {
    const [, ...values] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
    const idle = values[3] + (values[4] || 0);
    const total = values.slice(0, 8).reduce((s, v) => s + v, 0);
    return { busy: total - idle, total };
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
    this.malformed = [];
    this.errors = [];
    this.unexpectedClose = undefined;
    this.regressions = 0;
    this.pausedFrames = 0;
    this.seekLatencies = [];
    this.seeks = 0;
    this.opened = false;
    this.authed = false;
    this.closing = false;
    this.closed = false;
    this.lastMs = -1;
    this.dropAllowed = false; // after a seek, ms may go back once (the server restarts the stream)
    this.pendingSeek = undefined;
    this.pausedAt = undefined;
    this.firstAt = undefined;
    this.drift = undefined; // { last, max, min } ms: 1× viewers without seeks
    this.timers = [];
    this.onClosed = undefined;
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
    ws.on('unexpected-response', (_request, response) => this.errors.push(`HTTP ${response.statusCode} instead of a websocket`));
    ws.on('error', (error) => this.errors.push(error.message));
    ws.on('close', (code, reason) => {
      this.closed = true;
      for (const timer of this.timers) clearTimeout(timer);
      const why = `code ${code}${reason.length ? `, ${reason}` : ''}`;
      if (!this.closing) this.unexpectedClose = `closed by the server after ${((performance.now() - this.openedAt) / 1000).toFixed(1)} s (${why})`;
      else if (code !== 1000) this.unexpectedClose = `closed with ${why}`;
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

  /** What this viewer does, from the `ok` answer to its token. */
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
      this.seek(0); // again from the start
      return;
    }
    if (json.message === 'error') {
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
      this.drift = this.drift
        ? { last: drift, max: Math.max(this.drift.max, drift), min: Math.min(this.drift.min, drift) }
        : { last: drift, max: drift, min: drift };
    }
  }
}

// ------------------------------------------------------------------------------------------ helpers

const sleep = (ms) => new Promise((done) => setTimeout(done, ms));
const mib = (bytes) => (bytes / MiB).toFixed(1);
const signed = (bytes) => `${bytes >= 0 ? '+' : '−'}${mib(Math.abs(bytes))}`;
const int = (n) => Math.round(n).toLocaleString('en-US');
const msText = (n) => String(Math.round(n) || 0);
const live = (m) => m.heapUsed + m.arrayBuffers;
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
/** Growth over a series of { x: ms, y: bytes }: slope × span. */
const trend = (points) => (points.length > 1 ? slope(points) * (points.at(-1).x - points[0].x) : 0);
function table(rows) {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => String(r[c]).length)));
  return rows.map((r) => r.map((cell, c) => (c === 0 ? String(cell).padEnd(widths[c]) : String(cell).padStart(widths[c]))).join('  ')).join('\n');
}

// ------------------------------------------------------------------------------------------ the run

const server = await startServer();
const url = `ws://127.0.0.1:${server.port}/v1/webapi/sites/load-check/desktopplayback/${SID}/ws`;
const length = await fetch(`http://127.0.0.1:${server.port}/webapi/sites/load-check/sessionlength/${SID}`).then((r) => r.json());
console.log(`load check: ${VIEWERS} viewers × ${SECONDS} s of ${SID} (${(length.durationMs / 1000).toFixed(1)} s long), server pid ${server.pid}, port ${server.port}`);

// One warm-up viewer (JIT, page cache, catalog), then the baseline.
await new Promise((done) => {
  const warm = new Viewer(-1, url);
  warm.onClosed = done;
  warm.open();
  setTimeout(() => warm.send({ action: 'speed', speed: 16 }), 300);
  setTimeout(() => warm.close(), 2000);
});
// The warm-up socket's buffers can take a moment to go: the lower of two readings.
await sleep(500);
const first = await server.gc();
await sleep(500);
const second = await server.gc();
const before = live(second) <= live(first) ? second : first;

const t0 = performance.now();
const epoch0 = performance.timeOrigin + t0;
const proc = [{ t: 0, ...procStats(server.pid) }];
const machineStart = machineCpu();
const clientCpuStart = process.cpuUsage();
const sampler = setInterval(() => {
  const s = procStats(server.pid);
  if (s) proc.push({ t: performance.now() - t0, ...s });
}, 1000);
const loopDelay = monitorEventLoopDelay({ resolution: 20 });
loopDelay.enable();

const viewers = [];
const allClosed = [];
for (let i = 0; i < VIEWERS; i++) {
  const viewer = new Viewer(i, url);
  viewers.push(viewer);
  allClosed.push(new Promise((done) => { viewer.onClosed = done; }));
  viewer.open();
  const wait = t0 + ((i + 1) * RAMP_MS) / VIEWERS - performance.now();
  if (wait > 0) await sleep(wait);
}
const rampDone = performance.now() - t0;
const progress = setInterval(() => {
  const last = server.samples.at(-1);
  const p = proc.at(-1);
  const prev = proc.at(-11) ?? proc[0];
  const cpu = p.t > prev.t ? ((p.cpuMs - prev.cpuMs) / (p.t - prev.t)) * 100 : NaN;
  console.log(`  ${((performance.now() - t0) / 1000).toFixed(0).padStart(3)} s  open ${viewers.filter((v) => v.opened && !v.closed).length}, ` +
    `frames ${int(viewers.reduce((s, v) => s + v.frames, 0))}; server: RSS ${mib(p.rss)} MiB, heap ${last ? mib(last.heapUsed) : '?'} MiB, ` +
    `CPU ${cpu.toFixed(0)} %, event-loop delay max ${last ? last.loopMax.toFixed(0) : '?'} ms, queued ${last ? mib(last.queued) : '?'} MiB`);
}, 10_000);

// Each viewer closes RUN_MS after it opened; one that has not closed 15 s later is cut off.
await Promise.race([Promise.all(allClosed), sleep(RUN_MS + RAMP_MS + 15_000)]);
for (const v of viewers) {
  if (v.closed) continue;
  v.errors.push('did not close within 15 s of the end');
  v.ws.terminate();
}
const runMs = performance.now() - t0;
clearInterval(progress);
clearInterval(sampler);
loopDelay.disable();
const clientCpu = process.cpuUsage(clientCpuStart);
const machineEnd = machineCpu();
const procEnd = procStats(server.pid) ?? proc.at(-1);
const serverExit = server.exited;
// Sockets and their streams are torn down asynchronously: measure once the server has let go.
let after = await server.gc();
const settleStart = performance.now();
while ((after.viewers || live(after) - live(before) >= RETAINED_LIMIT) && performance.now() - settleStart < 10_000 && !server.exited) {
  await sleep(1000);
  after = await server.gc();
}
const settledMs = performance.now() - settleStart;
const stopped = await server.stop();

// ------------------------------------------------------------------------------------------ report

const sum = (list, f) => list.reduce((s, v) => s + f(v), 0);
const frames = sum(viewers, (v) => v.frames);
const bytes = sum(viewers, (v) => v.bytes);
const errors = viewers.flatMap((v) => v.errors.map((e) => `viewer ${v.index} (${v.kind}): ${e}`));
const dropped = viewers.filter((v) => v.unexpectedClose);
const malformed = sum(viewers, (v) => v.malformed.length);
const regressions = sum(viewers, (v) => v.regressions);
const pausedFrames = sum(viewers, (v) => v.pausedFrames);
const notAuthed = viewers.filter((v) => !v.authed).length;

const rows = [['viewers', 'n', 'frames', 'MiB', 'frames/s each', 'ends', 'seeks', 'errors', 'dropped', 'malformed', 'ms back', 'while paused']];
for (const kind of ['1x', '2x', 'pause', 'seek', 'all']) {
  const group = kind === 'all' ? viewers : viewers.filter((v) => v.kind === kind);
  if (!group.length) continue;
  const n = sum(group, (v) => v.frames);
  rows.push([kind, group.length, int(n), mib(sum(group, (v) => v.bytes)), (n / group.length / SECONDS).toFixed(1), sum(group, (v) => v.ends),
    sum(group, (v) => v.seeks), sum(group, (v) => v.errors.length), group.filter((v) => v.unexpectedClose).length,
    sum(group, (v) => v.malformed.length), sum(group, (v) => v.regressions), sum(group, (v) => v.pausedFrames)]);
}
console.log(`\n${table(rows)}\n`);

const drifted = viewers.filter((v) => v.drift);
const lastDrifts = drifted.map((v) => v.drift.last);
const driftMedian = quantile(lastDrifts, 0.5);
const driftMax = Math.max(...lastDrifts);
const seekLatencies = viewers.flatMap((v) => v.seekLatencies);
console.log(`pacing, 1× viewers without seeks (${drifted.length}): drift at the last frame median ${msText(driftMedian)} ms, p95 ${msText(quantile(lastDrifts, 0.95))} ms, ` +
  `max ${msText(driftMax)} ms; over all their frames from ${msText(Math.min(...drifted.map((v) => v.drift.min)))} to ${msText(Math.max(...drifted.map((v) => v.drift.max)))} ms`);
if (seekLatencies.length) {
  console.log(`seeks (${seekLatencies.length}, with the replays after end): a frame within ${SEEK_NEAR_MS / 1000} s of the target after median ${quantile(seekLatencies, 0.5).toFixed(0)} ms, max ${Math.max(...seekLatencies).toFixed(0)} ms`);
}

const during = server.samples.filter((s) => s.t >= epoch0 && s.t <= epoch0 + runMs);
const serverCpu = ((procEnd.cpuMs - proc[0].cpuMs) / runMs) * 100;
const machine = machineStart && machineEnd ? ((machineEnd.busy - machineStart.busy) / (machineEnd.total - machineStart.total)) * 100 : NaN;
console.log(`CPU: server ${serverCpu.toFixed(0)} % of a core, clients ${(((clientCpu.user + clientCpu.system) / 1000 / runMs) * 100).toFixed(0)} %, machine ${machine.toFixed(0)} % busy (all cores)`);
console.log(`event-loop delay: server p99 ${quantile(during.map((s) => s.loopP99), 0.5).toFixed(0)} ms (median second), max ${Math.max(0, ...during.map((s) => s.loopMax)).toFixed(0)} ms; ` +
  `clients p99 ${(loopDelay.percentile(99) / 1e6).toFixed(0)} ms, max ${(loopDelay.max / 1e6).toFixed(0)} ms`);
console.log(`send queues: ${Math.max(0, ...during.map((s) => s.viewers))} viewers at most; all of them at most ${mib(Math.max(0, ...during.map((s) => s.queued)))} MiB at a sample, ` +
  `one at most ${(Math.max(0, ...during.map((s) => s.maxQueued)) / 1024).toFixed(0)} KiB`);

// Memory.
const steadyFrom = rampDone + Math.min(15_000, RUN_MS / 4);
const steady = (series, t) => series.filter((s) => t(s) >= steadyFrom && t(s) <= RUN_MS);
const rssStart = proc[0].rss;
const rssPeak = Math.max(...proc.map((p) => p.rss));
const rssEnd = proc.at(-1).rss;
const rssTrend = trend(steady(proc, (p) => p.t).map((p) => ({ x: p.t, y: p.rss })));
const rssLimit = rssStart + VIEWERS * RSS_PER_VIEWER;
const liveSteady = steady(server.live, (s) => s.t - epoch0);
const liveMean = liveSteady.length ? sum(liveSteady, live) / liveSteady.length : NaN;
const liveTrend = trend(liveSteady.map((s) => ({ x: s.t - epoch0, y: live(s) })));
const liveTrendLimit = Math.max(LIVE_TREND_FLOOR, 0.35 * liveMean);
const retained = live(after) - live(before);
const heapPeak = Math.max(before.heapUsed, ...during.map((s) => s.heapUsed));
const checks = {
  liveTrend: liveSteady.length >= 3 && liveTrend < liveTrendLimit,
  retained: retained < RETAINED_LIMIT && after.viewers === 0,
  rssPeak: rssPeak <= rssLimit,
};
console.log(`server RSS: before ${mib(rssStart)} MiB, peak ${mib(rssPeak)} MiB (limit ${mib(rssLimit)}: 2 MiB a viewer), at the end ${mib(rssEnd)} MiB, ` +
  `after the run ${mib(after.rss)} MiB; trend from ${(steadyFrom / 1000).toFixed(0)} s ${signed(rssTrend)} MiB`);
console.log(`server live memory (heap used + ArrayBuffers after a full GC, ${liveSteady.length} samples from ${(steadyFrom / 1000).toFixed(0)} s): ` +
  `mean ${mib(liveMean)} MiB (${((liveMean - live(before)) / VIEWERS / 1024).toFixed(0)} KiB a viewer), trend ${signed(liveTrend)} MiB (limit ${mib(liveTrendLimit)}); ` +
  `before the run ${mib(live(before))} MiB, after it ${mib(live(after))} MiB (${signed(retained)}, limit ${mib(RETAINED_LIMIT)}; measured ${(settledMs / 1000).toFixed(0)} s after the last close, ${after.viewers} viewers left)`);
console.log(`server heap used: before ${mib(before.heapUsed)} MiB, peak ${mib(heapPeak)} MiB (1 s samples), after ${mib(after.heapUsed)} MiB`);

const problems = [];
if (notAuthed) problems.push(`${notAuthed} viewers never connected and authenticated`);
if (errors.length) problems.push(`${errors.length} errors`);
if (dropped.length) problems.push(`${dropped.length} dropped connections`);
if (malformed) problems.push(`${malformed} malformed frames`);
if (regressions) problems.push(`${regressions} frames with ms going backwards`);
if (pausedFrames) problems.push(`${pausedFrames} frames while paused`);
if (after.viewers) problems.push(`${after.viewers} viewers still on the server after the run`);
if (serverExit) problems.push(`the server exited during the run (${JSON.stringify(serverExit)})`);
if (stopped.code !== 0) problems.push(`the server did not stop cleanly (${JSON.stringify(stopped)})`);
if (server.stderr.trim()) problems.push('the server wrote to stderr');
if (!checks.liveTrend) problems.push('server live memory grows during the run');
if (!checks.retained) problems.push('server memory retained after the run');
if (!checks.rssPeak) problems.push('server RSS over its limit');
const details = [
  ...errors.slice(0, 10),
  ...dropped.slice(0, 10).map((v) => `viewer ${v.index} (${v.kind}): ${v.unexpectedClose}`),
  ...viewers.flatMap((v) => v.malformed.slice(0, 1).map((m) => `viewer ${v.index} (${v.kind}): ${m}`)).slice(0, 10),
];
for (const line of details) console.log(`  ! ${line}`);
if (server.stderr.trim()) console.log(`server stderr:\n${server.stderr.trim().split('\n').slice(0, 20).join('\n')}`);

const verdict = `load check: ${VIEWERS} viewers × ${SECONDS} s — ${errors.length} errors, ${dropped.length} dropped, ${malformed} malformed, ` +
  `frames ${int(frames)} (${mib(bytes)} MiB), pacing drift median ${msText(driftMedian)} ms / max ${msText(driftMax)} ms, ` +
  `server RSS start ${mib(rssStart)} MiB / peak ${mib(rssPeak)} MiB / end ${mib(rssEnd)} MiB, heap peak ${mib(heapPeak)} MiB, ` +
  `live ${mib(liveMean)} MiB (trend ${signed(liveTrend)}, retained ${signed(retained)}), server CPU ${serverCpu.toFixed(0)} % — ` +
  (problems.length ? `FAIL: ${problems.join('; ')}` : 'PASS');
console.log(`\n${verdict}`);
if (JSON_OUT) {
  writeFileSync(resolve(JSON_OUT), JSON.stringify({
    options: { viewers: VIEWERS, seconds: SECONDS, rampMs: RAMP_MS, recording: SID }, verdict, problems, epoch0,
    frames, bytes, drift: { median: driftMedian, max: driftMax, last: lastDrifts }, seekLatencies, serverCpu, machine,
    memory: { before, after, proc, samples: server.samples, live: server.live, checks },
  }, null, 1));
}
process.exit(problems.length ? 1 : 0);
