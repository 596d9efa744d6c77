import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { IdleTimeMap } from '../../src/core/idle-time.js';
import { PlaybackClock } from '../../src/core/clock.js';

describe('IdleTimeMap', () => {
  const map = new IdleTimeMap();
  for (const t of [1000, 2000, 32_000, 33_000, 93_000]) map.addActivity(t);
  map.setLimit(2000);

  test('gaps longer than the limit last exactly the limit; others are untouched', () => {
    assert.equal(map.toCompressed(1500), 1500);
    assert.equal(map.toCompressed(2000), 2000);
    assert.equal(map.toCompressed(32_000), 4000, 'the 30 s gap lasts 2 s');
    assert.equal(map.toCompressed(17_000), 3000, 'linearly inside the gap');
    assert.equal(map.toCompressed(33_000), 5000);
    assert.equal(map.toCompressed(93_000), 7000, 'the 60 s gap lasts 2 s too');
    assert.equal(map.toCompressed(95_000), 9000, 'after the last activity time runs normally');
  });

  test('toMedia inverts toCompressed', () => {
    for (const media of [0, 999, 2000, 2500, 17_000, 31_999, 32_000, 32_500, 60_000, 93_000, 120_000]) {
      assert.ok(Math.abs(map.toMedia(map.toCompressed(media)) - media) < 1e-6, `at ${media}`);
    }
  });

  test('a limit of 0 turns skipping off; activity arriving later extends the map', () => {
    const growing = new IdleTimeMap();
    growing.setLimit(0);
    growing.addActivity(50_000);
    assert.equal(growing.toCompressed(40_000), 40_000);
    growing.setLimit(5000);
    assert.equal(growing.toCompressed(50_000), 5000);
    growing.addActivity(51_000);
    growing.addActivity(151_000);
    assert.equal(growing.toCompressed(151_000), 11_000);
  });

  test('the clock runs in compressed time: a 30 s idle stretch passes in 2 s of wall time', () => {
    let wall = 0;
    const clock = new PlaybackClock(() => wall);
    clock.setTimeMap(map);
    clock.set(2000);
    clock.start();
    wall = 1000;
    assert.equal(clock.timeMs, 17_000);
    wall = 2000;
    assert.equal(clock.timeMs, 32_000);
    wall = 2500;
    assert.equal(clock.timeMs, 32_500, 'normal speed after the gap');
    clock.setRate(2);
    wall = 2750;
    assert.equal(clock.timeMs, 33_000, 'the rate applies on top');
    wall = 3250;
    assert.equal(clock.timeMs, 63_000, 'halfway through the next gap (60 s in 2 s at 2×: 1 s)');
  });
});
