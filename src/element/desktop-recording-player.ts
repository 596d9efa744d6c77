import { LitElement, html, nothing, svg, type PropertyValues } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { mediaErrorCodeOf, type ErrorReason, type MediaErrorCode } from '../format/errors.js';
import type { RecordingInfo } from '../format/timeline.js';
import { MediaEvent, PLAYBACK_RATE_RANGE, Preload, ReadyState, initialSnapshot, type PlaybackSnapshot } from '../playback-state.js';
import { RequestMethod, type EventMessage, type LoadParams, type SourceParam } from '../worker/protocol.js';
import { EngineClient } from '../worker/worker-client.js';
import { styles } from './desktop-recording-player.styles.js';
import { describePosition, formatClock, mediaFragmentStart, parseTimeOffset } from './format-time.js';

/** `error` of the element: `MediaError`'s `code` and `message`, plus the contract's `reason` and `partial`. */
export interface PlayerError {
  code: MediaErrorCode;
  message: string;
  reason: ErrorReason;
  /** Part of the recording decoded before the failure; that part stays playable and seekable. */
  partial: boolean;
}

/** A point of interest on the timeline (contract §3.2); `time` in seconds. */
export interface PlayerMarker {
  time: number;
  type: string;
  code: string;
  label: string;
  detail: Record<string, string | number | boolean>;
}

/** `buffered` / `seekable`, shaped like `TimeRanges`. */
export interface TimeRangesLike {
  readonly length: number;
  start(index: number): number;
  end(index: number): number;
}

export interface CaptureFrameOptions {
  /** Image type, default `image/png`. */
  type?: string;
  /** 0–1, for lossy types. */
  quality?: number;
}

/** What `getVideoPlaybackQuality()` returns: `VideoPlaybackQuality`'s fields, counted in screen tiles. */
export interface PlaybackQuality {
  readonly creationTime: number;
  readonly totalVideoFrames: number;
  readonly droppedVideoFrames: number;
  readonly corruptedVideoFrames: number;
}

export type Fit = 'contain' | 'cover' | 'fill' | 'none';

/** OffscreenCanvas, and handing a page canvas over to one (every current browser; Safari since 16.4). */
function canTransferCanvases(): boolean {
  return typeof OffscreenCanvas === 'function' && 'transferControlToOffscreen' in HTMLCanvasElement.prototype;
}

const SPEEDS = [0.25, 0.5, 1, 1.5, 2, 4, 8, 16, 32];
const KEYBOARD_SEEK_SECONDS = 5;

const playIcon = svg`<path d="M3 1.5v13l11-6.5z" />`;
const pauseIcon = svg`<path d="M3 1.5h3.5v13H3zM9.5 1.5H13v13H9.5z" />`;

/**
 * Plays back a Teleport desktop session recording, with the properties, methods and events of
 * `<video>`. Reading, decoding and painting happen in a worker; the element mirrors its state.
 *
 * @summary A `<video>`-like player for desktop session recordings.
 *
 * @fires loadstart - Loading of a recording began.
 * @fires progress - More of the recording was read.
 * @fires durationchange - `duration` changed (it grows while a file streams in).
 * @fires loadedmetadata - Duration and screen size are known.
 * @fires loadeddata - The frame at the current position is painted.
 * @fires canplay - Playback can start.
 * @fires canplaythrough - The whole recording is loaded.
 * @fires play - `paused` became false.
 * @fires playing - Playback runs.
 * @fires pause - `paused` became true.
 * @fires waiting - Playback waits for more of the recording.
 * @fires seeking - A seek started.
 * @fires seeked - A seek finished; the screen shows the new position.
 * @fires timeupdate - `currentTime` changed (about 4 times a second while playing).
 * @fires ratechange - `playbackRate` changed.
 * @fires ended - Playback reached the end.
 * @fires error - Loading failed; see `error`.
 * @fires emptied - The previous recording was unloaded.
 * @fires resize - The remote screen size changed.
 * @fires marker - Playback crossed a marker (`CustomEvent`, `detail` is the `PlayerMarker`).
 *
 * @csspart screen - The canvas with the remote screen.
 * @csspart cursor - The canvas with the recorded mouse pointer, above the screen.
 * @csspart loading - The loading indicator.
 * @csspart error - The error message.
 * @csspart controls - The built-in control bar.
 *
 * @cssproperty --drp-background - Behind the screen (default black).
 * @cssproperty --drp-accent-color - The seek slider.
 */
