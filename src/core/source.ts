import { ErrorReason, RecordingError } from '../format/errors.js';

/** Where a recording comes from: an absolute URL (http(s), blob:, data:), or bytes in memory. */
export type RecordingSource = string | Blob | ArrayBuffer | Uint8Array;

/** In-memory sources are handed out in chunks this size, so loading reports progress and yields. */
const MEMORY_CHUNK_BYTES = 256 * 1024;

/**
 * The recording's bytes as they arrive. A URL is streamed with `fetch`, so playback can start before
 * the download ends. Failures are `RecordingError`s: `http-status` for an answer other than 2xx,
 * `network` when the connection fails; aborting through `signal` ends with the signal's reason.
 */
export async function* readSource(source: RecordingSource, signal: AbortSignal): AsyncGenerator<Uint8Array> {
  if (typeof source === 'string') {
    yield* readUrl(source, signal);
  } else if (source instanceof Blob) {
    yield* readStream(source.stream(), signal, 'file');
  } else {
    const bytes = source instanceof Uint8Array ? source : new Uint8Array(source);
    for (let at = 0; at < bytes.length; at += MEMORY_CHUNK_BYTES) {
      signal.throwIfAborted();
      yield bytes.subarray(at, at + MEMORY_CHUNK_BYTES);
    }
  }
}

async function* readUrl(url: string, signal: AbortSignal): AsyncGenerator<Uint8Array> {
  let response: Response;
  try {
    response = await fetch(url, { signal });
  } catch (error) {
    signal.throwIfAborted();
    throw new RecordingError(ErrorReason.Network, `the recording could not be downloaded from ${describeUrl(url)}: ${errorText(error)}`);
  }
  if (!response.ok) {
    void response.body?.cancel();
    const status = `${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
    throw new RecordingError(ErrorReason.HttpStatus, `the server answered ${status} for ${describeUrl(url)}`);
  }
  if (!response.body) return;
  yield* readStream(response.body, signal, describeUrl(url));
}

async function* readStream(stream: ReadableStream<Uint8Array>, signal: AbortSignal, what: string): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  const abort = (): void => void reader.cancel(signal.reason).catch(() => {});
  signal.addEventListener('abort', abort);
  let received = 0;
  let finished = false;
  try {
    for (;;) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch (error) {
        signal.throwIfAborted();
        throw new RecordingError(ErrorReason.Network, `reading ${what} failed after ${received} bytes: ${errorText(error)}`, received);
      }
      signal.throwIfAborted();
      if (chunk.done) {
        finished = true;
        return;
      }
      received += chunk.value.length;
      yield chunk.value;
    }
  } finally {
    signal.removeEventListener('abort', abort);
    // The reader stopped early (failure downstream, or abort): stop the download too.
    if (!finished) void reader.cancel().catch(() => {});
    reader.releaseLock();
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
