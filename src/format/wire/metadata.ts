// Hand-written readers of the metadata every audit event carries (events.proto, timestamp.proto),
// as the full decoder of audit events (audit-events.ts, a chunk) and the lean read of screen data
// (desktop-recording-record.ts, in the worker) both need them. Same rules as audit-events.ts.
import type { Timestamp } from '@bufbuild/protobuf/wkt';
import type { Metadata } from '../../gen/teleport/legacy/types/events/events_pb.js';
import type { WireReader } from './wire-reader.js';

/** Mirrors `google.protobuf.Timestamp` (google/protobuf/timestamp.proto). */
function readTimestamp(r: WireReader, m?: Timestamp): Timestamp {
  m ??= { $typeName: 'google.protobuf.Timestamp', seconds: 0n, nanos: 0 };
  while (r.more()) {
    switch (r.field()) {
      case 1: m.seconds = r.int64(); break;
      case 2: m.nanos = r.int32(); break;
      default: r.skip();
    }
  }
  return m;
}

/** Mirrors `events.Metadata` (events.proto). */
function readMetadata(r: WireReader, m?: Metadata): Metadata {
  m ??= { $typeName: 'events.Metadata', index: 0n, type: '', id: '', code: '', clusterName: '' };
  while (r.more()) {
    switch (r.field()) {
      case 1: m.index = r.int64(); break;
      case 2: m.type = r.string(); break;
      case 3: m.id = r.string(); break;
      case 4: m.code = r.string(); break;
      case 5: m.time = r.message(readTimestamp, m.time); break;
      case 6: m.clusterName = r.string(); break;
      default: r.skip();
    }
  }
  return m;
}

export { readMetadata, readTimestamp };