export class DesktopRecordingPlayer extends LitElement {
  static override styles = styles;

  private client: EngineClient | undefined;
  /** The worker could not start here (no module workers, or a CSP that blocks them): the engine runs in the page. */
  private engineInPage = typeof Worker !== 'function' || !canTransferCanvases();
  private canvasesAttached = false;
  /** Canvases transferred to a worker that has stopped since; they are replaced before the next transfer. */
  private canvasesSpent = false;
  private srcValue = '';
  private srcObjectValue: Blob | ArrayBuffer | null = null;
  /** The rate asked for through `playbackRate`; it carries over to the next recording. */
  private requestedRate: number | undefined;
  private scrubValue: number | undefined;

  @query('.screen') private screenCanvas!: HTMLCanvasElement;
  @query('.cursor') private cursorCanvas!: HTMLCanvasElement;

  /** The worker's state, as of its last notification; never changed here ahead of it. */
  @state() private snapshot: PlaybackSnapshot = initialSnapshot();

  /** Start playing once playable. */
  @property({ type: Boolean, reflect: true }) autoplay = false;
  /** Restart at the end. */
  @property({ type: Boolean, reflect: true }) loop = false;
  /** Show the built-in controls. */
  @property({ type: Boolean, reflect: true }) controls = false;
  /** `none` (read the file on the first `play()`), `metadata` or `auto` (default). */
  @property({ reflect: true }) preload: Preload = Preload.Auto;
  /** How the screen fills the element: `contain` (default), `cover`, `fill` or `none`. */
  @property({ reflect: true }) fit: Fit = 'contain';
  /** Where playback starts: seconds or `[hh:]mm:ss`. */
  @property({ attribute: 'start-at' }) startAt: string | number | undefined;
  /** Seconds: quiet gaps (no screen change but a blinking caret, no pointer input) longer than this play in this long. 0 = off. */
  @property({ attribute: 'idle-limit', type: Number, reflect: true }) idleLimit = 0;

  /** Seconds: the length of a recording whose source cannot tell it up front (a server-paced websocket). */
  @property({ attribute: 'duration-hint', type: Number, reflect: true }) durationHint = 0;

  /**
   * Sent as `{"token": …}` first on a playback websocket. A property only: a token never goes in an
   * attribute or a URL. Takes effect at the next load.
   */
  authToken: string | undefined;
  /** Image shown until the first frame of the recording is painted. */
  @property({ reflect: true }) poster: string | undefined;
  /** URL of the worker script, for pages whose CSP or bundling needs it. */
  @property({ attribute: 'worker-src' }) workerSrc: string | undefined;
  /** The rate `playbackRate` starts at for a recording when it was never set. */
  @property({ attribute: false }) defaultPlaybackRate = 1;

  /** URL of the recording (http(s), relative, `blob:`, `data:`); `#t=` sets the start position. */
  @property({ reflect: true })
  get src(): string {
    return this.srcValue;
  }
  set src(value: string) {
    this.srcValue = value ?? '';
    this.sourceChanged();
  }

  /** A recording in memory (`Blob`, `File`, `ArrayBuffer`); takes precedence over `src`. */
  @property({ attribute: false })
  get srcObject(): Blob | ArrayBuffer | null {
    return this.srcObjectValue;
  }
  set srcObject(value: Blob | ArrayBuffer | null) {
    this.srcObjectValue = value ?? null;
    this.sourceChanged();
  }

