import { ErrorReason, RecordingError } from '../../format/errors.js';
import type { RecordedEvent } from '../../format/events.js';
import { PartIndex } from '../../format/part-index.js';
import { RecordingReader } from '../../format/reader.js';
import { ByteCache } from './byte-cache.js';
import type { ReadRange } from './byte-ranges.js';
import type { DownloadEstimate } from './download-estimate.js';
import type { FeedSink } from './feed.js';

/** A seek reads back at most this many parts before it leaves the moment to the download in order. */
export const MAX_SEEK_PARTS = 8;
/**
 * A preview (a hover thumbnail) fetches at most this many bytes, its part search and its parts
 * together (bytes the cache holds are free): on the 1-hour samples two parts and their search take
 * about 1–3 MB; a recording of larger parts gets no thumbnail there rather than a download of them.
 */
export const MAX_PREVIEW_BYTES = 4 * 1024 * 1024;
/** What a preview's reads take (ms) until one was measured in the load: its part search (a dozen round trips) and two parts. */
const PREVIEW_READ_MS = 2000;
/** How long (ms) past its expected arrival a preview waits for the download in order before it reads the parts itself. */
const STALL_GRACE_MS = 250;

/**
 * A preview stops there, quietly: it would fetch more than `MAX_PREVIEW_BYTES`, or bytes the
 * download in order has taken or asked for (it brings them: they would come twice).
 */
class PreviewStopped extends Error {}

/** A part read for a seek: its place in the file and its events. */
export interface SeekPart {
  offset: number;
  end: number;
  events: RecordedEvent[];
  /** The first time of the part after it, when located: nothing happens between its last event and then. */
  untilMs: number | undefined;
}

/** Where a seek's parts go: `part` answers whether the one before it is wanted too. */
export interface SeekPartSink {
  part(part: SeekPart): boolean;
  /** A part read for the seek does not decode, or its bytes could not be read: what decoded before it stays. */
  fail(error: RecordingError): void;
}

/**
 * Random access for seeks past what the download in order has reached: the part holding the
 * moment is found by its header (`format/part-index.ts`), read and decoded, then the parts before
 * it, one by one, while the sink wants them (until the screen at the moment is covered). Every
 * byte goes through one `ByteCache`, so nothing is fetched twice (the tail read's bytes are in it
 * from the start); one seek reads at a time, and a newer one takes over.
 */
export class SeekReads {
  readonly cache: ByteCache;
  private index: PartIndex | undefined;
  /**
   * Previews search with an index of their own, one preview at a time: a search's state is not
   * shared with another under way (a seek never waits for a preview's), and the bytes come through
   * the same cache.
   */
  private previewIndex: PartIndex | undefined;
  private previewRun: Promise<void> = Promise.resolve();
  /** Bytes the preview reading now has fetched. */
  private previewFetched = 0;
  /**
   * The cache's reads, for a preview: within `MAX_PREVIEW_BYTES` of fetching, counted before they
   * are asked for, and none of the bytes the download in order has asked for (it goes on while a
   * preview reads, and may have got there since the preview's search chose where to read).
   */
  private readonly previewRead: ReadRange = async (start, end) => {
    const gaps = this.cache.missing(start, end);
    if (gaps.length > 0 && gaps[0]![0] < this.frontRequested()) throw new PreviewStopped();
    const missing = gaps.reduce((sum, [from, to]) => sum + to - from, 0);
    if (this.previewFetched + missing > MAX_PREVIEW_BYTES) throw new PreviewStopped();
    this.previewFetched += missing;
    return this.cache.read(start, end);
  };
  private generation = 0;
  private running: Promise<void> | undefined;
  /** Where the part holding the last seek's moment ends, until taken (`takeSeekPoint`). */
  private seekPoint: number | undefined;

  constructor(
    read: ReadRange,
    length: number,
    /** The wall-clock time of timeline 0, once the front told it (it places parts that start with an audit event). */
    private readonly originWallMs: () => number | undefined,
    /**
     * Bytes the download in order has taken: a part that starts before them is not fetched again by a
     * seek. Bytes of a range it has asked for but not taken yet may be: the seek's come first, and
     * the range stops where they start (`inFlight`).
     */
    private readonly frontBytes: () => number,
    /** Bytes the download in order has taken or asked for: a preview reads none of them (it never cuts the download). */
    private readonly frontRequested: () => number = frontBytes,
  ) {
    this.cache = new ByteCache(read, length);
  }

