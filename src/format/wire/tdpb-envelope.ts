// Hand-written readers of tdpb.proto (`proto/teleport/desktop/v1/tdpb.proto`), checked against the
// schema by test/node/wire-schema.test.ts like those of audit-events.ts.
import type {
  Alert, ClientHello, ClientScreenSpec, ClipboardData, ConnectionActivated, Envelope, FastPathPDU, KeyboardButton, LatencyStats,
  MouseButton, MouseMove, MouseWheel, Ping, PNGFrame, RDPResponsePDU, Rectangle, ServerHello, SharedDirectoryRemove, SyncKeys,
} from '../../gen/teleport/desktop/v1/tdpb_pb.js';
import { EMPTY_BYTES, WireReader, type MessageReader } from './wire-reader.js';

// Hand-written decoders of tdpb.proto: each returns what fromBinary(…, { readUnknownFields: false })
// returns, so reading needs no protobuf runtime. Payloads the player ignores are decoded too, so
// that every envelope fromBinary refuses is refused here as well.

/** Mirrors `teleport.desktop.v1.Rectangle` (tdpb.proto). */
function readRectangle(r: WireReader, m?: Rectangle): Rectangle {
  m ??= { $typeName: 'teleport.desktop.v1.Rectangle', left: 0, top: 0, right: 0, bottom: 0 };
  while (r.more()) {
    switch (r.field()) {
      case 1: m.left = r.uint32(); break;
      case 2: m.top = r.uint32(); break;
      case 3: m.right = r.uint32(); break;
      case 4: m.bottom = r.uint32(); break;
      default: r.skip();
    }
  }
  return m;
}

/** Mirrors `teleport.desktop.v1.ConnectionActivated` (tdpb.proto). */
function readConnectionActivated(r: WireReader, m?: ConnectionActivated): ConnectionActivated {
  m ??= { $typeName: 'teleport.desktop.v1.ConnectionActivated', ioChannelId: 0, userChannelId: 0, screenWidth: 0, screenHeight: 0 };
  while (r.more()) {
    switch (r.field()) {
      case 1: m.ioChannelId = r.uint32(); break;
      case 2: m.userChannelId = r.uint32(); break;
      case 3: m.screenWidth = r.uint32(); break;
      case 4: m.screenHeight = r.uint32(); break;
      default: r.skip();
    }
  }
  return m;
}

/** Mirrors `teleport.desktop.v1.ClientScreenSpec` (tdpb.proto). */
function readClientScreenSpec(r: WireReader, m?: ClientScreenSpec): ClientScreenSpec {
  m ??= { $typeName: 'teleport.desktop.v1.ClientScreenSpec', width: 0, height: 0, scale: 0 };
  while (r.more()) {
    switch (r.field()) {
      case 1: m.width = r.uint32(); break;
      case 2: m.height = r.uint32(); break;
      case 3: m.scale = r.uint32(); break;
      default: r.skip();
    }
  }
  return m;
}

/** Mirrors `teleport.desktop.v1.ClientHello` (tdpb.proto). */
function readClientHello(r: WireReader, m?: ClientHello): ClientHello {
  m ??= { $typeName: 'teleport.desktop.v1.ClientHello', username: '', keyboardLayout: 0 };
  while (r.more()) {
    switch (r.field()) {
      case 1: m.username = r.string(); break;
      case 2: m.screenSpec = r.message(readClientScreenSpec, m.screenSpec); break;
      case 3: m.keyboardLayout = r.uint32(); break;
      default: r.skip();
    }
  }
  return m;
}

/** Mirrors `teleport.desktop.v1.ServerHello` (tdpb.proto). */
function readServerHello(r: WireReader, m?: ServerHello): ServerHello {
  m ??= { $typeName: 'teleport.desktop.v1.ServerHello', clipboardEnabled: false, directoryRemoveSupported: false, hidpiSupported: false };
  while (r.more()) {
    switch (r.field()) {
      case 1: m.activationSpec = r.message(readConnectionActivated, m.activationSpec); break;
      case 2: m.clipboardEnabled = r.bool(); break;
      case 3: m.directoryRemoveSupported = r.bool(); break;
      case 5: m.hidpiSupported = r.bool(); break;
      default: r.skip();
    }
  }
  return m;
}

