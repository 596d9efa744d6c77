/**
 * The player worker: reads, schedules and paints a recording off the main thread. It owns the
 * playback state; the page sends requests and mirrors the snapshots that come back. The same
 * module, imported by a page that cannot start it as a worker, exports the engine to run in-page.
 * Started by itself under a name beginning with HELPER_WORKER_PREFIX, it serves that helper instead
 * (`helper-workers.ts`: hashing the recording file, inflating its parts).
 */
import { HELPER_WORKER_PREFIX } from '../core/feeds/file-feed.js';
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
if (inWorker && (self as unknown as WorkerScope).name.startsWith(HELPER_WORKER_PREFIX)) {
  void import('../core/feeds/helper-workers.js').then(({ serveHelper }) => serveHelper(self as unknown as Parameters<typeof serveHelper>[0]));
} else if (inWorker) {
  const scope = self as unknown as WorkerScope;
  const engine = createEngine((message, transfer = []) => scope.postMessage(message, transfer));
  scope.onmessage = ({ data: request }) => {
    if (request.type === MessageType.Request) void engine.handle(request);
  };
}
