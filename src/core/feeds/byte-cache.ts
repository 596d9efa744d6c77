import type { ReadRange } from './byte-ranges.js';

/** Bytes of the file held as they were fetched: `bytes` are the file's `[start, start + bytes.length)`. */
interface HeldSpan {
  start: number;
  bytes: Uint8Array;
  /** When it was added (a count): the oldest go first past the budget. */
  added: number;
}

/** What a cache holds at most by default: the parts of a few dozen seeks. */
const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;

/** What reading through a `ByteCache` cost: bytes and reads (round trips over HTTP) that went to the source. */
export interface ByteCacheStats {
  fetchedBytes: number;
  fetches: number;
}

/**
 * The bytes of a file fetched out of order (part headers, parts read for a seek), kept as sorted
 * pieces as they were fetched, never copied into merged spans (a seek's search reads windows that
 * touch, and merging copied each grown span again: about three times the bytes fetched, as
 * garbage): a read fetches only the sub-ranges not held yet, so no byte is fetched twice; a read
 * across pieces gets a copy of what it asked for.
 * `forget` drops spans once their bytes went elsewhere (the ingest holds what it decoded), which
 * keeps what the cache holds bounded by the seeks in flight, not by the file.
 */
export class ByteCache {
  private spans: HeldSpan[] = [];
  private additions = 0;
  readonly stats: ByteCacheStats = { fetchedBytes: 0, fetches: 0 };
  /** Fetches under way: a read of bytes among them waits for them. */
  private readonly fetching: Array<{ start: number; end: number; done: Promise<void> }> = [];
  /** Told the bytes `[start, end)` that the budget made it drop (what listed them as held no longer may). */
  onDropped: ((start: number, end: number) => void) | undefined;

  constructor(
    private readonly source: ReadRange,
    readonly length: number,
    /** Past this, the spans added longest ago are dropped (a read of them fetches them again). */
    private readonly maxBytes = DEFAULT_MAX_BYTES,
  ) {}

  /**
   * The file's `[start, end)` (clamped to the file), fetching only what is not held. Bytes another
   * read is fetching are waited for, not fetched again (a seek that takes over from one still
   * searching reads the same windows).
   */
  readonly read: ReadRange = async (start, end) => {
    start = Math.max(0, Math.min(start, this.length));
    end = Math.max(start, Math.min(end, this.length));
    for (let gap = this.missing(start, end)[0]; gap; gap = this.missing(start, end)[0]) {
      const [gapStart, gapEnd] = gap;
      const pending = this.fetching.find((fetch) => fetch.start < gapEnd && fetch.end > gapStart);
      if (pending) {
        await pending.done;
        continue;
      }
      const fetching = this.source(gapStart, gapEnd);
      const entry = { start: gapStart, end: gapEnd, done: fetching.then(() => undefined, () => undefined) };
      this.fetching.push(entry);
      let bytes: Uint8Array;
      try {
        bytes = await fetching;
      } finally {
        this.fetching.splice(this.fetching.indexOf(entry), 1);
      }
      if (bytes.length !== gapEnd - gapStart) throw new RangeError(`asked for ${gapEnd - gapStart} bytes at ${gapStart}, got ${bytes.length}`);
      this.stats.fetchedBytes += bytes.length;
      this.stats.fetches += 1;
      this.hold(gapStart, bytes);
    }
    const held = this.held(start, end)!;
    this.trim();
    return held;
  };

  /** Keeps bytes fetched elsewhere (the tail read's first answer), as if read through the cache. */
  keep(start: number, bytes: Uint8Array): void {
    for (const [gapStart, gapEnd] of this.missing(start, start + bytes.length)) this.hold(gapStart, bytes.subarray(gapStart - start, gapEnd - start));
  }

