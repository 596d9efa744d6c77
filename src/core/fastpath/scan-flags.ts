// What the worker's core knows of fast-path scans without loading them: the flags a scan sets and
// the wording for codecs the player cannot draw. The scanner and the decoder are a chunk (load.ts).

/** What a PDU does besides painting (`FastPathScan.flags`). */
export const ScanFlag = {
  /** Decoder state a seek must replay in order: a palette, or something a scan cannot place. */
  State: 1 << 0,
  /** RemoteFX TS_RFX_CHANNELS or TS_RFX_CONTEXT (sent once a session): later RemoteFX frames need them. */
  RemoteFxHeaders: 1 << 1,
  /** Paints with RemoteFX (so needs the header state in effect). */
  RemoteFx: 1 << 2,
  /** Sets the cursor's image or hides/shows it (the last one before a moment wins). */
  PointerShape: 1 << 3,
  /** Moves the cursor. */
  PointerPosition: 1 << 4,
  /** Writes one pointer cache slot (`pointerSlot`); several writes count as `State`. */
  PointerCache: 1 << 5,
  /** A fragment run is still open after this PDU: the next PDU belongs to the same update. */
  OpenAfter: 1 << 6,
  /** Surface bits of a codec the player cannot draw (`undrawableCodec`): nothing painted, reported when read. */
  UndrawableCodec: 1 << 7,
  /** Sets palette entries (with `State`). */
  Palette: 1 << 8,
  /** Paints 8 bpp bitmaps, whose colours are the palette in effect. */
  PaletteColors: 1 << 9,
} as const;
export type ScanFlag = (typeof ScanFlag)[keyof typeof ScanFlag];

/** Why surface bits of `codecId` are not drawn (the decoder's error and the player's report say the same). */
export const undrawableCodecDetail = (codecId: number): string =>
  `codec id 0x${codecId.toString(16).toUpperCase().padStart(2, '0')}, which the player cannot draw: it draws raw, RemoteFX and QOIZ`;

/**
 * Whether an error line is the decoder's for surface bits of a codec it cannot draw
 * (`unsupported: surface bits (codec 12, …): codec id 12`): the scan flags those as
 * `ScanFlag.UndrawableCodec`, so a player reports them when indexing instead.
 */
export const isUndrawableCodecError = (line: string): boolean => /^unsupported: surface bits \(codec \d+, [^)]*\): codec id \d+$/.test(line);
