import { ErrorReason, RecordingError } from '../format/errors.js';
import type { RecordedEvent } from '../format/events.js';
import { RecordingReader } from '../format/reader.js';
import { TimelineBuilder, type Marker, type TimedEvent } from '../format/timeline.js';
import { MediaEvent, PLAYBACK_RATE_RANGE, Preload, ReadyState, initialSnapshot, type PlaybackOptions, type PlaybackSnapshot } from '../playback-state.js';
import { PlaybackClock, type Now } from './clock.js';
import { createOffscreenSurface, type PaintSurface } from './canvas.js';
import { ActivityTrack } from './activity.js';
import { undrawableCodecDetail } from './fastpath/updates.js';
import { IdleTimeMap } from './idle-time.js';
import { fastestImageDecode, type DecodedImage } from './image-decode.js';
import { KeyframeBuilder, KeyframeStore, type Keyframe } from './keyframes.js';
import { CanvasRenderer, type ReplaySource, type RestoreStep } from './renderer.js';
import type { PlaybackSocket } from './playback-socket.js';
import { Scheduler, countTiles } from './scheduler.js';
import { TileBytesStore, type TileImage } from './tile-bytes.js';
import { ScreenTimeline, type ScreenUpdate } from './screen-timeline.js';
import { Thumbnails } from './thumbnails.js';
import type { PaintRect } from './activity.js';
import { readSource, type RecordingSource, type SourceHooks } from './source.js';
// Types only: the export code and mediabunny load with a dynamic import(), on the first export.
import type { ExportSource, VideoExportProgress, VideoExportSettings } from './export/video-export.js';

/** Largest remote screen the player allocates a canvas for (RDP allows 8192×8192). */
export const MAX_SCREEN_SIDE = 8192;
/** How often `timeupdate` fires while playing, like `<video>` (every 15–250 ms). */
const TIME_UPDATE_INTERVAL_MS = 250;
/** How often `progress` fires while the file loads (the HTML spec says about every 350 ms). */
const PROGRESS_INTERVAL_MS = 350;
/** The activity track goes to the page at most this often while the file loads (and once at the end). */
const ACTIVITY_POST_INTERVAL_MS = 500;
/** Playback steps at about display rate; the clock, not the tick count, decides what is due. */
const TICK_MS = 16;
/**
 * Tiles queued but not painted above which playback stops handing out updates until painting
 * catches up; what falls due meanwhile is then coalesced (only the latest tile of each area).
 */
const MAX_PAINT_BACKLOG = 24;
/** Keyframes are this many tiles apart: a seek decodes at most this many after restoring one. */
const KEYFRAME_TILES_APART = 160;
/** Fast-path updates between keyframes: a seek replays at most this many (~18 ms a full RemoteFX frame). */
const KEYFRAME_FAST_PATH_UPDATES_APART = 24;
/** A seek that had to decode at least this many tiles leaves a keyframe behind (scrubbing back is then instant). */
const KEYFRAME_AFTER_SEEK_TILES = 40;
/** A paused player lets a playback server keep sending until this much is buffered ahead. */
const SOCKET_PREFETCH_MS = 30_000;
/** A player that waited at a real-time source's edge resumes this far behind the newest data (what arrives next has room to land). */
const LIVE_LAG_MS = 500;
/** Background keyframe building rests this long after a seek (the next one often follows). */
const KEYFRAME_BUILD_PAUSE_AFTER_SEEK_MS = 400;

export interface LoadOptions extends PlaybackOptions {
  source: RecordingSource | null;
}

/** Where the session reports to: the worker posts each event with the state as it was then. */
export interface SessionHost {
  emit(name: MediaEvent, detail?: unknown): void;
  /** The activity track changed (`activity.ts`): changed screen area per second, 0–1. */
  activity?(seconds: Float32Array): void;
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

/**
 * A stream that is already downloaded answers every read in a microtask, so a read loop would
 * never let a task run: requests, ticks and image decodes would all wait for the whole file.
 * Reading hands the thread back after this long.
 */
const READ_SLICE_MS = 8;

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

interface PendingPlay {
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * One playback session: reads a recording (streaming), keeps its screen updates in memory in time
 * order, and plays them on the renderer against a rate-aware clock, with `HTMLMediaElement`
 * semantics for state and events. DOM-free: it runs in the worker.
 */
export class PlaybackSession {
  private readonly state: PlaybackSnapshot = initialSnapshot();
  private readonly timing: SessionTiming;
  private readonly clock: PlaybackClock;
  private renderer: CanvasRenderer | undefined;
  private timeline = new ScreenTimeline();
  private readonly keyframes = new KeyframeStore();
  private scheduler = new Scheduler(this.timeline, this.keyframes);
  private keyframeBuilder: KeyframeBuilder | undefined;
  private readonly decodeImage = fastestImageDecode();
  private tileBytes = new TileBytesStore();
  /** Reads a tile's PNG from the store of the current load and decodes it. */
  private readonly decodeTile = async (png: TileImage): Promise<DecodedImage> => this.decodeImage(await this.tileBytes.read(png));
  private undecodableTiles = 0;
  private idleTime = new IdleTimeMap();
  private activity = this.newActivityTrack();
  /** The activity track version last sent to the host (-1: none since the load began), when, and a pending send. */
  private postedActivityVersion = -1;
  private lastActivityPostAt = -Infinity;
  private cancelActivityPost: (() => void) | undefined;
  private options: LoadOptions = { source: null, preload: Preload.Auto, autoplay: false, loop: false, startAtMs: 0, playbackRate: 1, idleLimitMs: 0, durationHintMs: 0 };
  /** Bumped by every load; work of an older load stops when it sees a newer one. */
  private loadGeneration = 0;
  private loading: AbortController | undefined;
  /** `preload="none"`: the file is read on the first `play()`. */
  private deferredRead = false;
  private loadDone = false;
  private firstFrameStarted = false;
  private seekGeneration = 0;
  /** Playing, but the clock reached the end of the data loaded so far. */
  private stalled = false;
  /** A live recording: everything written so far has been read once (the source said so). */
  private liveCaughtUp = false;
  private pendingPlays: PendingPlay[] = [];
  private cancelTick: (() => void) | undefined;
  private lastTimeUpdateAt = -Infinity;
  private lastSeekAt = -Infinity;
  /** The playback websocket of the current load, when the source is a `ws:`/`wss:` URL. */
  private socket: PlaybackSocket | undefined;
  /** Seeks past the loaded edge, waiting for the data to reach them. */
  private dataWaiters: Array<{ targetMs: number; resolve(): void }> = [];
  private lastProgressAt = -Infinity;
  private loadedDurationMs = 0;
  /** Video exports running; a new load cancels them. */
  private readonly exports = new Set<AbortController>();
  /** The hover thumbnails of this load, made at the first one. */
  private thumbnails: Thumbnails | undefined;

