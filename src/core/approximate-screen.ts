/**
 * The approximate screen at a moment a seek waits for (in the thumbnails' chunk): a PNG-era
 * recording that never repaints its wallpaper cannot show the exact screen past the downloaded edge
 * until the download gets there, since any unread part could change any cell. What is knowable
 * without that gap is the screen at the loaded edge with, over it, what the last parts before the
 * moment paint (a seek island of at most two parts, read as for a hover thumbnail). The page shows
 * it above the screen, marked as approximate, with the cells those parts did not paint marked as
 * possibly changed; the screen itself, `captureFrame` and exports never see it.
 */
import { COVERAGE_CELL } from './screen-timeline.js';
import type { SeekPlan } from './scheduler.js';
import type { SeekIsland } from './seek-island.js';
import type { Thumbnails } from './thumbnails.js';

/** What the page asks for (protocol `approximateScreen`). */
export interface ApproximateRequest {
  /** The seek's target. */
  timeMs: number;
  /** Pixels wide; 0: only `loadedBytes`. */
  width: number;
  /** Read parts for the moment (slow on a slow link); without, only the screen at the loaded edge, every cell marked. */
  read: boolean;
}

/** What the page shows while a seek waits for the download (protocol `approximateScreen`). */
export interface ApproximateScreen {
  /** The composed screen, scaled to the width asked for (transferred). */
  image?: ImageBitmap;
  /**
   * One byte per 64×64 cell of the screen, row-major (`columns` a row): 1 where the parts read for
   * the moment paint the whole cell (known there), 0 where an unread part could have changed it.
   */
  known?: Uint8Array;
  columns?: number;
  /** Bytes of the file the download in order has read. */
  loadedBytes: number;
  /**
   * How long (ms) the download in order is expected to take to reach the moment (with `width` 0:
   * the worker's estimate, `feeds/download-estimate.ts`); absent when it cannot be told.
   */
  expectedMs?: number;
  /** Parts read out of order compose the moment (a seek island): the seek may land before the download gets there. */
  composing?: boolean;
  /** Where the part holding the moment ends: the bytes the download needs to reach it (when a part was read for it). */
  neededBytes?: number;
}

/**
 * The screen at the loaded edge (`edge`, a seek plan of the ingest; `screenWidth`×`screenHeight`
 * there) with the island's updates over it, `width` pixels wide, and the cells the island paints. Without an island (no random access, no
 * part read), every cell is one an unread part could have changed.
 */
export async function approximateScreen(
  thumbnails: Thumbnails,
  edge: SeekPlan,
  [screenWidth, screenHeight]: readonly [number, number],
  island: SeekIsland | undefined,
  width: number,
): Promise<Omit<ApproximateScreen, 'loadedBytes'> | null> {
  // The island's first update is the front's screen size standing in for the gap: it would clear the edge's screen.
  const updates = island && island.partCount > 0 ? island.plan().updates.filter((update, index) => index > 0 || update.kind !== 'resize') : [];
  // In turn with the hover thumbnails, which paint on the same canvas.
  const image = await thumbnails.renderOnce(`approximate@${island?.targetMs}`, width, () => thumbnails.compose(edge, updates));
  if (!image) return null;
  const columns = Math.ceil(screenWidth / COVERAGE_CELL);
  const known = (updates.length > 0 && island?.coverage()) || new Uint8Array(columns * Math.ceil(screenHeight / COVERAGE_CELL));
  return { image, known, columns };
}

/** `screen` drawn `width` pixels wide, its aspect ratio kept. */
export function scaled(screen: OffscreenCanvas, width: number): OffscreenCanvas {
  const output = new OffscreenCanvas(width, Math.max(1, Math.round((width * screen.height) / screen.width)));
  const context = output.getContext('2d', { alpha: false })!;
  context.imageSmoothingQuality = 'high';
  context.drawImage(screen, 0, 0, output.width, output.height);
  return output;
}
