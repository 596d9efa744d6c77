// Seek planning against decoding on the 1-hour Linux (QOIZ) sample in Node: the file is read and
// ingested as the worker does; for 20 seeded random targets, the plan planReplay makes from the
// start (what a seek right after loading replays), how many updates it paints, the time planning
// takes and the time its replay takes on a FastPathDecoder (bytes from the store, no canvas).
// Run: npx tsx test/bench/linux-plan.node.ts [recording.tar]
import { existsSync, readFileSync } from 'node:fs';
import { Ingest } from '../../src/core/ingest.js';
import { FastPathDecoder, loadFastPathDecoder } from '../../src/core/fastpath/index.js';
import { planReplay } from '../../src/core/screen-timeline.js';
import { readRecording } from '../../src/format/reader.js';

const path = process.argv[2] ?? 'demo/recordings/long-1h-linux.tar';
if (!existsSync(path)) {
  console.log(`${path} is missing: npx tsx demo/generate-samples.ts --long-linux makes it`);
  process.exit(0);
}
// The timeline indexes fast-path updates with the scan from the decoder's chunk, loaded first as a player does.
await loadFastPathDecoder();

const loadStarted = performance.now();
const { events } = await readRecording(new Uint8Array(readFileSync(path)));
const ingest = new Ingest();
ingest.add(events);
ingest.finish();
const timeline = ingest.timeline;
const screen = timeline.firstScreen;
if (!screen) throw new Error(`${path} has no screen`);
console.log(`${timeline.length} screen updates over ${(ingest.durationMs / 60_000).toFixed(1)} min, read and indexed in ${((performance.now() - loadStarted) / 1000).toFixed(1)} s`);

let seed = 0x5eed;
const random = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
const rows = [];
for (let i = 0; i < 20; i++) {
  const targetMs = Math.round(random() * ingest.durationMs);
  const end = timeline.indexAfter(targetMs);
  const planStarted = performance.now();
  const plan = planReplay(timeline, 0, end, 0, 0);
  const planMs = performance.now() - planStarted;
  const decoder = new FastPathDecoder(screen.width, screen.height);
  let painted = 0;
  const replayStarted = performance.now();
  for (const update of plan) {
    if (update.kind === 'resize') decoder.reset(update.width, update.height);
    if (update.kind !== 'fastpath') continue;
    decoder.push(await ingest.readBytes(update.pdu), { paint: !update.stateOnly, covered: update.covered });
    if (!update.stateOnly) painted += 1;
  }
  rows.push({ targetS: Math.round(targetMs / 1000), updates: end, painted, planMs: +planMs.toFixed(1), replayMs: +(performance.now() - replayStarted).toFixed(1) });
}
ingest.close();
console.table(rows);
const median = (values: number[]): number => [...values].sort((a, b) => a - b)[values.length >> 1]!;
const figures = (values: number[]) => `median ${median(values).toFixed(1)} ms, max ${Math.max(...values).toFixed(1)} ms`;
console.log(`planning from the start: ${figures(rows.map((r) => r.planMs))}; replaying the plan: ${figures(rows.map((r) => r.replayMs))}; painted: median ${median(rows.map((r) => r.painted))} updates`);
