import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { PlaybackClock } from '../../src/core/clock.js';
import { KeyframeStore } from '../../src/core/keyframes.js';
import { Scheduler } from '../../src/core/scheduler.js';
import { ScreenTimeline, planReplay, type ScreenUpdate } from '../../src/core/screen-timeline.js';

/** A clock on hand-driven time. */
function manualClock() {
  let now = 1000;
  const clock = new PlaybackClock(() => now);
  return { clock, advance: (ms: number) => void (now += ms) };
}

const png = new Uint8Array([0x89]);
const tile = (timeMs: number, left: number, top: number, size = 64): ScreenUpdate => ({
  kind: 'tile', timeMs, left, top, right: left + size, bottom: top + size, png,
});
const resize = (timeMs: number, width: number, height: number): ScreenUpdate => ({ kind: 'resize', timeMs, width, height });
const pointer = (timeMs: number, x: number, y: number): ScreenUpdate => ({ kind: 'pointer', timeMs, x, y });

function timelineOf(updates: ScreenUpdate[]): ScreenTimeline {
  const timeline = new ScreenTimeline();
  for (const update of updates) timeline.add(update);
  return timeline;
}

const times = (updates: ScreenUpdate[]) => updates.map((u) => `${u.kind}@${u.timeMs}`);

describe('PlaybackClock', () => {
  test('stands still until started, then follows wall time', () => {
    const { clock, advance } = manualClock();
    advance(500);
    assert.equal(clock.timeMs, 0);
    clock.start();
    advance(250);
    assert.equal(clock.timeMs, 250);
  });

  test('pause and resume lose and add nothing', () => {
    const { clock, advance } = manualClock();
    clock.start();
    advance(300);
    clock.stop();
    advance(10_000);
    assert.equal(clock.timeMs, 300);
    clock.start();
    advance(200);
    assert.equal(clock.timeMs, 500);
  });

  test('a rate change applies from the moment it is made', () => {
    const { clock, advance } = manualClock();
    clock.start();
    advance(1000);
    clock.setRate(4);
    advance(500);
    assert.equal(clock.timeMs, 3000);
    clock.setRate(0.25);
    advance(400);
    assert.equal(clock.timeMs, 3100);
  });

  test('set() jumps and keeps running; rates must be positive', () => {
    const { clock, advance } = manualClock();
    clock.start();
    advance(100);
    clock.set(5000);
    advance(100);
    assert.equal(clock.timeMs, 5100);
    assert.throws(() => clock.setRate(0), RangeError);
    assert.throws(() => clock.setRate(Number.NaN), RangeError);
  });
});

describe('ScreenTimeline', () => {
  test('finds due updates by time and refuses to go back in time', () => {
    const timeline = timelineOf([resize(0, 128, 64), tile(0, 0, 0), tile(100, 64, 0), tile(100, 0, 0), tile(250, 0, 0)]);
    assert.deepEqual([-1, 0, 99, 100, 249, 250, 1e9].map((t) => timeline.indexAfter(t)), [0, 2, 2, 4, 4, 5, 5]);
    assert.throws(() => timeline.add(tile(200, 0, 0)), RangeError);
  });
});

