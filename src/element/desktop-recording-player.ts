import { LitElement, html, nothing, type PropertyDeclarations, type PropertyValues } from 'lit';
import { mediaErrorCodeOf } from '../format/errors.js';
import type { Marker, RecordingInfo } from '../format/timeline.js';
import { MediaEvent, PLAYBACK_RATE_RANGE, Preload, ReadyState, type PlaybackSnapshot, type RangeReadStatus } from '../playback-state.js';
import { RequestMethod, type ExportProgressMessage, type LoadParams, type TextSearchHit, type TextSearchOptions } from '../worker/protocol.js';
import { ActivityStrip } from './activity-strip.js';
import { MarkerRail } from './marker-rail.js';
import { Announcer } from './controllers/announcer.js';
import { AutoHide } from './controllers/auto-hide.js';
import { EngineConnection } from './controllers/engine-connection.js';
import { Output } from './controllers/output.js';
import { Scrubbing } from './controllers/scrubbing.js';
import { HoverTooltip } from './controllers/hover-tooltip.js';
import { styles } from './desktop-recording-player.styles.js';
import { mediaFragmentStart, parseTimeOffset } from './format-time.js';
import type { CaptureFrameOptions, DesktopRecordingPlayerEventMap, ExportEvidenceOptions, ExportVideoOptions, Fit, PlaybackQuality, PlayerError, PlayerMarker, TimeRangesLike } from './player-types.js';
import { runShortcut } from './shortcuts.js';
import { playerActions } from './player-actions.js';
import { PlayerLocale } from './player-locale.js';
import { ReviewLoader } from './review-loader.js';
import type { ReviewNote } from './review-notes.js';
import type { ReviewSidecar } from './review-sidecar.js';
import { addStrings, fill, type AllStrings, type Strings } from './strings.js';
import { controlsTemplate, exportProgress } from './templates/controls.js';
import { Panels } from './templates/panels.js';
import type { PlayerView } from './templates/view.js';
import type { TextSearch } from './text-search.js';

