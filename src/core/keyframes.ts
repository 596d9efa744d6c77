import { encodeSurface, type PaintSurface } from './canvas.js';
import type { FastPathDecoderState } from './fastpath/decoder.js';
import type { DecodedImage } from './image-decode.js';
import { countWhile } from './screen-timeline.js';
import type { TileImage } from './tile-bytes.js';

/**
 * Where PNG copies can go instead of Blobs (which the browser process holds, up to the whole
 * encoded budget): the recording's tile store, when it spills to a file on disk (`tile-bytes.ts`).
 */
export interface KeyframeBytes {
  readonly spillsToFile: boolean;
  /** Stores a PNG copy, over the bytes of copies freed before where it fits. */
  addReusable(bytes: Uint8Array): TileImage;
  read(image: TileImage): Uint8Array | Promise<Uint8Array>;
  /** A copy that is not read again (its keyframe went): its bytes may be written over. */
  free(image: TileImage): void;
}

/** A keyframe's PNG copy: a Blob, or bytes in a tile store's file (`home`); `size` in bytes. */
export type KeyframePng = { readonly image: Blob; readonly size: number } | { readonly image: TileImage; readonly size: number; readonly home: KeyframeBytes };

/** The composed remote screen after the first `end` updates of the timeline. */
export interface Keyframe {
  readonly end: number;
  readonly timeMs: number;
  readonly width: number;
  readonly height: number;
  /** Decoded copy while it is in the decoded cache (drawn in about 1 ms). */
  bitmap: ImageBitmap | undefined;
  /** Lossless PNG copy, once encoded (15–60 ms to decode a full-HD screen). */
  png: KeyframePng | undefined;
  /** No PNG copy is made: the keyframe lives only as long as its decoded copy stays cached. */
  readonly decodedOnly: boolean;
  /** Draws in progress; a pinned keyframe is never evicted. */
  pins: number;
  /** For fast-path recordings: the decoder's state at that moment (RemoteFX context, palette, pointers). */
  readonly decoderState?: FastPathDecoderState;
}

/** How far background keyframe building has come. */
export interface KeyframeProgress {
  /** Keyframes kept now. */
  count: number;
  /** The builder has walked everything loaded so far: it waits for more of the recording. */
  caughtUp: boolean;
}

export interface KeyframeBudget {
  /** Bytes of decoded screens kept (4 bytes per pixel); the least recently used go first. */
  decodedBytes: number;
  /** Bytes of PNG-encoded screens kept; over it, the keyframe closest to its neighbours goes. */
  encodedBytes: number;
}

/** About 4 full-HD screens decoded, and 64 MB of encoded ones (~150 screens of desktop content). */
export const DEFAULT_KEYFRAME_BUDGET: KeyframeBudget = { decodedBytes: 34 * 1024 * 1024, encodedBytes: 64 * 1024 * 1024 };

/**
 * Snapshots of the composed screen, so a seek repaints from the nearest one before the target
 * instead of from the start. Each is kept decoded (fast, large) and/or as PNG (small), within an
 * explicit memory budget.
 */
export class KeyframeStore {
  /** Ordered by `end`. */
  private frames: Keyframe[] = [];
  /** Keyframes holding a decoded bitmap, least recently used first. */
  private decoded: Keyframe[] = [];
  private decodedBytes = 0;
  private encodedBytes = 0;
  /** Where this load's PNG copies go when it has a file (`keepPngsIn`). */
  private pngHome: KeyframeBytes | undefined;

  constructor(private readonly budget: KeyframeBudget = DEFAULT_KEYFRAME_BUDGET) {}

  get count(): number {
    return this.frames.length;
  }

  /** A new load's keyframes keep their PNG copies in `home` while it spills to a file (else as Blobs). */
  keepPngsIn(home: KeyframeBytes | undefined): void {
    this.pngHome = home;
  }

  /** Memory held now, in bytes (encoded: their PNG copies, wherever they are). */
  get bytes(): { decoded: number; encoded: number } {
    return { decoded: this.decodedBytes, encoded: this.encodedBytes };
  }

  /** The latest keyframe with `after < end' ≤ end` (`after` = where the screen last changed size). */
  before(end: number, after: number): Keyframe | undefined {
    const keyframe = this.frames[countWhile(this.frames.length, (index) => this.frames[index]!.end <= end) - 1];
    return keyframe && keyframe.end > after ? keyframe : undefined;
  }

  has(end: number): boolean {
    return this.frames.some((keyframe) => keyframe.end === end);
  }

  /**
   * Keeps a snapshot of `canvas` as the screen after `end` updates. Both copies are taken now
   * (the canvas may change right after); encoding finishes in the background.
   */
  capture(canvas: PaintSurface, end: number, timeMs: number, decoderState?: FastPathDecoderState): void {
    if (canvas.width === 0 || this.has(end)) return;
    // Encoding runs on this thread (~20 ms for full HD): only background work does it.
    this.add({ end, timeMs, width: canvas.width, height: canvas.height, decoderState }, createImageBitmap(canvas), encodeSurface(canvas, 'image/png'));
  }

  /** Keeps a decoded-only snapshot (about 1 ms to take): for scrubbing back to where a seek just went. */
  captureDecoded(canvas: PaintSurface, end: number, timeMs: number): void {
    if (canvas.width === 0 || this.has(end)) return;
    this.add({ end, timeMs, width: canvas.width, height: canvas.height }, createImageBitmap(canvas), undefined);
  }

