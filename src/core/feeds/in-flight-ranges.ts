import type { ByteCache } from './byte-cache.js';

type BodyReader = ReadableStreamDefaultReader<Uint8Array>;

/**
 * One range of the download in order while its body streams. Its reader takes the body as the
 * reading loop asks; while a seek reads (`drain`), the body is read ahead into memory instead of
 * waiting in the connection's buffers, so a cut (`cut`) keeps what arrived rather than fetching it
 * again.
 */
export class RangeFlow {
  /** Bytes read ahead of the reader, in order, starting at `takenTo`. */
  private queue: Uint8Array[] = [];
  private queuedBytes = 0;
  /** Seeks waiting for the body to arrive up to an offset (`arrivedAt`). */
  private arrivals: Array<{ at: number; resolve(): void }> = [];
  /** The file offset up to which the reader has taken this range. */
  private takenTo: number;
  private draining = false;
  /** A read the reader started itself, before draining began: the drain reads after it. */
  private direct: Promise<unknown> | undefined;
  private finished: { error: unknown } | { done: true } | undefined;
  private wake: (() => void) | undefined;
  /** Cut for a seek: the reader stops where it is (what arrived is in the cache). */
  cut = false;

  constructor(
    readonly start: number,
    readonly end: number,
    readonly reader: Promise<BodyReader>,
    private readonly closed: (flow: RangeFlow) => void,
  ) {
    this.takenTo = start;
  }

