import { ErrorReason, RecordingError, transferFailure } from '../format/errors.js';
import type { MarkerStore } from '../format/marker-store.js';
import { MediaEvent, PLAYBACK_RATE_RANGE, Preload, ReadyState, initialSnapshot, type PlaybackOptions, type PlaybackSnapshot } from '../playback-state.js';
import { ActivityReports } from './activity-reports.js';
import type { PaintSurface } from './canvas.js';
import { formatMs, type Now, type PlaybackClock } from './clock.js';
import { openFeed, type FeedSink, type RecordingFeed, type RecordingSource } from './feeds/index.js';
import { fastPathGate } from './fast-path-gate.js';
import { fastestImageDecode, type DecodedImage } from './image-decode.js';
import { Ingest } from './ingest.js';
import { KeyframePolicy } from './keyframe-policy.js';
import type { KeyframeProgress } from './keyframes.js';
import { PlaybackMachine } from './playback-machine.js';
import { Playhead } from './playhead.js';
import { CanvasRenderer, type ReplaySource } from './renderer.js';
import { Scheduler } from './scheduler.js';
import type { SeekIsland } from './seek-island.js';
import type { SeekIslands } from './seek-islands.js';
import type { ApproximateRequest, ApproximateScreen } from './approximate-screen.js';
import type { PreviewSource, Thumbnails } from './thumbnails.js';
import type { TileImage } from './tile-bytes.js';
// Types only: the exports' code is a chunk, loaded on the first export; so are the hover thumbnails.
import type { EvidenceExportRequest, ExportContext, ExportRequests } from './export/export-requests.js';
import type { VideoExportProgress, VideoExportSettings } from './export/video-export.js';

/** How often `progress` fires while the file loads (the HTML spec says about every 350 ms). */
const PROGRESS_INTERVAL_MS = 350;
/** A player that waited at a real-time source's edge resumes this far behind the newest data (what arrives next has room to land). */
const LIVE_LAG_MS = 500;

export interface LoadOptions extends PlaybackOptions {
  source: RecordingSource | null;
}

/** Where the session reports to: the worker posts each event with the state as it was then. */
export interface SessionHost {
  emit(name: MediaEvent, detail?: unknown): void;
  /** The activity track changed (`activity.ts`): changed screen area per second, 0–1. */
  activity?(seconds: Float32Array): void;
  /** Background keyframe building went on, or restarted with a new load. */
  keyframes?(progress: KeyframeProgress): void;
}

export interface SessionTiming {
  now: Now;
  /** Runs `callback` after `delayMs`; returns a cancel function. */
  schedule(callback: () => void, delayMs: number): () => void;
  /** Resolves in a new task, so requests, timers and finished decodes waiting in the event loop run first. */
  yield(): Promise<void>;
}

const defaultTiming: SessionTiming = {
  now: () => performance.now(),
  schedule: (callback, delayMs) => {
    const timer = setTimeout(callback, delayMs);
    return () => clearTimeout(timer);
  },
  yield: yieldToEventLoop,
};

/** A new task without setTimeout's 4 ms clamp. */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(undefined);
  });
}

const NO_SOURCE: LoadOptions = { source: null, preload: Preload.Auto, autoplay: false, loop: false, startAtMs: 0, playbackRate: 1, idleLimitMs: 0, durationHintMs: 0 };

/**
 * One playback session, composed of: a feed (`feeds/`: where the events come from), an ingest
 * (`ingest.ts`: everything known about the loaded recording), the playback state machine
 * (`playback-machine.ts`: phases and media events), the playhead (`playhead.ts`: clock and ticks),
 * the renderer, the keyframe policy and the exports. It turns the feed's deliveries into readiness
 * and duration, and requests into transitions, with `HTMLMediaElement` semantics. DOM-free: it
 * runs in the worker.
 */
