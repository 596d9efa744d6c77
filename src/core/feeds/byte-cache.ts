import type { ReadRange } from './byte-ranges.js';

/** A run of the file's bytes held: `bytes` are the file's `[start, start + bytes.length)`. */
interface HeldSpan {
  start: number;
  bytes: Uint8Array;
  /** When it was last added to (a count): the oldest go first past the budget. */
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
 * The bytes of a file fetched out of order (part headers, parts read for a seek), kept as sorted,
 * merged spans: a read fetches only the sub-ranges not held yet, so no byte is fetched twice.
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

  /** The bytes `[start, end)` when all of them are held, without fetching. */
  held(start: number, end: number): Uint8Array | undefined {
    const span = this.spans.find((candidate) => candidate.start <= start && candidate.start + candidate.bytes.length >= end);
    return span?.bytes.subarray(start - span.start, end - span.start);
  }

  /** The end of the held span that holds byte `at`; undefined when it is not held. */
  heldEndAt(at: number): number | undefined {
    const span = this.spans.find((candidate) => candidate.start <= at && candidate.start + candidate.bytes.length > at);
    return span && span.start + span.bytes.length;
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
    return this.spans.map(({ start, bytes }) => [start, start + bytes.length]);
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
      if (span.start < start) kept.push({ start: span.start, bytes: span.bytes.subarray(0, start - span.start), added: span.added });
      if (spanEnd > end) kept.push({ start: end, bytes: span.bytes.subarray(end - span.start), added: span.added });
    }
    this.spans = kept;
  }

  /** Adds bytes the cache did not hold, merging them with the spans they touch. */
  private hold(start: number, bytes: Uint8Array): void {
    const end = start + bytes.length;
    const before = this.spans.filter((span) => span.start + span.bytes.length < start);
    const after = this.spans.filter((span) => span.start > end);
    const touching = this.spans.filter((span) => span.start + span.bytes.length >= start && span.start <= end);
    const mergedStart = Math.min(start, ...touching.map((span) => span.start));
    const mergedEnd = Math.max(end, ...touching.map((span) => span.start + span.bytes.length));
    const merged = new Uint8Array(mergedEnd - mergedStart);
    for (const span of touching) merged.set(span.bytes, span.start - mergedStart);
    merged.set(bytes, start - mergedStart);
    this.spans = [...before, { start: mergedStart, bytes: merged, added: ++this.additions }, ...after];
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
