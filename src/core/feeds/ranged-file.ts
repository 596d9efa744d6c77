import { RangeAnsweredWrongly, fetchRange, type RangeAnswer, type ReadRange } from './byte-ranges.js';
import type { FeedSink } from './feed.js';
import { readFrontByRanges } from './front-reads.js';
import { InFlightRanges } from './in-flight-ranges.js';
import { SeekReads } from './seek-reads.js';
import { readTail, type TailCost, type TailDuration, type TailRead } from './tail-read.js';

/** What the file feed lends the ranged reading of its file. */
export interface RangedFeed {
  /** Reports that ranges cannot be trusted (the file is then streamed from its start): undefined. */
  unreliable(error: unknown): undefined;
  /** Where the download in order has taken the file up to (a seek may read past it, inside a range still streaming). */
  frontEnd(): number;
  taken(end: number): void;
  /** Where the download in order has taken or asked for the file up to. */
  frontRequested(): number;
  requested(end: number): void;
  tailRead(cost: TailCost): void;
  seekReads(seekReads: SeekReads): void;
}

/**
 * After a server answered the first request (the file's last bytes) with a range: reads the rest of
 * the end, tells what it found, and returns the front to read in order, by ranges that skip what
 * seeks read (no byte fetched twice); undefined when the file is to be streamed from its start.
 */
export async function readByRanges(
  url: string,
  first: RangeAnswer & { length: number },
  signal: AbortSignal,
  sink: FeedSink,
  duration: TailDuration,
  feed: RangedFeed,
): Promise<Response | AsyncIterable<Uint8Array> | undefined> {
  const { length } = first;
  const read: ReadRange = async (start, end) => {
    const answer = await fetchRange(url, start, end, signal);
    if (answer.length !== undefined && answer.length !== length) {
      throw new RangeAnsweredWrongly(`the server gave the file's length as ${length} bytes, then as ${answer.length} in Content-Range`);
    }
    return answer.bytes;
  };
  // What the tail read fetches is kept for the random access (no byte fetched twice).
  const fetched: Array<{ start: number; bytes: Uint8Array }> = [{ start: first.start, bytes: first.bytes }];
  const keptRead: ReadRange = async (start, end) => {
    const bytes = await read(start, end);
    fetched.push({ start, bytes });
    return bytes;
  };
  let tail: TailRead;
  try {
    tail = await readTail(keptRead, length, first);
  } catch (error) {
    return feed.unreliable(error);
  }
  const { lastParts, ...tailCost } = tail;
  feed.tailRead(tailCost);
  const found = tail.times ? 'its end was read first' : 'no part ending at the end of the file was found in its end';
  sink.rangeReads('used', `the server answers Range requests: ${found} (${tail.bytes} bytes in ${tail.reads} ${tail.reads === 1 ? 'request' : 'requests'})`);
  if (tail.sessionEnds.length) sink.sessionEnds(tail.sessionEnds);
  if (tail.times) duration.noteTail(tail.times);
  // A file no longer than its end read is all here already.
  if (first.start === 0) return new Response(first.bytes as Uint8Array<ArrayBuffer>);
  // Parts can be found by their headers only when the file's end is one.
  if (!tail.times) return undefined;
  const seekReads = new SeekReads(read, length, () => duration.originMs, feed.frontEnd, feed.frontRequested);
  seekReads.frontTime = duration;
  const inFlight = new InFlightRanges(seekReads.cache);
  seekReads.inFlight = inFlight;
  for (const { start, bytes } of fetched) seekReads.cache.keep(start, bytes);
  seekReads.cache.onDropped = (start, end) => signal.aborted || sink.seekBytesDropped?.(start, end);
  feed.seekReads(seekReads);
  if (seekReads.estimate) seekReads.estimate.totalBytes = length;
  sink.lastParts?.(lastParts.map((part) => ({ ...part, untilMs: undefined })));
  return readFrontByRanges(url, seekReads.cache, signal, { turn: () => seekReads.idle, requested: feed.requested, taken: feed.taken, seekPoint: () => seekReads.takeSeekPoint() }, inFlight);
}