export class PlaybackSession {
  private readonly state: PlaybackSnapshot = initialSnapshot();
  private readonly timing: SessionTiming;
  private readonly playhead: Playhead;
  private readonly clock: PlaybackClock;
  private readonly machine: PlaybackMachine;
  private readonly keyframes: KeyframePolicy;
  private readonly activityReports: ActivityReports;
  private readonly decodeImage = fastestImageDecode();
  private renderer: CanvasRenderer | undefined;
  private options: LoadOptions = NO_SOURCE;
  // ——— the current load; a new load replaces all of them ———
  private ingest = this.newIngest();
  /** Where the events come from; closed by the next load. Undefined before the first read (`preload="none"`). */
  private feed: RecordingFeed | undefined;
  /** `preload="none"`: the feed opens on the first `play()`. */
  private deferredRead = false;
  /**
   * `preload="metadata"`: once the first frame is painted, reading waits here until playback,
   * a seek or an export needs more (`resumeLoading`).
   */
  private loadingHeld: { promise: Promise<void>; release(): void } | undefined;
  private firstFrameStarted = false;
  /** A live recording: everything written so far has been read once (the feed said so). */
  private liveCaughtUp = false;
  /** The full length as the feed told it before its events arrived (0: not told). */
  private knownDurationMs = 0;
  /** Seeks and exports waiting for the data to reach a time. */
  private dataWaiters: Array<{ targetMs: number; resolve(): void }> = [];
  /** What video exports read of the current load. */
  private readonly exportContext: ExportContext;
  /** Video exports and evidence bundles (`export/export-requests.ts`, a chunk loaded at the first); a new load cancels them. */
  private exports: Promise<ExportRequests> | undefined;
  /** Bumped by each new load: an export asked for before its chunk loaded belongs to the load it was asked in. */
  private exportGeneration = 0;
  /** The hover thumbnails of this load (a chunk), made at the first one. */
  private thumbnails: Promise<Thumbnails> | undefined;
  /** The parts a hover thumbnail of a moment not read yet reads; a new hover, a seek or a new load stops it. */
  private previewing: AbortController | undefined;
  /** A seek past what has arrived, composed from parts the feed reads out of order (random access). */
  private islands: SeekIslands | undefined;
  /**
   * The screen shows an island's moment, ahead of the download in order: once that reaches it, the
   * screen is rebuilt from the ingest (the same pixels), and playback goes on from there.
   */
  private islandShownMs: number | undefined;
  /** The seek islands' chunk, loaded once a server answers Range requests; without it, seeks wait for the download in order. */
  private islandsChunk: Promise<typeof import('./seek-islands.js') | undefined> | undefined;
  /** This load's seek islands once their chunk is in (a seek right after the end was read waits for it). */
  private islandsReady: Promise<SeekIslands | undefined> | undefined;
  private metadataVersionSeen = -1;
  private metadataChanges = 0;
  private seekGeneration = 0;
  private lastProgressAt = -Infinity;
  /** A `progress` the interval held back; it still goes out, so what was read just before a stall reaches the page. */
  private cancelProgress: (() => void) | undefined;
  /** A duration grown by reading that waits for the next `progress` (`noteData`). */
  private heldDurationMs: number | undefined;

  constructor(
    private readonly host: SessionHost,
    timing: Partial<SessionTiming> = {},
    /** Makes the feed for a source (`feeds/`); tests script their own. */
    private readonly feedFor: typeof openFeed = openFeed,
  ) {
    this.timing = { ...defaultTiming, ...timing };
    // The load keeps its markers as columns (`ingest.markerStore`); the snapshot's list of objects is
    // made only when read, and is left out of copies of the snapshot (not enumerable).
    Object.defineProperty(this.state, 'markers', { get: () => this.ingest.markers, set: () => {}, enumerable: false });
    this.keyframes = new KeyframePolicy(
      this.timing,
      () => this.state.readyState < ReadyState.HaveCurrentData || this.state.seeking || (this.renderer?.backlog ?? 0) > 0,
      (progress) => this.host.keyframes?.(progress),
    );
    const scheduler = new Scheduler(this.ingest.timeline, this.keyframes.store);
    this.playhead = new Playhead(
      this.state,
      this.timing,
      {
        emit: (name, detail) => this.host.emit(name, detail),
        renderer: () => this.renderer,
        playableEndMs: () => this.playableEndMs(),
        reachedEdge: () => (this.ingest.finished ? this.reachEnd() : this.stall()),
        passingDuration: () => {
          if (this.heldDurationMs !== undefined) this.changeDuration(this.heldDurationMs);
        },
        markers: () => this.ingest.markerStore,
      },
      scheduler,
    );
    this.clock = this.playhead.clock;
    this.exportContext = {
      ingest: () => (this.options.source === null ? null : this.ingest),
      paced: () => this.feed?.paced === true,
      source: () => this.options.source,
      recordingSha256: () => this.state.recordingSha256,
      error: () => this.state.error,
      hasMetadata: () => this.state.readyState >= ReadyState.HaveMetadata,
      durationMs: () => this.state.durationMs,
      startLoading: () => {
        if (this.deferredRead) this.startFeed();
        this.resumeLoading();
      },
      dataAt: (timeMs, signal) => this.dataAt(timeMs, signal),
      replaySource: () => this.replaySource(),
      yield: this.timing.yield,
    };
    this.activityReports = new ActivityReports(this.timing, (seconds) => this.host.activity?.(seconds));
    this.machine = new PlaybackMachine(this.state, {
      emit: (name) => this.host.emit(name),
      run: () => this.playhead.run(),
      halt: (keepClock) => this.playhead.halt(keepClock),
      awaitData: () => {
        // At a real-time source's edge, the clock runs on while waiting (see stall()).
        if (!this.isRealTime()) return;
        this.clock.set(this.state.currentTimeMs);
        this.clock.start();
      },
    });
  }

  snapshot(): PlaybackSnapshot {
    return this.state;
  }

  /** Changes whenever `recording` or `markers` of the snapshot may have (a load, events that carry them). */
  get metadataVersion(): number {
    return this.metadataChanges;
  }

  /** The load's markers, as it keeps them (a new load, a new store). */
  get markerStore(): MarkerStore {
    return this.ingest.markerStore;
  }

  /** Markers of the load changed in place since the last call (transfers that grew): their indexes. */
  takeRevisedMarkers(): number[] {
    return this.ingest.takeRevisedMarkers();
  }