  constructor(
    private readonly host: SessionHost,
    timing: Partial<SessionTiming> = {},
  ) {
    this.timing = { ...defaultTiming, ...timing };
    this.clock = new PlaybackClock(this.timing.now);
  }

  snapshot(): PlaybackSnapshot {
    return this.state;
  }

  /** The canvases to paint on: the screen, and the pointer layer above it. */
  attach(screen: PaintSurface, cursor: PaintSurface): void {
    this.renderer = new CanvasRenderer(screen, cursor, {
      decodeTile: this.decodeTile,
      readBytes: (bytes) => this.tileBytes.read(bytes),
      onScreenSize: (width, height) => this.noteScreenSize(width, height),
      onImageError: (timeMs, error) => this.noteImageError(timeMs, error),
    });
    this.keyframeBuilder?.wake();
    // Canvases that arrive after loading began show the current position at once.
    if (this.state.readyState >= ReadyState.HaveMetadata) void this.rebuildScreen(this.state.currentTimeMs);
  }

  load(options: LoadOptions): void {
    const hadSource = this.options.source !== null;
    this.stop();
    this.options = options;
    this.resetState();
    this.postActivity(true);
    if (hadSource) this.host.emit(MediaEvent.Emptied);
    if (options.source === null) return;
    this.host.emit(MediaEvent.LoadStart);
    if (options.preload === Preload.None && !options.autoplay) this.deferredRead = true;
    else this.startReading();
  }

  /** Resolves once playback actually runs (`playing`), like `HTMLMediaElement.play()`. */
  play(): Promise<void> {
    const { error } = this.state;
    if (error && !error.partial) return Promise.reject(new DOMException(error.message, 'NotSupportedError'));
    if (this.options.source === null) return Promise.reject(new DOMException('there is no recording to play (no source)', 'NotSupportedError'));
    if (this.deferredRead) this.startReading();
    if (this.state.ended || (this.loadDone && this.state.currentTimeMs >= this.state.durationMs)) void this.seek(0);
    const played = new Promise<void>((resolve, reject) => this.pendingPlays.push({ resolve, reject }));
    if (this.state.paused) {
      this.state.paused = false;
      this.state.ended = false;
      this.steerSocket();
      this.host.emit(MediaEvent.Play);
      if (this.canRun()) this.startRunning();
      else {
        // At a real-time source's edge, the clock runs on while waiting (see stall()).
        if (this.stalled && this.isRealTime()) {
          this.clock.set(this.state.currentTimeMs);
          this.clock.start();
        }
        this.host.emit(MediaEvent.Waiting);
      }
    } else if (this.canRun()) {
      this.settlePlays();
    }
    return played;
  }

  pause(): void {
    if (this.state.paused) return;
    this.state.paused = true;
    this.stopRunning();
    this.steerSocket();
    this.host.emit(MediaEvent.TimeUpdate);
    this.host.emit(MediaEvent.Pause);
    this.settlePlays(new DOMException('play() was interrupted by a call to pause()', 'AbortError'));
  }

