import { AuditEventType, timestampToMs, type AuditEvent, type RecordedEvent } from './events.js';
import { decodeTdp, decodeTdpb, isTdpb, type TdpMessage } from './tdp.js';
import { TransferGrouper, type Transfer } from './transfers.js';

/** A point of interest on the timeline: every audit event that is not screen data (contract §3.2). */
export interface Marker {
  /** Milliseconds from time 0 (the first DesktopRecording event). */
  timeMs: number;
  /** Event type, e.g. `desktop.clipboard.send`; `desktop.alert` / `desktop.error` for TDP alerts and errors. */
  type: string;
  /** Teleport event code, e.g. `TDP02I`; empty for TDP alerts and errors. */
  code: string;
  /** One line for people, e.g. "Clipboard sent to the desktop (42 bytes)". */
  label: string;
  detail: Record<string, string | number | boolean>;
  /**
   * On a shared-directory read or write marker: the transfer it stands for, the reads (or writes)
   * of one file grouped (`format/transfers.ts`); `detail.length` is then the bytes of all of them.
   */
  transfer?: Transfer;
}

/** Session metadata from the events in the file (contract §3.1); absent fields stay undefined. */
export interface RecordingInfo {
  sessionId?: string;
  clusterName?: string;
  user?: string;
  login?: string;
  desktopName?: string;
  desktopAddr?: string;
  windowsDomain?: string;
  windowsUser?: string;
  /** The Linux user of a Linux desktop session (Teleport 2026). */
  linuxUser?: string;
  /** Which kind of desktop the session events are of. */
  desktopKind?: DesktopKind;
  desktopService?: string;
  labels?: Record<string, string>;
  participants?: string[];
  recorded?: boolean;
  sessionStart?: Date;
  sessionEnd?: Date;
}

/** A Windows desktop (RDP) or a Linux desktop (an X11 desktop run by Teleport, 2026). */
export type DesktopKind = 'windows' | 'linux';

type DesktopSessionEvent = Extract<
  AuditEvent,
  { case: 'windowsDesktopSessionStart' | 'windowsDesktopSessionEnd' | 'linuxDesktopSessionStart' | 'linuxDesktopSessionEnd' }
>;

/** The largest screen side (pixels) the player paints and a recording may declare. */
export const MAX_SCREEN_SIDE = 8192;

export interface ScreenSize {
  timeMs: number;
  width: number;
  height: number;
}

/**
 * What a DesktopRecording's screen message does, whatever carried it (legacy TDP, TDPB, RDP
 * fast-path): the one place where TDP message kinds are interpreted (`screenChangeOf`).
 */
export type ScreenChange =
  /** A PNG tile whose top-left corner goes at (left, top); right/bottom are exclusive. */
  | { kind: 'tile'; left: number; top: number; right: number; bottom: number; png: Uint8Array }
  /** An RDP fast-path update PDU (Teleport 15+). */
  | { kind: 'fastpath'; pdu: Uint8Array }
  /** The remote screen took this size. */
  | { kind: 'resize'; width: number; height: number }
  | { kind: 'pointer'; x: number; y: number }
  /** A mouse button went down. */
  | { kind: 'click'; button: number }
  /** An alert or error the desktop service showed the user (a marker). */
  | { kind: 'notice'; type: 'desktop.alert' | 'desktop.error'; severity: 'info' | 'warning' | 'error'; message: string };

