import { context2d, encodeSurface, type PaintSurface } from './canvas.js';
import type { FastPathDecoder, FastPathDecoderState } from './fastpath/decoder.js';
import { loadFastPathDecoder } from './fastpath/load.js';
import type { FramebufferView, PointerImage, PointerUpdate } from './fastpath/types.js';
import { isUndrawableCodecError } from './fastpath/scan-flags.js';
import { decodeWithBitmap, type DecodedImage } from './image-decode.js';
import type { Keyframe, KeyframeStore } from './keyframes.js';
import type { SeekPlan } from './scheduler.js';
import type { ScreenTimeline, ScreenUpdate } from './screen-timeline.js';
import type { TileImage } from './tile-bytes.js';

function readInMemory(bytes: TileImage): Uint8Array {
  if (!(bytes instanceof Uint8Array)) throw new Error('this renderer has no store to read stored screen updates from');
  return bytes;
}

function pointerShapeOf(image: PointerImage): { image: ImageData; hotspotX: number; hotspotY: number } {
  return { image: new ImageData(image.pixels as Uint8ClampedArray<ArrayBuffer>, image.width, image.height), hotspotX: image.hotspotX, hotspotY: image.hotspotY };
}

function decodeInMemory(png: TileImage): Promise<DecodedImage> {
  if (!(png instanceof Uint8Array)) return Promise.reject(new Error('this renderer has no tile store to read stored tiles from'));
  return decodeWithBitmap(png);
}

type TileUpdate = Extract<ScreenUpdate, { kind: 'tile' }>;
type FastPathUpdate = Extract<ScreenUpdate, { kind: 'fastpath' }>;

/** A whole screen put back at once (a keyframe): the canvas takes its size, then the image. */
export interface RestoreStep {
  kind: 'restore';
  width: number;
  height: number;
  /** Already decoding when queued. */
  image: Promise<DecodedImage>;
  /** Called once the image is drawn (or dropped): it belongs to its cache, not to the renderer. */
  done(): void;
  /** Fast-path recordings: the decoder's state at that moment, put back with the pixels. */
  decoderState?: FastPathDecoderState;
}

type RenderStep = ScreenUpdate | RestoreStep;

/**
 * What a renderer of its own (video export, thumbnails) reads from the playback session to rebuild
 * the screen at any time; it never changes any of it.
 */
export interface ReplaySource {
  timeline: ScreenTimeline;
  keyframes: KeyframeStore;
  decodeTile(png: TileImage): Promise<DecodedImage>;
  readBytes(bytes: TileImage): Uint8Array | Promise<Uint8Array>;
  /** A keyframe as a renderer step (pinned in the store until drawn). */
  restoreStep(keyframe: Keyframe): RestoreStep;
}

export interface RendererOptions {
  /** PNG decodes started ahead of the tile being painted; decoding, not drawing, is the cost. */
  decodesInFlight: number;
  /** Reads and decodes a tile's PNG. */
  decodeTile(png: TileImage): Promise<DecodedImage>;
  /**
   * Reads stored bytes (a fast-path PDU), each right before it is decoded: a store may answer in a
   * buffer its next read fills again (`TileBytesStore.readTransient`), since the decoder is done with
   * a PDU when `push` returns.
   */
  readBytes(bytes: TileImage): Uint8Array | Promise<Uint8Array>;
  /** A resize was painted (in time order with the tiles). */
  onScreenSize(width: number, height: number): void;
  /** A screen update (a tile's PNG, a fast-path update) could not be decoded; it is skipped. */
  onImageError(timeMs: number, error: unknown): void;
}

interface QueuedUpdate {
  update: RenderStep;
  /** Started for tiles near the head of the queue; resolves to undefined when the PNG is bad. */
  decoded?: Promise<DecodedImage | undefined>;
}

/** A click shows as a ring growing from the pointer's tip and fading out. */
const RIPPLE = { durationMs: 450, fromRadius: 4, toRadius: 22, lineWidth: 3, frameMs: 16 } as const;
const RIPPLE_COLORS = ['255 196 0', '0 170 255', '255 80 80'] as const; // left, middle, right button

// A classic arrow pointer, tip at (0, 0), in screen pixels.
const ARROW_POINTS: ReadonlyArray<readonly [number, number]> = [[0, 0], [0, 17], [4, 13], [7, 19], [10, 18], [7, 12], [12, 12]];
const ARROW_BOUNDS = { left: -2, top: -2, width: 16, height: 23 };

