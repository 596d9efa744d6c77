import { MAX_SCREEN_SIDE } from '../format/timeline.js';
import { fastPathModule } from './fastpath/load.js';
import type { FastPathScanner } from './fastpath/paint-rects.js';
import { ScanFlag } from './fastpath/scan-flags.js';
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
   * An RDP fast-path update PDU (Teleport 15+), indexed when read (`ScreenTimeline.fastPath`):
   * `flags` are its `ScanFlag`s, `rects` where its painted areas are kept (`ScreenTimeline.paintRects`,
   * -1: none), `slot` the pointer cache slot it writes (-1: none). A seek replays the ones whose
   * paint still shows, and those whose decoder state is needed (RemoteFX context, pointer cache,
   * fragment runs: a run is kept or dropped whole) with `stateOnly` set: nothing drawn. `covered`
   * (in a plan) marks the 64×64 cells later updates paint over: RemoteFX tiles there are not
   * decoded. Without `flags` (made elsewhere), an update is always replayed. `undrawableCodec`: the
   * id of a codec in it the player cannot draw (`ScanFlag.UndrawableCodec`), reported when read.
   */
  | { kind: 'fastpath'; timeMs: number; pdu: TileImage; flags?: number; rects?: number; slot?: number; stateOnly?: boolean; covered?: Uint8Array; undrawableCodec?: number };

type PointerUpdate = Extract<ScreenUpdate, { kind: 'pointer' }>;

/** Pointer samples a block of `ScreenTimeline.pointerBlocks` holds (128 KiB). */
const POINTER_BLOCK = 4096;

/** Side of the grid cells used to find tiles that later tiles paint over completely. */
export const COVERAGE_CELL = 64;

/**
 * The screen updates of one recording, kept in memory in time order (the file is read once;
 * seeking replays from here). Appends only; times never go backwards.
 */
export class ScreenTimeline {
  /** The updates in order; a pointer position is the number of its sample in `pointerBlocks`. */
  private readonly list: Array<ScreenUpdate | number> = [];
  /**
   * Pointer positions as numbers (time, x, y, index in `list`: a seek puts the pointer where it
   * last was), POINTER_BLOCK to a block, not an object each: a
   * recording can move the pointer hundreds of thousands of times, and an object kept for each (or
   * an array grown by copying) survived the young generation's collections until it grew to its
   * largest. Blocks are added, never copied.
   */
  private readonly pointerBlocks: Float64Array[] = [];
  private pointerCount = 0;
  /** Indices of `resize` updates, ascending: every seek starts from one. */
  private readonly resizes: number[] = [];
  private fastPathUpdates = 0;
  /** Indices of fast-path updates that set the cursor's shape, ascending. */
  private readonly pointerShapes: number[] = [];
  /** Fast-path paint areas: at each update's `rects`, a count, then left, top, right, bottom per area. */
  private rectPool = new Uint16Array(4096);
  private rectPoolLength = 0;
  /** Made at the first fast-path update (its module is a chunk, loaded by then), for the last screen size. */
  private scanner: FastPathScanner | undefined;
  private screenWidth = MAX_SCREEN_SIDE;
  private screenHeight = MAX_SCREEN_SIDE;

  get length(): number {
    return this.list.length;
  }

  /**
   * True once the recording carries RDP fast-path updates. Screens then come from a stateful
   * decoder, so a canvas snapshot stands for a moment only with the decoder's state (keyframes
   * from the builder carry it; seek snapshots do not).
   */
  get hasFastPath(): boolean {
    return this.fastPathUpdates > 0;
  }

  get lastTimeMs(): number {
    return this.list.length === 0 ? 0 : this.timeAt(this.list.length - 1);
  }

  /** The time of the update at `index`. */
  timeAt(index: number): number {
    const entry = this.list[index]!;
    return typeof entry === 'number' ? this.pointerSample(entry)[0] : entry.timeMs;
  }


  /** The first screen size of the recording, once known. */
  get firstScreen(): Extract<ScreenUpdate, { kind: 'resize' }> | undefined {
    const index = this.resizes[0];
    return index === undefined ? undefined : (this.list[index] as Extract<ScreenUpdate, { kind: 'resize' }>);
  }

  at(index: number): ScreenUpdate {
    const entry = this.list[index]!;
    // A pointer position as an update: a new object each time (nothing keeps them).
    if (typeof entry !== 'number') return entry;
    const [timeMs, x, y] = this.pointerSample(entry);
    return { kind: 'pointer', timeMs, x, y };
  }

