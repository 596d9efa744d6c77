import type { TileImage } from './tile-bytes.js';

/** What the renderer applies, in time order: the screen-changing part of a recording. */
export type ScreenUpdate =
  /** The remote screen took this size; the screen is cleared (RDP repaints after a resize). */
  | { kind: 'resize'; timeMs: number; width: number; height: number }
  /** A PNG tile whose top-left corner goes at (left, top); right/bottom are exclusive. */
  | { kind: 'tile'; timeMs: number; left: number; top: number; right: number; bottom: number; png: TileImage }
  /** The recorded mouse position. */
  | { kind: 'pointer'; timeMs: number; x: number; y: number }
  /** A mouse button went down where the pointer is (shown as a ripple; never replayed by a seek). */
  | { kind: 'click'; timeMs: number; button: number }
  /**
   * An RDP fast-path update PDU (Teleport 15+). Each one changes the decoder's state (RemoteFX
   * context, fragments, pointer cache), so they are all replayed in order, never skipped.
   */
  | { kind: 'fastpath'; timeMs: number; pdu: TileImage };

/** Side of the grid cells used to find tiles that later tiles paint over completely. */
export const COVERAGE_CELL = 64;

/**
 * The screen updates of one recording, kept in memory in time order (the file is read once;
 * seeking replays from here). Appends only; times never go backwards.
 */
export class ScreenTimeline {
  private readonly list: ScreenUpdate[] = [];
  /** Indices of `resize` updates, ascending: every seek starts from one. */
  private readonly resizes: number[] = [];
  /** Indices of `pointer` updates, ascending: a seek puts the pointer where it last was. */
  private readonly pointers: number[] = [];
  private fastPathUpdates = 0;

  get length(): number {
    return this.list.length;
  }

  /**
   * True once the recording carries RDP fast-path updates. Screens then come from a stateful
   * decoder, so a canvas snapshot alone cannot stand for a moment: no keyframes are used.
   */
  get hasFastPath(): boolean {
    return this.fastPathUpdates > 0;
  }

  get lastTimeMs(): number {
    return this.list[this.list.length - 1]?.timeMs ?? 0;
  }

  /** The first screen size of the recording, once known. */
  get firstScreen(): Extract<ScreenUpdate, { kind: 'resize' }> | undefined {
    const index = this.resizes[0];
    return index === undefined ? undefined : (this.list[index] as Extract<ScreenUpdate, { kind: 'resize' }>);
  }

  at(index: number): ScreenUpdate {
    return this.list[index]!;
  }

  add(update: ScreenUpdate): void {
    if (update.timeMs < this.lastTimeMs) throw new RangeError(`screen update at ${update.timeMs} ms is before the last one (${this.lastTimeMs} ms)`);
    if (update.kind === 'resize') this.resizes.push(this.list.length);
    else if (update.kind === 'pointer') this.pointers.push(this.list.length);
    else if (update.kind === 'fastpath') this.fastPathUpdates += 1;
    this.list.push(update);
  }

  /** Index of the first update later than `timeMs` (= how many updates are due at `timeMs`). */
  indexAfter(timeMs: number): number {
    return countWhile(this.list.length, (index) => this.list[index]!.timeMs <= timeMs);
  }

  /** Time of the nearest tile strictly after (`direction` 1) or before (-1) `timeMs`. */
  tileTimeBeside(timeMs: number, direction: 1 | -1): number | undefined {
    if (direction === 1) {
      for (let index = this.indexAfter(timeMs); index < this.list.length; index++) {
        if (changesScreen(this.list[index]!)) return this.list[index]!.timeMs;
      }
      return undefined;
    }
    for (let index = this.indexAfter(timeMs) - 1; index >= 0; index--) {
      const update = this.list[index]!;
      if (changesScreen(update) && update.timeMs < timeMs) return update.timeMs;
    }
    return undefined;
  }

  /** The last resize before index `end`, or undefined when the screen size is not known yet. */
  lastResizeBefore(end: number): { index: number; update: Extract<ScreenUpdate, { kind: 'resize' }> } | undefined {
    const index = lastIndexBefore(this.resizes, end);
    return index === undefined ? undefined : { index, update: this.list[index] as Extract<ScreenUpdate, { kind: 'resize' }> };
  }