  /** The bytes `[start, end)` when all of them are held, without fetching (a view of one piece, else a copy). */
  held(start: number, end: number): Uint8Array | undefined {
    if (start >= end) return new Uint8Array(0);
    const first = this.spans.findIndex((candidate) => candidate.start <= start && candidate.start + candidate.bytes.length > start);
    if (first < 0) return undefined;
    const span = this.spans[first]!;
    if (span.start + span.bytes.length >= end) return span.bytes.subarray(start - span.start, end - span.start);
    if ((this.heldEndAt(start) ?? start) < end) return undefined;
    const copy = new Uint8Array(end - start);
    for (let index = first, at = start; at < end; index++) {
      const piece = this.spans[index]!;
      const part = piece.bytes.subarray(at - piece.start, Math.min(piece.bytes.length, end - piece.start));
      copy.set(part, at - start);
      at += part.length;
    }
    return copy;
  }

  /** The end of the held run (pieces that touch) that holds byte `at`; undefined when it is not held. */
  heldEndAt(at: number): number | undefined {
    let index = this.spans.findIndex((candidate) => candidate.start <= at && candidate.start + candidate.bytes.length > at);
    if (index < 0) return undefined;
    let end = this.spans[index]!.start + this.spans[index]!.bytes.length;
    while (this.spans[++index]?.start === end) end += this.spans[index]!.bytes.length;
    return end;
  }

  /** The first held byte at or after `at`; undefined when none is held there. */
  nextHeldStart(at: number): number | undefined {
    const span = this.spans.find((candidate) => candidate.start + candidate.bytes.length > at);
    return span && Math.max(span.start, at);
  }

  /** The sub-ranges of `[start, end)` not held, in order. */
  missing(start: number, end: number): Array<[number, number]> {
    const gaps: Array<[number, number]> = [];
    let at = start;
    for (const span of this.spans) {
      const spanEnd = span.start + span.bytes.length;
      if (spanEnd <= at) continue;
      if (span.start >= end) break;
      if (span.start > at) gaps.push([at, span.start]);
      at = Math.max(at, spanEnd);
      if (at >= end) break;
    }
    if (at < end) gaps.push([at, end]);
    return gaps;
  }

  /** The byte ranges held, merged and in order. */
  ranges(): Array<[number, number]> {
    const ranges: Array<[number, number]> = [];
    for (const { start, bytes } of this.spans) {
      const last = ranges.at(-1);
      if (last && last[1] === start) last[1] += bytes.length;
      else ranges.push([start, start + bytes.length]);
    }
    return ranges;
  }

  /** Bytes held. */
  get heldBytes(): number {
    return this.spans.reduce((sum, { bytes }) => sum + bytes.length, 0);
  }

  /** Drops whatever is held of `[start, end)`. */
  forget(start: number, end: number): void {
    const kept: HeldSpan[] = [];
    for (const span of this.spans) {
      const spanEnd = span.start + span.bytes.length;
      if (spanEnd <= start || span.start >= end) {
        kept.push(span);
        continue;
      }
      // What is left of a piece is copied when it is small, so the rest of its buffer can go.
      const rest = (bytes: Uint8Array) => (bytes.length * 2 < span.bytes.length ? bytes.slice() : bytes);
      if (span.start < start) kept.push({ start: span.start, bytes: rest(span.bytes.subarray(0, start - span.start)), added: span.added });
      if (spanEnd > end) kept.push({ start: end, bytes: rest(span.bytes.subarray(end - span.start)), added: span.added });
    }
    this.spans = kept;
  }

  /** Adds bytes the cache did not hold, as a piece of their own, in order. */
  private hold(start: number, bytes: Uint8Array): void {
    const at = this.spans.findIndex((span) => span.start > start);
    this.spans.splice(at < 0 ? this.spans.length : at, 0, { start, bytes, added: ++this.additions });
  }

  /** Drops the spans added longest ago while more than `maxBytes` are held (never the newest). */
  private trim(): void {
    let held = this.heldBytes;
    while (held > this.maxBytes && this.spans.length > 1) {
      const oldest = this.spans.reduce((a, b) => (b.added < a.added ? b : a));
      this.spans = this.spans.filter((span) => span !== oldest);
      held -= oldest.bytes.length;
      this.onDropped?.(oldest.start, oldest.start + oldest.bytes.length);
    }
  }
}
