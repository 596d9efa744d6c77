/**
 * Thumbnails: the screen at any time, small, for the seek slider's hover tooltip. A renderer and a
 * scheduler of their own rebuild the screen on canvases of their own, the way a seek (and a video
 * export's first frame) does: nearest keyframe, then the updates still visible. Playback's screen,
 * queue and pointer are never touched. The recorded pointer is left out: a thumbnail is the screen.
 */
import { createOffscreenSurface } from './canvas.js';
import { CanvasRenderer, type ReplaySource } from './renderer.js';
import { Scheduler, type SeekPlan } from './scheduler.js';
import { approximateScreen, scaled, type ApproximateRequest, type ApproximateScreen } from './approximate-screen.js';
import type { SeekPart, SeekPartSink } from './feeds/seek-reads.js';
import type { SeekIsland } from './seek-island.js';
import type { SeekIslands } from './seek-islands.js';
import type { Ingest } from './ingest.js';
import type { ScreenUpdate } from './screen-timeline.js';

/** What a thumbnail of a moment not read yet is composed from: the load's random access (`feeds/seek-reads.ts`, `seek-islands.ts`). */
export interface PreviewSource {
  ingest: Ingest;
  /** The load's seek islands, once a server answered Range requests (else none: nothing is read). */
  islands: Promise<SeekIslands | undefined> | undefined;
  /** A seek is under way: it goes first, and a preview reads nothing. */
  seeking(): boolean;
  /** Reads at most `maxParts` parts for the moment, handed to `sink`, until `signal` aborts (the feed's `preview`); undefined when it reads nothing. */
  read: ((maxParts: number, sink: SeekPartSink, signal: AbortSignal) => Promise<void> | undefined) | undefined;
  /** The load is still the one the preview was asked in. */
  current(): boolean;
}

/** A thumbnail of a moment not read yet reads at most this many parts for it (random access). */
const PREVIEW_PARTS = 2;
/** Thumbnails kept, least recently used first out (24 of 320×180 are about 5.5 MB). */
const CACHE_SIZE = 24;
const MAX_WIDTH = 1024;

/**
 * Bounds the work of rendering images on request: one render at a time, and of the requests that
 * arrive meanwhile only the latest waits (the one it replaces gets null), so a pointer sweeping the
 * slider never piles renders up. Results are kept in a small LRU; each caller gets a copy of its own.
 */
export class LatestRenderQueue<Image extends { close(): void }> {
  /** By key, least recently used first. */
  private readonly cache = new Map<string, Image>();
  private running = false;
  private waiting: { key: string; render(): Promise<Image | null>; resolve(image: Image | null): void; reject(error: unknown): void; kept: boolean } | undefined;
  /** Bumped by `clear()`: a render that was running then is dropped. */
  private generation = 0;

  constructor(
    private readonly copy: (image: Image) => Promise<Image>,
    private readonly capacity = CACHE_SIZE,
  ) {}

  /**
   * The image for `key`: from the cache, else from `render()` once the running one is done. Not
   * `kept`: rendered for this request alone (never cached, handed over as is).
   */
  request(key: string, render: () => Promise<Image | null>, kept = true): Promise<Image | null> {
    const cached = this.cache.get(key);
    if (cached) {
      this.keep(key, cached);
      return this.copy(cached);
    }
    return new Promise((resolve, reject) => {
      this.waiting?.resolve(null);
      this.waiting = { key, render, resolve, reject, kept };
      void this.pump();
    });
  }

  /** Drops the cache and what waits (it gets null); a running render's result is dropped too. */
  clear(): void {
    this.generation += 1;
    for (const image of this.cache.values()) image.close();
    this.cache.clear();
    this.waiting?.resolve(null);
    this.waiting = undefined;
  }

  private async pump(): Promise<void> {
    if (this.running) return;
    this.running = true;
    for (let next = this.waiting; next; next = this.waiting) {
      this.waiting = undefined;
      const generation = this.generation;
      try {
        // Rendered meanwhile for a request that was replaced? Then it is cached.
        const image = this.cache.get(next.key) ?? (await next.render());
        if (generation !== this.generation) {
          image?.close();
          next.resolve(null);
          continue;
        }
        if (!next.kept) {
          next.resolve(image);
          continue;
        }
        if (image) this.keep(next.key, image);
        next.resolve(image && (await this.copy(image)));
      } catch (error) {
        next.reject(error);
      }
    }
    this.running = false;
  }

