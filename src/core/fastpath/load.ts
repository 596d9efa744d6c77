// The fast-path decoder (bitmap codecs, RemoteFX, QOIZ with zstd) and the header scan
// (paint-rects.ts) are a chunk of their own, loaded on the first update that needs them: a
// recording of PNG tiles never fetches it. (The one-file script inlines it.) A player loads it
// before it indexes a fast-path update (`fastPathModule()` then has it at hand, synchronously).

type FastPathModule = typeof import('./decoder.js');

let module: Promise<FastPathModule> | undefined;
let loaded: FastPathModule | undefined;

/** The decoder module; the first call starts loading it, later ones share that load (a failed one is tried again). */
export function loadFastPathDecoder(): Promise<FastPathModule> {
  module ??= import('./decoder.js').then(
    (decoder) => (loaded = decoder),
    (error: unknown) => {
      module = undefined;
      throw error;
    },
  );
  return module;
}

/** The decoder module once `loadFastPathDecoder()` has resolved; before that, an error that says so. */
export function fastPathModule(): FastPathModule {
  if (!loaded) throw new Error('the fast-path decoder is not loaded yet: await loadFastPathDecoder() before indexing fast-path updates');
  return loaded;
}