export type { CaptureFrameOptions, DesktopRecordingPlayerEventMap, EvidenceNoteInput, ExportEvidenceOptions, ExportVideoOptions, Fit, PlaybackQuality, PlayerError, PlayerMarker, PlayerTransfer, TextIndexProgress, TimeRangesLike } from './player-types.js';
export type { TextSearchHit, TextSearchOptions };
export type { NoteSeverity, ReviewNote, ReviewNotesChange, ReviewNotesChangeDetail } from './review-notes.js';
export type { ReviewSidecar } from './review-sidecar.js';

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
 * @fires abort - The download was cancelled from outside the player before it finished; `error.code` is 1 (no `error` event).
 * @fires emptied - The previous recording was unloaded.
 * @fires resize - The remote screen size changed.
 * @fires {CustomEvent<PlayerMarker>} marker - Playback crossed a marker; `detail` is the `PlayerMarker`.
 * @fires {CustomEvent<TextIndexProgress>} textindexprogress - The text index that `search()` reads was loaded, or grew while the player builds it (`text-search`): `detail.covered` of `detail.duration` seconds are indexed, `detail.complete` once it is all.
 * @fires {CustomEvent<ReviewNotesChangeDetail>} reviewnoteschange - A review note was added, edited or deleted in the controls, or notes were imported: `detail.notes` are all of them now, `detail.change` says what changed (`{ type: 'add' | 'update' | 'delete' | 'import', note? }`).
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
 * @csspart tick - A marker on the timeline, at most one a pixel column of the rail (where markers lie closer, an alert among them, else the first); each also has one of the four parts below.
 * @csspart tick-clipboard - A clipboard marker.
 * @csspart tick-directory - A shared-directory marker.
 * @csspart tick-session - A session start or end marker.
 * @csspart tick-alert - An alert, an error or a failed operation.
 * @csspart lanes - The transfer and clipboard lanes under the slider's rail (when the recording has such markers).
 * @csspart lane - A lane; each also has one of the two parts below.
 * @csspart lane-transfers - File transfers: bars from a transfer's first read or write to its last.
 * @csspart lane-clipboard - Clipboard sends and receives.
 * @csspart lane-bar - A bar in a lane (at most one a pixel column); each also has one of the four parts below.
 * @csspart lane-bar-read - A file read by the desktop.
 * @csspart lane-bar-write - A file written by the desktop.
 * @csspart lane-bar-send - Clipboard sent to the desktop.
 * @csspart lane-bar-receive - Clipboard received from the desktop.
 * @csspart coverage - The review coverage band under the rail: the stretches played on screen at 4× or slower.
 * @csspart note - A review note on the rail (a flag at its time, or a bar over its range); each also has one of the parts below.
 * @csspart note-info - A note of severity info.
 * @csspart note-warning - A note of severity warning.
 * @csspart note-critical - A note of severity critical.
 * @csspart note-range - A note over a range.
 * @csspart note-selection - The range being marked by an Alt- or Shift-drag on the rail.
 * @csspart notes-button - Opens the review notes.
 * @csspart notes-panel - The review notes: coverage, add / save / load, the notes.
 * @csspart notes-list - The list of notes in the panel.
 * @csspart note-row - A note in the list (time, severity, delete, text).
 * @csspart add-note-button - Adds a note at the current time.
 * @csspart export-notes-button - Saves the notes as `<session-id>.review.json`.
 * @csspart import-notes-button - Loads notes from a `.review.json` file.
 * @csspart delete-note-button - Deletes a note.
 * @csspart tooltip - The time (and marker) at the pointer over the timeline.
 * @csspart thumbnail - The screen at that time, small (160 CSS px wide), in the tooltip above the time (a canvas; shown once rendered, hidden while dragging).
 * @csspart thumbnail-unloaded - In the tooltip, in place of the thumbnail, over time not read yet: "Not loaded yet", until a thumbnail composed for that time comes.
 * @csspart approximate - While a seek has waited half a second for the download and is expected to wait long still: a layer above the screen (never on it: `captureFrame` and exports see only the exact screen) with an approximate screen, gone at `seeked`, a new seek, `emptied` or an error.
 * @csspart approximate-screen - In that layer, the screen at the loaded edge with what the last parts before the target paint over it; cells they did not paint are dimmed and hatched in two tones (`--drp-unloaded-color` and a stripe of the opposite brightness: visible on dark and light screens) as possibly changed (a canvas, placed and fitted as the screen).
 * @csspart approximate-label - In that layer, "Approximate screen — loading the exact one: 12.4 of 31.0 MB".
 * @csspart button - Every button; each also has its own part below.
 * @csspart play-button - Play / pause.
 * @csspart time-button - Elapsed time / duration, or time of day; switches between them.
 * @csspart speed - The playback speed menu (a `<select>`).
 * @csspart idle-button - Skip idle time on / off.
 * @csspart markers-button - Opens the marker list.
 * @csspart info-button - Opens the session info.
 * @csspart capture-button - Saves the current frame as PNG.
 * @csspart export-button - Exports the recording as an MP4 video (pressed while exporting; pressing it again cancels).
 * @csspart evidence-button - Makes the evidence bundle of the whole recording, a ZIP (pressed while it is made; pressing it again cancels). Shown once the recording can be shown (its code is a chunk).
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
 * @csspart search-button - Opens the search of the screen's text (with `text-search`; pressed while open).
 * @csspart search - The search box with its status and results, above the timeline.
 * @csspart search-input - The search field (`role="combobox"`; ↑/↓ move through the results, Enter jumps, Escape closes).
 * @csspart search-status - How many results, and how much of the recording is searched while it is being indexed.
 * @csspart search-results - The results (`role="listbox"`).
 * @csspart search-result - A result: when the text showed, and its line with the query's words marked.
 * @csspart search-hits - The results on the seek rail, under it.
 * @csspart search-hit - A result's time on the screen on the rail (at most one a pixel column; click jumps there).
 * @csspart search-outline - The words jumped to, outlined on the screen for a moment.
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
 * @cssprop --drp-unloaded-color - The hatching over the timeline where the recording is not read yet, past the buffered range: its markers, activity and idle time are not known there yet (theme-dependent grey).
 * @cssprop --drp-radius - Corner radius of buttons, panels and tooltips (default 6px).
 * @cssprop --drp-focus-ring - Colour of the focus outline.
 * @cssprop --drp-marker-clipboard - Ticks of clipboard markers.
 * @cssprop --drp-marker-directory - Ticks of shared-directory markers.
 * @cssprop --drp-marker-session - Ticks of session start / end markers.
 * @cssprop --drp-marker-alert - Ticks of alerts, errors and failed operations.
 * @cssprop --drp-lane-read - Transfer bars of files read (default: `--drp-marker-directory`).
 * @cssprop --drp-lane-write - Transfer bars of files written.
 * @cssprop --drp-lane-send - Clipboard bars, sent to the desktop (default: `--drp-marker-clipboard`).
 * @cssprop --drp-lane-receive - Clipboard bars, received from the desktop.
 * @cssprop --drp-search-hit-color - Search results on the seek rail, the outline of the words jumped to and the marked words of a result (default yellow).
 * @cssprop --drp-note-info - Review notes of severity info (default blue).
 * @cssprop --drp-note-warning - Review notes of severity warning (default amber).
 * @cssprop --drp-note-critical - Review notes of severity critical (default red).
 * @cssprop --drp-coverage-color - The review coverage band (default green).
 * @cssprop --drp-live-color - The live badge at the live edge (theme-dependent red).
 */
