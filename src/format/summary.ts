import type { ErrorReason } from './errors.js';
import type { RecordedEvent } from './events.js';
import { pumpRecording, RecordingReader, type ReaderOptions, type RecordingBytes } from './reader.js';
import { TimelineBuilder, type RecordingInfo } from './timeline.js';

/** What `desktop-recording inspect --json` prints (contract §6). */
export interface RecordingSummary {
  format: { version: number; parts: number };
  events: number;
  durationMs: number;
  screen: { width: number; height: number } | null;
  frames: number;
  /** Kind of screen data: `png` (Teleport ≤ 14), `fastpath` (RDP fast-path, 15+), both, or none. */
  screenData: 'png' | 'fastpath' | 'mixed' | 'none';
  markers: { timeMs: number; type: string; code: string; label: string }[];
  recording: RecordingInfo;
  errors: { reason: ErrorReason; message: string; atByte: number }[];
  /** Events skipped: repeated Metadata.Index, unknown event types, undecodable TDP messages. */
  skipped: { duplicates: number; unknownEvents: number; badMessages: number };
}

/** Reads a whole recording and sums it up; damage is reported in `errors`, never thrown. */
export async function summarizeRecording(
  source: RecordingBytes,
  options: Partial<ReaderOptions> = {},
): Promise<RecordingSummary> {
  const reader = new RecordingReader(options);
  const timeline = new TimelineBuilder();
  const kinds = new Set<'png' | 'fastpath'>();
  await pumpRecording(reader, source, (events: RecordedEvent[]) => {
    for (const event of events) {
      for (const placed of timeline.add(event)) {
        const kind = placed.screen?.kind;
        if (kind === 'tile') kinds.add('png');
        if (kind === 'fastpath') kinds.add('fastpath');
      }
    }
  });
  timeline.finish();
  const screen = timeline.screens[timeline.screens.length - 1];
  const error = reader.error;
  return {
    format: { version: reader.stats.version, parts: reader.stats.parts },
    events: reader.stats.events,
    durationMs: timeline.durationMs,
    screen: screen ? { width: screen.width, height: screen.height } : null,
    frames: timeline.frames,
    screenData: kinds.size === 2 ? 'mixed' : kinds.size === 1 ? [...kinds][0]! : 'none',
    markers: timeline.markers.map(({ timeMs, type, code, label }) => ({ timeMs, type, code, label })),
    recording: timeline.recording,
    errors: error ? [{ reason: error.reason, message: error.message, atByte: error.atByte }] : [],
    skipped: { duplicates: reader.stats.duplicates, unknownEvents: reader.stats.unknownEvents, badMessages: timeline.badMessages },
  };
}
