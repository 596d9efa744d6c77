/**
 * Turns drawing on a canvas into PNG tiles on a 64×64 grid, the way a desktop service sends
 * screen updates: only cells whose pixels changed since the last frame, horizontally adjacent
 * changed cells of a row merged into one wider tile (up to MAX_TILE_CELLS), tiles whose PNG
 * would not fit in a recording record split back into narrower ones.
 *
 * Only cells marked dirty are redrawn and compared, so the cost follows the size of the
 * change, not the size of the screen. Memory: the canvas and one copy of the last frame.
 */
import { createCanvas } from '@napi-rs/canvas';
import type { Canvas, SKRSContext2D } from '@napi-rs/canvas';
import type { Rect } from './desktop-model.js';

export const CELL = 64;
export const MAX_TILE_CELLS = 4;
/** A record is limited to 64 KiB; leave room for the event and TDP message around the PNG. */
export const MAX_TILE_PNG_BYTES = 60 * 1024;

export interface Tile { left: number; top: number; right: number; bottom: number; png: Uint8Array }

export interface TileStats { frames: number; cellsCompared: number; cellsChanged: number; tiles: number; pngBytes: number; splits: number }

export class TileDiffer {
  readonly cols: number;
  readonly rows: number;
  private readonly dirty: Uint8Array;
  private anyDirty = false;
  private readonly prev: Uint32Array;
  private readonly scratch = new Map<string, { canvas: Canvas; ctx: SKRSContext2D }>();
  readonly stats: TileStats = { frames: 0, cellsCompared: 0, cellsChanged: 0, tiles: 0, pngBytes: 0, splits: 0 };

  constructor(
    private readonly ctx: SKRSContext2D,
    readonly width: number,
    readonly height: number,
    /** PNG size above which a multi-cell tile is split (opaque 256×64 tiles stay under ~50 KB, so rarely). */
    private readonly maxPngBytes = MAX_TILE_PNG_BYTES,
  ) {
    this.cols = Math.ceil(width / CELL);
    this.rows = Math.ceil(height / CELL);
    this.dirty = new Uint8Array(this.cols * this.rows);
    // Starts transparent: every opaque pixel drawn differs, so the first frame is sent in full.
    this.prev = new Uint32Array(width * height);
  }

  markDirty(r: Rect): void {
    const c0 = Math.max(0, Math.floor(r.x / CELL)), c1 = Math.min(this.cols, Math.ceil((r.x + r.w) / CELL));
    const r0 = Math.max(0, Math.floor(r.y / CELL)), r1 = Math.min(this.rows, Math.ceil((r.y + r.h) / CELL));
    for (let row = r0; row < r1; row++) this.dirty.fill(1, row * this.cols + c0, row * this.cols + c1);
    if (c1 > c0 && r1 > r0) this.anyDirty = true;
  }

  /** Dirty cells grouped into rectangles: per row, maximal runs; equal runs of consecutive rows merged. */
  private dirtyRects(): Rect[] {
    const done: Rect[] = [];
    let open = new Map<number, Rect>();
    for (let row = 0; row < this.rows; row++) {
      const next = new Map<number, Rect>();
      let c = 0;
      while (c < this.cols) {
        if (!this.dirty[row * this.cols + c]) {
          c++;
          continue;
        }
        const c0 = c;
        while (c < this.cols && this.dirty[row * this.cols + c]) c++;
        const key = c0 * 4096 + c;
        const prev = open.get(key);
        if (prev) {
          prev.h += 1;
          open.delete(key);
          next.set(key, prev);
        } else {
          next.set(key, { x: c0, y: row, w: c - c0, h: 1 });
        }
      }
      for (const r of open.values()) done.push(r);
      open = next;
    }
    for (const r of open.values()) done.push(r);
    // Cells to pixels, clipped to the screen.
    return done.map((r) => {
      const x = r.x * CELL, y = r.y * CELL;
      return { x, y, w: Math.min(this.width, (r.x + r.w) * CELL) - x, h: Math.min(this.height, (r.y + r.h) * CELL) - y };
    });
  }

