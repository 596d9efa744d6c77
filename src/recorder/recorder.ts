import { MAX_RECORD_BYTES } from '../format/container.js';
import { AuditEventType } from '../format/audit-event-types.js';
import { encodeAuditEvent, timestampOfMs, type AuditEventCase, type AuditEventInit } from '../format/events.js';
import { decodeTdp, decodeTdpb, encodeTdpb, isTdpb, TdpMessageType, tdpbPayloadField } from '../format/tdp.js';
import type { DesktopKind } from '../format/timeline.js';
import { RecordingWriter } from '../format/writer.js';
import type { RecorderSink } from './sinks.js';

/** Who the session belongs to; copied into the session and audit events. */
export interface SessionInfo {
  sessionId: string;
  clusterName: string;
  /** Teleport user. */
  user: string;
  /** For a Linux desktop, the resource's name (its host's id), as Teleport puts it in both. */
  desktopName: string;
  desktopAddr: string;
  /** `windows` (default): Windows desktop session events; `linux`: Linux desktop session events (Teleport 2026). */
  desktopKind?: DesktopKind;
  /** The Windows user (Windows desktops). */
  windowsUser?: string;
  /** The Linux user (Linux desktops). */
  linuxUser?: string;
  windowsDomain?: string;
  desktopService?: string;
  labels?: Record<string, string>;
  /** Address of the user's client (`addr.local` in Teleport's desktop events). */
  clientAddr?: string;
}

export type RecordingMode = 'sync' | 'async';

/**
 * How screen messages are written: `tdp` as they come (legacy TDP in `Message`, TDPB in
 * `TDPBMessage`); `tdpb` as Teleport 2026 writes them, every message in `TDPBMessage` (legacy
 * ones converted; one without a TDPB form stays legacy).
 */
export type RecordingProtocol = 'tdp' | 'tdpb';

export interface RecorderOptions {
  sink: RecorderSink;
  session: SessionInfo;
  /**
   * `sync`: each event is in the sink before `record()` resolves; a sink failure fails the
   * session. `async` (default): events are buffered locally in parts and uploaded at the end.
   */
  mode: RecordingMode;
  /** `tdp` (default) or `tdpb`: see RecordingProtocol. */
  protocol: RecordingProtocol;
  /** Part size in bytes (async mode), default 5 MiB. */
  partSize: number;
  /** Pad non-last parts to `partSize` (object stores with a minimum part size). Default false. */
  padParts: boolean;
  /** Wall clock in Unix ms (tests pass their own). */
  now: () => number;
  /** Upload attempts per part in async mode, default 5, with exponential backoff from `retryDelayMs` (default 200). */
  uploadAttempts: number;
  retryDelayMs: number;
}

export type MessageSource = 'client' | 'server';

export interface RecorderStats {
  /** Events written (session, audit and DesktopRecording events). */
  events: number;
  /** TDP messages written as DesktopRecording events. */
  recorded: number;
  /** Messages never recorded for privacy: keyboard, mouse wheel, clipboard contents. */
  droppedPrivate: number;
  /** Messages over the 64 KiB record limit, dropped as Teleport drops them. */
  droppedTooLarge: number;
  /** Other messages that recordings do not hold (shared-directory traffic, latency, …). */
  droppedNotRecordable: number;
  /** Parts handed to the sink. */
  parts: number;
  bytes: number;
}

export type SharedDirectoryEvent =
  | { kind: 'start'; directoryId: number; directoryName: string; success?: boolean; error?: string }
  | { kind: 'read' | 'write'; directoryId: number; directoryName: string; path: string; length: number; offset: number; success?: boolean; error?: string };

/** Legacy TDP types a recording holds (spec §3.6): screen, pointer, screen size, errors, alerts. */
const RECORDED_TDP = new Set<number>([
  TdpMessageType.ClientScreenSpec, TdpMessageType.PngFrame, TdpMessageType.MouseMove, TdpMessageType.MouseButton,
  TdpMessageType.Error, TdpMessageType.Png2Frame, TdpMessageType.Alert, TdpMessageType.RdpFastPathPdu, TdpMessageType.ConnectionActivated,
]);
const PRIVATE_TDP = new Set<number>([TdpMessageType.KeyboardButton, TdpMessageType.MouseWheel, TdpMessageType.ClipboardData]);

