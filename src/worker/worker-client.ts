import {
  MessageType,
  fromErrorPayload,
  type EventMessage,
  type ParamsOf,
  type RequestMessage,
  type RequestMethod,
  type ResultOf,
  type WorkerMessage,
} from './protocol.js';
import { createPlayerWorker } from './worker-factory.js';

export interface WorkerClientOptions {
  /** URL of the worker script, for pages whose CSP or bundler setup needs it; default: beside this module. */
  workerSrc?: string;
  /** Every media event the worker fires, in order, with its state snapshot. */
  onEvent(message: EventMessage): void;
  /** The worker could not start or crashed; every pending request was rejected. */
  onFailure(error: Error): void;
}

interface Pending {
  resolve(result: unknown): void;
  reject(error: Error): void;
}

/** The page's side of the player worker: typed requests matched to responses by id. */
export class WorkerClient {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private terminated = false;

  constructor(private readonly options: WorkerClientOptions) {
    this.worker = createPlayerWorker(options.workerSrc);
    this.worker.addEventListener('message', (event: MessageEvent<WorkerMessage>) => this.handleMessage(event.data));
    this.worker.addEventListener('error', (event) => {
      event.preventDefault();
      this.fail(new Error(`the player worker failed${event.message ? `: ${event.message}` : ' to start'}`));
    });
  }

  request<M extends RequestMethod>(method: M, params: ParamsOf<M>, transfer: Transferable[] = []): Promise<ResultOf<M>> {
    if (this.terminated) return Promise.reject(new DOMException('the player worker has stopped', 'InvalidStateError'));
    const id = this.nextId++;
    const message: RequestMessage<M> = { type: MessageType.Request, id, method, params };
    return new Promise<ResultOf<M>>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (result: unknown) => void, reject });
      this.worker.postMessage(message, transfer);
    });
  }

  terminate(): void {
    if (this.terminated) return;
    this.terminated = true;
    this.worker.terminate();
    this.rejectAll(new DOMException('the player worker was stopped', 'AbortError'));
  }

  private handleMessage(message: WorkerMessage): void {
    if (message.type === MessageType.Event) {
      this.options.onEvent(message);
      return;
    }
    const pending = this.pending.get(message.id);
    if (!pending) return;
    this.pending.delete(message.id);
    if (message.ok) pending.resolve(message.result);
    else pending.reject(fromErrorPayload(message.error));
  }

  private fail(error: Error): void {
    this.terminated = true;
    this.worker.terminate();
    this.rejectAll(error);
    this.options.onFailure(error);
  }

  private rejectAll(error: Error): void {
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
  }
}