  /** The canvases to paint on: the screen, and the pointer layer above it. */
  attach(screen: PaintSurface, cursor: PaintSurface): void {
    this.renderer = new CanvasRenderer(screen, cursor, {
      decodeTile: this.decodeTile,
      // Each PDU in a buffer the next read fills again: a seek replaying thousands allocates none.
      readBytes: (bytes) => this.ingest.tileBytes.readTransient(bytes),
      onScreenSize: (width, height) => this.noteScreenSize(width, height),
      onImageError: (timeMs, error) => this.noteImageError(timeMs, error),
    });
    this.keyframes.wake();
    // Canvases that arrive after loading began show the current position at once.
    if (this.state.readyState >= ReadyState.HaveMetadata) void this.rebuildScreen(this.state.currentTimeMs);
  }

  load(options: LoadOptions): void {
    const hadSource = this.options.source !== null;
    this.stop();
    this.options = options;
    this.reset();
    this.machine.load(options.source !== null, hadSource);
    if (options.source === null) return;
    if (options.preload === Preload.None && !options.autoplay) this.deferredRead = true;
    else this.startFeed();
  }

  /** Resolves once playback actually runs (`playing`), like `HTMLMediaElement.play()`. */
  play(): Promise<void> {
    const { error } = this.state;
    if (error && !error.partial) return Promise.reject(new DOMException(error.message, 'NotSupportedError'));
    if (this.options.source === null) return Promise.reject(new DOMException('there is no recording to play (no source)', 'NotSupportedError'));
    if (this.deferredRead) this.startFeed();
    this.resumeLoading();
    if (this.state.ended || (this.ingest.finished && this.state.currentTimeMs >= this.state.durationMs)) void this.seek(0);
    const wasPaused = this.state.paused;
    const played = this.machine.play();
    if (wasPaused) this.steerFeed();
    return played;
  }

  pause(): void {
    if (this.state.paused) return;
    this.machine.pause();
    this.steerFeed();
  }

  /** Moves to `timeMs` and rebuilds the screen there; resolves when `seeked` fired (or a newer seek took over). */
  async seek(timeMs: number): Promise<void> {
    if (!Number.isFinite(timeMs)) throw new TypeError(`cannot seek to ${timeMs}`);
    if (this.state.readyState === ReadyState.HaveNothing) {
      // Before metadata a seek only sets where playback will start, as with <video>.
      this.options.startAtMs = Math.max(0, timeMs);
      return;
    }
    // Clamped to the final duration only: a length that still grows (or a paced feed's hint) is no limit.
    const limitMs = this.ingest.finished || this.feed?.paced === true || this.knownDurationMs > 0 ? this.state.durationMs : Infinity;
    let target = Math.min(Math.max(0, timeMs), limitMs);
    const generation = ++this.seekGeneration;
    // A seek goes first: a hover thumbnail's reads stop.
    this.previewing?.abort();
    this.resumeLoading();
    this.state.currentTimeMs = target;
    this.clock.set(target);
    this.machine.seek();
    if (!this.ingest.finished && target > this.ingest.durationMs) {
      // Past what has arrived: ask the feed for it and wait (`waiting`), as <video> does.
      this.machine.seekAwaitsData();
      // How the download goes while the seek waits tells when it lands (the approximate screen's wait).
      this.feed?.downloadEstimate?.restart();
      const arrived = this.dataAt(target);
      // A feed with random access reads the parts that moment needs; whichever comes first shows it.
      const islands = await this.islandsReady;
      if (generation !== this.seekGeneration) return;
      const want = () => this.feed?.want(target);
      const shown = await (islands?.compose(target, this.ingest, arrived, want, () => generation === this.seekGeneration) ?? (want(), arrived));
      if (generation !== this.seekGeneration) return;
      if (shown && target > this.ingest.durationMs && (await this.showIsland(shown, generation))) return;
      // The recording ended before the target: the seek lands on its end.
      target = Math.min(target, this.state.durationMs);
      this.state.currentTimeMs = target;
    }
    await this.rebuildScreen(target);
    this.keyframes.noteSeek();
    if (generation !== this.seekGeneration) return;
    // Playback resumes from the target, not from where the clock ran while the screen was rebuilt.
    this.machine.seeked();
    if (this.ingest.finished) this.machine.enoughData();
  }

  setPlaybackRate(rate: number): void {
    if (!(rate >= PLAYBACK_RATE_RANGE.min && rate <= PLAYBACK_RATE_RANGE.max)) {
      throw new DOMException(`playback rate ${rate} is not supported (${PLAYBACK_RATE_RANGE.min}–${PLAYBACK_RATE_RANGE.max})`, 'NotSupportedError');
    }
    if (rate === this.state.playbackRate) return;
    this.clock.setRate(rate);
    this.state.playbackRate = rate;
    this.steerFeed();
    this.host.emit(MediaEvent.RateChange);
  }