  /** Moves to `timeMs` and rebuilds the screen there; resolves when `seeked` fired (or a newer seek took over). */
  async seek(timeMs: number): Promise<void> {
    if (!Number.isFinite(timeMs)) throw new TypeError(`cannot seek to ${timeMs}`);
    if (this.state.readyState === ReadyState.HaveNothing) {
      // Before metadata a seek only sets where playback will start, as with <video>.
      this.options.startAtMs = Math.max(0, timeMs);
      return;
    }
    const target = Math.min(Math.max(0, timeMs), this.state.durationMs);
    const generation = ++this.seekGeneration;
    this.state.seeking = true;
    this.state.ended = false;
    this.state.currentTimeMs = target;
    this.clock.set(target);
    this.host.emit(MediaEvent.Seeking);
    this.leaveStall();
    if (!this.loadDone && target > this.loadedDurationMs) {
      // Past what has arrived (a server-paced socket with a duration hint): ask for it and wait.
      this.socket?.seekForward(target);
      await new Promise<void>((resolve) => this.dataWaiters.push({ targetMs: target, resolve }));
      if (generation !== this.seekGeneration) return;
    }
    await this.rebuildScreen(target);
    this.lastSeekAt = this.timing.now();
    if (generation !== this.seekGeneration) return;
    this.state.seeking = false;
    // Playback resumes from the target, not from where the clock ran while the screen was rebuilt.
    this.clock.set(target);
    this.host.emit(MediaEvent.TimeUpdate);
    this.host.emit(MediaEvent.Seeked);
    if (this.state.paused || !this.canRun()) return;
    // Seeking while playing keeps the clock running; a play() that waited for the seek starts it.
    if (this.clock.isRunning) this.scheduleTick();
    else this.startRunning();
  }

  setPlaybackRate(rate: number): void {
    if (!(rate >= PLAYBACK_RATE_RANGE.min && rate <= PLAYBACK_RATE_RANGE.max)) {
      throw new DOMException(`playback rate ${rate} is not supported (${PLAYBACK_RATE_RANGE.min}–${PLAYBACK_RATE_RANGE.max})`, 'NotSupportedError');
    }
    if (rate === this.state.playbackRate) return;
    this.clock.setRate(rate);
    this.state.playbackRate = rate;
    this.socket?.setSpeed(rate);
    this.host.emit(MediaEvent.RateChange);
  }

  /** Seeks to the previous (-1) or next (1) moment the screen changed; stays put when there is none. */
  async stepScreen(direction: 1 | -1): Promise<void> {
    // Only changes that count as activity stop a step: a blinking caret does not.
    const target = this.timeline.tileTimeBeside(this.state.currentTimeMs, direction, (update) => this.activity.countsAt(update.timeMs));
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
    this.idleTime.setLimit(this.options.idleLimitMs);
    if (this.options.idleLimitMs > 0) this.clock.setTimeMap(this.idleTime);
  }

  /** The remote screen at the current time, without the pointer, at full recorded size. */
  async captureFrame(type?: string, quality?: number): Promise<Blob> {
    if (!this.renderer) throw new DOMException('the player has no canvas yet', 'InvalidStateError');
    return this.renderer.capture(type, quality);
  }

  /**
   * Renders a range of the recording into a video file (`core/export/video-export.ts`) on canvases
   * of its own, so playback goes on meanwhile. Waits for the range to load; from a server-paced
   * websocket only what has arrived can be exported. Aborting `signal`, or a new load, cancels it.
   */
  async exportVideo(request: Partial<VideoExportSettings>, onProgress: (progress: VideoExportProgress) => void, signal: AbortSignal): Promise<Blob> {
    const controller = new AbortController();
    const cancel = (): void => controller.abort(signal.reason);
    if (signal.aborted) cancel();
    signal.addEventListener('abort', cancel, { once: true });
    this.exports.add(controller);
    try {
      return await this.runExport(request, onProgress, controller.signal);
    } finally {
      signal.removeEventListener('abort', cancel);
      this.exports.delete(controller);
    }
  }

  /**
   * The screen at `timeMs`, scaled to `width` pixels wide (`thumbnails.ts`), rendered on canvases
   * of its own. Null before metadata, past what has loaded, and where there is no OffscreenCanvas.
   */
  thumbnail(timeMs: number, width: number): Promise<ImageBitmap | null> {
    if (this.state.readyState === ReadyState.HaveNothing || !(timeMs >= 0 && timeMs <= this.loadedDurationMs)) return Promise.resolve(null);
    this.thumbnails ??= new Thumbnails(this.replaySource());
    return this.thumbnails.render(timeMs, width);
  }

  /** Stops loading and playback for good. */
  dispose(): void {
    this.stop();
    this.settlePlays(new DOMException('the player was closed', 'AbortError'));
  }

  // ——— loading ———

  private stop(): void {
    this.loading?.abort(new DOMException('a new load started', 'AbortError'));
    this.loading = undefined;
    this.socket = undefined;
    for (const waiter of this.dataWaiters.splice(0)) waiter.resolve();
    for (const running of this.exports) running.abort(new DOMException('a new load started', 'AbortError'));
    this.loadGeneration += 1;
    this.seekGeneration += 1;
    this.stopRunning();
  }

