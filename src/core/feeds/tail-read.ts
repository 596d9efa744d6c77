import { concatBytes } from '../../format/bytes.js';
import type { RecordedEvent } from '../../format/events.js';
import { originWallMsOf, readTailParts, tailDurationMs, type TailPart, type TailTimes } from '../../format/tail.js';
import { FIRST_TAIL_BYTES, type ReadRange } from './byte-ranges.js';

/**
 * Past this, the last part is not looked for: Teleport's parts are about 5 MiB at most (object
 * store uploads), so a tail this large that holds none is no recording's end.
 */
const MAX_TAIL_BYTES = 16 * 1024 * 1024;

/** What reading a file's end found (but the decoded parts), and what it cost. */
export type TailCost = Omit<TailRead, 'lastParts'>;

/** What reading a file's end found, and what it cost. */
export interface TailRead {
  /** What the last part's events tell of the timeline; undefined when no last part was found. */
  times: TailTimes | undefined;
  /** The session-end events among the last ones. */
  sessionEnds: RecordedEvent[];
  /** The last part(s), decoded (what the recording looks like at its end); none when no last part was found. */
  lastParts: TailPart['parts'];
  /** Bytes read, and reads made (round trips over HTTP). */
  bytes: number;
  reads: number;
}

/**
 * Reads the end of a file of `length` bytes through `read` in tails that grow fourfold (each read
 * fetches only the bytes before the previous one) until the last part is found and decodes.
 * `first`: the end read already (an HTTP suffix range that also told the length).
 */
export async function readTail(read: ReadRange, length: number, first?: { start: number; bytes: Uint8Array }): Promise<TailRead> {
  let tailBytes: Uint8Array = first?.bytes ?? new Uint8Array(0);
  let tailStart = first?.start ?? length;
  let reads = first ? 1 : 0;
  let size = Math.max(FIRST_TAIL_BYTES, length - tailStart);
  for (;;) {
    if (tailStart > Math.max(0, length - size)) {
      const start = Math.max(0, length - size);
      tailBytes = concatBytes([await read(start, tailStart), tailBytes]);
      tailStart = start;
      reads += 1;
    }
    const tail = await readTailParts(tailBytes, tailStart, length);
    if (tail) return { times: tail.times, sessionEnds: tail.sessionEnds, lastParts: tail.parts, bytes: tailBytes.length, reads };
    if (tailStart === 0 || size >= MAX_TAIL_BYTES) return { times: undefined, sessionEnds: [], lastParts: [], bytes: tailBytes.length, reads };
    size *= 4;
  }
}

/** Events kept from the front of the file while looking for the timeline's origin (it is among the first few). */
const MAX_FRONT_EVENTS = 256;

/**
 * Turns what the tail told into the duration: an audit event among the last ones is placed by the
 * origin, which the front of the file gives (the first DesktopRecording event).
 */
export class TailDuration {
  private times: TailTimes | undefined;
  private front: RecordedEvent[] | undefined = [];
  private originWallMs: number | undefined;
  private told = false;
  /** The whole duration, once told. */
  durationMs: number | undefined;
  /** The time of the last screen update the front delivered (where the download in order is, in time). */
  frontMs = 0;

  constructor(private readonly tell: (durationMs: number) => void) {}

  /** The wall-clock time of timeline 0, once the front told it. */
  get originMs(): number | undefined {
    return this.originWallMs;
  }

  /** The tail was read. */
  noteTail(times: TailTimes): void {
    this.times = times;
    this.tellOnceKnown();
  }

  /** Events from the front, before they are delivered (so the duration comes first). */
  noteFront(events: readonly RecordedEvent[]): void {
    for (let index = events.length - 1; index >= 0; index--) {
      const { event } = events[index]!;
      if (event.case !== 'desktopRecording') continue;
      this.frontMs = Number(event.value.delayMilliseconds);
      break;
    }
    if (!this.front || events.length === 0) return;
    for (const event of events) this.front.push(event);
    this.originWallMs = originWallMsOf(this.front);
    if (this.originWallMs !== undefined || this.front.length > MAX_FRONT_EVENTS) this.front = undefined;
    this.tellOnceKnown();
  }

  private tellOnceKnown(): void {
    if (this.told || !this.times) return;
    const durationMs = tailDurationMs(this.times, this.originWallMs);
    if (durationMs === undefined) return;
    this.told = true;
    this.durationMs = durationMs;
    this.tell(durationMs);
  }
}
