import { ErrorReason, RecordingError, isAbort, transferFailure } from '../../format/errors.js';
import { RecordingReader } from '../../format/reader.js';
import type { RecordedEvent } from '../../format/events.js';
import { FIRST_TAIL_BYTES, RangesIgnored, fetchSuffix, type ReadRange } from './byte-ranges.js';
import type { FeedSink, RecordingFeed } from './feed.js';
import { ReadBuffers } from './read-buffers.js';
import type { SeekPartSink, SeekReads } from './seek-reads.js';
import type { EndReadFeed } from './end-read.js';
import type { FileHasher } from './file-hash.js';
import type { DownloadEstimate } from './download-estimate.js';
import type { TailCost, TailDuration } from './tail-read.js';

/** Where a recording comes from: an absolute URL (http(s), blob:, data:), or bytes in memory. */
export type RecordingSource = string | Blob | ArrayBuffer | Uint8Array;

/**
 * Bytes go to the reader in chunks of at most this size (the reader's inflate step), so loading
 * reports progress and yields, and the page gets the events as they decode, not a whole file's at
 * once: a 1-hour recording of 100,000 alerts reached loadedmetadata in about 0.17 s instead of 0.4 s
 * with 256 KiB chunks, and canplaythrough in 0.9 s instead of 1.0–1.4 s.
 */
const MEMORY_CHUNK_BYTES = 64 * 1024;
/** The first MEMORY_CHUNK_BYTES go in pieces of this size. */
const FRONT_PIECE_BYTES = 8 * 1024;

/**
 * The response header that marks a recording still being written (`desktop-recording serve` sends
 * it for a live session's file, whose response ends when the session does). Cross-origin, the
 * server has to list it in `Access-Control-Expose-Headers` for the player to see it.
 */
export const LIVE_HEADER = 'x-recording-live';
/**
 * A read of a live recording that waited at least this long for data (after the first bytes) had
 * read everything written so far: the player has caught up with the live edge. The server writes a
 * part at least every 200 ms, so such a wait comes soon after the backlog.
 */
const CAUGHT_UP_WAIT_MS = 80;

/**
 * A stream that is already downloaded answers every read in a microtask, so a read loop would
 * never let a task run: requests, ticks and image decodes would all wait for the whole file.
 * Reading hands the thread back after this long.
 */
const READ_SLICE_MS = 8;

export interface FileFeedTiming {
  now(): number;
  /** Resolves in a new task (requests, timers and decodes waiting in the event loop run first). */
  yield(): Promise<void>;
  /** Runs `callback` after `delayMs` on this clock; returns a cancel function. */
  schedule?(callback: () => void, delayMs: number): () => void;
}

/**
 * A recording file read front to back as fast as the session takes it: fetched (streamed, so
 * playback starts before the download ends), a Blob, or bytes in memory. Its events arrive in
 * file order; a moment not read yet is reached by reading on (`want` has nothing to do).
 *
 * Its end is read before its front (`tail-read.ts`): a slice of a Blob or of bytes, or HTTP Range
 * requests when the server answers them, so the session knows the whole duration at
 * `loadedmetadata`. The front is fetched only then, so the two do not share the link. A server that
 * ignores Range or answers a range wrongly is reported once (`rangeReads`), and the file is then
 * only streamed.
 */
export class FileFeed implements RecordingFeed {
  readonly paced = false;
  private readonly controller = new AbortController();
  /** What reading the end cost (bytes, reads), once it was read. */
  tailRead: TailCost | undefined;

  constructor(
    private readonly source: RecordingSource,
    private readonly timing: FileFeedTiming,
    /** The file's hasher for one read (a chunk of its own; undefined where it does not load). */
    private readonly startHasher: (signal: AbortSignal) => Promise<FileHasher | undefined> = (signal) =>
      import('./file-hash.js').then(({ startFileHasher }) => startFileHasher(signal), () => undefined),
  ) {}

  /** Random access for seeks past what has arrived: a server that answers Range requests, once its end was read. */
  private seekReads: SeekReads | undefined;
  private sink: FeedSink | undefined;
  /** Places the last events the end read gave, once the front gives the origin (loaded with the end read). */
  private tailDuration: TailDuration | undefined;
  /** Bytes of the file the download in order has taken so far. */
  private frontBytes = 0;
  /** How far the download in order has taken the file (by range): a seek does not fetch those bytes again. */
  private frontTaken = 0;
  /** How far it has asked for the file: a preview does not fetch those bytes. */
  private frontRequested = 0;
  /** When the download in order reaches a moment (made once the end read's chunk is in). */
  downloadEstimate: DownloadEstimate | undefined;

  /** From start(): settles once the read has stopped (ended, failed or closed), when the sink hears nothing more. */
  stopped: Promise<void> | undefined;

