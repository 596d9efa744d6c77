import type { MarkerStore } from '../format/marker-store.js';
import type { Marker } from '../format/timeline.js';
import { MediaEvent, type PlaybackSnapshot } from '../playback-state.js';
import { PlaybackClock, type Now } from './clock.js';
import { MarkerCrossings } from './marker-crossings.js';
import type { CanvasRenderer } from './renderer.js';
import { Scheduler } from './scheduler.js';

/** How often `timeupdate` fires while playing, like `<video>` (every 15–250 ms). */
const TIME_UPDATE_INTERVAL_MS = 250;
/** Playing steps at about display rate; the clock, not the tick count, decides what is due. */
const TICK_MS = 16;
/**
 * Tiles queued but not painted above which playing stops handing out updates until painting
 * catches up; what falls due meanwhile is then coalesced (only the latest tile of each area).
 */
const MAX_PAINT_BACKLOG = 24;

export interface PlayheadTiming {
  now: Now;
  schedule(callback: () => void, delayMs: number): () => void;
}

export interface PlayheadHost {
  emit(name: MediaEvent, detail?: unknown): void;
  renderer(): CanvasRenderer | undefined;
  /** Where playing can go up to now: the end, or while loading, the last moment loaded. */
  playableEndMs(): number;
  /** Playing reached `playableEndMs` (the end, or the loaded edge). */
  reachedEdge(): void;
  /** The position is about to pass the duration said: a longer one held back must go out first. */
  passingDuration(): void;
  /** The load's markers, read by index. */
  markers(): MarkerStore;
}

/**
 * The moving part of playing: the clock, and ticks at display rate that hand the updates falling
 * due to the renderer (through the scheduler), fire `timeupdate` 4× a second and `marker` as
 * playback crosses one. It moves `currentTimeMs` of the snapshot; when to run is the state
 * machine's call.
 */
export class Playhead {
  readonly clock: PlaybackClock;
  private cancelTick: (() => void) | undefined;
  private lastTimeUpdateAt = -Infinity;
  private readonly crossings = new MarkerCrossings();

  constructor(
    private readonly state: PlaybackSnapshot,
    private readonly timing: PlayheadTiming,
    private readonly host: PlayheadHost,
    /** Which updates fall due; each load has its own. */
    public scheduler: Scheduler,
  ) {
    this.clock = new PlaybackClock(timing.now);
  }

  get ticking(): boolean {
    return this.cancelTick !== undefined;
  }

  /** Runs the clock from the current time, and the ticks. */
  run(): void {
    this.clock.set(this.state.currentTimeMs);
    this.clock.start();
    this.scheduleTick();
  }

  /** Stops the ticks, and the clock unless `keepClock`; what fell due until then is painted (not while seeking). */
  halt(keepClock: boolean): void {
    this.cancelTick?.();
    this.cancelTick = undefined;
    if (keepClock || !this.clock.isRunning) return;
    this.clock.stop();
    if (!this.state.seeking) this.advanceTo(Math.min(this.clock.timeMs, this.host.playableEndMs()));
  }

  /**
   * Paints what fell due up to `timeMs` and announces the markers crossed on the way. While
   * painting lags (`mayDefer`), updates wait and are coalesced on a later call.
   */
  advanceTo(timeMs: number, mayDefer = false): void {
    const previous = this.state.currentTimeMs;
    if (timeMs > this.state.durationMs) this.host.passingDuration();
    this.state.currentTimeMs = timeMs;
    const renderer = this.host.renderer();
    if (renderer && !(mayDefer && renderer.backlog > MAX_PAINT_BACKLOG)) {
      renderer.enqueue(this.scheduler.advance(timeMs));
      const { due, skipped } = this.scheduler.paintCounts;
      this.state.tilesDue = due;
      this.state.tilesSkipped = skipped;
    }
    const markers = this.host.markers();
    for (const index of this.crossings.crossed(markers, previous, timeMs)) this.host.emit(MediaEvent.Marker, markers.at(index) satisfies Marker);
  }

  private scheduleTick(): void {
    this.cancelTick?.();
    this.cancelTick = this.timing.schedule(() => this.tick(), TICK_MS);
  }

  private tick(): void {
    this.cancelTick = undefined;
    const end = this.host.playableEndMs();
    const time = Math.min(this.clock.timeMs, end);
    // The last updates before the end (or the loaded edge) are never deferred.
    this.advanceTo(time, time < end);
    if (time >= end) {
      this.host.reachedEdge();
      return;
    }
    const now = this.timing.now();
    if (now - this.lastTimeUpdateAt >= TIME_UPDATE_INTERVAL_MS) {
      this.lastTimeUpdateAt = now;
      this.host.emit(MediaEvent.TimeUpdate);
    }
    this.scheduleTick();
  }
}
