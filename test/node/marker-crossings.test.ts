import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Prng } from '../../demo/samples/prng.js';
import { MarkerCrossings } from '../../src/core/marker-crossings.js';

/** What the playhead did before the index: every marker looked at, in list order. */
function scanned(markers: readonly { timeMs: number }[], fromMs: number, toMs: number): number[] {
  return markers.flatMap((marker, index) => (marker.timeMs > fromMs && marker.timeMs <= toMs ? [index] : []));
}

describe('marker crossings', () => {
  test('equal times, markers arriving out of order, a list that grows between ticks: list order, as the scan', () => {
    const markers = [{ timeMs: 100 }, { timeMs: 300 }, { timeMs: 200 }];
    const crossings = new MarkerCrossings();
    assert.deepEqual(crossings.crossed(markers, 0, 250), [0, 2]);
    markers.push({ timeMs: 200 }, { timeMs: 50 }, { timeMs: 300 });
    assert.deepEqual(crossings.crossed(markers, 150, 300), [1, 2, 3, 5], 'equal times in list order, the late 200 included');
    assert.deepEqual(crossings.crossed(markers, 0, 100), [0, 4], 'a marker that arrived after later ones');
    assert.deepEqual(crossings.crossed(markers, 200, 200), [], 'no time passed');
    assert.deepEqual(crossings.crossed(markers, 300, 100), [], 'backwards');
    assert.deepEqual(crossings.crossed(markers, 100, 200), [2, 3], 'the start excluded, the end included');
    assert.deepEqual(crossings.crossed([{ timeMs: 10 }], 0, 1000), [0], 'another list (a new load) starts afresh');
  });

  for (const seed of [1, 2, 3, 0x5eed]) {
    test(`seed ${seed}: random lists growing in batches (in order, backwards, with ties), random intervals: the scan's answer`, () => {
      const random = new Prng(seed);
      const crossings = new MarkerCrossings();
      for (let load = 0; load < 3; load++) {
        const markers: { timeMs: number }[] = [];
        let clock = 0;
        for (let batch = 0; batch < 40; batch++) {
          const size = Math.floor(random.next() * 50);
          const backwards = random.next() < 0.2;
          for (let i = 0; i < size; i++) {
            clock += Math.floor(random.next() * 3) * 10;
            markers.push({ timeMs: backwards ? Math.floor(random.next() * clock) : random.next() < 0.1 ? clock - 10 : clock });
          }
          for (let ask = 0; ask < 5; ask++) {
            const from = Math.floor(random.next() * (clock + 20)) - 10;
            const to = from + Math.floor(random.next() * 200);
            assert.deepEqual(crossings.crossed(markers, from, to), scanned(markers, from, to), `seed ${seed}, load ${load}, batch ${batch}: ${from}–${to}`);
          }
        }
      }
    });
  }
});
