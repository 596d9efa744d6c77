import { FLAG_ENCRYPTED, ProtoStreamVersion, V1_HEADER_BYTES, headerBytesOf, readUint64, type PartHeader } from './container.js';
import type { RecordedEvent } from './events.js';
import { RecordingReader } from './reader.js';

/**
 * Reading a recording from its end (a Range read of the tail, or a slice of a Blob): parts are
 * self-delimiting only from the front (`docs/recording-format.md` §1.2), so the last part is found
 * in the last bytes of the file by a header whose part ends exactly at the end of the file, with a
 * gzip member where its data starts; decoding it proves it. Pure byte work: the fetching lives in
 * the feeds.
 */

/** A part located by its header inside bytes read from the file. */
export interface LocatedPart {
  /** File offset of the part header. */
  offset: number;
  /** File offset just past the part's padding. */
  end: number;
  header: PartHeader;
}

/** The gzip magic and the deflate method byte every part's data starts with. */
const GZIP_START = [0x1f, 0x8b, 0x08];

/**
 * Headers in `tailBytes` (the bytes of the file from `tailStart`) whose part ends at `endOffset`,
 * latest first (the smallest part is the likeliest and the cheapest to prove). A candidate is only
 * a candidate: bytes inside compressed data can look like a header; `decodeTailPart` proves it.
 */
export function partsEndingAt(tailBytes: Uint8Array, tailStart: number, endOffset: number): LocatedPart[] {
  const found: LocatedPart[] = [];
  for (let at = tailBytes.length - V1_HEADER_BYTES; at >= 0; at--) {
    const located = partHeaderAt(tailBytes, tailStart, at, endOffset);
    if (located?.end === endOffset) found.push(located);
  }
  return found;
}

/**
 * A part header that may start at `bytes[at]` (the file's byte `bytesStart + at`): a known version,
 * zero reserved bytes, a part that ends no later than `fileLength`, and a gzip member where its data
 * starts (when that is in `bytes`). Only a candidate: compressed data can look like this by chance.
 */
export function partHeaderAt(bytes: Uint8Array, bytesStart: number, at: number, fileLength: number): LocatedPart | undefined {
  // The u64 version: seven zero bytes, then 1 or 2.
  const version = bytes[at + 7];
  if (version !== ProtoStreamVersion.V1 && version !== ProtoStreamVersion.V2) return undefined;
  const headerBytes = headerBytesOf(version);
  if (at + headerBytes > bytes.length) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (readUint64(view, at) !== version) return undefined;
  const partSize = readUint64(view, at + 8);
  const paddingSize = readUint64(view, at + 16);
  const end = bytesStart + at + headerBytes + partSize + paddingSize;
  if (!(end <= fileLength)) return undefined;
  const flags = version === ProtoStreamVersion.V2 ? bytes[at + 24]! : 0;
  if (version === ProtoStreamVersion.V2 && bytes.subarray(at + 25, at + 32).some((byte) => byte !== 0)) return undefined;
  const data = at + headerBytes;
  if (partSize > 0 && !(flags & FLAG_ENCRYPTED) && data + 3 <= bytes.length && GZIP_START.some((byte, i) => bytes[data + i] !== byte)) return undefined;
  return { offset: bytesStart + at, end, header: { version, partSize, paddingSize, flags, headerBytes } };
}

/**
 * The events of the part `located`, whose bytes `tailBytes` holds; undefined when they do not decode as
 * a whole part (a false candidate, a damaged or encrypted part).
 */
export async function decodeTailPart(tailBytes: Uint8Array, tailStart: number, located: LocatedPart): Promise<RecordedEvent[] | undefined> {
  if (located.header.flags & FLAG_ENCRYPTED) return undefined;
  const bytes = tailBytes.subarray(located.offset - tailStart, located.end - tailStart);
  const reader = new RecordingReader();
  const first = await reader.push(bytes);
  const last = await reader.end();
  if (first.error || last.error) return undefined;
  return [...first.events, ...last.events];
}

/** The last part found in the last bytes of a file, and what its events tell of the timeline. */
export interface TailPart {
  located: LocatedPart;
  times: TailTimes;
  /** Its session-end events (`noteSessionEnd` takes the recording's metadata from them). */
  sessionEnds: RecordedEvent[];
  /** The parts decoded, in file order (the last one, and those before it read for a time), with their events. */
  parts: Array<{ offset: number; end: number; events: RecordedEvent[] }>;
}

/**
 * Finds the last part of a file of `fileLength` bytes in `tailBytes` (its bytes from `tailStart`)
 * and decodes it; when it holds no event that places on the timeline (only untimed events), the
 * part before it too, and so on while `tailBytes` holds them. Undefined when no whole part ending
 * at the end of the file is in the tailBytes: a larger tailBytes may hold it.
 */
