// A keyframe's lasting copy: the screen's RGBA pixels, deflated with the browser's own zlib. Never a
// Blob: the browser process holds a Blob's bytes until this thread's collector frees its handle,
// which made the browser process grow with the recording's length.
import { context2d, type PaintSurface } from './canvas.js';

/**
 * Deflates screens, reading each one's pixels into one buffer kept for the next: a full-HD screen
 * is 8 MB, and a fresh one per keyframe (`getImageData`) made the worker's garbage, and its peak,
 * grow with the recording's length.
 */
export class ScreenCompressor {
  private pixels = new Uint8Array(0);
  private busy = false;

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
      await pipe(new CompressionStream('deflate-raw'), pixels, (chunk) => {
        chunks.push(chunk);
        length += chunk.length;
      });
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

/**
 * Inflates `compressScreen`'s bytes back into a screen of `width`×`height`. The pixels are inflated
 * into one buffer kept for the next restore (a full-HD screen is 8 MB: one of those per seek would
 * be garbage the collector frees late), unless another restore is using it.
 */
export class ScreenInflater {
  private spare: Uint8ClampedArray<ArrayBuffer> | undefined;

  async inflate(compressed: Uint8Array, width: number, height: number): Promise<ImageBitmap> {
    const size = width * height * 4;
    const pixels = this.spare?.length === size ? this.spare : new Uint8ClampedArray(size);
    this.spare = undefined;
    try {
      let at = 0;
      await pipe(new DecompressionStream('deflate-raw'), compressed, (chunk) => {
        if (at + chunk.length > size) throw new RangeError(`a keyframe of ${width}×${height} inflates to more than its ${size} bytes`);
        pixels.set(chunk, at);
        at += chunk.length;
      });
      if (at !== size) throw new RangeError(`a keyframe of ${width}×${height} inflates to ${at} of its ${size} bytes`);
      return await createImageBitmap(new ImageData(pixels, width, height));
    } finally {
      // createImageBitmap has copied the pixels (or failed): the buffer is free again.
      this.spare = pixels;
    }
  }

  /** Lets the buffer go (a new load: the next screen may have another size). */
  clear(): void {
    this.spare = undefined;
  }
}

/** Runs `input` through a (de)compression stream, handing each output chunk to `onChunk` (which may throw to stop). */
async function pipe(stream: CompressionStream | DecompressionStream, input: Uint8Array, onChunk: (chunk: Uint8Array) => void): Promise<void> {
  const writer = stream.writable.getWriter();
  const written = writer.write(input as Uint8Array<ArrayBuffer>).then(() => writer.close());
  // A failure shows on the readable side too, which reports it.
  written.catch(() => {});
  const reader = stream.readable.getReader();
  try {
    for (let read = await reader.read(); !read.done; read = await reader.read()) onChunk(read.value);
    await written;
  } catch (error) {
    void reader.cancel().catch(() => {});
    void writer.abort().catch(() => {});
    throw error;
  }
}
