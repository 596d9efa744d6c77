/** A decoded image ready to draw: an ImageBitmap or a VideoFrame, both closed once drawn. */
export type DecodedImage = (ImageBitmap | VideoFrameLike) & CanvasImageSource;

interface VideoFrameLike {
  readonly displayWidth: number;
  readonly displayHeight: number;
  close(): void;
}

/**
 * Decodes PNG bytes. Rejects when the bytes are not a decodable image. It is done with `png`
 * when it returns (the Blob or ImageDecoder it makes copies them), so the caller may fill that
 * buffer again at once.
 */
export type DecodeImage = (png: Uint8Array) => Promise<DecodedImage>;

// WebCodecs' ImageDecoder is not in TypeScript's DOM lib yet; these are the members used.
interface ImageDecoderLike {
  decode(): Promise<{ image: DecodedImage }>;
  close(): void;
}
interface ImageDecoderClass {
  new (init: { data: BufferSource; type: string }): ImageDecoderLike;
  isTypeSupported(type: string): Promise<boolean>;
}

/**
 * Tiles up to this many pixels go through ImageDecoder when the browser has it:
 * `createImageBitmap(blob)` costs about 0.5 ms per call whatever the size, so 500 small tiles
 * take ~250 ms with four in flight, against ~25 ms through ImageDecoder (measured on 64×64 tiles,
 * decoded, turned into bitmaps and drawn). Whole screens decode faster with createImageBitmap.
 */
const IMAGE_DECODER_MAX_PIXELS = 256 * 256;

export function decodeWithBitmap(png: Uint8Array): Promise<DecodedImage> {
  return createImageBitmap(new Blob([png as Uint8Array<ArrayBuffer>], { type: 'image/png' }));
}

function decodeWithImageDecoder(Decoder: ImageDecoderClass): DecodeImage {
  return async (png) => {
    if (pngPixels(png) > IMAGE_DECODER_MAX_PIXELS) return decodeWithBitmap(png);
    const decoder = new Decoder({ data: png as Uint8Array<ArrayBuffer>, type: 'image/png' });
    let frame: DecodedImage | undefined;
    try {
      frame = (await decoder.decode()).image;
      // Drawing a VideoFrame converts its pixels on the spot (~0.1 ms a tile, on this thread);
      // createImageBitmap does it off the thread, and the bitmap then draws in microseconds.
      return await createImageBitmap(frame);
    } finally {
      frame?.close();
      decoder.close();
    }
  };
}

/** Width × height from a PNG's IHDR (0 when the bytes are too short to say). */
function pngPixels(png: Uint8Array): number {
  if (png.length < 24) return 0;
  const u32 = (at: number): number => ((png[at]! << 24) | (png[at + 1]! << 16) | (png[at + 2]! << 8) | png[at + 3]!) >>> 0;
  return u32(16) * u32(20);
}

/** The fastest PNG decoder this browser offers; what the browser has is checked on first use. */
export function fastestImageDecode(): DecodeImage {
  let chosen: Promise<DecodeImage> | undefined;
  let decode: DecodeImage | undefined;
  return (png) => {
    if (decode) return decode(png);
    // Until the choice is made the bytes wait: a copy, as the caller may fill its buffer again.
    const bytes = png.slice();
    return (chosen ??= chooseImageDecode()).then((chosenDecode) => (decode = chosenDecode)(bytes));
  };
}

async function chooseImageDecode(): Promise<DecodeImage> {
  const Decoder = (globalThis as { ImageDecoder?: ImageDecoderClass }).ImageDecoder;
  try {
    if (Decoder && (await Decoder.isTypeSupported('image/png'))) return decodeWithImageDecoder(Decoder);
  } catch {
    // A browser whose ImageDecoder cannot even answer falls back to createImageBitmap.
  }
  return decodeWithBitmap;
}