  /** Seeks to the previous (-1) or next (1) moment the screen changed; stays put when there is none. */
  async stepScreen(direction: 1 | -1): Promise<void> {
    const { timeline, activity } = this.ingest;
    // Only changes that count as activity stop a step: a blinking caret does not.
    const target = timeline.tileTimeBeside(this.state.currentTimeMs, direction, (update) => activity.countsAt(update.timeMs));
    if (target !== undefined) await this.seek(target);
  }

  setLoop(loop: boolean): void {
    this.options.loop = loop;
  }

  /** Idle skipping: quiet gaps longer than `limitMs` play in `limitMs` (0 turns it off). */
  setIdleLimit(limitMs: number): void {
    this.options.idleLimitMs = Math.max(0, limitMs);
    // Re-anchored on the old map first, so the position does not jump.
    this.clock.setTimeMap(undefined);
    this.ingest.idleTime.setLimit(this.options.idleLimitMs);
    if (this.options.idleLimitMs > 0) this.clock.setTimeMap(this.ingest.idleTime);
  }

  /** The remote screen at the current time, without the pointer, at full recorded size. */
  async captureFrame(type?: string, quality?: number): Promise<Blob> {
    if (!this.renderer) throw new DOMException('the player has no canvas yet', 'InvalidStateError');
    return this.renderer.capture(type, quality);
  }

  /**
   * Renders a range of the recording into a video file (`export/`) on canvases of its own, so
   * playback goes on meanwhile. Aborting `signal`, or a new load, cancels it.
   */
  async exportVideo(request: Partial<VideoExportSettings>, onProgress: (progress: VideoExportProgress) => void, signal: AbortSignal): Promise<Blob> {
    const generation = this.exportGeneration;
    const exports = await this.exportRequests();
    if (generation !== this.exportGeneration) throw new DOMException('a new load started', 'AbortError');
    return exports.run(request, onProgress, signal);
  }

  /**
   * Makes an evidence bundle of a range (`export/evidence-bundle.ts`): a ZIP with the video, the
   * screen at each note, the events, the session and SHA256SUMS. Aborting `signal`, or a new load, cancels it.
   */
  async exportEvidence(request: EvidenceExportRequest, onProgress: (progress: VideoExportProgress) => void, signal: AbortSignal): Promise<File> {
    const generation = this.exportGeneration;
    const exports = await this.exportRequests();
    if (generation !== this.exportGeneration) throw new DOMException('a new load started', 'AbortError');
    return exports.runEvidence(request, onProgress, signal);
  }

  /** The exports of this session, made at the first (most players never export); a failed chunk load is retried next time. */
  private exportRequests(): Promise<ExportRequests> {
    return (this.exports ??= import('./export/export-requests.js').then(
      ({ ExportRequests }) => new ExportRequests(this.exportContext),
      (error: unknown) => {
        this.exports = undefined;
        throw error;
      },
    ));
  }

  /**
   * The screen at `timeMs`, scaled to `width` pixels wide (`thumbnails.ts`), rendered on canvases
   * of its own. Past what has loaded, composed from a few parts read for it where the server answers
   * Range requests (`Thumbnails.preview`; never while a seek is under way), else null. Null before metadata
   * and where there is no OffscreenCanvas. Each call stops the parts the last one was reading
   * (`timeMs` -1: the pointer left).
   */
  thumbnail(timeMs: number, width: number): Promise<ImageBitmap | null> {
    return this.previewAt(timeMs, (made, source, signal) => (source ? made.preview(timeMs, width, signal, source) : made.render(timeMs, width)));
  }

  /**
   * While a seek waits for the download: the screen at the loaded edge with, over it, what a few
   * parts read for `timeMs` paint (`Thumbnails.approximate`), `width` pixels wide; `width` 0: only
   * how far the download has read, how long it is expected to take to reach `timeMs`, and whether
   * an island composes the moment (what the page decides the wait by). Null at a time already read.
   */
  approximateScreen(request: ApproximateRequest): Promise<ApproximateScreen | null> {
    const download = {
      loadedBytes: 0,
      ...this.feed?.downloadEstimate?.facts(request.timeMs, this.ingest.durationMs, this.state.durationMs),
      composing: this.islands?.composing(request.timeMs),
    };
    return request.width ? this.previewAt(request.timeMs, (made, source, signal) => (source ? made.approximate(request, signal, source, download) : null)) : Promise.resolve(download);
  }

  /** The thumbnails' chunk and, for a time not read yet, what a preview reads; stops the parts the last one was reading. */
  private previewAt<T>(timeMs: number, use: (made: Thumbnails, source: PreviewSource | undefined, signal: AbortSignal) => Promise<T | null> | null): Promise<T | null> {
    this.previewing?.abort();
    this.previewing = undefined;
    // Up to the duration, or to where a seek waits (past a duration that grows as the file streams in).
    if (this.state.readyState === ReadyState.HaveNothing || !(timeMs >= 0 && timeMs <= Math.max(this.state.durationMs, this.state.currentTimeMs))) return Promise.resolve(null);
    // The source is this load's, even if a new load starts while the chunk arrives.
    const source = this.replaySource();
    const thumbnails = (this.thumbnails ??= import('./thumbnails.js').then(
      ({ Thumbnails }) => new Thumbnails(source),
      (error: unknown) => {
        if (this.thumbnails === thumbnails) this.thumbnails = undefined;
        throw error;
      },
    ));
    const { feed, ingest } = this;
    const { signal } = (this.previewing = new AbortController());
    return thumbnails.then((made) =>
      use(
        made,
        timeMs > ingest.durationMs
          ? {
              ingest,
              islands: this.islandsReady,
              seeking: () => this.state.seeking,
              read: feed?.preview?.bind(feed, timeMs),
              current: () => feed === this.feed,
            }
          : undefined,
        signal,
      ),
    );
  }