/**
 * Paints screen updates on two OffscreenCanvas layers: the remote screen (what `captureFrame`
 * returns) and, above it, the recorded pointer — kept apart so no captured frame holds a cursor.
 * Several PNG decodes run at once, but tiles are drawn strictly in time order.
 */
export class CanvasRenderer {
  private readonly screenContext: OffscreenCanvasRenderingContext2D;
  private readonly cursorContext: OffscreenCanvasRenderingContext2D;
  private readonly options: RendererOptions;
  private readonly arrow: Path2D;
  private queue: QueuedUpdate[] = [];
  private head = 0;
  /** Next queue slot whose decode has not started. */
  private decodeCursor = 0;
  private decoding = 0;
  /** Bumped by `clear()`, so work that was queued before it is dropped when it completes. */
  private generation = 0;
  private pumping = false;
  private idleWaiters: Array<() => void> = [];
  private pointer: { x: number; y: number } | undefined;
  /** The remote pointer's shape from fast-path pointer updates (the arrow when unset), or hidden. */
  private pointerShape: { image: ImageData; hotspotX: number; hotspotY: number } | undefined;
  private pointerHidden = false;
  /** The plan being shown does not know the pointer's shape before its own updates (`SeekPlan.pointerShapeUnknown`). */
  private pointerShapeUnknown = false;
  /** Decodes RDP fast-path updates (Teleport 15+); made at the first one. */
  private fastPath: FastPathDecoder | undefined;
  /** The decoder's module (a chunk), once the first fast-path update loaded it. */
  private fastPathModule: typeof import('./fastpath/decoder.js') | undefined;
  private fastPathImage: ImageData | undefined;
  /** What fast-path updates changed since the screen last showed the decoder's pixels. */
  private fastPathDirty: { left: number; top: number; right: number; bottom: number } | undefined;
  private ripple: { x: number; y: number; button: number; startedAt: number; timer?: ReturnType<typeof setTimeout> } | undefined;
  private painted = 0;

  constructor(
    private readonly screen: PaintSurface,
    private readonly cursor: PaintSurface,
    options: Partial<RendererOptions> = {},
  ) {
    this.options = { decodesInFlight: 4, decodeTile: decodeInMemory, readBytes: readInMemory, onScreenSize: () => {}, onImageError: () => {}, ...options };
    // An opaque screen starts black, like a monitor, and composites faster.
    this.screenContext = context2d(screen, { alpha: false });
    this.cursorContext = context2d(cursor);
    this.arrow = new Path2D();
    for (const [x, y] of ARROW_POINTS) this.arrow.lineTo(x, y);
    this.arrow.closePath();
  }

  get width(): number {
    return this.screen.width;
  }

  get height(): number {
    return this.screen.height;
  }

  /** Tiles drawn since this renderer was made (for playback-quality figures). */
  get paintedTiles(): number {
    return this.painted;
  }

  /** Tiles queued and not drawn yet: how far painting lags behind the clock. */
  get backlog(): number {
    return this.queue.length - this.head;
  }

  /** Keeps a decoded snapshot of the screen as it is now (call when idle, so it matches a timeline position). */
  keepKeyframe(store: KeyframeStore, end: number, timeMs: number): void {
    store.captureDecoded(this.screen, end, timeMs);
  }

  /**
   * Draws the screen and, over it, the pointer layer into `context`, scaled to the box given (a
   * video export's frame, which does show the pointer). Call when idle.
   */
  drawLayers(context: OffscreenCanvasRenderingContext2D, x: number, y: number, width: number, height: number): void {
    context.drawImage(this.screen, x, y, width, height);
    context.drawImage(this.cursor, x, y, width, height);
  }

  /** Queues updates after those already queued. */
  enqueue(updates: readonly RenderStep[]): void {
    if (updates.length === 0) return;
    for (const update of updates) this.queue.push({ update });
    void this.pump();
  }

  /**
   * Blanks both layers and rebuilds the screen from a seek plan (`Scheduler.seek`): the keyframe
   * through `restoreStep`, then the updates. Resolves once painted.
   */
  rebuild(plan: SeekPlan, restoreStep: (keyframe: Keyframe) => RestoreStep): Promise<void> {
    this.clear();
    // Hidden rather than the arrow or an older shape: it shows once the plan's updates set one.
    this.pointerShapeUnknown = this.pointerHidden = plan.pointerShapeUnknown ?? false;
    if (plan.keyframe) this.enqueue([restoreStep(plan.keyframe)]);
    this.enqueue(plan.updates);
    return this.whenIdle();
  }

