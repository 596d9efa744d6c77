import type { PaintRect } from './fastpath/paint-rects.js';
import { COVERAGE_CELL } from './screen-timeline.js';

/**
 * The activity measure: how much of the screen changed in each second of a recording. One
 * measure serves three things, so they always agree:
 *
 * - the **activity track** the element draws as a heatmap under its seek slider (one value per
 *   second: the fraction of the screen that changed);
 * - **idle skipping** (`idle-limit`): a second is active when the track shows it, or when the
 *   pointer moved or clicked in it; quiet gaps between active moments are shortened;
 * - the **screen-change step** (`,` / `.`): it stops only at changes the track shows.
 *
 * The rule (also in src/core/README.md and README.md), with its numbers:
 *
 * 1. Area is counted in 64×64 cells (the grid seeks already use): a second's value is the area of
 *    the cells any change touched in it, each cell once however often it was repainted, as a
 *    fraction of the screen (0–1). A caret is one cell whether the recording painted it as a
 *    64×64 PNG tile or as a 2×18 fast-path rectangle, so both kinds of recording read alike.
 * 2. An *ambient* change counts for nothing: at most two cells of area (8,192 px) that put back
 *    what that rectangle showed two changes ago — a blinking caret or cursor, a flashing
 *    indicator. PNG tiles are compared by their image. Fast-path updates are compared by the
 *    rectangles they paint (the pixels are not decoded while reading): the same small
 *    rectangles repainted for the third time in a row are ambient. Typing never puts an image
 *    back (the text grows) and moves the painted rectangle along, so it stays activity.
 * 3. A *lone small* change counts for nothing either: a second whose changes touch at most two
 *    cells (and at most 3 % of the screen: on a tiny 256×128 screen one cell is an eighth of it,
 *    no detail), with no other change and no pointer input within two seconds before or after
 *    it — a clock ticking once a minute, a tray icon. Slow typing (a key every second or two)
 *    keeps its neighbours busy, so it is not lone; typing at speed touches 3–5 cells a second
 *    anyway (the line, the caret, a status bar).
 * 4. Pointer moves and clicks make their second active for idle skipping (someone is at the
 *    desktop) but add no area to the track (they are not screen content; the pointer is drawn
 *    on its own layer).
 *
 * Everything is decided while the recording is read, in one pass, in time order. A second is
 * final once the recording has reached two seconds past it (the lone rule looks that far ahead);
 * at the end, every second is.
 */

// A painted rectangle in screen pixels (right and bottom exclusive): the fast-path scan's type.
export type { PaintRect };

/** A change of at most this many cells is small: a caret, a clock, one character… */
export const SMALL_CHANGE_CELLS = 2;
/** …when that is also at most this fraction of the screen (two cells are 0.9 % of 1280×720). */
const SMALL_CHANGE_MAX_FRACTION = 0.03;
/** Largest ambient change: two 64×64 cells of area (a caret, a small indicator; never a line of text being scrolled). */
const AMBIENT_MAX_AREA = SMALL_CHANGE_CELLS * COVERAGE_CELL * COVERAGE_CELL;
/** Small rectangles whose last two contents are remembered (about 100 bytes each). */
const MAX_HISTORY = 4096;
/** A small change with nothing else this many seconds before or after it is lone (rule 3). */
export const LONE_CHANGE_WINDOW_S = 2;

/**
 * Rule 2: tells ambient changes (a blinking caret, a flashing indicator) from the others. Fed
 * every screen change in order.
 */
export class ActivityClassifier {
  /** Per rectangle (set): the fingerprints of its last two contents. */
  private readonly history = new Map<string, [number, number | undefined]>();

  /**
   * True when the change is ambient. `image` is what was painted (a PNG tile's bytes); without
   * it (fast-path), the rectangles alone stand for the content.
   */
  isAmbient(rects: readonly PaintRect[], image?: Uint8Array): boolean {
    let area = 0;
    for (const rect of rects) area += Math.max(0, rect.right - rect.left) * Math.max(0, rect.bottom - rect.top);
    if (rects.length === 0 || area > AMBIENT_MAX_AREA) return false;
    const key = rects.map((rect) => `${rect.left},${rect.top},${rect.right},${rect.bottom}`).join(';');
    const fingerprint = image ? fnv1a(image) : 0;
    const seen = this.history.get(key);
    // Bounded: fast-path rectangles are exact, so typing leaves a new key per character. Forgetting
    // costs a blinking caret two more counted blinks.
    if (!seen && this.history.size >= MAX_HISTORY) this.history.clear();
    this.history.set(key, [fingerprint, seen?.[0]]);
    return seen?.[1] === fingerprint;
  }
}

