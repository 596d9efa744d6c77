import type { ScreenUpdate } from './screen-timeline.js';

/**
 * Idle skipping (`idle-limit`). A quiet stretch is a gap between two moments of activity; one
 * longer than the limit is played in exactly `limit` of playback time, sped up smoothly rather
 * than cut, so `timeupdate` keeps its pace and the controls never lock.
 *
 * What counts as activity (the rule, also in src/core/README.md):
 * - every recorded pointer move or click, and the start and the end of the recording;
 * - every screen change, except an "ambient" one: a change of at most two 64×64 cells of area
 *   that puts back the image that rectangle showed two changes ago — a blinking caret or
 *   cursor, a flashing indicator. Typing never does that (the text grows), so it stays activity.
 *   A clock that ticks once a minute is activity: gaps longer than a minute are split by it.
 */
export class ActivityClassifier {
  /** Per tile rectangle: hashes of its last two images. */
  private readonly history = new Map<string, [number, number | undefined]>();

  /** True when the update is activity under the rule above (a tile's PNG must still be in memory). */
  isActivity(update: ScreenUpdate): boolean {
    if (update.kind !== 'tile' || !(update.png instanceof Uint8Array)) return true;
    const area = (update.right - update.left) * (update.bottom - update.top);
    if (area > AMBIENT_MAX_AREA) return true;
    const key = `${update.left},${update.top},${update.right},${update.bottom}`;
    const hash = fnv1a(update.png);
    const seen = this.history.get(key);
    this.history.set(key, [hash, seen?.[0]]);
    return seen?.[1] !== hash;
  }
}

/** Two 64×64 cells: a caret or a small indicator, never a window or a line of text being scrolled. */
const AMBIENT_MAX_AREA = 2 * 64 * 64;

function fnv1a(bytes: Uint8Array): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) hash = Math.imul(hash ^ bytes[i]!, 0x01000193);
  return hash >>> 0;
}

/**
 * Maps recording time to "compressed" time, where every quiet gap longer than the limit lasts
 * exactly the limit (linearly inside the gap), and back. The clock runs in compressed time.
 * Activity times arrive in order while the file loads; the map only ever grows at its end.
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
