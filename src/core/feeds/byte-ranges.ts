/**
 * Reading parts of a recording out of order: slices of bytes in memory or of a Blob, or HTTP Range
 * requests. A server's answer to a range is checked (status, `Content-Range`, length), so a server
 * that ignores Range or answers wrongly is detected instead of its bytes being taken for others.
 */

/** The first read of a file's end (`tail-read.ts`); the demo samples' last parts are 4 KB–770 KB. */
export const FIRST_TAIL_BYTES = 256 * 1024;

/** Reads `[start, end)` of the file. */
export type ReadRange = (start: number, end: number) => Promise<Uint8Array>;

/**
 * The server did not answer with a range: with the whole file (200: it does not serve ranges), or
 * with an error the whole file would get too (404, 403, 5xx). Its `response` is that answer.
 */
export class RangesIgnored extends Error {
  constructor(
    message: string,
    readonly response: Response,
  ) {
    super(message);
  }
}

/** The server answered a range wrongly (another range, a short or long body, 416, an error status). */
export class RangeAnsweredWrongly extends Error {}

/** `Content-Range: bytes first-last/total` (total may be `*`). */
const CONTENT_RANGE = /^bytes\s+(\d+)-(\d+)\/(\d+|\*)$/i;

/** A range as the server answered it: its bytes, where they start, and the file's length when said. */
export interface RangeAnswer {
  bytes: Uint8Array;
  start: number;
  length: number | undefined;
}

/**
 * Fetches `[start, end)` of `url` with a Range request and checks the answer: throws `RangesIgnored`
 * for a 200 answer and `RangeAnsweredWrongly` for any answer that is not exactly that range.
 */
export function fetchRange(url: string, start: number, end: number, signal: AbortSignal): Promise<RangeAnswer> {
  return fetchChecked(url, `bytes=${start}-${end - 1}`, `bytes ${start}–${end - 1}`, signal, (first, last) => first === start && last === end - 1);
}

/**
 * Fetches the last `count` bytes of `url` (`bytes=-count`): the first request for a file whose
 * length is not known yet, which `Content-Range` then tells. Throws as `fetchRange` does.
 */
export async function fetchSuffix(url: string, count: number, signal: AbortSignal): Promise<RangeAnswer & { length: number }> {
  const isAsked = (first: number, last: number, length: number | undefined) => length !== undefined && last === length - 1 && first === Math.max(0, length - count);
  const answer = await fetchChecked(url, `bytes=-${count}`, `the last ${count} bytes`, signal, isAsked);
  return { ...answer, length: answer.length! };
}

async function fetchChecked(
  url: string,
  range: string,
  asked: string,
  signal: AbortSignal,
  isAsked: (first: number, last: number, length: number | undefined) => boolean,
): Promise<RangeAnswer> {
  let response: Response;
  try {
    response = await fetch(url, { signal, headers: { range } });
  } catch (error) {
    signal.throwIfAborted();
    throw new RangeAnsweredWrongly(`the request for ${asked} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (response.status === 200) throw new RangesIgnored('the server ignores Range requests (it answered a range request with the whole file)', response);
  // A missing file, a refusal, a server error: the answer the whole file would get too.
  if (!response.ok && response.status !== 416) throw new RangesIgnored(`the server answered ${response.status} to a range request`, response);
  const refuse = (reason: string): never => {
    void response.body?.cancel().catch(() => {});
    throw new RangeAnsweredWrongly(reason);
  };
  if (response.status !== 206) refuse(`the server answered ${response.status}${response.statusText ? ` ${response.statusText}` : ''} to a request for ${asked}`);
  const encoding = response.headers.get('content-encoding')?.trim().toLowerCase();
  if (encoding && encoding !== 'identity') refuse(`the server compresses ranges in transit (${encoding}), so they do not address the file's bytes`);
  const contentRange = response.headers.get('content-range');
  const match = contentRange ? CONTENT_RANGE.exec(contentRange.trim()) : null;
  if (!match) {
    return refuse(
      contentRange
        ? `the server answered a request for ${asked} with Content-Range "${contentRange}"`
        : `the server answered a request for ${asked} without a readable Content-Range (a server on another origin has to list it in Access-Control-Expose-Headers)`,
    );
  }
  const first = Number(match[1]);
  const last = Number(match[2]);
  const length = match[3] === '*' ? undefined : Number(match[3]);
  if (last < first || !isAsked(first, last, length)) refuse(`the server answered a request for ${asked} with Content-Range "${contentRange}"`);
  return { bytes: await readExactly(response, last + 1 - first, asked, signal), start: first, length };
}

/** The whole body, which must be exactly `expected` bytes (read no further than one byte past it). */
async function readExactly(response: Response, expected: number, asked: string, signal: AbortSignal): Promise<Uint8Array> {
  const bytes = new Uint8Array(expected);
  let received = 0;
  const reader = response.body?.getReader();
  try {
    for (;;) {
      const chunk = reader ? await reader.read() : { done: true as const, value: undefined };
      if (chunk.done) break;
      if (received + chunk.value.length > expected) throw new RangeAnsweredWrongly(`the server sent more than the ${expected} bytes of ${asked}`);
      bytes.set(chunk.value, received);
      received += chunk.value.length;
    }
  } catch (error) {
    signal.throwIfAborted();
    if (error instanceof RangeAnsweredWrongly) throw error;
    throw new RangeAnsweredWrongly(`reading ${asked} failed after ${received} bytes: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    void reader?.cancel().catch(() => {});
  }
  if (received !== expected) throw new RangeAnsweredWrongly(`the server cut ${asked} short: ${received} of ${expected} bytes`);
  return bytes;
}
