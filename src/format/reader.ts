import {
  FLAG_ENCRYPTED,
  MAX_RECORD_BYTES,
  ProtoStreamVersion,
  RECORD_HEADER_BYTES,
  V1_HEADER_BYTES,
  V2_HEADER_BYTES,
  headerBytesOf,
  readUint64,
  type PartHeader,
} from './container.js';
import { ErrorReason, RecordingError } from './errors.js';
import { timestampToMs, type RecordedEvent } from './events.js';
import { readDesktopRecordingRecord } from './wire/desktop-recording-record.js';
import { createMemberInflater, defaultInflateEngine, resolveInflateEngine, type InflateEngine, type MemberInflater } from './inflate.js';

export interface ReaderOptions {
  /** Inflate engine. Default: `wasm`, or where it cannot compile `native` in browsers and workers, `fflate` elsewhere (see `resolveInflateEngine`). */
  inflate: InflateEngine;
  /**
   * Largest part (and padding) size a header may declare, in bytes. Default 256 MiB: Teleport
   * cuts parts at about 5 MiB, so anything near this is damage, never a reason to allocate.
   */
  maxPartBytes: number;
  /** Largest inflated size of one part, in bytes. Default 512 MiB; stops gzip bombs. */
  maxInflatedPartBytes: number;
  /**
   * The whole file may inflate to at most `inflateAllowanceBytes + maxInflateRatio × compressed
   * bytes read so far`. Recordings inflate 1.2–2× (their screen data is PNG or RDP-compressed
   * already); deflate can reach 1032×, so a bomb spread over many parts, each under the part limit,
   * is stopped here after a bounded amount of work. Defaults: 64 MiB and 32.
   */
  inflateAllowanceBytes: number;
  maxInflateRatio: number;
}

/** The full decoder of audit events (a chunk): screen data, nearly every record, is read without it. */
type AuditEventDecoder = typeof import('./wire/audit-events.js');

export interface ReadResult {
  /** Events decoded from the bytes pushed, in file order, duplicates already removed. */
  events: RecordedEvent[];
  /** Set once the recording turned out damaged; every event before the damage was returned. */
  error?: RecordingError;
}

export interface ReaderStats {
  /** Highest part version seen (1 or 2), 0 before the first header. */
  version: number;
  /** Parts started, empty ones included. */
  parts: number;
  /** Bytes of the file consumed. */
  bytes: number;
  /** Events returned. */
  events: number;
  /** Bytes inflated from all parts so far. */
  inflatedBytes: number;
  /** Events skipped because their `Metadata.Index` was not above the last one (Teleport de-duplicates so). */
  duplicates: number;
  /** Records whose event type this reader does not know (skipped). */
  unknownEvents: number;
}

/** Parts this large or smaller keep their compressed bytes while the native engine inflates them, so a
 * native failure (e.g. bytes dangling after the gzip member, which DecompressionStream rejects) can
 * be replayed through fflate without losing output. Larger parts go to fflate directly. */
const NATIVE_RETAIN_LIMIT = 16 * 1024 * 1024;
/** Compressed bytes handed to the inflater in one step (deflate expands at most ~1032×). */
const INFLATE_STEP_BYTES = 64 * 1024;

/**
 * Events handed to `onEvents` at a time while records decode. A 64 KiB piece of
 * small records (pointer moves, alerts) holds about 7,000 events: held all at once, they outlived
 * the young generation's collections and made it grow to its largest size.
 */
export const EVENT_BATCH = 256;

const megabytes = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

const defaults = (): ReaderOptions => ({
  inflate: defaultInflateEngine(),
  maxPartBytes: 256 * 1024 * 1024,
  maxInflatedPartBytes: 512 * 1024 * 1024,
  inflateAllowanceBytes: 64 * 1024 * 1024,
  maxInflateRatio: 32,
});

type State = 'header' | 'body' | 'padding' | 'failed';

