import type { RecordedEvent } from '../format/events.js';
import { carriesFastPath } from './fast-path-gate.js';
import { ScanFlag } from './fastpath/paint-rects.js';
import type { Ingest } from './ingest.js';
import { SeekIsland, type IslandPart } from './seek-island.js';

/** A seek composes its screen from at most this many parts read out of order; past them, it waits for the download in order. */
const MAX_ISLAND_PARTS = 8;
/** RemoteFX header PDUs of the front carried into an island (channels and context; a few resizes). */
const MAX_REMOTEFX_HEADERS = 8;

/** A part read for a seek, as the feed hands it over (`feeds/seek-reads.ts`). */
export interface HeldPart extends IslandPart {
  events: readonly RecordedEvent[];
  /** The first time of the part after it, when known: nothing happens between its last event and then. */
  untilMs: number | undefined;
}

/**
 * The seeks of one load that go past what has arrived (a chunk, loaded once a server answers
 * Range requests): the island being composed for the latest one, and the stretches of time the
 * parts read for them hold (`buffered`).
 */
export class SeekIslands {
  /** Islands composed, and islands given up in a row since the last one composed. */
  private composed = 0;
  private missesInARow = 0;
  private pending: { island: SeekIsland; resolve(island: SeekIsland | undefined): void } | undefined;
  /** The file's last parts (read with its end), until they have told whether the recording repaints its screen. */
  private lastParts: readonly HeldPart[] | undefined;
  /** Whether the last parts, composed as an island at the end, cover the screen; undefined until judged. */
  private endCovered: boolean | undefined;
  /** Parts read for seeks, in file order, with the time each spans. */
  private held: Array<{ offset: number; end: number; fromMs: number; toMs: number }> = [];
  /** How far `noteFront` looked through the download in order's timeline; Infinity once it paints. */
  private frontChecked = 0;
  /** Seeks waiting for the download in order's first paint (`frontPaints`). */
  private frontWaiters: Array<() => void> = [];
  private lastPartsFastPath = false;
  /** The moment of the seek whose island is being composed (or waits for the front's first paint to be), until it lands or is left to the download. */
  private composingMs: number | undefined;

  /**
   * The screen at `targetMs`, past what the download in order has reached, composed from parts read
   * out of order; undefined when the download is to bring it instead (`arrived`: it reached the
   * moment first; a miss; a recording whose seeks are not worth it). `want` asks the feed for the
   * moment's parts; `current` tells whether the seek is still the latest.
   */
  async compose(targetMs: number, ingest: Ingest, arrived: Promise<void>, want: () => void, current: () => boolean): Promise<SeekIsland | undefined> {
    this.composingMs = targetMs;
    const leftToDownload = () => {
      if (this.composingMs === targetMs) this.composingMs = undefined;
      return arrived.then(() => undefined);
    };
    await this.frontPaints(ingest, arrived, want);
    if (!current()) return undefined;
    // A recording whose seeks cannot be composed reads no parts for them (the download goes on alone).
    if (!this.worthTrying(ingest)) return leftToDownload();
    const { covered } = await this.open(targetMs, ingest);
    if (!current()) return undefined;
    want();
    return Promise.race([arrived.then(() => undefined), covered.then((found) => found ?? leftToDownload())]);
  }

  /**
   * Resolves once the download in order has indexed its first paint, or `arrived` (it reached the
   * seek's moment): a session sets the decoder state an island takes from the front (the RemoteFX
   * header blocks, a palette) before it, and the fast-path decoder, which indexes the island's
   * parts, is loaded by then. A seek right after `loadedmetadata` can come when the front has given
   * the screen size alone (the fast-path chunk still loading): an island judged or composed then
   * missed, and its seek waited for the download. Meanwhile, in a recording whose last parts carry
   * fast-path updates, `readAhead` reads the part holding the moment (held, composed afterwards).
   */
  private async frontPaints(ingest: Ingest, arrived: Promise<void>, readAhead: () => void): Promise<void> {
    if (this.noteFront(ingest)) return;
    if (this.lastPartsFastPath) readAhead();
    await Promise.race([arrived, new Promise<void>((resolve) => this.frontWaiters.push(resolve))]);
  }

