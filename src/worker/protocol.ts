/**
 * The messages between the element's thread and the player worker. Requests carry an id and get
 * exactly one response with that id. The worker also sends a notification (no id) with every media
 * event it fires, carrying the state as it was then, so the page never guesses state; the
 * recording's metadata (session info, markers) goes in a message of its own, only when it changed,
 * and the worker client puts the two back together into one snapshot per event. Markers only grow
 * during a load (a transfer's marker grows in place as reads join it), so each metadata message
 * carries only those added since the last one, and those changed: a recording with 100,000 markers
 * sends each once, not the growing list again with every event. They cross as columns (times,
 * kinds and message indexes in transferred typed arrays, and the string table's new strings), not
 * as objects: the page keeps them so (`page-markers.ts`) and makes the objects only when read.
 */
import type { ApproximateRequest, ApproximateScreen } from '../core/approximate-screen.js';
import type { EvidenceNote } from '../core/export/evidence-log.js';
import type { KeyframeProgress } from '../core/keyframes.js';
import type { TextSearchHit, TextSearchOptions } from '../core/text-index/search.js';
import type { ErrorReason } from '../format/errors.js';
import type { MarkerColumns } from '../format/marker-store.js';
import type { Marker } from '../format/timeline.js';
import type { MediaEvent, PlaybackOptions, PlaybackSnapshot } from '../playback-state.js';

export type { PlaybackSnapshot } from '../playback-state.js';
export type { KeyframeProgress } from '../core/keyframes.js';
export type { ApproximateRequest, ApproximateScreen } from '../core/approximate-screen.js';

/** The kinds of message that cross the boundary. */
export const MessageType = {
  Request: 'request',
  Response: 'response',
  /** A media event, with the state as it was when it fired (`EngineEventMessage`). */
  Event: 'event',
  /** The recording's metadata changed (`MetadataMessage`): sent before the event that first shows it. */
  Metadata: 'metadata',
  /** How far a running video export or evidence bundle is (`ExportProgressMessage`). */
  ExportProgress: 'exportProgress',
  /** The activity track changed (`ActivityMessage`); kept out of the snapshots, it is sent on its own. */
  Activity: 'activity',
  /** Background keyframe building went on (`KeyframesMessage`). */
  Keyframes: 'keyframes',
} as const;
export type MessageType = (typeof MessageType)[keyof typeof MessageType];

/** What the page can ask the worker to do. */
export const RequestMethod = {
  /** Hands over the canvases (transferred, once). */
  Attach: 'attach',
  Load: 'load',
  Play: 'play',
  Pause: 'pause',
  Seek: 'seek',
  SetRate: 'setRate',
  SetLoop: 'setLoop',
  /** Seeks to the previous or next screen change. */
  StepScreen: 'stepScreen',
  SetIdleLimit: 'setIdleLimit',
  CaptureFrame: 'captureFrame',
  /** The screen at a time, small (the seek slider's hover tooltip); null where there is none. */
  Thumbnail: 'thumbnail',
  /** While a seek waits for the download: what is knowable of the screen there, marked approximate (`core/approximate-screen.ts`). */
  ApproximateScreen: 'approximateScreen',
  /** Renders a range into a video file (progress comes as `ExportProgress` messages with its `exportId`). */
  ExportVideo: 'exportVideo',
  /** Makes an evidence bundle (a ZIP) of a range; progress and cancellation as for `ExportVideo`. */
  ExportEvidence: 'exportEvidence',
  /** Cancels the export with that `exportId`; it rejects with an AbortError. */
  CancelExport: 'cancelExport',
  /** Searches the text on the screen, in the sidecar text index at `indexUrl` (loaded once). */
  SearchText: 'searchText',
  /** Stops loading and playback for good (an in-page engine has no worker to terminate). */
  Dispose: 'dispose',
} as const;
export type RequestMethod = (typeof RequestMethod)[keyof typeof RequestMethod];

/** A recording to load: an absolute URL, or bytes (a Blob is cloned, an ArrayBuffer copied). */
export type SourceParam = string | Blob | ArrayBuffer | null;

export interface LoadParams extends PlaybackOptions {
  source: SourceParam;
}

/** A video export: times in recording milliseconds (default the whole recording); see `core/export/video-export.ts`. */
export interface ExportVideoParams {
  /** Chosen by the page, so progress and cancellation can name the export before it answers. */
  exportId: number;
  startMs?: number;
  endMs?: number;
  /** `video/mp4` (H.264, default), `video/webm` (VP9), `video/webm;codecs=av1`, … */
  type?: string;
  width?: number;
  fps?: number;
}

/** An evidence bundle (`core/export/evidence-bundle.ts`): times in recording milliseconds, default the whole recording. */
export interface ExportEvidenceParams {
  /** As for a video export: progress and cancellation name it. */
  exportId: number;
  startMs?: number;
  endMs?: number;
  notes: EvidenceNote[];
  /** The recording's SHA-256 (hex) when the page has it; else the worker reads the file again for it. */
  recordingSha256?: string;
}

/** A search of the screen's text (`TextSearchOptions` besides the query and the index). */
export interface SearchTextParams extends TextSearchOptions {
  /** Absolute URL of the recording's text index (`*.text.json`); empty: none (NotSupportedError). */
  indexUrl: string;
  query: string;
}

export interface SearchTextResult {
  hits: TextSearchHit[];
  /** How much of the recording the index covers (`textindexprogress`'s detail), when it was just loaded. */
  progress?: { covered: number; duration: number; complete: boolean };
}

export type { EvidenceNote, TextSearchHit, TextSearchOptions };

