/**
 * `desktop-recording-player`: registers `<desktop-recording-player>` and exports its class and
 * public types.
 */
import './define.js';

export { TAG_NAME } from './define.js';
export {
  DesktopRecordingPlayer,
  type CaptureFrameOptions,
  type DesktopRecordingPlayerEventMap,
  type EvidenceNoteInput,
  type ExportEvidenceOptions,
  type ExportVideoOptions,
  type Fit,
  type PlayerError,
  type PlaybackQuality,
  type PlayerMarker,
  type PlayerTransfer,
  type NoteSeverity,
  type ReviewNote,
  type ReviewNotesChange,
  type ReviewNotesChangeDetail,
  type ReviewSidecar,
  type TextIndexProgress,
  type TextSearchHit,
  type TextSearchOptions,
  type TimeRangesLike,
} from './element/desktop-recording-player.js';
export { MediaEvent, ReadyState, Preload, type PlaybackError, type RangeReadStatus } from './playback-state.js';
/** The shape of a language's texts, for `DesktopRecordingPlayer.registerStrings()`. */
export type { AllStrings as Strings } from './element/strings.js';
export { ErrorReason, MediaErrorCode } from './format/errors.js';
export type { RecordingInfo } from './format/timeline.js';