interface OpenPart {
  header: PartHeader;
  offset: number;
  bodyLeft: number;
  inflater: MemberInflater;
  engine: InflateEngine;
  /** Compressed bytes kept for a replay through fflate; undefined when not kept. */
  retained: Uint8Array[] | undefined;
  /** Inflated bytes handed to the record splitter so far. */
  inflatedBytes: number;
  records: RecordSplitter;
}

/**
 * Streaming, push-based reader of recording files (spec §1.4): chunks of any size in, events out.
 * It follows Teleport's `ProtoReader`: V1 and V2 part headers, empty parts, padding, bytes dangling
 * after a part's gzip member skipped, one gzip member per part, the 64 KiB record limit, and
 * de-duplication by `Metadata.Index`. It is lenient at the tail: a file cut short yields every
 * event before the cut, then a `truncated` error.
 */
export class RecordingReader {
  private readonly options: ReaderOptions;
  private state: State = 'header';
  private readonly headerBuffer = new Uint8Array(V2_HEADER_BYTES);
  private headerFill = 0;
  private paddingLeft = 0;
  private part: OpenPart | undefined;
  private lastIndex = -1;
  private failure: RecordingError | undefined;
  private readonly counters: ReaderStats = { version: 0, parts: 0, bytes: 0, inflatedBytes: 0, events: 0, duplicates: 0, unknownEvents: 0 };
  /** Asked for when the reader is made, so it is there by the time the first bytes are (session starts and ends are a handful of records). */
  private readonly decoderLoading: Promise<AuditEventDecoder | Error> = import('./wire/audit-events.js').catch((error: unknown) =>
    error instanceof Error ? error : new Error(String(error)),
  );
  private decoder: AuditEventDecoder | undefined;
  /** `options.inflate`, or what replaces it where it cannot run; known before the first part opens. */
  private engine: InflateEngine | undefined;
  /** Asked for when the reader is made, as the decoder is (the WebAssembly inflater is a chunk). */
  private readonly engineResolving: Promise<InflateEngine>;
  /**
   * When set, events go here while they decode, in order, at most EVENT_BATCH at a time, and `push`
   * and `end` return only the last few: a piece of many small records never keeps all of its events
   * at once. It must not throw.
   */
  onEvents: ((events: RecordedEvent[]) => void) | undefined;

  constructor(options: Partial<ReaderOptions> = {}) {
    this.options = { ...defaults(), ...options };
    this.engineResolving = resolveInflateEngine(this.options.inflate);
  }

  get stats(): Readonly<ReaderStats> {
    return this.counters;
  }

  get error(): RecordingError | undefined {
    return this.failure;
  }

  /** Whether the reader still keeps bytes of `buffer` (views of the open part's chunks, for a replay through fflate). */
  holds(buffer: ArrayBufferLike): boolean {
    return this.part?.retained?.some((piece) => piece.buffer === buffer) ?? false;
  }

  /**
   * Reads the next bytes of the file. The reader may keep a view of `chunk` until the part it
   * belongs to ends (to replay it if the native inflater fails): do not change its bytes while
   * `holds(chunk.buffer)`. With `onEvents` set, the result holds only the last few events.
   */
  async push(chunk: Uint8Array): Promise<ReadResult> {
    const events: RecordedEvent[] = [];
    if (this.state !== 'failed') {
      try {
        await this.prepare();
        await this.consume(chunk, events);
      } catch (error) {
        this.fail(error);
      }
    }
    return this.result(events);
  }

  /** The file has no more bytes. */
  async end(): Promise<ReadResult> {
    const events: RecordedEvent[] = [];
    if (this.state !== 'failed') {
      try {
        this.checkComplete(await this.drainTruncatedPart(events));
      } catch (error) {
        this.fail(error);
      }
    }
    return this.result(events);
  }

  /** Stops reading and frees the inflater. */
  cancel(): void {
    this.part?.inflater.cancel();
    this.part = undefined;
    this.state = 'failed';
  }

