import type { MediaErrorCode, ErrorReason } from '../format/errors.js';
import type { ReviewNotesChangeDetail } from './review-notes.js';

/** `error` of the element: `MediaError`'s `code` and `message`, plus the contract's `reason` and `partial`. */
export interface PlayerError {
  code: MediaErrorCode;
  message: string;
  reason: ErrorReason;
  /** Part of the recording decoded before the failure; that part stays playable and seekable. */
  partial: boolean;
}

/** A point of interest on the timeline (contract §3.2); `time` in seconds. */
export interface PlayerMarker {
  time: number;
  type: string;
  code: string;
  label: string;
  detail: Record<string, string | number | boolean>;
  /** On a shared-directory read or write marker: the file transfer it stands for (reads or writes of one file, grouped). */
  transfer?: PlayerTransfer;
}

/** Reads or writes of one file of a shared directory, grouped; times in seconds. */
export interface PlayerTransfer {
  path: string;
  /** `read`: the desktop read the file from the user's machine; `write`: it wrote the file there. */
  direction: 'read' | 'write';
  /** Bytes of all the operations. */
  bytes: number;
  count: number;
  /** Times of the first and the last operation. */
  start: number;
  end: number;
  /** Each read or write, as a marker of its own. */
  operations: PlayerMarker[];
}

/** `buffered` / `seekable`, shaped like `TimeRanges`. */
export interface TimeRangesLike {
  readonly length: number;
  start(index: number): number;
  end(index: number): number;
}

export interface CaptureFrameOptions {
  /** Image type, default `image/png`. */
  type?: string;
  /** 0–1, for lossy types. */
  quality?: number;
}

/** What `exportVideo()` renders, and how. */
export interface ExportVideoOptions {
  /** Seconds, like `currentTime`: where the video starts (default 0). */
  start?: number;
  /** Seconds: where it ends (default the end of the recording). */
  end?: number;
  /** `video/mp4` (H.264, default), `video/webm;codecs=vp9`, `video/webm;codecs=av1`, … */
  type?: string;
  /** Width in pixels, default the recorded width; the height keeps the aspect (even). */
  width?: number;
  /** Frame-rate cap, default 30: a frame is written only when the screen or the pointer changed. */
  fps?: number;
  /** How far the export is: `fraction` 0–1 of the video's duration, `frames` encoded so far. */
  onProgress?: (fraction: number, frames: number) => void;
  /** Aborting it cancels the export: the promise rejects with an `AbortError`. */
  signal?: AbortSignal;
}

/** A review note as `exportEvidence()` takes it (the shape of the player's review notes); times in seconds. */
export interface EvidenceNoteInput {
  id: string;
  time: number;
  /** Set for a note on a range. */
  endTime?: number;
  severity: 'info' | 'warning' | 'critical';
  text: string;
  /** When it was written: an ISO 8601 string, or Unix milliseconds. */
  created: string | number;
  author?: string;
}

/** What `exportEvidence()` bundles, and how it reports. */
export interface ExportEvidenceOptions {
  /** Seconds: where the range starts (default 0). */
  start?: number;
  /** Seconds: where it ends (default the end of the recording). */
  end?: number;
  /** The review notes; default the player's `reviewNotes`, else none. */
  notes?: readonly EvidenceNoteInput[];
  /** How far the bundle is, 0–1. */
  onProgress?: (fraction: number) => void;
  /** Aborting it cancels the bundle: the promise rejects with an `AbortError`, and nothing is made. */
  signal?: AbortSignal;
}

/** What `getVideoPlaybackQuality()` returns: `VideoPlaybackQuality`'s fields, counted in screen tiles. */
export interface PlaybackQuality {
  readonly creationTime: number;
  readonly totalVideoFrames: number;
  readonly droppedVideoFrames: number;
  readonly corruptedVideoFrames: number;
}

export type Fit = 'contain' | 'cover' | 'fill' | 'none';

/** The events of `<desktop-recording-player>`: those of any element, the media events, `marker` and `activitychange`. */
export interface DesktopRecordingPlayerEventMap extends HTMLElementEventMap {
  /** Playback crossed a marker. */
  marker: CustomEvent<PlayerMarker>;
  /** `activity` changed. */
  activitychange: Event;
  /** The text index searches read was loaded (or grew): how much of the recording it covers. */
  textindexprogress: CustomEvent<TextIndexProgress>;
  /** A review note was added, edited or deleted in the controls, or notes were imported. */
  reviewnoteschange: CustomEvent<ReviewNotesChangeDetail>;
}

/** `textindexprogress`'s detail: seconds of the recording the text index covers, of its length. */
export interface TextIndexProgress {
  covered: number;
  duration: number;
  /** The whole recording is indexed. */
  complete: boolean;
}
