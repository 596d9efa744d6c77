import { ActivityClassifier } from '../activity.js';
import { COVERAGE_CELL, type ScreenTimeline, type ScreenUpdate } from '../screen-timeline.js';
import type { TileImage } from '../tile-bytes.js';
import type { IndexedWord, TextIndex } from './format.js';
import { PixelScreen, type Box } from './pixel-screen.js';
import type { TextRecognizer } from './recognizer.js';

/**
 * What the builder reads: the screen updates of a recording in time order — a loaded `timeline`
 * (with `readBytes` for its stored bytes), or `updates` read as the build goes (`StreamedRecording`:
 * their bytes are in them) — and its length.
 */
export type TextIndexSource = (
  | { timeline: ScreenTimeline; readBytes(bytes: TileImage): Uint8Array | Promise<Uint8Array> }
  | { updates: Iterable<ScreenUpdate> | AsyncIterable<ScreenUpdate>; readBytes?(bytes: TileImage): Uint8Array | Promise<Uint8Array> }
) & {
  /** The recording's length (ms) as progress tells it; read again at the end (a stream knows its own then). */
  readonly durationMs: number;
};

export interface TextIndexProgress {
  /** The recording is indexed up to here (ms). */
  coveredMs: number;
  durationMs: number;
  /** Settled screens and regions recognised so far. */
  screens: number;
  regions: number;
  words: number;
}

export interface TextIndexOptions {
  /** The screen has settled when nothing painted for this long. */
  settleMs?: number;
  /** Stops the build (it rejects with the signal's reason). */
  signal?: AbortSignal;
  /** `partial()` is the index as far as it goes (words still showing end at `coveredMs`). */
  onProgress?(progress: TextIndexProgress, partial: () => TextIndex): void;
  /** More words than this is refused: memory stays bounded whatever the recording. */
  maxWords?: number;
}

/** A changed area of the screen settles once nothing painted for this long (typing pauses are longer). */
export const SETTLE_MS = 700;
/** When more than this fraction of the screen changed, the whole screen is read again. */
const LARGE_CHANGE = 0.5;
/** Regions grow by this much around the changed cells, so a word cut by a cell edge is read whole. */
const MARGIN_X = COVERAGE_CELL;
const MARGIN_Y = 8;
/** Past this many separate regions in one settled screen, their bounding box is read as one. */
const MAX_REGIONS = 12;
/** About 200 bytes each in memory: 2 million words stay under half a GB, far past any hour of desktop. */
export const MAX_WORDS = 2_000_000;
/** A word read again at the same place (within this many pixels) is the same word still showing. */
const SAME_PLACE_PX = 3;

interface OpenWord extends IndexedWord {
  /** Set when a change touched the word in the current batch: it ends then, unless read again. */
  touchedMs?: number;
}

/**
 * Builds the text index of a recording (see docs/text-index.md): the screen is composed in
 * memory; each time it settles after changes, the regions changed since the last indexed state
 * (the whole screen at the start, after a resize and after large changes) are recognised. A word
 * shows from the settled moment it was read until the first later change touching it; read again
 * unchanged, it goes on. DOM-free: the same code runs in Node (the CLI) and in a worker.
 */
