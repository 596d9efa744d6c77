import { FLAG_ENCRYPTED } from './container.js';
import { ErrorReason, RecordingError } from './errors.js';
import type { RecordedEvent } from './events.js';
import { RecordingReader } from './reader.js';
import { partHeaderAt, partsEndingAt, type LocatedPart } from './tail.js';

/**
 * Finding the part of a recording that holds a moment without reading the file from its front
 * (random access over HTTP Range, slices of a Blob). Parts chain only from the front (each header
 * gives its part's size), so a part in the middle is found by its header: a window of bytes is
 * read where the moment should be (interpolated between parts already located), the first header
 * in it that proves itself (its gzip member decodes to a record) is a part, and its first event's
 * time says on which side of it the moment lies. Pure byte work over a `read` function: the
 * fetching (and keeping what was fetched) lives in the feeds.
 */

/** Reads the file's `[start, end)`. Reads of the same bytes should be cheap (a cache in front). */
export type ReadBytes = (start: number, end: number) => Promise<Uint8Array>;

/** A part located in the file, with the time of its first event. */
export interface IndexedPart extends LocatedPart {
  /** Timeline ms of its first event that has a time; undefined when it has none (or it is encrypted). */
  firstMs: number | undefined;
}

/** The first window read for a header; later ones double. */
const FIRST_WINDOW_BYTES = 64 * 1024;
/** Windows grow to at most this (Teleport's parts are about 5 MiB at most). */
const MAX_WINDOW_BYTES = 1024 * 1024;
/** Bytes of a part read to prove it and to time its first event; grown while no event came out. */
const FIRST_EVENT_BYTES = 16 * 1024;
/** Looking for the part before a known one gives up past this (no recording's part is this large). */
const MAX_PART_BYTES = 16 * 1024 * 1024;
/** Probes at interpolated offsets before the search walks the header chain part by part. */
const MAX_PROBES = 24;

/** Where a search for a part starts from: a located part, or the floor at time 0. */
type SearchBound = Pick<IndexedPart, 'offset' | 'end' | 'firstMs'>;

/**
 * Parts located in a file of `length` bytes, and the search for the one holding a time.
 * `originWallMs`: the wall-clock time of timeline 0 (the front's first DesktopRecording), which
 * places a part whose first timed event is an audit event; without it such a part is placed by its
 * first DesktopRecording event only.
 */
export class PartIndex {
  /** Located parts, by offset. */
  private readonly parts: IndexedPart[] = [];
  /** Candidate offsets that turned out not to be headers. */
  private readonly rejected = new Set<number>();

  constructor(
    private readonly read: ReadBytes,
    readonly length: number,
    private readonly originWallMs?: number,
    /** Bytes below this are another reader's (a download in order): never read here. */
    private readonly floor: () => number = () => 0,
  ) {}

  /** The parts located so far, in file order. */
  get located(): readonly IndexedPart[] {
    return this.parts;
  }

