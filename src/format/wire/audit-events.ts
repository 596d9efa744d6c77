// Hand-written readers of events.proto (`proto/teleport/legacy/types/events/events.proto`): reading
// needs no protobuf runtime and is several times faster than the generated code. Each reader names
// the message it mirrors; test/node/wire-schema.test.ts fails when the schema has a field a reader
// does not read, or a reader reads a number the schema gives another field.
import type {
  ConnectionMetadata, DesktopClipboardReceive, DesktopClipboardSend, DesktopRecording, DesktopSharedDirectoryRead,
  DesktopSharedDirectoryStart, DesktopSharedDirectoryWrite, SessionEnd, SessionMetadata, SessionPrint,
  SessionStart, Status, UserMetadata, WindowsDesktopSessionEnd, WindowsDesktopSessionStart, LinuxDesktopSessionEnd,
  LinuxDesktopSessionStart,
} from '../../gen/teleport/legacy/types/events/events_pb.js';
import { AuditMarkers } from '../audit-markers.js';
import type { AuditEvent, AuditEventCase } from '../events.js';
import { labelAuditEventsWith } from '../timeline.js';
import { readMetadata, readTimestamp } from './metadata.js';
import { EMPTY_BYTES, WireReader, type MessageReader } from './wire-reader.js';

// Hand-written decoders of events.proto: reading needs no protobuf runtime, and is several times
// faster. Each returns what fromBinary(…, { readUnknownFields: false }) returns: proto3 zero values,
// sub-messages absent until read, a sub-message read twice merged. They throw on everything
// fromBinary refuses, and on the few malformed inputs it reads leniently (see wire.ts).

/** Mirrors `events.SessionMetadata` (events.proto). */
function readSession(r: WireReader, m?: SessionMetadata): SessionMetadata {
  m ??= { $typeName: 'events.SessionMetadata', sessionId: '', withMfa: '', privateKeyPolicy: '' };
  while (r.more()) {
    switch (r.field()) {
      case 1: m.sessionId = r.string(); break;
      case 2: m.withMfa = r.string(); break;
      case 3: m.privateKeyPolicy = r.string(); break;
      default: r.skip();
    }
  }
  return m;
}

/** Mirrors `events.UserMetadata` (events.proto). */
function readUser(r: WireReader, m?: UserMetadata): UserMetadata {
  m ??= {
    $typeName: 'events.UserMetadata', user: '', login: '', impersonator: '', awsRoleArn: '', accessRequests: [], azureIdentity: '',
    gcpServiceAccount: '', requiredPrivateKeyPolicy: '', userKind: 0, botName: '', botInstanceId: '', userOrigin: 0, userRoles: [],
    userClusterName: '', beamId: '', botScopeOfOrigin: '',
  };
  while (r.more()) {
    switch (r.field()) {
      case 1: m.user = r.string(); break;
      case 2: m.login = r.string(); break;
      case 3: m.impersonator = r.string(); break;
      case 4: m.awsRoleArn = r.string(); break;
      case 5: m.accessRequests.push(r.string()); break;
      case 6: m.azureIdentity = r.string(); break;
      case 7: m.gcpServiceAccount = r.string(); break;
      case 9: m.requiredPrivateKeyPolicy = r.string(); break;
      case 10: m.userKind = r.int32(); break;
      case 11: m.botName = r.string(); break;
      case 12: m.botInstanceId = r.string(); break;
      case 13: m.userOrigin = r.int32(); break;
      case 14: m.userRoles.push(r.string()); break;
      case 16: m.userClusterName = r.string(); break;
      case 18: m.beamId = r.string(); break;
      case 19: m.botScopeOfOrigin = r.string(); break;
      default: r.skip();
    }
  }
  return m;
}