  private async prepare(): Promise<void> {
    this.engine ??= await this.engineResolving;
    if (this.decoder) return;
    const loaded = await this.decoderLoading;
    if (loaded instanceof Error) throw new RecordingError(ErrorReason.Network, `the player's audit event decoder could not be loaded: ${loaded.message}`, 0);
    this.decoder = loaded;
  }

  private result(events: RecordedEvent[]): ReadResult {
    return this.failure ? { events, error: this.failure } : { events };
  }

  private fail(error: unknown): void {
    this.part?.inflater.cancel();
    const offset = this.part?.offset ?? this.counters.bytes;
    this.part = undefined;
    this.state = 'failed';
    this.failure =
      error instanceof RecordingError
        ? error.atByte >= 0
          ? error
          : new RecordingError(error.reason, `${error.message} (part at byte ${offset})`, offset)
        : new RecordingError(ErrorReason.Corrupt, `unreadable data at byte ${offset}: ${String(error)}`, offset);
  }

  private async consume(chunk: Uint8Array, events: RecordedEvent[]): Promise<void> {
    let at = 0;
    while (at < chunk.length) {
      const available = chunk.length - at;
      if (this.state === 'header') {
        const taken = this.fillHeader(chunk.subarray(at));
        at += taken;
        this.counters.bytes += taken;
      } else if (this.state === 'body') {
        const part = this.part!;
        // At most 64 KiB per inflate step, so a gzip bomb inflates at most ~66 MB before the
        // part's inflated size is checked, however large the pushed chunk.
        const taken = Math.min(part.bodyLeft, available, INFLATE_STEP_BYTES);
        const piece = chunk.subarray(at, at + taken);
        at += taken;
        this.counters.bytes += taken;
        part.bodyLeft -= taken;
        await this.inflate(part, events, piece);
        if (part.bodyLeft === 0) await this.closePart(part, events);
      } else {
        const taken = Math.min(this.paddingLeft, available);
        at += taken;
        this.counters.bytes += taken;
        this.paddingLeft -= taken;
        if (this.paddingLeft === 0) this.state = 'header';
      }
    }
  }

  /** Copies header bytes; returns how many were taken. Opens the part once the header is whole. */
  private fillHeader(bytes: Uint8Array): number {
    const headerStart = this.counters.bytes - this.headerFill;
    let wanted = this.headerFill < 8 ? 8 : headerBytesOf(this.peekVersion(headerStart));
    let taken = 0;
    while (this.headerFill < wanted && taken < bytes.length) {
      const count = Math.min(wanted - this.headerFill, bytes.length - taken);
      this.headerBuffer.set(bytes.subarray(taken, taken + count), this.headerFill);
      this.headerFill += count;
      taken += count;
      if (this.headerFill === 8) wanted = headerBytesOf(this.peekVersion(headerStart));
    }
    if (this.headerFill === wanted && wanted > 8) this.openPart(headerStart);
    return taken;
  }

  /** The version field of the header being read; throws if it is not one a reader can handle. */
  private peekVersion(headerStart: number): number {
    const view = new DataView(this.headerBuffer.buffer);
    const version = readUint64(view, 0);
    if (version === ProtoStreamVersion.V1 || version === ProtoStreamVersion.V2) return version;
    if (headerStart === 0 && this.headerBuffer[0] === 0x1f && this.headerBuffer[1] === 0x8b) {
      throw new RecordingError(ErrorReason.NotARecording, 'this is a bare gzip file, not a session recording (no part header)', 0);
    }
    if (version > 2 && version < 256) {
      throw new RecordingError(ErrorReason.UnsupportedVersion, `part at byte ${headerStart} has format version ${version}; versions 1 and 2 are supported`, headerStart);
    }
    if (headerStart === 0) {
      throw new RecordingError(ErrorReason.NotARecording, 'this file is not a session recording (it does not start with a part header)', 0);
    }
    throw new RecordingError(ErrorReason.Corrupt, `no valid part header at byte ${headerStart}`, headerStart);
  }

