// Node-side probes for `npm run bench` (test/tools/bench.mjs): the static file server (which counts
// the bytes it sent per request), renderer memory from /proc, the player worker's resource timing
// and JS heap over CDP, and a seeded PRNG for reproducible seek targets.
import { createReadStream, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join } from 'node:path';
import { Transform, pipeline } from 'node:stream';

/** Milliseconds since the Unix epoch, high resolution (comparable with the page's timeOrigin + now). */
export const epochNow = () => performance.timeOrigin + performance.now();

/** Mulberry32: a small seeded PRNG, values in [0, 1). The same seed gives the same seek targets every run. */
export function seededRandom(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const types = { '.html': 'text/html', '.js': 'text/javascript', '.tar': 'application/octet-stream' };

/**
 * The bytes `[start, end)` a `Range` header asks for (`bytes=a-b`, `a-`, `-n`) of a file of `size`
 * bytes; null when it asks for none of those, 'unsatisfiable' when it starts past the end.
 */
export function requestedRange(header, size) {
  const asked = /^bytes=(\d*)-(\d*)$/.exec(header ?? '');
  if (!asked) return null;
  const start = asked[1] === '' ? Math.max(0, size - Number(asked[2])) : Number(asked[1]);
  const end = asked[1] === '' || asked[2] === '' ? size : Math.min(size, Number(asked[2]) + 1);
  return start >= size ? 'unsatisfiable' : { start, end };
}

/**
 * Serves `root` on 127.0.0.1 (query strings ignored, so `?run=…` makes each load a distinct URL
 * and a distinct request). `sent(url)` tells how many bytes went out for the last request of `url`
 * (path + query) and when the first of them did (epoch ms). Range requests are ignored (200, the
 * whole file) unless `ranges` is set; then `bytes=a-b`, `a-` and `-n` get their 206, unpaced.
 */
export async function startServer(root, { ranges = false } = {}) {
  const requests = new Map();
  const log = [];
  const server = createServer((request, response) => {
    const path = join(root, decodeURIComponent(new URL(request.url, 'http://x').pathname));
    if (!path.startsWith(root) || !existsSync(path) || !statSync(path).isFile()) {
      response.writeHead(404).end();
      return;
    }
    const size = statSync(path).size;
    const asked = ranges ? requestedRange(request.headers.range, size) : null;
    if (asked === 'unsatisfiable') {
      response.writeHead(416, { 'content-range': `bytes */${size}` }).end();
      return;
    }
    const { start, end } = asked ?? { start: 0, end: size };
    const record = { url: request.url, range: request.headers.range ?? null, size, askedAt: epochNow(), bytes: 0, firstByteAt: null, doneAt: null };
    requests.set(request.url, record);
    log.push(record);
    const headers = { 'content-type': types[extname(path)] ?? 'application/octet-stream', 'content-length': end - start };
    if (ranges) headers['accept-ranges'] = 'bytes';
    if (asked) headers['content-range'] = `bytes ${start}-${end - 1}/${size}`;
    response.writeHead(asked ? 206 : 200, headers);
    const count = new Transform({
      transform(chunk, _encoding, done) {
        record.firstByteAt ??= epochNow();
        record.bytes += chunk.length;
        done(null, chunk);
      },
    });
    // pipeline: a client that goes away (a player removed mid-load) closes the file too.
    pipeline(createReadStream(path, { start, end: Math.max(0, end - 1) }), count, response, () => {
      record.doneAt = epochNow();
    });
  });
  await new Promise((done) => server.listen(0, '127.0.0.1', done));
  return {
    base: `http://127.0.0.1:${server.address().port}`,
    sent: (url) => requests.get(url),
    /** Every request so far, in order: url, range, askedAt, firstByteAt, doneAt (epoch ms), bytes sent. */
    log: () => log,
    close: () => new Promise((done) => {
      server.closeAllConnections();
      server.close(done);
    }),
  };
}

/** Parent pid of every process, from /proc/<pid>/stat (the command name may hold spaces and parentheses). */
function parentPids() {
  const parents = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      parents.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // The process ended meanwhile.
    }
  }
  return parents;
}

/** Pids of the renderer processes (`--type=renderer`) below `rootPid`, at any depth (they hang off the zygote). */
export function rendererPids(rootPid) {
  const parents = parentPids();
  const result = [];
  for (const pid of parents.keys()) {
    let ancestor = parents.get(pid);
    for (let depth = 0; depth < 8 && ancestor && ancestor !== rootPid; depth++) ancestor = parents.get(ancestor);
    if (ancestor !== rootPid) continue;
    try {
      // Zygote children rewrite their command line (spaces, not NULs, between arguments).
      if (/(^|[\0 ])--type=renderer([\0 ]|$)/.test(readFileSync(`/proc/${pid}/cmdline`, 'utf8'))) result.push(pid);
    } catch {
      // Ended meanwhile.
    }
  }
  return result;
}