/** TDPB Envelope payload fields (spec §3.3). */
const TdpbPayload = { ServerHello: 2, PngFrame: 3, FastPathPdu: 4, MouseMove: 7, MouseButton: 8, KeyboardButton: 9, ClientScreenSpec: 10, Alert: 11, MouseWheel: 12, ClipboardData: 13 } as const;
const RECORDED_TDPB = new Set<number>([TdpbPayload.ServerHello, TdpbPayload.PngFrame, TdpbPayload.FastPathPdu, TdpbPayload.MouseMove, TdpbPayload.MouseButton, TdpbPayload.ClientScreenSpec, TdpbPayload.Alert]);
const PRIVATE_TDPB = new Set<number>([TdpbPayload.KeyboardButton, TdpbPayload.MouseWheel, TdpbPayload.ClipboardData]);

/**
 * The recording side: takes the TDP messages of a live desktop session and writes a
 * Teleport-compatible recording (contract §5).
 */
export class Recorder {
  readonly stats: RecorderStats = { events: 0, recorded: 0, droppedPrivate: 0, droppedTooLarge: 0, droppedNotRecordable: 0, parts: 0, bytes: 0 };
  private readonly options: RecorderOptions;
  private readonly writer: RecordingWriter;
  private readonly spooled: Uint8Array[] = [];
  private nextIndex = 0;
  private firstRecordedAt: number | undefined;
  private startedAt: number | undefined;
  private ended = false;
  private failure: unknown;
  /** Sync mode: the flush that will carry the events written since the last one started. */
  private nextCommit: Promise<void> | undefined;
  private commits: Promise<void> = Promise.resolve();

  constructor(options: RecorderOptions) {
    this.options = options;
    this.writer = new RecordingWriter({ partSize: options.partSize, padParts: options.mode === 'async' && options.padParts });
  }

  /**
   * Emits WindowsDesktopSessionStart, or LinuxDesktopSessionStart for a Linux desktop (at
   * connect; `success: false` for a failed connect or refused access, with the error).
   */
  start(result: { success?: boolean; error?: string } = {}): Promise<void> {
    const s = this.options.session;
    const success = result.success ?? true;
    this.startedAt ??= this.options.now();
    const shared = { connection: this.connection(), status: { success, error: result.error ?? '' }, desktopAddr: s.desktopAddr, desktopLabels: s.labels ?? {}, desktopName: s.desktopName };
    if (s.desktopKind === 'linux') {
      return this.emit('linuxDesktopSessionStart', { ...this.common('linuxDesktopSessionStart', success), ...shared, linuxUser: s.linuxUser ?? '' });
    }
    return this.emit('windowsDesktopSessionStart', {
      ...this.common('windowsDesktopSessionStart', success),
      ...shared,
      windowsDesktopService: s.desktopService ?? '',
      domain: s.windowsDomain ?? '',
      windowsUser: s.windowsUser ?? '',
    });
  }

