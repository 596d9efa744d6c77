import type { ReadRange } from './byte-ranges.js';

/** A run of the file's bytes held, as fetched: `bytes` are the file's `[start, start + bytes.length)`. */
interface HeldChunk {
  start: number;
  bytes: Uint8Array;
  /** The read that last used it (a count): the least recently used go first past the budget. */
  used: number;
}

/** A fetch under way: reads that need its bytes wait for it instead of fetching them again. */
interface Flight {
  start: number;
  end: number;
  landed: Promise<unknown>;
}

/** What a cache holds at most by default: the parts of a few dozen seeks. */
const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;

/** What reading through a `ByteCache` cost: bytes and reads (round trips over HTTP) that went to the source. */
export interface ByteCacheStats {
  fetchedBytes: number;
  fetches: number;
}

/**
 * The bytes of a file fetched out of order (part headers, parts read for a seek): a read fetches
 * only the sub-ranges neither held nor already being fetched, so no byte is fetched twice. Chunks
 * stay as fetched, never merged into one growing buffer: a seek reading parts backwards would
 * otherwise copy everything held next to them at each part. A read that spans chunks gets one copy
 * of what it asked for. `forget` drops chunks once their bytes went elsewhere (the ingest holds what
 * it decoded), which keeps what the cache holds bounded by the seeks in flight, not by the file.
 */
export class ByteCache {
  /** Sorted by `start`, never overlapping. */
  private chunks: HeldChunk[] = [];
  /** Sorted by `start`, never overlapping. */
  private flights: Flight[] = [];
  private reads = 0;
  /**
   * Reads under way, each with the bytes it asked for: chunks holding those stay past the budget
   * and past `forget` until it returns (a read gathers its bytes in rounds, from fetches of its own
   * and of others: bytes dropped between two would be fetched again).
   */
  private readonly activeReads = new Map<number, [number, number]>();
  /** What `forget` left for reads under way: dropped once no read under way needs it. */
  private deferredForgets: Array<[number, number]> = [];
  readonly stats: ByteCacheStats = { fetchedBytes: 0, fetches: 0 };
  /** Told the bytes `[start, end)` that the budget made it drop (what listed them as held no longer may). */
  onDropped: ((start: number, end: number) => void) | undefined;

  constructor(
    private readonly source: ReadRange,
    readonly length: number,
    /** Past this, the chunks used longest ago are dropped (a read of them fetches them again). */
    private readonly maxBytes = DEFAULT_MAX_BYTES,
  ) {}

  /** The file's `[start, end)` (clamped to the file), fetching only what is neither held nor in flight. */
  readonly read: ReadRange = async (start, end) => {
    start = Math.max(0, Math.min(start, this.length));
    end = Math.max(start, Math.min(end, this.length));
    const read = ++this.reads;
    this.activeReads.set(read, [start, end]);
    try {
      // A fetch another read started may fail or be dropped: a round after it fetches what is still missing.
      for (let round = 0; ; round++) {
        const gaps = this.missing(start, end);
        if (gaps.length === 0) break;
        if (round === 2) throw new RangeError(`bytes ${gaps[0]![0]}–${gaps[0]![1] - 1} could not be held`);
        const waits: Array<Promise<unknown>> = [];
        for (const [gapStart, gapEnd] of gaps) {
          let at = gapStart;
          for (const flight of this.flights) {
            if (flight.end <= at) continue;
            if (flight.start >= gapEnd) break;
            if (flight.start > at) waits.push(this.fetch(at, flight.start, read));
            waits.push(round === 0 ? flight.landed.catch(() => undefined) : flight.landed);
            at = Math.max(at, flight.end);
            if (at >= gapEnd) break;
          }
          if (at < gapEnd) waits.push(this.fetch(at, gapEnd, read));
        }
        await Promise.all(waits);
      }
      for (const chunk of this.chunksOver(start, end)) chunk.used = read;
      const held = this.held(start, end)!;
      this.trim();
      return held;
    } finally {
      this.activeReads.delete(read);
      if (this.deferredForgets.length > 0) {
        const deferred = this.deferredForgets;
        this.deferredForgets = [];
        for (const [from, to] of deferred) this.forget(from, to);
      }
    }
  };