  /** The download in order's ranges still streaming: a seek reads their bodies ahead, and cuts them where it reads inside them. */
  inFlight: { drain(near: number): void; beforeSeekRead(start: number, end: number): Promise<void> } | undefined;
  /** Where the download in order is in time, and the whole duration (the end read's). */
  frontTime: { readonly frontMs: number; readonly durationMs: number | undefined } | undefined;
  /** When the download in order reaches a moment (the feed's one estimate, on the feed's clock). */
  estimate: DownloadEstimate | undefined;

  /** The feed's clock (ms), which times a preview's reads. */
  private now(): number {
    return this.estimate?.clock.now() ?? performance.now();
  }
  /** What the last preview's reads took (ms). */
  private previewReadMs = PREVIEW_READ_MS;

  /** The cache's reads, for a seek: a range of the download in order that brings these bytes is waited for soon, or cut. */
  private readonly seekRead: ReadRange = async (start, end) => {
    await this.inFlight?.beforeSeekRead(start, end);
    return this.cache.read(start, end);
  };

  /**
   * Resolves when no seek is reading: the download in order waits for it (the seek's bytes go
   * first), never for a preview's reads, which share the link with it.
   */
  get idle(): Promise<void> | undefined {
    return this.running;
  }

  /** Reads the parts for a seek to `targetMs`, replacing any seek still reading. */
  seek(targetMs: number, sink: SeekPartSink): void {
    const generation = ++this.generation;
    const current = () => generation === this.generation;
    // Unknown where the moment is: the ranges streaming read ahead, in case the seek reads in them.
    const near = this.offsetAt(targetMs);
    this.inFlight?.drain(Number.isFinite(near) ? near : 0);
    const run = this.readFor(targetMs, sink, current).catch((error: unknown) => {
      if (current()) sink.fail(asRecordingError(error));
    });
    const tracked: Promise<void> = run.finally(() => {
      if (this.running === tracked) this.running = undefined;
    });
    this.running = tracked;
  }

  /** A seek to `targetMs` whose parts go to the feed's `sink`; nothing once `signal` aborted (a new load). */
  seekFor(targetMs: number, sink: Pick<FeedSink, 'seekPart' | 'seekPartFailed'>, signal: AbortSignal): void {
    if (signal.aborted) return;
    this.seek(targetMs, {
      part: (part) => !signal.aborted && (sink.seekPart?.(targetMs, part) ?? false),
      fail: (error) => signal.aborted || sink.seekPartFailed?.(error),
    });
  }

  /** Where the part holding the last seek's moment ends, once (undefined when no seek read a part since). */
  takeSeekPoint(): number | undefined {
    const point = this.seekPoint;
    this.seekPoint = undefined;
    return point;
  }

