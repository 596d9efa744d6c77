import type { AuditMarkers, AuditMarkerTarget } from './audit-markers.js';
import { timestampToMs, type AuditEvent, type RecordedEvent } from './events.js';
import { decodeTdp, decodeTdpb, isTdpb, type TdpMessage } from './tdp.js';
import type { Transfer } from './transfers.js';
import { MarkerStore } from './marker-store.js';

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
 * Makes the labeller of audit events (`format/audit-markers.ts`). It comes with the decoder of audit
 * events, a chunk loaded on first use: the decoder sets it when it loads (`labelAuditEventsWith`),
 * and no audit event exists before it is decoded, so it is always there when one is placed.
 */
let newAuditMarkers: (timeline: AuditMarkerTarget) => AuditMarkers = () => {
  throw new Error('audit events are labelled by the code that decodes them (format/wire/audit-events.ts), which was not loaded');
};

/** Sets how audit events become markers; called once by the decoder of audit events as it loads. */
export function labelAuditEventsWith(make: (timeline: AuditMarkerTarget) => AuditMarkers): void {
  newAuditMarkers = make;
}

/**
 * Places events on the timeline as contract §3.3 defines it: time 0 is the first DesktopRecording
 * event; a DesktopRecording sits at its DelayMilliseconds; any other event at its Metadata.Time
 * minus that of the first DesktopRecording, clamped to ≥ 0. Events met before the first
 * DesktopRecording wait until its wall-clock time is known (or until `finish()`).
 */
export class TimelineBuilder {
  /** The markers, kept compactly (`markers` makes them all as objects: for tests, the CLI and exports). */
  readonly markerStore = new MarkerStore();
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
  /** Markers changed in place (a transfer another operation joined) since `takeRevisedMarkers()`. */
  private readonly revised = new Set<number>();
  /** Labels the audit events (made on the first one). */
  private auditMarkers: AuditMarkers | undefined;

  get markers(): Marker[] {
    return this.markerStore.list();
  }

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
    this.auditMarkers ??= newAuditMarkers({ markers: this.markerStore, recording: this.recording, revised: this.revised });
    this.auditMarkers.note(timeMs, event);
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
        this.markerStore.pushNotice(timeMs, screen.type, screen.severity, screen.message);
        break;
      }
    }
  }

  private noteScreen(timeMs: number, width: number, height: number): void {
    const last = this.screens[this.screens.length - 1];
    if (last && last.width === width && last.height === height) return;
    this.screens.push({ timeMs, width, height });
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

