/**
 * The player worker: reads, schedules and paints a recording off the main thread. It owns the
 * playback state; the page sends requests and mirrors the snapshots that come back. The same
 * module, imported by a page that cannot start it as a worker, exports the engine to run in-page.
 * Started by itself under HASH_WORKER_NAME, it hashes the recording file it is sent instead.
 */
import { HASH_WORKER_NAME } from '../core/feeds/file-feed.js';
import type { HashWorkerScope } from '../core/feeds/file-hash.js';
import { createEngine } from './engine.js';
import { MessageType, type RequestMessage, type WorkerMessage } from './protocol.js';

export { createEngine } from './engine.js';

// The project's lib is DOM; only these members of the dedicated worker scope are used.
interface WorkerScope {
  readonly name: string;
  onmessage: ((event: MessageEvent<RequestMessage>) => void) | null;
  postMessage(message: WorkerMessage, transfer: Transferable[]): void;
}

const inWorker = typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope !== 'undefined';
if (inWorker && (self as unknown as WorkerScope).name === HASH_WORKER_NAME) {
  // If this fails, the player worker hashes on its own thread once it stops waiting for this one.
  void import('../core/feeds/file-hash.js').then(({ serveFileHashing }) => serveFileHashing(self as unknown as HashWorkerScope));
} else if (inWorker) {
  const scope = self as unknown as WorkerScope;
  const engine = createEngine((message, transfer = []) => scope.postMessage(message, transfer));
  scope.onmessage = ({ data: request }) => {
    if (request.type === MessageType.Request) void engine.handle(request);
  };
}