function fnv1a(bytes: Uint8Array): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) hash = Math.imul(hash ^ bytes[i]!, 0x01000193);
  return hash >>> 0;
}

/** What one second gathered while it was open. */
interface SecondTally {
  /** Distinct cells touched by counted (non-ambient) changes, and their area in pixels. */
  cells: number;
  areaPx: number;
  /** First and last counted change, and first and last pointer input, in ms (NaN: none). */
  firstChangeMs: number;
  lastChangeMs: number;
  firstInputMs: number;
  lastInputMs: number;
}

/**
 * Builds the activity track of one recording while it is read (rules above). Changes, pointer
 * input and resizes arrive in time order; `onActive` receives the active moments in order (the
 * first and last of each active second), which is what idle skipping needs.
 */
export class ActivityTrack {
  private readonly classifier = new ActivityClassifier();
  private readonly onActive: (timeMs: number) => void;
  private width = 0;
  private height = 0;
  private columns = 0;
  /** Per cell: 1 + the last second a counted change touched it (so each cell counts once a second). */
  private cellSeconds = new Int32Array(0);
  private readonly open = new Map<number, SecondTally>();
  /** Final values, one per second, for seconds [0, finalSeconds). */
  private values = new Float32Array(256);
  private finalSeconds = 0;
  private latestMs = 0;
  /**
   * Times of screen updates that count for nothing (ambient, or painting nothing), ascending; a
   * time at which some update counts is not among them (a batch of tiles often shares its ms with
   * a caret blink).
   */
  private quiet = new Uint32Array(256);
  private quietCount = 0;
  private lastCountedMs = -1;
  private changes = 0;

  constructor(onActive: (timeMs: number) => void = () => {}) {
    this.onActive = onActive;
  }

  /** Bumped whenever `seconds` would return something new. */
  get version(): number {
    return this.changes;
  }

  /** The final values so far: per second, the fraction of the screen that changed (a copy). */
  get seconds(): Float32Array {
    return this.values.slice(0, this.finalSeconds);
  }

  /** The remote screen took this size (a resize, or the first screen). */
  setScreen(width: number, height: number): void {
    this.width = width;
    this.height = height;
    this.columns = Math.ceil(width / COVERAGE_CELL);
    this.cellSeconds = new Int32Array(this.columns * Math.ceil(height / COVERAGE_CELL));
  }

  /**
   * A screen change painting `rects` at `timeMs` (`image`: a PNG tile's bytes, see
   * ActivityClassifier). Returns whether it counts (it is not ambient).
   */
  addChange(timeMs: number, rects: readonly PaintRect[], image?: Uint8Array): boolean {
    this.reach(timeMs);
    if (this.classifier.isAmbient(rects, image)) {
      this.addQuiet(timeMs);
      return false;
    }
    if (this.quietCount > 0 && this.quiet[this.quietCount - 1] === timeMs) this.quietCount -= 1;
    this.lastCountedMs = timeMs;
    const second = Math.floor(timeMs / 1000);
    const tally = this.tally(second);
    tally.firstChangeMs = Number.isNaN(tally.firstChangeMs) ? timeMs : tally.firstChangeMs;
    tally.lastChangeMs = timeMs;
    const rows = this.cellSeconds.length / Math.max(1, this.columns);
    for (const rect of rects) {
      const firstColumn = Math.max(0, Math.floor(rect.left / COVERAGE_CELL));
      const endColumn = Math.min(this.columns, Math.ceil(rect.right / COVERAGE_CELL));
      const firstRow = Math.max(0, Math.floor(rect.top / COVERAGE_CELL));
      const endRow = Math.min(rows, Math.ceil(rect.bottom / COVERAGE_CELL));
      for (let row = firstRow; row < endRow; row++) {
        for (let column = firstColumn; column < endColumn; column++) {
          const cell = row * this.columns + column;
          if (this.cellSeconds[cell] === second + 1) continue;
          this.cellSeconds[cell] = second + 1;
          tally.cells += 1;
          tally.areaPx += (Math.min(COVERAGE_CELL, this.width - column * COVERAGE_CELL)) * Math.min(COVERAGE_CELL, this.height - row * COVERAGE_CELL);
        }
      }
    }
    return true;
  }

