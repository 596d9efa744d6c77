import { AuditEventType } from './audit-event-types.js';
import { timestampToMs, type AuditEvent } from './events.js';
import { noteSessionEnd, type Marker, type RecordingInfo } from './timeline.js';
import { TransferGrouper } from './transfers.js';
import type { MarkerStore } from './marker-store.js';

/** What of a TimelineBuilder the audit events change. */
export interface AuditMarkerTarget {
  readonly markers: MarkerStore;
  readonly recording: RecordingInfo;
  /** Indexes of markers changed in place since the builder last handed them out. */
  readonly revised: Set<number>;
}

type DesktopSessionEvent = Extract<
  AuditEvent,
  { case: 'windowsDesktopSessionStart' | 'windowsDesktopSessionEnd' | 'linuxDesktopSessionStart' | 'linuxDesktopSessionEnd' }
>;

/**
 * Turns the audit events of one timeline into markers (contract §3.2) and the recording's metadata
 * (§3.1), shared-directory reads and writes grouped into transfers. It lives with the decoder of
 * audit events, a chunk: screen data, nearly all of a recording, needs neither.
 */
export class AuditMarkers {
  private readonly transfers = new TransferGrouper();
  /** Where each transfer's marker is in `markers`. */
  private readonly transferIndex = new WeakMap<Marker, number>();

  constructor(private readonly timeline: AuditMarkerTarget) {}

  note(timeMs: number, event: AuditEvent): void {
    if (event.case === 'desktopRecording' || event.case === 'sessionPrint') return;
    const names = AuditEventType[event.case];
    const metadata = event.value.metadata;
    const failed = 'status' in event.value && event.value.status !== undefined && !event.value.status.success;
    const code = metadata?.code || (failed && names.failureCode) || names.code;
    const type = metadata?.type || names.type;
    const info = this.timeline.recording;
    info.clusterName ||= metadata?.clusterName || undefined;
    if ('user' in event.value && event.value.user) {
      info.user ||= event.value.user.user || undefined;
      info.login ||= event.value.user.login || undefined;
    }
    if ('session' in event.value && event.value.session) info.sessionId ||= event.value.session.sessionId || undefined;
    const marker = (label: string, detail: Marker['detail']): void => {
      this.timeline.markers.push({ timeMs, type, code, label, detail });
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
          if (added.transfer) this.transferIndex.set(added, this.timeline.markers.length);
          this.timeline.markers.push(added);
        }
        const joined = this.transfers.lastJoined && this.transferIndex.get(this.transfers.lastJoined);
        if (joined !== undefined) this.timeline.revised.add(joined);
        break;
      }
    }
  }
  /** Desktop fields that session start and end events both carry; the first value seen is kept. */
  private noteDesktop(event: DesktopSessionEvent): void {
    const info = this.timeline.recording;
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
}

function bytes(count: number): string {
  return count === 1 ? '1 byte' : `${count} bytes`;
}