  private keep(key: string, image: Image): void {
    this.cache.delete(key);
    this.cache.set(key, image);
    for (const [oldest, old] of this.cache) {
      if (this.cache.size <= this.capacity) break;
      this.cache.delete(oldest);
      old.close();
    }
  }
}

/** Only what shows on the screen layer: no pointer moves, no click ripples. */
export const paintsScreen = (update: ScreenUpdate): boolean => update.kind !== 'pointer' && update.kind !== 'click';

/** The screen at any time of one load, scaled down, as an ImageBitmap. Where OffscreenCanvas is missing, none. */
export class Thumbnails {
  private readonly queue = new LatestRenderQueue<ImageBitmap>((image) => createImageBitmap(image));
  private readonly scheduler: Scheduler;
  /** Made at the first thumbnail (a full-size screen canvas; the pointer layer stays empty). */
  private renderer: CanvasRenderer | undefined;
  private screen: OffscreenCanvas | undefined;

  constructor(private readonly source: ReplaySource) {
    this.scheduler = new Scheduler(source.timeline, source.keyframes);
  }

  /**
   * The screen at `timeMs`, `width` pixels wide (the height keeps the screen's aspect ratio), or
   * null where there is no screen yet. Times showing the same screen updates share a cached image.
   */
  render(timeMs: number, width: number): Promise<ImageBitmap | null> {
    const pixels = Math.round(Math.min(Math.max(width, 1), MAX_WIDTH));
    const end = this.source.timeline.indexAfter(timeMs);
    return this.queue.request(`${pixels}@${end}`, () => this.draw(timeMs, end, pixels));
  }

  /**
   * The screen a plan rebuilds (a seek island's: a moment not read in order yet, `seek-island.ts`),
   * scaled as the others; `key` names the moment (an island's screen is not in the timeline).
   */
  renderPlan(key: string, plan: SeekPlan, width: number): Promise<ImageBitmap | null> {
    const pixels = Math.round(Math.min(Math.max(width, 1), MAX_WIDTH));
    return this.queue.request(`${pixels}@${key}`, () => this.paint(plan, pixels));
  }

  /**
   * A screen `compose` makes on the full-size canvas, `width` pixels wide (at most the screen's),
   * rendered in turn with the thumbnails (they share that canvas) and not cached (a full-size image is large).
   */
  renderOnce(key: string, width: number, compose: () => Promise<OffscreenCanvas | undefined>): Promise<ImageBitmap | null> {
    return this.queue.request(
      key,
      async () => {
        const screen = await compose();
        return screen ? scaled(screen, Math.round(Math.min(Math.max(width, 1), screen.width))).transferToImageBitmap() : null;
      },
      false,
    );
  }

  /**
   * The screen at `timeMs`, past what the download in order has read: composed from at most
   * PREVIEW_PARTS parts read for it (a seek island: the part holding it, then the one before), when
   * they cover the screen there; null when they do not, when nothing can be read (no random access,
   * a seek under way), or when `signal` aborts (a new hover, a seek, a new load).
   */
  async preview(timeMs: number, width: number, signal: AbortSignal, source: PreviewSource): Promise<ImageBitmap | null> {
    const island = source.seeking() ? undefined : await this.readIsland(timeMs, signal, source);
    if (!island || signal.aborted || !source.current()) return null;
    // The download in order got there meanwhile: the thumbnail comes from what it read.
    if (timeMs <= source.ingest.durationMs) return this.render(timeMs, width);
    return island.covered ? this.renderPlan(`island@${timeMs}`, island.plan(), width) : null;
  }