/** The screen change a TDP message makes; undefined for messages that change nothing shown (keys, clipboard data…). */
export function screenChangeOf(tdp: TdpMessage): ScreenChange | undefined {
  switch (tdp.kind) {
    case 'pngFrame':
    case 'png2Frame':
      return { kind: 'tile', left: tdp.left, top: tdp.top, right: tdp.right, bottom: tdp.bottom, png: tdp.png };
    case 'fastPathPdu':
      return { kind: 'fastpath', pdu: tdp.data };
    case 'screenSpec':
      return { kind: 'resize', width: tdp.width, height: tdp.height };
    case 'connectionActivated':
      return { kind: 'resize', width: tdp.screenWidth, height: tdp.screenHeight };
    case 'mouseMove':
      return { kind: 'pointer', x: tdp.x, y: tdp.y };
    case 'mouseButton':
      return tdp.pressed ? { kind: 'click', button: tdp.button } : undefined;
    case 'alert':
      return { kind: 'notice', type: 'desktop.alert', severity: (['info', 'warning', 'error'] as const)[tdp.severity] ?? 'info', message: tdp.message };
    case 'error':
      return { kind: 'notice', type: 'desktop.error', severity: 'error', message: tdp.message };
    default:
      return undefined;
  }
}

/** One event placed on the timeline; `tdp` is the decoded screen message of a DesktopRecording, `screen` what it changes. */
export interface TimedEvent {
  timeMs: number;
  event: RecordedEvent;
  tdp?: TdpMessage;
  screen?: ScreenChange;
}

/**
 * Places events on the timeline as contract §3.3 defines it: time 0 is the first DesktopRecording
 * event; a DesktopRecording sits at its DelayMilliseconds; any other event at its Metadata.Time
 * minus that of the first DesktopRecording, clamped to ≥ 0. Events met before the first
 * DesktopRecording wait until its wall-clock time is known (or until `finish()`).
 */
export class TimelineBuilder {
  readonly markers: Marker[] = [];
  readonly screens: ScreenSize[] = [];
  readonly recording: RecordingInfo = {};
  /** DesktopRecording events that change the screen (PNG tiles, fast-path updates). */
  frames = 0;
  /** DesktopRecording events whose TDP message could not be decoded (skipped). */
  badMessages = 0;
  durationMs = 0;
  private originMs: number | undefined;
  private waiting: RecordedEvent[] = [];
  private lastDelayMs = 0;
  private transfers = new TransferGrouper();
  /** Where each transfer's marker is in `markers`. */
  private transferIndex = new WeakMap<Marker, number>();
  /** Markers changed in place (a transfer another operation joined) since `takeRevisedMarkers()`. */
  private revised = new Set<number>();

  /** Adds an event; returns the events whose time became known, in order. */
  add(event: RecordedEvent): TimedEvent[] {
    if (event.event.case === 'desktopRecording' && this.originMs === undefined) {
      // The first DesktopRecording is time 0; its Metadata.Time anchors every other event.
      this.originMs = event.timeMs ?? this.waiting[0]?.timeMs ?? 0;
      const placed = [this.place(event)];
      for (const waiting of this.waiting.splice(0)) placed.push(this.place(waiting));
      return placed;
    }
    if (this.originMs === undefined) {
      this.waiting.push(event);
      return [];
    }
    return [this.place(event)];
  }

  /** Indexes of the markers changed in place since the last call (transfers that grew), in order; forgets them. */
  takeRevisedMarkers(): number[] {
    const revised = [...this.revised].sort((a, b) => a - b);
    this.revised.clear();
    return revised;
  }

  /** No more events: places those still waiting (a file without screen data). */
  finish(): TimedEvent[] {
    if (this.originMs === undefined) this.originMs = this.waiting.find((e) => e.timeMs !== undefined)?.timeMs ?? 0;
    return this.waiting.splice(0).map((event) => this.place(event));
  }

  private place(recorded: RecordedEvent): TimedEvent {
    const { event } = recorded;
    if (event.case === 'desktopRecording') {
      // Delays never go backwards on the timeline (Teleport plays such events at once).
      const timeMs = Math.max(this.lastDelayMs, Number(event.value.delayMilliseconds));
      this.lastDelayMs = timeMs;
      const tdp = this.decodeScreenMessage(event.value);
      this.durationMs = Math.max(this.durationMs, timeMs);
      if (!tdp) return { timeMs, event: recorded };
      const screen = screenChangeOf(tdp);
      if (screen) this.noteScreenChange(timeMs, screen);
      return screen ? { timeMs, event: recorded, tdp, screen } : { timeMs, event: recorded, tdp };
    }
    const timeMs = recorded.timeMs === undefined ? this.lastDelayMs : Math.max(0, recorded.timeMs - this.originMs!);
    this.durationMs = Math.max(this.durationMs, timeMs);
    this.noteAuditEvent(timeMs, event);
    return { timeMs, event: recorded };
  }

