/**
 * Idle skipping (`idle-limit`). A quiet stretch is a gap between two moments of activity; one
 * longer than the limit is played in exactly `limit` of playback time, sped up smoothly rather
 * than cut, so `timeupdate` keeps its pace and the controls never lock.
 *
 * What counts as activity is the activity measure of `activity.ts` (ActivityTrack, the rule with
 * its numbers): the seconds the activity track shows (screen area changed, without blinking
 * carets, lone clock ticks and the like), every second with pointer input, and the start and the
 * end of the recording.
 */

/**
 * Maps recording time to "compressed" time, where every quiet gap longer than the limit lasts
 * exactly the limit (linearly inside the gap), and back. The clock runs in compressed time.
 * Activity times arrive in order while the file loads; the map only ever grows at its end. A gap
 * is known only once the activity that ends it has been read: time not read yet is never taken for
 * idle, so playing into it runs at the normal pace up to what was read, and waits there.
 */
export class IdleTimeMap {
  private readonly activity: number[] = [0];
  private limitMs = 0;
  /** Gaps longer than the limit, in order: start, length, and the time saved before the gap. */
  private gaps: { startMs: number; lengthMs: number; savedBeforeMs: number }[] = [];

  get limit(): number {
    return this.limitMs;
  }

  /** 0 turns idle skipping off. */
  setLimit(limitMs: number): void {
    this.limitMs = Math.max(0, limitMs);
    this.gaps = [];
    for (let i = 1; i < this.activity.length; i++) this.noteGap(this.activity[i - 1]!, this.activity[i]!);
  }

  addActivity(timeMs: number): void {
    const last = this.activity[this.activity.length - 1]!;
    if (timeMs <= last) return;
    this.activity.push(timeMs);
    this.noteGap(last, timeMs);
  }

  toCompressed(mediaMs: number): number {
    const gap = this.lastGapStartingBy(mediaMs, (g) => g.startMs);
    if (!gap) return mediaMs;
    const excess = gap.lengthMs - this.limitMs;
    if (mediaMs >= gap.startMs + gap.lengthMs) return mediaMs - gap.savedBeforeMs - excess;
    return gap.startMs - gap.savedBeforeMs + ((mediaMs - gap.startMs) * this.limitMs) / gap.lengthMs;
  }

  toMedia(compressedMs: number): number {
    const gap = this.lastGapStartingBy(compressedMs, (g) => g.startMs - g.savedBeforeMs);
    if (!gap) return compressedMs;
    const compressedStart = gap.startMs - gap.savedBeforeMs;
    if (compressedMs >= compressedStart + this.limitMs) return compressedMs + gap.savedBeforeMs + gap.lengthMs - this.limitMs;
    return gap.startMs + ((compressedMs - compressedStart) * gap.lengthMs) / this.limitMs;
  }

  private noteGap(fromMs: number, toMs: number): void {
    if (this.limitMs <= 0 || toMs - fromMs <= this.limitMs) return;
    const previous = this.gaps[this.gaps.length - 1];
    const savedBeforeMs = previous ? previous.savedBeforeMs + previous.lengthMs - this.limitMs : 0;
    this.gaps.push({ startMs: fromMs, lengthMs: toMs - fromMs, savedBeforeMs });
  }

  private lastGapStartingBy(time: number, startOf: (gap: IdleTimeMap['gaps'][number]) => number) {
    let low = 0;
    let high = this.gaps.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (startOf(this.gaps[middle]!) <= time) low = middle + 1;
      else high = middle;
    }
    return low === 0 ? undefined : this.gaps[low - 1];
  }
}
