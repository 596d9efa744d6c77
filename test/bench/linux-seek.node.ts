// Seeks on an hour of a Linux desktop (QOIZ) in Node: a 1920×1080 full screen, then the damage a
// typing user makes (glyph-sized rectangles along text lines), the panel clock every second and a
// window moved every 30 s, indexed into a ScreenTimeline. For random targets: the plan planReplay
// makes from the start and from the player's keyframes (every 24 fast-path updates), and the time
// its replay takes on a FastPathDecoder (decoding only: no canvas, no byte store).
// Run: npx tsx test/bench/linux-seek.node.ts
import { FastPathDecoder, loadFastPathDecoder } from '../../src/core/fastpath/index.js';
import { ScreenTimeline, planReplay } from '../../src/core/screen-timeline.js';
import { qoizPdus, syntheticScreen } from '../helpers/qoiz.js';

// The timeline indexes fast-path updates with the scan from the decoder's chunk, loaded first as a player does.
await loadFastPathDecoder();

const HOUR_MS = 3_600_000;
const WIDTH = 1920;
const HEIGHT = 1080;
/** As the player keeps them (session.ts KEYFRAME_FAST_PATH_UPDATES_APART). */
const KEYFRAME_UPDATES_APART = 24;

let seed = 0x11d;
const random = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
const rectangle = (width: number, height: number): Uint8Array => syntheticScreen(width, height, 1 + Math.floor(random() * 1000));

const timeline = new ScreenTimeline();
timeline.add({ kind: 'resize', timeMs: 0, width: WIDTH, height: HEIGHT });
const add = (timeMs: number, left: number, top: number, pixels: Uint8Array, width: number, height: number): void => {
  for (const pdu of qoizPdus(left, top, width, height, pixels)) timeline.add(timeline.fastPath(timeMs, pdu, pdu));
};
const started = performance.now();
add(0, 0, 0, syntheticScreen(WIDTH, HEIGHT, 1), WIDTH, HEIGHT);
let column = 0;
let line = 0;
for (let timeMs = 40; timeMs < HOUR_MS; timeMs += 40) {
  // Typing: about 5 keys a second, a 9×18 glyph each; a new line every 80 characters.
  if (random() < 0.2) {
    add(timeMs, 40 + column * 9, 100 + line * 18, rectangle(9, 18), 9, 18);
    if (++column === 80) [column, line] = [0, (line + 1) % 50];
  }
  if (timeMs % 1000 === 0) add(timeMs, WIDTH - 90, 4, rectangle(80, 20), 80, 20);
  if (timeMs % 30_000 === 0) add(timeMs, 200 + Math.floor(random() * 1200), 100 + Math.floor(random() * 600), rectangle(400, 300), 400, 300);
}
const fastPathUpdates = timeline.length - 1;
console.log(`${fastPathUpdates} QOIZ updates in an hour, encoded and indexed in ${((performance.now() - started) / 1000).toFixed(1)} s`);

function replay(from: number, end: number, width: number, height: number): { planMs: number; replayMs: number; painted: number } {
  const planStarted = performance.now();
  const plan = planReplay(timeline, from, end, width, height);
  const planMs = performance.now() - planStarted;
  const decoder = new FastPathDecoder(WIDTH, HEIGHT);
  const replayStarted = performance.now();
  let painted = 0;
  for (const update of plan) {
    if (update.kind !== 'fastpath') continue;
    decoder.push(update.pdu as Uint8Array, { paint: !update.stateOnly, covered: update.covered });
    if (!update.stateOnly) painted += 1;
  }
  return { planMs, replayMs: performance.now() - replayStarted, painted };
}

const rows = [];
for (let i = 0; i < 20; i++) {
  const targetMs = Math.round(random() * HOUR_MS);
  const end = timeline.indexAfter(targetMs);
  const fromStart = replay(0, end, 0, 0);
  // The keyframe before the target: the player keeps one every 24 fast-path updates (1 + 24k).
  const keyframeEnd = 1 + Math.floor((end - 1) / KEYFRAME_UPDATES_APART) * KEYFRAME_UPDATES_APART;
  const fromKeyframe = replay(keyframeEnd, end, WIDTH, HEIGHT);
  rows.push({
    targetS: Math.round(targetMs / 1000),
    startPainted: fromStart.painted,
    startMs: +(fromStart.planMs + fromStart.replayMs).toFixed(1),
    startPlanMs: +fromStart.planMs.toFixed(2),
    keyframePainted: fromKeyframe.painted,
    keyframeMs: +(fromKeyframe.planMs + fromKeyframe.replayMs).toFixed(2),
    keyframePlanMs: +fromKeyframe.planMs.toFixed(3),
  });
}
console.table(rows);
const median = (values: number[]): number => [...values].sort((a, b) => a - b)[values.length >> 1]!;
console.log(
  `from the start: median ${median(rows.map((r) => r.startMs)).toFixed(1)} ms, max ${Math.max(...rows.map((r) => r.startMs)).toFixed(1)} ms; ` +
    `from a keyframe: median ${median(rows.map((r) => r.keyframeMs)).toFixed(2)} ms, max ${Math.max(...rows.map((r) => r.keyframeMs)).toFixed(2)} ms (plus restoring the keyframe); ` +
    `planning alone, from the start: median ${median(rows.map((r) => r.startPlanMs)).toFixed(2)} ms, max ${Math.max(...rows.map((r) => r.startPlanMs)).toFixed(2)} ms`,
);
