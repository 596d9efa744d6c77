import type { TextIndexProgress } from '../core/text-index/builder.js';
import type { TextSearchHit, TextSearchOptions } from '../core/text-index/search.js';
import type { TextIndexReply, TextIndexRequest, TextSearchAssets } from './text-index-protocol.js';

/**
 * The page's side of the text index worker: starts it (its own thread, apart from playback's
 * worker), builds the index of one recording, and searches what is done so far. Nothing is
 * loaded until `build()`; `terminate()` ends the worker and the engine with it.
 */
export class TextIndexClient {
  private readonly worker: Worker;
  private nextId = 1;
  private readonly searches = new Map<number, (reply: { hits: TextSearchHit[]; coveredMs: number }) => void>();
  private finished: Promise<TextIndexProgress>;
  private settle: { resolve(progress: TextIndexProgress): void; reject(error: Error): void } | undefined;

  constructor(
    private readonly onProgress: (progress: TextIndexProgress) => void = () => {},
    workerUrl: string | URL = new URL('./text-index.worker.js', import.meta.url),
  ) {
    this.worker = new Worker(workerUrl, { type: 'module', name: 'text-index' });
    this.worker.onmessage = ({ data }: MessageEvent<TextIndexReply>) => this.receive(data);
    this.worker.onerror = (event) => this.settle?.reject(new Error(`the text index worker failed: ${event.message}`));
    this.finished = Promise.resolve({ coveredMs: 0, durationMs: 0, screens: 0, regions: 0, words: 0 });
  }

  /**
   * Indexes a recording (its length in ms, when known, saves reading it once more for the progress);
   * resolves with the last progress when done, rejects with what stopped it.
   */
  build(source: string | Blob | ArrayBuffer, assets: TextSearchAssets, durationMs?: number): Promise<TextIndexProgress> {
    this.settle?.reject(new DOMException('a new recording is being indexed', 'AbortError'));
    this.finished = new Promise((resolve, reject) => (this.settle = { resolve, reject }));
    this.finished.catch(() => {});
    this.send({ type: 'build', source, assets, ...(durationMs !== undefined && { durationMs }) });
    return this.finished;
  }

  /** Hits in what is indexed so far, and how far that is (ms). */
  search(query: string, options: TextSearchOptions = {}): Promise<{ hits: TextSearchHit[]; coveredMs: number }> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.searches.set(id, resolve);
      this.send({ type: 'search', id, query, options });
    });
  }

  /** Holds recognition between two regions (true) or lets it go on (false); searches still answer. */
  pause(paused: boolean): void {
    this.send({ type: 'pause', paused });
  }

  /** Stops the build between two regions; `build()`'s promise rejects with an AbortError. */
  cancel(): void {
    this.send({ type: 'cancel' });
  }

  terminate(): void {
    this.worker.terminate();
    this.settle?.reject(new DOMException('the text index worker was terminated', 'AbortError'));
    for (const resolve of this.searches.values()) resolve({ hits: [], coveredMs: 0 });
    this.searches.clear();
  }

  private send(message: TextIndexRequest): void {
    this.worker.postMessage(message);
  }

  private receive(reply: TextIndexReply): void {
    switch (reply.type) {
      case 'progress':
        this.onProgress(reply.progress);
        break;
      case 'done':
        this.onProgress(reply.progress);
        this.settle?.resolve(reply.progress);
        this.settle = undefined;
        break;
      case 'error':
        this.settle?.reject(reply.name === 'AbortError' ? new DOMException(reply.message, 'AbortError') : new Error(reply.message));
        this.settle = undefined;
        break;
      case 'hits':
        this.searches.get(reply.id)?.({ hits: reply.hits, coveredMs: reply.coveredMs });
        this.searches.delete(reply.id);
        break;
    }
  }
}
