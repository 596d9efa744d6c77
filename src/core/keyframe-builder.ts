// The background keyframe builder, a chunk of its own (`KeyframePolicy` loads it with each load's
// first build): the first frame never waits for it.
import { context2d } from './canvas.js';
import type { FastPathDecoder } from './fastpath/decoder.js';
import { loadFastPathDecoder } from './fastpath/load.js';
import type { DecodedImage } from './image-decode.js';
import type { KeyframeStore } from './keyframes.js';
import { planReplay, type ScreenTimeline, type ScreenUpdate } from './screen-timeline.js';
import type { TileBytesStore, TileImage } from './tile-bytes.js';

export interface KeyframeBuilderOptions {
  /** Tiles painted between two keyframes: a seek decodes at most this many after restoring one. */
  tilesApart: number;
  /** Fast-path updates between two keyframes (each is replayed by a seek; a full RemoteFX frame is ~18 ms). */
  fastPathUpdatesApart: number;
  /**
   * Where fast-path PDUs are read back from, with `readTransient`: bytes it returns at once may be a
   * buffer the next read fills again. The decoder is done with a PDU when `push` returns (fragments
   * are copied into its own reassembly buffer), so each is pushed before anything else can read.
   */
  tileBytes: Pick<TileBytesStore, 'readTransient'>;
  /** False while the player needs the decoder (seeking, catching up); building waits. */
  mayWork(): boolean;
  /** Waits `delayMs` (a timer; the builder never holds the thread for long). */
  sleep(delayMs: number): Promise<void>;
  /** Milliseconds on the clock the builder's work is timed on (it rests as long as it worked). */
  now(): number;
  /** A keyframe was made (`caughtUp` false), or everything loaded so far has its keyframes (true). */
  onProgress?(caughtUp: boolean): void;
}

/** How many PNG decodes the builder keeps in flight: fewer than playback, which comes first. */
const BUILDER_DECODES_IN_FLIGHT = 2;

/**
 * After each keyframe the builder rests this many times as long as building it took (waits for the
 * player not counted). Its tile decodes and PNG copies leave garbage that the worker collects only
 * now and then, much of it outside the worker's heap (a PNG copy's Blob is in the browser process):
 * at full speed, a few seconds of it piled up on what a long load left, and how long the builder
 * runs grows with the recording. Resting as long as it works halves that rate on any machine.
 */
const REST_PER_WORK = 1;

/**
 * Builds keyframes in the background, walking the timeline once from the start on a canvas of its
 * own: every `tilesApart` tiles it snapshots the screen into the store. It paints only the tiles
 * still visible at the next snapshot, and pauses whenever the player needs the decoder.
 */
export class KeyframeBuilder {
  private readonly context: OffscreenCanvasRenderingContext2D;
  private builtTo = 0;
  private width = 0;
  private height = 0;
  private running = false;
  private stopped = false;
  /** What `onProgress` last said about catching up. */
  private caughtUp = false;
  /** Fast-path recordings: the builder's own decoder, walking the PDUs in order. */
  private fastPath: FastPathDecoder | undefined;
  /** Time spent waiting for the player while building the current keyframe (not work). */
  private waitedMs = 0;

  constructor(
    private readonly canvas: OffscreenCanvas,
    private readonly timeline: ScreenTimeline,
    private readonly store: KeyframeStore,
    private readonly decodeTile: (png: TileImage) => Promise<DecodedImage>,
    private readonly options: KeyframeBuilderOptions,
  ) {
    this.context = context2d(this.canvas, { alpha: false });
  }

  /** More of the timeline arrived: build what can be built (no-op while already building). */
  wake(): void {
    if (this.running || this.stopped) return;
    this.running = true;
    void this.run().finally(() => (this.running = false));
  }

  stop(): void {
    this.stopped = true;
  }

  private reportCaughtUp(caughtUp: boolean): void {
    if (caughtUp === this.caughtUp) return;
    this.caughtUp = caughtUp;
    this.options.onProgress?.(caughtUp);
  }

