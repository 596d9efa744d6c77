import { parseTextIndex, type TextIndex } from './format.js';

/** A text index larger than this is refused (an hour of busy desktop is a few MB). */
export const MAX_TEXT_INDEX_BYTES = 64 * 1024 * 1024;

/**
 * The sidecar text index a page points at (`text-index`), fetched once and kept for searches; a
 * new URL replaces it. A failed load is not kept, so the next search tries again.
 */
export class SidecarTextIndex {
  private url: string | undefined;
  private loading: Promise<TextIndex> | undefined;
  /** Whether the index of the current URL was handed out already. */
  private told = false;

  /** The index at `url`; `fresh` the first time it is handed out (the page tells its coverage then). */
  async load(url: string): Promise<{ index: TextIndex; fresh: boolean }> {
    if (url !== this.url || !this.loading) {
      this.url = url;
      this.told = false;
      const loading = fetchTextIndex(url);
      this.loading = loading;
      loading.catch(() => {
        if (this.loading === loading) this.loading = undefined;
      });
    }
    const loading = this.loading;
    const index = await loading;
    const fresh = !this.told && this.loading === loading;
    if (fresh) this.told = true;
    return { index, fresh };
  }
}

async function fetchTextIndex(url: string): Promise<TextIndex> {
  let response: Response;
  try {
    response = await fetch(url);
  } catch (error) {
    throw new Error(`the text index could not be loaded from ${url}: ${(error as Error).message}`);
  }
  const declared = Number(response.headers.get('content-length') ?? 0);
  if (!response.ok || declared > MAX_TEXT_INDEX_BYTES) {
    await response.body?.cancel().catch(() => {});
    throw new Error(response.ok ? `the text index at ${url} is larger than ${MAX_TEXT_INDEX_BYTES} bytes` : `the text index could not be loaded from ${url}: HTTP ${response.status}`);
  }
  const reader = response.body?.getReader();
  if (!reader) return parseTextIndex(await response.text());
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > MAX_TEXT_INDEX_BYTES) {
      await reader.cancel();
      throw new Error(`the text index at ${url} is larger than ${MAX_TEXT_INDEX_BYTES} bytes`);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.length;
  }
  return parseTextIndex(new TextDecoder().decode(bytes));
}
