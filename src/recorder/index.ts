/**
 * `desktop-recording-player/recorder`: the recording-side shim (contract §5). DOM-free; runs in
 * Node and browsers; imports nothing from the player.
 */
import { MIN_UPLOAD_PART_BYTES } from '../format/container.js';
import { Recorder, type RecorderOptions } from './recorder.js';

export { Recorder, type RecorderOptions, type RecorderStats, type RecordingMode, type RecordingProtocol, type SessionInfo, type MessageSource, type SharedDirectoryEvent } from './recorder.js';
export { memorySink, writableStreamSink, fileSink, type RecorderSink, type MemorySink } from './sinks.js';
export { recordingPolicy, ClusterRecordingMode, type RecordingPolicy, type RoleRecordingOptions } from './policy.js';

/** Creates a recorder; `sink` and `session` are required, every other option has a default. */
export function createRecorder(options: Pick<RecorderOptions, 'sink' | 'session'> & Partial<RecorderOptions>): Recorder {
  return new Recorder({
    mode: 'async',
    protocol: 'tdp',
    partSize: MIN_UPLOAD_PART_BYTES,
    padParts: false,
    now: () => Date.now(),
    uploadAttempts: 5,
    retryDelayMs: 200,
    ...options,
  });
}
