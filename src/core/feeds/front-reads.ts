import { ErrorReason, RecordingError } from '../../format/errors.js';
import type { ByteCache } from './byte-cache.js';
import { InFlightRanges, type RangeFlow } from './in-flight-ranges.js';

/** The first bytes read in order are also kept in the cache (the first part headers, for the part index). */
const FRONT_KEPT_BYTES = 64 * 1024;
/**
 * The ranges of the download in order last about RANGE_MS each at the rate the last one came in
 * (within MIN_RANGE_BYTES–MAX_RANGE_BYTES): a seek waits for at most that much of it on the link,
 * and the round trip between two ranges costs a few percent of the download.
 */
const RANGE_MS = 600;
const FIRST_RANGE_BYTES = 1024 * 1024;
const MIN_RANGE_BYTES = 256 * 1024;
const MAX_RANGE_BYTES = 8 * 1024 * 1024;

/** How the download in order shares the link with seeks. */
export interface FrontTurns {
  /** Resolves when the next range may be asked for (a seek reading goes first); undefined: at once. */
  turn(): Promise<void> | undefined;
  /** The download in order has asked for the file up to `end` (its ranges bring those bytes as they stream). */
  requested?(end: number): void;
  /**
   * The download in order has taken the file up to `end`: a seek reads nothing before it, but may read
   * past it inside a range still streaming (the range then stops where the seek's bytes start).
   */
  taken?(end: number): void;
  /** Where the last seek's parts end (the part holding its moment), once; undefined when no seek read since. */
  seekPoint?(): number | undefined;
}

/**
 * The alternative the bench measures (`download-after-seek=restart` in the URL's query): after a
 * seek's parts, the download fetches this much from the seek point on into the cache (within its
 * budget), then goes on from where it was. By default it goes on at once (src/core/README.md,
 * "Scheduling", says why).
 */
const RESTART_AHEAD_BYTES = 32 * 1024 * 1024;

/**
 * The download in order, over a server that answers Range requests: the file from its start to
 * its end, in ranges of about RANGE_MS that stop where bytes read out of order (for seeks and
 * previews) are held or being fetched. Those come from the cache instead, once fetched (and leave
 * it: the reader has them then), so no byte is fetched twice. Before each range, a seek still
 * reading goes first; a preview reading does not hold it up. Once the reader has taken half of a
 * range, the next one is asked for (when no seek is reading), so the link is not idle for a round
 * trip between two ranges while the reader catches up.
 */