  start(sink: FeedSink): void {
    this.sink = sink;
    this.stopped = this.read(sink);
  }

  steer(): void {}

  /** A moment past what has arrived: read the parts it needs by range, while the download in order waits. */
  want(timeMs: number): void {
    // Random access exists once the sink does (it comes with the end read).
    this.seekReads?.seekFor(timeMs, this.sink!, this.controller.signal);
  }

  /** A few parts for a preview of a moment past what has arrived (a hover thumbnail), never in front of a seek. */
  preview(timeMs: number, maxParts: number, sink: SeekPartSink, signal: AbortSignal): Promise<void> | undefined {
    if (this.controller.signal.aborted) return undefined;
    return this.seekReads?.preview(timeMs, maxParts, sink, signal);
  }

  close(): void {
    this.seekReads?.cancel();
    this.controller.abort(new DOMException('a new load started', 'AbortError'));
  }

  private async read(sink: FeedSink): Promise<void> {
    const { signal } = this.controller;
    const reader = new RecordingReader();
    // The file's SHA-256, over the bytes read front to back (the end read first is not part of it):
    // the whole file, in order, hashed off this thread where it can be. The hasher is a chunk;
    // pieces read before it is here wait in order.
    let hasher: FileHasher | undefined;
    const hashing = this.startHasher(signal).then((started) => (hasher = started));
    let sliceStart = this.timing.now();
    // A download is read into a few reused buffers: one is filled again once the hasher has taken
    // its bytes and the reader holds none of them (it keeps the open part's for a replay).
    const buffers = new ReadBuffers();
    let filled: ArrayBufferLike | undefined;
    let read: ArrayBufferLike[] = [];
    let hashed: Promise<unknown> = hashing;
    // Events go on as they decode, a few hundred at a time, so the many small records of one piece
    // never live at once.
    const deliver = (reader.onEvents = (events: RecordedEvent[]): void => {
      if (signal.aborted) return;
      this.tailDuration?.noteFront(events);
      sink.events(events);
    });
    try {
      const hooks: SourceHooks = {
        buffers,
        readEnd: (access) => this.readEnd(access, sink),
        live: () => signal.aborted || sink.live(),
        caughtUp: () => signal.aborted || sink.caughtUp(),
        now: () => this.timing.now(),
      };
      for await (const chunk of inPieces(readSource(this.source, signal, hooks))) {
        // A hasher that fell behind (its worker starved of the CPU) copies what it cannot take at
        // once: the read waits for it, so memory stays bounded however long the file.
        if (hasher) await hasher.room();
        if (filled && chunk.buffer !== filled) read.push(filled);
        filled = chunk.buffer;
        hashed = hashing.then((hasher) => hasher?.update(chunk));
        this.frontBytes += chunk.length;
        this.downloadEstimate?.note(this.frontBytes);
        // A seek reading parts out of order goes first on the link (a preview's reads share it).
        const seeking = this.seekReads?.idle;
        if (seeking) await seeking;
        // Waited for before the piece is read, since its events go to the session while they decode.
        const ready = sink.ready();
        if (ready) {
          await ready;
          sliceStart = this.timing.now();
        } else if (this.timing.now() - sliceStart > READ_SLICE_MS) {
          await this.timing.yield();
          sliceStart = this.timing.now();
        }
        if (signal.aborted) return;
        const result = await reader.push(chunk);
        const free = read.filter((buffer) => !reader.holds(buffer));
        if (free.length) {
          read = read.filter((buffer) => reader.holds(buffer));
          void hashed.then(() => free.forEach((buffer) => buffers.reuse(buffer)));
        }
        deliver(result.events);
        if (result.error) throw result.error;
      }
      const result = await reader.end();
      deliver(result.events);
      if (signal.aborted) return;
      if (result.error) throw result.error;
      const sha256 = await hashing.then((hasher) => hasher?.digest());
      if (signal.aborted) return;
      sink.end(sha256);
    } catch (error) {
      void hashing.then((hasher) => hasher?.close());
      if (signal.aborted) return;
      reader.cancel();
      sink.fail(error);
    }
  }

