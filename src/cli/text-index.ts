import { createReadStream } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { loadFastPathDecoder } from '../core/fastpath/load.js';
import { Ingest } from '../core/ingest.js';
import { buildTextIndex, type TextIndexProgress } from '../core/text-index/builder.js';
import type { TextIndex } from '../core/text-index/format.js';
import { tesseractRecognizer, type TesseractWorkerLike, type TextRecognizer } from '../core/text-index/recognizer.js';
import { pumpRecording, RecordingReader } from '../format/reader.js';

const require = createRequire(import.meta.url);

/** The engine and language data come from the installed packages: nothing is fetched. */
export const OCR_ENGINE = 'tesseract.js 7.0.0 eng 4.0.0';

export interface IndexFileOptions {
  signal?: AbortSignal;
  onProgress?(progress: TextIndexProgress): void;
}

/**
 * The text index of a recording file, computed in Node with the same builder the player's worker
 * runs. A damaged recording is indexed as far as it reads; the error is thrown only when nothing
 * of it could be read.
 */
export async function indexRecordingFile(file: string, options: IndexFileOptions = {}): Promise<{ index: TextIndex; readError?: Error }> {
  // The timeline indexes fast-path updates with the scan in the decoder's module.
  await loadFastPathDecoder();
  const ingest = new Ingest();
  const reader = new RecordingReader();
  await pumpRecording(reader, createReadStream(file, { highWaterMark: 256 * 1024 }) as AsyncIterable<Uint8Array>, (events) => ingest.add(events));
  if (reader.error && ingest.timeline.length === 0) throw reader.error;
  ingest.finish();
  const engine = await startNodeRecognizer();
  try {
    const index = await buildTextIndex({ timeline: ingest.timeline, readBytes: ingest.readBytes, durationMs: ingest.durationMs }, engine.recognizer, options);
    return { index, ...(reader.error && { readError: reader.error }) };
  } finally {
    await engine.terminate();
  }
}

/** A tesseract.js worker thread with the installed English data, behind the TextRecognizer interface. */
export async function startNodeRecognizer(): Promise<{ recognizer: TextRecognizer; terminate(): Promise<void> }> {
  const { default: Tesseract } = await import('tesseract.js');
  const langPath = join(dirname(require.resolve('@tesseract.js-data/eng/package.json')), '4.0.0');
  const worker = await Tesseract.createWorker('eng', Tesseract.OEM.LSTM_ONLY, { langPath, gzip: true, cacheMethod: 'none' });
  return { recognizer: tesseractRecognizer(worker as unknown as TesseractWorkerLike, OCR_ENGINE), terminate: async () => void (await worker.terminate()) };
}
