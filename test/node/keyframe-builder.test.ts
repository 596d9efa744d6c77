import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { DecodedImage } from '../../src/core/image-decode.js';
import { KeyframeBuilder } from '../../src/core/keyframe-builder.js';
import type { KeyframeStore } from '../../src/core/keyframes.js';
import { ScreenTimeline } from '../../src/core/screen-timeline.js';

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * A builder on a clock the test moves: each tile decode is 5 ms of work on it, and the builder's
 * sleeps are timers that fire only when the test advances past them. `busy` stands for the player
 * needing the decoder.
 */
function pacedBuilder(tiles: number, tilesApart: number) {
  let now = 0;
  let timers: Array<{ at: number; fire: () => void }> = [];
  const captures: number[] = [];
  const progress: boolean[] = [];
  const state = { busy: false };
  const timeline = new ScreenTimeline();
  timeline.add({ kind: 'resize', timeMs: 0, width: 640, height: 640 });
  // Tiles side by side, none painted over: a keyframe decodes every tile since the one before.
  for (let index = 0; index < tiles; index++) {
    const left = (index % 10) * 64;
    const top = Math.floor(index / 10) * 64;
    timeline.add({ kind: 'tile', timeMs: index + 1, left, top, right: left + 64, bottom: top + 64, png: new Uint8Array([index]) });
  }
  const canvas = { width: 0, height: 0, getContext: () => ({ drawImage() {}, putImageData() {} }) } as unknown as OffscreenCanvas;
  const store = { capture: (_canvas: unknown, end: number) => captures.push(end) } as unknown as KeyframeStore;
  const decodeTile = async (): Promise<DecodedImage> => {
    now += 5;
    return { close() {} } as unknown as DecodedImage;
  };
  const builder = new KeyframeBuilder(canvas, timeline, store, decodeTile, {
    tilesApart,
    fastPathUpdatesApart: 24,
    tileBytes: { readTransient: () => new Uint8Array(0) },
    mayWork: () => !state.busy,
    sleep: (delayMs) => new Promise<void>((resolve) => (delayMs === 0 ? setImmediate(resolve) : timers.push({ at: now + delayMs, fire: resolve }))),
    now: () => now,
    onProgress: (caughtUp) => progress.push(caughtUp),
  });
  return {
    builder, captures, progress, state,
    get now() {
      return now;
    },
    /** When the builder's next timer is due (undefined: it waits on none). */
    get nextTimerAt() {
      return timers.length ? Math.min(...timers.map((timer) => timer.at)) : undefined;
    },
    /** Lets the builder run until it waits on a timer or is done. */
    async settle() {
      for (let i = 0; i < 50; i++) await turn();
    },
    /** Moves the clock `ms` on, firing the timers due on the way. */
    async advance(ms: number) {
      const target = now + ms;
      for (;;) {
        await this.settle();
        const due = timers.filter((timer) => timer.at <= target).sort((a, b) => a.at - b.at)[0];
        if (!due) break;
        timers = timers.filter((timer) => timer !== due);
        now = Math.max(now, due.at);
        due.fire();
      }
      // Work the last timer set off may have moved the clock past the target already.
      now = Math.max(now, target);
      await this.settle();
    },
  };
}

describe('KeyframeBuilder pacing', () => {
  test('rests after each keyframe as long as it worked on it, then goes on', async () => {
    const run = pacedBuilder(24, 8);
    run.builder.wake();
    await run.settle();
    // The first keyframe: 8 decodes, 40 ms of work; then a 40 ms rest before the next.
    assert.deepEqual(run.captures, [9]);
    assert.equal(run.now, 40);
    assert.equal(run.nextTimerAt, 80);
    await run.advance(39);
    assert.deepEqual(run.captures, [9], 'still resting');
    await run.advance(1);
    assert.deepEqual(run.captures, [9, 17], 'the rest over, the next keyframe is built');
    assert.equal(run.nextTimerAt, run.now + 40);
    await run.advance(40);
    assert.deepEqual(run.captures, [9, 17, 25]);
    assert.notEqual(run.progress.at(-1), true, 'not caught up while resting');
    await run.advance(40);
    assert.equal(run.progress.at(-1), true, 'caught up with everything loaded');
    assert.equal(run.nextTimerAt, undefined);
  });

  test('stopped while resting (a new load): no keyframe follows', async () => {
    const run = pacedBuilder(24, 8);
    run.builder.wake();
    await run.settle();
    assert.deepEqual(run.captures, [9]);
    run.builder.stop();
    await run.advance(200);
    assert.deepEqual(run.captures, [9]);
    assert.notEqual(run.progress.at(-1), true);
    assert.equal(run.nextTimerAt, undefined, 'no timer left behind');
  });

  test('time spent waiting for the player is not work: the rest is the decoding alone', async () => {
    const run = pacedBuilder(16, 8);
    run.state.busy = true;
    run.builder.wake();
    await run.advance(200);
    assert.deepEqual(run.captures, [], 'nothing built while the player needs the decoder');
    run.state.busy = false;
    await run.advance(50);
    assert.deepEqual(run.captures, [9]);
    // 8 decodes of 5 ms: a 40 ms rest, not one that counts the 250 ms of waiting.
    assert.equal(run.nextTimerAt, run.now + 40);
    await run.advance(40);
    assert.deepEqual(run.captures, [9, 17]);
  });
});
