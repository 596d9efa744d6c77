// FastPathDecoder: one TS_FP_UPDATE_PDU at a time (the bytes of a TDP 29 message), fragments
// reassembled across PDUs, updates drawn on a framebuffer it owns (MS-RDPBCGR 2.2.9.1.2).

import { BitmapScratch, decodeBitmapUpdate, decodePaletteUpdate } from './bitmap.js';
import { ByteReader } from './byte-reader.js';
import { FastPathError, FastPathErrorReason, malformed } from './errors.js';
import { Framebuffer } from './framebuffer.js';
import { PointerCache, readColorPointer, readLargePointer } from './pointer.js';
import { RemoteFxDecoder, type RemoteFxState } from './remotefx.js';
import { decodeSurfaceCommands } from './surface.js';
import type { FastPathOutput, FramebufferView, PointerImage, PointerUpdate } from './types.js';
import { FastPathUpdateCode, Fragmentation, Reassembler, maxReassembly, nameOf, readUpdates } from './updates.js';

export { FastPathUpdateCode, Fragmentation } from './updates.js';
// The header scan rides in the same chunk (load.ts): a player needs both from the first fast-path update.
export { FastPathScanner } from './paint-rects.js';

/** RemoteFX's codec id as Teleport's (IronRDP) and FreeRDP's clients assign it. */
export const DEFAULT_REMOTEFX_CODEC_ID = 3;

/** How `push()` treats one PDU. */
export interface FastPathPushOptions {
  /**
   * False: keep only the state it carries (RemoteFX header blocks, palette, pointer cache and
   * shapes, fragments) and draw nothing — for a seek replaying an update that later ones paint
   * over. Default true.
   */
  paint?: boolean;
  /**
   * Areas later updates paint over entirely, as one byte per 64×64 cell of the screen (row-major,
   * `ceil(width / 64)` cells a row; non-zero = covered): RemoteFX tiles are not decoded where they
   * would only draw inside covered cells. What is drawn elsewhere is unchanged.
   */
  covered?: Uint8Array;
}

export interface FastPathDecoderOptions {
  /** The codec id the RDP client assigned to RemoteFX in its Bitmap Codecs capability set (default 3). */
  remoteFxCodecId?: number;
}

/**
 * What a seek has to give back besides pixels: RemoteFX header state (sent once per session), the
 * 8 bpp palette and the pointer cache. Structured-clonable; keep one with each keyframe.
 */
export interface FastPathDecoderState {
  remoteFx: RemoteFxState;
  palette: Uint32Array;
  pointers: [number, PointerImage][];
}

/**
 * Decodes RDP server fast-path output (Teleport 15–18 recordings: TDP 29 `fastPathPdu` after a
 * TDP 31 `connectionActivated`) onto an RGBA framebuffer it owns. `push()` never throws: a
 * malformed, truncated or unsupported update is listed in `errors` and skipped, and the decoder
 * goes on with the next one.
 */
export class FastPathDecoder {
  private screen: Framebuffer;
  private readonly remoteFx = new RemoteFxDecoder();
  private readonly remoteFxCodecId: number;
  private readonly pointers = new PointerCache();
  /**
   * The PDUs pushed start after the session's (a screen composed from parts read out of order):
   * pointer cache slots set before them are empty, and a cached pointer naming one makes the shape
   * unknown (`kind: 'unknown'`) instead of an error.
   */
  pointerCachePartial = false;
  private readonly palette = new Uint32Array(256);
  /**
   * The palette was set since the decoder began (a palette update, or restored state). With
   * `pointerCachePartial` and without it, the palette in effect was set before the PDUs pushed: an
   * 8 bpp pointer's colours would be wrong, so its shape is unknown.
   */
  private paletteKnown = false;
  private readonly scratch = new BitmapScratch();
  private readonly fragments = new Reassembler();

  constructor(width: number, height: number, options: FastPathDecoderOptions = {}) {
    this.screen = new Framebuffer(width, height);
    this.remoteFxCodecId = options.remoteFxCodecId ?? DEFAULT_REMOTEFX_CODEC_ID;
  }

  /** The screen. Replaced (not resized) by `reset()`: read it again after one. */
  get framebuffer(): FramebufferView {
    return this.screen;
  }

  /** A fragment run is open: the PDUs pushed so far end in the middle of an update. */
  get inFragment(): boolean {
    return this.fragments.open;
  }

  /** RemoteFX tiles decoded since construction (for measurements). */
  get tilesDecoded(): number {
    return this.remoteFx.tilesDecoded;
  }

  /**
   * Bytes of memory the decoder holds: framebuffer, scratch buffers (grown to the largest bitmap,
   * at most a screenful), the fragment buffer (at most a screenful of 32 bpp pixels plus 64 KiB,
   * or 1 MiB), the pointer cache (about 8 MiB at most) and RemoteFX's fixed 32 KiB.
   */
  get retainedBytes(): number {
    return this.screen.pixels.byteLength + this.scratch.byteLength + this.fragments.byteLength + this.pointers.byteLength + this.remoteFx.byteLength;
  }

  /**
   * A new screen (TDP 31 `connectionActivated`, sent again on reactivation): black, `width`×`height`;
   * an open fragment run is dropped. Codec state, palette and pointer cache are kept.
   * Throws RangeError for a size that is not 1–8192 pixels a side.
   */
  reset(width: number, height: number): void {
    this.screen = new Framebuffer(width, height);
    this.fragments.close();
  }

