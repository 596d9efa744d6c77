import { createOffscreenSurface } from './canvas.js';
import type { DecodedImage } from './image-decode.js';
import type { Ingest } from './ingest.js';
import type { KeyframeBuilder } from './keyframe-builder.js';
import { KeyframeStore, type Keyframe, type KeyframeProgress } from './keyframes.js';
import type { CanvasRenderer, RestoreStep } from './renderer.js';
import { countTiles, type SeekPlan } from './scheduler.js';
import type { TileImage } from './tile-bytes.js';

/** Keyframes are this many tiles apart: a seek decodes at most this many after restoring one. */
const TILES_APART = 160;
/** Fast-path updates between keyframes: a seek replays at most this many (~18 ms a full RemoteFX frame). */
const FAST_PATH_UPDATES_APART = 24;
/** A seek that had to decode at least this many tiles leaves a keyframe behind (scrubbing back is then instant). */
const KEEP_AFTER_SEEK_TILES = 40;
/** Background keyframe building rests this long after a seek (the next one often follows). */
const BUILD_PAUSE_AFTER_SEEK_MS = 400;

let builderModule: Promise<typeof import('./keyframe-builder.js')> | undefined;

/** The builder's module (a chunk); the first call starts loading it, later ones share that load (a failed one is tried again). */
function loadKeyframeBuilder(): Promise<typeof import('./keyframe-builder.js')> {
  builderModule ??= import('./keyframe-builder.js').catch((error: unknown) => {
    builderModule = undefined;
    throw error;
  });
  return builderModule;
}

export interface KeyframeTiming {
  now(): number;
  schedule(callback: () => void, delayMs: number): () => void;
  yield(): Promise<void>;
}

/**
 * When keyframes are made and kept: a background builder per load (on a canvas of its own, where
 * the browser has OffscreenCanvas) that rests while the user waits, and a snapshot left behind by
 * a seek that decoded many tiles.
 */
export class KeyframePolicy {
  readonly store = new KeyframeStore();
  private builder: KeyframeBuilder | undefined;
  /** Loads begun, so a builder that arrives for an older one is dropped. */
  private loads = 0;
  /** Building was asked for before the builder's module arrived. */
  private woken = false;
  private lastSeekAt = -Infinity;

  constructor(
    private readonly timing: KeyframeTiming,
    /** True while the user waits for the screen (first frame, a seek) or painting lags: building waits. */
    private readonly playerBusy: () => boolean,
    /** Background building went on: a keyframe, or caught up with what is loaded. */
    private readonly onProgress: (progress: KeyframeProgress) => void = () => {},
  ) {}

  /** A new load: the old keyframes go, and a builder walks the new recording. */
  reset(ingest: Ingest, decodeTile: (png: TileImage) => Promise<DecodedImage>): void {
    this.builder?.stop();
    this.builder = undefined;
    this.woken = false;
    this.store.clear();
    this.store.keepPngsIn(ingest.tileBytes);
    const load = (this.loads += 1);
    // Without OffscreenCanvas there is no canvas to build on: seeks then start from the last resize
    // (or from a snapshot an earlier seek left).
    const canvas = createOffscreenSurface();
    if (!canvas) return;
    // A builder that cannot be loaded leaves seeks to replay from the last resize, as above.
    void loadKeyframeBuilder().then(({ KeyframeBuilder }) => {
      if (load !== this.loads) return;
      this.builder = new KeyframeBuilder(canvas, ingest.timeline, this.store, decodeTile, {
        tilesApart: TILES_APART,
        fastPathUpdatesApart: FAST_PATH_UPDATES_APART,
        tileBytes: ingest.tileBytes,
        mayWork: () => !this.playerBusy() && this.timing.now() - this.lastSeekAt > BUILD_PAUSE_AFTER_SEEK_MS,
        sleep: (delayMs) => (delayMs === 0 ? this.timing.yield() : new Promise((resolve) => this.timing.schedule(resolve, delayMs))),
        now: () => this.timing.now(),
        onProgress: (caughtUp) => this.onProgress({ count: this.store.count, caughtUp }),
      });
      if (this.woken) this.builder.wake();
    }, () => {});
  }

  /** More of the recording arrived, or a canvas did: build on. */
  wake(): void {
    this.woken = true;
    this.builder?.wake();
  }

  /** A seek just ended: seeks come in bursts when scrubbing, so building rests a moment. */
  noteSeek(): void {
    this.lastSeekAt = this.timing.now();
  }

  /**
   * The screen was rebuilt with `plan` (the first `end` updates). If that decoded many tiles and
   * the screen still shows exactly that (`unchanged`), a decoded snapshot is kept.
   */
  afterRebuild(renderer: CanvasRenderer, ingest: Ingest, plan: SeekPlan, end: number, timeMs: number, unchanged: boolean): void {
    if (countTiles(plan.updates) >= KEEP_AFTER_SEEK_TILES && !ingest.timeline.hasFastPath && unchanged && renderer.backlog === 0) {
      renderer.keepKeyframe(this.store, end, timeMs);
    }
  }

  /** A keyframe as a renderer step, pinned in the store until it is drawn. */
  restoreStep = (keyframe: Keyframe): RestoreStep => {
    let released = false;
    return {
      kind: 'restore',
      width: keyframe.width,
      height: keyframe.height,
      image: this.store.acquire(keyframe),
      decoderState: keyframe.decoderState,
      done: () => {
        if (released) return;
        released = true;
        this.store.release(keyframe);
      },
    };
  };
}
