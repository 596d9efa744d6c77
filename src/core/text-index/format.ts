import type { Box } from './pixel-screen.js';

/** Names the file kind; readers refuse anything else. */
export const TEXT_INDEX_FORMAT = 'desktop-recording-text-index';
/** Bumped when a reader of the previous version would misread the file. */
export const TEXT_INDEX_VERSION = 1;

/** One word seen on the screen, from when it showed until its area changed. */
export interface IndexedWord {
  text: string;
  /** First and last moment it was on the screen (ms from the recording's start; end exclusive). */
  startMs: number;
  endMs: number;
  box: Box;
  /** Words recognised on one line of one screen share it (the line a search shows). */
  line: number;
  /** The engine's confidence, 0–100. */
  confidence: number;
}

/** The text index of one recording (see docs/text-index.md). */
export interface TextIndex {
  /** The recording's duration, and how much of it the index covers (equal when complete). */
  durationMs: number;
  coveredMs: number;
  screen: { width: number; height: number } | null;
  /** What recognised the text, e.g. `tesseract.js 7.0.0 eng`. */
  engine: string;
  /** Ordered by start time. */
  words: IndexedWord[];
}

/** The file as stored: words as arrays, which keeps an hour of busy desktop to a few MB. */
interface TextIndexFile {
  format: typeof TEXT_INDEX_FORMAT;
  version: number;
  engine: string;
  durationMs: number;
  coveredMs: number;
  screen: { width: number; height: number } | null;
  /** [text, startMs, endMs, x, y, width, height, line, confidence] */
  words: Array<[string, number, number, number, number, number, number, number, number]>;
}

export function serializeTextIndex(index: TextIndex): string {
  const file: TextIndexFile = {
    format: TEXT_INDEX_FORMAT,
    version: TEXT_INDEX_VERSION,
    engine: index.engine,
    durationMs: index.durationMs,
    coveredMs: index.coveredMs,
    screen: index.screen,
    words: index.words.map((w) => [w.text, w.startMs, w.endMs, w.box.x, w.box.y, w.box.width, w.box.height, w.line, w.confidence]),
  };
  return JSON.stringify(file);
}

/** Reads a text index file; throws a plain-language error for anything that is not one this reader knows. */
export function parseTextIndex(json: string | unknown): TextIndex {
  let file: unknown = json;
  if (typeof json === 'string') {
    try {
      file = JSON.parse(json);
    } catch {
      throw new Error('not a text index: the file is not JSON');
    }
  }
  const f = file as Partial<TextIndexFile> | null;
  if (!f || typeof f !== 'object' || f.format !== TEXT_INDEX_FORMAT) throw new Error('not a text index: its format field is missing or different');
  if (f.version !== TEXT_INDEX_VERSION) throw new Error(`text index version ${String(f.version)} is not supported (this reader knows version ${TEXT_INDEX_VERSION})`);
  if (!isTime(f.durationMs) || !isTime(f.coveredMs) || !Array.isArray(f.words)) throw new Error('damaged text index: durationMs, coveredMs or words are missing');
  const screen = f.screen && isTime(f.screen.width) && isTime(f.screen.height) ? { width: f.screen.width, height: f.screen.height } : null;
  const words: IndexedWord[] = f.words.map((entry, i) => {
    if (!Array.isArray(entry) || entry.length !== 9 || typeof entry[0] !== 'string' || !entry.slice(1).every(isTime) || entry[2] < entry[1]) {
      throw new Error(`damaged text index: word ${i} is not [text, startMs, endMs, x, y, width, height, line, confidence]`);
    }
    const [text, startMs, endMs, x, y, width, height, line, confidence] = entry;
    return { text, startMs, endMs, box: { x, y, width, height }, line, confidence };
  });
  return { durationMs: f.durationMs, coveredMs: Math.min(f.coveredMs, f.durationMs), screen, engine: typeof f.engine === 'string' ? f.engine : '', words };
}

function isTime(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}
