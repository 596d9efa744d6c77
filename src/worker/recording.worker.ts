/**
 * The player worker: reads, schedules and paints a recording off the main thread. It owns the
 * playback state; the page sends requests and mirrors the snapshots that come back. The same
 * module, imported by a page that cannot start it as a worker, exports the engine to run in-page.
 */
import { createEngine } from './engine.js';
import { MessageType, type RequestMessage, type WorkerMessage } from './protocol.js';

export { createEngine } from './engine.js';

// The project's lib is DOM; only these members of the dedicated worker scope are used.
interface WorkerScope {
  onmessage: ((event: MessageEvent<RequestMessage>) => void) | null;
  postMessage(message: WorkerMessage, transfer: Transferable[]): void;
}

const inWorker = typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope !== 'undefined';
if (inWorker) {
  const scope = self as unknown as WorkerScope;
  const engine = createEngine((message, transfer = []) => scope.postMessage(message, transfer));
  scope.onmessage = ({ data: request }) => {
    if (request.type === MessageType.Request) void engine.handle(request);
  };
}
