import type { RangeAnswer, ReadRange } from './byte-ranges.js';
import type { FeedSink } from './feed.js';
import { readByRanges, type RangedFeed } from './ranged-file.js';
import { TailDuration, readTail } from './tail-read.js';

/** What the file feed lends reading its end: where the duration the end gives goes, and the ranged reading's needs. */
export interface EndReadFeed extends RangedFeed {
  tailDuration(duration: TailDuration): void;
}

/** The end of a file at hand (a Blob, bytes), read before its front: the duration and the session ends it tells. */
export async function readLocalEnd(read: ReadRange, length: number, signal: AbortSignal, sink: FeedSink, feed: EndReadFeed): Promise<void> {
  const duration = placeTail(signal, sink, feed);
  const tail = await readTail(read, length).catch(() => undefined);
  signal.throwIfAborted();
  if (!tail) return;
  const { lastParts, ...cost } = tail;
  feed.tailRead(cost);
  if (tail.sessionEnds.length) sink.sessionEnds(tail.sessionEnds);
  if (tail.times) duration.noteTail(tail.times);
}

/** After the server answered the first request with the file's last bytes: the rest of its end, then its front by ranges. */
export function readRangedEnd(url: string, first: RangeAnswer & { length: number }, signal: AbortSignal, sink: FeedSink, feed: EndReadFeed): ReturnType<typeof readByRanges> {
  return readByRanges(url, first, signal, sink, placeTail(signal, sink, feed), feed);
}

/** Places the last events the end read gives, once the front gives the origin; the duration goes to `sink`. */
function placeTail(signal: AbortSignal, sink: FeedSink, feed: EndReadFeed): TailDuration {
  const duration = new TailDuration((ms) => signal.aborted || sink.duration(ms));
  feed.tailDuration(duration);
  return duration;
}