/** Mirrors `events.ConnectionMetadata` (events.proto). */
function readConnection(r: WireReader, m?: ConnectionMetadata): ConnectionMetadata {
  m ??= { $typeName: 'events.ConnectionMetadata', localAddr: '', remoteAddr: '', protocol: '' };
  while (r.more()) {
    switch (r.field()) {
      case 1: m.localAddr = r.string(); break;
      case 2: m.remoteAddr = r.string(); break;
      case 3: m.protocol = r.string(); break;
      default: r.skip();
    }
  }
  return m;
}

/** Mirrors `events.Status` (events.proto). */
function readStatus(r: WireReader, m?: Status): Status {
  m ??= { $typeName: 'events.Status', success: false, error: '', userMessage: '' };
  while (r.more()) {
    switch (r.field()) {
      case 1: m.success = r.bool(); break;
      case 2: m.error = r.string(); break;
      case 3: m.userMessage = r.string(); break;
      default: r.skip();
    }
  }
  return m;
}

/** Mirrors `events.SessionStart` (events.proto). */
function readSessionStart(r: WireReader, m?: SessionStart): SessionStart {
  m ??= { $typeName: 'events.SessionStart', terminalSize: '', initialCommand: [], sessionRecording: '', invited: [], reason: '' };
  while (r.more()) {
    switch (r.field()) {
      case 1: m.metadata = r.message(readMetadata, m.metadata); break;
      case 2: m.user = r.message(readUser, m.user); break;
      case 3: m.session = r.message(readSession, m.session); break;
      case 5: m.connection = r.message(readConnection, m.connection); break;
      case 6: m.terminalSize = r.string(); break;
      case 9: m.initialCommand.push(r.string()); break;
      case 10: m.sessionRecording = r.string(); break;
      case 12: m.invited.push(r.string()); break;
      case 13: m.reason = r.string(); break;
      default: r.skip();
    }
  }
  return m;
}

/** Mirrors `events.SessionPrint` (events.proto). */
function readSessionPrint(r: WireReader, m?: SessionPrint): SessionPrint {
  m ??= { $typeName: 'events.SessionPrint', chunkIndex: 0n, data: EMPTY_BYTES, bytes: 0n, delayMilliseconds: 0n, offset: 0n };
  while (r.more()) {
    switch (r.field()) {
      case 1: m.metadata = r.message(readMetadata, m.metadata); break;
      case 2: m.chunkIndex = r.int64(); break;
      case 3: m.data = r.bytes(); break;
      case 4: m.bytes = r.int64(); break;
      case 5: m.delayMilliseconds = r.int64(); break;
      case 6: m.offset = r.int64(); break;
      default: r.skip();
    }
  }
  return m;
}

/** Mirrors `events.SessionEnd` (events.proto). */
function readSessionEnd(r: WireReader, m?: SessionEnd): SessionEnd {
  m ??= {
    $typeName: 'events.SessionEnd', enhancedRecording: false, interactive: false, participants: [], initialCommand: [], sessionRecording: '',
  };
  while (r.more()) {
    switch (r.field()) {
      case 1: m.metadata = r.message(readMetadata, m.metadata); break;
      case 2: m.user = r.message(readUser, m.user); break;
      case 3: m.session = r.message(readSession, m.session); break;
      case 4: m.connection = r.message(readConnection, m.connection); break;
      case 6: m.enhancedRecording = r.bool(); break;
      case 7: m.interactive = r.bool(); break;
      case 8: m.participants.push(r.string()); break;
      case 9: m.startTime = r.message(readTimestamp, m.startTime); break;
      case 10: m.endTime = r.message(readTimestamp, m.endTime); break;
      case 13: m.initialCommand.push(r.string()); break;
      case 14: m.sessionRecording = r.string(); break;
      default: r.skip();
    }
  }
  return m;
}

