import type { Keyframe, KeyframeStore } from './keyframes.js';
import { ScanFlag } from './fastpath/scan-flags.js';
import { paints, planReplay, type ScreenTimeline, type ScreenUpdate } from './screen-timeline.js';

/** Above this many due updates, the overpainted ones are dropped before painting (catch-up, high rates). */
const COMPACT_ABOVE = 8;
/**
 * What restoring a keyframe costs, in tile decodes: a decoded one is a single draw, an encoded
 * full-HD one decodes in about the time of 60 small tiles.
 */
const DECODED_KEYFRAME_COST = 2;
const ENCODED_KEYFRAME_COST = 60;

/** How a seek rebuilds the screen: from a keyframe (when that is cheaper) or from nothing, then these updates. */
export interface SeekPlan {
  keyframe: Keyframe | undefined;
  updates: ScreenUpdate[];
  /**
   * The updates start after the recording's (a screen composed from parts read out of order) in a
   * recording that sets pointer shapes: the shape in effect before them is not known, so the
   * pointer stays hidden until they set one (a shape, a cached one set among them, or a system pointer).
   */
  pointerShapeUnknown?: boolean;
}

/** Tiles that fell due while playing, and how many of them were skipped as overpainted. */
export interface PaintCounts {
  due: number;
  skipped: number;
}

/**
 * Decides which screen updates to paint: while playing, those that fell due since the last call;
 * on a seek, a rebuild of the whole screen at the target time. It tracks how far the screen has
 * been painted (`nextIndex`) and the screen size in effect there.
 */
export class Scheduler {
  private next = 0;
  private width = 0;
  private height = 0;
  private readonly counts: PaintCounts = { due: 0, skipped: 0 };

  constructor(
    private readonly timeline: ScreenTimeline,
    private readonly keyframes?: KeyframeStore,
  ) {}

  /** Index of the first update not handed out yet. */
  get nextIndex(): number {
    return this.next;
  }

  get paintCounts(): Readonly<PaintCounts> {
    return this.counts;
  }

  /** The updates due at `timeMs` that were not handed out yet, in time order. */
  advance(timeMs: number): ScreenUpdate[] {
    const end = this.timeline.indexAfter(timeMs);
    if (end <= this.next) return [];
    const from = this.next;
    const all = Array.from({ length: end - from }, (_, i) => this.timeline.at(from + i));
    const due = all.length > COMPACT_ABOVE ? planReplay(this.timeline, from, end, this.width, this.height) : all;
    const dueTiles = countTiles(all);
    this.counts.due += dueTiles;
    this.counts.skipped += dueTiles - countTiles(due);
    this.moveTo(end);
    return due;
  }

  /**
   * What rebuilds the screen at `timeMs`, replaying without waiting, from the nearest keyframe
   * before it or from nothing (the caller clears the screen first). Works in both directions.
   */
  seek(timeMs: number): SeekPlan {
    const end = this.timeline.indexAfter(timeMs);
    let plan: SeekPlan | undefined;
    const resize = this.timeline.lastResizeBefore(end);
    const keyframe = resize && this.keyframes?.before(end, resize.index);
    // A fast-path screen is only a keyframe together with the decoder's state.
    if (keyframe && this.keyframes!.ready(keyframe) && (!this.timeline.hasFastPath || keyframe.decoderState)) {
      const fromKeyframe = planReplay(this.timeline, keyframe.end, end, keyframe.width, keyframe.height);
      const restoreCost = keyframe.bitmap ? DECODED_KEYFRAME_COST : ENCODED_KEYFRAME_COST;
      // The replay from nothing only as far as it could still be cheaper: on a screen never painted
      // whole, it would walk back to the recording's start.
      const fromStart = planReplay(this.timeline, 0, end, 0, 0, countPaints(fromKeyframe) + restoreCost);
      plan = fromStart ? { keyframe: undefined, updates: fromStart } : { keyframe, updates: fromKeyframe };
    }
    plan ??= { keyframe: undefined, updates: planReplay(this.timeline, 0, end, 0, 0) };
    // A fast-path cursor shape set before the keyframe: replay the last one (the keyframe restores the pointer cache).
    if (plan.keyframe && this.timeline.hasFastPath && !plan.updates.some(setsPointerShape)) {
      const index = this.timeline.lastPointerShapeBefore(plan.keyframe.end);
      const update = index === undefined ? undefined : this.timeline.at(index);
      if (update) plan.updates.unshift({ ...update, stateOnly: true } as ScreenUpdate);
    }
    // The pointer layer is cleared too: put the pointer back where it last was.
    if (!plan.updates.some((update) => update.kind === 'pointer')) {
      const pointer = this.timeline.lastPointerBefore(end);
      if (pointer) plan.updates.push(pointer);
    }
    this.moveTo(end);
    return plan;
  }

  private moveTo(end: number): void {
    this.next = end;
    const resize = this.timeline.lastResizeBefore(end)?.update;
    this.width = resize?.width ?? 0;
    this.height = resize?.height ?? 0;
  }
}

export function countTiles(updates: readonly ScreenUpdate[]): number {
  let tiles = 0;
  for (const update of updates) if (update.kind === 'tile') tiles += 1;
  return tiles;
}

/** What a plan costs, in tile decodes: a fast-path update that paints (up to a full RemoteFX frame) counts as one as well. */
function countPaints(updates: readonly ScreenUpdate[]): number {
  let count = 0;
  for (const update of updates) if (paints(update)) count += 1;
  return count;
}

const setsPointerShape = (update: ScreenUpdate): boolean => update.kind === 'fastpath' && ((update.flags ?? 0) & ScanFlag.PointerShape) !== 0;
