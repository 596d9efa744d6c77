import type { PlaybackError } from '../../playback-state.js';
import { formatMs } from '../clock.js';
import type { Ingest } from '../ingest.js';
import type { ReplaySource } from '../renderer.js';
// Types only: the export code and mediabunny load with a dynamic import(), on the first export.
import type { ExportSource, VideoExportProgress, VideoExportSettings } from './video-export.js';

/** What an export needs of the session's current load. */
export interface ExportContext {
  /** Null without a source. */
  ingest(): Ingest | null;
  /** The feed delivers in real time: what has not arrived cannot be exported. */
  paced(): boolean;
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
 * Video exports of the current load (`video-export.ts`): each checks and clamps its range, waits
 * for the data to reach it, and renders on canvases of its own, so playback goes on meanwhile.
 * Aborting an export's signal, or a new load (`cancelAll`), cancels it.
 */
export class ExportRequests {
  private readonly running = new Set<AbortController>();

  constructor(private readonly context: ExportContext) {}

  async run(request: Partial<VideoExportSettings>, onProgress: (progress: VideoExportProgress) => void, signal: AbortSignal): Promise<Blob> {
    const controller = new AbortController();
    const cancel = (): void => controller.abort(signal.reason);
    if (signal.aborted) cancel();
    signal.addEventListener('abort', cancel, { once: true });
    this.running.add(controller);
    try {
      return await this.export(request, onProgress, controller.signal);
    } finally {
      signal.removeEventListener('abort', cancel);
      this.running.delete(controller);
    }
  }

  cancelAll(): void {
    for (const controller of this.running) controller.abort(new DOMException('a new load started', 'AbortError'));
  }

  private async export(request: Partial<VideoExportSettings>, onProgress: (progress: VideoExportProgress) => void, signal: AbortSignal): Promise<Blob> {
    const aborted = (): DOMException =>
      signal.reason instanceof DOMException && signal.reason.name === 'AbortError' ? signal.reason : new DOMException('the export was cancelled', 'AbortError');
    if (signal.aborted) throw aborted();
    const { context } = this;
    const ingest = context.ingest();
    if (!ingest) throw new DOMException('there is no recording to export (no source)', 'InvalidStateError');
    const wantedMs = request.endMs ?? Infinity;
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
      if (signal.aborted) throw aborted();
    }
    const error = context.error();
    if (error && !error.partial) throw new DOMException(error.message, 'InvalidStateError');
    const lengthMs = ingest.finished ? context.durationMs() : ingest.durationMs;
    for (const value of [request.startMs, request.endMs]) if (value !== undefined && !Number.isFinite(value)) throw new TypeError(`cannot export from or to ${value}`);
    const startMs = Math.min(Math.max(0, request.startMs ?? 0), lengthMs);
    const endMs = Math.min(Math.max(0, request.endMs ?? lengthMs), lengthMs);
    if (!(endMs > startMs)) throw new RangeError(`there is nothing to export from ${formatMs(startMs)} to ${formatMs(endMs)} (the recording lasts ${formatMs(lengthMs)})`);
    // Named with its folder: the one-file build replaces the module it finds at `/export/video-export.js`.
    const { exportVideo } = await import('../export/video-export.js');
    const source: ExportSource = { ...context.replaySource(), timeMap: ingest.idleTime, yield: context.yield };
    return exportVideo(source, { ...request, startMs, endMs }, { signal, onProgress });
  }
}