  private openPart(offset: number): void {
    const view = new DataView(this.headerBuffer.buffer);
    const version = readUint64(view, 0) as ProtoStreamVersion;
    const header: PartHeader = {
      version,
      partSize: readUint64(view, 8),
      paddingSize: readUint64(view, 16),
      flags: version === ProtoStreamVersion.V2 ? this.headerBuffer[24]! : 0,
      headerBytes: headerBytesOf(version),
    };
    this.headerFill = 0;
    this.counters.parts += 1;
    this.counters.version = Math.max(this.counters.version, version);
    const limit = this.options.maxPartBytes;
    if (header.partSize > limit || header.paddingSize > limit) {
      const size = Math.max(header.partSize, header.paddingSize);
      throw new RecordingError(ErrorReason.Corrupt, `part at byte ${offset} declares ${size === Infinity ? 'over 2^53' : size} bytes, more than the ${limit}-byte limit`, offset);
    }
    if (header.flags & FLAG_ENCRYPTED) {
      throw new RecordingError(ErrorReason.Encrypted, `part at byte ${offset} is encrypted (Teleport recording encryption); it can only be played where the cluster's keys are`, offset);
    }
    this.paddingLeft = header.paddingSize;
    if (header.partSize === 0) {
      this.state = header.paddingSize === 0 ? 'header' : 'padding';
      return;
    }
    const engine = this.engine === 'native' && header.partSize > NATIVE_RETAIN_LIMIT ? 'fflate' : this.engine!;
    this.part = {
      header,
      offset,
      bodyLeft: header.partSize,
      inflater: createMemberInflater(engine),
      engine,
      retained: engine === 'native' ? [] : undefined,
      inflatedBytes: 0,
      records: new RecordSplitter(offset),
    };
    this.state = 'body';
  }

  private async inflate(part: OpenPart, events: RecordedEvent[], piece: Uint8Array): Promise<void> {
    // A view, not a copy (a copy of every piece made the reader measurably slower): see push() and holds().
    part.retained?.push(piece);
    let output: Uint8Array[];
    try {
      output = await part.inflater.push(piece);
    } catch (error) {
      output = await this.replayWithFflate(part, error, 'push');
    }
    this.deliver(part, output, events);
  }

  private async closePart(part: OpenPart, events: RecordedEvent[]): Promise<void> {
    let output: Uint8Array[];
    try {
      output = await part.inflater.finish();
    } catch (error) {
      output = await this.replayWithFflate(part, error, 'finish');
    }
    this.deliver(part, output, events);
    part.records.checkBoundary();
    this.part = undefined;
    this.state = this.paddingLeft > 0 ? 'padding' : 'header';
  }

  /**
   * The native engine failed: inflate the part's bytes again with fflate, which ignores bytes after
   * the member and reports real damage precisely, and skip what was already delivered.
   */
  private async replayWithFflate(part: OpenPart, error: unknown, upTo: 'push' | 'finish' | 'cut'): Promise<Uint8Array[]> {
    if (!part.retained) throw error;
    const retained = part.retained;
    part.inflater.cancel();
    part.inflater = createMemberInflater('fflate');
    part.engine = 'fflate';
    part.retained = undefined;
    const output: Uint8Array[] = [];
    for (const piece of retained) output.push(...(await part.inflater.push(piece)));
    if (upTo === 'finish') output.push(...(await part.inflater.finish()));
    return skipBytes(output, part.inflatedBytes);
  }

  private deliver(part: OpenPart, output: Uint8Array[], events: RecordedEvent[]): void {
    for (const data of output) {
      part.inflatedBytes += data.length;
      this.counters.inflatedBytes += data.length;
      if (part.inflatedBytes > this.options.maxInflatedPartBytes) {
        throw new RecordingError(ErrorReason.Corrupt, `part at byte ${part.offset} inflates past ${this.options.maxInflatedPartBytes} bytes (a gzip bomb?)`, part.offset);
      }
      const fileLimit = this.options.inflateAllowanceBytes + this.options.maxInflateRatio * this.counters.bytes;
      if (this.counters.inflatedBytes > fileLimit) {
        throw new RecordingError(
          ErrorReason.Corrupt,
          `the first ${megabytes(this.counters.bytes)} of the recording inflate to more than ${megabytes(fileLimit)}, far more than any recording does (a gzip bomb?)`,
          part.offset,
        );
      }
      part.records.push(data, (bytes, start, end, recordOffset) => this.decodeRecord(part, bytes, start, end, recordOffset, events));
    }
  }

