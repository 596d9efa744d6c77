import type { IndexedWord, TextIndex } from './format.js';
import type { Box } from './pixel-screen.js';

/** A place where the query showed: seconds, like `currentTime`; `box` in screen pixels. */
export interface TextSearchHit {
  /** When it appeared, and when it left the screen (seconds). */
  time: number;
  endTime: number;
  /** The line it was on, as read. */
  text: string;
  box: Box;
}

export interface TextSearchOptions {
  /** Words must match exactly (still case-insensitive); otherwise words of 5+ letters match with one edit. */
  exact?: boolean;
  /** At most this many hits, earliest first (default 500). */
  limit?: number;
}

/** Words of this length or more match with one typo, OCR's usual noise (`rn` for `m`, `l` for `I`). */
const FUZZY_MIN_LENGTH = 5;
const DEFAULT_LIMIT = 500;
const MAX_QUERY_WORDS = 16;

/** Lower case, without the punctuation around it (a word read as `list.` is found as `list`). */
export function normalizeWord(text: string): string {
  return text.toLowerCase().replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '');
}

/**
 * Where `query` showed on the screen: its words, in order, as consecutive words of one line read
 * at one moment, while all of them showed. Case-insensitive; see TextSearchOptions for fuzziness.
 */
export function searchTextIndex(index: TextIndex, query: string, options: TextSearchOptions = {}): TextSearchHit[] {
  const terms = query.split(/\s+/).map(normalizeWord).filter(Boolean).slice(0, MAX_QUERY_WORDS);
  if (terms.length === 0) return [];
  const limit = Math.max(1, options.limit ?? DEFAULT_LIMIT);
  const lines = wordsByLine(index.words);
  const hits: TextSearchHit[] = [];
  for (const words of lines.values()) {
    for (let start = 0; start + terms.length <= words.length; start++) {
      let startMs = -Infinity;
      let endMs = Infinity;
      let matched = true;
      for (let k = 0; k < terms.length && matched; k++) {
        const word = words[start + k]!;
        matched = wordMatches(normalizeWord(word.text), terms[k]!, options.exact ?? false);
        startMs = Math.max(startMs, word.startMs);
        endMs = Math.min(endMs, word.endMs);
      }
      if (!matched || endMs <= startMs) continue;
      const run = words.slice(start, start + terms.length);
      const text = words.filter((word) => word.startMs < endMs && word.endMs > startMs).map((word) => word.text).join(' ');
      hits.push({ time: startMs / 1000, endTime: endMs / 1000, text, box: run.map((word) => word.box).reduce(union) });
    }
  }
  hits.sort((a, b) => a.time - b.time || a.box.y - b.box.y || a.box.x - b.box.x);
  return hits.slice(0, limit);
}

/** Words grouped by line, each line in reading order. */
function wordsByLine(words: readonly IndexedWord[]): Map<number, IndexedWord[]> {
  const lines = new Map<number, IndexedWord[]>();
  for (const word of words) {
    let line = lines.get(word.line);
    if (!line) lines.set(word.line, (line = []));
    line.push(word);
  }
  for (const line of lines.values()) line.sort((a, b) => a.box.x - b.box.x);
  return lines;
}

function wordMatches(word: string, term: string, exact: boolean): boolean {
  if (word === term) return true;
  if (exact || term.length < FUZZY_MIN_LENGTH || Math.abs(word.length - term.length) > 1) return false;
  return withinOneEdit(word, term);
}

/** One insertion, deletion or substitution at most. */
function withinOneEdit(a: string, b: string): boolean {
  if (a.length > b.length) [a, b] = [b, a];
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  if (a.length === b.length) return a.slice(i + 1) === b.slice(i + 1);
  return a.slice(i) === b.slice(i + 1);
}

function union(a: Box, b: Box): Box {
  const x = Math.min(a.x, b.x);
  const y = Math.min(a.y, b.y);
  return { x, y, width: Math.max(a.x + a.width, b.x + b.width) - x, height: Math.max(a.y + a.height, b.y + b.height) - y };
}