export async function* readFrontByRanges(
  url: string,
  cache: ByteCache,
  signal: AbortSignal,
  turns: FrontTurns,
  inFlight = new InFlightRanges(cache),
): AsyncGenerator<Uint8Array> {
  const { length } = cache;
  const restarts = /[?&]download-after-seek=restart(&|$)/.test(url);
  let at = 0;
  let rangeBytes = FIRST_RANGE_BYTES;
  /** The next range, asked for while the reader takes the current one. */
  let ahead: RangeFlow | undefined;
  const ask = (start: number, end: number) => {
    turns.requested?.(end);
    const reader = openRange(url, start, end, signal);
    reader.catch(() => {}); // a failure is thrown where the range is read
    return inFlight.open(start, end, reader);
  };
  try {
    while (at < length) {
      // A seek cut the range asked ahead: it is asked again after the seek's bytes.
      if (ahead?.cut) ahead = undefined;
      if (!ahead) {
        const waiting = turns.turn();
        if (waiting) {
          await waiting;
          signal.throwIfAborted();
        }
      }
      const seekPoint = ahead ? undefined : turns.seekPoint?.();
      if (restarts && seekPoint !== undefined) {
        const aheadEnd = Math.min(length, seekPoint + RESTART_AHEAD_BYTES);
        for (let from = seekPoint; from < aheadEnd; from += rangeBytes) {
          await turns.turn();
          signal.throwIfAborted();
          await cache.read(from, Math.min(aheadEnd, from + rangeBytes));
        }
        continue;
      }
      const heldEnd = ahead ? undefined : cache.heldEndAt(at);
      // Bytes being fetched out of order (by a preview, or a seek another replaced): waited for, and
      // taken from the cache once they land (a read through it, which fetches them itself only if
      // that fetch failed).
      const flyingEnd = ahead || heldEnd !== undefined ? undefined : cache.flyingEndAt(at);
      if (heldEnd !== undefined || flyingEnd !== undefined) {
        const end = heldEnd ?? flyingEnd!;
        const bytes = heldEnd !== undefined ? cache.held(at, end)! : await cache.read(at, end);
        signal.throwIfAborted();
        cache.forget(at, end);
        at = end;
        turns.taken?.(at);
        yield bytes;
        continue;
      }
      const range = ahead ?? ask(at, Math.min(cache.nextHeldOrFlyingStart(at) ?? length, at + rangeBytes));
      ahead = undefined;
      const { end } = range;
      const rangeStart = at;
      const opening = performance.now();
      await range.reader;
      // Time spent waiting for bytes (the rest of the round trip, then reads that found nothing
      // buffered yet): the link's share of the range, not the decoding's.
      let waitedMs = performance.now() - opening;
      try {
        while (at < end) {
          let chunk: ReadableStreamReadResult<Uint8Array> | 'cut';
          const reading = performance.now();
          try {
            chunk = await range.next();
            waitedMs += performance.now() - reading;
          } catch (error) {
            signal.throwIfAborted();
            throw new RecordingError(ErrorReason.Network, `reading ${url} failed at byte ${at}: ${error instanceof Error ? error.message : String(error)}`, at);
          }
          signal.throwIfAborted();
          // A seek cut it: what it had brought is in the cache; the rest is asked for after the seek's bytes.
          if (chunk === 'cut') break;
          if (chunk.done) throw new RecordingError(ErrorReason.Network, `the server cut bytes ${at}–${end - 1} of ${url} short`, at);
          const stop = end;
          const piece = chunk.value.subarray(0, stop - at);
          // A seek kept some of these bytes too, waiting for them here: they are taken from here, not twice.
          if ((cache.nextHeldStart(at) ?? end) < at + piece.length) cache.forget(at, at + piece.length);
          // The first part headers stay at hand for the part index (a seek's search starts from the first part).
          if (at < FRONT_KEPT_BYTES) cache.keep(at, piece.slice(0, FRONT_KEPT_BYTES - at));
          at += piece.length;
          turns.taken?.(at);
          // Half of this range taken: the next one is asked for now, unless a seek is reading or its bytes are held or being fetched.
          if (!ahead && at < stop && stop === end && end < length && at - rangeStart >= (end - rangeStart) / 2 && !turns.turn()) {
            const claimed = cache.nextHeldOrFlyingStart(end);
            if (claimed !== end) ahead = ask(end, Math.min(claimed ?? length, end + rangeBytes));
          }
          if (piece.length > 0) yield piece;
          if (at >= stop) break;
        }
      } finally {
        range.close();
      }
      // A seek read bytes the range was to bring (it stopped before them): what was asked ahead starts later.
      if (ahead && ahead.start !== at) {
        ahead.close();
        ahead = undefined;
      }
      // The rate the link brought it at: when decoding is slower, the range's bytes wait in the
      // connection's buffers and the link is free, so a seek does not wait for them on it; sized by
      // the decoding instead, ranges shrank to 256 KiB under load, and their round trips cost a
      // fifth of the download.
      const bytesPerMs = (at - rangeStart) / Math.max(1, waitedMs);
      if (at - rangeStart >= MIN_RANGE_BYTES) inFlight.bytesPerMs = bytesPerMs;
      if (at - rangeStart >= MIN_RANGE_BYTES) rangeBytes = Math.min(MAX_RANGE_BYTES, Math.max(MIN_RANGE_BYTES, Math.round(bytesPerMs * RANGE_MS)));
    }
  } finally {
    ahead?.close();
  }
}

/** A streaming reader of `[start, end)` of `url`, checked to be that range. */
async function openRange(url: string, start: number, end: number, signal: AbortSignal): Promise<ReadableStreamDefaultReader<Uint8Array>> {
  let response: Response;
  try {
    response = await fetch(url, { signal, headers: { range: `bytes=${start}-${end - 1}` } });
  } catch (error) {
    signal.throwIfAborted();
    throw new RecordingError(ErrorReason.Network, `the recording could not be downloaded from ${url}: ${error instanceof Error ? error.message : String(error)}`, start);
  }
  const contentRange = response.headers.get('content-range')?.trim() ?? '';
  if (response.status !== 206 || !contentRange.startsWith(`bytes ${start}-`) || !response.body) {
    void response.body?.cancel().catch(() => {});
    throw new RecordingError(ErrorReason.Network, `the server answered ${response.status} ${contentRange} to a request for bytes ${start}–${end - 1} of ${url}`, start);
  }
  return response.body.getReader();
}
