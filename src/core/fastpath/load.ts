// The fast-path decoder (bitmap codecs, RemoteFX, QOIZ with zstd) is a chunk of its own, loaded on
// the first update that needs it: a recording of PNG tiles never fetches it. (The one-file script
// inlines it.) The header scan (paint-rects.ts) stays in the worker: it indexes every PDU as it arrives.

let module: Promise<typeof import('./decoder.js')> | undefined;

/** The decoder module; the first call starts loading it, later ones share that load (a failed one is tried again). */
export function loadFastPathDecoder(): Promise<typeof import('./decoder.js')> {
  module ??= import('./decoder.js').catch((error: unknown) => {
    module = undefined;
    throw error;
  });
  return module;
}
