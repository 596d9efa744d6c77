// FastPathDecoder: one TS_FP_UPDATE_PDU at a time (the bytes of a TDP 29 message), fragments
// reassembled across PDUs, updates drawn on a framebuffer it owns (MS-RDPBCGR 2.2.9.1.2).

import { BitmapScratch, decodeBitmapUpdate, decodePaletteUpdate } from './bitmap.js';
import { ByteReader } from './byte-reader.js';
import { FastPathError, FastPathErrorReason, malformed, truncated } from './errors.js';
import { Framebuffer } from './framebuffer.js';
import { PointerCache, readColorPointer, readLargePointer } from './pointer.js';
import { RemoteFxDecoder, type RemoteFxState } from './remotefx.js';
import { decodeSurfaceCommands } from './surface.js';
import type { FastPathOutput, FramebufferView, PointerImage, PointerUpdate } from './types.js';

/** Update codes of TS_FP_UPDATE (updateHeader bits 0–3). */
export const FastPathUpdateCode = {
  Orders: 0x0,
  Bitmap: 0x1,
  Palette: 0x2,
  Synchronize: 0x3,
  SurfaceCommands: 0x4,
  PointerHidden: 0x5,
  PointerDefault: 0x6,
  PointerPosition: 0x8,
  ColorPointer: 0x9,
  CachedPointer: 0xa,
  NewPointer: 0xb,
  LargePointer: 0xc,
} as const;
export type FastPathUpdateCode = (typeof FastPathUpdateCode)[keyof typeof FastPathUpdateCode];

/** updateHeader bits 4–5. */
export const Fragmentation = { Single: 0, Last: 1, First: 2, Next: 3 } as const;

const UPDATE_NAMES: Record<number, string> = {
  0x0: 'orders',
  0x1: 'bitmap',
  0x2: 'palette',
  0x3: 'synchronize',
  0x4: 'surface commands',
  0x5: 'pointer hidden',
  0x6: 'pointer default',
  0x8: 'pointer position',
  0x9: 'color pointer',
  0xa: 'cached pointer',
  0xb: 'new pointer',
  0xc: 'large pointer',
};
const nameOf = (code: number): string => UPDATE_NAMES[code] ?? `update code 0x${code.toString(16)}`;

