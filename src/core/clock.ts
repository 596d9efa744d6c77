/** Milliseconds from a monotonic source; injectable so tests can drive time by hand. */
export type Now = () => number;

/**
 * The media clock: where playback is, in recording milliseconds. It keeps an anchor (media time,
 * wall time) and extrapolates from it while running, so pausing, resuming and rate changes are
 * exact — no drift from summing frame deltas.
 */
export class PlaybackClock {
  private readonly now: Now;
  private anchorMediaMs = 0;
  private anchorWallMs = 0;
  private running = false;
  private rateValue = 1;

  constructor(now: Now = () => performance.now()) {
    this.now = now;
  }

  get timeMs(): number {
    return this.running ? this.anchorMediaMs + (this.now() - this.anchorWallMs) * this.rateValue : this.anchorMediaMs;
  }

  get isRunning(): boolean {
    return this.running;
  }

  get rate(): number {
    return this.rateValue;
  }

  start(): void {
    if (this.running) return;
    this.anchorWallMs = this.now();
    this.running = true;
  }

  stop(): void {
    if (!this.running) return;
    this.anchorMediaMs = this.timeMs;
    this.running = false;
  }

  /** Jumps to a media time; keeps running if it was. */
  set(timeMs: number): void {
    this.anchorMediaMs = timeMs;
    this.anchorWallMs = this.now();
  }

  setRate(rate: number): void {
    if (!(rate > 0) || !Number.isFinite(rate)) throw new RangeError(`playback rate must be a positive number, got ${rate}`);
    // Re-anchor first so time already played keeps the old rate.
    this.set(this.timeMs);
    this.rateValue = rate;
  }
}
