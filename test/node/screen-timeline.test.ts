import { describe, test } from 'node:test';
import { assert } from '../helpers/assert.js';
import { ScreenTimeline, planReplay, type ScreenUpdate } from '../../src/core/screen-timeline.js';
import { seededRandom } from '../helpers/seeded-random.js';

/** A timeline of resizes, tiles, pointer moves and clicks in time order (several at one ms too), and the updates as added. */
function randomTimeline(seed: number, count: number): { timeline: ScreenTimeline; added: ScreenUpdate[] } {
  const random = seededRandom(seed);
  const timeline = new ScreenTimeline();
  const added: ScreenUpdate[] = [];
  let timeMs = 0;
  const add = (update: ScreenUpdate): void => {
    timeline.add(update);
    added.push(update);
  };
  add({ kind: 'resize', timeMs, width: 256, height: 128 });
  for (let i = 0; i < count; i++) {
    timeMs += random() < 0.3 ? 0 : Math.floor(random() * 50);
    const roll = random();
    if (roll < 0.6) add({ kind: 'pointer', timeMs, x: Math.floor(random() * 4000), y: Math.floor(random() * 3000) });
    else if (roll < 0.65) add({ kind: 'click', timeMs, button: Math.floor(random() * 3) });
    else if (roll < 0.67) add({ kind: 'resize', timeMs, width: 128 + Math.floor(random() * 128), height: 64 + Math.floor(random() * 64) });
    else {
      const left = Math.floor(random() * 4) * 64;
      const top = Math.floor(random() * 2) * 64;
      add({ kind: 'tile', timeMs, left, top, right: left + 64, bottom: top + 64, png: { id: i } as never });
    }
  }
  return { timeline, added };
}

describe('ScreenTimeline: pointer positions kept as numbers', () => {
  for (const seed of [1, 2, 3, 4]) {
    test(`seed ${seed}: every update reads back as added; times, the last pointer and seek plans as a scan of the updates finds them`, () => {
      const { timeline, added } = randomTimeline(seed, 3000);
      assert.equal(timeline.length, added.length, `seed ${seed}`);
      for (let index = 0; index < added.length; index++) assert.deepEqual(timeline.at(index), added[index], `seed ${seed}, update ${index}`);
      assert.equal(timeline.lastTimeMs, added.at(-1)!.timeMs);
      const random = seededRandom(seed + 100);
      for (let probe = 0; probe < 200; probe++) {
        const timeMs = Math.floor(random() * (timeline.lastTimeMs + 100)) - 50;
        const after = added.findIndex((update) => update.timeMs > timeMs);
        assert.equal(timeline.indexAfter(timeMs), after < 0 ? added.length : after, `seed ${seed}, indexAfter(${timeMs})`);
        const end = Math.floor(random() * (added.length + 1));
        const from = Math.floor(random() * (end + 1));
        let last: ScreenUpdate | undefined;
        for (let index = end - 1; index >= from && !last; index--) if (added[index]!.kind === 'pointer') last = added[index];
        assert.deepEqual(timeline.lastPointerBefore(end, from), last, `seed ${seed}, lastPointerBefore(${end}, ${from})`);
        const plan = planReplay(timeline, from, end, 256, 128);
        const pointers = plan.filter((update) => update.kind === 'pointer');
        assert.deepEqual(pointers, last ? [last] : [], `seed ${seed}, the plan of [${from}, ${end}) puts the pointer where it last was`);
        const tileAfter = added.find((update) => update.kind === 'tile' && update.timeMs > timeMs);
        assert.equal(timeline.tileTimeBeside(timeMs, 1), tileAfter?.timeMs, `seed ${seed}, next tile after ${timeMs}`);
        const tileBefore = [...added].reverse().find((update) => update.kind === 'tile' && update.timeMs < timeMs);
        assert.equal(timeline.tileTimeBeside(timeMs, -1), tileBefore?.timeMs, `seed ${seed}, tile before ${timeMs}`);
      }
    });
  }
});
