import type { RecordingError } from '../../format/errors.js';
import type { RecordedEvent } from '../../format/events.js';
import type { DownloadEstimate } from './download-estimate.js';
import type { SeekPart, SeekPartSink } from './seek-reads.js';

/**
 * Where a recording's events come from: a file read front to back (`file-feed.ts`), a server that
 * paces them over a websocket (`socket-feed.ts`). Playback never asks which: it starts the feed,
 * tells it what the player does (`steer`) and which moment it needs (`want`), and takes what the
 * feed reports to its `FeedSink`. A feed that fetches by byte range plugs in as another one.
 */
export interface RecordingFeed {
  /**
   * The feed delivers in real time (a server paces it): at its edge the clock runs on, a moment
   * it has not delivered yet cannot be exported, and `duration-hint` stands for the length.
   */
  readonly paced: boolean;
  /** Starts delivering to `sink`; a closed feed never calls it again. */
  start(sink: FeedSink): void;
  /** What the player does now; a paced feed sends while playing, and paused, until enough is ahead. */
  steer(playback: FeedSteering): void;
  /**
   * The player needs the moment `timeMs`, which the feed has not delivered yet (a seek past the
   * delivered edge, a start position): a paced feed asks its server to go there; a random-access
   * feed fetches what that moment needs. A feed that reads front to back gets there on its own.
   */
  want(timeMs: number): void;
  /**
   * A random-access feed reads at most `maxParts` parts for a preview of `timeMs` (a hover
   * thumbnail of a moment not delivered yet) and hands them to `sink`; never in front of a seek,
   * which stops it (as `signal` does). Undefined when it reads nothing for it (no random access, a
   * seek reading); else resolves once it stopped reading.
   */
  preview?(timeMs: number, maxParts: number, sink: SeekPartSink, signal: AbortSignal): Promise<void> | undefined;
  /**
   * How far the download in order has read the file, and when it reaches a moment
   * (`download-estimate.ts`: the bytes still needed at the rate it advances), once known (a file
   * feed, its chunk loaded).
   */
  readonly downloadEstimate?: DownloadEstimate | undefined;
  /** Stops for good (a new load, or the player closed). */
  close(): void;
}

export interface FeedSteering {
  playing: boolean;
  rate: number;
  /** The playback position, and how far the feed's events reach (recording ms). */
  positionMs: number;
  deliveredMs: number;
}

/** What a feed reports to the session. */
export interface FeedSink {
  /** Events in recording order, each once. */
  events(events: RecordedEvent[]): void;
  /**
   * Resolves when the session takes more: a feed that reads as fast as it can waits for it (the
   * first frame and seeks are painted before more is read).
   */
  ready(): Promise<void> | undefined;
  /** The full length is known before its events are (the end of the file was read, a server said). */
  duration(ms: number): void;
  /**
   * Session-end events read ahead from the end of the file, for the recording's metadata
   * (participants, end time) before their turn; they are delivered again in order with the rest.
   */
  sessionEnds(events: RecordedEvent[]): void;
  /**
   * How the file can be read out of order, said once, before the first events: its end (and so
   * the duration) is read first where it can be.
   */
  rangeReads(status: RangeReadStatus, detail: string): void;
  /**
   * A part read out of order for a seek to `targetMs` (random access): the one holding the moment
   * first, then each one before it. Answers whether the part before it is wanted too.
   */
  seekPart?(targetMs: number, part: SeekPart): boolean;
  /**
   * The file's last part(s), decoded with its end (random access, before the first seek): what the
   * recording's screen updates look like, so seeks read parts only for a recording they can compose.
   */
  lastParts?(parts: readonly SeekPart[]): void;
  /**
   * Bytes read out of order (for seeks) that the feed no longer holds (its memory budget): the
   * stretches they held are not buffered any more, until the download in order brings them.
   */
  seekBytesDropped?(start: number, end: number): void;
  /** A part read for a seek did not decode; the seek waits for the download in order. */
  seekPartFailed?(error: RecordingError): void;
  /** The recording is still being written: its length grows, and playing waits at its edge. */
  live(): void;
  /** A live recording: everything written so far has been delivered. */
  caughtUp(): void;
  /**
   * Every event has been delivered. `fileSha256`: the lowercase hex SHA-256 of the file, when the
   * feed read every byte of it in order (a file feed; a websocket has no file to hash).
   */
  end(fileSha256?: string): void;
  /** Delivering failed; what was delivered before stays. */
  fail(error: unknown): void;
}

/**
 * `used`: the server answered Range requests (the end was read first); `unsupported`: it does not
 * serve ranges, or the recording is still being written; `local`: a Blob or bytes, all at hand;
 * `unreliable`: the server answered a range wrongly, so the file is read front to back only.
 */
export type RangeReadStatus = 'used' | 'unsupported' | 'local' | 'unreliable';
