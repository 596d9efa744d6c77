// Fast-path seek plans in Node: the shadow-rfx capture looped to 1 hour (as the bench recording
// demo/recordings/long-1h-rfx.tar is), indexed into a ScreenTimeline; for random targets, the
// plan planReplay makes from the start, and the time its replay takes on a FastPathDecoder
// (decoding only: no canvas, no byte store). Also: indexing cost and memory per update.
// Run: node --expose-gc --import tsx test/bench/fastpath-seek.node.ts (without --expose-gc the heap figure includes garbage)
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { FastPathDecoder, loadFastPathDecoder } from '../../src/core/fastpath/index.js';
import { ScreenTimeline, planReplay } from '../../src/core/screen-timeline.js';

// The timeline indexes fast-path updates with the scan from the decoder's chunk, loaded first as a player does.
await loadFastPathDecoder();

const RUN = 'test/fixtures/rdp/captures/shadow-rfx/fastpath.jsonl.gz';
const HOUR_MS = 3_600_000;

const lines = gunzipSync(readFileSync(RUN)).toString('utf8').trim().split('\n').map((line) => JSON.parse(line) as { t_ms: number; b64: string });
const pdus = lines.map((line) => ({ t: Math.round(line.t_ms), bytes: new Uint8Array(Buffer.from(line.b64, 'base64')) }));
const roundMs = pdus.at(-1)!.t + 500;

const timeline = new ScreenTimeline();
timeline.add({ kind: 'resize', timeMs: 0, width: 1024, height: 768 });
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
gc();
const heapBefore = process.memoryUsage().heapUsed;
const indexStarted = performance.now();
let count = 0;
for (let at = 0; at + roundMs <= HOUR_MS; at += roundMs) {
  for (const pdu of pdus) {
    // The bytes stand for the stored reference the player keeps (TileBytesStore); the same object each loop.
    timeline.add(timeline.fastPath(at + pdu.t, pdu.bytes, pdu.bytes));
    count += 1;
  }
}
const indexMs = performance.now() - indexStarted;
gc();
const heapAfter = process.memoryUsage().heapUsed;
console.log(`indexed ${count} fast-path updates in ${indexMs.toFixed(0)} ms (${((indexMs * 1000) / count).toFixed(2)} µs each); ` +
  `paint areas ${(timeline.paintRectBytes / count).toFixed(1)} bytes per update (pool), heap growth ≈ ${((heapAfter - heapBefore) / count).toFixed(0)} bytes per update`);

let seed = 0x5eed;
const random = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
const rows: Array<{ targetS: number; planMs: number; replayMs: number; pushed: number; painting: number; tiles: number }> = [];
for (let i = 0; i < 20; i++) {
  const targetMs = Math.round(random() * HOUR_MS);
  const end = timeline.indexAfter(targetMs);
  const planStarted = performance.now();
  const plan = planReplay(timeline, 0, end, 0, 0);
  const planMs = performance.now() - planStarted;
  const decoder = new FastPathDecoder(1024, 768);
  const started = performance.now();
  let pushed = 0;
  let painting = 0;
  for (const update of plan) {
    if (update.kind !== 'fastpath') continue;
    decoder.push(update.pdu as Uint8Array, { paint: !update.stateOnly, covered: update.covered });
    pushed += 1;
    if (!update.stateOnly) painting += 1;
  }
  rows.push({ targetS: targetMs / 1000, planMs: +planMs.toFixed(2), replayMs: +(performance.now() - started).toFixed(1), pushed, painting, tiles: decoder.tilesDecoded });
}
console.table(rows);
const sorted = rows.map((r) => r.planMs + r.replayMs).sort((a, b) => a - b);
console.log(`plan + replay: median ${sorted[sorted.length >> 1]!.toFixed(1)} ms, max ${sorted.at(-1)!.toFixed(1)} ms`);