  private decodeRecord(part: OpenPart, bytes: Uint8Array, start: number, end: number, recordOffset: number, events: RecordedEvent[]): void {
    // Screen data, nearly every record, is read lean: no Metadata, Timestamp or bigints unless asked.
    const recording = readDesktopRecordingRecord(bytes, start, end);
    if (recording) {
      this.take({ event: { case: 'desktopRecording', value: recording }, index: recording.index, timeMs: recording.timeMs, partOffset: part.offset, recordOffset }, events);
      return;
    }
    let event;
    try {
      event = this.decoder!.decodeAuditEvent(bytes.subarray(start, end));
    } catch (error) {
      throw new RecordingError(ErrorReason.Corrupt, `record at offset ${recordOffset} of the part at byte ${part.offset} is not a valid event (${error instanceof Error ? error.message : error})`, part.offset);
    }
    if (!event) {
      this.counters.unknownEvents += 1;
      return;
    }
    const metadata = event.value.metadata;
    this.take({ event, index: Number(metadata?.index ?? 0n), timeMs: timestampToMs(metadata?.time), partOffset: part.offset, recordOffset }, events);
  }

  /** Keeps an event unless its index is not above the last one (a duplicate). */
  private take(recorded: RecordedEvent, events: RecordedEvent[]): void {
    if (recorded.index <= this.lastIndex) {
      this.counters.duplicates += 1;
      return;
    }
    this.lastIndex = recorded.index;
    this.counters.events += 1;
    events.push(recorded);
    if (this.onEvents && events.length >= EVENT_BATCH) this.onEvents(events.splice(0));
  }

  /** At the end of the file inside a part: hand out every whole record that can still be inflated. */
  private async drainTruncatedPart(events: RecordedEvent[]): Promise<number> {
    const part = this.part;
    if (this.state !== 'body' || !part) return 0;
    if (part.engine === 'native' && part.retained) {
      this.deliver(part, await this.replayWithFflate(part, undefined, 'cut'), events);
    }
    return part.bodyLeft;
  }

  private checkComplete(bodyMissing: number): void {
    const at = this.counters.bytes;
    if (this.state === 'header' && this.headerFill === 0) {
      if (at === 0) throw new RecordingError(ErrorReason.NotARecording, 'the file is empty', 0);
      return;
    }
    const where =
      this.state === 'header'
        ? `inside a part header (${this.headerFill} of ${this.headerFill < 8 ? V1_HEADER_BYTES : headerBytesOf(readUint64(new DataView(this.headerBuffer.buffer), 0))} bytes)`
        : this.state === 'body'
          ? `inside the data of the part at byte ${this.part!.offset} (${bodyMissing} bytes missing)`
          : `inside the padding of a part (${this.paddingLeft} bytes missing)`;
    throw new RecordingError(ErrorReason.Truncated, `the recording ends early, at byte ${at}, ${where}; everything before was read`, at);
  }
}

/** Splits a part's inflated bytes into `u32 BE length + payload` records; payloads are handed as ranges of the inflated bytes where they lie in one piece. */
class RecordSplitter {
  private pending: Uint8Array | undefined;
  private pendingFill = 0;
  private readonly lengthBytes = new Uint8Array(RECORD_HEADER_BYTES);
  private lengthFill = 0;
  private offset = 0;
  private recordStart = 0;

  constructor(private readonly partOffset: number) {}