  /** A pointer sample's time, x, y and index. */
  private pointerSample(sample: number): [number, number, number, number] {
    const at = (sample % POINTER_BLOCK) * 4;
    const block = this.pointerBlocks[Math.floor(sample / POINTER_BLOCK)]!;
    return [block[at]!, block[at + 1]!, block[at + 2]!, block[at + 3]!];
  }

  add(update: ScreenUpdate): void {
    if (update.timeMs < this.lastTimeMs) throw new RangeError(`screen update at ${update.timeMs} ms is before the last one (${this.lastTimeMs} ms)`);
    if (update.kind === 'resize') {
      this.resizes.push(this.list.length);
      this.screenWidth = update.width;
      this.screenHeight = update.height;
      this.scanner?.reset(update.width, update.height);
    } else if (update.kind === 'pointer') {
      const at = (this.pointerCount % POINTER_BLOCK) * 4;
      if (at === 0) this.pointerBlocks.push(new Float64Array(POINTER_BLOCK * 4));
      this.pointerBlocks.at(-1)!.set([update.timeMs, update.x, update.y, this.list.length], at);
      this.list.push(this.pointerCount++);
      return;
    } else if (update.kind === 'fastpath') {
      this.fastPathUpdates += 1;
      if ((update.flags ?? 0) & ScanFlag.PointerShape) this.pointerShapes.push(this.list.length);
    }
    this.list.push(update);
  }

  /**
   * A fast-path update for `add()`, indexed from its bytes (headers only, ~2 µs): what it paints
   * and which decoder state it carries. Make them in timeline order (fragment runs and the screen
   * size are followed from one to the next).
   */
  fastPath(timeMs: number, pdu: TileImage, bytes: Uint8Array): Extract<ScreenUpdate, { kind: 'fastpath' }> {
    this.scanner ??= new (fastPathModule().FastPathScanner)(this.screenWidth, this.screenHeight);
    const { rects, flags, pointerSlot, undrawableCodec } = this.scanner.push(bytes);
    const undrawable = undrawableCodec >= 0 ? { undrawableCodec } : {};
    let at = -1;
    if (rects) {
      at = this.rectPoolLength;
      const needed = at + 1 + rects.length * 4;
      // More than a u16 count of areas (never seen: a tileset has at most a screenful of tiles): always replayed.
      if (rects.length > 0xffff) return { kind: 'fastpath', timeMs, pdu, flags: flags | ScanFlag.State, rects: -1, slot: pointerSlot, ...undrawable };
      if (needed > this.rectPool.length) {
        const grown = new Uint16Array(Math.max(needed, this.rectPool.length * 2));
        grown.set(this.rectPool.subarray(0, this.rectPoolLength));
        this.rectPool = grown;
      }
      const pool = this.rectPool;
      pool[at] = rects.length;
      let to = at + 1;
      for (const rect of rects) {
        pool[to++] = rect.left;
        pool[to++] = rect.top;
        pool[to++] = rect.right;
        pool[to++] = rect.bottom;
      }
      this.rectPoolLength = needed;
    }
    return { kind: 'fastpath', timeMs, pdu, flags, rects: at, slot: pointerSlot, ...undrawable };
  }

  /** Calls `visit` with each area a fast-path update paints (in the pool: valid during the call). */
  paintRects(update: Extract<ScreenUpdate, { kind: 'fastpath' }>, visit: (left: number, top: number, right: number, bottom: number) => void): void {
    const at = update.rects ?? -1;
    if (at < 0) return;
    const pool = this.rectPool;
    for (let i = 0, from = at + 1; i < pool[at]!; i++, from += 4) visit(pool[from]!, pool[from + 1]!, pool[from + 2]!, pool[from + 3]!);
  }

  /** Paints a fast-path update's areas on a coverage grid (walking back in time); true if some part shows. */
  paintRectsOn(update: Extract<ScreenUpdate, { kind: 'fastpath' }>, grid: CoverageGrid): boolean {
    const at = update.rects ?? -1;
    if (at < 0) return false;
    const pool = this.rectPool;
    let visible = false;
    for (let i = 0, from = at + 1; i < pool[at]!; i++, from += 4) {
      if (grid.paintArea(pool[from]!, pool[from + 1]!, pool[from + 2]!, pool[from + 3]!)) visible = true;
    }
    return visible;
  }

  /** Bytes held by the fast-path paint areas (memory figures). */
  get paintRectBytes(): number {
    return this.rectPool.byteLength;
  }

