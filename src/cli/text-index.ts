import { createReadStream } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { buildTextIndex, type TextIndexProgress } from '../core/text-index/builder.js';
import type { TextIndex } from '../core/text-index/format.js';
import { tesseractRecognizer, type TesseractWorkerLike, type TextRecognizer } from '../core/text-index/recognizer.js';
import { StreamedRecording } from '../core/text-index/recording-stream.js';
import { ErrorReason } from '../format/errors.js';
import { summarizeRecording } from '../format/summary.js';

const require = createRequire(import.meta.url);

/** The engine and language data come from the installed packages: nothing is fetched. */
export const OCR_ENGINE = 'tesseract.js 7.0.0 eng 4.0.0';

export interface IndexFileOptions {
  signal?: AbortSignal;
  onProgress?(progress: TextIndexProgress): void;
}

const readFile = (file: string) => createReadStream(file, { highWaterMark: 256 * 1024 }) as AsyncIterable<Uint8Array>;

/**
 * The text index of a recording file, computed in Node with the same builder the player's worker
 * runs. The file is read twice, streamed both times: first quickly for its length (what progress
 * is told against; a file that is no recording fails here, before the OCR engine starts), then as
 * the screens are read, so memory stays the same however long the recording. A damaged recording
 * is indexed as far as it reads; the error is thrown only when nothing of it could be read.
 */
export async function indexRecordingFile(file: string, options: IndexFileOptions = {}): Promise<{ index: TextIndex; readError?: Error }> {
  const summary = await summarizeRecording(readFile(file));
  const fatal = summary.errors.find((error) => error.reason === ErrorReason.ScreenTooLarge) ?? (summary.events === 0 ? summary.errors[0] : undefined);
  if (fatal) throw new Error(fatal.message);
  const recording = new StreamedRecording(readFile(file));
  const engine = await startNodeRecognizer();
  try {
    const source = { updates: recording.updates(), get durationMs() { return Math.max(summary.durationMs, recording.durationMs); } };
    const index = await buildTextIndex(source, engine.recognizer, options);
    const readError = recording.error;
    if (readError && recording.updatesRead === 0) throw readError;
    return { index, ...(readError && { readError }) };
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