  /**
   * Reads at most `maxParts` parts for a preview of `targetMs` (a hover thumbnail), the one holding
   * it first, while `sink` wants them, fetching at most `MAX_PREVIEW_BYTES`. Never in front of a seek: nothing is read while one reads
   * (undefined), and a seek that starts meanwhile stops it, as `signal` does. The download in order
   * goes on meanwhile (where it reaches bytes a preview holds or is fetching, it takes them from the
   * cache: none comes twice), and the preview reads nothing it has asked for. Resolves when it
   * stopped reading.
   */
  preview(targetMs: number, maxParts: number, sink: SeekPartSink, signal: AbortSignal): Promise<void> | undefined {
    if (this.running || signal.aborted) return undefined;
    const downloadMs = this.downloadMs(targetMs);
    if (downloadMs < this.previewReadMs) {
      // The download in order would bring the moment before the preview's reads could: they would
      // show it no sooner, and take a share of the link from it. Read nothing, unless it has not
      // brought it by then (it stalled, or was slower than it looked).
      const schedule = this.estimate?.clock.schedule;
      if (!schedule) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const cancel = schedule(resolve, downloadMs + STALL_GRACE_MS);
        signal.addEventListener('abort', () => (cancel(), resolve()), { once: true });
      }).then(() => (signal.aborted || this.running || (this.frontTime?.frontMs ?? 0) >= targetMs ? undefined : this.readPreview(targetMs, maxParts, sink, signal)));
    }
    return this.readPreview(targetMs, maxParts, sink, signal);
  }

  private readPreview(targetMs: number, maxParts: number, sink: SeekPartSink, signal: AbortSignal): Promise<void> {
    const generation = this.generation;
    const current = () => generation === this.generation && !signal.aborted;
    const run = this.previewRun.then(async () => {
      if (!current()) return;
      this.previewFetched = 0;
      const started = this.now();
      let stopped = false;
      await this.readFor(targetMs, sink, current, maxParts, (this.previewIndex ??= this.newIndex(this.previewRead, this.frontRequested)), this.previewRead, this.frontRequested).catch((error: unknown) => {
        stopped = error instanceof PreviewStopped;
        if (current() && !stopped) sink.fail(asRecordingError(error));
      });
      // Timed only when its reads ran to their end: one stopped partway says too little of what they take.
      if (this.previewFetched > 0 && !stopped) this.previewReadMs = this.now() - started;
    });
    this.previewRun = run;
    return run;
  }

  /** In how long (ms) the download in order would reach `targetMs` (`estimate`); Infinity while that cannot be told. */
  downloadMs(targetMs: number): number {
    const { frontMs = 0, durationMs = NaN } = this.frontTime ?? {};
    return this.estimate?.waitMs(targetMs, frontMs, durationMs) ?? Infinity;
  }

  /** Where `targetMs` is in the file, estimated in proportion to time from where the download in order is to the end; Infinity when not known. */
  private offsetAt(targetMs: number): number {
    const { frontMs = 0, durationMs = undefined } = this.frontTime ?? {};
    if (durationMs === undefined || durationMs <= frontMs) return Infinity;
    const from = this.frontBytes();
    return from + (Math.max(0, targetMs - frontMs) / (durationMs - frontMs)) * (this.cache.length - from);
  }

  /** Stops the seek reading (its results are dropped). */
  cancel(): void {
    this.generation += 1;
  }

  private async readFor(
    targetMs: number,
    sink: SeekPartSink,
    current: () => boolean,
    maxParts = MAX_SEEK_PARTS,
    index = (this.index ??= this.newIndex(this.seekRead, this.frontBytes)),
    read = this.seekRead,
    floor = this.frontBytes,
  ): Promise<void> {
    let part = await index.partAt(targetMs);
    if (part && current() && index === this.index) this.seekPoint = part.end;
    for (let count = 0; part && count < maxParts && current() && part.offset >= floor(); count++) {
      const events = await decodePart(await read(part.offset, part.end), part.offset);
      const untilMs = index.located.find((after) => after.offset === part!.end)?.firstMs;
      if (!current() || !sink.part({ offset: part.offset, end: part.end, events, untilMs })) return;
      part = await index.partBefore(part);
    }
  }

  /** The part index reads nothing below `floor` (bytes the download in order brings: they would come twice). */
  private newIndex(read: ReadRange, floor: () => number): PartIndex {
    return new PartIndex(read, this.cache.length, this.originWallMs(), floor);
  }
}

/** What went wrong reading parts for a seek, as the player reports it (a part that does not decode says why itself). */
function asRecordingError(error: unknown): RecordingError {
  return error instanceof RecordingError ? error : new RecordingError(ErrorReason.Corrupt, error instanceof Error ? error.message : String(error));
}

/** The events of one whole part (`bytes` from its header to its end); throws the reader's error when it does not decode. */
async function decodePart(bytes: Uint8Array, offset: number): Promise<RecordedEvent[]> {
  const reader = new RecordingReader();
  const first = await reader.push(bytes.slice());
  const last = await reader.end();
  const error = first.error ?? last.error;
  if (error) throw new RecordingError(error.reason, `the part at byte ${offset}, read for a seek, does not decode: ${error.message}`, offset);
  return [...first.events, ...last.events].map((event) => ({ ...event, partOffset: offset }));
}
