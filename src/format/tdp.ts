// Teleport Desktop Protocol codec (spec §3): the legacy byte-layout messages that fill
// `DesktopRecording.Message`, and the framed protobuf envelopes (TDPB) of `TDPBMessage`.
// Both decode into one `TdpMessage` union so the player handles a single vocabulary.
import { create, toBinary } from '@bufbuild/protobuf';
import type { MessageInitShape } from '@bufbuild/protobuf';
import { EnvelopeSchema } from '../gen/teleport/desktop/v1/tdpb_pb.js';
import type {
  Alert, ClientHello, ClientScreenSpec, ClipboardData, ConnectionActivated, Envelope, FastPathPDU, KeyboardButton, LatencyStats,
  MouseButton, MouseMove, MouseWheel, Ping, PNGFrame, RDPResponsePDU, Rectangle, ServerHello, SharedDirectoryRemove, SyncKeys,
} from '../gen/teleport/desktop/v1/tdpb_pb.js';
import { ErrorReason, RecordingError } from './errors.js';
import { decodeTdpbEnvelope, isEnvelopePayloadField } from './wire/tdpb-envelope.js';
import { shortAscii } from './wire/wire-reader.js';

/** Legacy TDP message type bytes (the full table 1..38 of §3.2). */
export const TdpMessageType = {
  ClientScreenSpec: 1,
  PngFrame: 2,
  MouseMove: 3,
  MouseButton: 4,
  KeyboardButton: 5,
  ClipboardData: 6,
  ClientUsername: 7,
  MouseWheel: 8,
  Error: 9,
  Mfa: 10,
  SharedDirectoryAnnounce: 11,
  SharedDirectoryAcknowledge: 12,
  SharedDirectoryInfoRequest: 13,
  SharedDirectoryInfoResponse: 14,
  SharedDirectoryCreateRequest: 15,
  SharedDirectoryCreateResponse: 16,
  SharedDirectoryDeleteRequest: 17,
  SharedDirectoryDeleteResponse: 18,
  SharedDirectoryReadRequest: 19,
  SharedDirectoryReadResponse: 20,
  SharedDirectoryWriteRequest: 21,
  SharedDirectoryWriteResponse: 22,
  SharedDirectoryMoveRequest: 23,
  SharedDirectoryMoveResponse: 24,
  SharedDirectoryListRequest: 25,
  SharedDirectoryListResponse: 26,
  Png2Frame: 27,
  Alert: 28,
  RdpFastPathPdu: 29,
  RdpResponsePdu: 30,
  ConnectionActivated: 31,
  SyncKeys: 32,
  SharedDirectoryTruncateRequest: 33,
  SharedDirectoryTruncateResponse: 34,
  LatencyStats: 35,
  Ping: 36,
  ClientKeyboardLayout: 37,
  TdpUpgrade: 38,
} as const;
export type TdpMessageType = (typeof TdpMessageType)[keyof typeof TdpMessageType];

/** Legacy mouse button numbering (TDPB numbers the same buttons from 1). */
export const MouseButtonKind = { Left: 0, Middle: 1, Right: 2 } as const;
/** Legacy alert severity numbering (TDPB numbers the same severities from 1). */
export const AlertSeverity = { Info: 0, Warning: 1, Error: 2 } as const;

export type TdpMessage =
  | { kind: 'screenSpec'; width: number; height: number }
  | { kind: 'pngFrame'; left: number; top: number; right: number; bottom: number; png: Uint8Array }
  | { kind: 'png2Frame'; left: number; top: number; right: number; bottom: number; png: Uint8Array }
  | { kind: 'mouseMove'; x: number; y: number }
  | { kind: 'mouseButton'; button: number; pressed: boolean }
  | { kind: 'keyboardButton'; keyCode: number; pressed: boolean }
  | { kind: 'clipboardData'; data: Uint8Array }
  | { kind: 'mouseWheel'; axis: number; delta: number }
  | { kind: 'error'; message: string }
  | { kind: 'alert'; message: string; severity: number }
  | { kind: 'fastPathPdu'; data: Uint8Array }
  | {
      kind: 'connectionActivated';
      ioChannelId: number;
      userChannelId: number;
      screenWidth: number;
      screenHeight: number;
    }
  | { kind: 'unknown'; type: number; bytes: Uint8Array };
