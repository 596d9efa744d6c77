import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { MediaEvent, ReadyState, initialSnapshot, type PlaybackSnapshot } from '../../playback-state.js';
import { RequestMethod, type LoadParams, type ParamsOf } from '../../worker/protocol.js';
import { EngineClient } from '../../worker/worker-client.js';

/** What the connection needs of the element: its shadow root (the canvases) and what to load. */
export interface EngineHost extends ReactiveControllerHost, HTMLElement {
  readonly renderRoot: HTMLElement | DocumentFragment;
  readonly hasUpdated: boolean;
  workerSrc: string | undefined;
}

export interface EngineConnectionOptions {
  /** There is a source to load (`src` or `srcObject`). */
  hasSource(): boolean;
  /** The load request for the current source and settings. */
  loadParams(): LoadParams;
  /** A media event, after the mirrored state took it; `previous` is the state before. */
  onEvent(name: MediaEvent, state: PlaybackSnapshot, previous: PlaybackSnapshot, detail?: unknown): void;
  /** The activity track grew (or was emptied). */
  onActivity(seconds: Float32Array): void;
}

/** OffscreenCanvas, and handing a page canvas over to one (every current browser; Safari since 16.4). */
export function canTransferCanvases(): boolean {
  return typeof OffscreenCanvas === 'function' && 'transferControlToOffscreen' in HTMLCanvasElement.prototype;
}

/**
 * The element's engine: starts the worker (or, where none can run, the same engine in the page),
 * hands it the canvases, and mirrors its state. `snapshot` is the worker's state as of its last
 * notification, never changed here ahead of it; `waiting` says playback stalled for data and has
 * not run since.
 */
export class EngineConnection implements ReactiveController {
  snapshot: PlaybackSnapshot = initialSnapshot();
  waiting = false;
  #host: EngineHost;
  #options: EngineConnectionOptions;
  #client: EngineClient | undefined;
  /** The worker could not start here (no module workers, or a CSP that blocks them): the engine runs in the page. */
  #engineInPage = typeof Worker !== 'function' || !canTransferCanvases();
  #canvasesAttached = false;
  /** Canvases transferred to a worker that has stopped since; they are replaced before the next transfer. */
  #canvasesSpent = false;
  /** Where the last seek asked for goes, until it is done: repeated keys add up from there. */
  #seekTarget: number | undefined;
  /** Seeks asked of the engine and not answered yet. */
  #seeksOut = 0;

  constructor(host: EngineHost, options: EngineConnectionOptions) {
    this.#host = host;
    this.#options = options;
    host.addController(this);
  }

  /** The running engine, if any. */
  get client(): EngineClient | undefined {
    return this.#client;
  }

  /** Where the position is going: the pending seek's target, else the current time. */
  get position(): number {
    return this.#seekTarget ?? this.snapshot.currentTimeMs / 1000;
  }

  /** The target of a seek not answered yet, once metadata is known (a `<video>` reads it at once). */
  get pendingSeek(): number | undefined {
    return this.snapshot.readyState === ReadyState.HaveNothing ? undefined : this.#seekTarget;
  }