  /**
   * Redraws the dirty areas with `render` (called once per rectangle, which it must fill
   * completely), compares them with the previous frame and returns the changed tiles, top to
   * bottom, left to right.
   */
  flush(render: (clip: Rect) => void): Tile[] {
    if (!this.anyDirty) return [];
    const rects = this.dirtyRects();
    this.dirty.fill(0);
    this.anyDirty = false;
    for (const r of rects) render(r);
    this.stats.frames++;
    const tiles: Tile[] = [];
    for (const r of rects) {
      const image = this.ctx.getImageData(r.x, r.y, r.w, r.h);
      const bytes = image.data;
      const px = bytes.byteOffset % 4 === 0
        ? new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.length >> 2)
        : new Uint32Array(new Uint8Array(bytes).buffer);
      const cellCols = Math.ceil(r.w / CELL), cellRows = Math.ceil(r.h / CELL);
      for (let cr = 0; cr < cellRows; cr++) {
        const changed: boolean[] = [];
        for (let cc = 0; cc < cellCols; cc++) {
          changed.push(this.compareCell(px, r, cc * CELL, cr * CELL));
          this.stats.cellsCompared++;
        }
        let cc = 0;
        while (cc < cellCols) {
          if (!changed[cc]) {
            cc++;
            continue;
          }
          const c0 = cc;
          while (cc < cellCols && changed[cc] && cc - c0 < MAX_TILE_CELLS) cc++;
          this.stats.cellsChanged += cc - c0;
          this.encodeRun(image, r, c0, cc, cr, tiles);
        }
      }
    }
    tiles.sort((a, b) => a.top - b.top || a.left - b.left);
    this.stats.tiles += tiles.length;
    for (const t of tiles) this.stats.pngBytes += t.png.length;
    return tiles;
  }

  /** Compares one cell (at dx,dy inside r) with the previous frame; copies it over when it changed. */
  private compareCell(px: Uint32Array, r: Rect, dx: number, dy: number): boolean {
    const w = Math.min(CELL, r.w - dx), h = Math.min(CELL, r.h - dy);
    const W = this.width;
    const prev = this.prev;
    let row = 0;
    outer: for (; row < h; row++) {
      const src = (dy + row) * r.w + dx;
      const dst = (r.y + dy + row) * W + r.x + dx;
      for (let i = 0; i < w; i++) if (px[src + i] !== prev[dst + i]) break outer;
    }
    if (row === h) return false;
    for (; row < h; row++) {
      const src = (dy + row) * r.w + dx;
      prev.set(px.subarray(src, src + w), (r.y + dy + row) * W + r.x + dx);
    }
    return true;
  }

  private encodeRun(image: ImageDataLike, r: Rect, c0: number, c1: number, cr: number, out: Tile[]): void {
    const dx = c0 * CELL, dy = cr * CELL;
    const w = Math.min(c1 * CELL, r.w) - dx, h = Math.min(CELL, r.h - dy);
    const png = this.encode(image, dx, dy, w, h);
    if (png.length > this.maxPngBytes && c1 - c0 > 1) {
      this.stats.splits++;
      const mid = c0 + Math.ceil((c1 - c0) / 2);
      this.encodeRun(image, r, c0, mid, cr, out);
      this.encodeRun(image, r, mid, c1, cr, out);
      return;
    }
    out.push({ left: r.x + dx, top: r.y + dy, right: r.x + dx + w, bottom: r.y + dy + h, png });
  }

  private encode(image: ImageDataLike, dx: number, dy: number, w: number, h: number): Uint8Array {
    const key = `${w}x${h}`;
    let s = this.scratch.get(key);
    if (!s) {
      const canvas = createCanvas(w, h);
      s = { canvas, ctx: canvas.getContext('2d') };
      this.scratch.set(key, s);
    }
    s.ctx.putImageData(image as ImageData, -dx, -dy, dx, dy, w, h);
    return s.canvas.encodeSync('png');
  }
}

type ImageDataLike = ReturnType<SKRSContext2D['getImageData']>;
