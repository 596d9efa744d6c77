// What a fast-path PDU paints and which decoder state it changes, read from its headers alone (no
// pixel is decoded): the player's seek planning culls updates that later ones paint over, and
// activity measures use the areas. The parsing is the decoder's own (updates.ts,
// remotefx-blocks.ts), so both agree on every byte; only errors inside compressed pixel data (seen
// when decoding) can make the decoder paint less than reported here.

import { ByteReader } from './byte-reader.js';
import { ScanFlag } from './scan-flags.js';
import { FastPathError } from './errors.js';
import { MAX_SCREEN_SIDE, type ScreenSize, clipRect } from './framebuffer.js';
import { type RemoteFxState, type RemoteFxTileset, TILE_SIZE, hasRemoteFxHeaders, initialRemoteFxState, readRemoteFxMessage } from './remotefx-blocks.js';
import {
  CODEC_ID_NONE,
  CODEC_ID_QOIZ,
  FastPathUpdateCode,
  Fragmentation,
  Reassembler,
  bitmapArea,
  maxReassembly,
  qoizSurfaceBitsDrawn,
  rawSurfaceBitsDrawn,
  readBitmapRectangle,
  readBitmapUpdateHeader,
  readSurfaceCommand,
  readUpdates,
} from './updates.js';

/** A painted screen area in pixels; `right`/`bottom` are exclusive. */
export interface PaintRect {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

export { ScanFlag };

/** One PDU's scan. */
export interface FastPathScan {
  /** Areas painted (clipped to the screen, merged where they touch), or null when it paints nothing. A fragmented update's are reported with the PDU that completes it. */
  rects: PaintRect[] | null;
  /** `ScanFlag` bits. */
  flags: number;
  /** Pointer cache slot written (with `ScanFlag.PointerCache`), else -1. */
  pointerSlot: number;
  /** The first codec id of surface bits the decoder cannot draw (with `ScanFlag.UndrawableCodec`), else -1. */
  undrawableCodec: number;
}

/**
 * Scans a stream of fast-path PDUs in order, as the decoder would take them: it follows the state
 * that decides what gets painted (RemoteFX channel size and entropy, fragment runs, the screen
 * size), so a fragmented update's areas come out on the PDU that completes it. Cheap: headers only.
 */
export class FastPathScanner {
  private screen: ScreenSize;
  private readonly remoteFx: RemoteFxState = initialRemoteFxState();
  private readonly fragments = new Reassembler();
  private readonly errors: string[] = [];
  private rects: PaintRect[] = [];
  private flags = 0;
  private pointerSlot = -1;
  private undrawableCodec = -1;

  constructor(
    width = MAX_SCREEN_SIDE,
    height = MAX_SCREEN_SIDE,
    private readonly remoteFxCodecId = 3,
  ) {
    this.screen = { width, height };
  }

  /** TDP 31 (a new screen): as `FastPathDecoder.reset`, an open fragment run is dropped. */
  reset(width: number, height: number): void {
    this.screen = { width, height };
    this.fragments.close();
  }

  push(pdu: Uint8Array): FastPathScan {
    this.rects = [];
    this.flags = 0;
    this.pointerSlot = -1;
    this.undrawableCodec = -1;
    this.errors.length = 0;
    try {
      readUpdates(
        pdu,
        this.errors,
        (code, fragmentation, data) => {
          const whole = this.fragments.push(code, fragmentation, data, maxReassembly(this.screen.width, this.screen.height), this.errors);
          if (whole) this.scanUpdate(code, whole);
        },
        (_code, fragmentation) => {
          if (fragmentation !== Fragmentation.Single) this.fragments.close();
        },
      );
    } catch (error) {
      if (!(error instanceof FastPathError)) throw error;
    }
    if (this.fragments.open) this.flags |= ScanFlag.OpenAfter;
    return { rects: this.rects.length > 0 ? mergeRects(this.rects) : null, flags: this.flags, pointerSlot: this.pointerSlot, undrawableCodec: this.undrawableCodec };
  }

  private scanUpdate(code: number, data: Uint8Array): void {
    const reader = new ByteReader(data);
    const maxPixels = Math.max(this.screen.width * this.screen.height, 256 * 256);
    try {
      switch (code) {
        case FastPathUpdateCode.Bitmap: {
          const count = readBitmapUpdateHeader(reader);
          for (let i = 0; i < count; i++) {
            const rect = readBitmapRectangle(reader, i);
            const area = bitmapArea(rect, maxPixels);
            if (!area) continue;
            this.add(area.x, area.y, area.width, area.height);
            if (rect.bpp === 8) this.flags |= ScanFlag.PaletteColors;
          }
          break;
        }
        case FastPathUpdateCode.SurfaceCommands:
          this.scanSurfaceCommands(reader, maxPixels);
          break;
        case FastPathUpdateCode.Palette:
          this.flags |= ScanFlag.State | ScanFlag.Palette;
          break;
        case FastPathUpdateCode.PointerHidden:
        case FastPathUpdateCode.PointerDefault:
        case FastPathUpdateCode.CachedPointer:
          this.flags |= ScanFlag.PointerShape;
          break;
        case FastPathUpdateCode.PointerPosition:
          this.flags |= ScanFlag.PointerPosition;
          break;
        case FastPathUpdateCode.ColorPointer:
          this.writePointerSlot(reader.u16('pointer cacheIndex'));
          break;
        case FastPathUpdateCode.NewPointer:
          reader.u16('new pointer xorBpp');
          this.writePointerSlot(reader.u16('pointer cacheIndex'));
          break;
        case FastPathUpdateCode.LargePointer:
          reader.u16('large pointer xorBpp');
          this.writePointerSlot(reader.u16('pointer cacheIndex'));
          break;
        default:
          // Synchronize, drawing orders (not decoded), unknown codes: nothing drawn, no state.
          break;
      }
    } catch (error) {
      if (!(error instanceof FastPathError)) throw error;
      // What was read before the error is what the decoder drew too.
    }
  }