export type TdpMessageKind = TdpMessage['kind'];

// Size limits of Teleport's Go decoder (§3.2); larger values are refused rather than allocated.
const MAX_MESSAGE_STRING_BYTES = 10240;
const MAX_CLIPBOARD_BYTES = 1024 * 1024;
const MAX_PNG2_DATA_BYTES = 10 * 1024 * 1024;

const TDPB_PREFIX_BYTES = 4;
/** TDPB envelopes must be shorter than this (`maxMessageLength`), which keeps byte 0 at zero. */
const TDPB_MAX_ENVELOPE_BYTES = 2 ** 24 - 1;
/** TDPB enums put UNSPECIFIED = 0 in front of the legacy values. */
const TDPB_ENUM_OFFSET = 1;

const U8_MAX = 0xff;
const U16_MAX = 0xffff;
const U32_MAX = 0xffff_ffff;
const I16_MIN = -0x8000;
const I16_MAX = 0x7fff;
const I32_MIN = -0x8000_0000;
const I32_MAX = 0x7fff_ffff;

const typeNames = new Map<number, string>(Object.entries(TdpMessageType).map(([name, type]) => [type, name]));
const utf8Encoder = new TextEncoder();
// ignoreBOM keeps a leading U+FEFF as text, so it survives a re-encode.
const utf8Decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

function corrupt(message: string, atByte: number): RecordingError {
  return new RecordingError(ErrorReason.Corrupt, message, atByte);
}

/** Reads the fields of one legacy message, failing as corrupt on anything out of bounds. */
class LegacyReader {
  private readonly bytes: Uint8Array;
  private offset = 1;

  // Big-endian reads by hand: a DataView for each of 100,000 messages was a third of what decoding them allocated.
  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
  }

  private fail(detail: string, atByte: number): RecordingError {
    const type = this.bytes[0]!;
    return corrupt(`TDP ${typeNames.get(type) ?? `type ${type}`}: ${detail}`, atByte);
  }

  /** Claims `size` bytes for `field` and returns where they start. */
  private claim(size: number, field: string): number {
    const start = this.offset;
    if (size > this.bytes.length - start) throw this.fail(`message ends inside ${field}`, start);
    this.offset = start + size;
    return start;
  }

  u8(field: string): number {
    return this.bytes[this.claim(1, field)]!;
  }

  u16(field: string): number {
    const at = this.claim(2, field);
    return (this.bytes[at]! << 8) | this.bytes[at + 1]!;
  }

  i16(field: string): number {
    return (this.u16(field) << 16) >> 16;
  }

  u32(field: string): number {
    const at = this.claim(4, field);
    const b = this.bytes;
    return ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
  }

  /** A button state byte; anything but 0 or 1 would not survive a re-encode. */
  pressed(field: string): boolean {
    const at = this.offset;
    const state = this.u8(field);
    if (state > 1) throw this.fail(`${field} is ${state}, expected 0 or 1`, at);
    return state === 1;
  }

  /** `length` bytes that an earlier field announced, checked against the limit and the message end. */
  announced(length: number, field: string, lengthAt: number, limit = Infinity): Uint8Array {
    if (length > limit) throw this.fail(`${field} length ${length} exceeds the limit of ${limit}`, lengthAt);
    if (length > this.bytes.length - this.offset) {
      throw this.fail(`${field} length ${length} points past the end of the message`, lengthAt);
    }
    const start = this.offset;
    this.offset += length;
    return this.bytes.subarray(start, this.offset);
  }

  /** `u32 length` followed by that many bytes. */
  lengthPrefixed(field: string, limit = Infinity): Uint8Array {
    const lengthAt = this.offset;
    return this.announced(this.u32(`${field} length`), field, lengthAt, limit);
  }

  string(field: string, limit: number): string {
    const bytes = this.lengthPrefixed(field, limit);
    // An alert storm is 100,000 short ASCII messages: a TextDecoder call for each costs about 3× as much.
    return shortAscii(bytes) ?? utf8Decoder.decode(bytes);
  }

  rest(): Uint8Array {
    const start = this.offset;
    this.offset = this.bytes.length;
    return this.bytes.subarray(start);
  }

  /** Trailing bytes are refused: a recorded message is exactly one message. */
  end(): void {
    if (this.offset !== this.bytes.length) {
      throw this.fail(`${this.bytes.length - this.offset} unexpected bytes after the message`, this.offset);
    }
  }
}