function rssKb(pid) {
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

const MB = 1024 * 1024;

/**
 * Samples the resident memory (VmRSS) of the browser's renderer processes every `intervalMs`: their
 * sum, and the largest one (the page's own renderer); and that of the browser process itself. `extra()` is stored with each sample (e.g.
 * the bytes the server has sent so far). The renderer list is refreshed every 500 ms.
 */
export class RendererMemory {
  constructor(rootPid, intervalMs = 100) {
    this.rootPid = rootPid;
    this.intervalMs = intervalMs;
    this.samples = [];
    this.pids = [];
    this.listedAt = -Infinity;
  }

  sample(extra = {}) {
    if (performance.now() - this.listedAt > 500) {
      this.pids = rendererPids(this.rootPid);
      this.listedAt = performance.now();
    }
    const perPid = this.pids.map((pid) => rssKb(pid) * 1024);
    // The browser process holds what the renderers hand it: Blob storage among others.
    const sample = { at: epochNow(), totalBytes: perPid.reduce((a, b) => a + b, 0), largestBytes: Math.max(0, ...perPid), renderers: perPid.filter((b) => b > 0).length, browserBytes: rssKb(this.rootPid) * 1024, ...extra };
    this.samples.push(sample);
    return sample;
  }

  start(extra = () => ({})) {
    this.stop();
    this.listedAt = -Infinity;
    this.timer = setInterval(() => this.sample(extra()), this.intervalMs);
    this.sample(extra());
  }

  stop() {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Samples taken between two epoch times (inclusive). */
  between(from, to) {
    return this.samples.filter((sample) => sample.at >= from && sample.at <= to);
  }

  /** The sample with the most `field` (totalBytes: all renderers; largestBytes: the page's renderer). */
  static peak(samples, field = 'totalBytes') {
    return samples.reduce((best, sample) => (!best || sample[field] > best[field] ? sample : best), null);
  }

  static mb(bytes) {
    return bytes === null || bytes === undefined ? null : Math.round((bytes / MB) * 10) / 10;
  }
}

/** The page's player workers (module workers started from dist/recording.worker.js). */
export function playerWorkers(page) {
  return page.workers().filter((worker) => worker.url().includes('recording.worker'));
}

/** Waits until the page has a player worker (it starts when the element gets a source). */
export async function waitForPlayerWorker(page, timeoutMs = 5000) {
  const until = performance.now() + timeoutMs;
  for (;;) {
    const workers = playerWorkers(page);
    if (workers.length > 0) return workers[workers.length - 1];
    if (performance.now() > until) return null;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * The worker's PerformanceResourceTiming entry for `url` (the player fetches in its worker), as
 * epoch ms. Entries are made once the response ends, so call it after `canplaythrough`.
 */
export async function workerResourceTiming(page, url) {
  for (const worker of playerWorkers(page).reverse()) {
    const timing = await worker
      .evaluate((name) => {
        const entry = performance.getEntriesByName(name, 'resource').at(-1);
        if (!entry) return null;
        const at = (ms) => (ms > 0 ? performance.timeOrigin + ms : null);
        return { startAt: at(entry.startTime), requestStartAt: at(entry.requestStart), responseStartAt: at(entry.responseStart), responseEndAt: at(entry.responseEnd), transferSize: entry.transferSize };
      }, url)
      .catch(() => null);
    if (timing) return timing;
  }
  return null;
}

/**
 * Polls `Runtime.getHeapUsage` on the player worker's CDP session every `intervalMs` (one call at a
 * time: a busy worker answers late rather than piling calls up); keeps the peaks.
 */
export class WorkerHeap {
  constructor(worker, intervalMs = 200) {
    this.worker = worker;
    this.intervalMs = intervalMs;
    this.samples = [];
    this.error = null;
  }

  async sampleOnce() {
    try {
      const usage = await this.worker.client.send('Runtime.getHeapUsage');
      this.samples.push({ at: epochNow(), ...usage });
    } catch (error) {
      this.error ??= String(error?.message ?? error);
    }
  }

  start() {
    this.running = true;
    const loop = async () => {
      while (this.running) {
        await this.sampleOnce();
        await new Promise((resolve) => setTimeout(resolve, this.intervalMs));
      }
    };
    this.loop = loop();
  }

  async stop() {
    this.running = false;
    await this.loop;
  }

  /** The live set: the worker's heap and ArrayBuffers right after a full garbage collection. */
  async afterGarbageCollection() {
    try {
      await this.worker.client.send('HeapProfiler.collectGarbage');
      return await this.worker.client.send('Runtime.getHeapUsage');
    } catch (error) {
      this.error ??= String(error?.message ?? error);
      return null;
    }
  }

  peak(field) {
    const values = this.samples.map((sample) => sample[field]).filter((value) => typeof value === 'number');
    return values.length ? Math.max(...values) : null;
  }
}
