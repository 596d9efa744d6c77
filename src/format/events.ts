import { create, toBinary, type MessageInitShape } from '@bufbuild/protobuf';
import { timestampFromMs, type Timestamp } from '@bufbuild/protobuf/wkt';
import { OneOfSchema } from '../gen/teleport/legacy/types/events/events_pb.js';
import type { OneOf } from '../gen/teleport/legacy/types/events/events_pb.js';

/** Every audit event of the recording's OneOf, as `{ case, value }`. */
export type AuditEvent = Exclude<OneOf['event'], { case: undefined }>;
export type AuditEventCase = AuditEvent['case'];
/** What a writer accepts: the same `{ case, value }` with plain-object values. */
export type AuditEventInit = NonNullable<MessageInitShape<typeof OneOfSchema>['event']> & { case: AuditEventCase };

/** One event read from a recording, with where it came from. */
export interface RecordedEvent {
  event: AuditEvent;
  /** `Metadata.Index`: position in the session's event stream. */
  index: number;
  /** `Metadata.Time` in Unix ms, when set. */
  timeMs: number | undefined;
  /** File offset of the part holding this event (parts are the unit a reader can restart at). */
  partOffset: number;
  /** Offset of the record inside the part's inflated data. */
  recordOffset: number;
}

export function encodeAuditEvent(event: AuditEventInit): Uint8Array {
  return toBinary(OneOfSchema, create(OneOfSchema, { event } as MessageInitShape<typeof OneOfSchema>));
}

export function timestampToMs(timestamp: Timestamp | undefined): number | undefined {
  return timestamp && unixMsOf(Number(timestamp.seconds), timestamp.nanos);
}

/** A timestamp's seconds and nanos in Unix ms; undefined for the zero timestamp (not set). */
export function unixMsOf(seconds: number, nanos: number): number | undefined {
  return seconds === 0 && nanos === 0 ? undefined : seconds * 1000 + Math.round(nanos / 1_000_000);
}

export function timestampOfMs(ms: number): Timestamp {
  return timestampFromMs(ms);
}
