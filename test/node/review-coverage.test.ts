import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import '../helpers/property-seed.js';
import { addRange, checkRanges, coveredFraction, CoverageTracker, MAX_REVIEW_RATE, unionRanges, type SecondRange } from '../../src/element/review-coverage.js';
import { checkNotes } from '../../src/element/review-notes.js';
import { makeSidecar, readSidecar } from '../../src/element/review-sidecar.js';

/**
 * A player on a clock the test moves: the position runs at `rate` while playing, and the tracker
 * gets a sample every `tickMs` of the clock (as `timeupdate` comes about 4 times a second).
 */
class ClockedPlayback {
  nowMs = 0;
  position = 0;
  playing = false;
  rate = 1;
  visible = true;
  readonly tracker = new CoverageTracker();

  constructor(readonly tickMs = 250) {}

  /** Moves the clock by `ms`, sampling at each tick and at the end. */
  run(ms: number): void {
    for (let left = ms; left > 0; left -= this.tickMs) {
      const step = Math.min(this.tickMs, left);
      this.nowMs += step;
      if (this.playing) this.position += (step / 1000) * this.rate;
      this.sample();
    }
  }

  sample(): void {
    this.tracker.sample({ position: this.position, playing: this.playing, rate: this.rate, visible: this.visible });
  }

  play(): void {
    this.playing = true;
    this.sample();
  }

  pause(): void {
    this.playing = false;
    this.sample();
  }

  seek(seconds: number): void {
    this.tracker.interrupt();
    this.position = seconds;
    this.sample();
  }

  /** As `ratechange` comes with the new rate. */
  setRate(rate: number): void {
    this.rate = rate;
    this.sample();
  }

  /** As `visibilitychange` is sampled. */
  setVisible(visible: boolean): void {
    this.visible = visible;
    this.sample();
  }
}

/** An activity track: `active` seconds (indices) at 0.5, the rest 0, `length` seconds long. */
function activity(length: number, active: Iterable<number>): Float32Array {
  const track = new Float32Array(length);
  for (const second of active) track[second] = 0.5;
  return track;
}

describe('review coverage', () => {
  test('played at 1×, visible: the seconds played are covered, and nothing else', () => {
    const playback = new ClockedPlayback();
    playback.play();
    playback.run(10_000);
    assert.deepEqual(playback.tracker.ranges, [[0, 10]]);
    playback.pause();
    playback.run(5_000);
    assert.deepEqual(playback.tracker.ranges, [[0, 10]], 'a paused frame covers nothing');
  });

  test('faster than 4× does not count; 4× does; a hidden page does not', () => {
    const playback = new ClockedPlayback();
    playback.setRate(MAX_REVIEW_RATE);
    playback.play();
    playback.run(2_000); // 0–8 at 4×
    playback.setRate(8);
    playback.run(2_000); // 8–24 at 8×: not covered
    playback.setRate(2);
    playback.run(2_000); // 24–28 at 2×
    playback.setVisible(false);
    playback.run(3_000); // 28–34, hidden
    playback.setVisible(true);
    playback.run(1_000); // 34–36
    assert.deepEqual(playback.tracker.ranges, [
      [0, 8],
      [24, 28],
      [34, 36],
    ]);
  });

  test('a pause, a change of speed or a hidden page ends the stretch where it happened: what played until then counts', () => {
    const tracker = new CoverageTracker();
    tracker.sample({ position: 10, playing: true, rate: 1, visible: true });
    tracker.sample({ position: 10.2, playing: false, rate: 1, visible: true });
    tracker.sample({ position: 20, playing: true, rate: 2, visible: true });
    tracker.sample({ position: 20.4, playing: true, rate: 8, visible: true });
    tracker.sample({ position: 30, playing: true, rate: 1, visible: true });
    tracker.sample({ position: 30.1, playing: true, rate: 1, visible: false });
    tracker.sample({ position: 35, playing: true, rate: 1, visible: false });
    assert.deepEqual(tracker.ranges, [
      [10, 10.2],
      [20, 20.4],
      [30, 30.1],
    ]);
    tracker.sample({ position: 40, playing: true, rate: 1, visible: true });
    tracker.interrupt();
    tracker.sample({ position: 50, playing: true, rate: 1, visible: true });
    assert.deepEqual(tracker.ranges.at(-1), [30, 30.1], 'a seek covers nothing');
  });

  test('a seek ends the stretch: the seconds jumped over are not covered; a loop back starts a new one', () => {
    const playback = new ClockedPlayback();
    playback.play();
    playback.run(3_000);
    playback.seek(60);
    playback.run(2_000);
    playback.seek(1); // back into what was seen: merged
    playback.run(4_000);
    assert.deepEqual(playback.tracker.ranges, [
      [0, 5],
      [60, 62],
    ]);
  });

  test('the fraction counts only active seconds: idle seconds, played or skipped, change nothing', () => {
    // 20 s: active 0–4 and 15–19 (10 active seconds); idle 5–14.
    const track = activity(20, [0, 1, 2, 3, 4, 15, 16, 17, 18, 19]);
    assert.equal(coveredFraction([], track), 0);
    assert.equal(coveredFraction([[0, 5]], track), 0.5);
    assert.equal(coveredFraction([[0, 15]], track), 0.5, 'the idle seconds played add nothing');
    assert.equal(coveredFraction([[0, 5], [15, 20]], track), 1, 'skipping the idle gap loses nothing');
    assert.equal(coveredFraction([[2.5, 3]], track), 0.05, 'half of one active second of ten');
    assert.equal(coveredFraction([[0, 20]], new Float32Array(20)), 0, 'no active second: 0');
  });

  test('random playback: the coverage is the union of the stretches played at ≤ 4×, visible, without a seek between samples', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.record({ kind: fc.constant('run' as const), ms: fc.integer({ min: 1, max: 3000 }) }),
            fc.record({ kind: fc.constant('seek' as const), to: fc.integer({ min: 0, max: 600_000 }) }),
            fc.record({ kind: fc.constant('rate' as const), rate: fc.constantFrom(0.5, 1, 2, 4, 8, 16) }),
            fc.record({ kind: fc.constant('toggle' as const), what: fc.constantFrom('playing' as const, 'visible' as const) }),
          ),
          { maxLength: 60 },
        ),
        (steps) => {
          const playback = new ClockedPlayback();
          let expected: SecondRange[] = [];
          playback.play();
          for (const step of steps) {
            if (step.kind === 'run') {
              const counts = playback.playing && playback.visible && playback.rate <= MAX_REVIEW_RATE;
              const from = playback.position;
              const before = expected;
              playback.run(step.ms);
              if (counts) expected = addRange(before, from, playback.position);
            } else if (step.kind === 'seek') playback.seek(step.to / 1000);
            else if (step.kind === 'rate') playback.setRate(step.rate);
            else {
              playback[step.what] = !playback[step.what];
              playback.sample();
            }
          }
          // Every covered second was played at ≤ 4× while visible, and every stretch so played is covered.
          assert.deepEqual(playback.tracker.ranges, expected);
          for (let i = 1; i < expected.length; i++) assert.ok(expected[i - 1]![1] < expected[i]![0], 'sorted and merged');
        },
      ),
      { numRuns: 200 },
    );
  });

  test('ranges merge when they overlap or touch; a union of coverages is order-free', () => {
    assert.deepEqual(addRange([[0, 1], [3, 4]], 1, 3), [[0, 4]]);
    assert.deepEqual(addRange([[0, 1], [5, 6]], 2, 3), [[0, 1], [2, 3], [5, 6]]);
    assert.deepEqual(addRange([[2, 3]], 0, 1), [[0, 1], [2, 3]]);
    assert.deepEqual(unionRanges([[0, 2]], [[1, 5], [7, 8]]), unionRanges([[7, 8], [1, 5]], [[0, 2]]));
    assert.throws(() => checkRanges([[2, 1]]), /coverage\[0\]/);
    assert.throws(() => checkRanges('everything'), TypeError);
  });
});