  /** Drops queued work and blanks both layers (a seek is about to rebuild the screen). */
  clear(): void {
    this.generation += 1;
    for (let index = this.head; index < this.queue.length; index++) {
      const { update, decoded } = this.queue[index]!;
      if (update.kind === 'restore') void update.image.then(update.done, update.done);
      void decoded?.then((image) => image?.close());
    }
    this.queue = [];
    this.head = 0;
    this.decodeCursor = 0;
    this.decoding = 0;
    this.screenContext.fillStyle = '#000';
    this.screenContext.fillRect(0, 0, this.screen.width, this.screen.height);
    this.pointer = undefined;
    this.fastPathDirty = undefined;
    // A seek rebuilds the decoder's state too: from a keyframe's, or from nothing.
    this.fastPath = undefined;
    // Fast-path pointer shapes come back with the updates a seek replays.
    this.pointerShape = undefined;
    this.pointerHidden = false;
    this.pointerShapeUnknown = false;
    this.stopRipple();
    this.cursorContext.clearRect(0, 0, this.cursor.width, this.cursor.height);
  }

  /** Resolves once everything queued so far (and since) is painted. */
  whenIdle(): Promise<void> {
    if (!this.pumping && this.head === this.queue.length) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** The screen layer as an image file (PNG unless `type` says otherwise), after pending paints. */
  async capture(type = 'image/png', quality?: number): Promise<Blob> {
    await this.whenIdle();
    if (this.screen.width === 0 || this.screen.height === 0) {
      throw new DOMException('there is no screen to capture yet (the recording has not given its screen size)', 'InvalidStateError');
    }
    return encodeSurface(this.screen, type, quality);
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.head < this.queue.length) {
        this.startDecodes();
        const generation = this.generation;
        const item = this.queue[this.head]!;
        if (item.update.kind === 'restore') {
          await this.restore(item.update, generation);
          if (generation === this.generation) this.head += 1;
          continue;
        }
        if (item.update.kind === 'fastpath') {
          const decoders = await this.fastPathDecoders(item.update.timeMs);
          if (generation !== this.generation) continue;
          // Read now, not ahead, and pushed before anything else can read the store (no await between when it answers at once).
          const read = this.read(item.update);
          const pdu = read instanceof Uint8Array ? read : await read;
          if (generation !== this.generation) continue;
          this.head += 1;
          if (pdu && decoders) this.applyFastPath(item.update, pdu, decoders);
          // A run of updates (a seek replaying many) reaches the screen once, at its end.
          if (this.queue[this.head]?.update.kind !== 'fastpath') this.flushFastPath();
          continue;
        }
        if (item.update.kind !== 'tile') {
          this.head += 1;
          this.apply(item.update);
          continue;
        }
        const image = await item.decoded!;
        if (generation !== this.generation) {
          image?.close();
          continue;
        }
        this.head += 1;
        this.decoding -= 1;
        if (image) {
          this.screenContext.drawImage(image, item.update.left, item.update.top);
          image.close();
          this.painted += 1;
        }
      }
      this.queue = [];
      this.head = 0;
      this.decodeCursor = 0;
    } finally {
      this.pumping = false;
      for (const resolve of this.idleWaiters.splice(0)) resolve();
    }
  }

  private startDecodes(): void {
    this.decodeCursor = Math.max(this.decodeCursor, this.head);
    while (this.decoding < this.options.decodesInFlight && this.decodeCursor < this.queue.length) {
      const item = this.queue[this.decodeCursor++]!;
      if (item.update.kind !== 'tile') continue;
      this.decoding += 1;
      item.decoded = this.decode(item.update);
    }
  }

  private async restore(step: RestoreStep, generation: number): Promise<void> {
    let image: DecodedImage | undefined;
    try {
      image = await step.image;
    } catch {
      // The cache lost it (evicted before it was drawn): the tiles after it still paint.
    }
    // Without the decoder's module (it did not load), the next fast-path update tries again and says so.
    const decoders = step.decoderState ? await this.fastPathDecoders().catch(() => undefined) : undefined;
    if (generation === this.generation) {
      this.resize(step.width, step.height);
      if (image) this.screenContext.drawImage(image, 0, 0);
      if (image && step.decoderState && decoders) this.restoreFastPath(step.decoderState, step.width, step.height, decoders);
    }
    step.done();
  }

  private async decode(tile: TileUpdate): Promise<DecodedImage | undefined> {
    try {
      return await this.options.decodeTile(tile.png);
    } catch (error) {
      this.options.onImageError(tile.timeMs, error);
      return undefined;
    }
  }

  private read(update: FastPathUpdate): Uint8Array | Promise<Uint8Array | void> | undefined {
    const failed = (error: unknown) => this.options.onImageError(update.timeMs, error);
    try {
      const bytes = this.options.readBytes(update.pdu);
      return bytes instanceof Uint8Array ? bytes : bytes.catch(failed);
    } catch (error) {
      failed(error);
    }
  }

  /**
   * The fast-path decoder's module, loaded by the first update that needs it. One that cannot be
   * loaded is reported as that update's decode error (with `timeMs`; without, it throws).
   */
  private async fastPathDecoders(timeMs?: number): Promise<typeof import('./fastpath/decoder.js') | undefined> {
    if (this.fastPathModule) return this.fastPathModule;
    try {
      return (this.fastPathModule = await loadFastPathDecoder());
    } catch (error) {
      if (timeMs === undefined) throw error;
      this.options.onImageError(timeMs, new Error(`the fast-path decoder could not be loaded: ${error instanceof Error ? error.message : String(error)}`));
      return undefined;
    }
  }

  /** Puts the fast-path decoder where the keyframe was: its state, and the screen's pixels as its framebuffer. */
  private restoreFastPath(state: FastPathDecoderState, width: number, height: number, decoders: typeof import('./fastpath/decoder.js')): void {
    this.fastPath ??= new decoders.FastPathDecoder(width, height);
    this.fastPath.reset(width, height);
    this.fastPath.restoreState(state);
    this.fastPath.framebuffer.pixels.set(this.screenContext.getImageData(0, 0, width, height).data);
  }

  /** Runs one fast-path PDU through the decoder and copies what it changed onto the screen. */
  private applyFastPath(update: FastPathUpdate, pdu: Uint8Array, decoders: typeof import('./fastpath/decoder.js')): void {
    if (this.screen.width === 0) return;
    this.fastPath ??= new decoders.FastPathDecoder(this.screen.width, this.screen.height);
    this.fastPath.pointerCachePartial = this.pointerShapeUnknown;
    // A seek replays updates whose pixels are painted over later for their decoder state only.
    const output = this.fastPath.push(pdu, { paint: !update.stateOnly, covered: update.covered });
    // Codecs the player cannot draw were reported when the recording was read (the timeline's scan).
    const error = output.errors.find((line) => !isUndrawableCodecError(line));
    if (error) this.options.onImageError(update.timeMs, new Error(error));
    for (const { x, y, width, height } of output.dirty) {
      const area = this.fastPathDirty;
      this.fastPathDirty = area
        ? { left: Math.min(area.left, x), top: Math.min(area.top, y), right: Math.max(area.right, x + width), bottom: Math.max(area.bottom, y + height) }
        : { left: x, top: y, right: x + width, bottom: y + height };
    }
    if (output.dirty.length > 0) this.painted += 1;
    for (const pointer of output.pointers) this.applyPointerUpdate(pointer);
  }

  /** Copies the area fast-path updates changed from the decoder's framebuffer onto the screen. */
  private flushFastPath(): void {
    const area = this.fastPathDirty;
    if (!area || !this.fastPath) return;
    this.fastPathDirty = undefined;
    const image = this.framebufferImage(this.fastPath.framebuffer);
    this.screenContext.putImageData(image, 0, 0, area.left, area.top, area.right - area.left, area.bottom - area.top);
  }

  /** The decoder's pixels as ImageData, without copying them (remade when the decoder's screen is). */
  private framebufferImage(framebuffer: FramebufferView): ImageData {
    if (this.fastPathImage?.data !== framebuffer.pixels) {
      this.fastPathImage = new ImageData(framebuffer.pixels as Uint8ClampedArray<ArrayBuffer>, framebuffer.width, framebuffer.height);
    }
    return this.fastPathImage;
  }

  private applyPointerUpdate(update: PointerUpdate): void {
    this.erasePointer();
    switch (update.kind) {
      case 'position':
        this.pointer = { x: update.x, y: update.y };
        break;
      case 'shape':
        this.pointerShape = pointerShapeOf(update.image);
        this.pointerHidden = false;
        break;
      case 'hidden':
        this.pointerHidden = true;
        break;
      case 'default':
        this.pointerShape = undefined;
        this.pointerHidden = false;
        break;
      case 'unknown':
        this.pointerShape = undefined;
        this.pointerHidden = true;
        break;
    }
    this.drawPointer();
  }

  private apply(update: Exclude<ScreenUpdate, TileUpdate | FastPathUpdate>): void {
    if (update.kind === 'resize') {
      this.resize(update.width, update.height);
    } else if (update.kind === 'click') {
      this.startRipple(update.button);
    } else {
      this.erasePointer();
      this.pointer = { x: update.x, y: update.y };
      this.drawPointer();
    }
  }

  private startRipple(button: number): void {
    if (!this.pointer) return;
    this.stopRipple();
    this.ripple = { ...this.pointer, button, startedAt: performance.now() };
    this.drawRipple();
  }

  private drawRipple = (): void => {
    const ripple = this.ripple;
    if (!ripple) return;
    this.eraseRipple();
    // A clock that steps back (a test's, a page's) must not give a negative radius, which throws.
    const progress = Math.max(0, (performance.now() - ripple.startedAt) / RIPPLE.durationMs);
    if (progress >= 1) {
      this.ripple = undefined;
      this.drawPointer();
      return;
    }
    const context = this.cursorContext;
    context.save();
    context.beginPath();
    context.arc(ripple.x, ripple.y, RIPPLE.fromRadius + (RIPPLE.toRadius - RIPPLE.fromRadius) * progress, 0, 2 * Math.PI);
    context.lineWidth = RIPPLE.lineWidth;
    context.strokeStyle = `rgb(${RIPPLE_COLORS[ripple.button] ?? RIPPLE_COLORS[0]} / ${1 - progress})`;
    context.stroke();
    context.restore();
    this.drawPointer();
    ripple.timer = setTimeout(this.drawRipple, RIPPLE.frameMs);
  };

  private eraseRipple(): void {
    if (!this.ripple) return;
    const reach = RIPPLE.toRadius + RIPPLE.lineWidth;
    this.cursorContext.clearRect(this.ripple.x - reach, this.ripple.y - reach, 2 * reach, 2 * reach);
  }

  private stopRipple(): void {
    if (!this.ripple) return;
    clearTimeout(this.ripple.timer);
    this.eraseRipple();
    this.ripple = undefined;
  }

  private resize(width: number, height: number): void {
    this.stopRipple();
    // A new screen size restarts fast-path decoding there (TDP 31 ConnectionActivated).
    this.fastPath?.reset(width, height);
    this.fastPathDirty = undefined;
    // Setting the size clears a canvas, even to the same size: RDP repaints after a resize.
    this.screen.width = width;
    this.screen.height = height;
    this.cursor.width = width;
    this.cursor.height = height;
    this.drawPointer();
    this.options.onScreenSize(width, height);
  }

  private erasePointer(): void {
    if (!this.pointer) return;
    const shape = this.pointerShape;
    if (shape) {
      this.cursorContext.clearRect(this.pointer.x - shape.hotspotX, this.pointer.y - shape.hotspotY, shape.image.width, shape.image.height);
      return;
    }
    const { left, top, width, height } = ARROW_BOUNDS;
    this.cursorContext.clearRect(this.pointer.x + left, this.pointer.y + top, width, height);
  }

  private drawPointer(): void {
    if (!this.pointer || this.pointerHidden) return;
    if (this.pointerShape) {
      // The layer holds nothing but the pointer there, so its pixels (transparent ones too) go as they are.
      const { image, hotspotX, hotspotY } = this.pointerShape;
      this.cursorContext.putImageData(image, this.pointer.x - hotspotX, this.pointer.y - hotspotY);
      return;
    }
    const context = this.cursorContext;
    context.save();
    context.translate(this.pointer.x + 0.5, this.pointer.y + 0.5);
    context.fillStyle = '#fff';
    context.strokeStyle = '#000';
    context.lineWidth = 1;
    context.lineJoin = 'round';
    context.fill(this.arrow);
    context.stroke(this.arrow);
    context.restore();
  }
}
