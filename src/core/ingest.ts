import { ErrorReason, RecordingError } from '../format/errors.js';
import type { RecordedEvent } from '../format/events.js';
import type { MarkerStore } from '../format/marker-store.js';
import { MAX_SCREEN_SIDE, TimelineBuilder, noteSessionEnd, type Marker, type RecordingInfo, type TimedEvent } from '../format/timeline.js';
import { ActivityTrack, type PaintRect } from './activity.js';
import { formatMs } from './clock.js';
import { undrawableCodecDetail } from './fastpath/scan-flags.js';
import { IdleTimeMap } from './idle-time.js';
import { ScreenTimeline, type ScreenUpdate } from './screen-timeline.js';
import { TileBytesStore, type TileImage } from './tile-bytes.js';

/**
 * Everything known about one loaded recording: the screen updates in time order (`timeline`,
 * with their bytes in `tileBytes`), the activity track and idle map, the markers and session
 * metadata, and how far the events reach. Events go in through `add` in recording order; a new
 * load makes a new ingest, so nothing of an old recording outlives it.
 */
export class Ingest {
  readonly timeline = new ScreenTimeline();
  readonly tileBytes = new TileBytesStore();
  readonly idleTime = new IdleTimeMap();
  /** Changed screen area per second; its active moments drive idle skipping. */
  readonly activity = new ActivityTrack((timeMs) => this.idleTime.addActivity(timeMs));
  /** Wall-clock Unix ms of time 0 (the first screen event), when the recording says. */
  startDateMs: number | null = null;
  private readonly builder = new TimelineBuilder();
  private metadataChanges = 0;
  /** Told of each screen update whose codec the player cannot draw, when it is read. */
  private readonly onUndrawable: (timeMs: number, error: Error) => void;
  private complete = false;

  /** Reads stored bytes (a tile's PNG, a fast-path PDU) back. */
  readonly readBytes = (bytes: TileImage): Uint8Array | Promise<Uint8Array> => this.tileBytes.read(bytes);

  constructor(hooks: { onUndrawable?: (timeMs: number, error: Error) => void } = {}) {
    this.onUndrawable = hooks.onUndrawable ?? (() => {});
  }

  /** Frees what the recording holds outside the heap (its spilled tile bytes); a new load or the end of the player. */
  close(): void {
    this.tileBytes.close();
  }

  /** The latest time of any event so far (the whole length once `finished`). */
  get durationMs(): number {
    return this.builder.durationMs;
  }

  /** Every marker as an object (made from the store on the first read after markers were added). */
  get markers(): Marker[] {
    return this.builder.markers;
  }

  /** The markers as the load keeps them: compact columns, read by index. */
  get markerStore(): MarkerStore {
    return this.builder.markerStore;
  }

  get recording(): RecordingInfo {
    return this.builder.recording;
  }

  /** Markers changed in place since the last call (transfers that grew): their indexes. */
  takeRevisedMarkers(): number[] {
    return this.builder.takeRevisedMarkers();
  }

  /** Bumped whenever the markers or the recording info may have changed. */
  get metadataVersion(): number {
    return this.metadataChanges;
  }

  /** Every event is in. */
  get finished(): boolean {
    return this.complete;
  }

  /**
   * Adds events in recording order. A screen larger than the player shows is refused
   * (`screen-too-large`) before anything is sized for it; what came before stays.
   */
  add(events: readonly RecordedEvent[]): void {
    for (const event of events) {
      if (this.startDateMs === null && event.event.case === 'desktopRecording' && event.timeMs !== undefined) this.startDateMs = event.timeMs;
      this.index(this.builder.add(event));
    }
  }

  /**
   * Session-end events read ahead from the end of the file: the recording's metadata they carry
   * (participants, whether it was recorded, start and end) is known before their turn.
   */
  noteSessionEnds(events: readonly RecordedEvent[]): void {
    for (const { event } of events) if (noteSessionEnd(this.builder.recording, event)) this.metadataChanges += 1;
  }

  /** No more events: those waiting for time 0 are placed, and the activity track and idle map close at the end. */
  finish(): void {
    if (this.complete) return;
    this.complete = true;
    this.index(this.builder.finish());
    this.activity.finish(this.builder.durationMs);
    // The end of the recording closes the last quiet gap (an idle tail plays in the limit too).
    this.idleTime.addActivity(this.builder.durationMs);
    this.metadataChanges += 1;
  }

  private index(placed: readonly TimedEvent[]): void {
    for (const { timeMs, event, screen } of placed) {
      if (event.event.case !== 'desktopRecording' || screen?.kind === 'notice') this.metadataChanges += 1;
      switch (screen?.kind) {
        case 'tile': {
          const { left, top, right, bottom, png } = screen;
          this.activity.addChange(timeMs, [screen], png);
          // The PNG is a view into a large inflated buffer: the store copies it out of the heap.
          this.timeline.add({ kind: 'tile', timeMs, left, top, right, bottom, png: this.tileBytes.add(png) });
          break;
        }
        case 'fastpath':
          // The timeline scans the PDU's headers for what it paints (seeks cull by it; activity measures it).
          this.addFastPath(this.timeline.fastPath(timeMs, this.tileBytes.add(screen.pdu), screen.pdu));
          break;
        case 'resize':
          this.addScreen(timeMs, screen.width, screen.height);
          break;
        case 'pointer':
          this.addInput({ kind: 'pointer', timeMs, x: screen.x, y: screen.y });
          break;
        case 'click':
          this.addInput({ kind: 'click', timeMs, button: screen.button });
          break;
      }
    }
  }

  private addInput(update: Extract<ScreenUpdate, { kind: 'pointer' | 'click' }>): void {
    this.timeline.add(update);
    this.activity.addInput(update.timeMs);
  }

  private addFastPath(update: Extract<ScreenUpdate, { kind: 'fastpath' }>): void {
    this.timeline.add(update);
    const rects: PaintRect[] = [];
    this.timeline.paintRects(update, (left, top, right, bottom) => rects.push({ left, top, right, bottom }));
    if (rects.length > 0) this.activity.addChange(update.timeMs, rects);
    else this.activity.addQuiet(update.timeMs);
    // A codec the player cannot draw is reported when read: the renderer draws nothing of it and says nothing.
    if (update.undrawableCodec !== undefined) this.onUndrawable(update.timeMs, new Error(undrawableCodecDetail(update.undrawableCodec)));
  }

  private addScreen(timeMs: number, width: number, height: number): void {
    if (width > MAX_SCREEN_SIDE || height > MAX_SCREEN_SIDE) {
      // Refused before any canvas is sized: 9000×9000 alone would be 324 MB of pixels.
      throw new RecordingError(
        ErrorReason.ScreenTooLarge,
        `the recorded screen is ${width}×${height} pixels at ${formatMs(timeMs)}; the player shows screens up to ${MAX_SCREEN_SIDE}×${MAX_SCREEN_SIDE}`,
      );
    }
    this.timeline.add({ kind: 'resize', timeMs, width, height });
    this.activity.setScreen(width, height);
  }
}