  /** Speed, default 1; 0.0625–16. */
  @property({ attribute: 'playbackrate', type: Number })
  get playbackRate(): number {
    return this.snapshot.playbackRate;
  }
  set playbackRate(value: number | null) {
    const rate = value ?? 1;
    if (!Number.isFinite(rate)) throw new TypeError(`playbackRate must be a finite number, got ${rate}`);
    if (rate < PLAYBACK_RATE_RANGE.min || rate > PLAYBACK_RATE_RANGE.max) {
      throw new DOMException(`playback rate ${rate} is not supported (${PLAYBACK_RATE_RANGE.min}–${PLAYBACK_RATE_RANGE.max})`, 'NotSupportedError');
    }
    this.requestedRate = rate;
    this.client?.request(RequestMethod.SetRate, { rate }).catch(() => {});
  }

  constructor() {
    super();
    this.addEventListener('keydown', this.handleKeydown);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (!this.hasAttribute('tabindex')) this.tabIndex = 0;
    // Back in a document after the worker was stopped: start again where a <video> would, from the source.
    if (this.hasUpdated && !this.client && this.hasSource()) this.startWorker();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    // A move (remove + insert in one task) keeps the worker; a removal stops it and frees the recording.
    queueMicrotask(() => {
      if (!this.isConnected) this.stopWorker();
    });
  }

