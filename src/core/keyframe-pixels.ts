// A keyframe's lasting copy: the screen's RGBA pixels, deflated with the browser's own zlib
// (`keyframe-compressor.ts`, in the builder's chunk, makes it). Never a Blob: the browser process
// holds a Blob's bytes until this thread's collector frees its handle, which made the browser
// process grow with the recording's length.

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
      // Opaque pixels: neither premultiplying nor converting changes them, and skipping both is faster.
      return await createImageBitmap(new ImageData(pixels, width, height), { premultiplyAlpha: 'none', colorSpaceConversion: 'none' });
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

/** Input written in slices, with `between` awaited after each (a long input would hold the thread in one task). */
export interface PipeSlices {
  bytes: number;
  between(): Promise<void>;
}

/** Runs `input` through a (de)compression stream, handing each output chunk to `onChunk` (which may throw to stop). */
export async function pipe(stream: CompressionStream | DecompressionStream, input: Uint8Array, onChunk: (chunk: Uint8Array) => void, slices?: PipeSlices): Promise<void> {
  const writer = stream.writable.getWriter();
  const written = (async () => {
    const step = slices?.bytes ?? input.length;
    for (let at = 0; at < input.length; at += step) {
      // Each write resolves once the stream has taken its bytes: `input` may be reused after.
      await writer.write(input.subarray(at, at + step) as Uint8Array<ArrayBuffer>);
      if (slices && at + step < input.length) await slices.between();
    }
    await writer.close();
  })();
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
