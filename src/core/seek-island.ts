import type { RecordedEvent } from '../format/events.js';
import { TimelineBuilder } from '../format/timeline.js';
import { carriesFastPath } from './fast-path-gate.js';
import { ScanFlag } from './fastpath/paint-rects.js';
import type { SeekPlan } from './scheduler.js';
import { COVERAGE_CELL, CoverageGrid, ScreenTimeline, planReplay, type ScreenUpdate } from './screen-timeline.js';

/** Parts of the file read out of order for a seek: `[offset, end)` and their events, in file order. */
export interface IslandPart {
  offset: number;
  end: number;
  events: readonly RecordedEvent[];
}

/** What the front of the file (read in order) tells an island about the moments before it. */
export interface IslandContext {
  /** The screen size in effect (the last one the front gave). */
  width: number;
  height: number;
  /** RDP fast-path PDUs from the front carrying RemoteFX header blocks (sent once a session), in order. */
  remoteFxHeaders: readonly Uint8Array[];
  /** The front has fast-path updates: the recording sets pointer shapes (so does any TDPB one; legacy TDP PNG ones draw the arrow). */
  pointerShapes: boolean;
}

/**
 * The screen at a moment not reached by reading the file in order, composed from parts read
 * backwards from the one holding it: each earlier part is added until every 64×64 cell of the
 * screen is painted at or before the target by the island's own updates (the coverage rule
 * `planReplay` uses), or a resize in it clears the screen. The gap between the front and the
 * island is unknown, so a cell nothing in the island paints is not known, and the island is not
 * used for it until it is covered (a seek then waits for the front, as before).
 *
 * Decoder state from before the island: the RemoteFX header blocks come from the front (a session
 * sends them once, after each resize); the screen size from the front too. A palette is not taken
 * from the front (one set in the gap would not be known): an island that paints 8 bpp bitmaps
 * before a palette update of its own gives up. Neither is the pointer: its position shows from the island's own (its last
 * mouse move), and in a recording that sets pointer shapes (fast-path, or any TDPB one) it is hidden
 * until the island sets one (a pointer whose image is in its parts, a cached one whose slot one of
 * them set, or a system pointer: hidden, default); a cached pointer naming a slot set in the gap
 * hides it, as does an 8 bpp pointer set before the island's own palette update (the decoder's
 * `pointerCachePartial`). The download in order reaching the target then shows the recorded one.
 */
export class SeekIsland {
  private readonly parts: IslandPart[] = [];
  private built: ScreenTimeline | undefined;
  /** The cells the last coverage walk (`add`) found painted by the island (none after a resize of its own: all are). */
  private grid: CoverageGrid | undefined;
  /**
   * The updates the island starts with that stand in for the gap (the front's screen size and
   * RemoteFX header PDUs): they count for no cell. A header PDU carries the session's first frame
   * too, whose tiles the gap may have repainted since.
   */
  private contextUpdates = 1;
  private coveredAtTarget = false;
  /** Cells of the screen nothing in the island paints at or before the target. */
  private uncoveredCells = Infinity;
  /** The last part added painted no cell the later ones left uncovered. */
  private stalled = false;
  /**
   * An update of the island paints outside the front's screen: the size changed in the gap (a
   * resize the island did not read), so the island cannot know the screen.
   */
  private outsideScreen = false;
  /**
   * 8 bpp bitmaps painted before the island's first palette update show at the target: their
   * colours are the palette in effect before the island, maybe set in the gap it skips, so the
   * front's may be stale. The island gives up (the seek waits for the download in order) rather
   * than read back for one: a session sets its palette at its start, which a few parts read back
   * would not reach.
   */
  private paletteUnknown = false;

  constructor(
    readonly targetMs: number,
    private readonly context: IslandContext,
  ) {}

  /** The file offset the island starts at (its first part's). */
  get startOffset(): number {
    return this.parts[0]?.offset ?? Infinity;
  }

  get partCount(): number {
    return this.parts.length;
  }

  /** Where the part holding the target ends (the bytes the download in order needs to reach it); undefined before it was added. */
  get targetPartEnd(): number | undefined {
    return this.parts[0]?.end;
  }

  /**
   * The part read last painted nothing still missing: the cells left are ones the recording
   * rarely repaints (a wallpaper, a taskbar), and reading further back is unlikely to find them.
   * Also when the island paints outside the front's screen (its size changed in the gap).
   */
  get stalledCoverage(): boolean {
    return this.stalled;
  }

  /** The screen at the target is fully known from the island. */
  get covered(): boolean {
    return this.coveredAtTarget;
  }

  /**
   * Adds a part: the one holding the target first, then each one before the island (reading
   * backwards). Returns whether the screen at the target is now covered.
   */
  add(part: IslandPart): boolean {
    if (this.parts.length > 0 && part.end !== this.startOffset) throw new RangeError(`part [${part.offset}, ${part.end}) does not end where the island starts (${this.startOffset})`);
    this.parts.unshift(part);
    this.built = this.build();
    this.paletteUnknown = false;
    const uncovered = this.uncoveredAt(this.built);
    this.stalled = this.outsideScreen || this.paletteUnknown || (this.parts.length > 1 && uncovered >= this.uncoveredCells);
    this.uncoveredCells = uncovered;
    this.coveredAtTarget = uncovered === 0 && !this.paletteUnknown;
    return this.coveredAtTarget;
  }