  protected override firstUpdated(): void {
    if (this.client) this.attachCanvases();
    else if (this.hasSource()) this.startWorker();
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has('loop') && this.client) this.client.request(RequestMethod.SetLoop, { loop: this.loop }).catch(() => {});
    if (changed.has('idleLimit') && this.client) this.client.request(RequestMethod.SetIdleLimit, { idleLimitMs: this.idleLimitMs() }).catch(() => {});
  }

  private hasSource(): boolean {
    return this.srcObjectValue !== null || this.srcValue !== '';
  }

  private sourceChanged(): void {
    // Synchronous, so `el.src = url; el.play()` reaches the worker in that order. Before the first
    // render, `firstUpdated` (or the first method that needs the worker) starts it with this source.
    if (this.client || this.hasUpdated) this.load();
  }

  private startWorker(): EngineClient {
    const client = new EngineClient({
      workerSrc: this.workerSrc ? new URL(this.workerSrc, document.baseURI).href : undefined,
      inPage: this.engineInPage,
      onEvent: (message) => this.handleWorkerEvent(message),
      onFailure: (error) => this.handleWorkerFailure(error),
    });
    this.client = client;
    this.canvasesAttached = false;
    if (this.hasUpdated) this.attachCanvases();
    if (this.hasSource()) this.sendLoad(client);
    return client;
  }

  private stopWorker(): void {
    if (!this.client) return;
    this.client.terminate();
    this.client = undefined;
    this.canvasesSpent = this.canvasesAttached;
    this.canvasesAttached = false;
    this.snapshot = initialSnapshot();
  }

  private worker(): EngineClient {
    return this.client ?? this.startWorker();
  }

  private attachCanvases(): void {
    if (this.canvasesAttached || !this.client) return;
    if (this.canvasesSpent) {
      // A canvas hands its control to one OffscreenCanvas only, ever: a new worker needs new canvases.
      for (const canvas of [this.screenCanvas, this.cursorCanvas]) canvas.replaceWith(canvas.cloneNode(false));
      this.canvasesSpent = false;
    }
    this.canvasesAttached = true;
    if (!canTransferCanvases()) {
      // No OffscreenCanvas: the in-page engine paints on the elements themselves.
      this.client.request(RequestMethod.Attach, { screen: this.screenCanvas, cursor: this.cursorCanvas }).catch(() => {});
      return;
    }
    const screen = this.screenCanvas.transferControlToOffscreen();
    const cursor = this.cursorCanvas.transferControlToOffscreen();
    this.client.request(RequestMethod.Attach, { screen, cursor }, [screen, cursor]).catch(() => {});
  }

  private sendLoad(client: EngineClient): void {
    const source: SourceParam = this.srcObjectValue ?? (this.srcValue ? new URL(this.srcValue, document.baseURI).href : null);
    const startAt = parseTimeOffset(this.startAt) ?? (this.srcObjectValue ? undefined : mediaFragmentStart(this.srcValue)) ?? 0;
    const params: LoadParams = {
      source,
      preload: Object.values(Preload).includes(this.preload) ? this.preload : Preload.Auto,
      autoplay: this.autoplay,
      loop: this.loop,
      startAtMs: startAt * 1000,
      playbackRate: this.requestedRate ?? this.defaultPlaybackRate,
      idleLimitMs: this.idleLimitMs(),
      durationHintMs: Number.isFinite(this.durationHint) && this.durationHint > 0 ? this.durationHint * 1000 : 0,
      authToken: this.authToken,
    };
    client.request(RequestMethod.Load, params).catch(() => {});
  }

  private idleLimitMs(): number {
    return Number.isFinite(this.idleLimit) && this.idleLimit > 0 ? this.idleLimit * 1000 : 0;
  }

  private seekTo(seconds: number): void {
    if (!Number.isFinite(seconds)) throw new TypeError(`cannot seek to ${seconds}`);
    this.client?.request(RequestMethod.Seek, { timeMs: seconds * 1000 }).catch(() => {});
  }

  private handleWorkerEvent({ name, detail, state }: EventMessage): void {
    this.snapshot = state;
    if (name === MediaEvent.Marker) {
      this.dispatchEvent(new CustomEvent(MediaEvent.Marker, { detail: toPlayerMarker(detail as PlaybackSnapshot['markers'][number]) }));
    } else {
      this.dispatchEvent(new Event(name));
    }
  }

  private handleWorkerFailure(error: Error): void {
    const neverStarted = this.client && !this.client.started && !this.client.inPage;
    this.client = undefined;
    this.canvasesSpent = this.canvasesAttached;
    this.canvasesAttached = false;
    if (neverStarted) {
      // The same engine runs in the page instead: slower to share a thread with, but it plays.
      this.engineInPage = true;
      this.startWorker();
      return;
    }
    // No worker is left to report state; this is the one state the element sets itself.
    this.snapshot = { ...initialSnapshot(), error: { reason: 'network', message: error.message, partial: false } };
    this.dispatchEvent(new Event(MediaEvent.Error));
  }

  private handleKeydown = (event: KeyboardEvent): void => {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
    const origin = event.composedPath()[0];
    // Buttons, sliders and menus handle their own keys.
    if (origin instanceof HTMLButtonElement || origin instanceof HTMLInputElement || origin instanceof HTMLSelectElement) return;
    switch (event.key) {
      case ' ':
      case 'k':
        this.togglePlay();
        break;
      case 'ArrowLeft':
        this.seekBy(-KEYBOARD_SEEK_SECONDS);
        break;
      case 'ArrowRight':
        this.seekBy(KEYBOARD_SEEK_SECONDS);
        break;
      default:
        return;
    }
    event.preventDefault();
  };

  private handlePlayClick = (): void => this.togglePlay();

  private handleSeekInput = (event: Event): void => {
    const seconds = Number((event.target as HTMLInputElement).value);
    this.scrubValue = seconds;
    this.currentTime = seconds;
  };

  private handleSeekEnd = (): void => {
    this.scrubValue = undefined;
    this.requestUpdate();
  };

  private handleSpeedChange = (event: Event): void => {
    this.playbackRate = Number((event.target as HTMLSelectElement).value);
  };

  private togglePlay(): void {
    if (this.paused) this.play().catch(() => {});
    else this.pause();
  }

  private seekBy(seconds: number): void {
    if (this.readyState === ReadyState.HaveNothing) return;
    const duration = Number.isFinite(this.duration) ? this.duration : Infinity;
    this.currentTime = Math.min(Math.max(0, this.currentTime + seconds), duration);
  }

  /** The position in seconds; setting it seeks. */
  get currentTime(): number {
    return this.snapshot.currentTimeMs / 1000;
  }
  set currentTime(seconds: number) {
    this.seekTo(seconds);
  }

  /** Length in seconds: NaN before metadata, grows while a file streams in, final once `canplaythrough` fired. */
  get duration(): number {
    return this.snapshot.durationMs / 1000;
  }

  get paused(): boolean {
    return this.snapshot.paused;
  }

  get ended(): boolean {
    return this.snapshot.ended;
  }

  get seeking(): boolean {
    return this.snapshot.seeking;
  }

  /** 0–4, as `HTMLMediaElement.readyState`. */
  get readyState(): ReadyState {
    return this.snapshot.readyState;
  }

  /** The remote screen's width at the current position, in pixels. */
  get videoWidth(): number {
    return this.snapshot.videoWidth;
  }

  get videoHeight(): number {
    return this.snapshot.videoHeight;
  }

  /** `null`, or why the recording could not be (fully) loaded. */
  get error(): PlayerError | null {
    const error = this.snapshot.error;
    return error && { code: mediaErrorCodeOf[error.reason], message: error.message, reason: error.reason, partial: error.partial };
  }

  /** Session metadata from the file (user, desktop, start and end…). */
  get recording(): RecordingInfo {
    return this.snapshot.recording;
  }

  /** Audit events on the timeline (clipboard, shared directories, session start/end, alerts), times in seconds. */
  get markers(): PlayerMarker[] {
    return this.snapshot.markers.map(toPlayerMarker);
  }

  /** Wall-clock time of position 0, when the file says. */
  get startDate(): Date | null {
    return this.snapshot.startDateMs === null ? null : new Date(this.snapshot.startDateMs);
  }

  get buffered(): TimeRangesLike {
    return timeRanges(this.snapshot.readyState >= ReadyState.HaveMetadata ? this.snapshot.bufferedMs / 1000 : undefined);
  }

  get seekable(): TimeRangesLike {
    return this.buffered;
  }

  /** Starts playback; resolves when it runs and rejects, as `<video>` does, when there is nothing to play. */
  play(): Promise<void> {
    const error = this.snapshot.error;
    if (error && !error.partial) return Promise.reject(new DOMException(error.message, 'NotSupportedError'));
    if (!this.hasSource()) return Promise.reject(new DOMException('there is no recording to play (no src)', 'NotSupportedError'));
    return this.worker().request(RequestMethod.Play, undefined);
  }

  pause(): void {
    this.client?.request(RequestMethod.Pause, undefined).catch(() => {});
  }

  /** Loads the source again from the start. */
  load(): void {
    if (this.client) this.sendLoad(this.client);
    else this.startWorker();
  }

  /** Seeks to the previous (-1) or next (1) change of the screen, like a video player's frame step. */
  stepScreenChange(direction: 1 | -1): Promise<void> {
    if (!this.client) return Promise.resolve();
    return this.client.request(RequestMethod.StepScreen, { direction });
  }

  /** Seeks to `seconds` (exact in this player: the screen is rebuilt there). */
  fastSeek(seconds: number): void {
    this.seekTo(seconds);
  }

  /**
   * Painting figures, like `<video>`'s: `totalVideoFrames` counts the screen tiles that fell due
   * while playing, `droppedVideoFrames` those skipped because a later tile covered them before
   * they could be painted (high speeds), `corruptedVideoFrames` tiles whose image did not decode.
   */
  getVideoPlaybackQuality(): PlaybackQuality {
    const { tilesDue, tilesSkipped, undecodableTiles } = this.snapshot;
    return { creationTime: performance.now(), totalVideoFrames: tilesDue, droppedVideoFrames: tilesSkipped, corruptedVideoFrames: undecodableTiles };
  }

  /** The remote screen at `currentTime` as an image: no pointer, no controls, full recorded size. */
  captureFrame(options: CaptureFrameOptions = {}): Promise<Blob> {
    return this.worker().request(RequestMethod.CaptureFrame, { type: options.type, quality: options.quality });
  }

  protected override render() {
    const snapshot = this.snapshot;
    const loading = this.hasSource() && !snapshot.error && snapshot.readyState < ReadyState.HaveCurrentData;
    return html`
      <div class="stage">
        <div class="screen-layers" role="img" aria-label=${this.describeScreen()}>
          <canvas class="screen" part="screen"></canvas>
          <canvas class="cursor" part="cursor"></canvas>
        </div>
        ${this.poster && snapshot.readyState < ReadyState.HaveCurrentData
          ? html`<img class="poster" part="poster" src=${this.poster} alt="" />`
          : nothing}
        <div class="loading" part="loading" role="status" ?hidden=${!loading}>${loading ? 'Loading recording…' : ''}</div>
        <div class="error" part="error" role="alert" ?hidden=${!snapshot.error}>
          ${snapshot.error
            ? html`<span class="error__title">${snapshot.error.partial ? 'Part of this recording could not be read' : 'This recording cannot be played'}</span>
                <span class="error__message">${snapshot.error.message}</span>`
            : nothing}
        </div>
        ${this.controls ? this.renderControls() : nothing}
      </div>
    `;
  }

  private renderControls() {
    const snapshot = this.snapshot;
    const current = snapshot.currentTimeMs / 1000;
    const duration = Number.isFinite(snapshot.durationMs) ? snapshot.durationMs / 1000 : 0;
    const rate = snapshot.playbackRate;
    const speeds = SPEEDS.includes(rate) ? SPEEDS : [...SPEEDS, rate].sort((a, b) => a - b);
    const noMedia = snapshot.readyState === ReadyState.HaveNothing;
    return html`
      <div class="controls" part="controls" @pointerup=${this.handleSeekEnd}>
        <button type="button" class="play" aria-label=${snapshot.paused ? 'Play' : 'Pause'} ?disabled=${!this.hasSource()} @click=${this.handlePlayClick}>
          <svg viewBox="0 0 16 16" aria-hidden="true">${snapshot.paused ? playIcon : pauseIcon}</svg>
        </button>
        <input
          class="seek"
          type="range"
          aria-label="Seek"
          min="0"
          max=${duration}
          step="any"
          .value=${String(this.scrubValue ?? current)}
          aria-valuetext=${describePosition(current, duration)}
          ?disabled=${noMedia}
          @input=${this.handleSeekInput}
          @change=${this.handleSeekEnd}
        />
        <span class="time" aria-hidden="true">${formatClock(current)} / ${formatClock(duration)}</span>
        <label class="speed">
          <span class="visually-hidden">Playback speed</span>
          <select @change=${this.handleSpeedChange}>
            ${speeds.map((speed) => html`<option value=${speed} ?selected=${speed === rate}>${speed}×</option>`)}
          </select>
        </label>
      </div>
    `;
  }

  private describeScreen(): string {
    const who = this.snapshot.recording.user;
    const desktop = this.snapshot.recording.desktopName ?? this.snapshot.recording.desktopAddr;
    if (who && desktop) return `Desktop session recording: ${who} on ${desktop}`;
    return 'Desktop session recording';
  }
}

function toPlayerMarker(marker: PlaybackSnapshot['markers'][number]): PlayerMarker {
  return { time: marker.timeMs / 1000, type: marker.type, code: marker.code, label: marker.label, detail: marker.detail };
}

function timeRanges(end: number | undefined): TimeRangesLike {
  const ranges = end === undefined ? [] : [[0, end] as const];
  const at = (index: number): readonly [number, number] => {
    const range = ranges[index];
    if (!range) throw new DOMException(`no time range at index ${index}`, 'IndexSizeError');
    return range;
  };
  return { length: ranges.length, start: (index) => at(index)[0], end: (index) => at(index)[1] };
}