describe('planReplay()', () => {
  test('keeps only tiles that some later tile does not paint over, and the last pointer', () => {
    const timeline = timelineOf([
      resize(0, 128, 64),
      tile(10, 0, 0), // covered by 40
      pointer(15, 5, 5),
      tile(20, 64, 0), // visible
      tile(30, 32, 0), // straddles both cells, neither fully covered later: visible
      tile(40, 0, 0),
      pointer(50, 6, 6),
    ]);
    assert.deepEqual(times(planReplay(timeline, 0, timeline.length, 0, 0)), ['resize@0', 'tile@20', 'tile@30', 'tile@40', 'pointer@50']);
  });

  test('starts from the last resize; the pointer may come from before it', () => {
    const timeline = timelineOf([resize(0, 64, 64), tile(10, 0, 0), pointer(20, 1, 1), resize(30, 128, 64), tile(40, 64, 0)]);
    assert.deepEqual(times(planReplay(timeline, 0, timeline.length, 0, 0)), ['resize@30', 'tile@40', 'pointer@20']);
  });

  test('a partial edge cell counts as covered by a tile reaching the screen edge', () => {
    // 100×50 screen: the right column of cells is 36 px wide, the only row 50 px tall.
    const timeline = timelineOf([resize(0, 100, 50), tile(10, 64, 0), tile(20, 64, 0, 50)]);
    assert.deepEqual(times(planReplay(timeline, 0, timeline.length, 0, 0)), ['resize@0', 'tile@20']);
    // One pixel short of the bottom edge: the older tile still shows below it.
    const short = timelineOf([resize(0, 100, 50), tile(10, 64, 0), tile(20, 64, 0, 49)]);
    assert.deepEqual(times(planReplay(short, 0, short.length, 0, 0)), ['resize@0', 'tile@10', 'tile@20']);
  });

  test('nothing is drawn before the screen size is known', () => {
    const timeline = timelineOf([tile(0, 0, 0), resize(10, 64, 64)]);
    assert.deepEqual(times(planReplay(timeline, 0, 1, 0, 0)), []);
  });
});

describe('Scheduler', () => {
  const updates = [resize(0, 128, 64), tile(0, 0, 0), tile(100, 64, 0), pointer(150, 3, 4), tile(200, 0, 0)];

  test('advance() hands out each due update once, in time order', () => {
    const scheduler = new Scheduler(timelineOf(updates));
    assert.deepEqual(times(scheduler.advance(0)), ['resize@0', 'tile@0']);
    assert.deepEqual(times(scheduler.advance(50)), []);
    assert.deepEqual(times(scheduler.advance(160)), ['tile@100', 'pointer@150']);
    assert.deepEqual(times(scheduler.advance(1000)), ['tile@200']);
    assert.deepEqual(times(scheduler.advance(2000)), []);
  });

  test('seek() rebuilds the screen at the target, backward and forward', () => {
    const scheduler = new Scheduler(timelineOf(updates));
    assert.deepEqual(times(scheduler.seek(1000).updates), ['resize@0', 'tile@100', 'tile@200', 'pointer@150']);
    assert.deepEqual(times(scheduler.seek(120).updates), ['resize@0', 'tile@0', 'tile@100']);
    assert.equal(scheduler.nextIndex, 3);
    assert.deepEqual(times(scheduler.advance(300)), ['pointer@150', 'tile@200']);
  });

  test('a long catch-up drops tiles painted over within it', () => {
    const many = [resize(0, 64, 64), ...Array.from({ length: 50 }, (_, i) => tile(i + 1, 0, 0))];
    const scheduler = new Scheduler(timelineOf(many));
    assert.deepEqual(times(scheduler.advance(0)), ['resize@0']);
    assert.deepEqual(times(scheduler.advance(100)), ['tile@50']);
  });
});

