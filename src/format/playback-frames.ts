import { EMPTY_BYTES } from './wire.js';
import type { AuditEvent, RecordedEvent } from './events.js';

/**
 * What a Teleport playback websocket sends (spec §4.2): one JSON frame per `DesktopRecording`
 * event (Go's encoding/json of the event: `ei`, `time`, `message` or `tdpb_message` in base64,
 * `ms`), then `{"message":"end"}`, or `{"message":"error","errorText":…}`; a socket that asked
 * for a session with a token first gets `{"type":"create_session_response","status":…}`.
 */
export type PlaybackFrame =
  | { kind: 'event'; event: RecordedEvent }
  | { kind: 'end' }
  | { kind: 'error'; text: string }
  | { kind: 'session'; ok: boolean; message: string };

/** What the browser sends back (spec §4.3); `token` goes first on sockets that authenticate. */
export type PlaybackAction =
  | { action: 'play/pause' }
  | { action: 'speed'; speed: number }
  | { action: 'seek'; pos: number }
  | { token: string };

/** Speeds a Teleport playback server accepts (it clamps to this range). */
export const SERVER_SPEED_RANGE = { min: 0.25, max: 16 } as const;

/** Parses one frame; throws an Error when it is not a frame of this protocol. */
export function parsePlaybackFrame(text: string): PlaybackFrame {
  const json: unknown = JSON.parse(text);
  if (typeof json !== 'object' || json === null) throw new Error('a playback frame is not a JSON object');
  const frame = json as Record<string, unknown>;
  if (frame.type === 'create_session_response') {
    return { kind: 'session', ok: frame.status === 'ok', message: typeof frame.message === 'string' ? frame.message : '' };
  }
  if (frame.message === 'end') return { kind: 'end' };
  if (frame.message === 'error') return { kind: 'error', text: typeof frame.errorText === 'string' ? frame.errorText : 'the server reported an error' };
  const ms = frame.ms;
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) throw new Error('a playback frame has no valid "ms"');
  const message = typeof frame.message === 'string' ? base64Bytes(frame.message) : EMPTY_BYTES;
  const tdpbMessage = typeof frame.tdpb_message === 'string' ? base64Bytes(frame.tdpb_message) : EMPTY_BYTES;
  const index = typeof frame.ei === 'number' && Number.isSafeInteger(frame.ei) ? frame.ei : -1;
  const timeMs = typeof frame.time === 'string' ? Date.parse(frame.time) : NaN;
  const event: AuditEvent = {
    case: 'desktopRecording',
    value: { $typeName: 'events.DesktopRecording', message, delayMilliseconds: BigInt(Math.round(ms)), tdpbMessage },
  };
  // Not read from a file: there are no part or record offsets.
  return { kind: 'event', event: { event, index, timeMs: Number.isNaN(timeMs) ? undefined : timeMs, partOffset: -1, recordOffset: -1 } };
}

function base64Bytes(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