/** Decodes one legacy TDP message (type byte first). Unknown/unmodelled types → { kind: 'unknown', type, bytes }. Malformed known types throw RecordingError('corrupt'). Byte payloads are zero-copy subarray views. */
export function decodeTdp(bytes: Uint8Array): TdpMessage {
  if (bytes.length === 0) throw corrupt('TDP message is empty', 0);
  const type = bytes[0]!;
  const reader = new LegacyReader(bytes);
  const message = decodeLegacyFields(type, reader);
  if (message === undefined) return { kind: 'unknown', type, bytes };
  reader.end();
  return message;
}

/** The fields after the type byte, or undefined for a type this codec does not model. */
function decodeLegacyFields(type: number, reader: LegacyReader): TdpMessage | undefined {
  switch (type) {
    // 01 | width u32 | height u32
    case TdpMessageType.ClientScreenSpec:
      return { kind: 'screenSpec', width: reader.u32('width'), height: reader.u32('height') };
    // 02 | left u32 | top u32 | right u32 | bottom u32 | png (rest of message)
    case TdpMessageType.PngFrame: {
      const left = reader.u32('left');
      const top = reader.u32('top');
      const right = reader.u32('right');
      const bottom = reader.u32('bottom');
      return { kind: 'pngFrame', left, top, right, bottom, png: reader.rest() };
    }
    // 03 | x u32 | y u32
    case TdpMessageType.MouseMove:
      return { kind: 'mouseMove', x: reader.u32('x'), y: reader.u32('y') };
    // 04 | button u8 | state u8
    case TdpMessageType.MouseButton:
      return { kind: 'mouseButton', button: reader.u8('button'), pressed: reader.pressed('state') };
    // 05 | key_code u32 | state u8
    case TdpMessageType.KeyboardButton:
      return { kind: 'keyboardButton', keyCode: reader.u32('key code'), pressed: reader.pressed('state') };
    // 06 | length u32 | data[length]
    case TdpMessageType.ClipboardData:
      return { kind: 'clipboardData', data: reader.lengthPrefixed('clipboard data', MAX_CLIPBOARD_BYTES) };
    // 08 | axis u8 | delta i16
    case TdpMessageType.MouseWheel:
      return { kind: 'mouseWheel', axis: reader.u8('axis'), delta: reader.i16('delta') };
    // 09 | message length u32 | message UTF-8
    case TdpMessageType.Error:
      return { kind: 'error', message: reader.string('message', MAX_MESSAGE_STRING_BYTES) };
    // 1b | png_length u32 | left u32 | top u32 | right u32 | bottom u32 | png[png_length]
    case TdpMessageType.Png2Frame: {
      const lengthAt = 1;
      const pngLength = reader.u32('png length');
      const left = reader.u32('left');
      const top = reader.u32('top');
      const right = reader.u32('right');
      const bottom = reader.u32('bottom');
      const png = reader.announced(pngLength, 'png', lengthAt, MAX_PNG2_DATA_BYTES);
      return { kind: 'png2Frame', left, top, right, bottom, png };
    }
    // 1c | message length u32 | message UTF-8 | severity u8
    case TdpMessageType.Alert: {
      const message = reader.string('message', MAX_MESSAGE_STRING_BYTES);
      return { kind: 'alert', message, severity: reader.u8('severity') };
    }
    // 1d | data_length u32 | data[data_length]
    case TdpMessageType.RdpFastPathPdu:
      return { kind: 'fastPathPdu', data: reader.lengthPrefixed('fast-path PDU') };
    // 1f | io_channel_id u16 | user_channel_id u16 | screen_width u16 | screen_height u16
    case TdpMessageType.ConnectionActivated:
      return {
        kind: 'connectionActivated',
        ioChannelId: reader.u16('io channel id'),
        userChannelId: reader.u16('user channel id'),
        screenWidth: reader.u16('screen width'),
        screenHeight: reader.u16('screen height'),
      };
    default:
      return undefined;
  }
}