export async function buildTextIndex(source: TextIndexSource, recognizer: TextRecognizer, options: TextIndexOptions = {}): Promise<TextIndex> {
  const settleMs = options.settleMs ?? SETTLE_MS;
  const maxWords = options.maxWords ?? MAX_WORDS;
  const readBytes = source.readBytes ?? inMemory;
  const updates = 'updates' in source ? source.updates : timelineUpdates(source.timeline);
  const screen = new PixelScreen(readBytes);
  const classifier = new ActivityClassifier();
  const closed: IndexedWord[] = [];
  let open: OpenWord[] = [];
  let columns = 0;
  let rows = 0;
  /** Per 64×64 cell: 1 + the first time (ms) a change touched it in the current batch; 0: unchanged. */
  let dirty = new Float64Array(0);
  let dirtyCount = 0;
  let wholeScreen = false;
  let lastChangeMs = -1;
  let lines = 0;
  const progress: TextIndexProgress = { coveredMs: 0, durationMs: source.durationMs, screens: 0, regions: 0, words: 0 };

  const markDirty = (box: Box, timeMs: number): void => {
    for (let row = Math.floor(box.y / COVERAGE_CELL); row < Math.min(rows, Math.ceil((box.y + box.height) / COVERAGE_CELL)); row++) {
      for (let column = Math.floor(box.x / COVERAGE_CELL); column < Math.min(columns, Math.ceil((box.x + box.width) / COVERAGE_CELL)); column++) {
        const cell = row * columns + column;
        if (dirty[cell] === 0) {
          dirty[cell] = timeMs + 1;
          dirtyCount += 1;
        }
      }
    }
    for (const word of open) if (word.touchedMs === undefined && overlaps(word.box, box)) word.touchedMs = timeMs;
  };

  const indexSettled = async (): Promise<void> => {
    const { width, height } = screen.pixels;
    const regions = wholeScreen || dirtyCount > LARGE_CHANGE * columns * rows ? [{ x: 0, y: 0, width, height }] : changedRegions(dirty, columns, rows, width, height);
    const read: Array<{ text: string; box: Box; confidence: number; line: number }> = [];
    for (const region of regions) {
      options.signal?.throwIfAborted();
      const lineBase = lines;
      for (const word of await recognizer.recognize(screen.pixels, region)) {
        // Words in the margin only were read before (and did not change).
        if (!wholeScreen && !touchesDirty(word.box, dirty, columns, rows)) continue;
        read.push({ ...word, line: lineBase + word.line });
        lines = Math.max(lines, lineBase + word.line + 1);
      }
      progress.regions += 1;
    }
    options.signal?.throwIfAborted();
    const settledMs = lastChangeMs;
    const stillOpen: OpenWord[] = [];
    const ending = new Map<string, OpenWord[]>();
    for (const word of open) {
      if (word.touchedMs === undefined) stillOpen.push(word);
      else ending.set(word.text, [...(ending.get(word.text) ?? []), word]);
    }
    // Untouched words showing still: a changed cell around one (cells are coarser than what was painted) reads it again.
    const showing = new Map<string, OpenWord[]>();
    for (const word of stillOpen) showing.set(word.text, [...(showing.get(word.text) ?? []), word]);
    for (const word of read) {
      if (showing.get(word.text)?.some((old) => samePlace(old.box, word.box))) continue;
      const same = ending.get(word.text)?.findIndex((old) => samePlace(old.box, word.box)) ?? -1;
      if (same >= 0) {
        const [old] = ending.get(word.text)!.splice(same, 1);
        stillOpen.push({ ...old!, touchedMs: undefined, line: word.line });
      } else {
        stillOpen.push({ text: word.text, startMs: settledMs, endMs: settledMs, box: word.box, line: word.line, confidence: word.confidence });
      }
    }
    for (const words of ending.values()) for (const word of words) closed.push({ ...stripTouch(word), endMs: word.touchedMs! });
    open = stillOpen;
    if (closed.length + open.length > maxWords) throw new Error(`the text index would hold more than ${maxWords} words`);
    dirty.fill(0);
    dirtyCount = 0;
    wholeScreen = false;
    progress.screens += 1;
    progress.words = closed.length + open.length;
  };

  for await (const update of updates) {
    if (update.kind === 'pointer' || update.kind === 'click') continue;
    if (lastChangeMs >= 0 && (dirtyCount > 0 || wholeScreen) && update.timeMs - lastChangeMs >= settleMs) {
      await indexSettled();
      const durationMs = (progress.durationMs = Math.max(progress.durationMs, source.durationMs));
      progress.coveredMs = update.timeMs;
      const coveredMs = update.timeMs;
      const openWords = open.slice();
      const closedCount = closed.length;
      options.onProgress?.({ ...progress }, () => ({
        durationMs, coveredMs, screen: { width: screen.pixels.width, height: screen.pixels.height }, engine: recognizer.engine,
        words: [...closed.slice(0, closedCount), ...openWords.map((word) => ({ ...stripTouch(word), endMs: word.touchedMs ?? coveredMs }))].sort((a, b) => a.startMs - b.startMs),
      }));
    }
    options.signal?.throwIfAborted();
    if (update.kind === 'resize') {
      for (const word of open) closed.push({ ...stripTouch(word), endMs: update.timeMs });
      open = [];
      await screen.apply(update);
      columns = Math.ceil(update.width / COVERAGE_CELL);
      rows = Math.ceil(update.height / COVERAGE_CELL);
      dirty = new Float64Array(columns * rows);
      dirtyCount = 0;
      wholeScreen = true;
      lastChangeMs = update.timeMs;
      continue;
    }
    const painted = await screen.apply(update);
    if (painted.length === 0) continue;
    const ambient = update.kind === 'tile' && classifier.isAmbient(
      painted.map((box) => ({ left: box.x, top: box.y, right: box.x + box.width, bottom: box.y + box.height })),
      await readBytes(update.png),
    );
    if (ambient) continue;
    for (const box of painted) markDirty(box, update.timeMs);
    lastChangeMs = update.timeMs;
  }
  if (dirtyCount > 0 || wholeScreen) await indexSettled();
  const endMs = Math.max(source.durationMs, lastChangeMs);
  for (const word of open) closed.push({ ...stripTouch(word), endMs: word.touchedMs ?? endMs });
  closed.sort((a, b) => a.startMs - b.startMs || a.box.y - b.box.y || a.box.x - b.box.x);
  progress.coveredMs = progress.durationMs = endMs;
  progress.words = closed.length;
  const { width, height } = screen.pixels;
  const index: TextIndex = { durationMs: endMs, coveredMs: endMs, screen: width ? { width, height } : null, engine: recognizer.engine, words: closed };
  options.onProgress?.({ ...progress }, () => index);
  return index;
}

