import type { PaintSurface } from './canvas.js';
import type { FastPathDecoderState } from './fastpath/decoder.js';
import type { DecodedImage } from './image-decode.js';
import { ScreenInflater } from './keyframe-pixels.js';
import { countWhile } from './screen-timeline.js';
import type { TileImage } from './tile-bytes.js';

/**
 * Where compressed copies go instead of this heap: the recording's tile store, when it spills to a
 * file on disk (`tile-bytes.ts`).
 */
export interface KeyframeBytes {
  readonly spillsToFile: boolean;
  add(bytes: Uint8Array): TileImage;
  read(image: TileImage): Uint8Array | Promise<Uint8Array>;
}

/**
 * A keyframe's lasting copy, its pixels deflated (`keyframe-pixels.ts`): bytes in this heap, or in a
 * tile store's file (`home`); `size` in bytes. Never a Blob, which the browser process would hold.
 */
export type KeyframeCopy = { readonly image: Uint8Array; readonly size: number } | { readonly image: TileImage; readonly size: number; readonly home: KeyframeBytes };

/** The composed remote screen after the first `end` updates of the timeline. */
export interface Keyframe {
  readonly end: number;
  readonly timeMs: number;
  readonly width: number;
  readonly height: number;
  /** Decoded copy while it is in the decoded cache (drawn in about 1 ms). */
  bitmap: ImageBitmap | undefined;
  /** Lossless compressed copy, once made (inflated and drawn again in about as long as a full-HD PNG decodes). */
  copy: KeyframeCopy | undefined;
  /** No compressed copy is made: the keyframe lives only as long as its decoded copy stays cached. */
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
  /** Bytes of compressed screens kept; over it, the keyframe closest to its neighbours goes. */
  encodedBytes: number;
}

/** About 4 full-HD screens decoded, and 64 MB of encoded ones (~150 screens of desktop content). */
export const DEFAULT_KEYFRAME_BUDGET: KeyframeBudget = { decodedBytes: 34 * 1024 * 1024, encodedBytes: 64 * 1024 * 1024 };

/**
 * Snapshots of the composed screen, so a seek repaints from the nearest one before the target
 * instead of from the start. Each is kept decoded (fast, large) and/or compressed (small), within an
 * explicit memory budget.
 */
export class KeyframeStore {
  /** Ordered by `end`. */
  private frames: Keyframe[] = [];
  /** Keyframes holding a decoded bitmap, least recently used first. */
  private decoded: Keyframe[] = [];
  private decodedBytes = 0;
  private encodedBytes = 0;
  /** Where this load's compressed copies go when it has a file (`keepCopiesIn`). */
  private copyHome: KeyframeBytes | undefined;
  private readonly inflater = new ScreenInflater();

  constructor(private readonly budget: KeyframeBudget = DEFAULT_KEYFRAME_BUDGET) {}

  get count(): number {
    return this.frames.length;
  }

  /** A new load's keyframes keep their compressed copies in `home` while it spills to a file (else in this heap, within the budget). */
  keepCopiesIn(home: KeyframeBytes | undefined): void {
    this.copyHome = home;
  }

  /** Bytes held now (encoded: their compressed copies, wherever they are). */
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

  /** Keeps a decoded-only snapshot (about 1 ms to take): for scrubbing back to where a seek just went. */
  captureDecoded(canvas: PaintSurface, end: number, timeMs: number): void {
    if (canvas.width === 0 || this.has(end)) return;
    this.add({ end, timeMs, width: canvas.width, height: canvas.height }, createImageBitmap(canvas), undefined);
  }

  /**
   * Keeps a keyframe whose copies are on their way. Without `encoded` it is decoded-only; a failed
   * copy drops it.
   */
  add(frame: Pick<Keyframe, 'end' | 'timeMs' | 'width' | 'height' | 'decoderState'>, decoded: Promise<ImageBitmap> | undefined, encoded: Promise<Uint8Array> | undefined): void {
    if (!decoded && !encoded) return;
    const keyframe: Keyframe = { ...frame, bitmap: undefined, copy: undefined, decodedOnly: encoded === undefined, pins: 0 };
    this.insert(keyframe);
    void decoded?.then(
      (image) => (this.frames.includes(keyframe) ? this.keepDecoded(keyframe, image) : image.close()),
      () => keyframe.decodedOnly && this.remove(keyframe),
    );
    const home = this.copyHome;
    void encoded?.then(
      (bytes) => {
        if (!this.frames.includes(keyframe)) return;
        // Into the file, out of every process's memory; else kept here, within the budget.
        keyframe.copy = home?.spillsToFile ? { image: home.add(bytes), size: bytes.length, home } : { image: bytes, size: bytes.length };
        this.encodedBytes += bytes.length;
        this.fitEncoded();
        this.fitDecoded();
      },
      // Not compressed (or not stored): seeks start from another keyframe, or from the last resize.
      () => this.remove(keyframe),
    );
  }

  /** The keyframe's screen, decoding it if needed; pass it back with `release` once drawn. */
  async acquire(keyframe: Keyframe): Promise<DecodedImage> {
    keyframe.pins += 1;
    this.touch(keyframe);
    if (keyframe.bitmap) return keyframe.bitmap;
    if (!keyframe.copy) throw new Error(`keyframe at ${keyframe.timeMs} ms is not ready`);
    const copy = keyframe.copy;
    let image: ImageBitmap;
    try {
      image = await this.inflater.inflate('home' in copy ? await copy.home.read(copy.image) : copy.image, keyframe.width, keyframe.height);
    } catch (error) {
      // A copy that no longer reads back or inflates (a damaged file): later seeks start elsewhere
      // (the caller still releases it).
      this.remove(keyframe);
      throw error;
    }
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

  /** True when `acquire` can start at once or after inflating its copy (not while the first copy is still being made). */
  ready(keyframe: Keyframe): boolean {
    return keyframe.bitmap !== undefined || keyframe.copy !== undefined;
  }

  clear(): void {
    for (const keyframe of this.decoded) keyframe.bitmap?.close();
    this.frames = [];
    this.decoded = [];
    this.decodedBytes = 0;
    this.encodedBytes = 0;
    this.inflater.clear();
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
      // A keyframe being drawn, or whose compressed copy is still being made, stays.
      if (keyframe.pins > 0 || (!keyframe.copy && !keyframe.decodedOnly)) {
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
        if (keyframe.pins > 0 || !keyframe.copy) continue;
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
    if (keyframe.copy) this.encodedBytes -= keyframe.copy.size;
    keyframe.copy = undefined;
    if (keyframe.bitmap) {
      this.decoded = this.decoded.filter((other) => other !== keyframe);
      this.decodedBytes -= keyframe.width * keyframe.height * 4;
      if (keyframe.pins === 0) keyframe.bitmap.close();
      keyframe.bitmap = undefined;
    }
  }
}
