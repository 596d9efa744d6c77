/** A screen rectangle in pixels; `x`/`y` is the top-left corner. */
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** A cursor image: straight (not premultiplied) RGBA rows, top-down, `width * height * 4` bytes. */
export interface PointerImage {
  width: number;
  height: number;
  hotspotX: number;
  hotspotY: number;
  pixels: Uint8ClampedArray;
}

/** What a pointer update asks the cursor layer to do. Never drawn into the framebuffer. */
export type PointerUpdate =
  /** Show this cursor image (new, color, large or cached pointer update; `cacheIndex` is its slot). */
  | { kind: 'shape'; image: PointerImage; cacheIndex: number }
  /** The server moved the pointer (screen coordinates of the hotspot). */
  | { kind: 'position'; x: number; y: number }
  /** Hide the cursor (TS_FP_SYSTEMPOINTERHIDDENATTRIBUTE). */
  | { kind: 'hidden' }
  /** Show the operating system's default arrow (TS_FP_SYSTEMPOINTERDEFAULTATTRIBUTE). */
  | { kind: 'default' }
  /**
   * The shape is not known: a cached pointer naming a slot that is empty because it was set before
   * the PDUs pushed (`FastPathDecoder.pointerCachePartial`), or an 8 bpp pointer coloured by a
   * palette set before them.
   */
  | { kind: 'unknown'; cacheIndex: number };

/** What one `push()` did: framebuffer areas that changed, pointer updates, problems met. */
export interface FastPathOutput {
  /** Changed areas, clipped to the screen, in drawing order; they may overlap. */
  dirty: Rect[];
  /** The last pointer update the PDU carried, if any. */
  pointer?: PointerUpdate;
  /** Every pointer update the PDU carried, in order (a PDU may hold several: a shape, then a position). */
  pointers: PointerUpdate[];
  /** One line per skipped update or rectangle, each starting with its reason (`truncated: …`). */
  errors: string[];
}

/** Read access to the decoder's screen: RGBA rows, top-down, `width * 4` bytes per row, alpha always 255. */
export interface FramebufferView {
  readonly width: number;
  readonly height: number;
  readonly pixels: Uint8ClampedArray;
}
