import type { PlaybackError } from '../../playback-state.js';
import { formatMs } from '../clock.js';
import type { RecordingSource } from '../feeds/index.js';
import type { Ingest } from '../ingest.js';
import type { ReplaySource } from '../renderer.js';
// Types only: the export code and mediabunny (and the evidence bundle with its ZIP writer and
// SHA-256) load with a dynamic import(), on the first export.
import type { EvidenceNote } from './evidence-log.js';
import type { ExportSource, VideoExportProgress, VideoExportSettings } from './video-export.js';

/** What an evidence bundle is asked for (`evidence-bundle.ts`); times in recording milliseconds, default the whole recording. */
export interface EvidenceExportRequest {
  startMs?: number;
  endMs?: number;
  notes?: readonly EvidenceNote[];
  /** The recording's SHA-256 (hex) when the page has it. */
  recordingSha256?: string;
}

/** The AbortError an export rejects with when `signal` aborted: its reason when that is one. */
export function abortErrorOf(signal: AbortSignal): DOMException {
  return signal.reason instanceof DOMException && signal.reason.name === 'AbortError' ? signal.reason : new DOMException('the export was cancelled', 'AbortError');
}

/** What an export needs of the session's current load. */
export interface ExportContext {
  /** Null without a source. */
  ingest(): Ingest | null;
  /** The feed delivers in real time: what has not arrived cannot be exported. */
  paced(): boolean;
  /** What was loaded (an evidence bundle reads a file again for its hash); null without a source. */
  source(): RecordingSource | null;
  /** The file's SHA-256, taken while it was read; null until the whole file was, or where it could not be. */
  recordingSha256(): string | null;
  error(): PlaybackError | null;
  /** Duration and screen size are known (readyState ≥ 1). */
  hasMetadata(): boolean;
  /** The whole length once loaded. */
  durationMs(): number;
  /** Starts loading when it waits for the first play() (`preload="none"`). */
  startLoading(): void;
  /** Resolves once the data reaches `timeMs`, the recording is complete, or `signal` aborts. */
  dataAt(timeMs: number, signal: AbortSignal): Promise<void>;
  replaySource(): ReplaySource;
  yield(): Promise<void>;
}

/**
 * Video exports and evidence bundles of the current load (`video-export.ts`, `evidence-bundle.ts`):
 * each checks and clamps its range, waits for the data to reach it, and renders on canvases of its
 * own, so playback goes on meanwhile.
 * Aborting an export's signal, or a new load (`cancelAll`), cancels it.
 */
export class ExportRequests {
  private readonly running = new Set<AbortController>();

  constructor(private readonly context: ExportContext) {}

  run(request: Partial<VideoExportSettings>, onProgress: (progress: VideoExportProgress) => void, signal: AbortSignal): Promise<Blob> {
    return this.track(signal, (tracked) => this.export(request, onProgress, tracked));
  }

  /** Makes an evidence bundle of a range (`evidence-bundle.ts`, a chunk like the video export): a ZIP file. */
  runEvidence(request: EvidenceExportRequest, onProgress: (progress: VideoExportProgress) => void, signal: AbortSignal): Promise<File> {
    return this.track(signal, async (tracked) => (await import('./evidence-bundle.js')).exportEvidence(this.context, this, request, onProgress, tracked));
  }

  /** Runs an export with a signal of its own, which `signal` and `cancelAll()` abort. */
  private async track<T>(signal: AbortSignal, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    const cancel = (): void => controller.abort(signal.reason);
    if (signal.aborted) cancel();
    signal.addEventListener('abort', cancel, { once: true });
    this.running.add(controller);
    try {
      return await work(controller.signal);
    } finally {
      signal.removeEventListener('abort', cancel);
      this.running.delete(controller);
    }
  }

  cancelAll(): void {
    for (const controller of this.running) controller.abort(new DOMException('a new load started', 'AbortError'));
  }

  private async export(request: Partial<VideoExportSettings>, onProgress: (progress: VideoExportProgress) => void, signal: AbortSignal): Promise<Blob> {
    const { ingest, startMs, endMs } = await this.range(request, signal, false);
    // Named with its folder: the one-file build replaces the module it finds at `/export/video-export.js`.
    const { exportVideo } = await import('../export/video-export.js');
    const source: ExportSource = { ...this.context.replaySource(), timeMap: ingest.idleTime, yield: this.context.yield };
    return exportVideo(source, { ...request, startMs, endMs }, { signal, onProgress });
  }

  /**
   * Checks and clamps an export's range, and waits for the data to reach it (`whole`: for the
   * whole recording). Rejects where there is nothing to export, or it cannot be had.
   */
  async range(request: { startMs?: number; endMs?: number }, signal: AbortSignal, whole: boolean): Promise<{ ingest: Ingest; startMs: number; endMs: number }> {
    if (signal.aborted) throw abortErrorOf(signal);
    const { context } = this;
    const ingest = context.ingest();
    if (!ingest) throw new DOMException('there is no recording to export (no source)', 'InvalidStateError');
    const wantedMs = whole ? Infinity : (request.endMs ?? Infinity);
    if (!ingest.finished && context.paced() && wantedMs > ingest.durationMs) {
      throw new DOMException(
        `a server-paced playback websocket sends the recording in real time, so only what has arrived can be exported (up to ${formatMs(ingest.durationMs)} so far); export a range within that, or load the recording from its file to export all of it`,
        'InvalidStateError',
      );
    }
    context.startLoading();
    if (!ingest.finished && (wantedMs > ingest.durationMs || !context.hasMetadata())) {
      // A file still loading: wait for the range (or the end).
      await context.dataAt(wantedMs, signal);
      if (signal.aborted) throw abortErrorOf(signal);
    }
    const error = context.error();
    if (error && !error.partial) throw new DOMException(error.message, 'InvalidStateError');
    for (const value of [request.startMs, request.endMs]) if (value !== undefined && !Number.isFinite(value)) throw new TypeError(`cannot export from or to ${value}`);
    // A load that failed part way ended there: the length the end of the file gave was never loaded.
    if (error && (request.endMs ?? 0) > ingest.durationMs) {
      throw new DOMException(`the recording could not be loaded past ${formatMs(ingest.durationMs)} (${error.message}); export a range before that`, 'InvalidStateError');
    }
    const lengthMs = ingest.finished && !error ? context.durationMs() : ingest.durationMs;
    const startMs = Math.min(Math.max(0, request.startMs ?? 0), lengthMs);
    const endMs = Math.min(Math.max(0, request.endMs ?? lengthMs), lengthMs);
    if (!(endMs > startMs)) throw new RangeError(`there is nothing to export from ${formatMs(startMs)} to ${formatMs(endMs)} (the recording lasts ${formatMs(lengthMs)})`);
    return { ingest, startMs, endMs };
  }
}