describe('KeyframeStore and seeking from keyframes', () => {
  const encoded = (bytes: number) => Promise.resolve(new Blob([new Uint8Array(bytes)]));
  const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
  // 20 tiles over 2×2 cells of a 128×128 screen, one per 10 ms, with the pointer moving at 5 ms.
  const cells = [[0, 0], [64, 0], [0, 64], [64, 64]] as const;
  const updates = [resize(0, 128, 128), pointer(5, 1, 1), ...Array.from({ length: 20 }, (_, i) => tile(10 * (i + 1), cells[i % 4]![0], cells[i % 4]![1]))];

  test('a seek starts from the latest keyframe in the same screen size, when that is cheaper', async () => {
    const timeline = timelineOf(updates);
    const store = new KeyframeStore();
    const scheduler = new Scheduler(timeline, store);
    // Without keyframes: the last tile of each of the 4 cells.
    assert.deepEqual(times(scheduler.seek(200).updates), ['resize@0', 'tile@170', 'tile@180', 'tile@190', 'tile@200', 'pointer@5']);
    store.add({ end: timeline.indexAfter(190), timeMs: 190, width: 128, height: 128 }, undefined, encoded(100));
    await settle();
    // An encoded keyframe costs more than the 4 tiles it would save: still from nothing.
    assert.equal(scheduler.seek(200).keyframe, undefined);
    // Far enough along, the keyframe wins: one tile after it, and the pointer put back.
    // 100 small tiles side by side (4×4 pixels on a 10×10 grid): none paints over another.
    const longTimeline = timelineOf([...updates, ...Array.from({ length: 100 }, (_, i) => tile(300 + i, (i % 10) * 4, Math.floor(i / 10) * 4, 4))]);
    const longStore = new KeyframeStore();
    const longScheduler = new Scheduler(longTimeline, longStore);
    const full = longScheduler.seek(400);
    assert.equal(full.keyframe, undefined);
    // Each small tile still shows, so all 100 stay, plus the last tile of each 64×64 cell (partly painted over).
    assert.equal(full.updates.filter((update) => update.kind === 'tile').length, 104);
    longStore.add({ end: longTimeline.indexAfter(398), timeMs: 398, width: 128, height: 128 }, undefined, encoded(100));
    await settle();
    const fromKeyframe = longScheduler.seek(400);
    assert.equal(fromKeyframe.keyframe?.timeMs, 398);
    assert.deepEqual(times(fromKeyframe.updates), ['tile@399', 'pointer@5']);
    // Before the keyframe, it is not used.
    assert.equal(longScheduler.seek(350).keyframe, undefined);
  });

  test('a keyframe from before a resize is never used after it', async () => {
    const timeline = timelineOf([...updates, resize(300, 64, 64), tile(310, 0, 0)]);
    const store = new KeyframeStore();
    store.add({ end: timeline.indexAfter(200), timeMs: 200, width: 128, height: 128 }, undefined, encoded(10));
    await settle();
    const resizeIndex = timeline.lastResizeBefore(timeline.length)!.index;
    assert.equal(store.before(timeline.length, resizeIndex), undefined);
    assert.equal(store.before(timeline.indexAfter(250), 0)?.timeMs, 200);
  });

  test('keeps encoded keyframes within budget by thinning where they are densest', async () => {
    const store = new KeyframeStore({ decodedBytes: 0, encodedBytes: 1000 });
    for (const end of [10, 20, 30, 32, 40, 50]) store.add({ end, timeMs: end, width: 10, height: 10 }, undefined, encoded(200));
    await settle();
    assert.equal(store.count, 5);
    assert.equal(store.bytes.encoded, 1000);
    // 30 and 32 are 2 updates apart: one of them went, and the ends of the range stayed.
    assert.equal(store.before(10, 0)?.end, 10);
    assert.equal(store.before(50, 0)?.end, 50);
    assert.equal([30, 32].filter((end) => store.has(end)).length, 1);
  });

  test('a keyframe whose encoding failed is dropped', async () => {
    const store = new KeyframeStore();
    store.add({ end: 5, timeMs: 5, width: 10, height: 10 }, undefined, Promise.reject(new Error('encoder failed')));
    await settle();
    assert.equal(store.count, 0);
  });
});


describe('ScreenTimeline.tileTimeBeside()', () => {
  const timeline = timelineOf([resize(0, 128, 64), tile(0, 0, 0), pointer(50, 1, 1), tile(100, 64, 0), tile(100, 0, 0), pointer(150, 2, 2), tile(300, 0, 0)]);
  test('finds the next and the previous screen change, skipping pointer moves', () => {
    assert.equal(timeline.tileTimeBeside(0, 1), 100);
    assert.equal(timeline.tileTimeBeside(120, 1), 300);
    assert.equal(timeline.tileTimeBeside(300, 1), undefined);
    assert.equal(timeline.tileTimeBeside(300, -1), 100);
    assert.equal(timeline.tileTimeBeside(100, -1), 0);
    assert.equal(timeline.tileTimeBeside(0, -1), undefined);
  });
});
