/**
 * The playback vocabulary shared by the worker side (`core/`, `worker/`) and the element: media
 * event names, ready states and the state snapshot the worker sends after every change. DOM-free
 * and dependency-free apart from format types, so every layer may import it (like `format/`).
 */
import type { ErrorReason } from './format/errors.js';
import type { Marker, RecordingInfo } from './format/timeline.js';

/** Events the player fires, with the names and order of `HTMLMediaElement`, plus `marker`. */
export const MediaEvent = {
  LoadStart: 'loadstart',
  Progress: 'progress',
  DurationChange: 'durationchange',
  LoadedMetadata: 'loadedmetadata',
  LoadedData: 'loadeddata',
  CanPlay: 'canplay',
  CanPlayThrough: 'canplaythrough',
  Play: 'play',
  Playing: 'playing',
  Pause: 'pause',
  Waiting: 'waiting',
  Seeking: 'seeking',
  Seeked: 'seeked',
  TimeUpdate: 'timeupdate',
  RateChange: 'ratechange',
  Ended: 'ended',
  Error: 'error',
  /** Loading was cancelled from outside the player (`error.code` 1, no `error` event), as on `<video>`. */
  Abort: 'abort',
  Emptied: 'emptied',
  Resize: 'resize',
  /** Playback crossed a marker; the event's detail is the marker. */
  Marker: 'marker',
} as const;
export type MediaEvent = (typeof MediaEvent)[keyof typeof MediaEvent];

/** `HTMLMediaElement.readyState` values. */
export const ReadyState = {
  HaveNothing: 0,
  HaveMetadata: 1,
  HaveCurrentData: 2,
  HaveFutureData: 3,
  HaveEnoughData: 4,
} as const;
export type ReadyState = (typeof ReadyState)[keyof typeof ReadyState];

/** Values of the `preload` attribute. */
export const Preload = { None: 'none', Metadata: 'metadata', Auto: 'auto' } as const;
export type Preload = (typeof Preload)[keyof typeof Preload];

/** How a recording is to be played, fixed at load (the element's attributes at that moment). */
export interface PlaybackOptions {
  preload: Preload;
  autoplay: boolean;
  loop: boolean;
  /** The position playback starts at (`start-at`, `#t=`); clamped to the duration. */
  startAtMs: number;
  playbackRate: number;
  /** Quiet gaps longer than this play in this long (`idle-limit`; 0 = off). */
  idleLimitMs: number;
  /** The length when the source cannot tell it up front (`duration-hint`, server-paced websocket; 0 = none). */
  durationHintMs: number;
  /** Sent first on a playback websocket (`{"token": …}`); never put in a URL. */
  authToken?: string;
}

/** Speeds the player accepts; above 32× a screen recording is a blur, and tiles are coalesced anyway. */
export const PLAYBACK_RATE_RANGE = { min: 0.0625, max: 64 } as const;

export interface PlaybackError {
  reason: ErrorReason;
  /** In words a user understands: what went wrong and where. */
  message: string;
  /** True when part of the recording decoded before the failure; that part stays playable. */
  partial: boolean;
}

/** Everything the element shows, as the worker last knew it. Times in milliseconds. */
export interface PlaybackSnapshot {
  currentTimeMs: number;
  /** NaN before metadata; the whole length where the feed knows it early (the file's end read first), else it grows while a file streams in. */
  durationMs: number;
  paused: boolean;
  ended: boolean;
  seeking: boolean;
  readyState: ReadyState;
  playbackRate: number;
  /** Remote screen size at the current time; 0 before metadata. */
  videoWidth: number;
  videoHeight: number;
  /** The recording is loaded from 0 up to this time. */
  bufferedMs: number;
  /** Time ranges held beyond that, in order (parts read out of order for seeks): [start, end] ms each. */
  bufferedAheadMs: Array<[number, number]>;
  error: PlaybackError | null;
  recording: RecordingInfo;
  markers: Marker[];
  /** Wall-clock Unix ms of time 0 (the first screen event), when the file says. */
  startDateMs: number | null;
  /** Screen tiles that fell due while playing (`getVideoPlaybackQuality().totalVideoFrames`). */
  tilesDue: number;
  /** Of those, tiles never painted because a later tile covered them first (high speed, catching up). */
  tilesSkipped: number;
  /** Tiles whose image could not be decoded (skipped; the first one sets an `image-decode` error). */
  undecodableTiles: number;
  /**
   * The recording is still being written (its HTTP response said `x-recording-live: true`): the
   * duration is the live edge and grows, and playing waits there instead of ending. False again
   * once the stream ends (the session is over, `duration` is final).
   */
  live: boolean;
  /**
   * How the file is read out of order (its end first, for the whole duration at metadata):
   * `pending` until known (and for a websocket); `used` (the server answers HTTP Range requests);
   * `unsupported` (it does not, or the recording is still being written); `local` (a Blob, bytes,
   * a blob: or data: URL); `unreliable` (it answered a range wrongly: the file is only streamed).
   */
  rangeReads: RangeReadStatus;
  /** What `rangeReads` rests on, in words (what the server did, what the end read cost). */
  rangeReadsDetail: string;
  /**
   * Lowercase hex SHA-256 of the recording file, over its exact bytes in order: null until the whole
   * file was read (and for a websocket, which has no file).
   */
  recordingSha256: string | null;
}

export type RangeReadStatus = 'pending' | 'used' | 'unsupported' | 'local' | 'unreliable';

export function initialSnapshot(): PlaybackSnapshot {
  return {
    currentTimeMs: 0,
    durationMs: NaN,
    paused: true,
    ended: false,
    seeking: false,
    readyState: ReadyState.HaveNothing,
    playbackRate: 1,
    videoWidth: 0,
    videoHeight: 0,
    bufferedMs: 0,
    bufferedAheadMs: [],
    error: null,
    recording: {},
    markers: [],
    startDateMs: null,
    tilesDue: 0,
    tilesSkipped: 0,
    undecodableTiles: 0,
    live: false,
    rangeReads: 'pending',
    rangeReadsDetail: '',
    recordingSha256: null,
  };
}