  /**
   * Reads the file's end before its front, tells the duration it gives, and says once how the file
   * can be read out of order. Over HTTP the first request asks for the last bytes (which also tells
   * the length): a server that ignores Range answers with the whole file, which is then streamed
   * (no request is wasted); one that answers wrongly is reported, and the file is fetched whole.
   * Never throws but for an abort (the player's, or one from outside that cancels the load): what
   * else goes wrong here leaves the file to be read front to back.
   */
  private async readEnd(access: SourceAccess, sink: FeedSink): Promise<Response | AsyncIterable<Uint8Array> | undefined> {
    const { signal } = this.controller;
    // Reading the end, and random access, are a chunk: it loads beside the first request.
    const loading = import('./random-access.js').then(
      (chunk) => ((this.downloadEstimate = new chunk.DownloadEstimate(this.timing)), chunk),
      () => undefined,
    );
    const unreliable = (error: unknown): undefined => {
      signal.throwIfAborted();
      if (isAbort(error)) throw error;
      sink.rangeReads('unreliable', `${error instanceof Error ? error.message : String(error)}; the file is streamed from its start instead`);
      return undefined;
    };
    const feed: EndReadFeed = {
      tailDuration: (duration) => (this.tailDuration = duration),
      unreliable,
      frontEnd: () => Math.max(this.frontBytes, this.frontTaken),
      taken: (end) => (this.frontTaken = end),
      frontRequested: () => Math.max(this.frontBytes, this.frontTaken, this.frontRequested),
      requested: (end) => (this.frontRequested = end),
      tailRead: (cost) => (this.tailRead = cost),
      seekReads: (seekReads) => {
        // Previews judge by the one estimate (their reads timed on its clock, the feed's).
        seekReads.estimate = this.downloadEstimate;
        this.seekReads = seekReads;
      },
    };
    if (access.local) {
      sink.rangeReads('local', 'the whole file is at hand');
      const chunk = await loading;
      signal.throwIfAborted();
      await chunk?.readLocalEnd(access.read, access.length, signal, sink, feed);
      return undefined;
    }
    const { url } = access;
    let first: Awaited<ReturnType<typeof fetchSuffix>>;
    try {
      first = await fetchSuffix(url, FIRST_TAIL_BYTES, signal);
    } catch (error) {
      if (!(error instanceof RangesIgnored)) return unreliable(error);
      // An error answer fails the load as the whole file's would (http-status).
      if (!error.response.ok) return error.response;
      const live = error.response.headers.get(LIVE_HEADER)?.trim().toLowerCase() === 'true';
      sink.rangeReads('unsupported', live ? 'the recording is still being written: it has no end to read yet' : `${error.message}: the file is streamed from its start`);
      return error.response;
    }
    const chunk = await loading;
    signal.throwIfAborted();
    if (!chunk) return unreliable(new Error('the code that reads its end did not load'));
    return chunk.readRangedEnd(url, first, signal, sink, feed);
  }
}

/**
 * The name of a worker that hashes a recording for the player worker that started it from its own
 * script (`file-hash.ts`); the script serves hashing alone under this name.
 */
export const HASH_WORKER_NAME = 'desktop-recording-player sha256';

/** How a source's bytes can be read out of order, before its front is read. */
export type SourceAccess = { local: true; length: number; read: ReadRange } | { local: false; url: string };

/** What a source tells the feed besides its bytes. */
export interface SourceHooks {
  /**
   * Reads the end of the file before its first byte is read. For a URL it may answer with a response
   * to stream instead of fetching the file (a server that ignored the range sent the whole file).
   */
  readEnd?(access: SourceAccess): Promise<Response | AsyncIterable<Uint8Array> | undefined>;
  /** The recording is still being written (HTTP `x-recording-live: true`); called before the first chunk. */
  live?(): void;
  /** A live recording: everything written so far has been read (called once). */
  caughtUp?(): void;
  /** The clock a live read's wait is measured on (milliseconds); `performance.now()` without it. */
  now?(): number;
  /**
   * Buffers to read a stream into (where it can be read so), each used again once handed back
   * (`ReadBuffers.reuse`): the consumer must be done with a chunk's bytes before it hands it back.
   */
  buffers?: ReadBuffers;
}

/**
 * Chunks of at most MEMORY_CHUNK_BYTES: a `blob:` URL or a Blob may come in one piece, and events,
 * metadata and yields then come as they would from a network, not once at the end of the file.
 */
async function* inPieces(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  let read = 0;
  for await (const chunk of chunks) {
    for (let at = 0; at < chunk.length; ) {
      // The front in smaller pieces: the first frame needs only the first records, and with
      // preload="metadata" reading stops right after it.
      const size = read < MEMORY_CHUNK_BYTES ? FRONT_PIECE_BYTES : MEMORY_CHUNK_BYTES;
      const piece = chunk.subarray(at, at + size);
      at += piece.length;
      read += piece.length;
      yield piece;
    }
  }
}

/**
 * The recording's bytes as they arrive. A URL is streamed with `fetch`, so playback can start before
 * the download ends. Failures are `RecordingError`s: `http-status` for an answer other than 2xx,
 * `network` when the connection fails, `aborted` when something outside the player cancelled the
 * download; aborting through `signal` ends with the signal's reason.
 * A response marked live (`LIVE_HEADER`) is reported through `hooks`.
 */
