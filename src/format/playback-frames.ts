import type { Timestamp } from '@bufbuild/protobuf/wkt';
import type { DesktopRecording } from '../gen/teleport/legacy/types/events/events_pb.js';
import { EMPTY_BYTES } from './wire/wire-reader.js';
import { base64Bytes } from './bytes.js';
import type { AuditEvent, RecordedEvent } from './events.js';

/**
 * The Teleport playback websocket's JSON, both directions, for the player (which decodes frames
 * and encodes actions) and for `desktop-recording serve` (which encodes frames and decodes actions).
 *
 * Server → browser (spec §4.2): one JSON frame per `DesktopRecording` event (Go's encoding/json of
 * the event: `ei`, `time`, `message` or `tdpb_message` in base64, `ms`), then `{"message":"end"}`,
 * or `{"message":"error","errorText":…}`; a socket that asked for a session with a token first
 * gets `{"type":"create_session_response","status":…}`.
 * Browser → server (spec §4.3): `{"token":…}` first on sockets that authenticate, then actions.
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

/** `speed` clamped to SERVER_SPEED_RANGE. */
export function clampServerSpeed(speed: number): number {
  return Math.min(SERVER_SPEED_RANGE.max, Math.max(SERVER_SPEED_RANGE.min, speed));
}

// ------------------------------------------------------------------------------------ frames

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

/** `{"message":"end"}`: every event was sent. */
export const END_FRAME = JSON.stringify({ message: 'end' });

/** `{"message":"error","errorText":…}`. */
export function errorFrame(text: string): string {
  return JSON.stringify({ message: 'error', errorText: text });
}

/** The answer to `{"token":…}`: ok, or an error with its reason. */
export function sessionResponseFrame(error?: string): string {
  return JSON.stringify({ type: 'create_session_response', status: error === undefined ? 'ok' : 'error', ...(error !== undefined && { message: error }) });
}

/**
 * A DesktopRecording event as Teleport's `utils.FastMarshal` writes it (Go `encoding/json` of the
 * gogoproto struct): flattened Metadata (`ei`, `event`, `uid`/`code` when set, `time`,
 * `cluster_name` when set), `message` (base64, `null` when unset), `ms`, and `tdpb_message`
 * (base64) only when the event carries TDPB.
 */
export function desktopRecordingJson(value: DesktopRecording): string {
  const m = value.metadata;
  let json = `{"ei":${m ? m.index.toString() : '0'},"event":${goString(m?.type ?? '')}`;
  if (m?.id) json += `,"uid":${goString(m.id)}`;
  if (m?.code) json += `,"code":${goString(m.code)}`;
  json += `,"time":"${goTime(m?.time)}"`;
  if (m?.clusterName) json += `,"cluster_name":${goString(m.clusterName)}`;
  json += `,"message":${value.message.length ? `"${bytesBase64(value.message)}"` : 'null'}`;
  json += `,"ms":${value.delayMilliseconds.toString()}`;
  if (value.tdpbMessage.length) json += `,"tdpb_message":"${bytesBase64(value.tdpbMessage)}"`;
  return `${json}}`;
}

/** A JSON string as Go's encoding/json writes it (HTML-safe escapes for <, >, &, U+2028, U+2029). */
export function goString(text: string): string {
  return JSON.stringify(text).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A protobuf Timestamp as Go's `time.Time` marshals to JSON (RFC 3339, nanoseconds without trailing zeros, UTC). */
export function goTime(timestamp: Timestamp | undefined): string {
  const seconds = timestamp ? Number(timestamp.seconds) : -62135596800; // Go's zero time
  const nanos = timestamp?.nanos ?? 0;
  const whole = new Date(seconds * 1000).toISOString().slice(0, 19);
  const fraction = nanos > 0 ? `.${String(nanos).padStart(9, '0').replace(/0+$/, '')}` : '';
  return `${whole}${fraction}Z`;
}

// ------------------------------------------------------------------------------------ actions

/** A client message that names a known action with a value that is not one (`"speed": null`, `"pos": "x"`). */
export interface InvalidPlaybackAction {
  invalid: string;
}

/**
 * Parses one client message: an action or token, an invalid one (a known action with a bad value),
 * or `undefined` for anything else (not JSON, not an object, an unknown action).
 */
export function parsePlaybackAction(text: string): PlaybackAction | InvalidPlaybackAction | undefined {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return undefined;
  const message = json as Record<string, unknown>;
  if (!('action' in message)) return typeof message.token === 'string' ? { token: message.token } : undefined;
  const finite = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
  switch (message.action) {
    case 'play/pause':
      return { action: 'play/pause' };
    case 'speed':
      return finite(message.speed) && message.speed > 0 ? { action: 'speed', speed: message.speed } : { invalid: 'speed must be a positive number' };
    case 'seek':
      return finite(message.pos) ? { action: 'seek', pos: message.pos } : { invalid: 'pos must be a number' };
    default:
      return undefined;
  }
}

// ------------------------------------------------------------------------------------ base64

const NodeBuffer = (globalThis as { Buffer?: { from(buffer: ArrayBufferLike, offset: number, length: number): { toString(encoding: 'base64'): string } } }).Buffer;
const BASE64_CHUNK = 0x8000;

/** Base64 of `bytes`: Node's Buffer where there is one (the server), `btoa` elsewhere. */
function bytesBase64(bytes: Uint8Array): string {
  if (NodeBuffer) return NodeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
  let binary = '';
  for (let i = 0; i < bytes.length; i += BASE64_CHUNK) binary += String.fromCharCode.apply(null, bytes.subarray(i, i + BASE64_CHUNK) as unknown as number[]);
  return btoa(binary);
}

