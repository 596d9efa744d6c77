import { LitElement, html, nothing, type PropertyDeclarations, type PropertyValues, type SVGTemplateResult, type TemplateResult } from 'lit';
import { mediaErrorCodeOf, type ErrorReason, type MediaErrorCode } from '../format/errors.js';
import type { Marker, RecordingInfo } from '../format/timeline.js';
import { MediaEvent, PLAYBACK_RATE_RANGE, Preload, ReadyState, initialSnapshot, type PlaybackSnapshot } from '../playback-state.js';
import { RequestMethod, type EventMessage, type ExportProgressMessage, type LoadParams, type SourceParam, type TextSearchHit, type TextSearchOptions } from '../worker/protocol.js';
import { EngineClient } from '../worker/worker-client.js';
import { styles } from './desktop-recording-player.styles.js';
import { describePosition, fileStamp, formatClock, formatWallClock, mediaFragmentStart, parseTimeOffset } from './format-time.js';
import { icons } from './icons.js';
import { markerLabel } from './marker-labels.js';
import { addStrings, fill, stringsFor, type Strings } from './strings.js';

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

/** What `exportVideo()` renders, and how. */
export interface ExportVideoOptions {
  /** Seconds, like `currentTime`: where the video starts (default 0). */
  start?: number;
  /** Seconds: where it ends (default the end of the recording). */
  end?: number;
  /** `video/mp4` (H.264, default), `video/webm;codecs=vp9`, `video/webm;codecs=av1`, … */
  type?: string;
  /** Width in pixels, default the recorded width; the height keeps the aspect (even). */
  width?: number;
  /** Frame-rate cap, default 30: a frame is written only when the screen or the pointer changed. */
  fps?: number;
  /** How far the export is: `fraction` 0–1 of the video's duration, `frames` encoded so far. */
  onProgress?: (fraction: number, frames: number) => void;
  /** Aborting it cancels the export: the promise rejects with an `AbortError`. */
  signal?: AbortSignal;
}

/** What `getVideoPlaybackQuality()` returns: `VideoPlaybackQuality`'s fields, counted in screen tiles. */
export interface PlaybackQuality {
  readonly creationTime: number;
  readonly totalVideoFrames: number;
  readonly droppedVideoFrames: number;
  readonly corruptedVideoFrames: number;
}

export type Fit = 'contain' | 'cover' | 'fill' | 'none';

/** The events of `<desktop-recording-player>`: those of any element, the media events, `marker` and `activitychange`. */
export interface DesktopRecordingPlayerEventMap extends HTMLElementEventMap {
  /** Playback crossed a marker. */
  marker: CustomEvent<PlayerMarker>;
  /** `activity` changed. */
  activitychange: Event;
  /** The text index searches read was loaded (or grew): how much of the recording it covers. */
  textindexprogress: CustomEvent<TextIndexProgress>;
}

/** `textindexprogress`'s detail: seconds of the recording the text index covers, of its length. */
export interface TextIndexProgress {
  covered: number;
  duration: number;
  /** The whole recording is indexed. */
  complete: boolean;
}

export type { TextSearchHit, TextSearchOptions };

/** OffscreenCanvas, and handing a page canvas over to one (every current browser; Safari since 16.4). */
function canTransferCanvases(): boolean {
  return typeof OffscreenCanvas === 'function' && 'transferControlToOffscreen' in HTMLCanvasElement.prototype;
}

/** The speed menu and the `<` / `>` keys step through these. */
const SPEEDS = [0.25, 0.5, 1, 1.5, 2, 4, 8, 16, 32];
/** Seconds moved by ←/→ (and ↑/↓ on the slider), by j/l, and by PageUp/PageDown on the slider. */
const ARROW_STEP = 5;
const JL_STEP = 10;
const PAGE_STEP = 60;
/** While playing, the controls hide after this long without pointer, touch or keyboard activity. */
const HIDE_CONTROLS_AFTER_MS = 2500;
/** While the seek slider is dragged, at most one seek per this long (the engine drops stale seeks). */
const SCRUB_INTERVAL_MS = 60;
/** The `idle-limit` the skip-idle button sets when the page set none. */
const DEFAULT_IDLE_LIMIT = 2;
/** Seconds: a live recording played this close to its live edge is at the edge ("Live", not "Go live"). */
const LIVE_EDGE_SLACK = 2;

/** The panels the controls open; each name is also the id of its title in the strings table. */
type Panel = 'markers' | 'info' | 'help';

/** The colour group of a marker (`--drp-marker-<group>`): failures, alerts and errors first. */
function markerGroup({ type, detail }: Marker): string {
  if (detail.success === false || /alert|error/.test(type)) return 'alert';
  return /clipboard/.test(type) ? 'clipboard' : /directory/.test(type) ? 'directory' : 'session';
}

const clamp = (value: number, min: number, max: number): number => Math.min(Math.max(value, min), max);

/**
 * Keys of the element's that a player skin handles too (media-chrome's `<media-controller>`: play,
 * seek, volume, full screen, speed, help). As the skin's `slot="media"` the element leaves them to
 * it, so no key acts twice, and keeps the rest (Home, End, 0–9, `,` `.`, `[` `]`, Escape).
 */
const SKIN_KEYS = [' ', 'k', 'j', 'l', 'f', '<', '>', '?', 'ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown'];

/** Players in a document, re-rendered when a language's texts are registered. */
const connectedPlayers = new Set<DesktopRecordingPlayer>();