export async function* readSource(source: RecordingSource, signal: AbortSignal, hooks: SourceHooks = {}): AsyncGenerator<Uint8Array> {
  if (typeof source === 'string' && !isLocalUrl(source)) {
    yield* readUrl(source, signal, hooks);
  } else if (typeof source === 'string' || source instanceof Blob) {
    // A blob: or data: URL names bytes already in this browser: read as the Blob it is.
    const blob = typeof source === 'string' ? await fetchLocal(source, signal) : source;
    await hooks.readEnd?.({ local: true, length: blob.size, read: async (start, end) => new Uint8Array(await blob.slice(start, end).arrayBuffer()) });
    yield* readStream(blob.stream(), signal, typeof source === 'string' ? describeUrl(source) : 'file', hooks.buffers);
  } else {
    const bytes = source instanceof Uint8Array ? source : new Uint8Array(source);
    await hooks.readEnd?.({ local: true, length: bytes.length, read: async (start, end) => bytes.subarray(start, end) });
    for (let at = 0; at < bytes.length; at += MEMORY_CHUNK_BYTES) {
      signal.throwIfAborted();
      yield bytes.subarray(at, at + MEMORY_CHUNK_BYTES);
    }
  }
}

async function* readUrl(url: string, signal: AbortSignal, hooks: SourceHooks): AsyncGenerator<Uint8Array> {
  const read = await hooks.readEnd?.({ local: false, url });
  if (read && !(read instanceof Response)) {
    yield* read;
    return;
  }
  let response = read;
  try {
    response ??= await fetch(url, { signal });
  } catch (error) {
    signal.throwIfAborted();
    throw transferFailure(error, `the recording could not be downloaded from ${describeUrl(url)}: ${errorText(error)}`);
  }
  if (!response.ok) {
    void response.body?.cancel();
    const status = `${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
    throw new RecordingError(ErrorReason.HttpStatus, `the server answered ${status} for ${describeUrl(url)}`);
  }
  const live = response.headers.get(LIVE_HEADER)?.trim().toLowerCase() === 'true';
  if (live) hooks.live?.();
  if (!response.body) return;
  yield* readStream(response.body, signal, describeUrl(url), hooks.buffers, live ? hooks.caughtUp : undefined, hooks.now);
}

async function* readStream(
  stream: ReadableStream<Uint8Array>,
  signal: AbortSignal,
  what: string,
  buffers?: ReadBuffers,
  caughtUp?: () => void,
  now = () => performance.now(),
): AsyncGenerator<Uint8Array> {
  let byob: ReadableStreamBYOBReader | undefined;
  try {
    if (buffers) byob = stream.getReader({ mode: 'byob' });
  } catch {
    // Not a byte stream: its chunks as it makes them.
  }
  const reader = byob ?? stream.getReader();
  const abort = (): void => void reader.cancel(signal.reason).catch(() => {});
  signal.addEventListener('abort', abort);
  let received = 0;
  let finished = false;
  try {
    for (;;) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      const asked = now();
      try {
        chunk = byob ? ((await byob.read(buffers!.next())) as ReadableStreamReadResult<Uint8Array>) : await (reader as ReadableStreamDefaultReader<Uint8Array>).read();
        if (caughtUp && received > 0 && now() - asked >= CAUGHT_UP_WAIT_MS) {
          caughtUp();
          caughtUp = undefined;
        }
      } catch (error) {
        signal.throwIfAborted();
        throw transferFailure(error, `reading ${what} failed after ${received} bytes: ${errorText(error)}`, received);
      }
      signal.throwIfAborted();
      if (chunk.done) {
        finished = true;
        return;
      }
      received += chunk.value.length;
      yield byob ? buffers!.filled(chunk.value) : chunk.value;
    }
  } finally {
    signal.removeEventListener('abort', abort);
    // The reader stopped early (failure downstream, or abort): stop the download too.
    if (!finished) void reader.cancel().catch(() => {});
    reader.releaseLock();
  }
}

function isLocalUrl(url: string): boolean {
  return /^(blob|data):/i.test(url);
}

async function fetchLocal(url: string, signal: AbortSignal): Promise<Blob> {
  try {
    const response = await fetch(url, { signal });
    if (!response.ok) throw new Error(`${response.status}`);
    return await response.blob();
  } catch (error) {
    signal.throwIfAborted();
    throw transferFailure(error, `the recording could not be read from ${describeUrl(url)}: ${errorText(error)}`);
  }
}

/** URLs as people read them: blob: and data: URLs say nothing useful, so they are named by kind. */
function describeUrl(url: string): string {
  if (url.startsWith('blob:')) return 'a blob: URL';
  if (url.startsWith('data:')) return 'a data: URL';
  return url;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
