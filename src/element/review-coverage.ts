/**
 * Review coverage: which seconds of a recording a reviewer had on screen while it played at
 * `MAX_REVIEW_RATE` or slower with the page visible, and what share of the recording's active time
 * that is. Pure arithmetic (no DOM, no clock of its own): the player feeds it positions as playback
 * goes on, a test feeds it positions from a clock it moves.
 */

/** `[start, end]` in seconds, start < end. Coverage is a list of them, sorted, none touching another. */
export type SecondRange = [start: number, end: number];

/** Faster than this, a screen goes by too fast to be read: such playback is not review. */
export const MAX_REVIEW_RATE = 4;

/** Ranges are kept to the millisecond (a sidecar stays short and compares exactly). */
const toMs = (seconds: number): number => Math.round(seconds * 1000) / 1000;

/** `ranges` with `[start, end]` added: sorted, overlapping or touching ranges merged. A new array. */
export function addRange(ranges: readonly SecondRange[], start: number, end: number): SecondRange[] {
  let from = toMs(start);
  let to = toMs(end);
  if (!(to > from)) return ranges.slice();
  const merged: SecondRange[] = [];
  let placed = false;
  for (const [a, b] of ranges) {
    if (b < from) merged.push([a, b]);
    else if (a > to) {
      if (!placed) merged.push([from, to]);
      placed = true;
      merged.push([a, b]);
    } else {
      from = Math.min(from, a);
      to = Math.max(to, b);
    }
  }
  if (!placed) merged.push([from, to]);
  return merged;
}

/** The union of two lists of ranges (in any order), merged. */
export function unionRanges(first: readonly SecondRange[], second: readonly SecondRange[]): SecondRange[] {
  return [...first, ...second].reduce<SecondRange[]>((ranges, [start, end]) => addRange(ranges, start, end), []);
}

/**
 * Covered active seconds / all active seconds, 0–1. Second `i` of `activity` is `[i, i + 1)`, active
 * when its value is above 0 (the screen changed in it): idle seconds count for nothing either way,
 * so idle time skipped or played fast never lowers it. Part of a second covered counts as that part.
 * 0 when no second is active (nothing measured yet, or a screen that never changed).
 */
export function coveredFraction(ranges: readonly SecondRange[], activity: ArrayLike<number>): number {
  let active = 0;
  let covered = 0;
  let next = 0;
  for (let second = 0; second < activity.length; second++) {
    if (!(activity[second]! > 0)) continue;
    active += 1;
    // Ranges are sorted: skip those that end before this second.
    while (next < ranges.length && ranges[next]![1] <= second) next++;
    for (let index = next; index < ranges.length && ranges[index]![0] < second + 1; index++) {
      const [start, end] = ranges[index]!;
      covered += Math.min(end, second + 1) - Math.max(start, second);
    }
  }
  return active ? Math.min(1, covered / active) : 0;
}

/** A coverage read from outside (a sidecar): `[[start, end], …]` of finite seconds ≥ 0; throws a TypeError on anything else. */
export function checkRanges(value: unknown, what = 'coverage'): SecondRange[] {
  if (!Array.isArray(value)) throw new TypeError(`${what} must be an array of [start, end] second ranges`);
  return value.reduce<SecondRange[]>((ranges, range, index) => {
    const valid = Array.isArray(range) && range.length === 2 && range.every((n) => typeof n === 'number' && Number.isFinite(n) && n >= 0) && range[0] <= range[1];
    if (!valid) throw new TypeError(`${what}[${index}] is not a [start, end] range of seconds (0 ≤ start ≤ end)`);
    return addRange(ranges, range[0], range[1]);
  }, []);
}

/** What the player is doing at a moment, as coverage sees it. */
export interface PlaybackSample {
  /** The position, in seconds. */
  position: number;
  /** Playing: not paused, not ended, not seeking. */
  playing: boolean;
  rate: number;
  /** The page is visible (`document.visibilityState`). */
  visible: boolean;
}

/**
 * Follows playback and collects coverage: from a sample that counts (playing, visible, at
 * `MAX_REVIEW_RATE` or slower) to the next sample, the stretch played was on screen — up to a pause,
 * a change of speed or a hidden page too, whose sample ends the stretch there. `interrupt()` (a
 * seek, whose sample is already at the target) or a position that went back (a loop) ends it
 * without it; a paused frame covers nothing, not even its own second.
 */
export class CoverageTracker {
  ranges: SecondRange[] = [];
  /** The position of the last sample that counted, while the stretch goes on. */
  #from: number | undefined;

  /** Takes a sample; true when the coverage grew. */
  sample({ position, playing, rate, visible }: PlaybackSample): boolean {
    const counts = playing && visible && rate > 0 && rate <= MAX_REVIEW_RATE && Number.isFinite(position);
    const from = this.#from;
    this.#from = counts ? position : undefined;
    if (from === undefined || !(position > from)) return false;
    const before = this.ranges;
    this.ranges = addRange(before, from, position);
    return this.ranges.length !== before.length || this.ranges.some(([start, end], index) => start !== before[index]![0] || end !== before[index]![1]);
  }

  /** A jump (a seek): what comes next did not follow on from the last sample. */
  interrupt(): void {
    this.#from = undefined;
  }

  /** Adds coverage from elsewhere (an imported sidecar). */
  merge(ranges: readonly SecondRange[]): void {
    this.ranges = unionRanges(this.ranges, ranges);
  }

  /** A new recording: nothing of it was seen. */
  clear(): void {
    this.ranges = [];
    this.#from = undefined;
  }
}