  private async run(): Promise<void> {
    for (;;) {
      if (this.stopped) return;
      const started = this.options.now();
      this.waitedMs = 0;
      const end = this.nextEnd();
      if (end === undefined) return this.reportCaughtUp(true);
      // More arrived since it last caught up: it no longer has.
      this.reportCaughtUp(false);
      await this.paint(planReplay(this.timeline, this.builtTo, end, this.width, this.height));
      if (this.stopped) return;
      this.builtTo = end;
      // A fast-path keyframe carries the decoder's state, and never falls inside a fragment run.
      const decoderState = this.fastPath && !this.fastPath.inFragment ? this.fastPath.saveState() : undefined;
      if (this.width > 0 && (!this.fastPath || decoderState)) this.store.capture(this.canvas, end, this.timeline.at(end - 1).timeMs, decoderState);
      this.options.onProgress?.(false);
      this.caughtUp = false;
      // Between keyframes the thread is handed back, so requests and playback go first, and the
      // builder rests as long as it worked (REST_PER_WORK).
      await this.options.sleep(Math.max(0, Math.round((this.options.now() - started - this.waitedMs) * REST_PER_WORK)));
    }
  }

  /** Where the next keyframe goes: `tilesApart` tiles (or fast-path updates) on, if the timeline has them yet. */
  private nextEnd(): number | undefined {
    let tiles = 0;
    let fastPathUpdates = 0;
    for (let index = this.builtTo; index < this.timeline.length; index++) {
      const kind = this.timeline.at(index).kind;
      if (kind === 'tile' && ++tiles >= this.options.tilesApart) return index + 1;
      if (kind === 'fastpath' && ++fastPathUpdates >= this.options.fastPathUpdatesApart) return index + 1;
    }
    return undefined;
  }

  private async paint(plan: ScreenUpdate[]): Promise<void> {
    const decodes: Array<Promise<DecodedImage | undefined> | undefined> = plan.map(() => undefined);
    let next = 0;
    const startDecodes = (upTo: number): void => {
      for (; next < plan.length && next < upTo; next++) {
        const update = plan[next]!;
        // A tile that cannot be decoded is the player's to report; the builder paints around it.
        if (update.kind === 'tile') decodes[next] = this.decodeTile(update.png).catch(() => undefined);
      }
    };
    try {
      for (let index = 0; index < plan.length; index++) {
        const waitFrom = this.options.now();
        while (!this.options.mayWork() && !this.stopped) await this.options.sleep(50);
        this.waitedMs += this.options.now() - waitFrom;
        if (this.stopped) return;
        startDecodes(index + BUILDER_DECODES_IN_FLIGHT);
        const update = plan[index]!;
        if (update.kind === 'resize') {
          this.width = this.canvas.width = update.width;
          this.height = this.canvas.height = update.height;
          this.fastPath?.reset(update.width, update.height);
        } else if (update.kind === 'fastpath') {
          if (this.width === 0) continue;
          if (!this.fastPath) {
            // The decoder's module did not load: the player reports that; seeks replay from the start.
            const decoders = await loadFastPathDecoder().catch(() => undefined);
            if (!decoders) {
              this.stopped = true;
              return;
            }
            this.fastPath = new decoders.FastPathDecoder(this.width, this.height);
          }
          // A PDU that cannot be read or decoded is the player's to report; the builder goes on.
          let read: Uint8Array | Promise<Uint8Array> | undefined;
          try {
            read = this.options.tileBytes.readTransient(update.pdu);
          } catch {
            read = undefined;
          }
          // Bytes at hand are pushed without an await in between: they may be valid only until the next read.
          const pdu = read instanceof Uint8Array || read === undefined ? read : await read.catch(() => undefined);
          if (pdu) this.fastPath.push(pdu, { paint: !update.stateOnly, covered: update.covered });
        } else if (update.kind === 'tile') {
          const image = await decodes[index];
          decodes[index] = undefined;
          if (image) {
            this.context.drawImage(image, update.left, update.top);
            image.close();
          }
        }
      }
      if (this.fastPath && this.width > 0) {
        const { pixels, width, height } = this.fastPath.framebuffer;
        this.context.putImageData(new ImageData(pixels as Uint8ClampedArray<ArrayBuffer>, width, height), 0, 0);
      }
    } finally {
      // Stopped halfway: close what was decoded ahead.
      for (const pending of decodes) void pending?.then((image) => image?.close());
    }
  }
}
