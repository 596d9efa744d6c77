import { ErrorReason, RecordingError } from '../../format/errors.js';
import { RecordingReader, type RecordingBytes } from '../../format/reader.js';
import { MAX_SCREEN_SIDE, TimelineBuilder, type TimedEvent } from '../../format/timeline.js';
import { formatMs } from '../clock.js';
import type { ScreenUpdate } from '../screen-timeline.js';

/**
 * A recording's screen updates read as they are used: the text index builder takes one update at
 * a time, and the next part of the file is read (and inflated) only when it wants more. Nothing is
 * kept once used — no timeline, no tile store, not the file — so the memory a build needs is the
 * same for a minute or for hours: one part of the file, its events, and the builder's screen.
 */
export class StreamedRecording {
  private readonly reader = new RecordingReader();
  private readonly timeline = new TimelineBuilder();
  private updateCount = 0;
  private failure: Error | undefined;

  constructor(private readonly source: RecordingBytes) {}

  /** The latest time of any event read so far (the recording's length once `updates` has ended). */
  get durationMs(): number {
    return this.timeline.durationMs;
  }

  /** Screen updates read so far. */
  get updatesRead(): number {
    return this.updateCount;
  }

  /** What stopped the reading (the file is damaged there), once `updates` has ended; what came before it was given. */
  get error(): Error | undefined {
    return this.failure ?? this.reader.error;
  }

  /** The screen updates in time order; their bytes are views into the part being read (used at once). */
  async *updates(): AsyncGenerator<ScreenUpdate> {
    const { source, reader, timeline } = this;
    try {
      for await (const chunk of source instanceof Uint8Array ? [source] : source) {
        const { events, error } = await reader.push(chunk);
        for (const event of events) yield* this.screenUpdates(timeline.add(event));
        if (error) return;
      }
      for (const event of (await reader.end()).events) yield* this.screenUpdates(timeline.add(event));
      yield* this.screenUpdates(timeline.finish());
    } catch (error) {
      // A source that fails while it is read (a broken connection) ends the recording there, as damage does.
      if (error instanceof RecordingError && error.reason === ErrorReason.ScreenTooLarge) throw error;
      this.failure = error instanceof Error ? error : new Error(String(error));
    }
  }

  private *screenUpdates(placed: readonly TimedEvent[]): Generator<ScreenUpdate> {
    for (const { timeMs, screen } of placed) {
      let update: ScreenUpdate;
      switch (screen?.kind) {
        case 'tile':
          update = { kind: 'tile', timeMs, left: screen.left, top: screen.top, right: screen.right, bottom: screen.bottom, png: screen.png };
          break;
        case 'fastpath':
          // Without scan flags: the builder decodes every update in order anyway.
          update = { kind: 'fastpath', timeMs, pdu: screen.pdu };
          break;
        case 'resize':
          if (screen.width > MAX_SCREEN_SIDE || screen.height > MAX_SCREEN_SIDE) {
            // Refused before any screen is sized for it, as the player refuses it.
            throw new RecordingError(
              ErrorReason.ScreenTooLarge,
              `the recorded screen is ${screen.width}×${screen.height} pixels at ${formatMs(timeMs)}; the player shows screens up to ${MAX_SCREEN_SIDE}×${MAX_SCREEN_SIDE}`,
            );
          }
          update = { kind: 'resize', timeMs, width: screen.width, height: screen.height };
          break;
        default:
          // Pointer moves and clicks change no text.
          continue;
      }
      this.updateCount += 1;
      yield update;
    }
  }
}