const FASTPATH_OUTPUT_ACTION_FASTPATH = 0;
const FASTPATH_OUTPUT_ENCRYPTED = 0x80;
const FASTPATH_OUTPUT_COMPRESSION_USED = 2;
const PACKET_COMPRESSED = 0x20;
/** RemoteFX's codec id as Teleport's (IronRDP) and FreeRDP's clients assign it. */
export const DEFAULT_REMOTEFX_CODEC_ID = 3;

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
  private readonly palette = new Uint32Array(256);
  private readonly scratch = new BitmapScratch();
  private fragments = new Uint8Array(0);
  private fragmentLength = 0;
  /** Update code of the open fragment run, -1 when none is open. */
  private fragmentCode = -1;

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
    return this.fragmentCode >= 0;
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
    this.fragmentCode = -1;
    this.fragmentLength = 0;
  }

  /** Decodes one TS_FP_UPDATE_PDU (fpOutputHeader first) and reports what changed. Never throws. */
  push(pdu: Uint8Array): FastPathOutput {
    const output: FastPathOutput = { dirty: [], errors: [] };
    try {
      this.readPdu(pdu, output);
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
    this.pointers.clear();
    for (const [index, image] of state.pointers) this.pointers.set(index, image);
    this.fragmentCode = -1;
    this.fragmentLength = 0;
  }

  private readPdu(pdu: Uint8Array, output: FastPathOutput): void {
    const reader = new ByteReader(pdu);
    const header = reader.u8('fpOutputHeader');
    if ((header & 0x03) !== FASTPATH_OUTPUT_ACTION_FASTPATH) throw malformed(`fpOutputHeader 0x${header.toString(16)} is not a fast-path action`);
    if (header & FASTPATH_OUTPUT_ENCRYPTED) throw new FastPathError(FastPathErrorReason.Unsupported, 'encrypted fast-path PDU');
    let length = reader.u8('length1');
    if (length & 0x80) length = ((length & 0x7f) << 8) | reader.u8('length2');
    if (length > pdu.length) throw truncated('fast-path PDU', length, pdu.length);
    if (length < reader.position) throw malformed(`fast-path PDU length ${length}`);
    if (length < pdu.length) output.errors.push(`malformed: fast-path PDU: ${pdu.length - length} bytes after its length ignored`);
    const updates = new ByteReader(pdu, reader.position, length);
    while (updates.remaining > 0) {
      const updateHeader = updates.u8('updateHeader');
      const code = updateHeader & 0x0f;
      const fragmentation = (updateHeader >> 4) & 0x03;
      const compression = (updateHeader >> 6) & 0x03;
      const compressionFlags = compression === FASTPATH_OUTPUT_COMPRESSION_USED ? updates.u8('compressionFlags') : 0;
      const size = updates.u16('update size');
      const data = updates.bytes(size, `${nameOf(code)} update`);
      if (compressionFlags & PACKET_COMPRESSED) {
        output.errors.push(`unsupported: ${nameOf(code)} update: bulk-compressed (MPPC flags 0x${compressionFlags.toString(16)})`);
        if (fragmentation !== Fragmentation.Single) this.closeFragments();
        continue;
      }
      this.reassemble(code, fragmentation, data, output);
    }
  }

  private reassemble(code: number, fragmentation: number, data: Uint8Array, output: FastPathOutput): void {
    if (fragmentation === Fragmentation.Single) {
      this.apply(code, data, output);
      return;
    }
    if (fragmentation === Fragmentation.First) {
      if (this.fragmentCode >= 0) output.errors.push(`malformed: ${nameOf(this.fragmentCode)} update: fragment run dropped, a new one began`);
      this.fragmentCode = code;
      this.fragmentLength = 0;
    } else if (this.fragmentCode < 0) {
      output.errors.push(`malformed: ${nameOf(code)} update: ${fragmentation === Fragmentation.Last ? 'last' : 'next'} fragment without a first`);
      return;
    } else if (this.fragmentCode !== code) {
      output.errors.push(`malformed: ${nameOf(code)} update: fragment inside a ${nameOf(this.fragmentCode)} fragment run; both dropped`);
      this.closeFragments();
      return;
    }
    if (!this.append(data)) {
      output.errors.push(`too-large: ${nameOf(code)} update: reassembled fragments exceed ${this.maxReassembly} bytes; dropped`);
      this.closeFragments();
      return;
    }
    if (fragmentation === Fragmentation.Last) {
      const whole = this.fragments.subarray(0, this.fragmentLength);
      this.closeFragments();
      this.apply(code, whole, output);
    }
  }

  /** Bound on a reassembled update: a screenful of 32 bpp pixels (at least 1 MiB) and headroom. */
  private get maxReassembly(): number {
    return Math.max(this.screen.width * this.screen.height * 4, 1 << 20) + 65536;
  }

  private append(data: Uint8Array): boolean {
    const needed = this.fragmentLength + data.length;
    if (needed > this.maxReassembly) return false;
    if (needed > this.fragments.length) {
      const grown = new Uint8Array(Math.min(this.maxReassembly, Math.max(needed, this.fragments.length * 2, 65536)));
      grown.set(this.fragments.subarray(0, this.fragmentLength));
      this.fragments = grown;
    }
    this.fragments.set(data, this.fragmentLength);
    this.fragmentLength = needed;
    return true;
  }

  private closeFragments(): void {
    this.fragmentCode = -1;
    this.fragmentLength = 0;
  }

  /** Applies one whole update; its errors go to `output.errors`. */
  private apply(code: number, data: Uint8Array, output: FastPathOutput): void {
    const reader = new ByteReader(data);
    const maxPixels = Math.max(this.screen.width * this.screen.height, 256 * 256);
    try {
      switch (code) {
        case FastPathUpdateCode.Orders:
          throw new FastPathError(FastPathErrorReason.Unsupported, 'drawing orders are not decoded');
        case FastPathUpdateCode.Bitmap:
          decodeBitmapUpdate(reader, { screen: this.screen, palette: this.palette, scratch: this.scratch, maxPixels, dirty: output.dirty, errors: output.errors });
          break;
        case FastPathUpdateCode.Palette:
          decodePaletteUpdate(reader, this.palette);
          break;
        case FastPathUpdateCode.Synchronize:
          break;
        case FastPathUpdateCode.SurfaceCommands:
          decodeSurfaceCommands(reader, {
            screen: this.screen,
            remoteFx: this.remoteFx,
            remoteFxCodecId: this.remoteFxCodecId,
            scratch: this.scratch,
            palette: this.palette,
            maxPixels,
            dirty: output.dirty,
            errors: output.errors,
          });
          break;
        case FastPathUpdateCode.PointerHidden:
          output.pointer = { kind: 'hidden' };
          break;
        case FastPathUpdateCode.PointerDefault:
          output.pointer = { kind: 'default' };
          break;
        case FastPathUpdateCode.PointerPosition:
          output.pointer = { kind: 'position', x: reader.u16('pointer x'), y: reader.u16('pointer y') };
          break;
        case FastPathUpdateCode.ColorPointer:
          output.pointer = this.cache(readColorPointer(reader, 24, this.palette));
          break;
        case FastPathUpdateCode.NewPointer: {
          const xorBpp = reader.u16('new pointer xorBpp');
          output.pointer = this.cache(readColorPointer(reader, xorBpp, this.palette));
          break;
        }
        case FastPathUpdateCode.LargePointer:
          output.pointer = this.cache(readLargePointer(reader, this.palette));
          break;
        case FastPathUpdateCode.CachedPointer: {
          const cacheIndex = reader.u16('cached pointer cacheIndex');
          const image = this.pointers.get(cacheIndex);
          if (!image) throw malformed(`pointer cache slot ${cacheIndex} is empty`);
          output.pointer = { kind: 'shape', image, cacheIndex };
          break;
        }
        default:
          throw new FastPathError(FastPathErrorReason.Unsupported, 'unknown update code');
      }
    } catch (error) {
      output.errors.push(describe(error, `${nameOf(code)} update`));
    }
  }

  private cache(pointer: { cacheIndex: number; image: PointerImage }): PointerUpdate {
    this.pointers.set(pointer.cacheIndex, pointer.image);
    return { kind: 'shape', image: pointer.image, cacheIndex: pointer.cacheIndex };
  }
}

/** An error line: FastPathErrors as `reason: where: detail`; anything else is a decoder bug, reported as `internal`. */
function describe(error: unknown, where: string): string {
  if (error instanceof FastPathError) return error.describe(where);
  return `internal: ${where}: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`;
}