function* timelineUpdates(timeline: ScreenTimeline): Generator<ScreenUpdate> {
  for (let i = 0; i < timeline.length; i++) yield timeline.at(i)!;
}

/** The bytes of a streamed update are in it. */
function inMemory(bytes: TileImage): Uint8Array {
  if (bytes instanceof Uint8Array) return bytes;
  throw new TypeError('stored tile bytes need the readBytes of their store');
}

function stripTouch(word: OpenWord): IndexedWord {
  return { text: word.text, startMs: word.startMs, endMs: word.endMs, box: word.box, line: word.line, confidence: word.confidence };
}

function overlaps(a: Box, b: Box): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

function samePlace(a: Box, b: Box): boolean {
  return Math.abs(a.x - b.x) <= SAME_PLACE_PX && Math.abs(a.y - b.y) <= SAME_PLACE_PX && Math.abs(a.width - b.width) <= SAME_PLACE_PX && Math.abs(a.height - b.height) <= SAME_PLACE_PX;
}

function touchesDirty(box: Box, dirty: Float64Array, columns: number, rows: number): boolean {
  for (let row = Math.floor(box.y / COVERAGE_CELL); row < Math.min(rows, Math.ceil((box.y + box.height) / COVERAGE_CELL)); row++) {
    for (let column = Math.floor(box.x / COVERAGE_CELL); column < Math.min(columns, Math.ceil((box.x + box.width) / COVERAGE_CELL)); column++) {
      if (dirty[row * columns + column]! > 0) return true;
    }
  }
  return false;
}

/**
 * The changed cells as rectangles to read: connected groups of cells, each grown by a margin and
 * clipped to the screen; overlapping ones merge; past MAX_REGIONS, one bounding box.
 */
export function changedRegions(dirty: Float64Array, columns: number, rows: number, width: number, height: number): Box[] {
  const seen = new Uint8Array(dirty.length);
  let boxes: Box[] = [];
  for (let start = 0; start < dirty.length; start++) {
    if (dirty[start] === 0 || seen[start]) continue;
    let [left, top, right, bottom] = [columns, rows, -1, -1];
    const stack = [start];
    seen[start] = 1;
    while (stack.length) {
      const cell = stack.pop()!;
      const [column, row] = [cell % columns, Math.floor(cell / columns)];
      left = Math.min(left, column);
      right = Math.max(right, column);
      top = Math.min(top, row);
      bottom = Math.max(bottom, row);
      for (const [dc, dr] of [[1, 0], [-1, 0], [0, 1], [0, -1]] as const) {
        const [c, r] = [column + dc, row + dr];
        const next = r * columns + c;
        if (c >= 0 && c < columns && r >= 0 && r < rows && dirty[next]! > 0 && !seen[next]) {
          seen[next] = 1;
          stack.push(next);
        }
      }
    }
    const x = Math.max(0, left * COVERAGE_CELL - MARGIN_X);
    const y = Math.max(0, top * COVERAGE_CELL - MARGIN_Y);
    boxes.push({ x, y, width: Math.min(width, (right + 1) * COVERAGE_CELL + MARGIN_X) - x, height: Math.min(height, (bottom + 1) * COVERAGE_CELL + MARGIN_Y) - y });
  }
  for (let merged = true; merged; ) {
    merged = false;
    outer: for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        if (overlaps(boxes[i]!, boxes[j]!)) {
          boxes[i] = union(boxes[i]!, boxes[j]!);
          boxes.splice(j, 1);
          merged = true;
          break outer;
        }
      }
    }
  }
  if (boxes.length > MAX_REGIONS) boxes = [boxes.reduce(union)];
  return boxes;
}

function union(a: Box, b: Box): Box {
  const x = Math.min(a.x, b.x);
  const y = Math.min(a.y, b.y);
  return { x, y, width: Math.max(a.x + a.width, b.x + b.width) - x, height: Math.max(a.y + a.height, b.y + b.height) - y };
}