  /** The next bytes in order, `done` at the body's end, or `cut` once a seek cut the range. */
  async next(): Promise<ReadableStreamReadResult<Uint8Array> | 'cut'> {
    for (;;) {
      const queued = this.queue.shift();
      if (queued) {
        this.takenTo += queued.length;
        this.queuedBytes -= queued.length;
        return { done: false, value: queued };
      }
      if (this.cut) return 'cut';
      if (this.finished) {
        if ('error' in this.finished) throw this.finished.error;
        return { done: true, value: undefined };
      }
      if (!this.draining) {
        const reading = this.reader.then((reader) => reader.read());
        this.direct = reading;
        let result: ReadableStreamReadResult<Uint8Array>;
        try {
          result = await reading;
        } finally {
          this.direct = undefined;
        }
        // Bytes the reader asked for before a cut come before anything the cut kept: they are taken.
        if (result.done) return this.cut ? 'cut' : result;
        this.takenTo += result.value.length;
        return result;
      }
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  /** Reads the rest of the body ahead into memory (a seek reads meanwhile, and the reader waits for it). */
  drain(): void {
    if (this.draining || this.cut || this.finished) return;
    this.draining = true;
    void (async () => {
      try {
        await this.direct?.catch(() => {});
        const reader = await this.reader;
        while (!this.cut) {
          const result = await reader.read();
          if (this.cut) return;
          if (result.done) {
            this.finished = { done: true };
            return;
          }
          this.queue.push(result.value);
          this.queuedBytes += result.value.length;
          this.wakeReader();
          this.settleArrivals();
        }
      } catch (error) {
        if (!this.cut) this.finished = { error };
      } finally {
        this.wakeReader();
        this.settleArrivals();
      }
    })();
  }

  /** Where the body has arrived: taken by the reader, or read ahead. */
  get arrived(): number {
    return this.takenTo + this.queuedBytes;
  }

  /** Resolves once the body has arrived up to `at` (or ended, failed, or was cut); the body is read ahead meanwhile. */
  arrivedAt(at: number): Promise<void> {
    this.drain();
    if (this.arrived >= at || this.cut || this.finished) return Promise.resolve();
    return new Promise((resolve) => this.arrivals.push({ at, resolve }));
  }

  /** Keeps in `cache` what of `[start, end)` the body has brought ahead of the reader (views: the reader still takes them). */
  copyInto(cache: ByteCache, start: number, end: number): void {
    let at = this.takenTo;
    for (const bytes of this.queue) {
      const from = Math.max(start, at);
      const to = Math.min(end, at + bytes.length);
      if (from < to) cache.keep(from, bytes.subarray(from - at, to - at));
      at += bytes.length;
      if (at >= end) break;
    }
  }

  /**
   * Stops the range where it arrived: what the body brought ahead of the reader goes into `cache`
   * (the reader takes it from there), the rest is not fetched by it; the reader gets `cut` next.
   */
  cutInto(cache: ByteCache): void {
    if (this.cut) return;
    let at = this.takenTo;
    for (const bytes of this.queue) {
      cache.keep(at, bytes);
      at += bytes.length;
    }
    this.queue = [];
    this.queuedBytes = 0;
    this.cut = true;
    this.close();
  }

  /** The file offset the reader has taken this range to. */
  get taken(): number {
    return this.takenTo;
  }

  /** No more bytes are wanted from this range. */
  close(): void {
    this.closed(this);
    void this.reader.then((reader) => reader.cancel()).catch(() => {});
    this.wakeReader();
    this.settleArrivals();
  }

  private settleArrivals(): void {
    const done = this.cut || this.finished !== undefined;
    this.arrivals = this.arrivals.filter(({ at, resolve }) => {
      if (!done && this.arrived < at) return true;
      resolve();
      return false;
    });
  }

  private wakeReader(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}

/** The smallest stretch of a streaming range a seek cuts it for rather than waiting for its body to get there. */
const MIN_CUT_BYTES = 256 * 1024;

/**
 * How far ahead of where a range's body has arrived a seek's bytes may start and still be waited
 * for: a quarter of the range (ranges last about 600 ms at the link's rate, so about 150 ms of the
 * link), at least MIN_CUT_BYTES. Cutting costs a round trip for the seek's own request, and what
 * the connection holds in flight past the cut comes twice.
 */
function joinBytes(flow: RangeFlow): number {
  return Math.max(MIN_CUT_BYTES, (flow.end - flow.start) / 4);
}

/**
 * The ranges of the download in order still streaming (the current one, and the next one asked
 * for ahead of it). A seek's bytes go first: once a seek starts, their bodies are read ahead
 * (`drain`); a seek read inside one of them cuts it where its body has arrived (`cutFor`), keeping
 * those bytes in the cache, and the download asks for the rest after the seek's bytes. What the
 * server had sent past that point and the body had not brought yet is the only byte fetched twice
 * (on a real link about what the connection holds in flight; nothing when the range was held).
 */
export class InFlightRanges {
  private flows: RangeFlow[] = [];
  /** The rate the link brought the download's last range at (bytes per ms); undefined before one. */
  bytesPerMs: number | undefined;

  constructor(private readonly cache: ByteCache) {}

  /** A range of the download in order, streaming through `reader`. */
  open(start: number, end: number, reader: Promise<BodyReader>): RangeFlow {
    const flow = new RangeFlow(start, end, reader, (closed) => (this.flows = this.flows.filter((candidate) => candidate !== closed)));
    this.flows.push(flow);
    return flow;
  }

  /**
   * A seek starts reading around byte `near` (an estimate): when that is in or just past the ranges
   * streaming, they read their bodies ahead, so a cut keeps what arrived. Ranges far from it stay
   * paused in the connection (the reader waits for the seek), leaving the link to the seek's reads.
   */
  drain(near = 0): void {
    if (this.flows.some((flow) => near < flow.end + joinBytes(flow))) for (const flow of this.flows) flow.drain();
  }

  /**
   * A seek is about to read `[start, end)` (never below what the download has taken). A range whose
   * body will bring those bytes soon is waited for: what it brings is kept in the cache as well, and
   * nothing is fetched twice. A range whose body is further than `joinBytes` from `start` is cut
   * where it has arrived, with every range after it: the seek fetches its bytes at once, and the
   * download asks for the rest after them.
   */
  async beforeSeekRead(start: number, end: number): Promise<void> {
    for (const flow of [...this.flows]) {
      if (flow.cut || flow.end <= start) continue;
      if (flow.taken >= end) break;
      if (start - flow.arrived > joinBytes(flow)) {
        for (const later of this.flows.filter((candidate) => candidate.end > start)) later.cutInto(this.cache);
        return;
      }
      await flow.arrivedAt(Math.min(end, flow.end));
      flow.copyInto(this.cache, start, end);
    }
  }
}