  /** The last fast-path update before index `end` that set the cursor's shape. */
  lastPointerShapeBefore(end: number): number | undefined {
    return lastIndexBefore(this.pointerShapes, end);
  }

  /** Index of the first update later than `timeMs` (= how many updates are due at `timeMs`). */
  indexAfter(timeMs: number): number {
    return countWhile(this.list.length, (index) => this.timeAt(index) <= timeMs);
  }

  /**
   * Time of the nearest tile (or fast-path update) strictly after (`direction` 1) or before (-1)
   * `timeMs`; `counts` leaves out updates that are no stop (the session's: activity-track rule).
   */
  tileTimeBeside(timeMs: number, direction: 1 | -1, counts: (update: ScreenUpdate) => boolean = () => true): number | undefined {
    if (direction === 1) {
      for (let index = this.indexAfter(timeMs); index < this.list.length; index++) {
        const update = this.list[index]!;
        if (changesScreen(update) && counts(update)) return update.timeMs;
      }
      return undefined;
    }
    for (let index = this.indexAfter(timeMs) - 1; index >= 0; index--) {
      const update = this.list[index]!;
      if (changesScreen(update) && update.timeMs < timeMs && counts(update)) return update.timeMs;
    }
    return undefined;
  }

  /** The last resize before index `end`, or undefined when the screen size is not known yet. */
  lastResizeBefore(end: number): { index: number; update: Extract<ScreenUpdate, { kind: 'resize' }> } | undefined {
    const index = lastIndexBefore(this.resizes, end);
    return index === undefined ? undefined : { index, update: this.list[index] as Extract<ScreenUpdate, { kind: 'resize' }> };
  }

  /** The last pointer position before index `end` (and at `from` or after). */
  lastPointerBefore(end: number, from = 0): PointerUpdate | undefined {
    const count = countWhile(this.pointerCount, (sample) => this.pointerSample(sample)[3] < end);
    const index = count === 0 ? -1 : this.pointerSample(count - 1)[3];
    return index < from ? undefined : (this.at(index) as PointerUpdate);
  }
}