  /** What rebuilds the screen at the target from the island alone (the caller clears the screen first). */
  plan(): SeekPlan {
    const timeline = this.built ?? this.build();
    const end = timeline.indexAfter(this.targetMs);
    const updates = planReplay(timeline, 0, end, this.context.width, this.context.height);
    // TDPB recordings (Teleport 2026) carry server-drawn pointers as fast-path updates, whatever paints their screen.
    const pointerShapes = this.context.pointerShapes || timeline.hasFastPath || this.parts.some((part) => carriesFastPath(part.events));
    return { keyframe: undefined, updates, pointerShapeUnknown: pointerShapes };
  }

  /** The island's updates in time order: the screen size in effect, the front's RemoteFX headers, then its parts' screen changes. */
  private build(): ScreenTimeline {
    const timeline = new ScreenTimeline();
    const builder = new TimelineBuilder();
    const placed = this.parts.flatMap((part) => part.events.flatMap((event) => builder.add(event)));
    placed.push(...builder.finish());
    const startMs = placed.find((event) => event.screen)?.timeMs ?? 0;
    timeline.add({ kind: 'resize', timeMs: startMs, width: this.context.width, height: this.context.height });
    if (placed.some((event) => event.screen?.kind === 'fastpath')) {
      for (const pdu of this.context.remoteFxHeaders) timeline.add(timeline.fastPath(startMs, pdu, pdu));
    }
    this.contextUpdates = timeline.length;
    for (const { timeMs, screen } of placed) {
      switch (screen?.kind) {
        case 'tile': {
          const { left, top, right, bottom, png } = screen;
          timeline.add({ kind: 'tile', timeMs, left, top, right, bottom, png });
          break;
        }
        case 'fastpath':
          timeline.add(timeline.fastPath(timeMs, screen.pdu, screen.pdu));
          break;
        case 'resize':
          timeline.add({ kind: 'resize', timeMs, width: screen.width, height: screen.height });
          break;
        case 'pointer':
          timeline.add({ kind: 'pointer', timeMs, x: screen.x, y: screen.y });
          break;
      }
    }
    return timeline;
  }

  /** How many cells of the screen the island's updates leave unpainted at the target (none after a resize of its own). */
  private uncoveredAt(timeline: ScreenTimeline): number {
    const end = timeline.indexAfter(this.targetMs);
    let firstPalette = end;
    let firstPaletteColors = end;
    for (let index = end - 1; index > 0; index--) {
      const update = timeline.at(index);
      const flags = update.kind === 'fastpath' ? (update.flags ?? 0) : 0;
      if (flags & ScanFlag.Palette) firstPalette = index;
      if (flags & ScanFlag.PaletteColors) firstPaletteColors = index;
    }
    const resize = timeline.lastResizeBefore(end);
    // The first resize is the front's size standing in for the gap: only a resize read in the island clears the screen.
    if (resize && resize.index > 0) {
      this.paletteUnknown = firstPaletteColors < firstPalette;
      return 0;
    }
    const { width, height } = this.context;
    const grid = (this.grid = new CoverageGrid(width, height));
    const outside = (right: number, bottom: number) => (right > width || bottom > height) && (this.outsideScreen = true);
    for (let index = end - 1; index >= this.contextUpdates && !grid.full; index--) {
      const update: ScreenUpdate = timeline.at(index);
      if (update.kind === 'tile') {
        if (outside(update.right, update.bottom)) return Infinity;
        grid.paint(update);
      } else if (update.kind === 'fastpath' && !((update.flags ?? 0) & ScanFlag.UndrawableCodec)) {
        timeline.paintRects(update, (_left, _top, right, bottom) => void outside(right, bottom));
        if (this.outsideScreen) return Infinity;
        if (timeline.paintRectsOn(update, grid) && (update.flags ?? 0) & ScanFlag.PaletteColors && index < firstPalette) this.paletteUnknown = true;
      }
    }
    return grid.uncoveredCells;
  }

  /**
   * Which 64×64 cells of the screen the island's own updates paint completely at the target, as
   * of the last `add` (one byte per cell, row-major, 1: painted): what is known there without the
   * gap before the island. Undefined before a part was added, or when the island paints outside the
   * front's screen (its size changed in the gap).
   */
  coverage(): Uint8Array | undefined {
    if (this.outsideScreen || this.parts.length === 0) return undefined;
    const { width, height } = this.context;
    return this.uncoveredCells === 0 ? new Uint8Array(Math.ceil(width / COVERAGE_CELL) * Math.ceil(height / COVERAGE_CELL)).fill(1) : this.grid?.snapshot();
  }
}
