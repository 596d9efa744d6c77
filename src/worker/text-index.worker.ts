/**
 * Builds a recording's text index in a worker of its own, apart from playback's: reads the
 * recording again, composes the screens and recognises their text with tesseract.js loaded from
 * the deployment's own URLs (see TextSearchAssets), and answers searches with what is done so far.
 */
import { buildTextIndex, type TextIndexProgress } from '../core/text-index/builder.js';
import type { TextIndex } from '../core/text-index/format.js';
import { tesseractRecognizer, type TextRecognizer, type TesseractWorkerLike } from '../core/text-index/recognizer.js';
import { recordingBytes } from '../core/text-index/recording-bytes.js';
import { StreamedRecording } from '../core/text-index/recording-stream.js';
import { searchTextIndex } from '../core/text-index/search.js';
import { summarizeRecording } from '../format/summary.js';
import type { TextIndexReply, TextIndexRequest, TextSearchAssets } from './text-index-protocol.js';

interface TesseractModule {
  createWorker(langs: string, oem: number, options: object): Promise<TesseractWorkerLike & { terminate(): Promise<unknown> }>;
}

/** Names what recognised the text in the index (the language data is @tesseract.js-data/eng 4.0.0). */
const ENGINE = 'tesseract.js 7.0.0 eng 4.0.0';
/** tesseract's LSTM engine only: the smaller core. */
const OEM_LSTM_ONLY = 1;

const scope = self as unknown as { postMessage(message: TextIndexReply): void; onmessage: ((event: MessageEvent<TextIndexRequest>) => void) | null };
const post = (message: TextIndexReply) => scope.postMessage(message);
let abort: AbortController | undefined;
let partial: () => TextIndex | undefined = () => undefined;
/** Set while the page holds recognition; resolved when it lets it go on. */
let held: { promise: Promise<void>; release(): void } | undefined;

scope.onmessage = ({ data }) => {
  if (data.type === 'build') void build(data.source, data.assets, data.durationMs);
  else if (data.type === 'cancel') {
    abort?.abort(new DOMException('text indexing was cancelled', 'AbortError'));
    hold(false);
  } else if (data.type === 'pause') hold(data.paused);
  else if (data.type === 'search') {
    const index = partial();
    post({ type: 'hits', id: data.id, hits: index ? searchTextIndex(index, data.query, data.options) : [], coveredMs: index?.coveredMs ?? 0 });
  }
};

async function build(source: string | Blob | ArrayBuffer, assets: TextSearchAssets, knownDurationMs: number | undefined): Promise<void> {
  abort?.abort();
  const controller = (abort = new AbortController());
  let engine: { terminate(): Promise<unknown> } | undefined;
  let last: TextIndexProgress | undefined;
  try {
    // The recording is streamed as the screens are read: memory stays the same however long it is.
    const { signal } = controller;
    const lengthMs = knownDurationMs ?? (await summarizeRecording(recordingBytes(source, signal))).durationMs;
    const recording = new StreamedRecording(recordingBytes(source, signal));
    controller.signal.throwIfAborted();
    await canCompileWebAssembly();
    const tesseract = ((await import(/* @vite-ignore */ assets.engine)) as { default: TesseractModule }).default;
    const worker = await tesseract.createWorker('eng', OEM_LSTM_ONLY, {
      workerPath: assets.worker, corePath: assets.core, langPath: assets.lang, gzip: true, workerBlobURL: false, cacheMethod: 'none',
    });
    engine = worker;
    controller.signal.throwIfAborted();
    const input = { updates: recording.updates(), get durationMs() { return Math.max(lengthMs, recording.durationMs); } };
    const index = await buildTextIndex(input, heldBetweenRegions(tesseractRecognizer(worker, ENGINE)), {
      signal: controller.signal,
      onProgress: (progress, snapshot) => {
        last = progress;
        let kept: TextIndex | undefined;
        partial = () => (kept ??= snapshot());
        post({ type: 'progress', progress });
      },
    });
    if (recording.error && recording.updatesRead === 0) throw recording.error;
    partial = () => index;
    post({ type: 'done', progress: last ?? { coveredMs: index.coveredMs, durationMs: index.durationMs, screens: 0, regions: 0, words: index.words.length } });
  } catch (error) {
    if (abort === controller) post({ type: 'error', name: error instanceof Error ? error.name : 'Error', message: error instanceof Error ? error.message : String(error) });
  } finally {
    await engine?.terminate();
  }
}

function hold(paused: boolean): void {
  if (paused) {
    if (held) return;
    let release = () => {};
    held = { promise: new Promise<void>((resolve) => (release = resolve)), release: () => release() };
  } else {
    held?.release();
    held = undefined;
  }
}

/** The recognizer, waiting before each region while the page holds recognition. */
function heldBetweenRegions(recognizer: TextRecognizer): TextRecognizer {
  return {
    engine: recognizer.engine,
    async recognize(screen, region) {
      while (held) await held.promise;
      return recognizer.recognize(screen, region);
    },
  };
}

/** The smallest WebAssembly module: a magic number and a version. */
const EMPTY_WASM_MODULE = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]);

/**
 * The OCR engine is WebAssembly. Where the Content-Security-Policy forbids compiling it, the
 * engine's own worker would wait forever; this says why at once instead (the engine's worker is
 * served by the same deployment, under the same policy as a rule).
 */
async function canCompileWebAssembly(): Promise<void> {
  try {
    await WebAssembly.compile(EMPTY_WASM_MODULE);
  } catch (error) {
    throw new Error(
      `the OCR engine cannot run here: WebAssembly may not be compiled (${error instanceof Error ? error.message : String(error)}). A Content-Security-Policy needs 'wasm-unsafe-eval' in script-src for text search.`,
    );
  }
}