  /**
   * Takes one TDP (or framed TDPB) message of the session in either direction. Recordable
   * messages become DesktopRecording events; clipboard data becomes a clipboard audit event with
   * its length only; keyboard and wheel input are never recorded.
   */
  record(message: Uint8Array, from: MessageSource): Promise<void> {
    if (message.length === 0) return this.settled();
    const tdpb = isTdpb(message);
    const type = tdpb ? tdpbPayloadField(message) : message[0]!;
    if (tdpb ? type === TdpbPayload.ClipboardData : type === TdpMessageType.ClipboardData) {
      this.stats.droppedPrivate += 1;
      return this.clipboard(from, clipboardLength(message, tdpb));
    }
    if ((tdpb ? PRIVATE_TDPB : PRIVATE_TDP).has(type)) {
      this.stats.droppedPrivate += 1;
      return this.settled();
    }
    if (!(tdpb ? RECORDED_TDPB : RECORDED_TDP).has(type)) {
      this.stats.droppedNotRecordable += 1;
      return this.settled();
    }
    const now = this.options.now();
    this.firstRecordedAt ??= now;
    const written = this.options.protocol === 'tdpb' && !tdpb ? asTdpb(message) : message;
    const event: AuditEventInit = {
      case: 'desktopRecording',
      value: {
        metadata: { index: BigInt(this.nextIndex), type: AuditEventType.desktopRecording.type, time: timestampOfMs(now), clusterName: this.options.session.clusterName },
        ...(isTdpb(written) ? { tdpbMessage: written } : { message: written }),
        // Whole milliseconds, whatever clock `now` is (a fractional one would not fit the int64 field).
        delayMilliseconds: BigInt(Math.round(now - this.firstRecordedAt)),
      },
    };
    const payload = encodeAuditEvent(event);
    if (payload.length > MAX_RECORD_BYTES) {
      this.stats.droppedTooLarge += 1;
      return this.settled();
    }
    this.stats.recorded += 1;
    return this.append(payload);
  }

  /** A clipboard transfer: `client` = sent to the desktop, `server` = received from it. Only the length is kept. */
  clipboard(from: MessageSource, length: number): Promise<void> {
    const s = this.options.session;
    const kind = from === 'client' ? 'desktopClipboardSend' : 'desktopClipboardReceive';
    return this.emit(kind, { ...this.common(kind, true), connection: this.connection(), desktopAddr: s.desktopAddr, length, desktopName: s.desktopName });
  }

  /** A shared-directory audit event (directory shared, file read or written); never file contents. */
  sharedDirectory(event: SharedDirectoryEvent): Promise<void> {
    const s = this.options.session;
    const success = event.success ?? true;
    const base = {
      connection: this.connection(),
      status: { success, error: event.error ?? '' },
      desktopAddr: s.desktopAddr,
      directoryName: event.directoryName,
      directoryId: event.directoryId,
      desktopName: s.desktopName,
    };
    if (event.kind === 'start') return this.emit('desktopSharedDirectoryStart', { ...this.common('desktopSharedDirectoryStart', success), ...base });
    const kind = event.kind === 'read' ? 'desktopSharedDirectoryRead' : 'desktopSharedDirectoryWrite';
    return this.emit(kind, { ...this.common(kind, success), ...base, path: event.path, length: event.length, offset: BigInt(event.offset) });
  }

  /**
   * Ends the session: emits WindowsDesktopSessionEnd (LinuxDesktopSessionEnd for a Linux
   * desktop), closes the last part and completes the sink (in async mode, uploads every buffered
   * part first, retrying failures).
   */
  async end(participants: string[] = [this.options.session.user]): Promise<RecorderStats> {
    if (this.ended) throw new Error('the recorder has already ended');
    const s = this.options.session;
    const endedAt = this.options.now();
    const shared = {
      connection: this.connection(),
      desktopAddr: s.desktopAddr,
      desktopLabels: s.labels ?? {},
      startTime: timestampOfMs(this.startedAt ?? this.firstRecordedAt ?? endedAt),
      endTime: timestampOfMs(endedAt),
      desktopName: s.desktopName,
      recorded: true,
      participants,
    };
    if (s.desktopKind === 'linux') {
      await this.emit('linuxDesktopSessionEnd', { ...this.common('linuxDesktopSessionEnd', true), ...shared, linuxUser: s.linuxUser ?? '' });
    } else {
      await this.emit('windowsDesktopSessionEnd', {
        ...this.common('windowsDesktopSessionEnd', true),
        ...shared,
        windowsDesktopService: s.desktopService ?? '',
        domain: s.windowsDomain ?? '',
        windowsUser: s.windowsUser ?? '',
      });
    }
    this.ended = true;
    try {
      if (this.options.mode === 'sync') {
        await this.commits;
        this.throwIfFailed();
        for (const part of this.writer.finish()) await this.store(part);
      } else {
        this.spooled.push(...this.writer.finish());
        for (const part of this.spooled.splice(0)) await this.upload(part);
      }
      await this.options.sink.close();
    } catch (error) {
      await this.fail(error);
      throw error;
    }
    return { ...this.stats };
  }