/** Mirrors `events.WindowsDesktopSessionStart` (events.proto). */
function readWindowsDesktopSessionStart(r: WireReader, m?: WindowsDesktopSessionStart): WindowsDesktopSessionStart {
  m ??= {
    $typeName: 'events.WindowsDesktopSessionStart', windowsDesktopService: '', desktopAddr: '', domain: '', windowsUser: '',
    desktopLabels: {}, desktopName: '', allowUserCreation: false, nla: false,
  };
  while (r.more()) {
    switch (r.field()) {
      case 1: m.metadata = r.message(readMetadata, m.metadata); break;
      case 2: m.user = r.message(readUser, m.user); break;
      case 3: m.session = r.message(readSession, m.session); break;
      case 4: m.connection = r.message(readConnection, m.connection); break;
      case 5: m.status = r.message(readStatus, m.status); break;
      case 6: m.windowsDesktopService = r.string(); break;
      case 7: m.desktopAddr = r.string(); break;
      case 8: m.domain = r.string(); break;
      case 9: m.windowsUser = r.string(); break;
      case 10: r.mapEntry(m.desktopLabels); break;
      case 11: m.desktopName = r.string(); break;
      case 12: m.allowUserCreation = r.bool(); break;
      case 13: m.nla = r.bool(); break;
      default: r.skip();
    }
  }
  return m;
}

/** Mirrors `events.WindowsDesktopSessionEnd` (events.proto). */
function readWindowsDesktopSessionEnd(r: WireReader, m?: WindowsDesktopSessionEnd): WindowsDesktopSessionEnd {
  m ??= {
    $typeName: 'events.WindowsDesktopSessionEnd', windowsDesktopService: '', desktopAddr: '', domain: '', windowsUser: '',
    desktopLabels: {}, desktopName: '', recorded: false, participants: [],
  };
  while (r.more()) {
    switch (r.field()) {
      case 1: m.metadata = r.message(readMetadata, m.metadata); break;
      case 2: m.user = r.message(readUser, m.user); break;
      case 3: m.session = r.message(readSession, m.session); break;
      case 4: m.windowsDesktopService = r.string(); break;
      case 5: m.desktopAddr = r.string(); break;
      case 6: m.domain = r.string(); break;
      case 7: m.windowsUser = r.string(); break;
      case 8: r.mapEntry(m.desktopLabels); break;
      case 9: m.startTime = r.message(readTimestamp, m.startTime); break;
      case 10: m.endTime = r.message(readTimestamp, m.endTime); break;
      case 11: m.desktopName = r.string(); break;
      case 12: m.recorded = r.bool(); break;
      case 13: m.participants.push(r.string()); break;
      case 14: m.connection = r.message(readConnection, m.connection); break;
      default: r.skip();
    }
  }
  return m;
}

/** Mirrors `events.LinuxDesktopSessionStart` (events.proto). */
function readLinuxDesktopSessionStart(r: WireReader, m?: LinuxDesktopSessionStart): LinuxDesktopSessionStart {
  m ??= { $typeName: 'events.LinuxDesktopSessionStart', desktopAddr: '', linuxUser: '', desktopLabels: {}, desktopName: '' };
  while (r.more()) {
    switch (r.field()) {
      case 1: m.metadata = r.message(readMetadata, m.metadata); break;
      case 2: m.user = r.message(readUser, m.user); break;
      case 3: m.session = r.message(readSession, m.session); break;
      case 4: m.connection = r.message(readConnection, m.connection); break;
      case 5: m.status = r.message(readStatus, m.status); break;
      case 6: m.desktopAddr = r.string(); break;
      case 7: m.linuxUser = r.string(); break;
      case 8: r.mapEntry(m.desktopLabels); break;
      case 9: m.desktopName = r.string(); break;
      default: r.skip();
    }
  }
  return m;
}