  push(data: Uint8Array, onRecord: (bytes: Uint8Array, start: number, end: number, recordOffset: number) => void): void {
    let at = 0;
    while (at < data.length) {
      if (this.pending) {
        const count = Math.min(this.pending.length - this.pendingFill, data.length - at);
        this.pending.set(data.subarray(at, at + count), this.pendingFill);
        this.pendingFill += count;
        at += count;
        if (this.pendingFill === this.pending.length) {
          const payload = this.pending;
          this.pending = undefined;
          onRecord(payload, 0, payload.length, this.recordStart);
        }
        continue;
      }
      this.recordStart = this.offset + at - this.lengthFill;
      if (this.lengthFill === 0 && data.length - at >= RECORD_HEADER_BYTES) {
        const length = this.checkLength(readUint32(data, at));
        at += RECORD_HEADER_BYTES;
        if (data.length - at >= length) {
          onRecord(data, at, at + length, this.recordStart);
          at += length;
        } else {
          this.startPending(length);
        }
        continue;
      }
      const count = Math.min(RECORD_HEADER_BYTES - this.lengthFill, data.length - at);
      this.lengthBytes.set(data.subarray(at, at + count), this.lengthFill);
      this.lengthFill += count;
      at += count;
      if (this.lengthFill === RECORD_HEADER_BYTES) {
        this.lengthFill = 0;
        this.startPending(this.checkLength(readUint32(this.lengthBytes, 0)));
      }
    }
    this.offset += data.length;
  }

  /** The part's gzip member ended: it must end between records. */
  checkBoundary(): void {
    if (this.pending || this.lengthFill > 0) {
      throw new RecordingError(ErrorReason.Corrupt, `the part at byte ${this.partOffset} ends inside a record (at offset ${this.recordStart})`, this.partOffset);
    }
  }

  private startPending(length: number): void {
    this.pending = new Uint8Array(length);
    this.pendingFill = 0;
  }

  private checkLength(length: number): number {
    if (length === 0) {
      throw new RecordingError(ErrorReason.Corrupt, `record of length 0 at offset ${this.recordStart} of the part at byte ${this.partOffset}`, this.partOffset);
    }
    if (length > MAX_RECORD_BYTES) {
      throw new RecordingError(ErrorReason.RecordTooLarge, `record of ${length} bytes at offset ${this.recordStart} of the part at byte ${this.partOffset}; the limit is ${MAX_RECORD_BYTES}`, this.partOffset);
    }
    return length;
  }
}

function readUint32(bytes: Uint8Array, at: number): number {
  return ((bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!) >>> 0;
}

function skipBytes(chunks: Uint8Array[], count: number): Uint8Array[] {
  const kept: Uint8Array[] = [];
  for (const chunk of chunks) {
    if (count >= chunk.length) {
      count -= chunk.length;
      continue;
    }
    kept.push(count > 0 ? chunk.subarray(count) : chunk);
    count = 0;
  }
  return kept;
}

export interface ReadAllResult {
  events: RecordedEvent[];
  error: RecordingError | undefined;
  stats: ReaderStats;
}

export type RecordingBytes = Uint8Array | AsyncIterable<Uint8Array> | Iterable<Uint8Array>;

/**
 * Feeds every chunk of `source` to `reader` and then ends it, handing each batch of events to
 * `take`; stops at the first error (left in `reader.error`). Never throws for bad data.
 */
export async function pumpRecording(reader: RecordingReader, source: RecordingBytes, take: (events: RecordedEvent[]) => void): Promise<void> {
  for await (const chunk of source instanceof Uint8Array ? [source] : source) {
    const result = await reader.push(chunk);
    take(result.events);
    if (result.error) return;
  }
  take((await reader.end()).events);
}

/** Reads a whole recording from bytes or a stream of chunks; never throws for bad data (see `error`). */
export async function readRecording(source: RecordingBytes, options: Partial<ReaderOptions> = {}): Promise<ReadAllResult> {
  const reader = new RecordingReader(options);
  const events: RecordedEvent[] = [];
  // Not `push(...batch)`: one push of a whole file can be millions of events, past the call stack's limit.
  await pumpRecording(reader, source, (batch) => {
    for (const event of batch) events.push(event);
  });
  return { events, error: reader.error, stats: { ...reader.stats } };
}
