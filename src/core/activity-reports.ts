import type { ActivityTrack } from './activity.js';

/** The activity track goes to the page at most this often while the file loads (and once at the end). */
const INTERVAL_MS = 500;

export interface ReportTiming {
  now(): number;
  schedule(callback: () => void, delayMs: number): () => void;
}

/**
 * Sends the activity track to the page when it changed: at most every 500 ms while loading (a
 * change in between goes out when the interval is up), at once when asked to (a load begins, the
 * recording is complete).
 */
export class ActivityReports {
  private track: ActivityTrack | undefined;
  /** The track version last sent (-1: none since the track was set). */
  private sentVersion = -1;
  private lastSentAt = -Infinity;
  private cancelPending: (() => void) | undefined;

  constructor(
    private readonly timing: ReportTiming,
    private readonly send: (seconds: Float32Array) => void,
  ) {}

  /** A new load's track; the next report always goes out. */
  follow(track: ActivityTrack): void {
    this.track = track;
    this.sentVersion = -1;
    this.cancelPending?.();
    this.cancelPending = undefined;
  }

  report(now: boolean): void {
    const track = this.track;
    if (!track || track.version === this.sentVersion) return;
    const waitMs = this.lastSentAt + INTERVAL_MS - this.timing.now();
    if (!now && waitMs > 0) {
      this.cancelPending ??= this.timing.schedule(() => {
        this.cancelPending = undefined;
        this.report(false);
      }, waitMs);
      return;
    }
    this.cancelPending?.();
    this.cancelPending = undefined;
    this.sentVersion = track.version;
    this.lastSentAt = this.timing.now();
    this.send(track.seconds);
  }
}