/** Mirrors `events.LinuxDesktopSessionEnd` (events.proto). */
function readLinuxDesktopSessionEnd(r: WireReader, m?: LinuxDesktopSessionEnd): LinuxDesktopSessionEnd {
  m ??= { $typeName: 'events.LinuxDesktopSessionEnd', desktopAddr: '', linuxUser: '', desktopLabels: {}, desktopName: '', recorded: false, participants: [] };
  while (r.more()) {
    switch (r.field()) {
      case 1: m.metadata = r.message(readMetadata, m.metadata); break;
      case 2: m.user = r.message(readUser, m.user); break;
      case 3: m.session = r.message(readSession, m.session); break;
      case 4: m.connection = r.message(readConnection, m.connection); break;
      case 5: m.desktopAddr = r.string(); break;
      case 6: m.linuxUser = r.string(); break;
      case 7: r.mapEntry(m.desktopLabels); break;
      case 8: m.startTime = r.message(readTimestamp, m.startTime); break;
      case 9: m.endTime = r.message(readTimestamp, m.endTime); break;
      case 10: m.desktopName = r.string(); break;
      case 11: m.recorded = r.bool(); break;
      case 12: m.participants.push(r.string()); break;
      default: r.skip();
    }
  }
  return m;
}

/** Mirrors `events.DesktopRecording` (events.proto). */
function readDesktopRecording(r: WireReader, m?: DesktopRecording): DesktopRecording {
  m ??= { $typeName: 'events.DesktopRecording', message: EMPTY_BYTES, delayMilliseconds: 0n, tdpbMessage: EMPTY_BYTES };
  while (r.more()) {
    switch (r.field()) {
      case 1: m.metadata = r.message(readMetadata, m.metadata); break;
      case 2: m.message = r.bytes(); break;
      case 3: m.delayMilliseconds = r.int64(); break;
      case 4: m.tdpbMessage = r.bytes(); break;
      default: r.skip();
    }
  }
  return m;
}

/** Mirrors `events.DesktopClipboardSend` and `events.DesktopClipboardReceive` (events.proto). */
function readClipboard<T extends DesktopClipboardSend | DesktopClipboardReceive>(r: WireReader, m: T): T {
  while (r.more()) {
    switch (r.field()) {
      case 1: m.metadata = r.message(readMetadata, m.metadata); break;
      case 2: m.user = r.message(readUser, m.user); break;
      case 3: m.session = r.message(readSession, m.session); break;
      case 4: m.connection = r.message(readConnection, m.connection); break;
      case 5: m.desktopAddr = r.string(); break;
      case 6: m.length = r.int32(); break;
      case 7: m.desktopName = r.string(); break;
      default: r.skip();
    }
  }
  return m;
}

/** Mirrors `events.DesktopClipboardSend` (events.proto). */
function readClipboardSend(r: WireReader, m?: DesktopClipboardSend): DesktopClipboardSend {
  return readClipboard(r, m ?? { $typeName: 'events.DesktopClipboardSend', desktopAddr: '', length: 0, desktopName: '' });
}

/** Mirrors `events.DesktopClipboardReceive` (events.proto). */
function readClipboardReceive(r: WireReader, m?: DesktopClipboardReceive): DesktopClipboardReceive {
  return readClipboard(r, m ?? { $typeName: 'events.DesktopClipboardReceive', desktopAddr: '', length: 0, desktopName: '' });
}

/** Mirrors `events.DesktopSharedDirectoryStart` (events.proto). */
function readDirectoryStart(r: WireReader, m?: DesktopSharedDirectoryStart): DesktopSharedDirectoryStart {
  m ??= { $typeName: 'events.DesktopSharedDirectoryStart', desktopAddr: '', directoryName: '', directoryId: 0, desktopName: '' };
  while (r.more()) {
    switch (r.field()) {
      case 1: m.metadata = r.message(readMetadata, m.metadata); break;
      case 2: m.user = r.message(readUser, m.user); break;
      case 3: m.session = r.message(readSession, m.session); break;
      case 4: m.connection = r.message(readConnection, m.connection); break;
      case 5: m.status = r.message(readStatus, m.status); break;
      case 6: m.desktopAddr = r.string(); break;
      case 7: m.directoryName = r.string(); break;
      case 8: m.directoryId = r.uint32(); break;
      case 9: m.desktopName = r.string(); break;
      default: r.skip();
    }
  }
  return m;
}