  /**
   * The part whose events span `timeMs`: the last part whose first event is at or before it (the
   * first part for a time before every part). Undefined for an empty file or one whose first part
   * cannot be read; throws a `corrupt` RecordingError when the part after the one found does not
   * decode (the moment may lie in it).
   */
  async partAt(timeMs: number): Promise<IndexedPart | undefined> {
    // The first part bounds the search from below, unless the other reader has it: then the
    // search starts at the floor, from time 0 (not scanning for the first header above it, which
    // cost about a part's bytes before the search began).
    const first = this.floor() === 0 ? await this.partStartingAt(0) : undefined;
    if (this.floor() === 0 && !first) return undefined;
    // The last part bounds the search and gives the times to interpolate between (its bytes are
    // those the tail read fetched first, when a cache holds them).
    if (!this.parts.some((part) => part.end === this.length)) await this.partBefore({ offset: this.length });
    for (let probes = 0; ; probes++) {
      const floor = this.floor();
      const found = this.lastAtOrBefore(timeMs) ?? first;
      const lo: SearchBound = found ?? { offset: 0, end: floor, firstMs: 0 };
      const hi = this.parts.find((part) => part.offset >= lo.end);
      const gapEnd = hi?.offset ?? this.length;
      if (lo.end >= gapEnd) return found;
      // Bytes below the floor are the other reader's: a moment in a part that starts there is too.
      const gapStart = Math.max(lo.end, floor);
      if (gapStart >= gapEnd) return undefined;
      // The part that starts where `lo` ends: the chain, when its bytes may be read here.
      const chained = async () => (found && found.end >= floor ? await this.partStartingAt(found.end) : undefined);
      const typicalPart = this.typicalPartBytes();
      let next: IndexedPart | undefined;
      if (probes >= MAX_PROBES) next = found && found.end >= floor ? await chained() : await this.partFrom(gapStart, gapEnd);
      else if (hi && gapEnd - gapStart <= typicalPart * 1.5) {
        // About one part between them: it is the one before `hi`, read back from it (the bytes a
        // seek reads anyway), or the one after `lo` when that is all the gap holds.
        next = (await this.partBefore(hi)) ?? (await chained());
      } else {
        next = (await this.partFrom(Math.max(gapStart, this.guessOffset(timeMs, lo, hi)), gapEnd)) ?? (hi ? await this.partBefore(hi) : undefined);
        next ??= await chained();
      }
      if (next) continue;
      // Nothing above the floor before `hi`: the moment is in the part the floor cuts.
      if (!found || found.end < floor) return undefined;
      throw new RecordingError(ErrorReason.Corrupt, `no readable part at byte ${found.end}, where the part before it ends`, found.end);
    }
  }

  /** The part that starts exactly at `offset` (a part's end: the chain), located and proven. */
  async partStartingAt(offset: number): Promise<IndexedPart | undefined> {
    const known = this.parts.find((part) => part.offset === offset);
    if (known) return known;
    const bytes = await this.read(offset, Math.min(this.length, offset + FIRST_EVENT_BYTES));
    const located = partHeaderAt(bytes, offset, 0, this.length);
    return located ? this.prove(located) : undefined;
  }

  /**
   * The part that ends where `part` starts (reading a recording backwards), found in windows that
   * grow back from it; undefined for the first part, or when none is found within 16 MiB. Throws a
   * `corrupt` RecordingError when a header ends there but its data does not decode.
   */
  async partBefore(part: Pick<LocatedPart, 'offset'>): Promise<IndexedPart | undefined> {
    if (part.offset === 0) return undefined;
    const known = this.parts.find((candidate) => candidate.end === part.offset);
    if (known) return known;
    const floor = this.floor();
    if (part.offset <= floor) return undefined;
    for (let size = FIRST_WINDOW_BYTES; ; size = Math.min(size * 4, MAX_PART_BYTES)) {
      const start = Math.max(floor, part.offset - size);
      const bytes = await this.read(start, part.offset);
      for (const candidate of partsEndingAt(bytes, start, part.offset)) {
        const proven = await this.prove(candidate);
        if (proven) return proven;
        // A header that ends exactly there and whose data is not a record stream: the part is damaged.
        if (candidate.end === part.offset && part.offset < this.length) {
          throw new RecordingError(ErrorReason.Corrupt, `the part at byte ${candidate.offset} does not decode`, candidate.offset);
        }
      }
      if (start === floor || size >= MAX_PART_BYTES) return undefined;
    }
  }

  /** The first part whose header lies in `[from, before)`, reading forward in growing windows. */
  async partFrom(from: number, before: number): Promise<IndexedPart | undefined> {
    const known = this.parts.find((part) => part.offset >= from && part.offset < before);
    let at = from;
    for (let size = FIRST_WINDOW_BYTES; at < before; size = Math.min(size * 2, MAX_WINDOW_BYTES)) {
      const windowEnd = Math.min(before, at + size);
      // Headers that start in the window, and the bytes after it for their first record.
      const bytes = await this.read(at, Math.min(this.length, windowEnd + FIRST_EVENT_BYTES));
      for (let offset = 0; at + offset < windowEnd; offset++) {
        if (known && at + offset >= known.offset) return known;
        if (this.rejected.has(at + offset)) continue;
        const candidate = partHeaderAt(bytes, at, offset, this.length);
        if (!candidate) continue;
        const proven = await this.prove(candidate);
        if (proven) return proven;
      }
      at = windowEnd;
    }
    return known;
  }