  /**
   * What is knowable of the screen at `timeMs`, past what the download in order has read, while a
   * seek there waits for it (`approximate-screen.ts`): the screen at the loaded edge with, over it,
   * what at most PREVIEW_PARTS parts read for the moment paint (with `read`: the download in order
   * goes on meanwhile, and they stop when it has asked for their bytes), `width` pixels wide, and
   * which cells those parts paint. Null when the download got there meanwhile, a seek reads parts
   * (the page asks again), or `signal` aborts.
   */
  async approximate({ timeMs, width, read }: ApproximateRequest, signal: AbortSignal, source: PreviewSource, download: Pick<ApproximateScreen, 'loadedBytes'>): Promise<ApproximateScreen | null> {
    const islands = await source.islands;
    // A seek composing the moment reads its parts first: what they paint so far is known (the page asks again as more arrive).
    const composing = islands?.composingIsland(timeMs);
    let neededBytes = composing?.targetPartEnd;
    const island =
      composing ?? (read ? await this.readIsland(timeMs, signal, source, (part) => (neededBytes ??= part.end)) : undefined);
    // A seek reading parts goes first: nothing was read, the page asks again later.
    if (read && island === undefined && source.read && islands) return null;
    if (signal.aborted || !source.current() || timeMs <= source.ingest.durationMs) return null;
    const screen = this.source.timeline.lastResizeBefore(this.source.timeline.length)?.update;
    if (!screen) return null;
    const composed = await approximateScreen(this, this.scheduler.seek(source.ingest.durationMs), [screen.width, screen.height], island || undefined, width);
    return composed && { ...composed, ...download, neededBytes };
  }

  /**
   * Reads at most PREVIEW_PARTS parts for `timeMs` into a seek island, while they do not cover the
   * screen there; `onPart` sees each. Undefined when nothing can be read (no random access, a seek
   * reading, `signal` aborted); false when no island can be composed (no screen size yet).
   */
  private async readIsland(timeMs: number, signal: AbortSignal, source: PreviewSource, onPart?: (part: SeekPart) => void): Promise<SeekIsland | false | undefined> {
    const islands = await source.islands;
    if (!islands || signal.aborted) return undefined;
    const island = await islands.islandAt(timeMs, source.ingest);
    if (!island) return false;
    const reading =
      !signal.aborted &&
      source.read?.(
        PREVIEW_PARTS,
        {
          // The part before is wanted while the screen is not covered and nothing says it will not be.
          part: (part) => {
            onPart?.(part);
            try {
              return !island.add(part) && !island.stalledCoverage && island.partCount < PREVIEW_PARTS;
            } catch {
              return false;
            }
          },
          // A part that does not decode adds nothing; the download in order reports it when it gets there.
          fail: () => {},
        },
        signal,
      );
    if (!reading) return undefined;
    await reading;
    return island;
  }

  /**
   * Rebuilds the screen from `plan` on the full-size canvas, then paints `updates` over it (without
   * clearing it): the screen canvas, or undefined where there is no OffscreenCanvas.
   */
  async compose(plan: SeekPlan, updates: readonly ScreenUpdate[] = []): Promise<OffscreenCanvas | undefined> {
    this.screen ??= createOffscreenSurface();
    if (!this.screen) return undefined;
    this.renderer ??= new CanvasRenderer(this.screen, createOffscreenSurface()!, {
      decodeTile: (png) => this.source.decodeTile(png),
      readBytes: (bytes) => this.source.readBytes(bytes),
    });
    await this.renderer.rebuild({ ...plan, updates: plan.updates.filter(paintsScreen) }, (keyframe) => this.source.restoreStep(keyframe));
    if (updates.length === 0) return this.screen;
    this.renderer.enqueue(updates.filter(paintsScreen));
    await this.renderer.whenIdle();
    return this.screen;
  }

  clear(): void {
    this.queue.clear();
    this.renderer?.clear();
  }

  private async draw(timeMs: number, end: number, width: number): Promise<ImageBitmap | null> {
    if (!this.source.timeline.lastResizeBefore(end)) return null;
    return this.paint(this.scheduler.seek(timeMs), width);
  }

  private async paint(plan: SeekPlan, width: number): Promise<ImageBitmap | null> {
    const screen = await this.compose(plan);
    return screen ? scaled(screen, width).transferToImageBitmap() : null;
  }
}