  hostConnected(): void {
    // Back in a document after the worker was stopped: start again where a <video> would, from the source.
    if (this.#host.hasUpdated && !this.#client && this.#options.hasSource()) this.start();
  }

  hostDisconnected(): void {
    // A move (remove + insert in one task) keeps the worker; a removal stops it and frees the recording.
    queueMicrotask(() => {
      if (!this.#host.isConnected) this.stop();
    });
  }

  /** After the first render: the canvases exist now. */
  rendered(): void {
    if (this.#client) this.#attachCanvases();
    else if (this.#options.hasSource()) this.start();
  }

  /** The engine, started (with the current source) if it was not running. */
  ensure(): EngineClient {
    return this.#client ?? this.start();
  }

  /** Loads the source again from the start. */
  load(): void {
    if (this.#client) this.#sendLoad(this.#client);
    else this.start();
  }

  /** Sends a request whose answer nobody waits for (a stopped engine answers nothing). */
  tell<M extends RequestMethod>(method: M, params: ParamsOf<M>): void {
    this.#client?.request(method, params).catch(() => {});
  }

  /** Asks the engine to seek; settles when the seek is done or a newer one took over. */
  seek(seconds: number): Promise<void> {
    if (!Number.isFinite(seconds)) throw new TypeError(`cannot seek to ${seconds}`);
    this.#seekTarget = seconds;
    this.#seeksOut += 1;
    const done = () => {
      this.#seeksOut -= 1;
      if (this.#seekTarget === seconds) this.#seekTarget = undefined;
    };
    return (this.#client?.request(RequestMethod.Seek, { timeMs: seconds * 1000 }) ?? Promise.resolve()).then(done, done);
  }

  start(): EngineClient {
    const client = new EngineClient({
      workerSrc: this.#host.workerSrc ? new URL(this.#host.workerSrc, document.baseURI).href : undefined,
      inPage: this.#engineInPage,
      onEvent: ({ name, detail, state }) => this.#mirror(name, state, detail),
      onActivity: ({ seconds }) => this.#options.onActivity(seconds),
      onFailure: (error) => this.#failed(error),
    });
    this.#client = client;
    this.#canvasesAttached = false;
    if (this.#host.hasUpdated) this.#attachCanvases();
    if (this.#options.hasSource()) this.#sendLoad(client);
    return client;
  }

  stop(): void {
    if (!this.#client) return;
    this.#client.terminate();
    this.#client = undefined;
    this.#canvasesSpent = this.#canvasesAttached;
    this.#canvasesAttached = false;
    this.snapshot = initialSnapshot();
    this.#options.onActivity(new Float32Array(0));
  }

  #mirror(name: MediaEvent, state: PlaybackSnapshot, detail?: unknown): void {
    const previous = this.snapshot;
    this.snapshot = state;
    // The seek asked for last is done (its answer follows the event): the engine's position stands.
    if (name === MediaEvent.Seeked && this.#seekTarget !== undefined && (this.#seeksOut <= 1 || state.currentTimeMs === this.#seekTarget * 1000)) this.#seekTarget = undefined;
    // Before the event fires: a listener that awaits `updateComplete` sees the new state rendered.
    this.#host.requestUpdate();
    // The listeners still see whether playback had stalled before this event.
    this.#options.onEvent(name, state, previous, detail);
    if (name === MediaEvent.Waiting) this.waiting = true;
    else if (name === MediaEvent.LoadStart || name === MediaEvent.Emptied || name === MediaEvent.Playing || name === MediaEvent.Pause) this.waiting = false;
  }

  #failed(error: Error): void {
    const client = this.#client;
    const neverStarted = client && !client.started && !client.inPage;
    this.#client = undefined;
    this.#canvasesSpent = this.#canvasesAttached;
    this.#canvasesAttached = false;
    if (neverStarted) {
      // The same engine runs in the page instead: slower to share a thread with, but it plays.
      this.#engineInPage = true;
      this.start();
      return;
    }
    // No worker is left to report state; this is the one state the element sets itself.
    const message =
      client && !client.started
        ? // Neither a worker nor the page could run the engine: almost always a Content-Security-Policy.
          `The player could not start here: ${error.message}. If this page's Content-Security-Policy blocks blob: workers or scripts, set worker-src to the URL of recording.worker.js.`
        : error.message;
    this.#mirror(MediaEvent.Error, { ...initialSnapshot(), error: { reason: 'network', message, partial: false } });
  }

  #attachCanvases(): void {
    if (this.#canvasesAttached || !this.#client) return;
    const root = this.#host.renderRoot;
    // The screen layer, then the pointer layer.
    const canvases = () => [...root.querySelectorAll('.screen-layers canvas')] as [HTMLCanvasElement, HTMLCanvasElement];
    if (this.#canvasesSpent) {
      // A canvas hands its control to one OffscreenCanvas only, ever: a new worker needs new canvases.
      for (const canvas of canvases()) canvas.replaceWith(canvas.cloneNode(false));
      this.#canvasesSpent = false;
    }
    this.#canvasesAttached = true;
    const [screen, cursor] = canvases();
    if (!canTransferCanvases()) {
      // No OffscreenCanvas: the in-page engine paints on the elements themselves.
      this.tell(RequestMethod.Attach, { screen, cursor });
      return;
    }
    const transferred = { screen: screen.transferControlToOffscreen(), cursor: cursor.transferControlToOffscreen() };
    this.#client.request(RequestMethod.Attach, transferred, [transferred.screen, transferred.cursor]).catch(() => {});
  }

  #sendLoad(client: EngineClient): void {
    this.#seekTarget = undefined;
    client.request(RequestMethod.Load, this.#options.loadParams()).catch(() => {});
  }
}
