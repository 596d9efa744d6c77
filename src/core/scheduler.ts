import { planReplay, type ScreenTimeline, type ScreenUpdate } from './screen-timeline.js';

/** Above this many due updates, the overpainted ones are dropped before painting (catch-up, high rates). */
const COMPACT_ABOVE = 8;

/**
 * Decides which screen updates to paint: while playing, those that fell due since the last call;
 * on a seek, a rebuild of the whole screen at the target time. It tracks how far the screen has
 * been painted (`nextIndex`) and the screen size in effect there.
 */
export class Scheduler {
  private next = 0;
  private width = 0;
  private height = 0;

  constructor(private readonly timeline: ScreenTimeline) {}

  /** Index of the first update not handed out yet. */
  get nextIndex(): number {
    return this.next;
  }

  /** The updates due at `timeMs` that were not handed out yet, in time order. */
  advance(timeMs: number): ScreenUpdate[] {
    const end = this.timeline.indexAfter(timeMs);
    if (end <= this.next) return [];
    const from = this.next;
    const due =
      end - from > COMPACT_ABOVE
        ? planReplay(this.timeline, from, end, this.width, this.height)
        : Array.from({ length: end - from }, (_, i) => this.timeline.at(from + i));
    this.moveTo(end);
    return due;
  }

  /**
   * What rebuilds the screen at `timeMs` from nothing, replaying from the last resize without
   * waiting; the caller clears the screen first. Works in both directions.
   */
  seek(timeMs: number): ScreenUpdate[] {
    const end = this.timeline.indexAfter(timeMs);
    const plan = planReplay(this.timeline, 0, end, 0, 0);
    this.moveTo(end);
    return plan;
  }

  private moveTo(end: number): void {
    this.next = end;
    const resize = this.timeline.lastResizeBefore(end)?.update;
    this.width = resize?.width ?? 0;
    this.height = resize?.height ?? 0;
  }
}