  /** The download in order delivered more: whether it has painted yet. */
  private noteFront({ timeline }: Ingest): boolean {
    for (; this.frontChecked < timeline.length; this.frontChecked++) {
      const update = timeline.at(this.frontChecked);
      if (update.kind === 'tile' || (update.kind === 'fastpath' && ((update.rects ?? -1) >= 0 || (update.flags ?? 0) & ScanFlag.RemoteFx))) {
        this.frontChecked = Infinity;
        for (const resolve of this.frontWaiters.splice(0)) resolve();
      }
    }
    return this.frontChecked === Infinity;
  }

  /**
   * Starts composing the screen at `targetMs` (a newer seek replaces an older one). `covered`
   * resolves with the island once the screen there is covered, or undefined when it is not to be
   * (no screen size yet, a newer seek, too many parts, a part that does not decode).
   */
  async open(targetMs: number, ingest: Ingest): Promise<{ covered: Promise<SeekIsland | undefined> }> {
    this.close();
    const island = await islandAt(targetMs, ingest);
    if (!island) return { covered: Promise.resolve(undefined) };
    return { covered: new Promise((resolve) => (this.pending = { island, resolve })) };
  }

  /** A part read for the seek to `targetMs`: held, and added to its island. Answers whether the part before it is wanted. */
  part(targetMs: number, part: HeldPart): boolean {
    this.hold(part);
    const pending = this.pending;
    if (pending?.island.targetMs !== targetMs) return false;
    let covered: boolean;
    try {
      covered = pending.island.add(part);
    } catch {
      covered = false;
    }
    // Reading further back is unlikely to cover the rest: the seek waits for the download in order.
    if (covered || pending.island.stalledCoverage || pending.island.partCount >= MAX_ISLAND_PARTS) {
      this.pending = undefined;
      if (covered) this.composed += 1;
      this.missesInARow = covered ? 0 : this.missesInARow + 1;
      pending.resolve(covered ? pending.island : undefined);
      return false;
    }
    return true;
  }

  /**
   * Seeks of this recording are left to the download in order: its screen could not be composed
   * from nearby parts (a recording that never repaints some of its screen, such as a wallpaper
   * painted once, never can), so reading parts for it would only hold the download back. After
   * one miss when none was composed yet, else after two in a row.
   */
  get givenUp(): boolean {
    return this.missesInARow >= (this.composed > 0 ? 2 : 1);
  }

  /** A new island at `targetMs` (a preview's: a hover thumbnail, the approximate screen); undefined without a screen size. */
  islandAt(targetMs: number, ingest: Ingest): Promise<SeekIsland | undefined> {
    return islandAt(targetMs, ingest);
  }

  /** The island a seek to `targetMs` is composing, with the parts read for it so far; undefined when none is or it has none yet. */
  composingIsland(targetMs: number): SeekIsland | undefined {
    const island = this.pending?.island;
    return island?.targetMs === targetMs && island.partCount > 0 ? island : undefined;
  }

  /** Whether an island is being composed for a seek to `targetMs` (it may land before the download gets there). */
  composing(targetMs: number): boolean {
    return this.composingMs === targetMs;
  }

  /** The file's last parts, decoded with its end: they tell whether an island can be composed (`worthTrying`). */
  noteLastParts(parts: readonly HeldPart[]): void {
    this.lastParts = parts;
    this.lastPartsFastPath = parts.some((part) => carriesFastPath(part.events));
  }

  /**
   * Whether a seek past what has arrived should read parts for an island (the download in order
   * waits for those reads), or wait for the download alone. Not after misses (`givenUp`); always
   * once an island was composed. A recording of PNG tiles (Teleport 9–14) sends only the areas that
   * changed, and many never repaint their wallpaper: its seeks read parts only when the last parts
   * of the file, composed as an island at its end, cover the screen (that costs no byte: the end
   * was read for the duration). Otherwise a failed attempt, its part search and parts, would delay
   * the seek past the time the download alone takes. Fast-path recordings are always tried: their
   * islands composed from 1–3 parts on every sample, and their last part alone rarely covers.
   */
  worthTrying(ingest: Ingest): boolean {
    // The last parts are needed for the first answer at most: let them go whatever it is.
    const lastParts = this.lastParts;
    this.lastParts = undefined;
    if (this.givenUp) return false;
    if (this.composed > 0 || ingest.timeline.hasFastPath) return true;
    this.endCovered ??= lastParts && this.coversAtEnd(lastParts, ingest);
    return this.endCovered ?? true;
  }

