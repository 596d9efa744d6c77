// Peak memory of the player's text index worker while it builds a recording's index: the built
// player (dist/, or --dist DIR) on a page of the recordings server, with text search on, in headless
// Chromium; every half second the index worker's JS heap and ArrayBuffer memory (DevTools protocol)
// and the renderers' resident memory are read. Stops when the index is complete, or after --seconds.
//   node --import tsx test/tools/text-index-memory.ts demo/recordings/long-10m-1080p.tar [--dist DIR] [--seconds N]
// Prints one JSON line. Run `npm run build` first.
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { serve } from '../../src/cli/serve.js';
import { launchChromium } from '../helpers/chromium.js';
import { portOf } from '../helpers/loopback.js';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { dist: { type: 'string', default: 'dist' }, seconds: { type: 'string', default: '86400' } } });
const file = positionals[0];
if (!file) throw new Error('usage: text-index-memory.ts RECORDING.tar [--dist DIR] [--seconds N]');
const maxMs = Number(values.seconds) * 1000;

// A root holding the built player and a page that plays the recording with text search on.
const root = await mkdtemp(join(tmpdir(), 'drp-index-memory-'));
await mkdir(join(root, 'page'));
await symlink(resolve(values.dist!), join(root, 'dist'));
await writeFile(
  join(root, 'page', 'index.html'),
  `<!doctype html><script type="module" src="/dist/desktop-recording-player.js"></script>
<desktop-recording-player text-search text-search-src="/text-search/" src="/recordings/${encodeURIComponent(basename(file))}" style="width:640px;height:360px"></desktop-recording-player>
<script type="module">
window.indexProgress = null;
document.querySelector('desktop-recording-player').addEventListener('textindexprogress', (event) => (window.indexProgress = event.detail));
</script>`,
);
const server = await serve({ recordingsDir: resolve(dirname(file)), root, port: 0, host: '127.0.0.1' });
const browser = await launchChromium();
const browserPid = browser.process()!.pid!;

/** Resident memory of this browser's renderers (the page and its workers run there), KB. */
function rendererKb(): number {
  const rows = execFileSync('ps', ['-eo', 'pid=,ppid=,rss=,args='], { encoding: 'utf8' }).split('\n').map((line) => line.trim().split(/\s+/));
  const ours = new Set([String(browserPid)]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [pid, ppid] of rows) {
      if (pid && ppid && ours.has(ppid) && !ours.has(pid)) {
        ours.add(pid);
        grew = true;
      }
    }
  }
  return rows.reduce((sum, [pid, , rss, ...args]) => (pid && ours.has(pid) && args.join(' ').includes('--type=renderer') ? sum + Number(rss) : sum), 0);
}

const peak = { rendererKb: 0, workerHeap: 0, workerArrayBuffers: 0 };
let progress: { covered: number; duration: number; complete: boolean } | null = null;
const started = Date.now();
try {
  const page = await browser.newPage();
  await page.goto(`http://127.0.0.1:${portOf(server)}/`);
  while (Date.now() - started < maxMs && !progress?.complete) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    peak.rendererKb = Math.max(peak.rendererKb, rendererKb());
    for (const worker of page.workers().filter((worker) => worker.url().includes('text-index.worker'))) {
      const usage = (await worker.client.send('Runtime.getHeapUsage').catch(() => undefined)) as { usedSize: number; backingStorageSize?: number } | undefined;
      peak.workerHeap = Math.max(peak.workerHeap, usage?.usedSize ?? 0);
      peak.workerArrayBuffers = Math.max(peak.workerArrayBuffers, usage?.backingStorageSize ?? 0);
    }
    progress = await page.evaluate(() => (window as unknown as { indexProgress: typeof progress }).indexProgress);
  }
} finally {
  await browser.close();
  server.close();
  await rm(root, { recursive: true, force: true });
}
const mb = (bytes: number) => Math.round(bytes / 1048576);
console.log(
  JSON.stringify({
    file: basename(file),
    dist: values.dist,
    seconds: Math.round((Date.now() - started) / 1000),
    indexedSeconds: progress?.covered ?? 0,
    durationSeconds: progress?.duration,
    peakIndexWorkerHeapMB: mb(peak.workerHeap),
    peakIndexWorkerArrayBuffersMB: mb(peak.workerArrayBuffers),
    peakRendererRssMB: Math.round(peak.rendererKb / 1024),
  }),
);
process.exit(0);