  private common(kind: AuditEventCase, success: boolean) {
    const s = this.options.session;
    const names = AuditEventType[kind];
    return {
      metadata: {
        index: BigInt(this.nextIndex),
        type: names.type,
        id: randomId(),
        code: success ? names.code : names.failureCode ?? names.code,
        time: timestampOfMs(this.options.now()),
        clusterName: s.clusterName,
      },
      user: { user: s.user, login: (s.desktopKind === 'linux' ? s.linuxUser : s.windowsUser) ?? '' },
      session: { sessionId: s.sessionId },
    };
  }

  private connection() {
    const s = this.options.session;
    return { localAddr: s.clientAddr ?? '', remoteAddr: s.desktopAddr, protocol: 'tdp' };
  }

  private emit<K extends AuditEventCase>(kind: K, value: Extract<AuditEventInit, { case: K }>['value']): Promise<void> {
    const payload = encodeAuditEvent({ case: kind, value } as AuditEventInit);
    if (payload.length > MAX_RECORD_BYTES) {
      this.stats.droppedTooLarge += 1;
      return this.settled();
    }
    return this.append(payload);
  }

  private append(payload: Uint8Array): Promise<void> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (this.ended) return Promise.reject(new Error('the recorder has already ended'));
    this.nextIndex += 1;
    this.stats.events += 1;
    const full = this.writer.writePayload(payload);
    if (this.options.mode === 'async') {
      this.spooled.push(...full);
      return Promise.resolve();
    }
    for (const part of full) this.commits = this.commits.then(() => this.store(part));
    return this.commit();
  }

  /**
   * Sync mode group commit: every event written before a flush starts rides in that flush, so
   * under load many events share one part, and each `record()` resolves once its event is stored.
   */
  private commit(): Promise<void> {
    if (!this.nextCommit) {
      const flush = this.commits.then(async () => {
        this.nextCommit = undefined;
        this.throwIfFailed();
        for (const part of this.writer.flush()) await this.store(part);
      });
      this.nextCommit = flush;
      this.commits = flush.catch((error: unknown) => this.fail(error));
    }
    return this.nextCommit;
  }

  private async store(part: Uint8Array): Promise<void> {
    await this.options.sink.writePart(part);
    this.stats.parts += 1;
    this.stats.bytes += part.length;
  }

  private async upload(part: Uint8Array): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.store(part);
      } catch (error) {
        if (attempt >= this.options.uploadAttempts) throw error;
        await new Promise((resolve) => setTimeout(resolve, this.options.retryDelayMs * 2 ** (attempt - 1)));
      }
    }
  }

  private async fail(error: unknown): Promise<void> {
    if (this.failure !== undefined) return;
    this.failure = error;
    await this.options.sink.abort?.(error).catch(() => {});
  }

  private throwIfFailed(): void {
    if (this.failure !== undefined) throw this.failure;
  }

  private settled(): Promise<void> {
    return this.failure !== undefined ? Promise.reject(this.failure) : Promise.resolve();
  }
}

/** A legacy TDP message as a framed TDPB one; itself when it has no TDPB form (or does not decode). */
function asTdpb(message: Uint8Array): Uint8Array {
  try {
    return encodeTdpb(decodeTdp(message));
  } catch {
    return message;
  }
}

function clipboardLength(message: Uint8Array, tdpb: boolean): number {
  try {
    const decoded = tdpb ? decodeTdpb(message) : decodeTdp(message);
    return decoded.kind === 'clipboardData' ? decoded.data.length : 0;
  } catch {
    return 0;
  }
}

function randomId(): string {
  const crypto = globalThis.crypto;
  if (crypto?.randomUUID) return crypto.randomUUID();
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