  private resetState(): void {
    const rate = this.options.playbackRate;
    Object.assign(this.state, initialSnapshot(), { playbackRate: rate });
    this.clock.stop();
    this.clock.set(0);
    this.clock.setRate(rate);
    this.timeline = new ScreenTimeline();
    this.keyframes.clear();
    this.scheduler = new Scheduler(this.timeline, this.keyframes);
    this.thumbnails?.clear();
    this.thumbnails = undefined;
    this.keyframeBuilder?.stop();
    this.tileBytes = new TileBytesStore();
    // Without OffscreenCanvas there is no canvas to build on: seeks then start from the last resize
    // (or from a snapshot an earlier seek left).
    const builderCanvas = createOffscreenSurface();
    this.keyframeBuilder = builderCanvas && new KeyframeBuilder(builderCanvas, this.timeline, this.keyframes, this.decodeTile, {
      tilesApart: KEYFRAME_TILES_APART,
      fastPathUpdatesApart: KEYFRAME_FAST_PATH_UPDATES_APART,
      readBytes: (bytes) => this.tileBytes.read(bytes),
      mayWork: () => this.keyframeBuildingMayRun(),
      sleep: (delayMs) => (delayMs === 0 ? this.timing.yield() : new Promise((resolve) => this.timing.schedule(resolve, delayMs))),
    });
    this.undecodableTiles = 0;
    this.idleTime = new IdleTimeMap();
    this.activity = this.newActivityTrack();
    this.postedActivityVersion = -1;
    this.cancelActivityPost?.();
    this.cancelActivityPost = undefined;
    this.setIdleLimit(this.options.idleLimitMs);
    this.deferredRead = false;
    this.loadDone = false;
    this.firstFrameStarted = false;
    this.stalled = false;
    this.liveCaughtUp = false;
    this.loadedDurationMs = 0;
    this.lastProgressAt = -Infinity;
    this.renderer?.clear();
    this.settlePlays(new DOMException('a new load started', 'AbortError'));
  }

  private startReading(): void {
    this.deferredRead = false;
    const controller = new AbortController();
    this.loading = controller;
    const source = this.options.source!;
    if (typeof source === 'string' && /^wss?:/i.test(source)) void this.readSocket(source, controller.signal, this.loadGeneration);
    else void this.read(source, controller.signal, this.loadGeneration);
  }

  /** A server-paced playback websocket (spec §4): events arrive in time, and are indexed like a file's. */
  private async readSocket(url: string, signal: AbortSignal, generation: number): Promise<void> {
    const builder = new TimelineBuilder();
    const current = (): boolean => generation === this.loadGeneration;
    // Loaded on first use: most players only ever fetch files.
    let PlaybackSocket: typeof import('./playback-socket.js').PlaybackSocket;
    try {
      ({ PlaybackSocket } = await import('./playback-socket.js'));
    } catch (error) {
      if (current()) this.failLoad(builder, error);
      return;
    }
    if (!current() || signal.aborted) return;
    const socket = new PlaybackSocket(
      url,
      {
        onEvents: (events) => {
          if (!current()) return;
          try {
            this.take(builder, events);
          } catch (error) {
            socket.close();
            this.failLoad(builder, error);
            return;
          }
          this.noteData(builder, false);
          this.steerSocket();
        },
        onEnd: () => {
          if (!current()) return;
          this.placeAll(builder, builder.finish());
          this.finishLoad(builder);
        },
        onError: (error) => {
          if (current()) this.failLoad(builder, error);
        },
      },
      { token: this.options.authToken },
    );
    this.socket = socket;
    socket.setSpeed(this.state.playbackRate);
    // A start position (start-at, #t=) is fast-forwarded to by the server, not waited for.
    if (this.options.startAtMs > 0) socket.seekForward(this.options.startAtMs);
    signal.addEventListener('abort', () => socket.close(), { once: true });
  }

  /**
   * What the playback server should do: send while the player plays, and while paused until
   * enough is buffered ahead (it paces events, so pausing it saves the transfer).
   */
  private steerSocket(): void {
    this.socket?.setPlaying(!this.state.paused || this.loadedDurationMs - this.state.currentTimeMs < SOCKET_PREFETCH_MS);
  }

  private async read(source: RecordingSource, signal: AbortSignal, generation: number): Promise<void> {
    const reader = new RecordingReader();
    const builder = new TimelineBuilder();
    const current = (): boolean => generation === this.loadGeneration;
    let sliceStart = this.timing.now();
    try {
      const hooks: SourceHooks = {
        live: () => current() && (this.state.live = true),
        caughtUp: () => current() && this.noteLiveCaughtUp(),
      };
      for await (const chunk of readSource(source, signal, hooks)) {
        const result = await reader.push(chunk);
        if (this.renderer && this.state.readyState >= ReadyState.HaveMetadata && (this.state.readyState < ReadyState.HaveCurrentData || this.state.seeking)) {
          // The first frame and seeks are what the user waits for: reading waits for them.
          await this.renderer.whenIdle();
          sliceStart = this.timing.now();
        } else if (this.timing.now() - sliceStart > READ_SLICE_MS) {
          await this.timing.yield();
          sliceStart = this.timing.now();
        }
        if (!current()) return;
        this.take(builder, result.events);
        if (result.error) throw result.error;
        this.noteData(builder, false);
      }
      const result = await reader.end();
      if (!current()) return;
      this.take(builder, result.events);
      if (result.error) throw result.error;
      this.placeAll(builder, builder.finish());
      this.finishLoad(builder);
    } catch (error) {
      if (!current()) return;
      reader.cancel();
      this.failLoad(builder, error);
    }
  }

  private take(builder: TimelineBuilder, events: RecordedEvent[]): void {
    for (const event of events) {
      const placed = builder.add(event);
      if (event.event.case === 'desktopRecording' && this.state.startDateMs === null && event.timeMs !== undefined) {
        this.state.startDateMs = event.timeMs;
      }
      this.placeAll(builder, placed);
    }
  }