/** Mirrors `teleport.desktop.v1.PNGFrame` (tdpb.proto). */
function readPngFrame(r: WireReader, m?: PNGFrame): PNGFrame {
  m ??= { $typeName: 'teleport.desktop.v1.PNGFrame', data: EMPTY_BYTES };
  while (r.more()) {
    switch (r.field()) {
      case 1: m.coordinates = r.message(readRectangle, m.coordinates); break;
      case 2: m.data = r.bytes(); break;
      default: r.skip();
    }
  }
  return m;
}

/** Mirrors `teleport.desktop.v1.FastPathPDU` (tdpb.proto). */
function readFastPathPdu(r: WireReader, m?: FastPathPDU): FastPathPDU {
  m ??= { $typeName: 'teleport.desktop.v1.FastPathPDU', pdu: EMPTY_BYTES };
  while (r.more()) {
    if (r.field() === 1) m.pdu = r.bytes();
    else r.skip();
  }
  return m;
}

/** Mirrors `teleport.desktop.v1.RDPResponsePDU` (tdpb.proto). */
function readRdpResponsePdu(r: WireReader, m?: RDPResponsePDU): RDPResponsePDU {
  m ??= { $typeName: 'teleport.desktop.v1.RDPResponsePDU', response: EMPTY_BYTES };
  while (r.more()) {
    if (r.field() === 1) m.response = r.bytes();
    else r.skip();
  }
  return m;
}

/** Mirrors `teleport.desktop.v1.SyncKeys` (tdpb.proto). */
function readSyncKeys(r: WireReader, m?: SyncKeys): SyncKeys {
  m ??= { $typeName: 'teleport.desktop.v1.SyncKeys', scrollLock: false, numLock: false, capsLock: false, kanaLock: false };
  while (r.more()) {
    switch (r.field()) {
      case 1: m.scrollLock = r.bool(); break;
      case 2: m.numLock = r.bool(); break;
      case 3: m.capsLock = r.bool(); break;
      case 4: m.kanaLock = r.bool(); break;
      default: r.skip();
    }
  }
  return m;
}

/** Mirrors `teleport.desktop.v1.MouseMove` (tdpb.proto). */
function readMouseMove(r: WireReader, m?: MouseMove): MouseMove {
  m ??= { $typeName: 'teleport.desktop.v1.MouseMove', x: 0, y: 0 };
  while (r.more()) {
    switch (r.field()) {
      case 1: m.x = r.uint32(); break;
      case 2: m.y = r.uint32(); break;
      default: r.skip();
    }
  }
  return m;
}

/** Mirrors `teleport.desktop.v1.MouseButton` (tdpb.proto). */
function readMouseButton(r: WireReader, m?: MouseButton): MouseButton {
  m ??= { $typeName: 'teleport.desktop.v1.MouseButton', button: 0, pressed: false };
  while (r.more()) {
    switch (r.field()) {
      case 1: m.button = r.int32(); break;
      case 2: m.pressed = r.bool(); break;
      default: r.skip();
    }
  }
  return m;
}

/** Mirrors `teleport.desktop.v1.KeyboardButton` (tdpb.proto). */
function readKeyboardButton(r: WireReader, m?: KeyboardButton): KeyboardButton {
  m ??= { $typeName: 'teleport.desktop.v1.KeyboardButton', keyCode: 0, pressed: false };
  while (r.more()) {
    switch (r.field()) {
      case 1: m.keyCode = r.uint32(); break;
      case 2: m.pressed = r.bool(); break;
      default: r.skip();
    }
  }
  return m;
}

/** Mirrors `teleport.desktop.v1.Alert` (tdpb.proto). */
function readAlert(r: WireReader, m?: Alert): Alert {
  m ??= { $typeName: 'teleport.desktop.v1.Alert', message: '', severity: 0 };
  while (r.more()) {
    switch (r.field()) {
      case 1: m.message = r.string(); break;
      case 2: m.severity = r.int32(); break;
      default: r.skip();
    }
  }
  return m;
}

/** Mirrors `teleport.desktop.v1.MouseWheel` (tdpb.proto). */
function readMouseWheel(r: WireReader, m?: MouseWheel): MouseWheel {
  m ??= { $typeName: 'teleport.desktop.v1.MouseWheel', axis: 0, delta: 0 };
  while (r.more()) {
    switch (r.field()) {
      case 1: m.axis = r.int32(); break;
      case 2: m.delta = r.int32(); break;
      default: r.skip();
    }
  }
  return m;
}