  /** Stops loading and playback for good. */
  dispose(): void {
    this.stop();
    this.machine.close();
    this.ingest.close();
  }

  // ——— loading ———

  /** Reads a tile's PNG from the current load's store and decodes it (the renderer outlives loads). */
  private readonly decodeTile = (png: TileImage): Promise<DecodedImage> => this.decodeTileOf(this.ingest, png);

  /** Decodes tiles of one load only: an export or keyframe build of it never reads a newer load's bytes. */
  private tileDecoderOf(ingest: Ingest): (png: TileImage) => Promise<DecodedImage> {
    return (png) => this.decodeTileOf(ingest, png);
  }

  /** Into the store's reusable buffer: the decoder takes the bytes when called. */
  private async decodeTileOf(ingest: Ingest, png: TileImage): Promise<DecodedImage> {
    const bytes = ingest.tileBytes.readTransient(png);
    return this.decodeImage(bytes instanceof Uint8Array ? bytes : await bytes);
  }

  /** Ends the current load's work: its feed, waiters, exports, a seek in flight, and the clock. */
  private stop(): void {
    this.feed?.close();
    this.feed = undefined;
    for (const waiter of this.dataWaiters.splice(0)) waiter.resolve();
    this.exportGeneration += 1;
    void this.exports?.then((exports) => exports.cancelAll(), () => {});
    this.seekGeneration += 1;
    this.playhead.halt(false);
    this.cancelProgress?.();
    this.cancelProgress = undefined;
    this.previewing?.abort();
  }

  /** A new load: a new ingest, scheduler and keyframes; the snapshot as initial (the rate stays). */
  private reset(): void {
    const rate = this.options.playbackRate;
    Object.assign(this.state, initialSnapshot(), { playbackRate: rate });
    this.clock.stop();
    this.clock.set(0);
    this.clock.setRate(rate);
    this.ingest.close();
    this.ingest = this.newIngest();
    this.playhead.scheduler = new Scheduler(this.ingest.timeline, this.keyframes.store);
    this.keyframes.reset(this.ingest, this.tileDecoderOf(this.ingest));
    void this.thumbnails?.then((thumbnails) => thumbnails.clear(), () => {});
    this.thumbnails = undefined;
    this.activityReports.follow(this.ingest.activity);
    this.activityReports.report(true);
    this.setIdleLimit(this.options.idleLimitMs);
    this.deferredRead = false;
    this.resumeLoading();
    this.islands?.close();
    this.islands = undefined;
    this.islandsReady = undefined;
    this.islandShownMs = undefined;
    this.firstFrameStarted = false;
    this.liveCaughtUp = false;
    this.knownDurationMs = 0;
    this.heldDurationMs = undefined;
    this.lastProgressAt = -Infinity;
    this.metadataVersionSeen = -1;
    this.metadataChanges += 1;
    this.renderer?.clear();
  }

  private startFeed(): void {
    this.deferredRead = false;
    const feed = this.feedFor(this.options.source!, { authToken: this.options.authToken, timing: this.timing });
    this.feed = feed;
    // A closed feed (a newer load) may still answer: what it says is dropped.
    const current = (): boolean => this.feed === feed;
    const sink: FeedSink = {
      events: (events) => {
        if (!current()) return;
        try {
          // New activity may change how time runs past the last loaded moment: re-anchor first.
          if (this.clock.isRunning) this.clock.set(this.clock.timeMs);
          this.ingest.add(events);
        } catch (error) {
          this.failLoad(error);
          return;
        }
        this.noteData(false);
        this.steerFeed();
      },
      // The first frame and seeks are what the user waits for: reading waits for them.
      ready: () =>
        this.loadingHeld?.promise ??
        (this.renderer && this.state.readyState >= ReadyState.HaveMetadata && (this.state.readyState < ReadyState.HaveCurrentData || this.state.seeking)
          ? this.renderer.whenIdle()
          : undefined),
      duration: (ms) => {
        if (!current() || !(ms >= 0 && Number.isFinite(ms))) return;
        this.knownDurationMs = ms;
        if (this.state.readyState >= ReadyState.HaveMetadata) this.noteData(false);
      },
      sessionEnds: (events) => current() && this.ingest.noteSessionEnds(events),
      seekPart: (targetMs, part) => current() && this.noteHeld(!!this.islands?.part(targetMs, part)),
      seekBytesDropped: (start, end) => void (current() && this.noteHeld(this.islands?.drop(start, end))),
      lastParts: (parts) => void this.islandsReady?.then((islands) => current() && islands?.noteLastParts(parts)),
      seekPartFailed: (error) => {
        if (!current()) return;
        this.islands?.close();
        this.noteSeekPartError(error);
      },
      rangeReads: (status, detail) => {
        if (!current()) return;
        Object.assign(this.state, { rangeReads: status, rangeReadsDetail: detail });
        // Seeks past what has arrived can then be composed from parts read out of order: that code is a chunk, loaded now.
        if (status !== 'used') return;
        this.islandsChunk ??= import('./seek-islands.js').catch(() => undefined);
        this.islandsReady = this.islandsChunk.then((chunk) => (current() && chunk ? (this.islands ??= new chunk.SeekIslands()) : undefined));
      },
      live: () => current() && (this.state.live = true),
      caughtUp: () => current() && this.noteLiveCaughtUp(),
      end: (fileSha256) => {
        if (!current()) return;
        this.state.recordingSha256 = fileSha256 ?? null;
        this.finishLoad();
      },
      fail: (error) => current() && this.failLoad(error),
    };
    feed.start(fastPathGate(sink));
    this.steerFeed();
    if (this.options.startAtMs > 0) feed.want(this.options.startAtMs);
  }

