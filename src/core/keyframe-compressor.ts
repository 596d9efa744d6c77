// Makes keyframes' compressed copies (`keyframe-pixels.ts` restores them). In the keyframe
// builder's chunk: only background building compresses screens.
import { context2d, type PaintSurface } from './canvas.js';
import { pipe } from './keyframe-pixels.js';

/** Bytes of pixels deflated in one task (an eighth of a full-HD screen, about 10–30 ms). */
const SLICE_BYTES = 1024 * 1024;

/**
 * Deflates screens, reading each one's pixels into one buffer kept for the next: a full-HD screen
 * is 8 MB, and a fresh one per keyframe (`getImageData`) made the worker's garbage, and its peak,
 * grow with the recording's length.
 */
export class ScreenCompressor {
  private pixels = new Uint8Array(0);
  private busy = false;

  /** `yieldToTasks` hands the thread back between slices of a screen: a seek or a request goes first. */
  constructor(private readonly yieldToTasks: () => Promise<void>) {}

  /** The screen's RGBA pixels, deflated: about as small as a PNG of the same desktop. */
  async compress(surface: PaintSurface): Promise<Uint8Array> {
    const size = surface.width * surface.height * 4;
    // Another compression still reads the kept buffer: this one reads into a buffer of its own.
    const pixels = !this.busy && this.pixels.length === size ? this.pixels : new Uint8Array(size);
    const owned = !this.busy;
    if (owned) {
      this.busy = true;
      this.pixels = pixels;
    }
    try {
      await readPixels(surface, pixels);
      const chunks: Uint8Array[] = [];
      let length = 0;
      const collect = (chunk: Uint8Array) => {
        chunks.push(chunk);
        length += chunk.length;
      };
      await pipe(new CompressionStream('deflate-raw'), pixels, collect, { bytes: SLICE_BYTES, between: this.yieldToTasks });
      const bytes = new Uint8Array(length);
      let at = 0;
      for (const chunk of chunks) {
        bytes.set(chunk, at);
        at += chunk.length;
      }
      return bytes;
    } finally {
      if (owned) this.busy = false;
    }
  }
}

/**
 * Copies the surface's RGBA pixels, as they are when called, into `into` (a VideoFrame copies into
 * a given buffer; `getImageData` allocates one each time).
 */
async function readPixels(surface: PaintSurface, into: Uint8Array): Promise<void> {
  let frame: VideoFrame | undefined;
  try {
    // Taken now: the surface may change before the copy is made.
    frame = typeof VideoFrame === 'function' && 'convertToBlob' in surface ? new VideoFrame(surface, { timestamp: 0 }) : undefined;
  } catch {
    frame = undefined;
  }
  if (!frame) return into.set(context2d(surface).getImageData(0, 0, surface.width, surface.height).data);
  try {
    await frame.copyTo(into as Uint8Array<ArrayBuffer>, { format: 'RGBA' });
  } catch {
    // No conversion to RGBA here: the frame, drawn on a canvas of its own, gives its pixels.
    const copy = new OffscreenCanvas(surface.width, surface.height);
    const context = context2d(copy, { alpha: false });
    context.drawImage(frame, 0, 0);
    into.set(context.getImageData(0, 0, surface.width, surface.height).data);
  } finally {
    frame.close();
  }
}