  /** The last pointer position before index `end`. */
  lastPointerBefore(end: number): Extract<ScreenUpdate, { kind: 'pointer' }> | undefined {
    const index = lastIndexBefore(this.pointers, end);
    return index === undefined ? undefined : (this.list[index] as Extract<ScreenUpdate, { kind: 'pointer' }>);
  }
}

function changesScreen(update: ScreenUpdate): boolean {
  return update.kind === 'tile' || update.kind === 'fastpath';
}

/** The largest of the ascending `indices` below `end`. */
function lastIndexBefore(indices: readonly number[], end: number): number | undefined {
  const count = countWhile(indices.length, (index) => indices[index]! < end);
  return count === 0 ? undefined : indices[count - 1];
}

/** How many leading items of a sorted sequence of `length` pass `holds` (true, then false: binary search). */
export function countWhile(length: number, holds: (index: number) => boolean): number {
  let low = 0;
  let high = length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (holds(middle)) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * The updates in [from, end) that still matter once all of them are applied: the last resize
 * (everything before it is wiped), the tiles some part of which no later tile paints over, and the
 * last pointer position. Coverage is tracked per 64×64 cell and a cell only counts as covered when
 * one later tile contains all of it, so nothing visible is ever dropped.
 *
 * `width`/`height` is the screen size in effect at `from` (used when no resize is in the range).
 */
export function planReplay(timeline: ScreenTimeline, from: number, end: number, width: number, height: number): ScreenUpdate[] {
  const resize = timeline.lastResizeBefore(end);
  const resizeInRange = resize && resize.index >= from ? resize.update : undefined;
  const start = resizeInRange ? resize!.index + 1 : from;
  const grid = resizeInRange ? new CoverageGrid(resizeInRange.width, resizeInRange.height) : new CoverageGrid(width, height);
  const kept: ScreenUpdate[] = [];
  for (let index = end - 1; index >= start && !grid.full; index--) {
    const update = timeline.at(index);
    if ((update.kind === 'tile' && grid.paint(update)) || update.kind === 'fastpath') kept.push(update);
  }
  if (resizeInRange) kept.push(resizeInRange);
  kept.reverse();
  // The pointer survives resizes, so its last position may lie before the resize.
  for (let index = end - 1; index >= from; index--) {
    const update = timeline.at(index);
    if (update.kind === 'pointer') {
      kept.push(update);
      break;
    }
  }
  return kept;
}

/** Which 64×64 cells of the screen later tiles have painted over completely. */
class CoverageGrid {
  private readonly columns: number;
  private readonly rows: number;
  private readonly covered: Uint8Array;
  private uncovered: number;

  constructor(
    private readonly width: number,
    private readonly height: number,
  ) {
    this.columns = Math.ceil(width / COVERAGE_CELL);
    this.rows = Math.ceil(height / COVERAGE_CELL);
    this.covered = new Uint8Array(this.columns * this.rows);
    this.uncovered = this.covered.length;
  }

  get full(): boolean {
    return this.uncovered === 0;
  }

  /** Walking back in time: notes the cells `tile` contains; true if it shows in some cell not yet covered. */
  paint(tile: { left: number; top: number; right: number; bottom: number }): boolean {
    const firstColumn = Math.max(0, Math.floor(tile.left / COVERAGE_CELL));
    const endColumn = Math.min(this.columns, Math.ceil(tile.right / COVERAGE_CELL));
    const firstRow = Math.max(0, Math.floor(tile.top / COVERAGE_CELL));
    const endRow = Math.min(this.rows, Math.ceil(tile.bottom / COVERAGE_CELL));
    let visible = false;
    for (let row = firstRow; row < endRow; row++) {
      const cellTop = row * COVERAGE_CELL;
      const containsRow = tile.top <= cellTop && tile.bottom >= Math.min(cellTop + COVERAGE_CELL, this.height);
      for (let column = firstColumn; column < endColumn; column++) {
        const cell = row * this.columns + column;
        if (this.covered[cell]) continue;
        visible = true;
        const cellLeft = column * COVERAGE_CELL;
        if (containsRow && tile.left <= cellLeft && tile.right >= Math.min(cellLeft + COVERAGE_CELL, this.width)) {
          this.covered[cell] = 1;
          this.uncovered -= 1;
        }
      }
    }
    return visible;
  }
}
