/**
 * When the download in order will reach a moment: the bytes still needed before it, at the rate
 * the download has advanced lately (the rate that decides when a seek lands: the link's, or the
 * decoding's where that is slower, pauses for seek reads included). One per load,
 * owned by the file feed and sampled on its clock as bytes arrive (a chunk: it loads with the end
 * read). Asked by the page's approximate screen (will a waiting seek wait long?) and by previews
 * (read parts, or let the download bring the moment first?).
 */

/** The rate is measured over about this long (ms) of samples… */
const RATE_WINDOW_MS = 1500;
/** … and at least this long (ms) of them. */
const MIN_RATE_SPAN_MS = 400;
/** Samples are kept at most this often (ms): a fast download reports every 64 KiB. */
const SAMPLE_MS = 100;

export class DownloadEstimate {
  readonly #samples: Array<{ atMs: number; loadedBytes: number }> = [];
  #loadedBytes = 0;
  /** The file's length in bytes, where known (a server that answers Range: set with the seek reads). */
  totalBytes: number | undefined;

  constructor(
    /** The feed's clock (ms), and its timers where it has them. */
    readonly clock: { now(): number; schedule?(callback: () => void, delayMs: number): () => void },
  ) {}

  /**
   * The download's pace changes from now (a seek starts waiting: the download was held for a
   * preload, or pauses for the seek's reads): its rate is measured from here on, as
   * it goes while the seek waits.
   */
  restart(): void {
    this.#samples.length = 0;
    this.#samples.push({ atMs: this.clock.now(), loadedBytes: this.#loadedBytes });
  }

  /** The download in order has read `loadedBytes` of the file by now. */
  note(loadedBytes: number): void {
    this.#loadedBytes = loadedBytes;
    const atMs = this.clock.now();
    const last = this.#samples.at(-1);
    if (!last || atMs - last.atMs >= SAMPLE_MS) this.#samples.push({ atMs, loadedBytes });
    this.#trim(atMs);
  }

  /** Keeps the newest sample at least RATE_WINDOW_MS old, and those after it. */
  #trim(nowMs: number): void {
    const samples = this.#samples;
    while (samples.length > 1 && nowMs - samples[1]!.atMs >= RATE_WINDOW_MS) samples.shift();
  }

  /**
   * Bytes per ms the download in order advanced at over the last RATE_WINDOW_MS (from the newest
   * sample at least that old, to now: a stall counts from the moment it began); undefined before
   * MIN_RATE_SPAN_MS of samples.
   */
  get bytesPerMs(): number | undefined {
    const nowMs = this.clock.now();
    this.#trim(nowMs);
    const first = this.#samples[0];
    if (!first || nowMs - first.atMs < MIN_RATE_SPAN_MS) return undefined;
    return Math.max(0, this.#loadedBytes - first.loadedBytes) / (nowMs - first.atMs);
  }

  /** Bytes of the file the download in order has read. */
  get loadedBytes(): number {
    return this.#loadedBytes;
  }

  /**
   * Bytes the download in order still has to read to reach `targetMs` from `loadedMs` (where it is
   * in time) in a recording of `durationMs` (NaN: not known): the time left to it at the mean
   * density of the rest of the file (where its length is known), else of what was read; undefined
   * while nothing was read.
   */
  remainingBytes(targetMs: number, loadedMs: number, durationMs: number): number | undefined {
    const { totalBytes } = this;
    const loadedBytes = this.#loadedBytes;
    if (!(loadedMs > 0) || !(loadedBytes > 0)) return undefined;
    const leftMs = Math.max(0, targetMs - loadedMs);
    const restMs = durationMs - loadedMs;
    if (totalBytes !== undefined && restMs > 0) return (leftMs * Math.max(0, totalBytes - loadedBytes)) / restMs;
    return (leftMs * loadedBytes) / loadedMs;
  }

  /** What the page decides a seek's wait by: the bytes read, and how long (ms) the download is expected to take to reach `targetMs` (as `waitMs`). */
  facts(targetMs: number, loadedMs: number, durationMs: number): { loadedBytes: number; expectedMs: number | undefined } {
    return { loadedBytes: this.#loadedBytes, expectedMs: this.waitMs(targetMs, loadedMs, durationMs) };
  }

  /** How long (ms) the download in order is expected to take to reach `targetMs` (as `remainingBytes`); undefined when it cannot be told. */
  waitMs(targetMs: number, loadedMs: number, durationMs: number): number | undefined {
    const remaining = this.remainingBytes(targetMs, loadedMs, durationMs);
    const rate = this.bytesPerMs;
    if (remaining === undefined || rate === undefined) return undefined;
    if (remaining === 0) return 0;
    return rate > 0 ? remaining / rate : Infinity;
  }
}