  /** Decodes one TS_FP_UPDATE_PDU (fpOutputHeader first) and reports what changed. Never throws. */
  push(pdu: Uint8Array, options: FastPathPushOptions = {}): FastPathOutput {
    const output: FastPathOutput = { dirty: [], pointers: [], errors: [] };
    try {
      this.readPdu(pdu, output, options.paint ?? true, options.covered);
    } catch (error) {
      output.errors.push(describe(error, 'fast-path PDU'));
    }
    return output;
  }

  /** The state a seek must restore besides pixels (copies). */
  saveState(): FastPathDecoderState {
    return { remoteFx: { ...this.remoteFx.state }, palette: this.palette.slice(), pointers: this.pointers.entries() };
  }

  /** Puts back state from `saveState()`; drops an open fragment run (a seek never starts inside one). */
  restoreState(state: FastPathDecoderState): void {
    this.remoteFx.state = { ...state.remoteFx };
    this.palette.set(state.palette.subarray(0, 256));
    this.paletteKnown = true;
    this.pointers.clear();
    for (const [index, image] of state.pointers) this.pointers.set(index, image);
    this.fragments.close();
  }

  private readPdu(pdu: Uint8Array, output: FastPathOutput, paint: boolean, covered: Uint8Array | undefined): void {
    readUpdates(
      pdu,
      output.errors,
      (code, fragmentation, data) => {
        const whole = this.fragments.push(code, fragmentation, data, maxReassembly(this.screen.width, this.screen.height), output.errors);
        if (whole) this.apply(code, whole, output, paint, covered);
      },
      (_code, fragmentation) => {
        if (fragmentation !== Fragmentation.Single) this.fragments.close();
      },
    );
  }

  /** Applies one whole update; its errors go to `output.errors`. */
  private apply(code: number, data: Uint8Array, output: FastPathOutput, paint: boolean, covered: Uint8Array | undefined): void {
    const reader = new ByteReader(data);
    const maxPixels = Math.max(this.screen.width * this.screen.height, 256 * 256);
    try {
      switch (code) {
        case FastPathUpdateCode.Orders:
          throw new FastPathError(FastPathErrorReason.Unsupported, 'drawing orders are not decoded');
        case FastPathUpdateCode.Bitmap:
          if (!paint) break;
          decodeBitmapUpdate(reader, { screen: this.screen, palette: this.palette, scratch: this.scratch, maxPixels, dirty: output.dirty, errors: output.errors });
          break;
        case FastPathUpdateCode.Palette:
          decodePaletteUpdate(reader, this.palette);
          this.paletteKnown = true;
          break;
        case FastPathUpdateCode.Synchronize:
          break;
        case FastPathUpdateCode.SurfaceCommands:
          decodeSurfaceCommands(reader, {
            screen: this.screen,
            remoteFx: this.remoteFx,
            remoteFxCodecId: this.remoteFxCodecId,
            paint,
            covered,
            scratch: this.scratch,
            palette: this.palette,
            maxPixels,
            dirty: output.dirty,
            errors: output.errors,
          });
          break;
        case FastPathUpdateCode.PointerHidden:
          this.point(output, { kind: 'hidden' });
          break;
        case FastPathUpdateCode.PointerDefault:
          this.point(output, { kind: 'default' });
          break;
        case FastPathUpdateCode.PointerPosition:
          this.point(output, { kind: 'position', x: reader.u16('pointer x'), y: reader.u16('pointer y') });
          break;
        case FastPathUpdateCode.ColorPointer:
          this.point(output, this.cache(readColorPointer(reader, 24, this.palette)));
          break;
        case FastPathUpdateCode.NewPointer: {
          const xorBpp = reader.u16('new pointer xorBpp');
          this.point(output, this.cache(readColorPointer(reader, xorBpp, this.palette), xorBpp));
          break;
        }
        case FastPathUpdateCode.LargePointer:
          // Its xorBpp is its first field.
          this.point(output, this.cache(readLargePointer(reader, this.palette), data[0]! | (data[1]! << 8)));
          break;
        case FastPathUpdateCode.CachedPointer: {
          const cacheIndex = reader.u16('cached pointer cacheIndex');
          const image = this.pointers.get(cacheIndex);
          if (image) this.point(output, { kind: 'shape', image, cacheIndex });
          else if (this.pointerCachePartial) this.point(output, { kind: 'unknown', cacheIndex });
          else throw malformed(`pointer cache slot ${cacheIndex} is empty`);
          break;
        }
        default:
          throw new FastPathError(FastPathErrorReason.Unsupported, 'unknown update code');
      }
    } catch (error) {
      output.errors.push(describe(error, `${nameOf(code)} update`));
    }
  }

  private point(output: FastPathOutput, update: PointerUpdate): void {
    output.pointer = update;
    output.pointers.push(update);
  }

  private cache(pointer: { cacheIndex: number; image: PointerImage }, xorBpp = 24): PointerUpdate {
    if (xorBpp === 8 && this.pointerCachePartial && !this.paletteKnown) {
      // Coloured by a palette set before the PDUs pushed: not drawn, nor cached (a later use of the slot is unknown too).
      this.pointers.forget(pointer.cacheIndex);
      return { kind: 'unknown', cacheIndex: pointer.cacheIndex };
    }
    this.pointers.set(pointer.cacheIndex, pointer.image);
    return { kind: 'shape', image: pointer.image, cacheIndex: pointer.cacheIndex };
  }
}

/** An error line: FastPathErrors as `reason: where: detail`; anything else is a decoder bug, reported as `internal`. */
function describe(error: unknown, where: string): string {
  if (error instanceof FastPathError) return error.describe(where);
  return `internal: ${where}: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`;
}