  /** Tells the feed what the player does (a paced feed sends while playing, or until enough is ahead). */
  private steerFeed(): void {
    this.feed?.steer({ playing: !this.state.paused, rate: this.state.playbackRate, positionMs: this.state.currentTimeMs, deliveredMs: this.ingest.durationMs });
  }

  /** New events arrived (or the recording is complete): move metadata, duration and readiness forward. */
  private noteData(final: boolean): void {
    const ingest = this.ingest;
    const loadedMs = ingest.durationMs;
    this.state.startDateMs = ingest.startDateMs;
    if (ingest.metadataVersion !== this.metadataVersionSeen) {
      this.metadataVersionSeen = ingest.metadataVersion;
      this.metadataChanges += 1;
      this.state.recording = ingest.recording;
    }
    // A source that cannot tell its length has `duration-hint` stand in for it while loading. A
    // paced feed sends screen events only, so the session's idle tail after the last one is known
    // only from the hint: it stays the length after the end too (as Teleport's player does).
    const hintStands = !final || this.feed?.paced === true;
    const durationMs = Math.max(loadedMs, hintStands ? this.options.durationHintMs : 0, this.knownDurationMs);
    const firstScreen = ingest.timeline.firstScreen;
    if (this.islands) this.state.bufferedAheadMs = this.islands.heldBeyond(loadedMs, ingest);
    if (this.state.readyState === ReadyState.HaveNothing) {
      // Metadata = the screen size is known (or the recording ended without one).
      if (!firstScreen && !final) return;
      this.state.bufferedMs = loadedMs;
      this.state.durationMs = durationMs;
      this.state.videoWidth = firstScreen?.width ?? 0;
      this.state.videoHeight = firstScreen?.height ?? 0;
      this.state.currentTimeMs = Math.min(this.options.startAtMs, final ? loadedMs : Infinity);
      this.machine.metadata();
    } else {
      this.state.bufferedMs = loadedMs;
      if (final) this.heldDurationMs = undefined;
      // A length that grows with every piece read (a file of unknown length) goes out with
      // `progress`, not once per piece: unless a seek waits on it or playback could reach it first.
      const reachMs = this.state.currentTimeMs + PROGRESS_INTERVAL_MS * Math.max(1, this.state.playbackRate);
      if (!final && !this.state.seeking && durationMs > this.state.durationMs && reachMs < this.state.durationMs) this.heldDurationMs = durationMs;
      else if (durationMs !== this.state.durationMs) this.changeDuration(durationMs);
    }
    this.noteProgress(final);
    this.activityReports.report(final);
    if (this.renderer) this.keyframes.wake();
    const positionLoaded = final || ingest.timeline.lastTimeMs > this.state.currentTimeMs;
    if (!this.firstFrameStarted && positionLoaded && !this.holdsForLiveEdge()) void this.paintFirstFrame();
    if (this.islandShownMs !== undefined && (final || loadedMs >= this.islandShownMs)) {
      // The download in order reached the moment an island showed: the ingest takes over from here.
      this.islandShownMs = undefined;
      if (!this.state.seeking) void this.rebuildScreen(this.state.currentTimeMs);
    }
    // At a real-time source's edge, playback goes on once LIVE_LAG_MS has arrived beyond it: then it
    // trails the edge by that much, instead of stopping again at every message.
    const resumeBeyondMs = this.isRealTime() && !final ? LIVE_LAG_MS : 0;
    if (this.machine.atEdge && (final || loadedMs > this.state.currentTimeMs + resumeBeyondMs)) {
      // A real-time source: the clock ran on while waiting; go on from there, a little behind the newest data.
      const caughtUpMs = this.clock.isRunning ? Math.min(this.clock.timeMs, this.playableEndMs() - (final ? 0 : LIVE_LAG_MS)) : 0;
      this.clock.stop();
      if (caughtUpMs > this.state.currentTimeMs) this.playhead.advanceTo(caughtUpMs);
      this.machine.unstall();
    } else if (this.state.readyState >= ReadyState.HaveCurrentData && !this.state.seeking && !this.clock.isRunning && this.islandShownMs === undefined) {
      // Stopped (paused, or waiting at the edge) where more updates of this very moment just came
      // in (a server sends the rest of a millisecond's updates later): they show at once.
      this.playhead.advanceTo(this.state.currentTimeMs);
    }
    this.dataWaiters = this.dataWaiters.filter((waiter) => {
      if (!final && waiter.targetMs > loadedMs) return true;
      waiter.resolve();
      return false;
    });
  }