/**
 * Plays back a Teleport desktop session recording, with the properties, methods and events of
 * `<video>`. Reading, decoding and painting happen in a worker; the element mirrors its state.
 *
 * With `controls`: a seek slider (APG slider pattern; drag to scrub, markers as ticks, buffered
 * range, a tooltip with the time and a thumbnail of the screen there), play/pause, elapsed time or
 * time of day, speed, idle skipping, the marker list, session info, frame capture, a link to the
 * current time, keyboard help and full screen.
 * Keyboard shortcuts work whenever focus is in the player (`?` lists them). Texts follow the
 * element's `lang` or its nearest ancestor's (English built in, German from
 * `desktop-recording-player/strings/de`, others through `registerStrings()`).
 *
 * Without `controls` an outside skin can drive it like a `<video>`: as the `slot="media"` of
 * media-chrome's `<media-controller>`, media-chrome's buttons, time range and keys work, and the
 * element leaves the keys the skin handles to it. A recording is silent: `muted` is always true
 * and `volume` 0; it has no text or audio tracks.
 *
 * @summary A `<video>`-like player for desktop session recordings.
 *
 * @attr lang - Language of the texts, as on any element (`de`, `de-AT`); without it, the nearest ancestor's `lang`.
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
 * @fires {CustomEvent<PlayerMarker>} marker - Playback crossed a marker; `detail` is the `PlayerMarker`.
 * @fires {CustomEvent<TextIndexProgress>} textindexprogress - The text index that `search()` reads was loaded: `detail.covered` of `detail.duration` seconds are indexed.
 * @fires activitychange - `activity` changed: more of the recording was measured (at most twice a second while it loads, once when it is loaded), or a new recording began (empty).
 *
 * @csspart screen - The canvas with the remote screen.
 * @csspart cursor - The canvas with the recorded mouse pointer, above the screen.
 * @csspart poster - The poster image.
 * @csspart status - The loading, buffering and seeking indicator.
 * @csspart loading - The same indicator as `status`.
 * @csspart error - The error message.
 * @csspart controls - The built-in controls (timeline and button bar).
 * @csspart timeline - The seek slider with its marker ticks and tooltip.
 * @csspart slider - The seek slider (`role="slider"`); its rail shows the played and buffered ranges.
 * @csspart activity - The activity heatmap under the slider's rail (a canvas; decoration, hidden from assistive technology): how much of the screen changed, second by second.
 * @csspart tick - A marker on the timeline; each also has one of the four parts below.
 * @csspart tick-clipboard - A clipboard marker.
 * @csspart tick-directory - A shared-directory marker.
 * @csspart tick-session - A session start or end marker.
 * @csspart tick-alert - An alert, an error or a failed operation.
 * @csspart tooltip - The time (and marker) at the pointer over the timeline.
 * @csspart thumbnail - The screen at that time, small (160 CSS px wide), in the tooltip above the time (a canvas; shown once rendered, hidden while dragging).
 * @csspart button - Every button; each also has its own part below.
 * @csspart play-button - Play / pause.
 * @csspart time-button - Elapsed time / duration, or time of day; switches between them.
 * @csspart speed - The playback speed menu (a `<select>`).
 * @csspart idle-button - Skip idle time on / off.
 * @csspart markers-button - Opens the marker list.
 * @csspart info-button - Opens the session info.
 * @csspart capture-button - Saves the current frame as PNG.
 * @csspart export-button - Exports the recording as an MP4 video (pressed while exporting; pressing it again cancels).
 * @csspart export-progress - The export's progress, with its cancel button (also a `toast`).
 * @csspart cancel-button - Cancels the export.
 * @csspart link-button - Copies a link to the current time.
 * @csspart help-button - Opens the keyboard shortcuts.
 * @csspart fullscreen-button - Full screen on / off.
 * @csspart panel - An open panel (dialog); each also has one of the three parts below.
 * @csspart markers-panel - The marker list.
 * @csspart info-panel - The session info.
 * @csspart help-panel - The keyboard shortcuts.
 * @csspart close-button - A panel's close button.
 * @csspart dismiss-button - Hides the message about a partly damaged recording.
 * @csspart toast - The confirmation after copying a link (or the link to copy by hand).
 * @csspart live - The live badge of a recording still being written: "Live" at the live edge, a "Go live" button behind it.
 *
 * @cssprop --drp-background - Behind the screen (default black).
 * @cssprop --drp-font - Font of the controls (default `13px/1.3 system-ui, sans-serif`).
 * @cssprop --drp-accent-color - Played part of the slider, its thumb, pressed buttons.
 * @cssprop --drp-controls-background - Behind the controls, panels and tooltips (theme-dependent).
 * @cssprop --drp-controls-color - Text and icons of the controls (theme-dependent).
 * @cssprop --drp-rail-color - The slider's unplayed, unbuffered rail.
 * @cssprop --drp-buffered-color - The slider's buffered range.
 * @cssprop --drp-activity-color - The activity heatmap; busier seconds are more opaque (default: the controls' text colour, dark or light).
 * @cssprop --drp-radius - Corner radius of buttons, panels and tooltips (default 6px).
 * @cssprop --drp-focus-ring - Colour of the focus outline.
 * @cssprop --drp-marker-clipboard - Ticks of clipboard markers.
 * @cssprop --drp-marker-directory - Ticks of shared-directory markers.
 * @cssprop --drp-marker-session - Ticks of session start / end markers.
 * @cssprop --drp-marker-alert - Ticks of alerts, errors and failed operations.
 * @cssprop --drp-live-color - The live badge at the live edge (theme-dependent red).
 */
export class DesktopRecordingPlayer extends LitElement {
  static override styles = styles;

  // Reactive properties, declared here rather than with decorators (smaller bundle); each field's
  // documentation is at the field. `state` ones are internal: they re-render, with no attribute.
  static override properties: PropertyDeclarations = {
    autoplay: { type: Boolean, reflect: true },
    loop: { type: Boolean, reflect: true },
    controls: { type: Boolean, reflect: true },
    preload: { reflect: true },
    fit: { reflect: true },
    startAt: { attribute: 'start-at' },
    idleLimit: { attribute: 'idle-limit', type: Number, reflect: true },
    durationHint: { attribute: 'duration-hint', type: Number, reflect: true },
    wallClock: { attribute: 'wall-clock', type: Boolean, reflect: true },
    theme: { reflect: true },
    poster: { reflect: true },
    workerSrc: { attribute: 'worker-src' },
    textIndex: { attribute: 'text-index' },
    src: { reflect: true },
    srcObject: { attribute: false },
    playbackRate: { attribute: 'playbackrate', type: Number },
    snapshot: { state: true },
    panel: { state: true },
    scrubTime: { state: true },
    hover: { state: true },
    inactive: { state: true },
    announcement: { state: true },
    toast: { state: true },
    exporting: { state: true },
  };

  /**
   * Adds the texts of a language, or replaces them: `lang` is a primary language tag (`'fr'`), and
   * keys missing from `table` stay English. Players on the page switch at once. English is built
   * in; German comes with `desktop-recording-player/strings/de` (`dist/strings-de.js`), which calls this.
   */
  static registerStrings(lang: string, table: Partial<Strings>): void {
    addStrings(lang, table);
    for (const player of connectedPlayers) player.requestUpdate();
  }

  static override get observedAttributes(): string[] {
    return [...super.observedAttributes, 'lang'];
  }

