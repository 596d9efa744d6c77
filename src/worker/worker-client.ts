import {
  MessageType,
  RequestMethod,
  fromErrorPayload,
  type ActivityMessage,
  type EventMessage,
  type ExportEvidenceParams,
  type ExportProgressMessage,
  type ExportVideoParams,
  type ParamsOf,
  type RequestMessage,
  type ResultOf,
  type WorkerMessage,
} from './protocol.js';
import type { Marker } from '../format/timeline.js';
// Types only: the markers' chunk itself loads when the first markers come.
import type { PageMarkers } from './page-markers.js';
import type { PlaybackSnapshot } from '../playback-state.js';
import type { PlayerEngine } from './engine.js';
import { createPlayerWorker, playerEngineUrl } from './worker-factory.js';

export interface EngineClientOptions {
  /** URL of the worker script, for pages whose CSP or bundler setup needs it; default: beside this module. */
  workerSrc?: string;
  /**
   * Runs the engine on the page instead of in a worker (where module workers cannot start). It
   * still works in slices, so the page stays responsive, but it shares the page's thread.
   */
  inPage?: boolean;
  /** Every media event the engine fires, in order, with its state snapshot. */
  onEvent(message: EventMessage): void;
  /** The activity track changed (throttled while loading; see `ActivityMessage`). */
  onActivity?(message: ActivityMessage): void;
  /** The engine could not start or crashed; every pending request was rejected. */
  onFailure(error: Error): void;
}

interface Pending {
  resolve(result: unknown): void;
  reject(error: Error): void;
}

/** How requests reach the engine, and how it is stopped. */
interface Transport {
  send(message: RequestMessage, transfer: Transferable[]): void;
  close(): void;
}

/** The markers behind each snapshot's `markers`, by snapshot. */
const tableOf = new WeakMap<PlaybackSnapshot, PageMarkers>();

/**
 * The markers of a snapshot as the page keeps them (columns, read by index), undefined while there
 * are none: what the rail and the keyboard read, so that 100,000 markers are not made objects until
 * `markers` itself is read.
 */
export function markerTableOf(snapshot: PlaybackSnapshot): PageMarkers | undefined {
  return tableOf.get(snapshot);
}

/** The page's side of the player engine: typed requests matched to responses by id, in a worker or in-page. */
export class EngineClient {
  readonly inPage: boolean;
  private readonly transport: Transport;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  /** Progress listeners of the running video exports, by export id. */
  private readonly exportProgress = new Map<number, (progress: ExportProgressMessage) => void>();
  private nextExportId = 1;
  private terminated = false;
  private heardFrom = false;
  /** The recording's metadata as last sent; every event's snapshot carries it. */
  private recording: PlaybackSnapshot['recording'] = {};
  /** The load's markers as the worker sent them: columns, made objects only when `markers` of a snapshot is read. */
  private markers: PageMarkers | undefined;
  /** The markers' chunk, once loaded (when the first markers came). */
  private pageMarkers: typeof import('./page-markers.js') | undefined;
  /** Messages held, in order, while that chunk loads. */
  private held: WorkerMessage[] | undefined;

  constructor(private readonly options: EngineClientOptions) {
    this.inPage = options.inPage ?? false;
    this.transport = this.inPage ? this.startInPage() : this.startWorker();
  }

  /** True once the engine answered or reported anything (a failure before that means it never started). */
  get started(): boolean {
    return this.heardFrom;
  }