  private decodeScreenMessage(value: { message: Uint8Array; tdpbMessage: Uint8Array }): TdpMessage | undefined {
    try {
      if (value.tdpbMessage.length > 0) return decodeTdpb(value.tdpbMessage);
      if (value.message.length === 0) return undefined;
      return isTdpb(value.message) ? decodeTdpb(value.message) : decodeTdp(value.message);
    } catch {
      this.badMessages += 1;
      return undefined;
    }
  }

  private noteScreenChange(timeMs: number, screen: ScreenChange): void {
    switch (screen.kind) {
      case 'tile':
      case 'fastpath':
        this.frames += 1;
        break;
      case 'resize':
        this.noteScreen(timeMs, screen.width, screen.height);
        break;
      case 'notice': {
        const { type, severity, message } = screen;
        const label = type === 'desktop.error' ? `Error: ${message}` : `${capitalize(severity)}: ${message}`;
        this.markers.push({ timeMs, type, code: '', label, detail: type === 'desktop.error' ? { message } : { severity, message } });
        break;
      }
    }
  }

  /** Desktop fields that session start and end events both carry; the first value seen is kept. */
  private noteDesktop(event: DesktopSessionEvent): void {
    const info = this.recording;
    const v = event.value;
    if (event.case === 'linuxDesktopSessionStart' || event.case === 'linuxDesktopSessionEnd') {
      info.desktopKind ??= 'linux';
      info.linuxUser ||= event.value.linuxUser || undefined;
    } else {
      info.desktopKind ??= 'windows';
      info.windowsDomain ||= event.value.domain || undefined;
      info.windowsUser ||= event.value.windowsUser || undefined;
      info.desktopService ||= event.value.windowsDesktopService || undefined;
    }
    // A Linux desktop's name and address are both the resource's name (its host's id).
    info.desktopName ||= v.desktopName || undefined;
    info.desktopAddr ||= v.desktopAddr || undefined;
    if (Object.keys(v.desktopLabels).length) info.labels ??= { ...v.desktopLabels };
  }

  private noteScreen(timeMs: number, width: number, height: number): void {
    const last = this.screens[this.screens.length - 1];
    if (last && last.width === width && last.height === height) return;
    this.screens.push({ timeMs, width, height });
  }