/** Mirrors `events.DesktopSharedDirectoryRead` and `events.DesktopSharedDirectoryWrite` (events.proto). */
function readFileAccess<T extends DesktopSharedDirectoryRead | DesktopSharedDirectoryWrite>(r: WireReader, m: T): T {
  while (r.more()) {
    switch (r.field()) {
      case 1: m.metadata = r.message(readMetadata, m.metadata); break;
      case 2: m.user = r.message(readUser, m.user); break;
      case 3: m.session = r.message(readSession, m.session); break;
      case 4: m.connection = r.message(readConnection, m.connection); break;
      case 5: m.status = r.message(readStatus, m.status); break;
      case 6: m.desktopAddr = r.string(); break;
      case 7: m.directoryName = r.string(); break;
      case 8: m.directoryId = r.uint32(); break;
      case 9: m.path = r.string(); break;
      case 10: m.length = r.uint32(); break;
      case 11: m.offset = r.uint64(); break;
      case 12: m.desktopName = r.string(); break;
      default: r.skip();
    }
  }
  return m;
}

/** Mirrors `events.DesktopSharedDirectoryRead` (events.proto). */
function readDirectoryRead(r: WireReader, m?: DesktopSharedDirectoryRead): DesktopSharedDirectoryRead {
  return readFileAccess(r, m ?? { $typeName: 'events.DesktopSharedDirectoryRead', desktopAddr: '', directoryName: '', directoryId: 0, path: '', length: 0, offset: 0n, desktopName: '' });
}

/** Mirrors `events.DesktopSharedDirectoryWrite` (events.proto). */
function readDirectoryWrite(r: WireReader, m?: DesktopSharedDirectoryWrite): DesktopSharedDirectoryWrite {
  return readFileAccess(r, m ?? { $typeName: 'events.DesktopSharedDirectoryWrite', desktopAddr: '', directoryName: '', directoryId: 0, path: '', length: 0, offset: 0n, desktopName: '' });
}

type EventValue<C extends AuditEventCase> = Extract<AuditEvent, { case: C }>['value'];
type EventMember = { [C in AuditEventCase]: readonly [C, MessageReader<EventValue<C>>] }[AuditEventCase];

/** The cases of OneOf.event by field number. */
const eventMembers: Partial<Record<number, EventMember>> = {
  5: ['sessionStart', readSessionStart],
  7: ['sessionPrint', readSessionPrint],
  10: ['sessionEnd', readSessionEnd],
  59: ['windowsDesktopSessionStart', readWindowsDesktopSessionStart],
  60: ['windowsDesktopSessionEnd', readWindowsDesktopSessionEnd],
  69: ['desktopRecording', readDesktopRecording],
  70: ['desktopClipboardSend', readClipboardSend],
  71: ['desktopClipboardReceive', readClipboardReceive],
  106: ['desktopSharedDirectoryStart', readDirectoryStart],
  107: ['desktopSharedDirectoryRead', readDirectoryRead],
  108: ['desktopSharedDirectoryWrite', readDirectoryWrite],
  254: ['linuxDesktopSessionStart', readLinuxDesktopSessionStart],
  255: ['linuxDesktopSessionEnd', readLinuxDesktopSessionEnd],
};

// No audit event exists before this module decodes it: the timeline's labeller of audit events comes
// along (in this chunk, not the worker's initial bundle) and is set before any is placed.
labelAuditEventsWith((timeline) => new AuditMarkers(timeline));

/** Decodes one record payload; `undefined` when it holds an event type this reader does not know. Malformed protobuf throws an Error. */
export function decodeAuditEvent(payload: Uint8Array): AuditEvent | undefined {
  const reader = new WireReader(payload);
  let event: AuditEvent | undefined;
  while (reader.more()) {
    const member = eventMembers[reader.field()];
    if (!member) {
      reader.skip();
      continue;
    }
    const [name, read] = member as readonly [AuditEventCase, MessageReader<AuditEvent['value']>];
    // A case read again merges into the value before it, like any message field.
    event = { case: name, value: reader.message(read, event?.case === name ? event.value : undefined) } as AuditEvent;
  }
  return event;
}