/** Whether a timeline entry is a tile or fast-path update (a pointer position's number is neither). */
function changesScreen(update: ScreenUpdate | number): update is ScreenUpdate {
  return typeof update === 'object' && (update.kind === 'tile' || update.kind === 'fastpath');
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
 * (everything before it is wiped), the tiles and fast-path updates some part of which nothing later
 * paints over, and the last pointer position. Coverage is exact to the pixel (`CoverageGrid`): an
 * update is dropped only when later kept updates paint every one of its pixels.
 * Fast-path updates that paint nothing visible are still replayed, with `stateOnly`, when the
 * decoder needs what they carry (`FastPathNeeds`); a fragment run is kept or dropped whole.
 *
 * `width`/`height` is the screen size in effect at `from` (used when no resize is in the range).
 * With `paintLimit`, the plan is given up (undefined) as soon as it would paint more than that
 * (`paints`): a seek that has a cheaper plan from a keyframe stops walking back there.
 */
export function planReplay(timeline: ScreenTimeline, from: number, end: number, width: number, height: number): ScreenUpdate[];
export function planReplay(timeline: ScreenTimeline, from: number, end: number, width: number, height: number, paintLimit: number): ScreenUpdate[] | undefined;
export function planReplay(timeline: ScreenTimeline, from: number, end: number, width: number, height: number, paintLimit = Infinity): ScreenUpdate[] | undefined {
  let painted = 0;
  const resize = timeline.lastResizeBefore(end);
  const resizeIndex = resize && resize.index >= from ? resize.index : -1;
  const grid = resizeIndex >= 0 ? new CoverageGrid(resize!.update.width, resize!.update.height) : new CoverageGrid(width, height);
  const needs = timeline.hasFastPath ? new FastPathNeeds() : undefined;
  const kept: ScreenUpdate[] = [];
  for (let index = end - 1; index >= from; index--) {
    const update = timeline.at(index);
    if (index === resizeIndex) {
      kept.push(update);
      // Nothing painted before it shows; fast-path state from before it still counts.
      grid.fill();
      if (!needs) break;
      continue;
    }
    if (grid.full && !needs) {
      // Tiles only: everything after the resize is covered, so nothing before it matters either.
      if (resizeIndex >= 0 && index > resizeIndex) kept.push(resize!.update);
      break;
    }
    if (update.kind === 'tile') {
      if (!grid.paint(update)) continue;
      kept.push(update);
      painted += 1;
    } else if (update.kind === 'fastpath' && needs) {
      const before = kept.length;
      index = keepFastPathUnit(timeline, index, from, end, resizeIndex, grid, needs, kept);
      for (let added = before; added < kept.length; added++) if (paints(kept[added]!)) painted += 1;
    }
    if (painted > paintLimit) return undefined;
  }
  kept.reverse();
  // The pointer survives resizes, so its last position may lie before the resize.
  const pointer = timeline.lastPointerBefore(end, from);
  if (pointer) kept.push(pointer);
  return kept;
}

/**
 * Walking back in time: the decoder state later (kept) fast-path updates and the moment after
 * `end` rely on, so the updates carrying it are replayed even when their pixels are painted over.
 */
class FastPathNeeds {
  /** A later update set the cursor's shape (only the last one counts). */
  shapeSeen = false;
  /** Pointer cache slots written later (only the last write to a slot counts). */
  readonly slotsSeen = new Set<number>();
  /** RemoteFX header blocks are still needed: by the moment after `end`, or a later kept RemoteFX frame. */
  remoteFxHeaders = true;
}

/**
 * Decides on the fast-path unit ending at `last` (one PDU, or a fragment run's PDUs: kept or dropped
 * together) and pushes what is kept, latest first. Returns the unit's first index.
 */
function keepFastPathUnit(timeline: ScreenTimeline, last: number, from: number, end: number, resizeIndex: number, grid: CoverageGrid, needs: FastPathNeeds, kept: ScreenUpdate[]): number {
  let first = last;
  while (first > from && first - 1 !== resizeIndex && openAfter(timeline.at(first - 1))) first -= 1;
  // A run that started before `from` (the decoder holds its first fragments) or is still open at `end`.
  const unfinished = (first === from && from > 0 && from - 1 !== resizeIndex && openAfter(timeline.at(from - 1))) || (last === end - 1 && openAfter(timeline.at(last)));
  let flags = 0;
  let newSlot = false;
  for (let index = last; index >= first; index--) {
    const update = timeline.at(index) as Extract<ScreenUpdate, { kind: 'fastpath' }>;
    // Without an index entry, an update is always replayed.
    flags |= update.flags ?? ScanFlag.State;
    const slot = update.slot ?? -1;
    if (slot >= 0 && !needs.slotsSeen.has(slot)) {
      needs.slotsSeen.add(slot);
      newSlot = true;
    }
  }
  // RemoteFX decodes only the tiles that show: the cells later updates cover, as they are before this unit's own.
  const covered = flags & ScanFlag.RemoteFx && !grid.full && !grid.empty ? grid.snapshot() : undefined;
  let visible = false;
  if (!grid.full) {
    for (let index = last; index >= first; index--) {
      if (timeline.paintRectsOn(timeline.at(index) as Extract<ScreenUpdate, { kind: 'fastpath' }>, grid)) visible = true;
    }
  }
  let stateNeeded = unfinished || newSlot || (flags & ScanFlag.State) !== 0;
  if (flags & ScanFlag.PointerShape && !needs.shapeSeen) {
    needs.shapeSeen = true;
    stateNeeded = true;
  }
  if (flags & ScanFlag.RemoteFxHeaders && needs.remoteFxHeaders) stateNeeded = true;
  // A kept RemoteFX frame needs the headers before it, unless it carries them (they come first in a message).
  if (visible && flags & ScanFlag.RemoteFx) needs.remoteFxHeaders = true;
  if (flags & ScanFlag.RemoteFxHeaders) needs.remoteFxHeaders = false;
  if (!visible && !stateNeeded) return first;
  for (let index = last; index >= first; index--) {
    const update = timeline.at(index) as Extract<ScreenUpdate, { kind: 'fastpath' }>;
    kept.push(!visible ? { ...update, stateOnly: true } : covered ? { ...update, covered } : update);
  }
  return first;
}

/** An update that paints pixels when replayed (what a plan costs: a tile decode, up to a full RemoteFX frame). */
export const paints = (update: ScreenUpdate): boolean => update.kind === 'tile' || (update.kind === 'fastpath' && !update.stateOnly);

const openAfter = (update: ScreenUpdate): boolean => update.kind === 'fastpath' && ((update.flags ?? 0) & ScanFlag.OpenAfter) !== 0;

/** 32-bit words in a cell's pixel mask: two per row of 64 pixels. */
const MASK_WORDS = (COVERAGE_CELL * COVERAGE_CELL) / 32;
const CELL_PIXELS = COVERAGE_CELL * COVERAGE_CELL;

/**
 * Which pixels of the screen later updates have painted over, walking back in time. Per 64×64
 * cell: a byte set once the cell is covered completely (what `snapshot()` hands to RemoteFX), and,
 * for cells only partly painted, a 64×64-bit mask made on first touch and dropped once the cell
 * fills (at most 512 bytes per cell of the screen). Glyph-sized damage thus adds up to cover.
 * Each cell also keeps the bounds of its pixels not painted yet, so the many areas a seek meets
 * that fall on painted pixels only are turned away without reading the mask.
 */
export class CoverageGrid {
  private readonly columns: number;
  private readonly rows: number;
  private readonly covered: Uint8Array;
  private uncovered: number;
  /** Per partly painted cell: bit x % 32 of word (y * 2 + x / 32) is the cell's pixel (x, y). */
  private readonly masks: (Uint32Array | undefined)[];
  /** Per cell: how many of its mask's bits are set (pixels off screen count as set). */
  private readonly paintedPixels: Uint16Array;
  /** Per cell, 4 bytes: left, top, right, bottom (exclusive) of its pixels not painted yet, in the cell. */
  private readonly openBounds: Uint8Array;

  constructor(
    private readonly width: number,
    private readonly height: number,
  ) {
    this.columns = Math.ceil(width / COVERAGE_CELL);
    this.rows = Math.ceil(height / COVERAGE_CELL);
    this.covered = new Uint8Array(this.columns * this.rows);
    this.uncovered = this.covered.length;
    this.masks = new Array<Uint32Array | undefined>(this.covered.length);
    this.paintedPixels = new Uint16Array(this.covered.length);
    this.openBounds = new Uint8Array(this.covered.length * 4);
    for (let cell = 0; cell < this.covered.length; cell++) {
      const row = Math.floor(cell / this.columns);
      this.openBounds[cell * 4 + 2] = Math.min(COVERAGE_CELL, width - (cell - row * this.columns) * COVERAGE_CELL);
      this.openBounds[cell * 4 + 3] = Math.min(COVERAGE_CELL, height - row * COVERAGE_CELL);
    }
  }

  get full(): boolean {
    return this.uncovered === 0;
  }

  /** Cells not covered yet. */
  get uncoveredCells(): number {
    return this.uncovered;
  }

  /** Every cell covered (a resize wiped what came before). */
  fill(): void {
    this.covered.fill(1);
    this.uncovered = 0;
    this.masks.fill(undefined);
  }

  /** No cell covered yet. */
  get empty(): boolean {
    return this.uncovered === this.covered.length;
  }

  /** A copy of the completely covered cells (one byte per cell, row-major). */
  snapshot(): Uint8Array {
    return this.covered.slice();
  }

  /** Walking back in time: notes the pixels `tile` paints; true if some of them are not painted over yet. */
  paint(tile: { left: number; top: number; right: number; bottom: number }): boolean {
    return this.paintArea(tile.left, tile.top, tile.right, tile.bottom);
  }

  /** Walking back in time: notes the pixels of an area (right/bottom exclusive); true if some of them show. */
  paintArea(areaLeft: number, areaTop: number, areaRight: number, areaBottom: number): boolean {
    const left = Math.max(0, areaLeft);
    const top = Math.max(0, areaTop);
    const right = Math.min(this.width, areaRight);
    const bottom = Math.min(this.height, areaBottom);
    if (left >= right || top >= bottom) return false;
    const firstColumn = Math.floor(left / COVERAGE_CELL);
    const endColumn = Math.ceil(right / COVERAGE_CELL);
    const firstRow = Math.floor(top / COVERAGE_CELL);
    const endRow = Math.ceil(bottom / COVERAGE_CELL);
    let visible = false;
    for (let row = firstRow; row < endRow; row++) {
      const cellTop = row * COVERAGE_CELL;
      const cellBottom = Math.min(cellTop + COVERAGE_CELL, this.height);
      const containsRow = top <= cellTop && bottom >= cellBottom;
      for (let column = firstColumn; column < endColumn; column++) {
        const cell = row * this.columns + column;
        if (this.covered[cell]) continue;
        const cellLeft = column * COVERAGE_CELL;
        const cellRight = Math.min(cellLeft + COVERAGE_CELL, this.width);
        if (containsRow && left <= cellLeft && right >= cellRight) {
          visible = true;
          this.cover(cell);
          continue;
        }
        // Only the part within the cell's unpainted bounds can show.
        const bounds = this.openBounds;
        const inLeft = Math.max(left - cellLeft, bounds[cell * 4]!);
        const inTop = Math.max(top - cellTop, bounds[cell * 4 + 1]!);
        const inRight = Math.min(right - cellLeft, bounds[cell * 4 + 2]!);
        const inBottom = Math.min(bottom - cellTop, bounds[cell * 4 + 3]!);
        if (inLeft < inRight && inTop < inBottom && this.paintInCell(cell, inLeft, inTop, inRight, inBottom)) visible = true;
      }
    }
    return visible;
  }

  private cover(cell: number): void {
    this.covered[cell] = 1;
    this.uncovered -= 1;
    this.masks[cell] = undefined;
  }

  /** Sets a rectangle of one cell's mask (cell coordinates, right/bottom exclusive); true if some pixel was not set. */
  private paintInCell(cell: number, left: number, top: number, right: number, bottom: number): boolean {
    const mask = this.masks[cell] ?? this.newMask(cell);
    const lowBits = rowBits(left, right, 0);
    const highBits = rowBits(left, right, 32);
    let added = 0;
    for (let y = top, word = top * 2; y < bottom; y++, word += 2) {
      if (lowBits !== 0) {
        const fresh = lowBits & ~mask[word]!;
        if (fresh !== 0) {
          added += bitCount(fresh);
          mask[word] |= fresh;
        }
      }
      if (highBits !== 0) {
        const fresh = highBits & ~mask[word + 1]!;
        if (fresh !== 0) {
          added += bitCount(fresh);
          mask[word + 1] |= fresh;
        }
      }
    }
    if (added === 0) return false;
    this.paintedPixels[cell] += added;
    if (this.paintedPixels[cell] === CELL_PIXELS) this.cover(cell);
    else this.shrinkOpenBounds(cell, mask);
    return true;
  }

  /** A cell's mask with its pixels off screen (past the right or bottom edge) set. */
  private newMask(cell: number): Uint32Array {
    const mask = new Uint32Array(MASK_WORDS);
    const width = this.openBounds[cell * 4 + 2]!;
    const height = this.openBounds[cell * 4 + 3]!;
    const [lowBits, highBits] = [rowBits(width, COVERAGE_CELL, 0), rowBits(width, COVERAGE_CELL, 32)];
    for (let y = 0, word = 0; y < COVERAGE_CELL; y++, word += 2) {
      mask[word] = y < height ? lowBits : -1;
      mask[word + 1] = y < height ? highBits : -1;
    }
    this.paintedPixels[cell] = CELL_PIXELS - width * height;
    this.masks[cell] = mask;
    return mask;
  }

  /** Recomputes a cell's unpainted bounds from its mask (only after new pixels were set: rare). */
  private shrinkOpenBounds(cell: number, mask: Uint32Array): void {
    let [top, bottom, lowOpen, highOpen] = [COVERAGE_CELL, 0, 0, 0];
    for (let y = 0, word = 0; y < COVERAGE_CELL; y++, word += 2) {
      const low = ~mask[word]!;
      const high = ~mask[word + 1]!;
      if ((low | high) === 0) continue;
      top = Math.min(top, y);
      bottom = y + 1;
      lowOpen |= low;
      highOpen |= high;
    }
    const lowestBit = (bits: number): number => 31 - Math.clz32(bits & -bits);
    const bounds = this.openBounds;
    bounds[cell * 4] = lowOpen !== 0 ? lowestBit(lowOpen) : 32 + lowestBit(highOpen);
    bounds[cell * 4 + 1] = top;
    bounds[cell * 4 + 2] = highOpen !== 0 ? 64 - Math.clz32(highOpen) : 32 - Math.clz32(lowOpen);
    bounds[cell * 4 + 3] = bottom;
  }
}

/** The bits of pixels [left, right) in the 32-pixel word starting at `wordLeft` (an int32). */
function rowBits(left: number, right: number, wordLeft: number): number {
  const from = Math.max(left, wordLeft) - wordLeft;
  const to = Math.min(right, wordLeft + 32) - wordLeft;
  if (to <= from) return 0;
  return to - from === 32 ? -1 : ((1 << (to - from)) - 1) << from;
}

function bitCount(bits: number): number {
  let v = bits - ((bits >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24);
}