/** Parameters and result of each request. */
export interface RequestSignatures {
  /** OffscreenCanvases (transferred); the in-page engine in a browser without OffscreenCanvas gets the canvas elements. */
  attach: { params: { screen: OffscreenCanvas | HTMLCanvasElement; cursor: OffscreenCanvas | HTMLCanvasElement }; result: void };
  load: { params: LoadParams; result: void };
  play: { params: void; result: void };
  pause: { params: void; result: void };
  seek: { params: { timeMs: number }; result: void };
  setRate: { params: { rate: number }; result: void };
  setLoop: { params: { loop: boolean }; result: void };
  stepScreen: { params: { direction: 1 | -1 }; result: void };
  setIdleLimit: { params: { idleLimitMs: number }; result: void };
  captureFrame: { params: { type?: string; quality?: number }; result: Blob };
  /** `width` in pixels (the height keeps the screen's aspect ratio); the bitmap is transferred. */
  thumbnail: { params: { timeMs: number; width: number }; result: ImageBitmap | null };
  /** Null at a time already read, or while a seek reads parts (ask again). */
  approximateScreen: { params: ApproximateRequest; result: ApproximateScreen | null };
  exportVideo: { params: ExportVideoParams; result: Blob };
  /** A ZIP named `<session-id>-evidence-<hh-mm-ss>-<hh-mm-ss>.zip`. */
  exportEvidence: { params: ExportEvidenceParams; result: File };
  cancelExport: { params: { exportId: number }; result: void };
  searchText: { params: SearchTextParams; result: SearchTextResult };
  dispose: { params: void; result: void };
}
export type ParamsOf<M extends RequestMethod> = RequestSignatures[M]['params'];
export type ResultOf<M extends RequestMethod> = RequestSignatures[M]['result'];

export interface RequestMessage<M extends RequestMethod = RequestMethod> {
  type: typeof MessageType.Request;
  id: number;
  method: M;
  params: ParamsOf<M>;
}

/** An error as it crosses the boundary; `name` keeps DOMException kinds (AbortError, NotSupportedError…). */
export interface ErrorPayload {
  name: string;
  message: string;
  reason?: ErrorReason;
}

export type ResponseMessage =
  | { type: typeof MessageType.Response; id: number; ok: true; result: unknown }
  | { type: typeof MessageType.Response; id: number; ok: false; error: ErrorPayload };

/** What the page hears of a media event: its name, detail and the whole snapshot as it was then. */
export interface EventMessage {
  type: typeof MessageType.Event;
  name: MediaEvent;
  detail?: unknown;
  state: PlaybackSnapshot;
}

/** The parts of the snapshot that change with the recording's events, not with playback. */
export type RecordingMetadata = Pick<PlaybackSnapshot, 'recording' | 'markers'>;

/** A media event as the engine posts it: the snapshot without the metadata (`MetadataMessage` carries that). */
export interface EngineEventMessage {
  type: typeof MessageType.Event;
  name: MediaEvent;
  detail?: unknown;
  state: Omit<PlaybackSnapshot, keyof RecordingMetadata>;
}

export interface MetadataMessage {
  type: typeof MessageType.Metadata;
  recording: PlaybackSnapshot['recording'];
  /**
   * Where `markers` go in the load's list: the count the page already has, or 0 when a new load
   * starts the list afresh (then `markers` is the whole list, and its string table starts afresh).
   */
  markersFrom: number;
  /** The markers from `markersFrom` on, in order, as columns (their arrays transferred). */
  markers: MarkerColumns;
  /** Markers before `markersFrom` changed since (a transfer another read or write joined), by index. */
  revised: Array<[index: number, marker: Marker]>;
}

export interface ExportProgressMessage {
  type: typeof MessageType.ExportProgress;
  exportId: number;
  /** 0–1 of the output duration. */
  fraction: number;
  /** Frames encoded so far. */
  frames: number;
}

/**
 * The recording's activity track (`core/activity.ts`): per second, the fraction of the screen that
 * changed (0–1; blinking carets and lone clock ticks count as 0). Sent when it changed: at most
 * twice a second while the recording loads, once when it is loaded, and empty when a load begins.
 */
export interface ActivityMessage {
  type: typeof MessageType.Activity;
  seconds: Float32Array;
}

/**
 * How far the background keyframes (screens that seeks repaint from) are: after each one, and
 * when building caught up with what is loaded. The element does not use it; it lets whoever
 * watches the engine (tests) wait for keyframes instead of for a time.
 */
export interface KeyframesMessage extends KeyframeProgress {
  type: typeof MessageType.Keyframes;
}

export type WorkerMessage = ResponseMessage | EngineEventMessage | MetadataMessage | ExportProgressMessage | ActivityMessage | KeyframesMessage;

export function toErrorPayload(error: unknown): ErrorPayload {
  if (error instanceof Error || error instanceof DOMException) {
    const reason = (error as { reason?: unknown }).reason;
    return typeof reason === 'string' ? { name: error.name, message: error.message, reason: reason as ErrorReason } : { name: error.name, message: error.message };
  }
  return { name: 'Error', message: String(error) };
}

const scriptErrors: Record<string, ErrorConstructor> = { Error, TypeError, RangeError, RecordingError: Error };

/** Rebuilds an error on the page side: DOMException kinds stay DOMExceptions, as `<video>` rejects with them. */
export function fromErrorPayload(payload: ErrorPayload): Error {
  const ScriptError = scriptErrors[payload.name];
  if (!ScriptError) return new DOMException(payload.message, payload.name);
  const error = new ScriptError(payload.message);
  error.name = payload.name;
  if (payload.reason) Object.assign(error, { reason: payload.reason });
  return error;
}