function requireInteger(value: number, min: number, max: number, field: string): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${field} must be an integer in [${min}, ${max}], got ${value}`);
  }
  return value;
}

function requireLength(length: number, limit: number, field: string): void {
  if (length > limit) throw new RangeError(`${field} is ${length} bytes, over the limit of ${limit}`);
}

/** Writes one legacy message into a buffer sized up front; values out of their wire range throw RangeError. */
class LegacyWriter {
  private readonly bytes: Uint8Array;
  private readonly view: DataView;
  private readonly kind: TdpMessageKind;
  private offset = 1;

  constructor(type: TdpMessageType, fieldsLength: number, kind: TdpMessageKind) {
    this.bytes = new Uint8Array(1 + fieldsLength);
    this.view = new DataView(this.bytes.buffer);
    this.kind = kind;
    this.bytes[0] = type;
  }

  u8(value: number, field: string): this {
    this.view.setUint8(this.offset, requireInteger(value, 0, U8_MAX, `${this.kind}.${field}`));
    this.offset += 1;
    return this;
  }

  u16(value: number, field: string): this {
    this.view.setUint16(this.offset, requireInteger(value, 0, U16_MAX, `${this.kind}.${field}`));
    this.offset += 2;
    return this;
  }

  i16(value: number, field: string): this {
    this.view.setInt16(this.offset, requireInteger(value, I16_MIN, I16_MAX, `${this.kind}.${field}`));
    this.offset += 2;
    return this;
  }

  u32(value: number, field: string): this {
    this.view.setUint32(this.offset, requireInteger(value, 0, U32_MAX, `${this.kind}.${field}`));
    this.offset += 4;
    return this;
  }

  pressed(value: boolean): this {
    return this.u8(value ? 1 : 0, 'pressed');
  }

  raw(bytes: Uint8Array): this {
    this.bytes.set(bytes, this.offset);
    this.offset += bytes.length;
    return this;
  }

  /** `u32 length` followed by the bytes. */
  lengthPrefixed(bytes: Uint8Array, field: string): this {
    return this.u32(bytes.length, `${field} length`).raw(bytes);
  }

  finish(): Uint8Array {
    if (this.offset !== this.bytes.length) {
      throw new Error(`internal: ${this.kind} wrote ${this.offset} of ${this.bytes.length} bytes`);
    }
    return this.bytes;
  }
}

/** Encodes a message to legacy TDP bytes; encodeTdp(decodeTdp(b)) is byte-identical to b for every modelled type; 'unknown' returns its bytes. */
export function encodeTdp(message: TdpMessage): Uint8Array {
  const { kind } = message;
  switch (kind) {
    case 'screenSpec':
      return new LegacyWriter(TdpMessageType.ClientScreenSpec, 8, kind)
        .u32(message.width, 'width')
        .u32(message.height, 'height')
        .finish();
    case 'pngFrame':
      return new LegacyWriter(TdpMessageType.PngFrame, 16 + message.png.length, kind)
        .u32(message.left, 'left')
        .u32(message.top, 'top')
        .u32(message.right, 'right')
        .u32(message.bottom, 'bottom')
        .raw(message.png)
        .finish();
    case 'png2Frame':
      requireLength(message.png.length, MAX_PNG2_DATA_BYTES, 'png2Frame.png');
      return new LegacyWriter(TdpMessageType.Png2Frame, 20 + message.png.length, kind)
        .u32(message.png.length, 'png length')
        .u32(message.left, 'left')
        .u32(message.top, 'top')
        .u32(message.right, 'right')
        .u32(message.bottom, 'bottom')
        .raw(message.png)
        .finish();
    case 'mouseMove':
      return new LegacyWriter(TdpMessageType.MouseMove, 8, kind).u32(message.x, 'x').u32(message.y, 'y').finish();
    case 'mouseButton':
      return new LegacyWriter(TdpMessageType.MouseButton, 2, kind)
        .u8(message.button, 'button')
        .pressed(message.pressed)
        .finish();
    case 'keyboardButton':
      return new LegacyWriter(TdpMessageType.KeyboardButton, 5, kind)
        .u32(message.keyCode, 'keyCode')
        .pressed(message.pressed)
        .finish();
    case 'clipboardData':
      requireLength(message.data.length, MAX_CLIPBOARD_BYTES, 'clipboardData.data');
      return new LegacyWriter(TdpMessageType.ClipboardData, 4 + message.data.length, kind)
        .lengthPrefixed(message.data, 'data')
        .finish();
    case 'mouseWheel':
      return new LegacyWriter(TdpMessageType.MouseWheel, 3, kind)
        .u8(message.axis, 'axis')
        .i16(message.delta, 'delta')
        .finish();
    case 'error': {
      const text = utf8Encoder.encode(message.message);
      requireLength(text.length, MAX_MESSAGE_STRING_BYTES, 'error.message');
      return new LegacyWriter(TdpMessageType.Error, 4 + text.length, kind).lengthPrefixed(text, 'message').finish();
    }
    case 'alert': {
      const text = utf8Encoder.encode(message.message);
      requireLength(text.length, MAX_MESSAGE_STRING_BYTES, 'alert.message');
      return new LegacyWriter(TdpMessageType.Alert, 4 + text.length + 1, kind)
        .lengthPrefixed(text, 'message')
        .u8(message.severity, 'severity')
        .finish();
    }
    case 'fastPathPdu':
      return new LegacyWriter(TdpMessageType.RdpFastPathPdu, 4 + message.data.length, kind)
        .lengthPrefixed(message.data, 'data')
        .finish();
    case 'connectionActivated':
      return new LegacyWriter(TdpMessageType.ConnectionActivated, 8, kind)
        .u16(message.ioChannelId, 'ioChannelId')
        .u16(message.userChannelId, 'userChannelId')
        .u16(message.screenWidth, 'screenWidth')
        .u16(message.screenHeight, 'screenHeight')
        .finish();
    case 'unknown':
      return message.bytes;
    default:
      throw new TypeError(`unknown TDP message kind ${(kind satisfies never) as string}`);
  }
}

/** The first byte of a DesktopRecording payload: 0 means TDPB (4-byte BE length + Envelope), non-zero is the legacy type byte. */
export function isTdpb(bytes: Uint8Array): boolean {
  return bytes.length > 0 && bytes[0] === 0;
}

/** The Envelope inside one framed TDPB message, once the length prefix is known to fit the bytes exactly. */
function envelopeOf(bytes: Uint8Array): Uint8Array {
  if (bytes.length < TDPB_PREFIX_BYTES) {
    throw corrupt(`TDPB message of ${bytes.length} bytes ends inside its length prefix`, 0);
  }
  const length = new DataView(bytes.buffer, bytes.byteOffset, TDPB_PREFIX_BYTES).getUint32(0);
  if (length >= TDPB_MAX_ENVELOPE_BYTES) {
    throw corrupt(`TDPB envelope length ${length} is not below the limit of ${TDPB_MAX_ENVELOPE_BYTES}`, 0);
  }
  const end = TDPB_PREFIX_BYTES + length;
  if (end > bytes.length) throw corrupt(`TDPB envelope length ${length} points past the end of the message`, 0);
  if (end < bytes.length) throw corrupt(`${bytes.length - end} unexpected bytes after the TDPB envelope`, end);
  return bytes.subarray(TDPB_PREFIX_BYTES, end);
}

const WireType = { Varint: 0, Fixed64: 1, LengthDelimited: 2, Fixed32: 5 } as const;
const MAX_VARINT_BYTES = 10;

/** Reads a varint at `at`; precision beyond 2^53 does not matter because callers bound the value. */
function readVarint(bytes: Uint8Array, at: number): { value: number; next: number } {
  let value = 0;
  for (let i = 0; i < MAX_VARINT_BYTES; i++) {
    if (at + i >= bytes.length) throw corrupt('TDPB envelope ends inside a varint', TDPB_PREFIX_BYTES + at);
    const byte = bytes[at + i]!;
    value += (byte & 0x7f) * 2 ** (7 * i);
    if (byte < 0x80) return { value, next: at + i + 1 };
  }
  throw corrupt(`TDPB envelope has a varint longer than ${MAX_VARINT_BYTES} bytes`, TDPB_PREFIX_BYTES + at);
}

/**
 * Walks the Envelope's top-level fields and returns the payload field and where its tag sits in the
 * framed message. Like protobuf's oneof rule the last payload wins; a field without a decoder
 * (a newer or unmodelled payload) only counts when no known one is present.
 */
function locatePayload(envelope: Uint8Array): { field: number; at: number } | undefined {
  let known: { field: number; at: number } | undefined;
  let other: { field: number; at: number } | undefined;
  let offset = 0;
  while (offset < envelope.length) {
    const tagAt = offset;
    const framedAt = TDPB_PREFIX_BYTES + tagAt;
    const tag = readVarint(envelope, offset);
    const field = Math.floor(tag.value / 8);
    const wireType = tag.value % 8;
    if (tag.value > U32_MAX || field === 0) throw corrupt('TDPB envelope has an invalid field tag', framedAt);
    offset = tag.next;
    let size: number;
    switch (wireType) {
      case WireType.Varint:
        offset = readVarint(envelope, offset).next;
        size = 0;
        break;
      case WireType.Fixed64:
        size = 8;
        break;
      case WireType.Fixed32:
        size = 4;
        break;
      case WireType.LengthDelimited: {
        const length = readVarint(envelope, offset);
        offset = length.next;
        size = length.value;
        if (isEnvelopePayloadField(field)) known = { field, at: framedAt };
        else other = { field, at: framedAt };
        break;
      }
      default:
        throw corrupt(`TDPB envelope field ${field} has unsupported wire type ${wireType}`, framedAt);
    }
    if (size > envelope.length - offset) {
      throw corrupt(`TDPB envelope field ${field} runs past the end of the message`, framedAt);
    }
    offset += size;
  }
  return known ?? other;
}

export { decodeTdpbEnvelope };

/** Field number of the Envelope payload without decoding it (0 if none); used by the recorder to filter. */
export function tdpbPayloadField(bytes: Uint8Array): number {
  return locatePayload(envelopeOf(bytes))?.field ?? 0;
}

/** Decodes one framed TDPB message (4-byte BE length prefix + teleport.desktop.v1.Envelope) into the same TdpMessage union; payloads it does not model come back as { kind: 'unknown', type: <envelope field number, or 0>, bytes }. */
export function decodeTdpb(bytes: Uint8Array): TdpMessage {
  const envelopeBytes = envelopeOf(bytes);
  const payload = locatePayload(envelopeBytes);
  let envelope: Envelope;
  try {
    envelope = decodeTdpbEnvelope(envelopeBytes);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw corrupt(`TDPB envelope does not decode: ${reason}`, payload?.at ?? TDPB_PREFIX_BYTES);
  }
  return messageOfEnvelope(envelope) ?? { kind: 'unknown', type: payload?.field ?? 0, bytes };
}

function messageOfEnvelope({ payload }: Envelope): TdpMessage | undefined {
  switch (payload.case) {
    case 'serverHello': {
      const spec = payload.value.activationSpec;
      return {
        kind: 'connectionActivated',
        ioChannelId: spec?.ioChannelId ?? 0,
        userChannelId: spec?.userChannelId ?? 0,
        screenWidth: spec?.screenWidth ?? 0,
        screenHeight: spec?.screenHeight ?? 0,
      };
    }
    case 'pngFrame': {
      const rect = payload.value.coordinates;
      return {
        kind: 'pngFrame',
        left: rect?.left ?? 0,
        top: rect?.top ?? 0,
        right: rect?.right ?? 0,
        bottom: rect?.bottom ?? 0,
        png: payload.value.data,
      };
    }
    case 'fastPathPdu':
      return { kind: 'fastPathPdu', data: payload.value.pdu };
    case 'alert':
      return { kind: 'alert', message: payload.value.message, severity: payload.value.severity - TDPB_ENUM_OFFSET };
    case 'clientScreenSpec':
      return { kind: 'screenSpec', width: payload.value.width, height: payload.value.height };
    case 'mouseMove':
      return { kind: 'mouseMove', x: payload.value.x, y: payload.value.y };
    case 'mouseButton':
      return { kind: 'mouseButton', button: payload.value.button - TDPB_ENUM_OFFSET, pressed: payload.value.pressed };
    case 'keyboardButton':
      return { kind: 'keyboardButton', keyCode: payload.value.keyCode, pressed: payload.value.pressed };
    case 'clipboardData':
      return { kind: 'clipboardData', data: payload.value.data };
    case 'mouseWheel':
      return { kind: 'mouseWheel', axis: payload.value.axis - TDPB_ENUM_OFFSET, delta: payload.value.delta };
    default:
      return undefined;
  }
}

type EnvelopePayloadInit = NonNullable<MessageInitShape<typeof EnvelopeSchema>['payload']>;

/** A TDPB enum value for a legacy one (TDPB counts from 1). */
function tdpbEnum(legacyValue: number, field: string): number {
  return requireInteger(legacyValue, -TDPB_ENUM_OFFSET, I32_MAX - TDPB_ENUM_OFFSET, field) + TDPB_ENUM_OFFSET;
}

function u32(value: number, field: string): number {
  return requireInteger(value, 0, U32_MAX, field);
}

function rectangleOf(frame: { left: number; top: number; right: number; bottom: number }, kind: string) {
  return {
    left: u32(frame.left, `${kind}.left`),
    top: u32(frame.top, `${kind}.top`),
    right: u32(frame.right, `${kind}.right`),
    bottom: u32(frame.bottom, `${kind}.bottom`),
  };
}

/** The Envelope payload for a message, following Teleport's legacy → TDPB translation (PNG2 → PNGFrame, Error → Alert). */
function envelopePayloadOf(message: Exclude<TdpMessage, { kind: 'unknown' }>): EnvelopePayloadInit {
  const { kind } = message;
  switch (kind) {
    case 'connectionActivated':
      return {
        case: 'serverHello',
        value: {
          activationSpec: {
            ioChannelId: u32(message.ioChannelId, 'connectionActivated.ioChannelId'),
            userChannelId: u32(message.userChannelId, 'connectionActivated.userChannelId'),
            screenWidth: u32(message.screenWidth, 'connectionActivated.screenWidth'),
            screenHeight: u32(message.screenHeight, 'connectionActivated.screenHeight'),
          },
        },
      };
    case 'pngFrame':
    case 'png2Frame':
      return { case: 'pngFrame', value: { coordinates: rectangleOf(message, kind), data: message.png } };
    case 'fastPathPdu':
      return { case: 'fastPathPdu', value: { pdu: message.data } };
    case 'alert':
      return {
        case: 'alert',
        value: { message: message.message, severity: tdpbEnum(message.severity, 'alert.severity') },
      };
    case 'error':
      return { case: 'alert', value: { message: message.message, severity: AlertSeverity.Error + TDPB_ENUM_OFFSET } };
    case 'screenSpec':
      return {
        case: 'clientScreenSpec',
        value: { width: u32(message.width, 'screenSpec.width'), height: u32(message.height, 'screenSpec.height') },
      };
    case 'mouseMove':
      return { case: 'mouseMove', value: { x: u32(message.x, 'mouseMove.x'), y: u32(message.y, 'mouseMove.y') } };
    case 'mouseButton':
      return {
        case: 'mouseButton',
        value: { button: tdpbEnum(message.button, 'mouseButton.button'), pressed: message.pressed },
      };
    case 'keyboardButton':
      return {
        case: 'keyboardButton',
        value: { keyCode: u32(message.keyCode, 'keyboardButton.keyCode'), pressed: message.pressed },
      };
    case 'clipboardData':
      return { case: 'clipboardData', value: { data: message.data } };
    case 'mouseWheel':
      return {
        case: 'mouseWheel',
        value: {
          axis: tdpbEnum(message.axis, 'mouseWheel.axis'),
          delta: requireInteger(message.delta, I32_MIN, I32_MAX, 'mouseWheel.delta'),
        },
      };
    default:
      throw new TypeError(`unknown TDP message kind ${(kind satisfies never) as string}`);
  }
}

/** Encodes to framed TDPB (prefix + Envelope), the inverse of decodeTdpb for the modelled kinds; an 'unknown' message must already hold framed TDPB bytes. */
export function encodeTdpb(message: TdpMessage): Uint8Array {
  if (message.kind === 'unknown') {
    if (!isTdpb(message.bytes)) {
      throw new RangeError(`legacy TDP message type ${message.type} has no TDPB form`);
    }
    return message.bytes;
  }
  const envelope = toBinary(EnvelopeSchema, create(EnvelopeSchema, { payload: envelopePayloadOf(message) }));
  if (envelope.length >= TDPB_MAX_ENVELOPE_BYTES) {
    throw new RangeError(`TDPB envelope of ${envelope.length} bytes is not below the limit of ${TDPB_MAX_ENVELOPE_BYTES}`);
  }
  const framed = new Uint8Array(TDPB_PREFIX_BYTES + envelope.length);
  new DataView(framed.buffer).setUint32(0, envelope.length);
  framed.set(envelope, TDPB_PREFIX_BYTES);
  return framed;
}