  private writePointerSlot(slot: number): void {
    this.flags |= ScanFlag.PointerShape;
    if (this.flags & ScanFlag.PointerCache && this.pointerSlot !== slot) this.flags |= ScanFlag.State;
    this.flags |= ScanFlag.PointerCache;
    this.pointerSlot = slot;
  }

  private scanSurfaceCommands(reader: ByteReader, maxPixels: number): void {
    while (reader.remaining > 0) {
      const command = readSurfaceCommand(reader);
      if (command.type === 'frameMarker') continue;
      const { left, top, bpp, codecId, width, height, data } = command;
      if (codecId === this.remoteFxCodecId) {
        if (hasRemoteFxHeaders(data)) this.flags |= ScanFlag.RemoteFxHeaders;
        this.flags |= ScanFlag.RemoteFx;
        try {
          readRemoteFxMessage(data, left, top, this.screen, this.remoteFx, (tileset) => this.addTileset(tileset));
        } catch (error) {
          if (!(error instanceof FastPathError)) throw error;
        }
      } else if (codecId === CODEC_ID_NONE) {
        if (rawSurfaceBitsDrawn(bpp, width, height, data.length, maxPixels)) this.add(left, top, width, height);
      } else if (codecId === CODEC_ID_QOIZ) {
        if (qoizSurfaceBitsDrawn(width, height, data.length, maxPixels)) this.add(left, top, width, height);
      } else {
        // Painting nothing, it hides nothing older either.
        this.flags |= ScanFlag.UndrawableCodec;
        if (this.undrawableCodec < 0) this.undrawableCodec = codecId;
      }
    }
  }

  /** Each tile's square clipped to each region rectangle it meets: exactly the pixels the decoder writes. */
  private addTileset({ rects, tiles }: RemoteFxTileset): void {
    for (const tile of tiles) {
      for (const rect of rects) {
        const x0 = Math.max(rect.x, tile.x);
        const y0 = Math.max(rect.y, tile.y);
        const x1 = Math.min(rect.x + rect.width, tile.x + TILE_SIZE);
        const y1 = Math.min(rect.y + rect.height, tile.y + TILE_SIZE);
        if (x1 > x0 && y1 > y0) this.rects.push({ left: x0, top: y0, right: x1, bottom: y1 });
      }
    }
  }

  private add(x: number, y: number, width: number, height: number): void {
    const area = clipRect(x, y, width, height, this.screen);
    if (area) this.rects.push({ left: area.x, top: area.y, right: area.x + area.width, bottom: area.y + area.height });
  }
}

/**
 * The areas one fast-path PDU (a TDP 29 message's bytes) paints, from its headers alone, or null
 * when it paints nothing (pointer, synchronize, palette, frame markers, fragments). Stateless: the
 * PDU is taken on its own, so a fragmented update (split over several PDUs) reports nothing, a
 * RemoteFX region without rectangles covers its channel only when the same message declares it
 * (else the whole 8192×8192 plane), and rectangles are not clipped to the screen (which is not
 * known here). Use `FastPathScanner` to follow a stream.
 */
export function fastPathPaintRects(pdu: Uint8Array): PaintRect[] | null {
  return new FastPathScanner().push(pdu).rects;
}

/** Joins rectangles that share an edge completely (rows of tiles, then columns of rows); never changes the area covered. */
export function mergeRects(rects: PaintRect[]): PaintRect[] {
  if (rects.length < 2) return rects;
  rects.sort((a, b) => a.top - b.top || a.bottom - b.bottom || a.left - b.left);
  const rows: PaintRect[] = [];
  for (const rect of rects) {
    const last = rows[rows.length - 1];
    if (last && last.top === rect.top && last.bottom === rect.bottom && last.right === rect.left) last.right = rect.right;
    else rows.push({ ...rect });
  }
  rows.sort((a, b) => a.left - b.left || a.right - b.right || a.top - b.top);
  const merged: PaintRect[] = [];
  for (const rect of rows) {
    const last = merged[merged.length - 1];
    if (last && last.left === rect.left && last.right === rect.right && last.bottom === rect.top) last.bottom = rect.bottom;
    else merged.push(rect);
  }
  return merged;
}
