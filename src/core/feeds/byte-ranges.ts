/**
 * Reading parts of a recording out of order: slices of bytes in memory or of a Blob, or HTTP Range
 * requests. A server's answer to a range is checked (status, `Content-Range`, length), so a server
 * that ignores Range or answers wrongly is detected instead of its bytes being taken for others.
 */

/** Reads `[start, end)` of the file. */
export type ReadRange = (start: number, end: number) => Promise<Uint8Array>;

/** The server answered with the whole file (200): it does not serve ranges. */
export class RangesIgnored extends Error {}

/** The server answered a range wrongly (another range, a short or long body, 416, an error status). */
export class RangeAnsweredWrongly extends Error {}

/** What a file's first response says about reading it by ranges. */
export interface RangeSupport {
  /** The file's length, when the response says it (`Content-Length`, uncompressed in transit). */
  length: number | undefined;
  /** Why ranges cannot be used, when the response already says (`Accept-Ranges: none`, compressed in transit). */
  refusal: string | undefined;
}

export function rangeSupportOf(response: Response): RangeSupport {
  const encoding = response.headers.get('content-encoding')?.trim().toLowerCase();
  if (encoding && encoding !== 'identity') return { length: undefined, refusal: `the server compresses the file in transit (${encoding}), so byte ranges do not address it` };
  if (response.headers.get('accept-ranges')?.trim().toLowerCase() === 'none') return { length: undefined, refusal: 'the server does not serve byte ranges (Accept-Ranges: none)' };
  const length = Number(response.headers.get('content-length') ?? NaN);
  return { length: Number.isSafeInteger(length) && length >= 0 ? length : undefined, refusal: undefined };
}

/** `Content-Range: bytes first-last/total` (total may be `*`). */
const CONTENT_RANGE = /^bytes\s+(\d+)-(\d+)\/(\d+|\*)$/i;

/**
 * Fetches `[start, end)` of `url` with a Range request and checks the answer. Resolves with the bytes
 * and the file's length as `Content-Range` tells it; throws `RangesIgnored` for a 200 answer and
 * `RangeAnsweredWrongly` for any answer that is not exactly that range.
 */
export async function fetchRange(url: string, start: number, end: number, signal: AbortSignal): Promise<{ bytes: Uint8Array; length: number | undefined }> {
  const asked = `bytes ${start}–${end - 1}`;
  let response: Response;
  try {
    response = await fetch(url, { signal, headers: { range: `bytes=${start}-${end - 1}` } });
  } catch (error) {
    signal.throwIfAborted();
    throw new RangeAnsweredWrongly(`the request for ${asked} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (response.status === 200) {
    void response.body?.cancel().catch(() => {});
    throw new RangesIgnored('the server ignores Range requests (it answered a range request with the whole file)');
  }
  if (response.status !== 206) {
    void response.body?.cancel().catch(() => {});
    throw new RangeAnsweredWrongly(`the server answered ${response.status}${response.statusText ? ` ${response.statusText}` : ''} to a request for ${asked}`);
  }
  const contentRange = response.headers.get('content-range');
  const match = contentRange ? CONTENT_RANGE.exec(contentRange.trim()) : null;
  if (!match || Number(match[1]) !== start || Number(match[2]) !== end - 1) {
    void response.body?.cancel().catch(() => {});
    throw new RangeAnsweredWrongly(
      contentRange
        ? `the server answered a request for ${asked} with Content-Range "${contentRange}"`
        : `the server answered a request for ${asked} without a readable Content-Range (a server on another origin has to list it in Access-Control-Expose-Headers)`,
    );
  }
  const bytes = await readExactly(response, end - start, asked);
  return { bytes, length: match[3] === '*' ? undefined : Number(match[3]) };
}

/** The whole body, which must be exactly `expected` bytes (read no further than one byte past it). */
async function readExactly(response: Response, expected: number, asked: string): Promise<Uint8Array> {
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
    if (error instanceof RangeAnsweredWrongly) throw error;
    throw new RangeAnsweredWrongly(`reading ${asked} failed after ${received} bytes: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    void reader?.cancel().catch(() => {});
  }
  if (received !== expected) throw new RangeAnsweredWrongly(`the server cut ${asked} short: ${received} of ${expected} bytes`);
  return bytes;
}
