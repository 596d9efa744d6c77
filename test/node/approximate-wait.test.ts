// When a seek waiting for the download shows the approximate screen: the worker's estimate of when
// the download reaches the moment (src/core/feeds/download-estimate.ts) and the page's decision on
// it (src/element/approximate-wait.ts), on a download simulated on a clock the test moves, asked
// every 250 ms as the layer asks the worker.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DownloadEstimate } from '../../src/core/feeds/download-estimate.js';
import { APPROXIMATE_GRACE_MS, ISLAND_PATIENCE_MS, LONG_WAIT_MS, SeekWait } from '../../src/element/approximate-wait.js';
import { seededRandom } from '../helpers/seeded-random.js';

const POLL_MS = 250;

/** How far the download is, as the worker knows it. */
interface DownloadFacts {
  loadedBytes: number;
  /** Up to where (ms) the download in order has read the recording (undefined: a feed that tells no time). */
  loadedMs?: number;
  totalBytes?: number;
  composing?: boolean;
}

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
  facts?: (atMs: number, facts: DownloadFacts) => DownloadFacts;
}

/** Polls as the layer does until the seek lands or the layer shows: when each happened (ms after the seek), or undefined. */
function simulate(download: Download, untilMs = 60_000): { shownAt?: number; landedAt?: number } {
  const density = download.totalBytes / download.durationMs;
  let clockMs = 1000;
  const estimate = new DownloadEstimate({ now: () => clockMs });
  const wait = new SeekWait(1000, download.targetMs);
  const factsAt = (at: number): DownloadFacts => {
    const loadedBytes = Math.min(download.totalBytes, download.loadedBytes + download.bytesPerMs * at);
    const modelled: DownloadFacts = { loadedBytes, loadedMs: loadedBytes / density, totalBytes: download.totalBytes, composing: false };
    return download.facts?.(at, modelled) ?? modelled;
  };
  // What the feed noted before the seek; the seek starts waiting: the session has the rate measured from here.
  let notedBytes = factsAt(0).loadedBytes;
  estimate.note(notedBytes);
  estimate.restart();
  for (let at = 0; at <= untilMs; at += POLL_MS) {
    clockMs = 1000 + at;
    const facts = factsAt(at);
    if ((facts.loadedMs ?? 0) >= download.targetMs) return { landedAt: at };
    // The worker: the feed notes the bytes when they arrive (a stalled download notes nothing), and
    // answers the layer with its estimate.
    if (facts.loadedBytes !== notedBytes) estimate.note((notedBytes = facts.loadedBytes));
    estimate.totalBytes = facts.totalBytes;
    const expectedMs = estimate.waitMs(download.targetMs, facts.loadedMs ?? 0, download.durationMs);
    wait.note({ loadedBytes: facts.loadedBytes, expectedMs, composing: facts.composing });
    if (wait.shows(clockMs)) return { shownAt: at };
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
    const composing = (untilMs: number) => (at: number, facts: DownloadFacts) => ({ ...facts, loadedBytes: HOUR.loadedBytes, composing: at < untilMs });
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
    const wait = new SeekWait(0, 10_000);
    wait.note({ loadedBytes: 0 });
    assert.equal(wait.shows(APPROXIMATE_GRACE_MS - 1), false, 'never before the grace');
    assert.equal(wait.shows(APPROXIMATE_GRACE_MS), true);
  });

  test('a file of unknown length: the density of what was read stands for the rest', () => {
    let clockMs = 0;
    const estimate = new DownloadEstimate({ now: () => clockMs });
    estimate.note(1e6);
    clockMs = 500;
    estimate.note(1.5e6);
    const front = [15_000, NaN] as const;
    // 100 bytes per recording ms, 1000 bytes per ms of wait: 5 s of recording left is 0.5 s.
    assert.equal(estimate.remainingBytes(20_000, ...front), 500_000);
    const expectedMs = estimate.waitMs(20_000, ...front);
    assert.equal(expectedMs, 500);
    const wait = new SeekWait(0, 20_000);
    wait.note({ loadedBytes: 1.5e6, expectedMs });
    assert.equal(wait.shows(500), false);
  });

  test('a download held before the seek and let go as it starts waiting: its rate is measured from the seek', () => {
    let clockMs = 0;
    const estimate = new DownloadEstimate({ now: () => clockMs });
    estimate.totalBytes = HOUR.totalBytes;
    // 2 MB read at 20 Mbit/s, then held for 3 s (nothing noted), the seek at 3.8 s lets it go.
    for (; clockMs <= 800; clockMs += 100) estimate.note(HOUR.loadedBytes * (clockMs / 800));
    clockMs = 3800;
    estimate.restart();
    for (let at = 100; at <= APPROXIMATE_GRACE_MS; at += 100) {
      clockMs = 3800 + at;
      estimate.note(HOUR.loadedBytes + MBIT_20 * at);
    }
    assert.equal(estimate.bytesPerMs, MBIT_20, 'the rate since the seek, not one lowered by the hold before it');
    // 4 MB to the target: 1.6 s at 20 Mbit/s, less the 0.5 s already read.
    const loadedBytes = HOUR.loadedBytes + MBIT_20 * APPROXIMATE_GRACE_MS;
    const front = [loadedBytes / (HOUR.totalBytes / HOUR.durationMs), HOUR.durationMs] as const;
    const expectedMs = estimate.waitMs(165_000, ...front)!;
    assert.equal(expectedMs, estimate.remainingBytes(165_000, ...front)! / MBIT_20);
    assert.ok(expectedMs > 1000 && expectedMs < LONG_WAIT_MS, `expected ${expectedMs} ms`);
    const wait = new SeekWait(3800, 165_000);
    wait.note({ loadedBytes, expectedMs });
    assert.equal(wait.shows(clockMs), false, 'a seek about to land shows nothing');
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