  /** A screen update that paints nothing (a fast-path pointer update, a frame marker). */
  addQuiet(timeMs: number): void {
    this.reach(timeMs);
    if (timeMs === this.lastCountedMs || (this.quietCount > 0 && this.quiet[this.quietCount - 1] === timeMs)) return;
    if (this.quietCount === this.quiet.length) this.quiet = grow(this.quiet);
    this.quiet[this.quietCount++] = timeMs;
  }

  /** The pointer moved, or a button went down. */
  addInput(timeMs: number): void {
    this.reach(timeMs);
    const tally = this.tally(Math.floor(timeMs / 1000));
    tally.firstInputMs = Number.isNaN(tally.firstInputMs) ? timeMs : tally.firstInputMs;
    tally.lastInputMs = timeMs;
  }

  /** The recording ends at `durationMs`: every second is final (the quiet tail as zeros). */
  finish(durationMs: number): void {
    const end = Math.max(Math.ceil(durationMs / 1000), this.finalSeconds);
    const before = this.finalSeconds;
    while (this.finalSeconds < end) this.finalize(this.finalSeconds);
    if (this.finalSeconds !== before) this.changes += 1;
  }

  /**
   * Whether the screen-change step stops at an update at `timeMs`: it counted (not ambient,
   * painted something) and its second shows on the track. Seconds not final yet count.
   */
  countsAt(timeMs: number): boolean {
    const index = lowerBound(this.quiet, this.quietCount, timeMs);
    if (index < this.quietCount && this.quiet[index] === timeMs) return false;
    const second = Math.floor(timeMs / 1000);
    return second >= this.finalSeconds || this.values[second]! > 0;
  }

  /** Time moved on to `timeMs`: the seconds the lone rule no longer waits for become final. */
  private reach(timeMs: number): void {
    if (timeMs < this.latestMs) return;
    this.latestMs = timeMs;
    const before = this.finalSeconds;
    // Second s is final once time reached the end of second s + LONE_CHANGE_WINDOW_S.
    while ((this.finalSeconds + 1 + LONE_CHANGE_WINDOW_S) * 1000 <= timeMs) this.finalize(this.finalSeconds);
    if (this.finalSeconds !== before) this.changes += 1;
  }

  private tally(second: number): SecondTally {
    let tally = this.open.get(second);
    if (!tally) {
      tally = { cells: 0, areaPx: 0, firstChangeMs: NaN, lastChangeMs: NaN, firstInputMs: NaN, lastInputMs: NaN };
      this.open.set(second, tally);
    }
    return tally;
  }

  private finalize(second: number): void {
    const tally = this.open.get(second);
    let value = 0;
    if (tally) {
      const input = !Number.isNaN(tally.firstInputMs);
      const screenPx = Math.max(1, this.width * this.height);
      let shows = tally.cells > SMALL_CHANGE_CELLS || tally.areaPx > SMALL_CHANGE_MAX_FRACTION * screenPx;
      if (tally.cells > 0 && !shows) {
        // Rule 3: a small change shows only with company (a change or input) nearby.
        for (let other = second - LONE_CHANGE_WINDOW_S; other <= second + LONE_CHANGE_WINDOW_S && !shows; other++) {
          const neighbour = other === second ? undefined : this.open.get(other);
          shows = input || (!!neighbour && (neighbour.cells > 0 || !Number.isNaN(neighbour.firstInputMs)));
        }
      }
      if (shows) value = Math.min(1, tally.areaPx / screenPx);
      if (shows || input) {
        const first = Math.min(shows ? tally.firstChangeMs : Infinity, input ? tally.firstInputMs : Infinity);
        const last = Math.max(shows ? tally.lastChangeMs : -Infinity, input ? tally.lastInputMs : -Infinity);
        this.onActive(first);
        if (last !== first) this.onActive(last);
      }
    }
    if (this.finalSeconds === this.values.length) this.values = grow(this.values);
    this.values[second] = value;
    this.finalSeconds = second + 1;
    // The lone rule looks back this far: older tallies are no longer needed.
    this.open.delete(second - LONE_CHANGE_WINDOW_S);
  }
}

function grow<T extends Float32Array | Uint32Array>(array: T): T {
  const bigger = new (array.constructor as new (length: number) => T)(array.length * 2);
  bigger.set(array);
  return bigger;
}

/** Index of the first of `count` ascending values that is ≥ `value`. */
function lowerBound(values: Uint32Array, count: number, value: number): number {
  let low = 0;
  let high = count;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (values[middle]! < value) low = middle + 1;
    else high = middle;
  }
  return low;
}
