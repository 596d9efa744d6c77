import { FastPathDecoder } from '../fastpath/index.js';
import type { ScreenUpdate } from '../screen-timeline.js';
import type { TileImage } from '../tile-bytes.js';
import { decodePng, type RgbaImage } from './png.js';

/** A rectangle in screen pixels. */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * The remote screen as RGBA bytes, composed from screen updates without the DOM (PNG tiles decoded
 * in JavaScript, fast-path PDUs by the project's decoder), so the text index reads the same pixels
 * in Node and in a worker, apart from playback's canvases.
 */
export class PixelScreen {
  private image: RgbaImage = { width: 0, height: 0, data: new Uint8ClampedArray(0) };
  private fastPath: FastPathDecoder | undefined;

  constructor(private readonly readBytes: (bytes: TileImage) => Uint8Array | Promise<Uint8Array>) {}

  get pixels(): RgbaImage {
    return this.image;
  }

  /**
   * Applies one update; returns the areas it painted (a resize: the whole new screen). A tile that
   * does not decode paints nothing: the rest of the screen stays readable.
   */
  async apply(update: ScreenUpdate): Promise<Box[]> {
    switch (update.kind) {
      case 'resize':
        this.image = { width: update.width, height: update.height, data: new Uint8ClampedArray(update.width * update.height * 4) };
        for (let i = 3; i < this.image.data.length; i += 4) this.image.data[i] = 255;
        this.fastPath?.reset(update.width, update.height);
        return [{ x: 0, y: 0, width: update.width, height: update.height }];
      case 'tile': {
        let tile: RgbaImage;
        try {
          tile = decodePng(await this.readBytes(update.png));
        } catch {
          return [];
        }
        return this.blit(tile, update.left, update.top);
      }
      case 'fastpath': {
        if (this.image.width === 0) return [];
        this.fastPath ??= new FastPathDecoder(this.image.width, this.image.height);
        const output = this.fastPath.push(await this.readBytes(update.pdu));
        const frame = this.fastPath.framebuffer;
        const boxes: Box[] = [];
        for (const rect of output.dirty) boxes.push(...this.blit({ width: frame.width, height: frame.height, data: frame.pixels }, 0, 0, rect));
        return boxes;
      }
      default:
        return [];
    }
  }

  /** Copies `source` (or its `area`) with its top-left at (left, top), clipped to the screen. */
  private blit(source: RgbaImage, left: number, top: number, area: Box = { x: 0, y: 0, width: source.width, height: source.height }): Box[] {
    const x0 = Math.max(0, left + area.x);
    const y0 = Math.max(0, top + area.y);
    const x1 = Math.min(this.image.width, left + area.x + area.width);
    const y1 = Math.min(this.image.height, top + area.y + area.height);
    if (x1 <= x0 || y1 <= y0) return [];
    for (let y = y0; y < y1; y++) {
      const from = ((y - top) * source.width + (x0 - left)) * 4;
      this.image.data.set(source.data.subarray(from, from + (x1 - x0) * 4), (y * this.image.width + x0) * 4);
    }
    return [{ x: x0, y: y0, width: x1 - x0, height: y1 - y0 }];
  }
}
