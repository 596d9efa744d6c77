import { ErrorReason } from './errors.js';
import type { RecordedEvent } from './events.js';
import { pumpRecording, RecordingReader, type ReaderOptions, type RecordingBytes } from './reader.js';
import { MAX_SCREEN_SIDE, TimelineBuilder, type RecordingInfo } from './timeline.js';

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

/**
 * Reads a whole recording and sums it up; damage is reported in `errors`, never thrown. Besides
 * what the reader finds, a file that holds no events is an error (`not-a-recording`: there is
 * nothing to play), and so is a screen the player cannot show (`screen-too-large`).
 */
export async function summarizeRecording(
  source: RecordingBytes,
  options: Partial<ReaderOptions> = {},
): Promise<RecordingSummary> {
  const reader = new RecordingReader(options);
  const timeline = new TimelineBuilder();
  const kinds = new Set<'png' | 'fastpath'>();
  const errors: RecordingSummary['errors'] = [];
  let screenTooLarge = false;
  await pumpRecording(reader, source, (events: RecordedEvent[]) => {
    for (const event of events) {
      const screens = timeline.screens.length;
      for (const placed of timeline.add(event)) {
        const kind = placed.screen?.kind;
        if (kind === 'tile') kinds.add('png');
        if (kind === 'fastpath') kinds.add('fastpath');
      }
      // A new screen size (screen spec or connection activated): the first too large is reported.
      const last = timeline.screens[timeline.screens.length - 1];
      if (!screenTooLarge && last && timeline.screens.length > screens && (last.width > MAX_SCREEN_SIDE || last.height > MAX_SCREEN_SIDE)) {
        screenTooLarge = true;
        errors.push({
          reason: ErrorReason.ScreenTooLarge,
          message: `the recorded screen is ${last.width}×${last.height} pixels; the player shows screens up to ${MAX_SCREEN_SIDE}×${MAX_SCREEN_SIDE}`,
          atByte: event.partOffset,
        });
      }
    }
  });
  timeline.finish();
  const screen = timeline.screens[timeline.screens.length - 1];
  const error = reader.error;
  if (error) errors.unshift({ reason: error.reason, message: error.message, atByte: error.atByte });
  else if (reader.stats.events === 0) errors.push({ reason: ErrorReason.NotARecording, message: 'the recording holds no events', atByte: 0 });
  return {
    format: { version: reader.stats.version, parts: reader.stats.parts },
    events: reader.stats.events,
    durationMs: timeline.durationMs,
    screen: screen ? { width: screen.width, height: screen.height } : null,
    frames: timeline.frames,
    screenData: kinds.size === 2 ? 'mixed' : kinds.size === 1 ? [...kinds][0]! : 'none',
    markers: timeline.markers.map(({ timeMs, type, code, label }) => ({ timeMs, type, code, label })),
    recording: timeline.recording,
    errors,
    skipped: { duplicates: reader.stats.duplicates, unknownEvents: reader.stats.unknownEvents, badMessages: timeline.badMessages },
  };
}