  /**
   * Keeps a keyframe whose copies are on their way. Without `encoded` it is decoded-only; a failed
   * copy drops it.
   */
  add(frame: Pick<Keyframe, 'end' | 'timeMs' | 'width' | 'height' | 'decoderState'>, decoded: Promise<ImageBitmap> | undefined, encoded: Promise<Blob> | undefined): void {
    if (!decoded && !encoded) return;
    const keyframe: Keyframe = { ...frame, bitmap: undefined, png: undefined, decodedOnly: encoded === undefined, pins: 0 };
    this.insert(keyframe);
    void decoded?.then(
      (image) => (this.frames.includes(keyframe) ? this.keepDecoded(keyframe, image) : image.close()),
      () => keyframe.decodedOnly && this.remove(keyframe),
    );
    const home = this.pngHome;
    void encoded
      ?.then(async (blob): Promise<KeyframePng | undefined> => {
        if (!home?.spillsToFile || !this.frames.includes(keyframe)) return { image: blob, size: blob.size };
        // Into the file: the Blob (held by the browser process) is let go.
        const bytes = new Uint8Array(await blob.arrayBuffer());
        return this.frames.includes(keyframe) ? { image: home.addReusable(bytes), size: bytes.length, home } : undefined;
      })
      .then(
        (png) => {
          if (!png || !this.frames.includes(keyframe)) return;
          keyframe.png = png;
          this.encodedBytes += png.size;
          this.fitEncoded();
          this.fitDecoded();
        },
        () => this.remove(keyframe),
      );
  }

  /** The keyframe's screen, decoding it if needed; pass it back with `release` once drawn. */
  async acquire(keyframe: Keyframe): Promise<DecodedImage> {
    keyframe.pins += 1;
    this.touch(keyframe);
    if (keyframe.bitmap) return keyframe.bitmap;
    if (!keyframe.png) throw new Error(`keyframe at ${keyframe.timeMs} ms is not ready`);
    const png = keyframe.png;
    const image = await createImageBitmap('home' in png ? new Blob([(await png.home.read(png.image)) as Uint8Array<ArrayBuffer>], { type: 'image/png' }) : png.image);
    // Another acquire may have decoded it meanwhile.
    if (keyframe.bitmap) {
      image.close();
      return keyframe.bitmap;
    }
    this.keepDecoded(keyframe, image);
    return image;
  }

  release(keyframe: Keyframe): void {
    keyframe.pins = Math.max(0, keyframe.pins - 1);
    this.fitDecoded();
  }

  /** True when `acquire` can start at once or after decoding a PNG (not while the first copy is still being made). */
  ready(keyframe: Keyframe): boolean {
    return keyframe.bitmap !== undefined || keyframe.png !== undefined;
  }

  clear(): void {
    for (const keyframe of this.decoded) keyframe.bitmap?.close();
    this.frames = [];
    this.decoded = [];
    this.decodedBytes = 0;
    this.encodedBytes = 0;
  }

  private insert(keyframe: Keyframe): void {
    if (this.has(keyframe.end)) return;
    let index = this.frames.length;
    while (index > 0 && this.frames[index - 1]!.end > keyframe.end) index -= 1;
    this.frames.splice(index, 0, keyframe);
  }

  private keepDecoded(keyframe: Keyframe, image: ImageBitmap): void {
    keyframe.bitmap?.close();
    keyframe.bitmap = image;
    this.decoded = this.decoded.filter((other) => other !== keyframe);
    this.decoded.push(keyframe);
    this.decodedBytes = this.decoded.reduce((sum, other) => sum + other.width * other.height * 4, 0);
    this.fitDecoded();
  }

  private touch(keyframe: Keyframe): void {
    const at = this.decoded.indexOf(keyframe);
    if (at < 0) return;
    this.decoded.splice(at, 1);
    this.decoded.push(keyframe);
  }

  private fitDecoded(): void {
    for (let index = 0; this.decodedBytes > this.budget.decodedBytes && index < this.decoded.length; ) {
      const keyframe = this.decoded[index]!;
      // A keyframe being drawn, or whose PNG copy is still encoding, stays.
      if (keyframe.pins > 0 || (!keyframe.png && !keyframe.decodedOnly)) {
        index += 1;
        continue;
      }
      if (keyframe.decodedOnly) {
        this.remove(keyframe);
        continue;
      }
      this.decoded.splice(index, 1);
      keyframe.bitmap!.close();
      keyframe.bitmap = undefined;
      this.decodedBytes -= keyframe.width * keyframe.height * 4;
    }
  }

  /** Over budget, thins the keyframes out where they are densest, so coverage stays even. */
  private fitEncoded(): void {
    while (this.encodedBytes > this.budget.encodedBytes) {
      let victim: Keyframe | undefined;
      let smallestGap = Infinity;
      for (let index = 0; index < this.frames.length; index++) {
        const keyframe = this.frames[index]!;
        if (keyframe.pins > 0 || !keyframe.png) continue;
        const gap = (this.frames[index + 1]?.end ?? Infinity) - (this.frames[index - 1]?.end ?? 0);
        if (gap < smallestGap) {
          smallestGap = gap;
          victim = keyframe;
        }
      }
      if (!victim) return;
      this.remove(victim);
    }
  }

  private remove(keyframe: Keyframe): void {
    this.frames = this.frames.filter((other) => other !== keyframe);
    if (keyframe.png) this.encodedBytes -= keyframe.png.size;
    // Its copy in the file is read no more: a later copy may take its place there.
    if (keyframe.png && 'home' in keyframe.png) keyframe.png.home.free(keyframe.png.image);
    keyframe.png = undefined;
    if (keyframe.bitmap) {
      this.decoded = this.decoded.filter((other) => other !== keyframe);
      this.decodedBytes -= keyframe.width * keyframe.height * 4;
      if (keyframe.pins === 0) keyframe.bitmap.close();
      keyframe.bitmap = undefined;
    }
  }
}
