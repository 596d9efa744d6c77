/** Milliseconds from a monotonic source; injectable so tests can drive time by hand. */
export type Now = () => number;

/** A warp of recording time (idle skipping); the clock advances in the warped time. */
export interface TimeMap {
  toCompressed(mediaMs: number): number;
  toMedia(compressedMs: number): number;
}

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
  private timeMap: TimeMap | undefined;

  constructor(now: Now = () => performance.now()) {
    this.now = now;
  }

  get timeMs(): number {
    if (!this.running) return this.anchorMediaMs;
    const elapsed = (this.now() - this.anchorWallMs) * this.rateValue;
    if (!this.timeMap) return this.anchorMediaMs + elapsed;
    return this.timeMap.toMedia(this.timeMap.toCompressed(this.anchorMediaMs) + elapsed);
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

  /** Runs the clock in the map's time (idle skipping), or in recording time again with undefined. */
  setTimeMap(timeMap: TimeMap | undefined): void {
    this.set(this.timeMs);
    this.timeMap = timeMap;
  }

  setRate(rate: number): void {
    if (!(rate > 0) || !Number.isFinite(rate)) throw new RangeError(`playback rate must be a positive number, got ${rate}`);
    // Re-anchor first so time already played keeps the old rate.
    this.set(this.timeMs);
    this.rateValue = rate;
  }
}

/** Recording milliseconds as people read them in messages: `12.5 s`. */
export function formatMs(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))} s`;
}