  request<M extends RequestMethod>(method: M, params: ParamsOf<M>, transfer: Transferable[] = []): Promise<ResultOf<M>> {
    if (this.terminated) return Promise.reject(new DOMException('the player engine has stopped', 'InvalidStateError'));
    const id = this.nextId++;
    const message: RequestMessage<M> = { type: MessageType.Request, id, method, params };
    return new Promise<ResultOf<M>>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (result: unknown) => void, reject });
      this.transport.send(message, transfer);
    });
  }

  /**
   * Runs a video export in the engine. `onProgress` hears its progress notifications; aborting
   * `signal` cancels it (the promise then rejects with an AbortError).
   */
  exportVideo(params: Omit<ExportVideoParams, 'exportId'>, onProgress?: (progress: ExportProgressMessage) => void, signal?: AbortSignal): Promise<Blob> {
    return this.runExport(RequestMethod.ExportVideo, params, onProgress, signal);
  }

  /** Makes an evidence bundle in the engine; progress and cancellation as for `exportVideo`. */
  exportEvidence(params: Omit<ExportEvidenceParams, 'exportId'>, onProgress?: (progress: ExportProgressMessage) => void, signal?: AbortSignal): Promise<File> {
    return this.runExport(RequestMethod.ExportEvidence, params, onProgress, signal);
  }

  private runExport<M extends typeof RequestMethod.ExportVideo | typeof RequestMethod.ExportEvidence>(
    method: M,
    params: Omit<ParamsOf<M>, 'exportId'>,
    onProgress?: (progress: ExportProgressMessage) => void,
    signal?: AbortSignal,
  ): Promise<ResultOf<M>> {
    if (signal?.aborted) return Promise.reject(signal.reason instanceof DOMException ? signal.reason : new DOMException('the export was cancelled', 'AbortError'));
    const exportId = this.nextExportId++;
    if (onProgress) this.exportProgress.set(exportId, onProgress);
    const cancel = (): void => void this.request(RequestMethod.CancelExport, { exportId }).catch(() => {});
    signal?.addEventListener('abort', cancel, { once: true });
    return this.request(method, { ...params, exportId } as ParamsOf<M>).finally(() => {
      this.exportProgress.delete(exportId);
      signal?.removeEventListener('abort', cancel);
    });
  }

  terminate(): void {
    if (this.terminated) return;
    this.terminated = true;
    this.transport.close();
    this.rejectAll(new DOMException('the player engine was stopped', 'AbortError'));
  }

  private startWorker(): Transport {
    const worker = createPlayerWorker(this.options.workerSrc);
    worker.addEventListener('message', (event: MessageEvent<WorkerMessage>) => this.receive(event.data));
    worker.addEventListener('error', (event) => {
      event.preventDefault();
      this.fail(new Error(`the player worker failed${event.message ? `: ${event.message}` : ' to start'}`));
    });
    return { send: (message, transfer) => worker.postMessage(message, transfer), close: () => worker.terminate() };
  }

  private startInPage(): Transport {
    // Messages are copied and delivered in later microtasks, as a worker's would be: the snapshot
    // keeps changing after an event, and a handler calling back in must not re-enter the engine.
    const deliver = (message: WorkerMessage, transfer: Transferable[] = []): void => {
      const copy = structuredClone(message, { transfer });
      queueMicrotask(() => this.receive(copy));
    };
    const engine: Promise<PlayerEngine> = import(/* @vite-ignore */ playerEngineUrl(this.options.workerSrc)).then(
      (module: { createEngine(post: (message: WorkerMessage, transfer?: Transferable[]) => void): PlayerEngine }) => module.createEngine(deliver),
    );
    engine.catch((error: unknown) => this.fail(new Error(`the player engine could not be loaded: ${error instanceof Error ? error.message : String(error)}`)));
    const dispose: RequestMessage = { type: MessageType.Request, id: 0, method: RequestMethod.Dispose, params: undefined };
    return {
      send: (message) => void engine.then((running) => running.handle(message)),
      close: () => void engine.then((running) => running.handle(dispose), () => {}),
    };
  }

  private receive(message: WorkerMessage): void {
    if (this.terminated) return;
    this.heardFrom = true;
    if (this.held) {
      this.held.push(message);
      return;
    }
    if (message.type === MessageType.Metadata) {
      if (message.markersFrom === 0 && !message.markers.times.length) this.markers = undefined;
      else if (this.pageMarkers) this.markers = this.pageMarkers.withMarkers(this.markers, message);
      else {
        // The first markers: everything after them waits for the chunk that keeps them, in order.
        this.held = [message];
        import('./page-markers.js').then(
          (chunk) => {
            const held = this.held!;
            this.pageMarkers = chunk;
            this.held = undefined;
            for (const next of held) this.receive(next);
          },
          (error: Error) => this.fail(error),
        );
        return;
      }
      this.recording = message.recording;
      return;
    }
    if (message.type === MessageType.Event) {
      const markers = this.markers;
      const count = markers?.length ?? 0;
      const state = { ...message.state, recording: this.recording } as PlaybackSnapshot;
      // Made when read, as the snapshot had them.
      let list: Marker[] | undefined;
      Object.defineProperty(state, 'markers', { get: () => (list ??= markers?.first(count) ?? []), enumerable: true });
      if (markers) tableOf.set(state, markers);
      this.options.onEvent({ ...message, state });
      return;
    }
    if (message.type === MessageType.ExportProgress) {
      this.exportProgress.get(message.exportId)?.(message);
      return;
    }
    if (message.type === MessageType.Activity) {
      this.options.onActivity?.(message);
      return;
    }
    // Keyframe progress is for whoever watches the engine (the tests); the element does not use it.
    if (message.type === MessageType.Keyframes) return;
    const pending = this.pending.get(message.id);
    if (!pending) return;
    this.pending.delete(message.id);
    if (message.ok) pending.resolve(message.result);
    else pending.reject(fromErrorPayload(message.error));
  }

  private fail(error: Error): void {
    if (this.terminated) return;
    this.terminated = true;
    this.transport?.close();
    this.rejectAll(error);
    this.options.onFailure(error);
  }

  private rejectAll(error: Error): void {
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
  }
}
