// The lean read of a DesktopRecording record, nearly every record of a recording. Decoding each in
// full built a Metadata, a Timestamp, three bigints and views of its strings, which the player
// reads only a few fields of; a 1-hour recording of 100,000 alerts allocated about 1 KB per record,
// and what a batch of records held survived into the worker's old generation. This reads the fields
// playback needs straight from the wire with one shared reader, and decodes the metadata only when
// asked. Anything unusual (a field repeated that protobuf would merge, a negative or huge integer,
// malformed bytes) is left to the full decoder, which gives the exact result or the exact error.
import type { DesktopRecording, Metadata } from '../../gen/teleport/legacy/types/events/events_pb.js';
import { unixMsOf } from '../events.js';
import { readMetadata } from './metadata.js';
import { EMPTY_BYTES, WireReader } from './wire-reader.js';

/** `events.OneOf.desktop_recording` (events.proto). */
const ONE_OF_DESKTOP_RECORDING = 69;

/**
 * A DesktopRecording read from the wire: the screen message and delay are read, the metadata is
 * decoded on first use. `index` and `timeMs` are what the reader needs of the metadata.
 */
export class WireDesktopRecording implements DesktopRecording {
  readonly $typeName = 'events.DesktopRecording' as const;
  private decodedMetadata: Metadata | undefined = undefined;

  constructor(
    readonly message: Uint8Array,
    readonly tdpbMessage: Uint8Array,
    /** DelayMilliseconds, exactly (below 2^53). */
    readonly delayMs: number,
    /** Metadata.Index, exactly (below 2^53). */
    readonly index: number,
    /** Metadata.Time in Unix ms, as `timestampToMs` gives it. */
    readonly timeMs: number | undefined,
    /** The record's bytes and where its Metadata lies in them (start < 0: none). */
    private readonly source: Uint8Array,
    private readonly metadataStart: number,
    private readonly metadataEnd: number,
  ) {}

  get delayMilliseconds(): bigint {
    return BigInt(this.delayMs);
  }

  get metadata(): Metadata | undefined {
    if (this.metadataStart < 0) return undefined;
    return (this.decodedMetadata ??= readMetadata(new WireReader(this.source, this.metadataStart, this.metadataEnd)));
  }
}

// What one scan found, for every record (the scan is synchronous and never nested). Module
// variables, not an object: the minifier shortens them, and the worker bundle has no bytes to spare.
let message: Uint8Array = EMPTY_BYTES;
let tdpbMessage: Uint8Array = EMPTY_BYTES;
let delayMs = 0;
let index = 0;
let seconds = 0;
let nanos = 0;
let metadataStart = -1;
let metadataEnd = -1;
let timeSeen = false;
/** Cleared when the record needs the full decoder. */
let lean = true;
const scanner = new WireReader(EMPTY_BYTES);

/**
 * The DesktopRecording in the record at `bytes[start, end)`, or undefined when the record holds
 * another event or anything the full decoder has to read (`decodeAuditEvent`).
 */
export function readDesktopRecordingRecord(bytes: Uint8Array, start: number, end: number): WireDesktopRecording | undefined {
  const r = scanner;
  r.reset(bytes, start, end);
  message = tdpbMessage = EMPTY_BYTES;
  delayMs = index = seconds = nanos = 0;
  metadataStart = metadataEnd = -1;
  timeSeen = false;
  lean = true;
  try {
    if (!r.more() || r.field() !== ONE_OF_DESKTOP_RECORDING) return undefined;
    r.message(scanRecording);
    // Another field after it (a second event, merged by protobuf): the full decoder.
    if (!lean || r.more()) return undefined;
  } catch {
    return undefined;
  }
  const timeMs = timeSeen ? unixMsOf(seconds, nanos) : undefined;
  return new WireDesktopRecording(message, tdpbMessage, delayMs, index, timeMs, bytes, metadataStart, metadataEnd);
}

/** A uint64 or int64 field below 2^53 and not negative, else -1 (and the record goes to the full decoder). */
function exact(r: WireReader): number {
  const value = r.exactUint64() ?? -1;
  lean &&= value >= 0;
  return value;
}

/** `events.DesktopRecording`: 1 metadata, 2 message, 3 delay_milliseconds, 4 tdpb_message. */
function scanRecording(r: WireReader): void {
  while (lean && r.more()) {
    switch (r.field()) {
      case 1:
        // A second Metadata would merge into the first: the full decoder.
        lean = metadataStart < 0;
        if (lean) r.message(scanMetadata);
        break;
      case 2: message = r.bytes(); break;
      case 3: delayMs = exact(r); break;
      case 4: tdpbMessage = r.bytes(); break;
      default: r.skip();
    }
  }
}

/** `events.Metadata`: 1 index and 5 time read, the rest (strings) decoded only on use. */
function scanMetadata(r: WireReader): void {
  metadataStart = r.at;
  metadataEnd = r.end;
  while (lean && r.more()) {
    switch (r.field()) {
      case 1: index = exact(r); break;
      case 5:
        lean = !timeSeen;
        if (lean) r.message(scanTimestamp);
        break;
      default: r.skip();
    }
  }
}

/** `google.protobuf.Timestamp`: 1 seconds, 2 nanos. */
function scanTimestamp(r: WireReader): void {
  timeSeen = true;
  while (lean && r.more()) {
    switch (r.field()) {
      case 1: seconds = exact(r); break;
      case 2: nanos = r.int32(); break;
      default: r.skip();
    }
  }
}