  /** The last parts, from the last one back, compose the screen at the last moment they hold. */
  private coversAtEnd(parts: readonly HeldPart[], ingest: Ingest): boolean | undefined {
    const screen = ingest.timeline.lastResizeBefore(ingest.timeline.length)?.update;
    if (!screen || screen.width === 0 || screen.height === 0 || parts.length === 0) return undefined;
    let lastMs = -Infinity;
    for (const { event } of parts.at(-1)!.events) if (event.case === 'desktopRecording') lastMs = Math.max(lastMs, Number(event.value.delayMilliseconds));
    if (lastMs < 0) return undefined;
    const island = new SeekIsland(lastMs, { width: screen.width, height: screen.height, remoteFxHeaders: [], pointerShapes: ingest.timeline.hasFastPath });
    try {
      for (let index = parts.length - 1; index >= 0; index--) if (island.add(parts[index]!)) return true;
    } catch {
      return undefined;
    }
    return false;
  }

  /** The island being composed is not wanted any more. */
  close(): void {
    const pending = this.pending;
    this.pending = undefined;
    pending?.resolve(undefined);
  }

  /**
   * The time spans held beyond `loadedMs` (what the download in order has reached), in order; parts
   * whose bytes touch make one. `front`: the download in order delivered more (seeks waiting for
   * its first paint go on).
   */
  heldBeyond(loadedMs: number, front?: Ingest): Array<[number, number]> {
    if (front) this.noteFront(front);
    this.held = this.held.filter((part) => part.toMs > loadedMs);
    const spans: Array<{ end: number; fromMs: number; toMs: number }> = [];
    for (const part of this.held) {
      const last = spans.at(-1);
      if (last && part.offset <= last.end) Object.assign(last, { end: Math.max(last.end, part.end), fromMs: Math.min(last.fromMs, part.fromMs), toMs: Math.max(last.toMs, part.toMs) });
      else spans.push({ end: part.end, fromMs: part.fromMs, toMs: part.toMs });
    }
    return spans.map((span) => [span.fromMs, span.toMs]);
  }

  /** The bytes `[start, end)` are no longer held (the feed's budget): the parts they were in are not buffered any more. */
  drop(start: number, end: number): void {
    this.held = this.held.filter((part) => part.end <= start || part.offset >= end);
  }

  private hold(part: HeldPart): void {
    let fromMs = Infinity;
    let toMs = -Infinity;
    for (const { event } of part.events) {
      if (event.case !== 'desktopRecording') continue;
      fromMs = Math.min(fromMs, Number(event.value.delayMilliseconds));
      toMs = Math.max(toMs, Number(event.value.delayMilliseconds));
    }
    if (fromMs > toMs) return;
    if (part.untilMs !== undefined && part.untilMs > toMs) toMs = part.untilMs;
    if (this.held.some((other) => other.offset === part.offset)) return;
    this.held = [...this.held, { offset: part.offset, end: part.end, fromMs, toMs }].sort((a, b) => a.offset - b.offset);
  }
}

/**
 * An empty island for the moment `targetMs`, with what the front read in order tells it (the screen
 * size, the RemoteFX header blocks); undefined before the front gave a screen size. A seek's, or a
 * hover thumbnail's (which reads a few parts for it, never in front of a seek).
 */
export async function islandAt(targetMs: number, ingest: Ingest): Promise<SeekIsland | undefined> {
  const { timeline } = ingest;
  const screen = timeline.lastResizeBefore(timeline.length)?.update;
  if (!screen || screen.width === 0 || screen.height === 0) return undefined;
  // RemoteFX frames need the header blocks a session sends once: the front's, when the island has none.
  const headers: Array<Uint8Array | Promise<Uint8Array>> = [];
  if (timeline.hasFastPath) {
    for (let index = timeline.length - 1; index >= 0 && headers.length < MAX_REMOTEFX_HEADERS; index--) {
      const update = timeline.at(index);
      if (update.kind === 'fastpath' && (update.flags ?? 0) & ScanFlag.RemoteFxHeaders) headers.unshift(ingest.readBytes(update.pdu));
    }
  }
  return new SeekIsland(targetMs, { width: screen.width, height: screen.height, remoteFxHeaders: await Promise.all(headers), pointerShapes: timeline.hasFastPath });
}
