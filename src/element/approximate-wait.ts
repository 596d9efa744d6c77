/**
 * Whether a seek waiting for the download has waited long enough, and is expected to wait long
 * enough still, for the approximate screen to be worth showing (`approximate-screen.ts`). A layer
 * shown for a moment before the exact screen lands is a flash, not help: it shows only when the
 * download in order is expected to take at least LONG_WAIT_MS more to reach the target. That
 * expectation is the worker's (`core/feeds/download-estimate.ts`: the bytes still needed before
 * the target at the rate the download advances), sent with each answer about the download; where
 * the worker cannot tell (nothing measured yet, a websocket), it shows after the grace alone.
 * Pure: the caller gives the clock's readings.
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

/** What the worker says about the download (the approximate screen request with `width` 0). */
export type WaitFacts = Pick<ApproximateScreen, 'loadedBytes' | 'expectedMs' | 'composing'>;

export class SeekWait {
  #facts: WaitFacts | undefined;

  constructor(
    /** When the seek started waiting (ms, on the caller's clock). */
    readonly startMs: number,
    readonly targetMs: number,
  ) {}

  /** What the worker said last. */
  note(facts: WaitFacts): void {
    this.#facts = facts;
  }

  /** Whether the approximate screen is to show at `nowMs`. */
  shows(nowMs: number): boolean {
    const waited = nowMs - this.startMs;
    if (waited < APPROXIMATE_GRACE_MS || !this.#facts) return false;
    if (this.#facts.composing) return waited >= ISLAND_PATIENCE_MS;
    const expected = this.#facts.expectedMs;
    return expected === undefined || expected >= LONG_WAIT_MS;
  }
}