  /** Keeps the screen updates among newly placed events. */
  private placeAll(builder: TimelineBuilder, placed: TimedEvent[]): void {
    // New activity may change how time runs past the last loaded moment: re-anchor first.
    if (this.clock.isRunning) this.clock.set(this.clock.timeMs);
    for (const { timeMs, tdp } of placed) {
      switch (tdp?.kind) {
        case 'pngFrame':
        case 'png2Frame': {
          const tile = { kind: 'tile', timeMs, left: tdp.left, top: tdp.top, right: tdp.right, bottom: tdp.bottom, png: tdp.png } as const;
          this.activity.addChange(timeMs, [tile], tdp.png);
          // The PNG is a view into a large inflated buffer: the store copies it out of the heap.
          this.timeline.add({ ...tile, png: this.tileBytes.add(tdp.png) });
          break;
        }
        case 'fastPathPdu': {
          // The timeline scans the PDU's headers for what it paints (seeks cull by it; activity measures it).
          const update = this.timeline.fastPath(timeMs, this.tileBytes.add(tdp.data), tdp.data);
          this.addUpdate(update);
          // A codec the player cannot draw is reported once, when read: the renderer draws nothing of it and says nothing.
          if (update.undrawableCodec !== undefined) this.noteImageError(timeMs, new Error(undrawableCodecDetail(update.undrawableCodec)));
          break;
        }
        case 'screenSpec':
          this.addScreen(timeMs, tdp.width, tdp.height);
          break;
        case 'connectionActivated':
          this.addScreen(timeMs, tdp.screenWidth, tdp.screenHeight);
          break;
        case 'mouseMove':
          this.addUpdate({ kind: 'pointer', timeMs, x: tdp.x, y: tdp.y });
          break;
        case 'mouseButton':
          if (tdp.pressed) this.addUpdate({ kind: 'click', timeMs, button: tdp.button });
          break;
      }
    }
    this.state.markers = builder.markers;
    this.state.recording = builder.recording;
  }

  private addUpdate(update: ScreenUpdate): void {
    this.timeline.add(update);
    if (update.kind === 'pointer' || update.kind === 'click') this.activity.addInput(update.timeMs);
    else if (update.kind === 'fastpath') {
      const rects: PaintRect[] = [];
      this.timeline.paintRects(update, (left, top, right, bottom) => rects.push({ left, top, right, bottom }));
      if (rects.length > 0) this.activity.addChange(update.timeMs, rects);
      else this.activity.addQuiet(update.timeMs);
    }
  }

  private addScreen(timeMs: number, width: number, height: number): void {
    if (width > MAX_SCREEN_SIDE || height > MAX_SCREEN_SIDE) {
      // Refused before any canvas is sized: 9000×9000 alone would be 324 MB of pixels.
      throw new RecordingError(
        ErrorReason.ScreenTooLarge,
        `the recorded screen is ${width}×${height} pixels at ${formatMs(timeMs)}; the player shows screens up to ${MAX_SCREEN_SIDE}×${MAX_SCREEN_SIDE}`,
      );
    }
    this.timeline.add({ kind: 'resize', timeMs, width, height });
    this.activity.setScreen(width, height);
  }

  /** The activity measure of this load (`activity.ts`); its active moments drive idle skipping. */
  private newActivityTrack(): ActivityTrack {
    return new ActivityTrack((timeMs) => this.idleTime.addActivity(timeMs));
  }

  /**
   * Sends the activity track to the host when it changed: at most every ACTIVITY_POST_INTERVAL_MS
   * while loading (a change in between goes out when the interval is up), at once when `now`.
   */
  private postActivity(now: boolean): void {
    if (this.activity.version === this.postedActivityVersion) return;
    const waitMs = this.lastActivityPostAt + ACTIVITY_POST_INTERVAL_MS - this.timing.now();
    if (!now && waitMs > 0) {
      this.cancelActivityPost ??= this.timing.schedule(() => {
        this.cancelActivityPost = undefined;
        this.postActivity(false);
      }, waitMs);
      return;
    }
    this.cancelActivityPost?.();
    this.cancelActivityPost = undefined;
    this.postedActivityVersion = this.activity.version;
    this.lastActivityPostAt = this.timing.now();
    this.host.activity?.(this.activity.seconds);
  }

