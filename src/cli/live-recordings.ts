/**
 * Recordings that are still being written, as `desktop-recording serve` serves them: something
 * that records (a recorder shim with a file sink, or the demo's synthetic live sessions) registers
 * its growing files through `LiveRecordings`; the server streams them as they grow (HTTP: chunked,
 * one complete part at a time; the playback websocket: as its store) and lists them as live.
 *
 * A growing file is read up to `committedBytes` only, the bytes of complete parts, so whatever a
 * follower has sent is always a whole number of parts; once `ended`, the rest is read and the
 * follower finishes.
 */
import { open, type FileHandle } from 'node:fs/promises';

/** One recording being written into `<DIR>/<file>`. */
export interface GrowingRecording {
  /** The file name in the recordings folder (`<sid>.tar`). */
  readonly file: string;
  /** Its path. */
  readonly path: string;
  /** Bytes of complete parts in the file. */
  readonly committedBytes: number;
  /** The recording will not grow any more. */
  readonly ended: boolean;
  /** Still being recorded (listed and served as live). */
  readonly live: boolean;
  /** How long the session is planned to run, ms, when known. */
  readonly plannedDurationMs?: number;
  /** Resolves at the next part written, at the end, or when `signal` aborts. */
  changed(signal?: AbortSignal): Promise<void>;
}

/** The growing recordings of one server, by file name. */
export interface LiveRecordings {
  get(file: string): GrowingRecording | undefined;
}

const READ_CHUNK_BYTES = 64 * 1024;

/**
 * The bytes of a growing recording as they are committed: waits for each new part and finishes
 * once the recording has ended and everything was read. Stops early when `signal` aborts.
 */
export async function* followRecording(recording: GrowingRecording, signal: AbortSignal): AsyncGenerator<Uint8Array> {
  let handle: FileHandle | undefined;
  let offset = 0;
  try {
    for (;;) {
      if (signal.aborted) return;
      const ended = recording.ended;
      const committed = recording.committedBytes;
      while (offset < committed) {
        handle ??= await open(recording.path, 'r');
        const buffer = Buffer.allocUnsafe(Math.min(READ_CHUNK_BYTES, committed - offset));
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, offset);
        if (bytesRead === 0) break;
        offset += bytesRead;
        yield buffer.subarray(0, bytesRead);
        if (signal.aborted) return;
      }
      if (ended && offset >= committed) return;
      // Parts written (or the end) while this read: their wake-up came before it waits, so look again first.
      if (offset < recording.committedBytes || recording.ended) continue;
      await recording.changed(signal);
    }
  } finally {
    await handle?.close();
  }
}
