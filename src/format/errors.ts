/**
 * The one vocabulary of failure reasons (contract §7), shared by the format layer, the player and
 * the CLI. Each reason maps to the `MediaError` code a `<video>` would report for it.
 */
export const ErrorReason = {
  Network: 'network',
  HttpStatus: 'http-status',
  NotARecording: 'not-a-recording',
  UnsupportedVersion: 'unsupported-version',
  Encrypted: 'encrypted',
  Truncated: 'truncated',
  Corrupt: 'corrupt',
  RecordTooLarge: 'record-too-large',
  ScreenTooLarge: 'screen-too-large',
  ImageDecode: 'image-decode',
  Websocket: 'websocket',
  Server: 'server',
  /** The download was cancelled from outside the player (the page or the browser stopped it). */
  Aborted: 'aborted',
} as const;
export type ErrorReason = (typeof ErrorReason)[keyof typeof ErrorReason];

/** `MediaError` codes: 1 aborted, 2 network, 3 decode, 4 source not supported. */
export const MediaErrorCode = { Aborted: 1, Network: 2, Decode: 3, SrcNotSupported: 4 } as const;
export type MediaErrorCode = (typeof MediaErrorCode)[keyof typeof MediaErrorCode];

export const mediaErrorCodeOf: Record<ErrorReason, MediaErrorCode> = {
  network: MediaErrorCode.Network,
  'http-status': MediaErrorCode.Network,
  websocket: MediaErrorCode.Network,
  server: MediaErrorCode.Network,
  'not-a-recording': MediaErrorCode.SrcNotSupported,
  'unsupported-version': MediaErrorCode.SrcNotSupported,
  encrypted: MediaErrorCode.SrcNotSupported,
  truncated: MediaErrorCode.Decode,
  corrupt: MediaErrorCode.Decode,
  'record-too-large': MediaErrorCode.Decode,
  'screen-too-large': MediaErrorCode.Decode,
  'image-decode': MediaErrorCode.Decode,
  aborted: MediaErrorCode.Aborted,
};

/**
 * A download or read that failed: `aborted` when something outside the player cancelled it (an
 * AbortError the player's own signal did not cause: the page stopped loading, the browser did),
 * else `network`.
 */
export function transferFailure(error: unknown, message: string, atByte = -1): RecordingError {
  return new RecordingError(isAbort(error) ? ErrorReason.Aborted : ErrorReason.Network, message, atByte);
}

/** A DOMException of the AbortError kind (a cancelled fetch, an aborted signal). */
export function isAbort(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'AbortError';
}

/** A failure with a contract reason and, for file data, the byte offset where it was found. */
export class RecordingError extends Error {
  override name = 'RecordingError';
  readonly reason: ErrorReason;
  /** Byte offset in the recording file (or in the message, for codec errors); -1 when not known. */
  readonly atByte: number;

  constructor(reason: ErrorReason, message: string, atByte = -1) {
    super(message);
    this.reason = reason;
    this.atByte = atByte;
  }

  get code(): MediaErrorCode {
    return mediaErrorCodeOf[this.reason];
  }
}