  /** New events arrived (or the file ended): move metadata, duration and readiness forward. */
  private noteData(builder: TimelineBuilder, final: boolean): void {
    this.loadedDurationMs = builder.durationMs;
    // A source that cannot tell its length has `duration-hint` stand in for it while loading. A
    // playback socket sends screen events only, so the session's idle tail after the last one is
    // known only from the hint: it stays the length after the end too (as Teleport's player does).
    const hintStands = !final || this.socket !== undefined;
    const durationMs = hintStands ? Math.max(this.loadedDurationMs, this.options.durationHintMs) : this.loadedDurationMs;
    const firstScreen = this.timeline.firstScreen;
    if (this.state.readyState === ReadyState.HaveNothing) {
      // Metadata = the screen size is known (or the file ended without one).
      if (!firstScreen && !final) return;
      this.state.readyState = ReadyState.HaveMetadata;
      this.state.durationMs = durationMs;
      this.state.videoWidth = firstScreen?.width ?? 0;
      this.state.videoHeight = firstScreen?.height ?? 0;
      this.state.currentTimeMs = Math.min(this.options.startAtMs, final ? this.loadedDurationMs : Infinity);
      this.state.bufferedMs = this.loadedDurationMs;
      this.host.emit(MediaEvent.DurationChange);
      this.host.emit(MediaEvent.LoadedMetadata);
    } else {
      this.state.bufferedMs = this.loadedDurationMs;
      if (durationMs !== this.state.durationMs) {
        this.state.durationMs = durationMs;
        this.host.emit(MediaEvent.DurationChange);
      }
    }
    const now = this.timing.now();
    if (final || now - this.lastProgressAt >= PROGRESS_INTERVAL_MS) {
      this.lastProgressAt = now;
      this.host.emit(MediaEvent.Progress);
    }
    this.postActivity(final);
    if (this.renderer) this.keyframeBuilder?.wake();
    const positionLoaded = final || this.timeline.lastTimeMs > this.state.currentTimeMs;
    if (!this.firstFrameStarted && positionLoaded && !this.holdsForLiveEdge()) void this.paintFirstFrame();
    // At a real-time source's edge, playback goes on once LIVE_LAG_MS has arrived beyond it: then it
    // trails the edge by that much, instead of stopping again at every message.
    const resumeBeyondMs = this.isRealTime() && !final ? LIVE_LAG_MS : 0;
    if (this.stalled && (final || this.loadedDurationMs > this.state.currentTimeMs + resumeBeyondMs)) {
      // A real-time source: the clock ran on while waiting; go on from there, a little behind the newest data.
      const caughtUpMs = this.clock.isRunning ? Math.min(this.clock.timeMs, this.playableEndMs() - (final ? 0 : LIVE_LAG_MS)) : 0;
      this.leaveStall();
      if (caughtUpMs > this.state.currentTimeMs) this.advanceTo(caughtUpMs);
      if (!this.state.paused) this.startRunning();
    } else if (this.state.readyState >= ReadyState.HaveCurrentData && !this.state.seeking && !this.clock.isRunning) {
      // Stopped (paused, or waiting at the edge) where more updates of this very moment just came
      // in (a server sends the rest of a millisecond's updates later): they show at once.
      this.advanceTo(this.state.currentTimeMs);
    }
    this.dataWaiters = this.dataWaiters.filter((waiter) => {
      if (!final && waiter.targetMs > this.loadedDurationMs) return true;
      waiter.resolve();
      return false;
    });
  }

  private finishLoad(builder: TimelineBuilder): void {
    this.loadDone = true;
    // A live recording ends as a normal one: its duration is final (durationchange even if unchanged).
    const liveDurationMs = this.state.live ? this.state.durationMs : undefined;
    this.state.live = false;
    // The end of the recording closes the last quiet gap (an idle tail plays in the limit too).
    if (this.clock.isRunning) this.clock.set(this.clock.timeMs);
    this.activity.finish(builder.durationMs);
    this.idleTime.addActivity(builder.durationMs);
    this.postActivity(true);
    this.loading = undefined;
    if (this.state.currentTimeMs > builder.durationMs && this.state.readyState >= ReadyState.HaveMetadata) {
      this.state.currentTimeMs = builder.durationMs;
      this.clock.set(builder.durationMs);
    }
    this.noteData(builder, true);
    if (liveDurationMs === this.state.durationMs) this.host.emit(MediaEvent.DurationChange);
    if (this.state.readyState >= ReadyState.HaveFutureData) this.reachEnoughData();
  }

  private failLoad(builder: TimelineBuilder, error: unknown): void {
    const failure = error instanceof RecordingError ? error : new RecordingError(ErrorReason.Network, `loading the recording failed: ${error instanceof Error ? error.message : String(error)}`);
    const partial = this.timeline.length > 0;
    this.state.error = { reason: failure.reason, message: failure.message, partial };
    this.loading?.abort();
    if (partial) {
      // What decoded stays playable: the load ends here, as if the file ended.
      this.placeAll(builder, builder.finish());
      this.host.emit(MediaEvent.Error);
      this.finishLoad(builder);
      return;
    }
    this.loading = undefined;
    this.stopRunning();
    for (const waiter of this.dataWaiters.splice(0)) waiter.resolve();
    this.state.readyState = ReadyState.HaveNothing;
    this.state.durationMs = NaN;
    this.state.live = false;
    this.renderer?.clear();
    this.host.emit(MediaEvent.Error);
    this.settlePlays(new DOMException(failure.message, 'NotSupportedError'));
  }

  private async paintFirstFrame(): Promise<void> {
    this.firstFrameStarted = true;
    const generation = this.loadGeneration;
    await this.rebuildScreen(this.state.currentTimeMs);
    // A seek meanwhile queued its own rebuild; wait for the latest one.
    await this.renderer?.whenIdle();
    if (generation !== this.loadGeneration) return;
    this.state.readyState = ReadyState.HaveCurrentData;
    this.host.emit(MediaEvent.LoadedData);
    this.state.readyState = ReadyState.HaveFutureData;
    this.host.emit(MediaEvent.CanPlay);
    if (this.loadDone) this.reachEnoughData();
    if (!this.state.paused) {
      if (this.canRun() && !this.clock.isRunning) this.startRunning();
    } else if (this.options.autoplay) void this.play().catch(() => {});
  }