/** Mirrors `teleport.desktop.v1.ClipboardData` (tdpb.proto). */
function readClipboardData(r: WireReader, m?: ClipboardData): ClipboardData {
  m ??= { $typeName: 'teleport.desktop.v1.ClipboardData', data: EMPTY_BYTES };
  while (r.more()) {
    if (r.field() === 1) m.data = r.bytes();
    else r.skip();
  }
  return m;
}

/** Mirrors `teleport.desktop.v1.LatencyStats` (tdpb.proto). */
function readLatencyStats(r: WireReader, m?: LatencyStats): LatencyStats {
  m ??= { $typeName: 'teleport.desktop.v1.LatencyStats', clientLatencyMs: 0, serverLatencyMs: 0 };
  while (r.more()) {
    switch (r.field()) {
      case 1: m.clientLatencyMs = r.uint32(); break;
      case 2: m.serverLatencyMs = r.uint32(); break;
      default: r.skip();
    }
  }
  return m;
}

/** Mirrors `teleport.desktop.v1.Ping` (tdpb.proto). */
function readPing(r: WireReader, m?: Ping): Ping {
  m ??= { $typeName: 'teleport.desktop.v1.Ping', uuid: EMPTY_BYTES };
  while (r.more()) {
    if (r.field() === 1) m.uuid = r.bytes();
    else r.skip();
  }
  return m;
}

/** Mirrors `teleport.desktop.v1.SharedDirectoryRemove` (tdpb.proto). */
function readSharedDirectoryRemove(r: WireReader, m?: SharedDirectoryRemove): SharedDirectoryRemove {
  m ??= { $typeName: 'teleport.desktop.v1.SharedDirectoryRemove', directoryId: 0 };
  while (r.more()) {
    if (r.field() === 1) m.directoryId = r.uint32();
    else r.skip();
  }
  return m;
}

type EnvelopePayload = Exclude<Envelope['payload'], { case: undefined }>;
type PayloadCase = EnvelopePayload['case'];
type PayloadMember = { [C in PayloadCase]: readonly [C, MessageReader<Extract<EnvelopePayload, { case: C }>['value']>] }[PayloadCase];

/** The cases of Envelope.payload by field number. */
const payloadMembers: Partial<Record<number, PayloadMember>> = {
  1: ['clientHello', readClientHello],
  2: ['serverHello', readServerHello],
  3: ['pngFrame', readPngFrame],
  4: ['fastPathPdu', readFastPathPdu],
  5: ['rdpResponsePdu', readRdpResponsePdu],
  6: ['syncKeys', readSyncKeys],
  7: ['mouseMove', readMouseMove],
  8: ['mouseButton', readMouseButton],
  9: ['keyboardButton', readKeyboardButton],
  10: ['clientScreenSpec', readClientScreenSpec],
  11: ['alert', readAlert],
  12: ['mouseWheel', readMouseWheel],
  13: ['clipboardData', readClipboardData],
  19: ['latencyStats', readLatencyStats],
  20: ['ping', readPing],
  21: ['sharedDirectoryRemove', readSharedDirectoryRemove],
};

/** Whether `field` of an Envelope is a payload the readers know. */
export const isEnvelopePayloadField = (field: number): boolean => payloadMembers[field] !== undefined;

/** Decodes a teleport.desktop.v1.Envelope (the bytes after the length prefix); malformed protobuf throws an Error. */
export function decodeTdpbEnvelope(bytes: Uint8Array): Envelope {
  const reader = new WireReader(bytes);
  let payload: Envelope['payload'] = { case: undefined };
  while (reader.more()) {
    const member = payloadMembers[reader.field()];
    if (!member) {
      reader.skip();
      continue;
    }
    const [name, read] = member as readonly [PayloadCase, MessageReader<EnvelopePayload['value']>];
    // A case read again merges into the value before it, like any message field.
    payload = { case: name, value: reader.message(read, payload.case === name ? payload.value : undefined) } as EnvelopePayload;
  }
  return { $typeName: 'teleport.desktop.v1.Envelope', payload };
}
