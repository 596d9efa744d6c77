import type { AuditEventCase } from './events.js';

// A module of its own, not in events.ts: the worker needs it only where audit events are labelled
// (audit-markers.ts, in the chunk of their decoder), not in its initial bundle.

/** Event type strings and codes as Teleport emits them (spec §2.1). */
export const AuditEventType: Record<AuditEventCase, { type: string; code: string; failureCode?: string }> = {
  sessionStart: { type: 'session.start', code: 'T2000I' },
  sessionPrint: { type: 'print', code: '' },
  sessionEnd: { type: 'session.end', code: 'T2004I' },
  windowsDesktopSessionStart: { type: 'windows.desktop.session.start', code: 'TDP00I', failureCode: 'TDP00W' },
  windowsDesktopSessionEnd: { type: 'windows.desktop.session.end', code: 'TDP01I' },
  // Teleport's codes for these were not published with them (RFD 235 names the types only).
  linuxDesktopSessionStart: { type: 'linux.desktop.session.start', code: '' },
  linuxDesktopSessionEnd: { type: 'linux.desktop.session.end', code: '' },
  desktopRecording: { type: 'desktop.recording', code: '' },
  desktopClipboardSend: { type: 'desktop.clipboard.send', code: 'TDP02I' },
  desktopClipboardReceive: { type: 'desktop.clipboard.receive', code: 'TDP03I' },
  desktopSharedDirectoryStart: { type: 'desktop.directory.share', code: 'TDP04I', failureCode: 'TDP04W' },
  desktopSharedDirectoryRead: { type: 'desktop.directory.read', code: 'TDP05I', failureCode: 'TDP05W' },
  desktopSharedDirectoryWrite: { type: 'desktop.directory.write', code: 'TDP06I', failureCode: 'TDP06W' },
};
