import { fetchRange, fetchSuffix, RangeAnsweredWrongly, RangesIgnored } from '../feeds/byte-ranges.js';
import { readSource, type RecordingSource } from '../feeds/file-feed.js';

/** What one Range request of the index worker asks for. */
export const INDEX_WINDOW_BYTES = 2 * 1024 * 1024;

/**
 * The bytes of a recording for the text index, read only as fast as they are used. Recognition
 * stops and starts (it waits while the player plays), so a URL is read a window at a time with
 * Range requests, each answered whole at once: no response is left half-read for minutes, which a
 * proxy or server would cut. A server that ignores Range is streamed (as the player reads it); bytes
 * already in the browser (a Blob, a `blob:` URL) are read a piece at a time.
 */
export async function* recordingBytes(source: RecordingSource, signal: AbortSignal): AsyncGenerator<Uint8Array> {
  if (typeof source !== 'string' || /^(blob|data):/i.test(source)) {
    yield* readSource(source, signal);
    return;
  }
  let length: number;
  try {
    length = (await fetchSuffix(source, 1, signal)).length;
  } catch (error) {
    // No ranges here (or an error status the whole file would get too): that answer, streamed or reported as the player does.
    if (error instanceof RangesIgnored) return yield* readSource(source, signal, { readEnd: async () => error.response });
    throw error;
  }
  for (let start = 0; start < length; ) {
    const end = Math.min(length, start + INDEX_WINDOW_BYTES);
    const answer = await fetchWindow(source, start, end, signal);
    if (answer.length !== undefined && answer.length !== length) throw new Error(`the recording changed while it was indexed (${length} bytes, then ${answer.length})`);
    start = end;
    yield answer.bytes;
  }
}

/** One window; a request that failed on the way is asked once more. */
async function fetchWindow(url: string, start: number, end: number, signal: AbortSignal): ReturnType<typeof fetchRange> {
  try {
    return await fetchRange(url, start, end, signal);
  } catch (error) {
    if (!(error instanceof RangeAnsweredWrongly)) throw error;
    return fetchRange(url, start, end, signal);
  }
}