  private reachEnoughData(): void {
    if (this.state.readyState === ReadyState.HaveEnoughData) return;
    this.state.readyState = ReadyState.HaveEnoughData;
    this.host.emit(MediaEvent.CanPlayThrough);
  }

  private async rebuildScreen(timeMs: number): Promise<void> {
    const renderer = this.renderer;
    if (!renderer) return;
    const plan = this.scheduler.seek(timeMs);
    const end = this.scheduler.nextIndex;
    await renderer.rebuild(plan, (keyframe) => this.restoreStep(keyframe));
    // Still showing exactly the first `end` updates (no newer seek, nothing painted since)?
    const tiles = countTiles(plan.updates);
    if (tiles >= KEYFRAME_AFTER_SEEK_TILES && !this.timeline.hasFastPath && this.scheduler.nextIndex === end && renderer.backlog === 0) {
      renderer.keepKeyframe(this.keyframes, end, timeMs);
    }
  }

  /**
   * Building keyframes is background work: it waits while the user waits (first frame, a seek, and
   * a moment after one, since seeks come in bursts when scrubbing) and while painting lags.
   */
  private keyframeBuildingMayRun(): boolean {
    return (
      this.state.readyState >= ReadyState.HaveCurrentData &&
      !this.state.seeking &&
      this.timing.now() - this.lastSeekAt > KEYFRAME_BUILD_PAUSE_AFTER_SEEK_MS &&
      (this.renderer?.backlog ?? 0) === 0
    );
  }

  /** What a renderer of its own (video export, thumbnails) reads to rebuild this load's screen at any time. */
  private replaySource(): ReplaySource {
    const tileBytes = this.tileBytes;
    return {
      timeline: this.timeline,
      keyframes: this.keyframes,
      decodeTile: this.decodeTile,
      readBytes: (bytes) => tileBytes.read(bytes),
      restoreStep: (keyframe) => this.restoreStep(keyframe),
    };
  }

  private restoreStep(keyframe: Keyframe): RestoreStep {
    let released = false;
    return {
      kind: 'restore',
      width: keyframe.width,
      height: keyframe.height,
      image: this.keyframes.acquire(keyframe),
      decoderState: keyframe.decoderState,
      done: () => {
        if (released) return;
        released = true;
        this.keyframes.release(keyframe);
      },
    };
  }

  private async runExport(request: Partial<VideoExportSettings>, onProgress: (progress: VideoExportProgress) => void, signal: AbortSignal): Promise<Blob> {
    const aborted = (): DOMException =>
      signal.reason instanceof DOMException && signal.reason.name === 'AbortError' ? signal.reason : new DOMException('the export was cancelled', 'AbortError');
    if (signal.aborted) throw aborted();
    if (this.options.source === null) throw new DOMException('there is no recording to export (no source)', 'InvalidStateError');
    const wantedMs = request.endMs ?? Infinity;
    if (!this.loadDone && this.socket && wantedMs > this.loadedDurationMs) {
      throw new DOMException(
        `a server-paced playback websocket sends the recording in real time, so only what has arrived can be exported (up to ${formatMs(this.loadedDurationMs)} so far); export a range within that, or load the recording from its file to export all of it`,
        'InvalidStateError',
      );
    }
    if (this.deferredRead) this.startReading();
    if (!this.loadDone && (wantedMs > this.loadedDurationMs || this.state.readyState === ReadyState.HaveNothing)) {
      // A file still loading: wait for the range (or the end).
      await new Promise<void>((resolve) => {
        this.dataWaiters.push({ targetMs: wantedMs, resolve });
        signal.addEventListener('abort', () => resolve(), { once: true });
      });
      if (signal.aborted) throw aborted();
    }
    const { error } = this.state;
    if (error && !error.partial) throw new DOMException(error.message, 'InvalidStateError');
    const lengthMs = this.loadDone ? this.state.durationMs : this.loadedDurationMs;
    for (const value of [request.startMs, request.endMs]) if (value !== undefined && !Number.isFinite(value)) throw new TypeError(`cannot export from or to ${value}`);
    const startMs = Math.min(Math.max(0, request.startMs ?? 0), lengthMs);
    const endMs = Math.min(Math.max(0, request.endMs ?? lengthMs), lengthMs);
    if (!(endMs > startMs)) throw new RangeError(`there is nothing to export from ${formatMs(startMs)} to ${formatMs(endMs)} (the recording lasts ${formatMs(lengthMs)})`);
    const { exportVideo } = await import('./export/video-export.js');
    const source: ExportSource = { ...this.replaySource(), timeMap: this.idleTime, yield: this.timing.yield };
    return exportVideo(source, { ...request, startMs, endMs }, { signal, onProgress });
  }