export async function readTailParts(tailBytes: Uint8Array, tailStart: number, fileLength: number): Promise<TailPart | undefined> {
  let endOffset = fileLength;
  let times: TailTimes | undefined;
  let last: LocatedPart | undefined;
  const sessionEnds: RecordedEvent[] = [];
  const parts: TailPart['parts'] = [];
  while (endOffset > tailStart) {
    let decoded: { located: LocatedPart; events: RecordedEvent[] } | undefined;
    for (const candidate of partsEndingAt(tailBytes, tailStart, endOffset)) {
      const events = await decodeTailPart(tailBytes, tailStart, candidate);
      if (events) {
        decoded = { located: candidate, events };
        break;
      }
    }
    if (!decoded) return undefined;
    last ??= decoded.located;
    parts.unshift({ offset: decoded.located.offset, end: decoded.located.end, events: decoded.events });
    times = mergeTailTimes(times, tailTimesOf(decoded.events));
    sessionEnds.unshift(...decoded.events.filter(({ event }) => event.case === 'windowsDesktopSessionEnd' || event.case === 'linuxDesktopSessionEnd' || event.case === 'sessionEnd'));
    if (times.lastDelayMs !== undefined || times.lastWallMs !== undefined || decoded.located.offset === 0) {
      await addPartsBefore(parts, tailBytes, tailStart);
      return { located: last, times, sessionEnds, parts };
    }
    endOffset = decoded.located.offset;
  }
  return undefined;
}

/** The whole parts before the last ones that the tail holds are decoded too, up to this many bytes. */
const MAX_EARLIER_PART_BYTES = 1024 * 1024;

/**
 * Decodes the whole parts `tailBytes` holds before `parts[0]` (up to MAX_EARLIER_PART_BYTES), adding
 * them in front: the recording's last stretch, which tells a seek whether parts compose its screen.
 */
async function addPartsBefore(parts: TailPart['parts'], tailBytes: Uint8Array, tailStart: number): Promise<void> {
  let decodedBytes = 0;
  while (parts[0]!.offset > tailStart && decodedBytes < MAX_EARLIER_PART_BYTES) {
    let found: TailPart['parts'][number] | undefined;
    for (const candidate of partsEndingAt(tailBytes, tailStart, parts[0]!.offset)) {
      const events = await decodeTailPart(tailBytes, tailStart, candidate);
      if (events) {
        found = { offset: candidate.offset, end: candidate.end, events };
        break;
      }
    }
    if (!found) return;
    decodedBytes += found.end - found.offset;
    parts.unshift(found);
  }
}

/** What the last events tell of the timeline (contract §3.3), before the front is known. */
export interface TailTimes {
  /** The largest `DelayMilliseconds` of a DesktopRecording event (timeline ms). */
  lastDelayMs: number | undefined;
  /** The latest `Metadata.Time` of any other event (wall-clock Unix ms): the origin places it. */
  lastWallMs: number | undefined;
}

export function tailTimesOf(events: readonly RecordedEvent[]): TailTimes {
  let lastDelayMs: number | undefined;
  let lastWallMs: number | undefined;
  for (const recorded of events) {
    const { event } = recorded;
    if (event.case === 'desktopRecording') lastDelayMs = Math.max(lastDelayMs ?? 0, Number(event.value.delayMilliseconds));
    else if (recorded.timeMs !== undefined) lastWallMs = Math.max(lastWallMs ?? -Infinity, recorded.timeMs);
  }
  return { lastDelayMs, lastWallMs };
}

function mergeTailTimes(a: TailTimes | undefined, b: TailTimes): TailTimes {
  if (!a) return b;
  const max = (x: number | undefined, y: number | undefined) => (x === undefined ? y : y === undefined ? x : Math.max(x, y));
  return { lastDelayMs: max(a.lastDelayMs, b.lastDelayMs), lastWallMs: max(a.lastWallMs, b.lastWallMs) };
}

/**
 * The recording's duration from its tail: the latest time of any event, where an event other than
 * DesktopRecording sits at its wall-clock time minus `originWallMs` (the `Metadata.Time` of the
 * first DesktopRecording, from the front of the file). Undefined while that is needed and unknown.
 */
export function tailDurationMs(times: TailTimes, originWallMs: number | undefined): number | undefined {
  if (times.lastWallMs !== undefined && originWallMs === undefined) return undefined;
  const wallMs = times.lastWallMs === undefined ? 0 : Math.max(0, times.lastWallMs - originWallMs!);
  return Math.max(times.lastDelayMs ?? 0, wallMs);
}

/**
 * The wall-clock time of timeline 0 as `TimelineBuilder` sets it: the `Metadata.Time` of the first
 * DesktopRecording event (or of the first event before it, when it has none). Undefined until the
 * front of the file has delivered a DesktopRecording event.
 */
export function originWallMsOf(front: readonly RecordedEvent[]): number | undefined {
  const first = front.findIndex((recorded) => recorded.event.case === 'desktopRecording');
  if (first < 0) return undefined;
  return front[first]!.timeMs ?? (first > 0 ? front[0]!.timeMs : undefined) ?? 0;
}
