// When a seek waiting for the download shows the approximate screen (src/element/approximate-wait.ts):
// a download simulated on a clock the test moves, asked every 250 ms as the layer asks the worker.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { APPROXIMATE_GRACE_MS, ISLAND_PATIENCE_MS, LONG_WAIT_MS, SeekWait, type WaitFacts } from '../../src/element/approximate-wait.js';
import { seededRandom } from '../helpers/seeded-random.js';

const POLL_MS = 250;

interface Download {
  /** The file: bytes, and ms of recording (uniform density). */
  totalBytes: number;
  durationMs: number;
  /** Bytes read in order when the seek starts. */
  loadedBytes: number;
  /** Bytes per ms from then on (0: held). */
  bytesPerMs: number;
  targetMs: number;
  /** The facts as the worker gives them at `atMs` after the seek (default: the modelled download's); the seek lands when their `loadedMs` reaches the target. */
  facts?: (atMs: number, facts: WaitFacts) => WaitFacts;
}

/** Polls as the layer does until the seek lands or the layer shows: when each happened (ms after the seek), or undefined. */
function simulate(download: Download, untilMs = 60_000): { shownAt?: number; landedAt?: number } {
  const density = download.totalBytes / download.durationMs;
  const wait = new SeekWait(1000, download.targetMs, download.durationMs);
  for (let at = 0; at <= untilMs; at += POLL_MS) {
    const loadedBytes = Math.min(download.totalBytes, download.loadedBytes + download.bytesPerMs * at);
    const modelled: WaitFacts = { loadedBytes, loadedMs: loadedBytes / density, totalBytes: download.totalBytes, composing: false };
    const facts = download.facts?.(at, modelled) ?? modelled;
    if ((facts.loadedMs ?? 0) >= download.targetMs) return { landedAt: at };
    wait.note(1000 + at, facts);
    if (wait.shows(1000 + at)) return { shownAt: at };
  }
  return {};
}

/** An hour of 130 MB, 2 MB read at the seek. */
const HOUR = { totalBytes: 130e6, durationMs: 3_600_000, loadedBytes: 2e6 };
/** 20 Mbit/s, in bytes per ms. */
const MBIT_20 = 2500;

describe('when a waiting seek shows the approximate screen', () => {
  test('a far seek on a 20 Mbit/s link shows it at the grace', () => {
    assert.deepEqual(simulate({ ...HOUR, bytesPerMs: MBIT_20, targetMs: 3_000_000 }), { shownAt: APPROXIMATE_GRACE_MS });
  });

  test('a held download (nothing arrives) shows it at the grace', () => {
    assert.deepEqual(simulate({ ...HOUR, bytesPerMs: 0, targetMs: 120_000 }), { shownAt: APPROXIMATE_GRACE_MS });
  });

  test('a seek the download reaches within a second or two never shows it', () => {
    // 2 MB read (55 s); the target 4 MB further (110 s later): 1.6 s at 20 Mbit/s.
    const near = { ...HOUR, bytesPerMs: MBIT_20, targetMs: 55_000 + 110_000 };
    const { shownAt, landedAt } = simulate(near);
    assert.equal(shownAt, undefined);
    assert.ok(landedAt! > APPROXIMATE_GRACE_MS, `it lands after the grace (${landedAt} ms), where a fixed grace would have flashed it`);
  });

  test('a download that slows down after the grace shows it once the wait is expected to be long', () => {
    const { shownAt } = simulate({
      ...HOUR,
      bytesPerMs: MBIT_20,
      targetMs: 55_000 + 110_000,
      // From 1 s on, the link stalls: the bytes read stop growing.
      facts: (at, facts) => ({ ...facts, loadedBytes: HOUR.loadedBytes + MBIT_20 * Math.min(at, 1000), loadedMs: (HOUR.loadedBytes + MBIT_20 * Math.min(at, 1000)) / (HOUR.totalBytes / HOUR.durationMs) }),
    }, 10_000);
    assert.ok(shownAt !== undefined && shownAt > 1000 && shownAt <= 2500, `shown once the stall is measured (${shownAt} ms)`);
  });

  test('while an island composes the moment, it waits ISLAND_PATIENCE_MS; an island that gives up hands over to the estimate', () => {
    const composing = (untilMs: number) => (at: number, facts: WaitFacts) => ({ ...facts, loadedBytes: HOUR.loadedBytes, composing: at < untilMs });
    // The island never lands here: it composes for good.
    assert.deepEqual(simulate({ ...HOUR, bytesPerMs: MBIT_20, targetMs: 3_000_000, facts: composing(Infinity) }), { shownAt: ISLAND_PATIENCE_MS });
    // It gave up at 1 s: a far target, a long wait.
    const { shownAt } = simulate({ ...HOUR, bytesPerMs: MBIT_20, targetMs: 3_000_000, facts: composing(1000) });
    assert.equal(shownAt, 1000);
  });

  test('unknown download (no bytes counted, or nothing read in order yet): the grace alone', () => {
    assert.deepEqual(simulate({ ...HOUR, bytesPerMs: MBIT_20, targetMs: 3_000_000, facts: () => ({ loadedBytes: 0 }) }), { shownAt: APPROXIMATE_GRACE_MS });
    // A feed that counts no bytes (a websocket) but has delivered 5 s.
    assert.deepEqual(simulate({ ...HOUR, bytesPerMs: MBIT_20, targetMs: 60_000, facts: () => ({ loadedBytes: 0, loadedMs: 5000 }) }), { shownAt: APPROXIMATE_GRACE_MS });
    const wait = new SeekWait(0, 10_000, NaN);
    wait.note(0, { loadedBytes: 0 });
    assert.equal(wait.shows(APPROXIMATE_GRACE_MS - 1), false, 'never before the grace');
    assert.equal(wait.shows(APPROXIMATE_GRACE_MS), true);
  });

  test('a file of unknown length: the density of what was read stands for the rest', () => {
    const wait = new SeekWait(0, 20_000, NaN);
    wait.note(0, { loadedBytes: 1e6, loadedMs: 10_000 });
    wait.note(500, { loadedBytes: 1.5e6, loadedMs: 15_000 });
    // 100 bytes per recording ms, 1000 bytes per ms of wait: 5 s of recording left is 0.5 s.
    assert.equal(wait.remainingBytes, 500_000);
    assert.equal(wait.expectedMs, 500);
    assert.equal(wait.shows(500), false);
  });

  test('seeded: at a steady rate, a seek landing within LONG_WAIT_MS after the grace never shows it, one landing later shows it by the grace', () => {
    const random = seededRandom(0x5eed13);
    for (let run = 0; run < 500; run++) {
      const bytesPerMs = 100 + random() * 12_400; // 0.8–100 Mbit/s
      const targetMs = 55_000 + random() * 200_000;
      const download = { ...HOUR, bytesPerMs, targetMs };
      const landsMs = ((targetMs * HOUR.totalBytes) / HOUR.durationMs - HOUR.loadedBytes) / bytesPerMs;
      const { shownAt } = simulate(download);
      const context = `run ${run}: ${Math.round(bytesPerMs)} bytes/ms, lands at ${Math.round(landsMs)} ms`;
      if (landsMs < APPROXIMATE_GRACE_MS + LONG_WAIT_MS) assert.equal(shownAt, undefined, context);
      else if (landsMs > APPROXIMATE_GRACE_MS + LONG_WAIT_MS + POLL_MS) assert.equal(shownAt, APPROXIMATE_GRACE_MS, context);
    }
  });
});