  /**
   * `progress` at most every PROGRESS_INTERVAL_MS while reading (at once for the end), after the
   * `durationchange` of a length held back meanwhile. One held back by the interval goes out when it
   * is up: `buffered`, the length (and the markers and activity known up to it) must not stay behind
   * when the download stalls right after a read.
   */
  private noteProgress(final: boolean): void {
    const waitMs = this.lastProgressAt + PROGRESS_INTERVAL_MS - this.timing.now();
    if (!final && waitMs > 0) {
      this.cancelProgress ??= this.timing.schedule(() => {
        this.cancelProgress = undefined;
        this.noteProgress(false);
      }, waitMs);
      return;
    }
    this.cancelProgress?.();
    this.cancelProgress = undefined;
    this.lastProgressAt = this.timing.now();
    if (this.heldDurationMs !== undefined) this.changeDuration(this.heldDurationMs);
    this.host.emit(MediaEvent.Progress);
  }

  private changeDuration(durationMs: number): void {
    this.heldDurationMs = undefined;
    this.state.durationMs = durationMs;
    this.host.emit(MediaEvent.DurationChange);
  }

  /** Resolves once the data reaches `timeMs` (or the recording is complete, or a new load began). */
  private dataAt(timeMs: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve) => {
      this.dataWaiters.push({ targetMs: timeMs, resolve });
      signal?.addEventListener('abort', () => resolve(), { once: true });
    });
  }

  /** Parts read for seeks were held or dropped (`buffered`): passes `result` on. */
  private noteHeld<T>(result: T): T {
    if (this.islands) {
      this.state.bufferedAheadMs = this.islands.heldBeyond(this.ingest.durationMs);
      this.host.emit(MediaEvent.Progress);
    }
    return result;
  }

  /** Paints the island's moment; false when a newer seek took over or there is nothing to paint on. */
  private async showIsland(island: SeekIsland, generation: number): Promise<boolean> {
    if (!this.renderer) return false;
    // The ingest's plan moves on to the target too, so nothing it loads before it is painted over the island's screen.
    this.playhead.scheduler.seek(island.targetMs);
    this.islandShownMs = island.targetMs;
    await this.renderer.rebuild(island.plan(), this.keyframes.restoreStep);
    if (generation !== this.seekGeneration) return true;
    this.keyframes.noteSeek();
    this.machine.seeked();
    return true;
  }

  /** A part read for a seek does not decode: reported once (`partial`), and the seek waits for the download in order. */
  private noteSeekPartError({ reason, message }: RecordingError): void {
    if (this.state.error) return;
    this.state.error = { reason, message, partial: true };
    this.host.emit(MediaEvent.Error);
  }

  /** Reading waits (`preload="metadata"` after the first frame) until `resumeLoading`. */
  private holdLoading(): void {
    if (this.loadingHeld) return;
    let release!: () => void;
    const promise = new Promise<void>((resolve) => (release = resolve));
    this.loadingHeld = { promise, release };
  }

  /** Reading goes on: playback, a seek or an export needs more than the first frame. */
  private resumeLoading(): void {
    const held = this.loadingHeld;
    this.loadingHeld = undefined;
    held?.release();
  }

  private finishLoad(): void {
    // A live recording ends as a normal one: its duration is final (durationchange even if unchanged).
    const liveDurationMs = this.state.live ? this.state.durationMs : undefined;
    this.state.live = false;
    // The end closes the last quiet gap, which changes how time runs there: re-anchor first.
    if (this.clock.isRunning) this.clock.set(this.clock.timeMs);
    this.ingest.finish();
    const endMs = this.ingest.durationMs;
    if (this.state.currentTimeMs > endMs && this.state.readyState >= ReadyState.HaveMetadata) {
      this.state.currentTimeMs = endMs;
      this.clock.set(endMs);
    }
    this.noteData(true);
    if (liveDurationMs === this.state.durationMs) this.host.emit(MediaEvent.DurationChange);
    this.machine.enoughData();
  }

  private failLoad(error: unknown): void {
    const failure = error instanceof RecordingError ? error : transferFailure(error, `loading the recording failed: ${error instanceof Error ? error.message : String(error)}`);
    const partial = this.ingest.timeline.length > 0;
    this.state.error = { reason: failure.reason, message: failure.message, partial };
    this.feed?.close();
    // As on `<video>`, a download cancelled from outside fires `abort`, not `error`.
    const event = failure.reason === ErrorReason.Aborted ? MediaEvent.Abort : MediaEvent.Error;
    if (partial) {
      // What decoded stays playable: the load ends here, as if the recording ended.
      this.host.emit(event);
      this.finishLoad();
      return;
    }
    // A seek in flight ends with the load: nothing is left to show.
    this.seekGeneration += 1;
    this.playhead.halt(false);
    for (const waiter of this.dataWaiters.splice(0)) waiter.resolve();
    this.state.durationMs = NaN;
    this.state.live = false;
    this.renderer?.clear();
    this.machine.fail(failure.message, event);
  }

  private async paintFirstFrame(): Promise<void> {
    this.firstFrameStarted = true;
    // preload="metadata": the first frame is all that is read before it is needed.
    if (this.options.preload === Preload.Metadata && !this.options.autoplay && this.state.paused) this.holdLoading();
    const ingest = this.ingest;
    await this.rebuildScreen(this.state.currentTimeMs);
    // A seek meanwhile queued its own rebuild; wait for the latest one.
    await this.renderer?.whenIdle();
    if (ingest !== this.ingest) return;
    this.machine.firstFrame();
    if (ingest.finished) this.machine.enoughData();
    if (this.state.paused && this.options.autoplay) void this.play().catch(() => {});
  }

  private async rebuildScreen(timeMs: number): Promise<void> {
    const renderer = this.renderer;
    if (!renderer) return;
    const { scheduler } = this.playhead;
    const plan = scheduler.seek(timeMs);
    const end = scheduler.nextIndex;
    await renderer.rebuild(plan, this.keyframes.restoreStep);
    // Still showing exactly the first `end` updates (no newer seek, nothing painted since)?
    this.keyframes.afterRebuild(renderer, this.ingest, plan, end, timeMs, scheduler.nextIndex === end);
  }

  /** What a renderer of its own (video export, thumbnails) reads to rebuild this load's screen at any time. */
  private replaySource(): ReplaySource {
    const { timeline, readBytes } = this.ingest;
    return { timeline, keyframes: this.keyframes.store, decodeTile: this.tileDecoderOf(this.ingest), readBytes, restoreStep: this.keyframes.restoreStep };
  }

  private newIngest(): Ingest {
    return new Ingest({ onUndrawable: (timeMs, error) => this.noteImageError(timeMs, error) });
  }

  /** A tile that does not decode is skipped; the first one is reported (`image-decode`), and playback goes on. */
  private noteImageError(timeMs: number, error: unknown): void {
    this.state.undecodableTiles += 1;
    if (this.state.error) return;
    const cause = error instanceof Error ? ` (${error.message.replace(/\.$/, '')})` : '';
    this.state.error = {
      reason: ErrorReason.ImageDecode,
      message: `the screen update at ${formatMs(timeMs)} could not be decoded${cause}; it was skipped, and the rest of the recording plays`,
      partial: true,
    };
    this.host.emit(MediaEvent.Error);
  }

  private noteScreenSize(width: number, height: number): void {
    if (width === this.state.videoWidth && height === this.state.videoHeight) return;
    this.state.videoWidth = width;
    this.state.videoHeight = height;
    this.host.emit(MediaEvent.Resize);
  }

  // ——— playing ———

  /** Playing can go up to here: the end, or while loading, the last moment loaded. */
  private playableEndMs(): number {
    return this.ingest.finished ? this.state.durationMs : this.ingest.durationMs;
  }

  /**
   * Playing ran into the end of what has loaded so far: wait for more (`readyState` 2 and
   * `waiting`, as `<video>`). From a real-time source (a live recording, a paced feed) this is its
   * edge, and the clock runs on while waiting: a quiet desktop sends nothing, and what comes next is
   * then shown at its time, a little behind the edge, instead of playback falling a wait further
   * behind each time (or stopping at every message that arrives).
   */
  private stall(): void {
    const realTime = this.isRealTime();
    this.machine.stall(realTime);
    if (!realTime) this.clock.set(this.state.currentTimeMs);
  }

  /** The recording arrives as it happens: a growing live file, or a feed that paces it. */
  private isRealTime(): boolean {
    return this.state.live || (this.feed?.paced === true && !this.ingest.finished);
  }

  /**
   * A live recording shows its live edge first, like a live stream, when it is to play at once
   * (`autoplay`, or `play()` called) from no given position (`start-at`, `#t=`, or a seek before
   * metadata): its first frame waits until the feed has delivered everything written so far.
   */
  private holdsForLiveEdge(): boolean {
    return this.state.live && !this.liveCaughtUp && this.options.startAtMs === 0 && (this.options.autoplay || !this.state.paused);
  }

  /** The live feed has delivered everything written so far; a first frame held for the live edge is painted there. */
  private noteLiveCaughtUp(): void {
    const held = this.holdsForLiveEdge();
    this.liveCaughtUp = true;
    if (!held || this.firstFrameStarted || this.state.readyState < ReadyState.HaveMetadata) return;
    this.state.currentTimeMs = this.ingest.durationMs;
    void this.paintFirstFrame();
  }

  private reachEnd(): void {
    this.host.emit(MediaEvent.TimeUpdate);
    if (this.options.loop) void this.seek(0);
    else this.machine.end();
  }
}