  /** A tile that does not decode is skipped; the first one is reported (`image-decode`), and playback goes on. */
  private noteImageError(timeMs: number, error: unknown): void {
    this.undecodableTiles += 1;
    this.state.undecodableTiles = this.undecodableTiles;
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

  private canRun(): boolean {
    return this.state.readyState >= ReadyState.HaveFutureData && !this.state.seeking;
  }

  private startRunning(): void {
    this.clock.set(this.state.currentTimeMs);
    this.clock.start();
    this.host.emit(MediaEvent.Playing);
    this.settlePlays();
    this.scheduleTick();
  }

  private stopRunning(): void {
    this.cancelTick?.();
    this.cancelTick = undefined;
    if (!this.clock.isRunning) return;
    this.clock.stop();
    this.advanceTo(Math.min(this.clock.timeMs, this.playableEndMs()));
  }

  /** Playing can go up to here: the end, or while loading, the last moment loaded. */
  private playableEndMs(): number {
    return this.loadDone ? this.state.durationMs : this.loadedDurationMs;
  }

  private scheduleTick(): void {
    this.cancelTick?.();
    this.cancelTick = this.timing.schedule(() => this.tick(), TICK_MS);
  }

  private tick(): void {
    this.cancelTick = undefined;
    if (this.state.paused || this.state.seeking || this.stalled || !this.canRun()) return;
    const end = this.playableEndMs();
    const time = Math.min(this.clock.timeMs, end);
    // The last updates before the end (or the loaded edge) are never deferred.
    this.advanceTo(time, time < end);
    if (time >= end) {
      if (this.loadDone) this.reachEnd();
      else this.stall();
      return;
    }
    const now = this.timing.now();
    if (now - this.lastTimeUpdateAt >= TIME_UPDATE_INTERVAL_MS) {
      this.lastTimeUpdateAt = now;
      this.host.emit(MediaEvent.TimeUpdate);
    }
    this.scheduleTick();
  }

  /**
   * Paints what fell due up to `timeMs` and announces the markers crossed on the way. While
   * painting lags (`mayDefer`), updates wait and are coalesced on a later call.
   */
  private advanceTo(timeMs: number, mayDefer = false): void {
    const previous = this.state.currentTimeMs;
    this.state.currentTimeMs = timeMs;
    if (this.renderer && !(mayDefer && this.renderer.backlog > MAX_PAINT_BACKLOG)) {
      this.renderer.enqueue(this.scheduler.advance(timeMs));
      const { due, skipped } = this.scheduler.paintCounts;
      this.state.tilesDue = due;
      this.state.tilesSkipped = skipped;
    }
    for (const marker of this.state.markers) {
      if (marker.timeMs > previous && marker.timeMs <= timeMs) this.host.emit(MediaEvent.Marker, marker satisfies Marker);
    }
  }

  /**
   * Playing ran into the end of what has loaded so far: wait for more (`readyState` 2 and
   * `waiting`, as `<video>`). From a real-time source (a live recording, a server-paced socket)
   * this is its edge, and the clock runs on while waiting: a quiet desktop sends nothing, and what
   * comes next is then shown at its time, a little behind the edge, instead of playback falling a
   * wait further behind each time (or stopping at every message that arrives).
   */
  private stall(): void {
    if (!this.isRealTime()) {
      this.clock.stop();
      this.clock.set(this.state.currentTimeMs);
    }
    this.stalled = true;
    this.state.readyState = ReadyState.HaveCurrentData;
    this.host.emit(MediaEvent.TimeUpdate);
    this.host.emit(MediaEvent.Waiting);
  }

  /** The source sends the recording as it happens: a growing live file, or a server that paces it. */
  private isRealTime(): boolean {
    return this.state.live || (this.socket !== undefined && !this.loadDone);
  }

  /** Data came, or a seek left the edge: playable again (`canplay`, as `<video>` fires it then). */
  private leaveStall(): void {
    if (!this.stalled) return;
    this.stalled = false;
    this.clock.stop();
    if (this.state.readyState === ReadyState.HaveCurrentData) {
      this.state.readyState = ReadyState.HaveFutureData;
      this.host.emit(MediaEvent.CanPlay);
    }
  }

  /**
   * A live recording shows its live edge first, like a live stream, when it is to play at once
   * (`autoplay`, or `play()` called) from no given position (`start-at`, `#t=`, or a seek before
   * metadata): its first frame waits until the source has read everything written so far.
   */
  private holdsForLiveEdge(): boolean {
    return this.state.live && !this.liveCaughtUp && this.options.startAtMs === 0 && (this.options.autoplay || !this.state.paused);
  }

  /** The live source has read everything written so far; a first frame held for the live edge is painted there. */
  private noteLiveCaughtUp(): void {
    const held = this.holdsForLiveEdge();
    this.liveCaughtUp = true;
    if (!held || this.firstFrameStarted || this.state.readyState < ReadyState.HaveMetadata) return;
    this.state.currentTimeMs = this.loadedDurationMs;
    void this.paintFirstFrame();
  }

  private reachEnd(): void {
    this.host.emit(MediaEvent.TimeUpdate);
    if (this.options.loop) {
      void this.seek(0);
      return;
    }
    this.clock.stop();
    this.state.paused = true;
    this.state.ended = true;
    this.host.emit(MediaEvent.Pause);
    this.host.emit(MediaEvent.Ended);
  }

  /** Resolves (no error) or rejects every pending `play()`. */
  private settlePlays(error?: unknown): void {
    for (const pending of this.pendingPlays.splice(0)) {
      if (error === undefined) pending.resolve();
      else pending.reject(error);
    }
  }
}

function formatMs(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))} s`;
}
