/**
 * Whether a seek waiting for the download has waited long enough, and is expected to wait long
 * enough still, for the approximate screen to be worth showing (`approximate-screen.ts`). A layer
 * shown for a moment before the exact screen lands is a flash, not help: it shows only when the
 * download in order is expected to take at least LONG_WAIT_MS more to reach the target. That is
 * estimated from the bytes still needed before the target and the rate the download in order has
 * advanced at over the last RATE_WINDOW_MS (the rate that decides when the seek lands: the link's,
 * or the decoding's where that is slower). Where either is unknown (nothing measured yet, no
 * length known), it shows after the grace alone. Pure: the caller gives the clock's readings.
 */
import type { ApproximateScreen } from '../worker/protocol.js';

/** A seek shows the approximate screen no earlier than this (ms) after it started waiting. */
export const APPROXIMATE_GRACE_MS = 500;
/** ... and only when it is expected to wait at least this much (ms) longer. */
export const LONG_WAIT_MS = 1500;
/**
 * While parts read out of order compose the moment (a seek island, whose reads the download in
 * order waits for), the download's rate says nothing of when it lands, and the approximate screen
 * could add nothing (its reads wait for the island's): it shows only once the seek has waited
 * this long (ms). On the 1-hour RemoteFX sample at 20 Mbit/s, islands landed 1.5–4.6 s after the
 * seek (10 seeded seeks right after `loadedmetadata`, a loaded machine).
 */
export const ISLAND_PATIENCE_MS = 10_000;
/** The download's rate is measured over about this long (ms) of samples… */
const RATE_WINDOW_MS = 1500;
/** … and at least this long (ms) of them. */
const MIN_RATE_SPAN_MS = 400;

/** What the worker says about the download (the approximate screen request with `width` 0). */
export type WaitFacts = Pick<ApproximateScreen, 'loadedBytes' | 'loadedMs' | 'totalBytes' | 'composing'>;

export class SeekWait {
  readonly #samples: Array<{ atMs: number; loadedBytes: number }> = [];
  #facts: WaitFacts | undefined;

  constructor(
    /** When the seek started waiting (ms, on the caller's clock). */
    readonly startMs: number,
    readonly targetMs: number,
    /** The recording's duration (ms) where known, else NaN. */
    private readonly durationMs: number,
  ) {}

  /** What the worker said at `atMs`. */
  note(atMs: number, facts: WaitFacts): void {
    this.#facts = facts;
    this.#samples.push({ atMs, loadedBytes: facts.loadedBytes });
    while (this.#samples.length > 2 && atMs - this.#samples[1]!.atMs >= RATE_WINDOW_MS) this.#samples.shift();
  }

  /** Bytes per ms the download in order advanced at lately; undefined before MIN_RATE_SPAN_MS of samples. */
  get bytesPerMs(): number | undefined {
    const first = this.#samples[0];
    const last = this.#samples.at(-1);
    if (!first || !last || last.atMs - first.atMs < MIN_RATE_SPAN_MS) return undefined;
    return Math.max(0, last.loadedBytes - first.loadedBytes) / (last.atMs - first.atMs);
  }

  /**
   * Bytes the download in order still has to read to reach the target: the time left to it at the
   * mean density of the rest of the file (where its length is known), else of what was read.
   */
  get remainingBytes(): number | undefined {
    const facts = this.#facts;
    const loadedMs = facts?.loadedMs;
    // No bytes counted (a websocket feed): nothing to go by.
    if (!facts || loadedMs === undefined || !(loadedMs > 0) || !(facts.loadedBytes > 0)) return undefined;
    const leftMs = Math.max(0, this.targetMs - loadedMs);
    const { totalBytes, loadedBytes } = facts;
    const restMs = this.durationMs - loadedMs;
    if (totalBytes !== undefined && restMs > 0) return (leftMs * Math.max(0, totalBytes - loadedBytes)) / restMs;
    return (leftMs * loadedBytes) / loadedMs;
  }

  /** How much longer (ms) the seek is expected to wait; undefined when it cannot be told. */
  get expectedMs(): number | undefined {
    const rate = this.bytesPerMs;
    const remaining = this.remainingBytes;
    if (rate === undefined || remaining === undefined) return undefined;
    if (remaining === 0) return 0;
    return rate > 0 ? remaining / rate : Infinity;
  }

  /** Whether the approximate screen is to show at `nowMs`. */
  shows(nowMs: number): boolean {
    const waited = nowMs - this.startMs;
    if (waited < APPROXIMATE_GRACE_MS || !this.#facts) return false;
    if (this.#facts.composing) return waited >= ISLAND_PATIENCE_MS;
    const expected = this.expectedMs;
    return expected === undefined || expected >= LONG_WAIT_MS;
  }
}