  #client: EngineClient | undefined;
  /** The worker could not start here (no module workers, or a CSP that blocks them): the engine runs in the page. */
  #engineInPage = typeof Worker !== 'function' || !canTransferCanvases();
  #canvasesAttached = false;
  /** Canvases transferred to a worker that has stopped since; they are replaced before the next transfer. */
  #canvasesSpent = false;
  #srcValue = '';
  #srcObjectValue: Blob | ArrayBuffer | null = null;
  /** The rate asked for through `playbackRate`; it carries over to the next recording. */
  #requestedRate: number | undefined;
  /** Where the last seek asked for goes, until it is done: repeated keys add up from there. */
  #seekTarget: number | undefined;
  #dragging = false;
  /** The hover thumbnail: the time wanted (ms; -1 none), the one asked for last, and whether a request is out. */
  #thumbWant = -1;
  #thumbAsked = -1;
  #thumbBusy = false;
  #scrubTimer = 0;
  #scrubQueued = false;
  #hideTimer = 0;
  #toastTimer = 0;
  /** Cancels the export the controls started, while it runs. */
  #exportController: AbortController | undefined;
  #pointerInControls = false;
  /** Playback stalled for data (`waiting`) and has not run since. */
  #waiting = false;
  /** That wait is at the live edge: going on from it is no news worth saying. */
  #waitingLive = false;
  /** When the live session of the recording last ended (`performance.now()`); its `ended` soon after is not said again. */
  #liveEndedAt = -Infinity;
  /** The partial error the user hid. */
  #dismissedError = '';
  /** The page's `idle-limit`, restored when the skip-idle button turns skipping back on. */
  #idleLimitOn = 0;
  /** What had focus when a panel opened; it gets it back when the panel closes. */
  #opener: HTMLElement | undefined;
  /** The activity track as the worker last sent it (never changed here). */
  #activity: Float32Array = new Float32Array(0);
  /** What the heatmap canvas shows (track, duration, size, colour): it is redrawn only when that changes. */
  #activityDrawn: unknown[] = [];
  #activitySize: [number, number] = [0, 0];
  #activityResize = new ResizeObserver(([entry]) => {
    const box = entry.devicePixelContentBoxSize?.[0];
    this.#activitySize = box
      ? [box.inlineSize, box.blockSize]
      : [Math.round(entry.contentRect.width * devicePixelRatio), Math.round(entry.contentRect.height * devicePixelRatio)];
    this.#drawActivity();
  });
  #focusPanel = false;

  /** The worker's state, as of its last notification; never changed here ahead of it. */
  private snapshot: PlaybackSnapshot = initialSnapshot();
  /** The open panel, if any. */
  private panel: Panel | '' = '';
  /** Where the slider's thumb is while it is dragged (and until the last seek of the drag is done). */
  private scrubTime: number | undefined;
  /** The tooltip over the timeline: where it points (px from the timeline's left) and its text. */
  private hover: { x: number; text: string } | undefined;
  /** No pointer or keyboard activity for a while: the controls may hide. */
  private inactive = false;
  /** The text of the polite live region. */
  private announcement = '';
  /** A confirmation, or (`url` set) the link to copy by hand when the clipboard refused it. */
  private toast: { text: string; url?: string } | undefined;
  /** While the controls' export runs: how far it is, 0–1. */
  private exporting: number | undefined;

  /** Start playing once playable. */
  autoplay = false;
  /** Restart at the end. */
  loop = false;
  /** Show the built-in controls. */
  controls = false;
  /** `none` (read the file on the first `play()`), `metadata` or `auto` (default). */
  preload: Preload = Preload.Auto;
  /** How the screen fills the element: `contain` (default), `cover`, `fill` or `none`. */
  fit: Fit = 'contain';
  /** Where playback starts: seconds or `[hh:]mm:ss`. */
  startAt: string | number | undefined;
  /** Seconds: quiet gaps (no screen change the activity track shows, no pointer input; see `activity`) longer than this play in this long. 0 = off. */
  idleLimit = 0;

  /** Seconds: the length of a recording whose source cannot tell it up front (a server-paced websocket). */
  durationHint = 0;

  /** The time display shows the time of day (from `startDate`) instead of the elapsed time; clicking the display switches. */
  wallClock = false;
  /** `light` or `dark` controls; without it they follow `prefers-color-scheme`. */
  theme: 'light' | 'dark' | undefined;

  /**
   * Sent as `{"token": …}` first on a playback websocket. A property only: a token never goes in an
   * attribute or a URL. Takes effect at the next load.
   */
  authToken: string | undefined;
  /** Image shown until the first frame of the recording is painted. */
  poster: string | undefined;
  /** URL of the worker script, for pages whose CSP or bundling needs it. */
  workerSrc: string | undefined;
  /**
   * URL of the recording's text index (`*.text.json`, from `desktop-recording index`): what
   * `search()` reads. Loaded on the first search, not before.
   */
  textIndex: string | undefined;
  /** The rate `playbackRate` starts at for a recording when it was never set. */
  defaultPlaybackRate = 1;

  /** URL of the recording (http(s), relative, `blob:`, `data:`); `#t=` sets the start position. */
  get src(): string {
    return this.#srcValue;
  }
  set src(value: string) {
    this.#srcValue = value ?? '';
    this.#sourceChanged();
  }

  /** A recording in memory (`Blob`, `File`, `ArrayBuffer`); takes precedence over `src`. */
  get srcObject(): Blob | ArrayBuffer | null {
    return this.#srcObjectValue;
  }
  set srcObject(value: Blob | ArrayBuffer | null) {
    this.#srcObjectValue = value ?? null;
    this.#sourceChanged();
  }

  /** Speed, default 1; 0.0625–64. */
  get playbackRate(): number {
    return this.snapshot.playbackRate;
  }
  set playbackRate(value: number | null) {
    const rate = value ?? 1;
    if (!Number.isFinite(rate)) throw new TypeError(`playbackRate must be a finite number, got ${rate}`);
    if (rate < PLAYBACK_RATE_RANGE.min || rate > PLAYBACK_RATE_RANGE.max) {
      throw new DOMException(`playback rate ${rate} is not supported (${PLAYBACK_RATE_RANGE.min}–${PLAYBACK_RATE_RANGE.max})`, 'NotSupportedError');
    }
    this.#requestedRate = rate;
    this.#client?.request(RequestMethod.SetRate, { rate }).catch(() => {});
  }

  constructor() {
    super();
    this.addEventListener('keydown', this.#onKeydown);
    this.addEventListener('pointermove', this.#onActivity);
    this.addEventListener('pointerdown', this.#onPointerDown);
    // Focus from the keyboard (Tab into the player) is activity; focus from a tap is the tap's business.
    this.addEventListener('focusin', (event) => (event.composedPath()[0] as Element).matches(':focus-visible') && this.#onActivity());
    this.addEventListener('fullscreenchange', () => this.requestUpdate());
  }

  override connectedCallback(): void {
    super.connectedCallback();
    connectedPlayers.add(this);
    if (!this.hasAttribute('tabindex')) this.tabIndex = 0;
    // Back in a document after the worker was stopped: start again where a <video> would, from the source.
    if (this.hasUpdated && !this.#client && this.#hasSource()) this.#startWorker();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    connectedPlayers.delete(this);
    clearTimeout(this.#hideTimer);
    clearTimeout(this.#toastTimer);
    // A move (remove + insert in one task) keeps the worker; a removal stops it and frees the recording.
    queueMicrotask(() => {
      if (!this.isConnected) this.#stopWorker();
    });
  }

  override attributeChangedCallback(name: string, old: string | null, value: string | null): void {
    super.attributeChangedCallback(name, old, value);
    if (name === 'lang') this.requestUpdate();
  }

  protected override firstUpdated(): void {
    if (this.#client) this.#attachCanvases();
    else if (this.#hasSource()) this.#startWorker();
  }

  protected override updated(changed: PropertyValues): void {
    if (changed.has('loop') && this.#client) this.#client.request(RequestMethod.SetLoop, { loop: this.loop }).catch(() => {});
    if (changed.has('idleLimit') && this.#client) this.#client.request(RequestMethod.SetIdleLimit, { idleLimitMs: this.#idleLimitMs() }).catch(() => {});
    if (this.#focusPanel) {
      this.#focusPanel = false;
      this.renderRoot.querySelector<HTMLElement>('.panel')?.focus();
    }
    if (changed.has('hover') && this.hover) {
      // Centred on the pointer, but kept inside the timeline.
      const tooltip = this.renderRoot.querySelector<HTMLElement>('.tooltip')!;
      const width = tooltip.parentElement!.clientWidth;
      tooltip.style.left = `${clamp(this.hover.x - tooltip.offsetWidth / 2, 0, width - tooltip.offsetWidth)}px`;
    }
    if (changed.has('toast') && this.toast?.url) this.renderRoot.querySelector<HTMLInputElement>('.toast input')?.select();
    this.#drawActivity();
  }

  #setActivity(seconds: Float32Array): void {
    if (seconds.length === 0 && this.#activity.length === 0) return;
    this.#activity = seconds;
    this.#drawActivity();
    this.dispatchEvent(new Event('activitychange'));
  }

  /**
   * Draws the activity heatmap: one column per device pixel, as opaque as the busiest second under
   * it (a long recording has many seconds a pixel: the peak keeps a short burst visible). Only
   * when the track, the duration, the size or the colour changed; never per frame.
   */
  #drawActivity(): void {
    const canvas = this.renderRoot.querySelector<HTMLCanvasElement>('.activity');
    if (!canvas) return;
    if (canvas !== this.#activityDrawn[0]) {
      this.#activityDrawn = [canvas];
      this.#activityResize.disconnect();
      this.#activityResize.observe(canvas, { box: 'device-pixel-content-box' });
      return;
    }
    const seconds = this.#activity;
    const duration = this.snapshot.durationMs / 1000;
    const [width, height] = this.#activitySize;
    const color = getComputedStyle(canvas).color;
    const drawn = [canvas, seconds, duration, width, height, color];
    if (drawn.every((value, index) => value === this.#activityDrawn[index])) return;
    this.#activityDrawn = drawn;
    canvas.width = width;
    canvas.height = height;
    const context = canvas.getContext('2d');
    if (!context || !(duration > 0)) return;
    context.fillStyle = color;
    for (let x = 0; x < width; x++) {
      const from = Math.floor((x / width) * duration);
      const to = Math.min(seconds.length, Math.max(from + 1, Math.ceil(((x + 1) / width) * duration)));
      let peak = 0;
      for (let second = from; second < to; second++) peak = Math.max(peak, seconds[second]!);
      if (peak > 0) {
        context.globalAlpha = 0.25 + 0.75 * Math.min(1, Math.sqrt(peak * 2));
        context.fillRect(x, 0, 1, height);
      }
    }
  }

  #hasSource(): boolean {
    return this.#srcObjectValue !== null || this.#srcValue !== '';
  }

  #sourceChanged(): void {
    // Synchronous, so `el.src = url; el.play()` reaches the worker in that order. Before the first
    // render, `firstUpdated` (or the first method that needs the worker) starts it with this source.
    if (this.#client || this.hasUpdated) this.load();
  }

  #startWorker(): EngineClient {
    const client = new EngineClient({
      workerSrc: this.workerSrc ? new URL(this.workerSrc, document.baseURI).href : undefined,
      inPage: this.#engineInPage,
      onEvent: (message) => this.#handleWorkerEvent(message),
      onActivity: ({ seconds }) => this.#setActivity(seconds),
      onFailure: (error) => this.#handleWorkerFailure(error),
    });
    this.#client = client;
    this.#canvasesAttached = false;
    if (this.hasUpdated) this.#attachCanvases();
    if (this.#hasSource()) this.#sendLoad(client);
    return client;
  }

  #stopWorker(): void {
    if (!this.#client) return;
    this.#client.terminate();
    this.#client = undefined;
    this.#canvasesSpent = this.#canvasesAttached;
    this.#canvasesAttached = false;
    this.snapshot = initialSnapshot();
    this.#setActivity(new Float32Array(0));
  }

  #worker(): EngineClient {
    return this.#client ?? this.#startWorker();
  }

  #attachCanvases(): void {
    if (this.#canvasesAttached || !this.#client) return;
    // The screen layer, then the pointer layer.
    const canvases = () => [...this.renderRoot.querySelectorAll('.screen-layers canvas')] as [HTMLCanvasElement, HTMLCanvasElement];
    if (this.#canvasesSpent) {
      // A canvas hands its control to one OffscreenCanvas only, ever: a new worker needs new canvases.
      for (const canvas of canvases()) canvas.replaceWith(canvas.cloneNode(false));
      this.#canvasesSpent = false;
    }
    this.#canvasesAttached = true;
    const [screen, cursor] = canvases();
    if (!canTransferCanvases()) {
      // No OffscreenCanvas: the in-page engine paints on the elements themselves.
      this.#client.request(RequestMethod.Attach, { screen, cursor }).catch(() => {});
      return;
    }
    const transferred = { screen: screen.transferControlToOffscreen(), cursor: cursor.transferControlToOffscreen() };
    this.#client.request(RequestMethod.Attach, transferred, [transferred.screen, transferred.cursor]).catch(() => {});
  }

  #sendLoad(client: EngineClient): void {
    const source: SourceParam = this.#srcObjectValue ?? (this.#srcValue ? new URL(this.#srcValue, document.baseURI).href : null);
    const startAt = parseTimeOffset(this.startAt) ?? (this.#srcObjectValue ? undefined : mediaFragmentStart(this.#srcValue)) ?? 0;
    const params: LoadParams = {
      source,
      preload: Object.values(Preload).includes(this.preload) ? this.preload : Preload.Auto,
      autoplay: this.autoplay,
      loop: this.loop,
      startAtMs: startAt * 1000,
      playbackRate: this.#requestedRate ?? this.defaultPlaybackRate,
      idleLimitMs: this.#idleLimitMs(),
      durationHintMs: Number.isFinite(this.durationHint) && this.durationHint > 0 ? this.durationHint * 1000 : 0,
      authToken: this.authToken,
    };
    client.request(RequestMethod.Load, params).catch(() => {});
  }

  #idleLimitMs(): number {
    return Number.isFinite(this.idleLimit) && this.idleLimit > 0 ? this.idleLimit * 1000 : 0;
  }

  /** Asks the engine to seek; settles when the seek is done or a newer one took over. */
  #seek(seconds: number): Promise<void> {
    if (!Number.isFinite(seconds)) throw new TypeError(`cannot seek to ${seconds}`);
    this.#seekTarget = seconds;
    const done = () => {
      if (this.#seekTarget === seconds) this.#seekTarget = undefined;
    };
    return (this.#client?.request(RequestMethod.Seek, { timeMs: seconds * 1000 }) ?? Promise.resolve()).then(done, done);
  }

  #handleWorkerEvent({ name, detail, state }: EventMessage): void {
    const wasLive = this.snapshot.live;
    this.snapshot = state;
    const s = this.#strings();
    if (wasLive && !state.live && !state.error && name !== MediaEvent.Emptied) {
      this.#liveEndedAt = performance.now();
      this.#say(s.liveEnded);
    }
    switch (name) {
      case MediaEvent.LoadStart:
      case MediaEvent.Emptied:
        this.#waiting = false;
        this.#dismissedError = '';
        break;
      case MediaEvent.Waiting:
        if (!this.#waiting && !state.paused && !state.live) this.#say(s.buffering);
        this.#waiting = true;
        this.#waitingLive = state.live;
        break;
      case MediaEvent.Play:
        this.#onActivity();
        break;
      case MediaEvent.Playing:
        this.#waiting = false;
        if (!this.#waitingLive) this.#say(s.playing);
        this.#waitingLive = false;
        break;
      case MediaEvent.Pause:
        this.#waiting = false;
        // At the end, `ended` follows and says so.
        if (!state.ended) this.#say(s.paused);
        break;
      case MediaEvent.Ended:
        if (performance.now() - this.#liveEndedAt > 2000) this.#say(s.ended);
        break;
      case MediaEvent.Seeked:
        // Scrubbing seeks many times: only where it comes to rest is worth saying.
        if (!this.#dragging && !state.seeking) this.#say(fill(s.at, formatClock(state.currentTimeMs / 1000)));
        break;
      case MediaEvent.Error:
        this.#say(fill(s.error, state.error?.message ?? ''));
        break;
      case MediaEvent.Marker: {
        const marker = this.#playerMarker(detail as Marker);
        this.#say(fill(s.markerAt, marker.label, formatClock(marker.time)));
        this.dispatchEvent(new CustomEvent(MediaEvent.Marker, { detail: marker }));
        return;
      }
    }
    this.dispatchEvent(new Event(name));
  }

  #handleWorkerFailure(error: Error): void {
    const client = this.#client;
    const neverStarted = client && !client.started && !client.inPage;
    this.#client = undefined;
    this.#canvasesSpent = this.#canvasesAttached;
    this.#canvasesAttached = false;
    if (neverStarted) {
      // The same engine runs in the page instead: slower to share a thread with, but it plays.
      this.#engineInPage = true;
      this.#startWorker();
      return;
    }
    // No worker is left to report state; this is the one state the element sets itself.
    const message =
      client && !client.started
        ? // Neither a worker nor the page could run the engine: almost always a Content-Security-Policy.
          `The player could not start here: ${error.message}. If this page's Content-Security-Policy blocks blob: workers or scripts, set worker-src to the URL of recording.worker.js.`
        : error.message;
    this.snapshot = { ...initialSnapshot(), error: { reason: 'network', message, partial: false } };
    this.#say(fill(this.#strings().error, message));
    this.dispatchEvent(new Event(MediaEvent.Error));
  }

  /** The strings of the element's language: its own `lang`, else its nearest ancestor's. */
  #strings(): Strings {
    return stringsFor(this.#lang());
  }

  /** A marker as the page sees it: seconds, and its label in the element's language. */
  #playerMarker(marker: Marker): PlayerMarker {
    const locale = this.#locale();
    const cached = this.#numbers;
    const numbers = cached && cached.locale === locale ? cached.format : (this.#numbers = { locale, format: new Intl.NumberFormat(locale) }).format;
    const label = markerLabel(marker, this.#strings(), (value) => numbers.format(value));
    return { time: marker.timeMs / 1000, type: marker.type, code: marker.code, label, detail: marker.detail };
  }

  /** Number formatting for marker labels, made once per language (labels are built on every render). */
  #numbers: { locale: string | undefined; format: Intl.NumberFormat } | undefined;

  #lang(): string {
    return this.closest('[lang]')?.getAttribute('lang') ?? '';
  }

  /** The element's language as an Intl locale; undefined (the browser's) when `lang` is empty or not a valid tag. */
  #locale(): string | undefined {
    try {
      return Intl.getCanonicalLocales(this.#lang() || [])[0];
    } catch {
      return undefined;
    }
  }

  /** Sets the live region's text; the same text again is made to differ so it is spoken again. */
  #say(text: string): void {
    this.announcement = text === this.announcement ? `${text}\u00a0` : text;
  }

  #onKeydown = (event: KeyboardEvent): void => {
    this.#onActivity();
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
    const key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
    if (this.slot === 'media' && SKIN_KEYS.includes(key)) return;
    if (key === 'Escape' && (this.panel || this.toast)) {
      this.#closePanel();
      if (this.toast?.url) this.renderRoot.querySelector<HTMLElement>('.link')?.focus();
      this.toast = undefined;
      event.preventDefault();
      return;
    }
    const origin = event.composedPath()[0] as HTMLElement;
    // Fields and menus keep their own keys; buttons keep Space and Enter.
    if (origin instanceof HTMLInputElement || origin instanceof HTMLSelectElement) return;
    if (origin instanceof HTMLButtonElement && (key === ' ' || key === 'Enter')) return;
    const onSlider = origin.classList?.contains('slider');
    const duration = Number.isFinite(this.duration) ? this.duration : 0;
    switch (key) {
      case ' ':
      case 'k':
        this.#togglePlay();
        break;
      case 'ArrowLeft':
      case 'ArrowRight':
        this.#seekBy(key === 'ArrowLeft' ? -ARROW_STEP : ARROW_STEP);
        break;
      case 'ArrowDown':
      case 'ArrowUp':
        if (!onSlider) return;
        this.#seekBy(key === 'ArrowDown' ? -ARROW_STEP : ARROW_STEP);
        break;
      case 'PageDown':
      case 'PageUp':
        if (!onSlider) return;
        this.#seekBy(key === 'PageDown' ? -PAGE_STEP : PAGE_STEP);
        break;
      case 'j':
      case 'l':
        this.#seekBy(key === 'j' ? -JL_STEP : JL_STEP);
        break;
      case 'Home':
        this.#seekWithin(0);
        break;
      case 'End':
        this.#seekWithin(duration);
        break;
      case ',':
      case '.':
        if (this.paused) this.stepScreenChange(key === ',' ? -1 : 1).catch(() => {});
        break;
      case '<':
      case '>':
        this.#stepSpeed(key === '>');
        break;
      case '[':
      case ']':
        this.#stepMarker(key === ']');
        break;
      case 'f':
        this.#toggleFullscreen();
        break;
      case '?':
        this.#togglePanel('help');
        break;
      default:
        if (!/^\d$/.test(key)) return;
        this.#seekWithin((duration * Number(key)) / 10);
    }
    event.preventDefault();
  };

  /** Any pointer, touch, focus or key activity: the controls show, and hide again after a while if they may. */
  #onActivity = (): void => {
    this.inactive = false;
    clearTimeout(this.#hideTimer);
    this.#hideTimer = window.setTimeout(() => (this.inactive = true), HIDE_CONTROLS_AFTER_MS);
  };

  /** A tap on the screen (touch) shows or hides the controls; any other press is activity. */
  #onPointerDown = (event: PointerEvent): void => {
    const onControls = event.composedPath().some((node) => node instanceof Element && node.matches('.controls, .panel, .toast'));
    if (event.pointerType !== 'touch' || onControls || !this.controls) return this.#onActivity();
    if (this.#controlsHidden()) this.#onActivity();
    else if (this.#mayHideControls()) {
      clearTimeout(this.#hideTimer);
      this.inactive = true;
    }
  };

  /** Controls never hide while paused, while a panel is open, while scrubbing, or with the pointer or keyboard focus on them. */
  #mayHideControls(): boolean {
    const focused = this.shadowRoot!.activeElement;
    const focusInControls = !!focused?.closest('.controls') && focused.matches(':focus-visible');
    return !this.snapshot.paused && !this.panel && !this.#dragging && !this.#pointerInControls && !focusInControls;
  }

  #controlsHidden(): boolean {
    return this.inactive && this.#mayHideControls();
  }

  #togglePlay(): void {
    if (this.paused) this.play().catch(() => {});
    else this.pause();
  }

  /** Seeks to `seconds`, kept within the recording. */
  #seekWithin(seconds: number): void {
    if (this.readyState === ReadyState.HaveNothing) return;
    const duration = Number.isFinite(this.duration) ? this.duration : Infinity;
    void this.#seek(clamp(seconds, 0, duration));
  }

  #seekBy(seconds: number): void {
    this.#seekWithin((this.#seekTarget ?? this.currentTime) + seconds);
  }

  #stepSpeed(faster: boolean): void {
    const rate = this.playbackRate;
    const next = faster ? SPEEDS.find((speed) => speed > rate) : SPEEDS.filter((speed) => speed < rate).pop();
    if (next) this.playbackRate = next;
  }

  /** To the next marker after the position, or the previous one before it (a little before, so it can go on back). */
  #stepMarker(forward: boolean): void {
    const now = this.#seekTarget ?? this.currentTime;
    const times = this.snapshot.markers.map((marker) => marker.timeMs / 1000);
    const target = forward ? Math.min(...times.filter((time) => time > now + 0.001)) : Math.max(...times.filter((time) => time < now - 0.25));
    if (Number.isFinite(target)) this.#seekWithin(target);
  }

  #toggleFullscreen(): void {
    (document.fullscreenElement === this ? document.exitFullscreen() : this.requestFullscreen()).catch(() => {});
  }

  #toggleIdle = (): void => {
    if (this.idleLimit > 0) {
      this.#idleLimitOn = this.idleLimit;
      this.idleLimit = 0;
    } else {
      this.idleLimit = this.#idleLimitOn || DEFAULT_IDLE_LIMIT;
    }
  };

  #togglePanel(panel: Panel): void {
    if (this.panel === panel) return this.#closePanel();
    if (!this.panel) {
      this.#opener = (this.shadowRoot!.activeElement as HTMLElement | null) ?? this;
    }
    this.panel = panel;
    this.#focusPanel = true;
  }

  #closePanel(): void {
    if (!this.panel) return;
    this.panel = '';
    this.#opener?.focus();
    this.#onActivity();
  }

  /** Downloads the frame at the current position as `<sessionId or 'recording'>-<hh-mm-ss>.png`. */
  #capture = async (): Promise<void> => {
    const name = `${this.recording.sessionId || 'recording'}-${fileStamp(this.currentTime)}.png`;
    const frame = await this.captureFrame().catch(() => undefined);
    if (!frame) return;
    const link = document.createElement('a');
    link.href = URL.createObjectURL(frame);
    link.download = name;
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
  };

  /**
   * Exports the whole recording as H.264 MP4 and downloads it as `<sessionId or 'recording'>-<start>-<end>.mp4`
   * (times as hh-mm-ss), with progress shown; pressed again (or Cancel), cancels it.
   */
  #toggleExport = async (): Promise<void> => {
    if (this.#exportController) {
      this.#exportController.abort();
      return;
    }
    const s = this.#strings();
    const controller = new AbortController();
    this.#exportController = controller;
    this.exporting = 0;
    const name = `${this.recording.sessionId || 'recording'}-${fileStamp(0)}-${fileStamp(this.duration)}.mp4`;
    clearTimeout(this.#toastTimer);
    try {
      const video = await this.exportVideo({ signal: controller.signal, onProgress: (fraction) => (this.exporting = fraction) });
      const link = document.createElement('a');
      link.href = URL.createObjectURL(video);
      link.download = name;
      link.click();
      setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
      this.toast = { text: s.exported };
    } catch (error) {
      this.toast = { text: error instanceof DOMException && error.name === 'AbortError' ? s.exportCancelled : fill(s.exportFailed, error instanceof Error ? error.message : String(error)) };
    } finally {
      this.#exportController = undefined;
      this.exporting = undefined;
    }
    this.#say(this.toast.text);
    this.#toastTimer = window.setTimeout(() => (this.toast = undefined), 4000);
  };

  /** Copies this page's address with `#t=<seconds>`; where the clipboard refuses, shows the link to copy by hand. */
  #copyLink = async (): Promise<void> => {
    const s = this.#strings();
    const url = `${location.href.split('#')[0]}#t=${Math.floor(this.currentTime)}`;
    clearTimeout(this.#toastTimer);
    try {
      await navigator.clipboard.writeText(url);
      this.toast = { text: s.linkCopied };
      this.#say(s.linkCopied);
      this.#toastTimer = window.setTimeout(() => (this.toast = undefined), 2500);
    } catch {
      this.toast = { text: s.copyManually, url };
    }
  };

  /** Time on the timeline at the pointer. */
  #timeAt(event: PointerEvent): number {
    const rect = this.renderRoot.querySelector('.slider')!.getBoundingClientRect();
    const duration = Number.isFinite(this.duration) ? this.duration : 0;
    return clamp((event.clientX - rect.left) / rect.width, 0, 1) * duration;
  }

  #onScrubStart = (event: PointerEvent): void => {
    if (event.button || this.readyState === ReadyState.HaveNothing) return;
    (event.currentTarget as Element).setPointerCapture(event.pointerId);
    this.#dragging = true;
    this.#scrubTo(this.#timeAt(event));
  };

  #onScrubMove = (event: PointerEvent): void => {
    if (this.#dragging) this.#scrubTo(this.#timeAt(event));
  };

  #onScrubEnd = (event: PointerEvent): void => {
    if (!this.#dragging) return;
    this.#dragging = false;
    this.#scrubTo(this.#timeAt(event), true);
  };

  /** Moves the thumb at once; seeks at most once per SCRUB_INTERVAL_MS while dragging, and always at the end. */
  #scrubTo(seconds: number, last = false): void {
    this.scrubTime = seconds;
    if (this.#scrubTimer && !last) {
      this.#scrubQueued = true;
      return;
    }
    clearTimeout(this.#scrubTimer);
    this.#scrubQueued = false;
    this.#scrubTimer = window.setTimeout(() => {
      this.#scrubTimer = 0;
      if (this.#scrubQueued && this.scrubTime !== undefined) this.#scrubTo(this.scrubTime);
    }, SCRUB_INTERVAL_MS);
    void this.#seek(seconds).then(() => {
      if (!this.#dragging && this.scrubTime === seconds) this.scrubTime = undefined;
    });
  }

  #onHover = (event: PointerEvent): void => {
    const index = (event.target as HTMLElement).dataset.index;
    const marker = index === undefined ? undefined : this.snapshot.markers[Number(index)];
    const time = marker ? marker.timeMs / 1000 : this.#timeAt(event);
    const duration = this.duration;
    const slider = this.renderRoot.querySelector('.slider')!.getBoundingClientRect();
    const timeline = (event.currentTarget as Element).getBoundingClientRect();
    this.hover = {
      x: slider.left - timeline.left + (duration > 0 ? time / duration : 0) * slider.width,
      text: `${marker ? `${this.#playerMarker(marker).label} · ` : ''}${this.#clockAt(time)}`,
    };
    // At the slider's pixel resolution; while dragging, the screen itself shows where the pointer is.
    const perPixel = duration / slider.width;
    this.#thumb(this.#dragging || !(perPixel > 0) ? -1 : Math.round(Math.round(time / perPixel) * perPixel * 1000));
  };

  #onHoverEnd = (): void => {
    this.hover = undefined;
    this.#thumb(-1);
  };

  /**
   * Shows the screen at `ms` (-1 hides it) above the tooltip's time. One request at a time: when it
   * returns, the latest time wanted goes next, and the last thumbnail stays until a new one comes.
   */
  #thumb(ms: number): void {
    const canvas = this.renderRoot.querySelector<HTMLCanvasElement>('.thumbnail')!;
    this.#thumbWant = ms;
    if (ms < 0) {
      canvas.hidden = true;
      this.#thumbAsked = -1;
    }
    if (ms < 0 || ms === this.#thumbAsked || this.#thumbBusy || !this.#client) return;
    this.#thumbBusy = true;
    this.#thumbAsked = ms;
    this.#client
      .request(RequestMethod.Thumbnail, { timeMs: ms, width: Math.round(160 * devicePixelRatio) })
      .then(
        (bitmap) => {
          const shown = bitmap && this.#thumbWant >= 0;
          canvas.hidden = !shown;
          if (!shown) return bitmap?.close();
          canvas.width = bitmap.width;
          canvas.height = bitmap.height;
          canvas.getContext('bitmaprenderer')!.transferFromImageBitmap(bitmap);
          // The tooltip grew: centre it again.
          this.requestUpdate('hover');
        },
        () => {},
      )
      .finally(() => {
        this.#thumbBusy = false;
        this.#thumb(this.#thumbWant);
      });
  }

  #onTickClick = (event: Event): void => {
    const index = (event.target as HTMLElement).dataset.index;
    const marker = index === undefined ? undefined : this.snapshot.markers[Number(index)];
    if (marker) this.#seekWithin(marker.timeMs / 1000);
  };

  /** A position as the time display shows it: elapsed, or the time of day when that is on and known. */
  #clockAt(seconds: number): string {
    const start = this.snapshot.startDateMs;
    return this.wallClock && start !== null ? formatWallClock(start + seconds * 1000) : formatClock(seconds);
  }

  /** The position in seconds; setting it seeks. */
  get currentTime(): number {
    return this.snapshot.currentTimeMs / 1000;
  }
  set currentTime(seconds: number) {
    void this.#seek(seconds);
  }

  /** Length in seconds: NaN before metadata, grows while a file streams in, final once `canplaythrough` fired. */
  get duration(): number {
    return this.snapshot.durationMs / 1000;
  }

  /** True until `play()`, and again after `pause()` or the end. */
  get paused(): boolean {
    return this.snapshot.paused;
  }

  /** Playback reached the end (and `loop` is off). */
  get ended(): boolean {
    return this.snapshot.ended;
  }

  /** A seek is in progress: the screen is being rebuilt at the new position. */
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

  /** The remote screen's height at the current position, in pixels. */
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
    return this.snapshot.markers.map((marker) => this.#playerMarker(marker));
  }

  /**
   * The activity track: one value per second of the recording (`activity[i]` is second i), the
   * fraction of the screen that changed in it, 0–1. Changed area is counted in 64×64-pixel cells,
   * each once a second; a blinking caret, and a small change with nothing else around it (a clock
   * ticking), count as 0; pointer moves add nothing (they are not screen content). It grows while
   * the recording loads (`activitychange`), ends with the recording's last second, and is empty
   * before a recording loads. The controls draw it as a heatmap under the seek slider; `idle-limit`
   * and the `,`/`.` step use the same measure. A new array each time: do not modify it.
   */
  get activity(): Float32Array {
    return this.#activity;
  }

  /**
   * The recording is still being written — a live session, whose file the server marks with
   * `x-recording-live: true`. While it is: `duration` is the live edge and grows, `seekable` ends
   * there, and playing waits there (`waiting`, `readyState` 2) instead of ending. When the session
   * ends it turns false: `durationchange` fires, the duration is final, and `ended` comes as for
   * any recording. Read-only.
   */
  get live(): boolean {
    return this.snapshot.live;
  }

  /** Wall-clock time of position 0, when the file says. */
  get startDate(): Date | null {
    return this.snapshot.startDateMs === null ? null : new Date(this.snapshot.startDateMs);
  }

  /** What has been read of the recording, from 0 (one range once metadata is known). */
  get buffered(): TimeRangesLike {
    return timeRanges(this.snapshot.readyState >= ReadyState.HaveMetadata ? this.snapshot.bufferedMs / 1000 : undefined);
  }

  /** Where a seek can go: what has been read (the same range as `buffered`). */
  get seekable(): TimeRangesLike {
    return this.buffered;
  }

  /**
   * Always true: a desktop recording has no sound. Setting it changes nothing, and `volumechange`
   * never fires (skins such as media-chrome show their mute button as muted).
   */
  get muted(): boolean {
    return true;
  }
  set muted(_: boolean) {}

  /** Always 0: there is nothing to hear. Setting it changes nothing. */
  get volume(): number {
    return 0;
  }
  set volume(_: number) {}

  /** Starts playback; resolves when it runs and rejects, as `<video>` does, when there is nothing to play. */
  play(): Promise<void> {
    const error = this.snapshot.error;
    if (error && !error.partial) return Promise.reject(new DOMException(error.message, 'NotSupportedError'));
    if (!this.#hasSource()) return Promise.reject(new DOMException('there is no recording to play (no src)', 'NotSupportedError'));
    return this.#worker().request(RequestMethod.Play, undefined);
  }

  /** Pauses playback; `pause` fires. */
  pause(): void {
    this.#client?.request(RequestMethod.Pause, undefined).catch(() => {});
  }

  /** Loads the source again from the start. */
  load(): void {
    if (this.#client) this.#sendLoad(this.#client);
    else this.#startWorker();
  }

  /** Seeks to the previous (-1) or next (1) change of the screen, like a video player's frame step. */
  stepScreenChange(direction: 1 | -1): Promise<void> {
    if (!this.#client) return Promise.resolve();
    return this.#client.request(RequestMethod.StepScreen, { direction });
  }

  /** Seeks to `seconds` (exact in this player: the screen is rebuilt there). */
  fastSeek(seconds: number): void {
    void this.#seek(seconds);
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
    return this.#worker().request(RequestMethod.CaptureFrame, { type: options.type, quality: options.quality });
  }

  /**
   * Renders `start`–`end` (seconds; default the whole recording) into a video file, offline in the
   * worker, faster than real time and without disturbing playback: H.264 in MP4 by default, VP9 or
   * AV1 in WebM (`type: 'video/webm;codecs=vp9'`). The pointer is drawn in; with `idle-limit` set,
   * quiet gaps are shortened as in playback. Frames come only when the screen changes, at most
   * `fps` a second. Waits for the range to load; from a server-paced websocket only what has
   * arrived can be exported. Rejects with a `NotSupportedError` where the browser has no WebCodecs
   * encoder for the format, and with an `AbortError` when `signal` aborts.
   *
   * @example
   * const video = await player.exportVideo({ start: 60, end: 90, width: 1280, onProgress: (f) => console.log(f) });
   */
  exportVideo(options: ExportVideoOptions = {}): Promise<Blob> {
    const { start, end, type, width, fps, onProgress, signal } = options;
    const seconds = (value: number | undefined) => (value === undefined ? undefined : value * 1000);
    return this.#worker().exportVideo(
      { startMs: seconds(start), endMs: seconds(end), type, width, fps },
      onProgress && ((progress: ExportProgressMessage) => onProgress(progress.fraction, progress.frames)),
      signal,
    );
  }

  /**
   * Where `query` was on the screen: `[{ time, endTime, text, box }]`, earliest first — seconds
   * while it showed, the line it was on, and its box in screen pixels. Case-insensitive; the words
   * of a query match consecutive words of one line; words of 5+ letters match with one typo (OCR
   * noise) unless `exact`. Reads the text index at `text-index`; rejects with a
   * `NotSupportedError` without one, and with an `Error` when it cannot be loaded or read.
   *
   * @example
   * const [first] = await player.search('ssh prod-db');
   * if (first) player.currentTime = first.time;
   */
  async search(query: string, options: TextSearchOptions = {}): Promise<TextSearchHit[]> {
    const indexUrl = this.textIndex ? new URL(this.textIndex, document.baseURI).href : '';
    const { hits, progress } = await this.#worker().request(RequestMethod.SearchText, { indexUrl, query: `${query}`, ...options });
    if (progress) this.dispatchEvent(new CustomEvent('textindexprogress', { detail: progress }));
    return hits;
  }

  protected override render() {
    const snapshot = this.snapshot;
    const s = this.#strings();
    const error = snapshot.error;
    const showError = error && !(error.partial && this.#dismissedError === error.message);
    const busy: 'loading' | 'buffering' | 'seeking' | '' =
      // preload="none" reads nothing until play(): nothing is loading before then.
      !error && this.#hasSource() && snapshot.readyState < ReadyState.HaveCurrentData && (this.preload !== Preload.None || this.autoplay || !snapshot.paused)
        ? 'loading'
        : // Live, waiting at the edge is the normal state (the badge says "Live"), not buffering.
          this.#waiting && !snapshot.paused && !snapshot.live
          ? 'buffering'
          : snapshot.seeking && this.scrubTime === undefined
            ? 'seeking'
            : '';
    const hidden = this.controls && this.#controlsHidden();
    return html`
      <div class="stage ${hidden ? 'stage--idle' : ''}">
        <div class="screen-layers" role="img" aria-label=${this.#describeScreen(s)}>
          <canvas class="screen" part="screen"></canvas>
          <canvas class="cursor" part="cursor"></canvas>
        </div>
        ${this.poster && snapshot.readyState < ReadyState.HaveCurrentData
          ? html`<img class="poster" part="poster" src=${this.poster} alt="" />`
          : nothing}
        <div class="status status--${busy}" part="status loading" ?hidden=${!busy || !!showError}>${busy && s[busy]}</div>
        <div class="error" part="error" ?hidden=${!showError}>
          ${showError
            ? html`<strong>${error.partial ? s.partial : s.failed}</strong>
                <span class="error__message">${error.message}</span>
                ${error.partial
                  ? html`<span>${s.partialNote}</span>
                      <button type="button" part="button dismiss-button" @click=${() => ((this.#dismissedError = error.message), this.requestUpdate())}>${s.dismiss}</button>`
                  : nothing}`
            : nothing}
        </div>
        ${this.controls ? this.#renderControls(s, hidden) : nothing}
        ${this.panel ? this.#renderPanel(this.panel, s) : nothing}
        ${this.exporting === undefined
          ? nothing
          : html`<div class="toast toast--export" part="toast export-progress">
              <label>${fill(s.exporting, `${Math.floor(this.exporting * 100)} %`)} <progress max="1" .value=${this.exporting}></progress></label>
              <button type="button" part="button cancel-button" @click=${this.#toggleExport}>${s.cancel}</button>
            </div>`}
        <div class="toast" part="toast" ?hidden=${!this.toast}>
          ${this.toast?.url
            ? html`<label>${this.toast.text} <input readonly .value=${this.toast.url} /></label>`
            : this.toast?.text}
        </div>
        <div class="visually-hidden" role="status" aria-live="polite" aria-atomic="true">${this.announcement}</div>
      </div>
    `;
  }

  #renderControls(s: Strings, hidden: boolean): TemplateResult {
    const snapshot = this.snapshot;
    const current = this.scrubTime ?? snapshot.currentTimeMs / 1000;
    const duration = Number.isFinite(snapshot.durationMs) ? snapshot.durationMs / 1000 : 0;
    const percent = (seconds: number): number => (duration > 0 ? clamp((seconds / duration) * 100, 0, 100) : 0);
    const rate = snapshot.playbackRate;
    const speeds = SPEEDS.includes(rate) ? SPEEDS : [...SPEEDS, rate].sort((a, b) => a - b);
    const noMedia = snapshot.readyState === ReadyState.HaveNothing;
    const fullscreen = document.fullscreenElement === this;
    const start = snapshot.startDateMs;
    // Styles that change go in as properties (`.style=`, set through the CSSOM): a bound `style`
    // attribute would be blocked on pages whose Content-Security-Policy has no 'unsafe-inline'.
    return html`
      <div
        class="controls ${hidden ? 'controls--hidden' : ''}"
        part="controls"
        @pointerenter=${() => (this.#pointerInControls = true)}
        @pointerleave=${() => (this.#pointerInControls = false)}
      >
        <div class="timeline" part="timeline" @pointermove=${this.#onHover} @pointerleave=${this.#onHoverEnd}>
          <canvas class="activity" part="activity" aria-hidden="true"></canvas>
          <div
            class="slider"
            part="slider"
            role="slider"
            tabindex="0"
            aria-label=${s.seek}
            aria-valuemin="0"
            aria-valuemax=${Math.floor(duration)}
            aria-valuenow=${Math.floor(current)}
            aria-valuetext=${describePosition(current, duration, s)}
            aria-disabled=${noMedia ? 'true' : 'false'}
            .style=${`--played:${percent(current)}%;--buffered:${percent(snapshot.bufferedMs / 1000)}%`}
            @pointerdown=${this.#onScrubStart}
            @pointermove=${this.#onScrubMove}
            @pointerup=${this.#onScrubEnd}
            @pointercancel=${this.#onScrubEnd}
          ></div>
          <div class="ticks" aria-hidden="true" @click=${this.#onTickClick}>
            ${snapshot.markers.map((marker, index) => {
              const group = markerGroup(marker);
              return html`<span class="tick tick--${group}" part="tick tick-${group}" data-index=${index} .style=${`left:${percent(marker.timeMs / 1000)}%`}></span>`;
            })}
          </div>
          <div class="tooltip" part="tooltip" aria-hidden="true" ?hidden=${!this.hover}><canvas class="thumbnail" part="thumbnail" hidden></canvas>${this.hover?.text}</div>
        </div>
        <div class="bar">
          ${this.#button('play', snapshot.paused ? s.play : s.pause, snapshot.paused ? icons.play : icons.pause, this.#togglePlay, { disabled: !this.#hasSource() })}
          <button type="button" class="time" part="button time-button" title=${s.timeToggle} ?disabled=${start === null} @click=${() => (this.wallClock = !this.wallClock)}>
            ${this.wallClock && start !== null
              ? this.#clockAt(current)
              : snapshot.live
                ? formatClock(current)
                : `${formatClock(current)} / ${formatClock(duration)}`}
          </button>
          ${snapshot.live ? this.#renderLive(s, duration - current <= LIVE_EDGE_SLACK) : nothing}
          <span class="spacer"></span>
          <label class="visually-hidden" for="speed">${s.speed}</label>
          <select id="speed" class="speed" part="speed" title=${s.speed} @change=${(event: Event) => (this.playbackRate = Number((event.target as HTMLSelectElement).value))}>
            ${speeds.map((speed) => html`<option value=${speed} ?selected=${speed === rate}>${speed}×</option>`)}
          </select>
          ${this.#button('idle', s.idle, icons.idle, this.#toggleIdle, { pressed: this.idleLimit > 0 })}
          ${this.#button('markers', s.markers, icons.markers, () => this.#togglePanel('markers'), { expanded: this.panel === 'markers' })}
          ${this.#button('info', s.info, icons.info, () => this.#togglePanel('info'), { expanded: this.panel === 'info' })}
          ${this.#button('capture', s.capture, icons.capture, this.#capture, { disabled: snapshot.readyState < ReadyState.HaveCurrentData })}
          ${typeof VideoEncoder === 'function' // no WebCodecs here, no export in the worker either
            ? this.#button('export', this.exporting === undefined ? s.exportVideo : s.cancelExport, icons.exportVideo, this.#toggleExport, {
                pressed: this.exporting !== undefined,
                disabled: snapshot.readyState < ReadyState.HaveCurrentData,
              })
            : nothing}
          ${this.#button('link', s.link, icons.link, this.#copyLink, { disabled: noMedia })}
          ${this.#button('help', s.help, icons.help, () => this.#togglePanel('help'), { expanded: this.panel === 'help' })}
          ${document.fullscreenEnabled
            ? this.#button('fullscreen', fullscreen ? s.exitFullscreen : s.fullscreen, fullscreen ? icons.exitFullscreen : icons.fullscreen, this.#toggleFullscreen, { pressed: fullscreen })
            : nothing}
        </div>
      </div>
    `;
  }

  /** The live badge: "Live" at the live edge (not actionable there), else a "Go live" button. */
  #renderLive(s: Strings, atEdge: boolean): TemplateResult {
    const label = atEdge ? s.live : s.goLive;
    return html`<button type="button" class="live ${atEdge ? 'live--edge' : ''}" part="button live" title=${label} aria-disabled=${atEdge ? 'true' : 'false'} @click=${this.#goLive}>
      ${label}
    </button>`;
  }

  /** "Go live": to the live edge, playing. */
  #goLive = (): void => {
    if (!this.live || this.duration - this.currentTime <= LIVE_EDGE_SLACK) return;
    this.#seekWithin(this.duration);
    if (this.paused) this.play().catch(() => {});
  };

  #button(
    name: string,
    label: string,
    icon: SVGTemplateResult,
    onClick: () => unknown,
    { pressed, expanded, disabled = false }: { pressed?: boolean; expanded?: boolean; disabled?: boolean } = {},
  ): TemplateResult {
    return html`<button
      type="button"
      class=${name}
      part="button ${name}-button"
      aria-label=${label}
      title=${label}
      aria-pressed=${pressed ?? nothing}
      aria-expanded=${expanded ?? nothing}
      ?disabled=${disabled}
      @click=${() => onClick.call(this)}
    >
      ${icon}
    </button>`;
  }

  #renderPanel(panel: Panel, s: Strings): TemplateResult {
    let body: unknown;
    if (panel === 'markers') {
      const markers = this.snapshot.markers;
      body = markers.length
        ? html`<ol class="marker-list">
            ${markers.map(
              (marker) =>
                html`<li>
                  <button type="button" @click=${() => this.#seekWithin(marker.timeMs / 1000)}>
                    <span class="tick tick--${markerGroup(marker)}"></span><span class="marker-list__time">${this.#clockAt(marker.timeMs / 1000)}</span>
                    ${this.#playerMarker(marker).label}
                  </button>
                </li>`,
            )}
          </ol>`
        : html`<p>${s.noMarkers}</p>`;
    } else if (panel === 'info') {
      const r = this.snapshot.recording;
      const options: Intl.DateTimeFormatOptions = { dateStyle: 'medium', timeStyle: 'long' };
      const dates = new Intl.DateTimeFormat(this.#locale(), options);
      const when = (date?: Date) => date && dates.format(date);
      const rows = (
        [
          [s.user, r.user],
          [s.login, r.login],
          [s.desktop, r.desktopName],
          [s.address, r.desktopAddr],
          [s.windowsUser, r.windowsUser],
          [s.windowsDomain, r.windowsDomain],
          [s.sessionStart, when(r.sessionStart)],
          [s.sessionEnd, when(r.sessionEnd)],
          [s.participants, r.participants?.join(', ')],
          [s.recorded, r.recorded === undefined ? undefined : r.recorded ? s.yes : s.no],
          [s.sessionId, r.sessionId],
          [s.cluster, r.clusterName],
        ] as const
      ).filter(([, value]) => value);
      body = rows.length ? html`<dl>${rows.map(([term, value]) => html`<dt>${term}</dt><dd>${value}</dd>`)}</dl>` : html`<p>${s.noInfo}</p>`;
    } else {
      const keys = [
        [`${s.keySpace} / K`, s.helpPlay],
        ['← / →', s.helpSeek5],
        ['J / L', s.helpSeek10],
        [`${s.keyHome} / ${s.keyEnd}`, s.helpEnds],
        ['0 … 9', s.helpPercent],
        [', / .', s.helpStep],
        ['< / >', s.helpSpeed],
        ['[ / ]', s.helpMarker],
        ['F', s.helpFullscreen],
        ['?', s.helpHelp],
        [s.keyEsc, s.helpClose],
      ];
      body = html`<dl class="keys">${keys.map(([keyNames, action]) => html`<dt><kbd>${keyNames}</kbd></dt><dd>${action}</dd>`)}</dl>`;
    }
    return html`
      <div class="panel" part="panel ${panel}-panel" role="dialog" aria-labelledby="panel-title" tabindex="-1">
        <div class="panel__head">
          <span id="panel-title">${s[panel]}</span>
          ${this.#button('close', s.close, icons.close, this.#closePanel)}
        </div>
        ${body}
      </div>
    `;
  }

  #describeScreen(s: Strings): string {
    const who = this.snapshot.recording.user;
    const desktop = this.snapshot.recording.desktopName ?? this.snapshot.recording.desktopAddr;
    return who && desktop ? fill(s.playerOf, who, desktop) : s.player;
  }
}

/** `addEventListener('marker', (event) => event.detail.label)` and the media events, typed. */
export interface DesktopRecordingPlayer {
  addEventListener<K extends keyof DesktopRecordingPlayerEventMap>(
    type: K,
    listener: (this: DesktopRecordingPlayer, event: DesktopRecordingPlayerEventMap[K]) => unknown,
    options?: boolean | AddEventListenerOptions,
  ): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | AddEventListenerOptions): void;
  removeEventListener<K extends keyof DesktopRecordingPlayerEventMap>(
    type: K,
    listener: (this: DesktopRecordingPlayer, event: DesktopRecordingPlayerEventMap[K]) => unknown,
    options?: boolean | EventListenerOptions,
  ): void;
  removeEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | EventListenerOptions): void;
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