export class DesktopRecordingPlayer extends LitElement {
  static override styles = styles;

  // Reactive properties, declared here rather than with decorators (smaller bundle); each field's
  // documentation is at the field. The controllers' state re-renders through `requestUpdate()`.
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
    textSearch: { attribute: 'text-search', type: Boolean },
    textSearchSrc: { attribute: 'text-search-src' },
    src: { reflect: true },
    srcObject: { attribute: false },
    playbackRate: { attribute: 'playbackrate', type: Number },
  };

  /**
   * Adds the texts of a language, or replaces them: `lang` is a primary language tag (`'fr'`), and
   * keys missing from `table` stay English. Players on the page switch at once. English is built
   * in; German comes with `desktop-recording-player/strings/de` (`dist/strings-de.js`), which calls this.
   */
  static registerStrings(lang: string, table: Partial<AllStrings>): void {
    addStrings(lang, table);
    for (const player of connectedPlayers) player.requestUpdate();
  }

  static override get observedAttributes(): string[] {
    return [...super.observedAttributes, 'lang'];
  }

  #srcValue = '';
  #srcObjectValue: Blob | ArrayBuffer | null = null;
  /** The rate asked for through `playbackRate`; it carries over to the next recording. */
  #requestedRate: number | undefined;
  /** The partial error the user hid. */
  #dismissedError = '';
  #textSearchLoading: Promise<TextSearch> | undefined;

  #locale = new PlayerLocale(this, () => this.#engine.snapshot.startDateMs);
  #engine = new EngineConnection(this, {
    hasSource: () => this.#hasSource(),
    loadParams: () => this.#loadParams(),
    onEvent: (name, state, previous, detail) => this.#onEngineEvent(name, state, previous, detail),
    onActivity: (seconds) => this.#activity.set(seconds) && this.dispatchEvent(new Event('activitychange')),
  });
  #announcer = new Announcer(this);
  #scrubbing = new Scrubbing(this, this.#engine);
  #thumbnails = new HoverTooltip(() =>
    import('./controllers/thumbnails.js').then(
      ({ Thumbnails }) => new Thumbnails(this, this.#engine, this.#scrubbing, (seconds, marker) => `${marker ? `${this.#locale.playerMarker(marker).label} · ` : ''}${this.#locale.clockAt(seconds)}`),
    ),
  );
  #autoHide = new AutoHide(this, () => !this.#engine.snapshot.paused && !this.#panels.open && !this.#scrubbing.dragging);
  #markerRail = new MarkerRail();
  #activity = new ActivityStrip(this, () => this.#engine.snapshot.durationMs / 1000);
  #panels = new Panels(this, () => this.#autoHide.activity());
  #output = new Output(this, () => this.#locale.strings(), (text) => this.#announcer.say(text));
  #review = new ReviewLoader(() => this.#view, (text) => this.#announcer.say(text));

  /** What the keys, the controls and the panels do. */
  #actions = playerActions(this, { engine: this.#engine, panels: this.#panels, output: this.#output, locale: this.#locale, textSearch: () => this.#view.textSearch, review: this.#review, hasSource: () => this.#hasSource() });

  #view: PlayerView = {
    host: this,
    engine: this.#engine,
    scrubbing: this.#scrubbing,
    thumbnails: this.#thumbnails,
    autoHide: this.#autoHide,
    activity: this.#activity,
    markerRail: this.#markerRail,
    panels: this.#panels,
    output: this.#output,
    announcer: this.#announcer,
    review: this.#review,
    actions: this.#actions,
    s: this.#locale.strings(),
  };

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
  /**
   * Search the screen's text: a search box in the controls (`/`, Ctrl+F), hits on the seek rail,
   * and `search()` over the sidecar at `text-index`, or else over an index the player builds itself
   * (OCR in a worker of its own, from the files at `text-search-src`) once the recording is loaded.
   * Off by default: none of it is downloaded until it is on.
   */
  textSearch = false;
  /**
   * Base URL of the self-hosted OCR files the player builds the text index with:
   * `tesseract.esm.min.js`, `worker.min.js`, `core/` and `lang/` (see docs/text-index.md).
   */
  textSearchSrc: string | undefined;
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
    return this.#engine.snapshot.playbackRate;
  }
  set playbackRate(value: number | null) {
    const rate = value ?? 1;
    if (!Number.isFinite(rate)) throw new TypeError(`playbackRate must be a finite number, got ${rate}`);
    if (rate < PLAYBACK_RATE_RANGE.min || rate > PLAYBACK_RATE_RANGE.max) {
      throw new DOMException(`playback rate ${rate} is not supported (${PLAYBACK_RATE_RANGE.min}–${PLAYBACK_RATE_RANGE.max})`, 'NotSupportedError');
    }
    this.#requestedRate = rate;
    this.#engine.tell(RequestMethod.SetRate, { rate });
  }

  constructor() {
    super();
    this.addEventListener('keydown', (event) => {
      this.#autoHide.activity();
      if (runShortcut(event, this.#actions, this.slot === 'media')) event.preventDefault();
    });
    this.addEventListener('fullscreenchange', () => this.requestUpdate());
  }

  override connectedCallback(): void {
    super.connectedCallback();
    connectedPlayers.add(this);
    if (!this.hasAttribute('tabindex')) this.tabIndex = 0;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    connectedPlayers.delete(this);
  }

  override attributeChangedCallback(name: string, old: string | null, value: string | null): void {
    super.attributeChangedCallback(name, old, value);
    if (name === 'lang') this.requestUpdate();
  }

  protected override firstUpdated(): void {
    this.#engine.rendered();
  }

  protected override updated(changed: PropertyValues): void {
    if (changed.has('loop')) this.#engine.tell(RequestMethod.SetLoop, { loop: this.loop });
    if (changed.has('idleLimit')) this.#engine.tell(RequestMethod.SetIdleLimit, { idleLimitMs: this.#idleLimitMs() });
    if (this.textSearch) void this.#loadTextSearch();
  }

  /** Complete once what the chunks render shows: an open panel (`Panels`), the review tools' notes and lanes, the hover tooltip. */
  protected override async getUpdateComplete(): Promise<boolean> {
    let complete = await super.getUpdateComplete();
    const loading = () => this.#panels.loading ?? this.#review.loading ?? this.#thumbnails.loading;
    for (let chunk = loading(); chunk; chunk = loading()) {
      await chunk;
      complete = await super.getUpdateComplete();
    }
    return complete;
  }

  #hasSource(): boolean {
    return this.#srcObjectValue !== null || this.#srcValue !== '';
  }

  #sourceChanged(): void {
    // Synchronous, so `el.src = url; el.play()` reaches the worker in that order. Before the first
    // render, `firstUpdated` (or the first method that needs the worker) starts it with this source.
    if (this.#engine.client || this.hasUpdated) this.load();
  }

  #loadParams(): LoadParams {
    const startAt = parseTimeOffset(this.startAt) ?? (this.#srcObjectValue ? undefined : mediaFragmentStart(this.#srcValue)) ?? 0;
    return {
      source: this.#srcObjectValue ?? (this.#srcValue ? new URL(this.#srcValue, document.baseURI).href : null),
      preload: Object.values(Preload).includes(this.preload) ? this.preload : Preload.Auto,
      autoplay: this.autoplay,
      loop: this.loop,
      startAtMs: startAt * 1000,
      playbackRate: this.#requestedRate ?? this.defaultPlaybackRate,
      idleLimitMs: this.#idleLimitMs(),
      durationHintMs: Number.isFinite(this.durationHint) && this.durationHint > 0 ? this.durationHint * 1000 : 0,
      authToken: this.authToken,
    };
  }

  #idleLimitMs(): number {
    return Number.isFinite(this.idleLimit) && this.idleLimit > 0 ? this.idleLimit * 1000 : 0;
  }

  /** A media event from the engine: said in the live region, then fired (a marker as a `CustomEvent` with its `PlayerMarker`). */
  #onEngineEvent(name: MediaEvent, state: PlaybackSnapshot, previous: PlaybackSnapshot, detail: unknown): void {
    const marker = name === MediaEvent.Marker ? this.#locale.playerMarker(detail as Marker) : undefined;
    if (name === MediaEvent.LoadStart || name === MediaEvent.Emptied) {
      this.#dismissedError = '';
      this.#markerRail.reset();
    }
    this.#announcer.mediaEvent(name, state, previous, this.#locale.strings(), this.#engine.waiting, this.#scrubbing.dragging, marker);
    if (name === MediaEvent.Play) this.#autoHide.activity();
    // A seek waiting for the download: what is knowable meanwhile, marked approximate (a chunk, loaded at the first wait).
    if (name === MediaEvent.Waiting) void import('./approximate-screen.js').then(({ approximateLayer }) => approximateLayer(this.#view));
    this.#review.mediaEvent(name, state);
    this.dispatchEvent(marker ? new CustomEvent(name, { detail: marker }) : new Event(name));
  }

  /** The position in seconds; setting it seeks. */
  get currentTime(): number {
    const pending = this.#engine.pendingSeek;
    if (pending === undefined) return this.#engine.snapshot.currentTimeMs / 1000;
    // A seek reads its target at once, as <video>'s does, clamped as the engine will: at 0, and at a final duration.
    const target = Math.max(0, pending);
    return this.readyState === ReadyState.HaveEnoughData ? Math.min(target, this.duration) : target;
  }
  set currentTime(seconds: number) {
    void this.#engine.seek(seconds);
  }

  /**
   * Length in seconds: NaN before metadata; from `loadedmetadata` on, the whole length where it can
   * be known (a server that answers Range requests: the file's end is read first; a Blob, bytes;
   * `duration-hint`), else it grows as the file streams in (`durationchange`) and is final once
   * `canplaythrough` fired.
   */
  get duration(): number {
    return this.#engine.snapshot.durationMs / 1000;
  }

  /** True until `play()`, and again after `pause()` or the end. */
  get paused(): boolean {
    return this.#engine.snapshot.paused;
  }

  /** Playback reached the end (and `loop` is off). */
  get ended(): boolean {
    return this.#engine.snapshot.ended;
  }

  /** A seek is in progress: the screen is being rebuilt at the new position. */
  get seeking(): boolean {
    // True from the assignment on, as <video>'s, not only once the engine said so.
    return this.#engine.snapshot.seeking || this.#engine.pendingSeek !== undefined;
  }

  /** 0–4, as `HTMLMediaElement.readyState`. */
  get readyState(): ReadyState {
    return this.#engine.snapshot.readyState;
  }

  /** The remote screen's width at the current position, in pixels. */
  get videoWidth(): number {
    return this.#engine.snapshot.videoWidth;
  }

  /** The remote screen's height at the current position, in pixels. */
  get videoHeight(): number {
    return this.#engine.snapshot.videoHeight;
  }

  /** `null`, or why the recording could not be (fully) loaded. */
  get error(): PlayerError | null {
    const error = this.#engine.snapshot.error;
    return error && { code: mediaErrorCodeOf[error.reason], message: error.message, reason: error.reason, partial: error.partial };
  }

  /** Session metadata from the file (user, desktop, start and end…). */
  get recording(): RecordingInfo {
    return this.#engine.snapshot.recording;
  }

  /**
   * Audit events on the timeline (clipboard, shared-directory transfers with their reads or writes in `transfer`, session start/end, alerts), times in seconds.
   * The same frozen array until the markers or the element's language change.
   */
  get markers(): readonly PlayerMarker[] {
    return this.#locale.playerMarkers(this.#engine.snapshot.markers);
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
    return this.#activity.track;
  }

  /**
   * The recording is still being written — a live session, whose file the server marks with
   * `x-recording-live: true`. While it is: `duration` is the live edge and grows, `seekable` ends
   * there, and playing waits there (`waiting`, `readyState` 2) instead of ending. When the session
   * ends it turns false: `durationchange` fires, the duration is final, and `ended` comes as for
   * any recording. Read-only.
   */
  get live(): boolean {
    return this.#engine.snapshot.live;
  }

  /** Wall-clock time of position 0, when the file says. */
  get startDate(): Date | null {
    return this.#engine.snapshot.startDateMs === null ? null : new Date(this.#engine.snapshot.startDateMs);
  }

  /** What has been read of the recording: from 0 once metadata is known, and the stretches read ahead for seeks. */
  get buffered(): TimeRangesLike {
    const { readyState, bufferedMs, bufferedAheadMs } = this.#engine.snapshot;
    if (readyState < ReadyState.HaveMetadata) return timeRanges(undefined);
    return rangesOf([[0, bufferedMs / 1000], ...bufferedAheadMs.filter(([, end]) => end > bufferedMs).map(([start, end]) => [Math.max(start, bufferedMs) / 1000, end / 1000] as const)]);
  }

  /** Where a seek can go: the whole duration (a seek past what has been read waits for it, never clamped there). */
  get seekable(): TimeRangesLike {
    return timeRanges(this.#engine.snapshot.readyState >= ReadyState.HaveMetadata && Number.isFinite(this.duration) ? this.duration : undefined);
  }

  /**
   * How the recording file is read out of order, and why: `status` is `pending` (not known yet, or a
   * websocket), `used` (the server answers HTTP Range requests: the file's end, and so the whole
   * duration, was read first), `unsupported` (it does not, or the recording is still being written:
   * the duration grows as the file streams in), `local` (a Blob, bytes, a blob: or data: URL) or
   * `unreliable` (the server answered a range wrongly: the file is only streamed); `detail` says it
   * in words.
   */
  get rangeReads(): { status: RangeReadStatus; detail: string } {
    return { status: this.#engine.snapshot.rangeReads, detail: this.#engine.snapshot.rangeReadsDetail };
  }

  /**
   * The SHA-256 of the recording file (lowercase hex), over its exact bytes, taken while it is read:
   * null until the whole file has been read (`canplaythrough`), after a load that failed, and for a
   * websocket source (no file). Read-only; review notes and evidence name the recording by it.
   */
  get recordingSha256(): string | null {
    return this.#engine.snapshot.recordingSha256;
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

  /**
   * The reviewer's notes on this recording, sorted by time: `{ id, time, endTime?, severity, text,
   * created, author? }` (seconds; `severity` is `info`, `warning` or `critical`). Setting replaces
   * them all (checked: a TypeError names the first that is not a note) and fires nothing; notes
   * added, edited or deleted in the controls fire `reviewnoteschange`. A new recording keeps them:
   * set `[]` with a new `src` when they belong to the old one. A new array each time.
   */
  get reviewNotes(): ReviewNote[] {
    return this.#review.notes.map((note) => ({ ...note }));
  }
  set reviewNotes(notes: ReviewNote[]) {
    this.#review.set(notes);
  }

  /**
   * How much of the recording's active time (the seconds `activity` shows a screen change in) was
   * reviewed: played on screen at 4× or slower while the page was visible, here or in an imported
   * sidecar, 0–1. Idle seconds count for nothing either way; a paused frame covers nothing. The
   * controls draw it under the rail (part `coverage`).
   */
  get reviewCoverage(): number {
    return this.#review.loaded?.coverage() ?? 0;
  }

  /**
   * The notes and coverage as a `.review.json` sidecar object (`{ format: 'desktop-recording-review',
   * version: 1, sessionId, recordingSha256, notes, coverage }`); `JSON.stringify` it to save it.
   */
  async exportReviewNotes(): Promise<ReviewSidecar> {
    return (await this.#review.load()).exportSidecar();
  }

  /**
   * Replaces the notes with a sidecar's (its JSON text or object) and adds its coverage; fires
   * `reviewnoteschange`. Rejects, changing nothing, when it is not a sidecar this player reads or
   * belongs to another recording file (another SHA-256; without a hash, another session ID).
   */
  async importReviewNotes(sidecar: string | ReviewSidecar): Promise<void> {
    (await this.#review.load()).importSidecar(sidecar);
  }

  /** Starts playback; resolves when it runs and rejects, as `<video>` does, when there is nothing to play. */
  play(): Promise<void> {
    const error = this.#engine.snapshot.error;
    if (error && !error.partial) return Promise.reject(new DOMException(error.message, 'NotSupportedError'));
    if (!this.#hasSource()) return Promise.reject(new DOMException('there is no recording to play (no src)', 'NotSupportedError'));
    return this.#engine.ensure().request(RequestMethod.Play, undefined);
  }

  /** Pauses playback; `pause` fires. */
  pause(): void {
    this.#engine.tell(RequestMethod.Pause, undefined);
  }

  /** Loads the source again from the start. */
  load(): void {
    this.#engine.load();
  }

  /** Seeks to the previous (-1) or next (1) change of the screen, like a video player's frame step. */
  stepScreenChange(direction: 1 | -1): Promise<void> {
    return this.#engine.client?.request(RequestMethod.StepScreen, { direction }) ?? Promise.resolve();
  }

  /** Seeks to `seconds` (exact in this player: the screen is rebuilt there). */
  fastSeek(seconds: number): void {
    void this.#engine.seek(seconds);
  }

  /**
   * Painting figures, like `<video>`'s: `totalVideoFrames` counts the screen tiles that fell due
   * while playing, `droppedVideoFrames` those skipped because a later tile covered them before
   * they could be painted (high speeds), `corruptedVideoFrames` tiles whose image did not decode.
   */
  getVideoPlaybackQuality(): PlaybackQuality {
    const { tilesDue, tilesSkipped, undecodableTiles } = this.#engine.snapshot;
    return { creationTime: performance.now(), totalVideoFrames: tilesDue, droppedVideoFrames: tilesSkipped, corruptedVideoFrames: undecodableTiles };
  }

  /** The remote screen at `currentTime` as an image: no pointer, no controls, full recorded size. */
  captureFrame(options: CaptureFrameOptions = {}): Promise<Blob> {
    return this.#engine.ensure().request(RequestMethod.CaptureFrame, { type: options.type, quality: options.quality });
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
    return this.#engine.ensure().exportVideo(
      { startMs: seconds(start), endMs: seconds(end), type, width, fps },
      onProgress && ((progress: ExportProgressMessage) => onProgress(progress.fraction, progress.frames)),
      signal,
    );
  }

  /**
   * Makes an evidence bundle of `start`–`end` (seconds; default the whole recording): one ZIP file
   * named `<session-id>-evidence-<hh-mm-ss>-<hh-mm-ss>.zip` with the range's video, the screen at
   * each review note (`notes`, default `reviewNotes`), every event of the range, the session's
   * metadata, a README and `SHA256SUMS` covering every file and the original recording (see
   * docs/evidence-bundle.md). Waits for the whole recording to load. Rejects with an
   * `InvalidStateError` while a playback websocket or a live recording is still arriving, a
   * `RangeError` for a range outside the recording, and an `AbortError` when `signal` aborts.
   *
   * @example
   * const zip = await player.exportEvidence({ start: 60, end: 120, onProgress: (f) => console.log(f) });
   */
  exportEvidence(options: ExportEvidenceOptions = {}): Promise<File> {
    // A chunk of its own: most players never make a bundle.
    return import('./evidence.js').then(({ exportEvidence }) => exportEvidence(this, this.#engine.ensure(), options));
  }

  /**
   * Where `query` was on the screen: `[{ time, endTime, text, box }]`, earliest first — seconds
   * while it showed, the line it was on, and its box in screen pixels. Case-insensitive; the words
   * of a query match consecutive words of one line; words of 5+ letters match with one typo (OCR
   * noise) unless `exact`. Reads the text index at `text-index`; with `text-search` on and no
   * readable sidecar, the index the player builds, as far as it goes. Rejects with a
   * `NotSupportedError` without either, and with an `Error` when the sidecar cannot be loaded or read.
   *
   * @example
   * const [first] = await player.search('ssh prod-db');
   * if (first) player.currentTime = first.time;
   */
  async search(query: string, options: TextSearchOptions = {}): Promise<TextSearchHit[]> {
    const sidecar = async () => {
      const indexUrl = this.textIndex ? new URL(this.textIndex, document.baseURI).href : '';
      const { hits, progress } = await this.#engine.ensure().request(RequestMethod.SearchText, { indexUrl, query: `${query}`, ...options });
      if (progress) this.dispatchEvent(new CustomEvent('textindexprogress', { detail: progress }));
      return hits;
    };
    // With text search on, its chunk chooses: the sidecar while it reads, else the index built here.
    return this.textSearch ? (await this.#loadTextSearch()).search(`${query}`, options, sidecar) : sidecar();
  }

  /** Text search is a chunk of its own, loaded when `text-search` is first on: a page without it downloads none of it. */
  #loadTextSearch(): Promise<TextSearch> {
    return (this.#textSearchLoading ??= import('./text-search.js').then(({ TextSearch }) => new TextSearch(this.#view)));
  }

  protected override render() {
    const snapshot = this.#engine.snapshot;
    const s = (this.#view.s = this.#locale.strings());
    const error = snapshot.error;
    const showError = error && !(error.partial && this.#dismissedError === error.message);
    const busy: 'loading' | 'buffering' | 'seeking' | '' =
      // preload="none" reads nothing until play(): nothing is loading before then.
      !error && this.#hasSource() && snapshot.readyState < ReadyState.HaveCurrentData && (this.preload !== Preload.None || this.autoplay || !snapshot.paused)
        ? 'loading'
        : // Live, waiting at the edge is the normal state (the badge says "Live"), not buffering.
          this.#engine.waiting && !snapshot.paused && !snapshot.live
          ? 'buffering'
          : snapshot.seeking && this.#scrubbing.time === undefined
            ? 'seeking'
            : '';
    const hidden = this.controls && this.#autoHide.hidden;
    const who = snapshot.recording.user;
    const desktop = snapshot.recording.desktopName ?? snapshot.recording.desktopAddr;
    const toast = this.#output.toast;
    return html`
      <div class="stage ${hidden ? 'stage--idle' : ''}">
        <div class="screen-layers" role="img" aria-label=${who && desktop ? fill(s.playerOf, who, desktop) : s.player}>
          <canvas class="screen" part="screen"></canvas>
          <canvas class="cursor" part="cursor"></canvas>
        </div>
        ${this.#view.textSearch?.outline()}
        ${this.poster && snapshot.readyState < ReadyState.HaveCurrentData ? html`<img class="poster" part="poster" src=${this.poster} alt="" />` : nothing}
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
        ${this.controls ? controlsTemplate(this.#view, hidden) : nothing}
        ${this.#panels.render(this.#view)}
        ${exportProgress(this.#view)}
        <div class="toast" part="toast" ?hidden=${!toast}>${toast?.url ? html`<label>${toast.text} <input readonly .value=${toast.url} /></label>` : toast?.text}</div>
        <div class="visually-hidden" role="status" aria-live="polite" aria-atomic="true">${this.#announcer.text}</div>
      </div>
    `;
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
  return rangesOf(end === undefined ? [] : [[0, end]]);
}

/** Time ranges (seconds, in order, not overlapping) as `TimeRanges` reads them. */
function rangesOf(ranges: ReadonlyArray<readonly [number, number]>): TimeRangesLike {
  const at = (index: number): readonly [number, number] => {
    const range = ranges[index];
    if (!range) throw new DOMException(`no time range at index ${index}`, 'IndexSizeError');
    return range;
  };
  return { length: ranges.length, start: (index) => at(index)[0], end: (index) => at(index)[1] };
}