  /** A part located by its header, once its gzip member decodes to a record; kept in the index. */
  private async prove(candidate: LocatedPart): Promise<IndexedPart | undefined> {
    const known = this.parts.find((part) => part.offset === candidate.offset);
    if (known) return known;
    const firstMs = await this.firstEventMs(candidate);
    if (firstMs === null) {
      this.rejected.add(candidate.offset);
      return undefined;
    }
    const part: IndexedPart = { ...candidate, firstMs };
    const at = this.parts.findIndex((other) => other.offset > part.offset);
    this.parts.splice(at < 0 ? this.parts.length : at, 0, part);
    return part;
  }

  /**
   * The time of the part's first timed event, read from as few of its bytes as give one; undefined
   * when it holds none; null when its data is no gzip member of records (not a part).
   */
  private async firstEventMs(part: LocatedPart): Promise<number | undefined | null> {
    const dataEnd = part.offset + part.header.headerBytes + part.header.partSize;
    // An encrypted part cannot be decoded here: its header is all there is to go by.
    if (part.header.flags & FLAG_ENCRYPTED || part.header.partSize === 0) return undefined;
    let readEnd = part.offset;
    const reader = new RecordingReader();
    try {
      for (let size = FIRST_EVENT_BYTES; readEnd < dataEnd; size *= 4) {
        const bytes = await this.read(readEnd, Math.min(dataEnd, part.offset + size));
        readEnd += bytes.length;
        // The reader keeps a view of what it is given until the part ends: give it a copy.
        const result = await reader.push(bytes.slice());
        if (result.error) return null;
        const timeMs = this.firstTimeOf(result.events);
        if (timeMs !== undefined) return timeMs;
      }
      return undefined;
    } finally {
      reader.cancel();
    }
  }

  /** Timeline ms of the first event that places: a DesktopRecording's delay, or an audit event's time less the origin. */
  private firstTimeOf(events: readonly RecordedEvent[]): number | undefined {
    for (const recorded of events) {
      const { event } = recorded;
      if (event.case === 'desktopRecording') return Number(event.value.delayMilliseconds);
      if (this.originWallMs !== undefined && recorded.timeMs !== undefined) return Math.max(0, recorded.timeMs - this.originWallMs);
    }
    return undefined;
  }

  /** The last located part that starts at or before `timeMs`. */
  private lastAtOrBefore(timeMs: number): IndexedPart | undefined {
    let found: IndexedPart | undefined;
    for (const part of this.parts) {
      if (part.firstMs === undefined) continue;
      if (part.firstMs > timeMs) break;
      found = part;
    }
    // A part without a time after the one found still may hold the time: go on along the chain.
    while (found) {
      const next = this.parts[this.parts.indexOf(found) + 1];
      if (!next || next.offset !== found.end || next.firstMs !== undefined) break;
      found = next;
    }
    return found;
  }

  /**
   * Where the part holding `timeMs` likely starts: interpolated by time between `lo` and `hi` (or
   * the file's end), less half a part, so the first header after it is that part's.
   */
  private guessOffset(timeMs: number, lo: SearchBound, hi: IndexedPart | undefined): number {
    const gapEnd = hi?.offset ?? this.length;
    if (!hi || hi.firstMs === undefined || lo.firstMs === undefined || hi.firstMs <= lo.firstMs) return Math.floor((lo.end + gapEnd) / 2);
    const fraction = (timeMs - lo.firstMs) / (hi.firstMs - lo.firstMs);
    const estimate = lo.offset + fraction * (hi.offset - lo.offset) - this.typicalPartBytes() / 2;
    return Math.floor(Math.min(gapEnd - 1, Math.max(lo.end, estimate)));
  }

  /** The mean size of the parts located so far. */
  private typicalPartBytes(): number {
    return this.parts.reduce((sum, part) => sum + (part.end - part.offset), 0) / Math.max(1, this.parts.length);
  }
}