  /** Keeps bytes fetched elsewhere (the tail read's first answer, the front's first bytes), as if read through the cache. */
  keep(start: number, bytes: Uint8Array): void {
    // Bytes kept are wanted held: a forget deferred over them no longer applies.
    if (this.deferredForgets.length > 0) this.deferredForgets = this.deferredForgets.flatMap(([from, to]) => outside(from, to, [[start, start + bytes.length]]));
    this.hold(start, bytes, ++this.reads);
  }

  /** The bytes `[start, end)` when all of them are held, without fetching: a view where one chunk holds them, else a copy. */
  held(start: number, end: number): Uint8Array | undefined {
    const over = this.chunksOver(start, end);
    let at = start;
    for (const chunk of over) {
      if (chunk.start > at) return undefined;
      at = chunk.start + chunk.bytes.length;
    }
    if (at < end || over.length === 0) return end === start ? new Uint8Array(0) : undefined;
    if (over.length === 1) return over[0]!.bytes.subarray(start - over[0]!.start, end - over[0]!.start);
    const joined = new Uint8Array(end - start);
    for (const chunk of over) {
      const from = Math.max(start, chunk.start);
      const to = Math.min(end, chunk.start + chunk.bytes.length);
      joined.set(chunk.bytes.subarray(from - chunk.start, to - chunk.start), from - start);
    }
    return joined;
  }

  /** The end of the chunk that holds byte `at` (what one view can give); undefined when it is not held. */
  heldEndAt(at: number): number | undefined {
    const chunk = this.chunks.find((candidate) => candidate.start <= at && candidate.start + candidate.bytes.length > at);
    return chunk && chunk.start + chunk.bytes.length;
  }

  /** The first held byte at or after `at`; undefined when none is held there. */
  nextHeldStart(at: number): number | undefined {
    const chunk = this.chunks.find((candidate) => candidate.start + candidate.bytes.length > at);
    return chunk && Math.max(chunk.start, at);
  }

  /** The end of the fetch under way that brings byte `at`; undefined when none does. */
  flyingEndAt(at: number): number | undefined {
    return this.flights.find((flight) => flight.start <= at && flight.end > at)?.end;
  }

  /** The first byte at or after `at` that is held or being fetched; undefined when there is none. */
  nextHeldOrFlyingStart(at: number): number | undefined {
    const flight = this.flights.find((candidate) => candidate.end > at);
    const flying = flight && Math.max(flight.start, at);
    const held = this.nextHeldStart(at);
    return held === undefined ? flying : flying === undefined ? held : Math.min(held, flying);
  }

  /** The sub-ranges of `[start, end)` not held, in order. */
  missing(start: number, end: number): Array<[number, number]> {
    return outside(start, end, this.chunks.map((chunk) => [chunk.start, chunk.start + chunk.bytes.length] as const));
  }

  /** The byte ranges held, merged and in order. */
  ranges(): Array<[number, number]> {
    const merged: Array<[number, number]> = [];
    for (const { start, bytes } of this.chunks) {
      const last = merged[merged.length - 1];
      if (last && last[1] === start) last[1] = start + bytes.length;
      else merged.push([start, start + bytes.length]);
    }
    return merged;
  }

  /** Bytes held. */
  get heldBytes(): number {
    return this.chunks.reduce((sum, { bytes }) => sum + bytes.length, 0);
  }

  /**
   * Drops whatever is held of `[start, end)`, except what a read under way asked for: that goes
   * once no read under way needs it (so what the cache holds past a forget is bounded by the reads
   * in flight). What a chunk keeps outside the bytes dropped is copied, so their buffer can go (a
   * view would keep all of it alive).
   */
  forget(start: number, end: number): void {
    if (this.activeReads.size === 0) {
      this.drop(start, end);
      return;
    }
    const needed = [...this.activeReads.values()];
    for (const [from, to] of needed) if (from < end && to > start) this.deferredForgets.push([Math.max(from, start), Math.min(to, end)]);
    for (const [from, to] of outside(start, end, needed)) this.drop(from, to);
  }