  private noteAuditEvent(timeMs: number, event: AuditEvent): void {
    if (event.case === 'desktopRecording' || event.case === 'sessionPrint') return;
    const names = AuditEventType[event.case];
    const metadata = event.value.metadata;
    const failed = 'status' in event.value && event.value.status !== undefined && !event.value.status.success;
    const code = metadata?.code || (failed && names.failureCode) || names.code;
    const type = metadata?.type || names.type;
    const info = this.recording;
    info.clusterName ||= metadata?.clusterName || undefined;
    if ('user' in event.value && event.value.user) {
      info.user ||= event.value.user.user || undefined;
      info.login ||= event.value.user.login || undefined;
    }
    if ('session' in event.value && event.value.session) info.sessionId ||= event.value.session.sessionId || undefined;
    const marker = (label: string, detail: Marker['detail']): void => {
      this.markers.push({ timeMs, type, code, label, detail });
    };
    const failure = failed && 'status' in event.value ? event.value.status?.error || event.value.status?.userMessage || 'failed' : '';
    switch (event.case) {
      case 'windowsDesktopSessionStart':
      case 'linuxDesktopSessionStart': {
        const v = event.value;
        this.noteDesktop(event);
        const started = timestampToMs(metadata?.time);
        if (started !== undefined) info.sessionStart ??= new Date(started);
        const desktopUser: Marker['detail'] = event.case === 'linuxDesktopSessionStart' ? { linuxUser: event.value.linuxUser } : { windowsUser: event.value.windowsUser };
        marker(failed ? `Session failed to start: ${failure}` : `Session started by ${v.user?.user || 'unknown user'} on ${v.desktopName || v.desktopAddr || 'the desktop'}`, {
          user: v.user?.user ?? '', ...desktopUser, desktop: v.desktopName || v.desktopAddr, success: !failed, ...(failed && { error: failure }),
        });
        break;
      }
      case 'windowsDesktopSessionEnd':
      case 'linuxDesktopSessionEnd': {
        const v = event.value;
        this.noteDesktop(event);
        noteSessionEnd(info, event);
        marker('Session ended', { participants: v.participants.join(', ') });
        break;
      }
      case 'sessionStart':
        marker('Session started', {});
        break;
      case 'sessionEnd': {
        noteSessionEnd(info, event);
        marker('Session ended', {});
        break;
      }
      case 'desktopClipboardSend':
        marker(`Clipboard sent to the desktop (${bytes(event.value.length)})`, { length: event.value.length });
        break;
      case 'desktopClipboardReceive':
        marker(`Clipboard received from the desktop (${bytes(event.value.length)})`, { length: event.value.length });
        break;
      case 'desktopSharedDirectoryStart':
        marker(failed ? `Sharing directory “${event.value.directoryName}” failed: ${failure}` : `Directory “${event.value.directoryName}” shared`, {
          directoryName: event.value.directoryName, directoryId: event.value.directoryId, success: !failed, ...(failed && { error: failure }),
        });
        break;
      case 'desktopSharedDirectoryRead':
      case 'desktopSharedDirectoryWrite': {
        const v = event.value;
        const read = event.case === 'desktopSharedDirectoryRead';
        const operation: Marker = {
          timeMs, type, code,
          label: failed ? `File ${read ? 'read' : 'write'} failed: ${v.path} (${failure})` : `File ${read ? 'read' : 'written'}: ${v.path} (${bytes(v.length)} at offset ${v.offset})`,
          detail: { path: v.path, directoryName: v.directoryName, directoryId: v.directoryId, length: v.length, offset: Number(v.offset), success: !failed, ...(failed && { error: failure }) },
        };
        const added = this.transfers.add(operation, read ? 'read' : 'write');
        if (added) {
          if (added.transfer) this.transferIndex.set(added, this.markers.length);
          this.markers.push(added);
        }
        const joined = this.transfers.lastJoined && this.transferIndex.get(this.transfers.lastJoined);
        if (joined !== undefined) this.revised.add(joined);
        break;
      }
    }
  }
}

/**
 * What a session-end event tells of the recording (contract §3.1): a Windows desktop session's end
 * sets the participants, whether it was recorded, its start and end; a generic one fills only what
 * is missing. False for any other event.
 */
export function noteSessionEnd(info: RecordingInfo, event: AuditEvent): boolean {
  if (event.case === 'windowsDesktopSessionEnd' || event.case === 'linuxDesktopSessionEnd') {
    const v = event.value;
    if (v.participants.length) info.participants = [...v.participants];
    info.recorded = v.recorded;
    const start = timestampToMs(v.startTime);
    const end = timestampToMs(v.endTime) ?? timestampToMs(v.metadata?.time);
    if (start !== undefined) info.sessionStart = new Date(start);
    if (end !== undefined) info.sessionEnd = new Date(end);
    return true;
  }
  if (event.case === 'sessionEnd') {
    const start = timestampToMs(event.value.startTime);
    const end = timestampToMs(event.value.endTime);
    if (start !== undefined) info.sessionStart ??= new Date(start);
    if (end !== undefined) info.sessionEnd ??= new Date(end);
    if (event.value.participants.length) info.participants ??= [...event.value.participants];
    return true;
  }
  return false;
}

function bytes(count: number): string {
  return count === 1 ? '1 byte' : `${count} bytes`;
}

function capitalize(word: string): string {
  return word[0]!.toUpperCase() + word.slice(1);
}