describe('review notes sidecar', () => {
  const sha = 'ab'.repeat(32);
  const notes = checkNotes([
    { id: 'b', time: 30, endTime: 42.5, severity: 'critical', text: 'copies report.pdf out', created: '2026-12-07T02:00:00.000Z', author: 'rev' },
    { id: 'a', time: 12, severity: 'info', text: 'logs in', created: '2026-12-07T01:59:00.000Z' },
  ]);

  test('notes are checked and sorted by time', () => {
    assert.deepEqual(
      notes.map((note) => note.id),
      ['a', 'b'],
    );
    assert.throws(() => checkNotes([{ id: 'x', time: -1, severity: 'info', text: '', created: '2026-12-07T00:00:00Z' }]), /reviewNotes\[0\] has no time/);
    assert.throws(() => checkNotes([{ id: 'x', time: 1, severity: 'urgent', text: '', created: '2026-12-07T00:00:00Z' }]), /severity "urgent"/);
    assert.throws(() => checkNotes([{ id: 'x', time: 5, endTime: 4, severity: 'info', text: '', created: '2026-12-07T00:00:00Z' }]), /endTime/);
    assert.throws(() => checkNotes(notes.concat(notes)), /id "a" of another note/);
    assert.throws(() => checkNotes({}), TypeError);
  });

  test('round trip through JSON: the same notes and coverage', () => {
    const sidecar = makeSidecar('session-1', sha, notes, [[0, 10], [20, 25.5]]);
    const read = readSidecar(JSON.stringify(sidecar), { sessionId: 'session-1', recordingSha256: sha });
    assert.deepEqual(read, sidecar);
    assert.equal(read.format, 'desktop-recording-review');
    assert.equal(read.version, 1);
  });

  test('a sidecar of another file, of an unknown version, or not one at all is refused with the reason', () => {
    const sidecar = makeSidecar('session-1', sha, notes, []);
    assert.throws(() => readSidecar(sidecar, { sessionId: 'session-1', recordingSha256: 'cd'.repeat(32) }), /belong to another recording file/);
    assert.throws(() => readSidecar(sidecar, { sessionId: 'session-1', recordingSha256: null }), /SHA-256 is not known/);
    assert.throws(() => readSidecar({ ...sidecar, version: 2 }, { sessionId: 'session-1', recordingSha256: sha }), /version 2/);
    assert.throws(() => readSidecar('{"format": "something"}', { sessionId: null, recordingSha256: sha }), /not a review notes file/);
    assert.throws(() => readSidecar('not json', { sessionId: null, recordingSha256: sha }), /not JSON/);
    // Without a hash (made on a websocket source), the session ID has to match.
    const unhashed = makeSidecar('session-1', null, notes, []);
    assert.equal(readSidecar(unhashed, { sessionId: 'session-1', recordingSha256: null }).notes.length, 2);
    assert.throws(() => readSidecar(unhashed, { sessionId: 'session-2', recordingSha256: null }), /not the loaded one/);
  });
});
