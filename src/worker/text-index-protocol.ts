import type { TextIndexProgress } from '../core/text-index/builder.js';
import type { TextSearchHit, TextSearchOptions } from '../core/text-index/search.js';

/** The builder's progress, as the page's side of the worker reports it. */
export type { TextIndexProgress as TextIndexBuildProgress };

/**
 * Where the OCR engine's files are, all served by the deployment (nothing is fetched from anyone
 * else): tesseract.js's ESM build and its worker script, the folder of tesseract.js-core's
 * `*.wasm.js` files, and the folder holding `eng.traineddata.gz` (@tesseract.js-data/eng 4.0.0).
 */
export interface TextSearchAssets {
  engine: string;
  worker: string;
  core: string;
  lang: string;
}

/**
 * The assets under one base URL (the `text-search-src` layout): `tesseract.esm.min.js`,
 * `worker.min.js`, `core/`, `lang/`. See docs/text-index.md.
 */
export function textSearchAssets(base: string): TextSearchAssets {
  const at = (path: string) => new URL(path, base.endsWith('/') ? base : `${base}/`).href;
  return { engine: at('tesseract.esm.min.js'), worker: at('worker.min.js'), core: at('core/'), lang: at('lang/') };
}

/** Page → text index worker. */
export type TextIndexRequest =
  /**
   * Reads the recording (URL or bytes) as it indexes it; progress comes as it goes, told against
   * `durationMs` (the player's `duration`; without it the recording is read once more first for it).
   */
  | { type: 'build'; source: string | Blob | ArrayBuffer; assets: TextSearchAssets; durationMs?: number }
  | { type: 'search'; id: number; query: string; options: TextSearchOptions }
  /** Holds recognition between two regions (the page is seeking: playback comes first), or lets it go on. */
  | { type: 'pause'; paused: boolean }
  | { type: 'cancel' };

/** Text index worker → page. */
export type TextIndexReply =
  | { type: 'progress'; progress: TextIndexProgress }
  | { type: 'done'; progress: TextIndexProgress }
  | { type: 'error'; name: string; message: string }
  /** Hits in what is indexed so far (up to `coveredMs`). */
  | { type: 'hits'; id: number; hits: TextSearchHit[]; coveredMs: number };