  private drop(start: number, end: number): void {
    const kept: HeldChunk[] = [];
    for (const chunk of this.chunks) {
      const chunkEnd = chunk.start + chunk.bytes.length;
      if (chunkEnd <= start || chunk.start >= end) {
        kept.push(chunk);
        continue;
      }
      if (chunk.start < start) kept.push({ start: chunk.start, bytes: chunk.bytes.slice(0, start - chunk.start), used: chunk.used });
      if (chunkEnd > end) kept.push({ start: end, bytes: chunk.bytes.slice(end - chunk.start), used: chunk.used });
    }
    this.chunks = kept;
  }

  /** Fetches `[start, end)` as a flight other reads can wait for, and holds what arrives. */
  private fetch(start: number, end: number, read: number): Promise<unknown> {
    const landed = (async () => {
      const bytes = await this.source(start, end);
      if (bytes.length !== end - start) throw new RangeError(`asked for ${end - start} bytes at ${start}, got ${bytes.length}`);
      this.stats.fetchedBytes += bytes.length;
      this.stats.fetches += 1;
      this.hold(start, bytes, read);
    })();
    const flight: Flight = { start, end, landed };
    this.flights.splice(this.insertionIndex(this.flights, start), 0, flight);
    const land = () => {
      this.flights = this.flights.filter((candidate) => candidate !== flight);
    };
    landed.then(land, land);
    return landed;
  }

  /** Holds what of `bytes` (the file's bytes at `start`) is not held yet, as chunks of their own. */
  private hold(start: number, bytes: Uint8Array, used: number): void {
    for (const [gapStart, gapEnd] of this.missing(start, start + bytes.length)) {
      const chunk = { start: gapStart, bytes: bytes.subarray(gapStart - start, gapEnd - start), used };
      this.chunks.splice(this.insertionIndex(this.chunks, gapStart), 0, chunk);
    }
  }

  /** The held chunks that overlap `[start, end)`, in order. */
  private chunksOver(start: number, end: number): HeldChunk[] {
    return this.chunks.filter((chunk) => chunk.start < end && chunk.start + chunk.bytes.length > start);
  }

  private insertionIndex(sorted: ReadonlyArray<{ start: number }>, start: number): number {
    let index = sorted.findIndex((item) => item.start > start);
    if (index < 0) index = sorted.length;
    return index;
  }

  /** Drops the chunks used longest ago while more than `maxBytes` are held, never those a read under way asked for. */
  private trim(): void {
    let held = this.heldBytes;
    const needed = [...this.activeReads.values()];
    const isNeeded = (chunk: HeldChunk) => needed.some(([from, to]) => from < chunk.start + chunk.bytes.length && to > chunk.start);
    while (held > this.maxBytes) {
      let oldest: HeldChunk | undefined;
      for (const chunk of this.chunks) if (!isNeeded(chunk) && (!oldest || chunk.used < oldest.used)) oldest = chunk;
      if (!oldest) return;
      this.chunks = this.chunks.filter((chunk) => chunk !== oldest);
      held -= oldest.bytes.length;
      this.onDropped?.(oldest.start, oldest.start + oldest.bytes.length);
    }
  }
}

/** The stretches of `[start, end)` outside every one of `ranges`, in order. */
function outside(start: number, end: number, ranges: ReadonlyArray<readonly [number, number]>): Array<[number, number]> {
  const gaps: Array<[number, number]> = [];
  let at = start;
  for (const [from, to] of [...ranges].sort((a, b) => a[0] - b[0])) {
    if (to <= at) continue;
    if (from >= end) break;
    if (from > at) gaps.push([at, from]);
    at = Math.max(at, to);
    if (at >= end) break;
  }
  if (at < end) gaps.push([at, end]);
  return gaps;
}
