/**
 * The text files of an evidence bundle (`evidence-bundle.ts`): the event log of a range
 * (`events.json`), the session's metadata (`session.json`), the manifest, `README.txt` and
 * `SHA256SUMS`. Pure functions of what the player knows of a recording; DOM-free.
 */
import { markerGroup } from '../../format/marker-group.js';
import type { Marker, RecordingInfo } from '../../format/timeline.js';

/** Version of the bundle's layout and JSON files; a reader refuses a newer major one. */
export const EVIDENCE_FORMAT_VERSION = 1;

/** A review note as the bundle takes it: times in recording milliseconds. */
export interface EvidenceNote {
  id: string;
  timeMs: number;
  /** Set for a note on a range. */
  endTimeMs?: number;
  severity: 'info' | 'warning' | 'critical';
  text: string;
  /** When the note was written (ISO 8601). */
  created: string;
  author?: string;
}

export const NOTE_SEVERITIES: readonly EvidenceNote['severity'][] = ['info', 'warning', 'critical'];

/** A moment of the recording, three ways: milliseconds from its start, `hh:mm:ss.mmm`, and the wall clock (ISO 8601, UTC) when the recording says when it began. */
export interface EvidenceTime {
  ms: number;
  recording: string;
  wallClock: string | null;
}

/** What an event in `events.json` is. */
export type EvidenceEventKind = 'session' | 'directory' | 'transfer' | 'clipboard' | 'alert' | 'note';

export interface EvidenceEvent {
  kind: EvidenceEventKind;
  time: EvidenceTime;
  /** A transfer's last operation, a note's range end. */
  endTime?: EvidenceTime;
  /** The audit event's type and code, as Teleport names them (`desktop.clipboard.send`, `TDP02I`). */
  type?: string;
  code?: string;
  label?: string;
  detail?: Record<string, string | number | boolean>;
  transfer?: { path: string; direction: 'read' | 'write'; bytes: number; count: number; operations: EvidenceEvent[] };
  /** `capture`: the file in `captures/` that shows the note's moment; null where there is none (before the first screen). */
  note?: { id: string; severity: EvidenceNote['severity']; text: string; created: string; author?: string; capture: string | null };
}

/** `65432.1` → `"00:01:05.432"` (hours grow past 99 as needed). */
export function recordingClock(ms: number): string {
  const whole = Math.max(0, Math.floor(ms));
  const pad = (value: number, width = 2): string => String(Math.floor(value)).padStart(width, '0');
  return `${pad(whole / 3_600_000)}:${pad((whole % 3_600_000) / 60_000)}:${pad((whole % 60_000) / 1000)}.${pad(whole % 1000, 3)}`;
}

/** A moment of the recording for the bundle's files; `startDateMs`: the wall clock at time 0. */
export function evidenceTime(ms: number, startDateMs: number | null): EvidenceTime {
  return { ms: Math.round(ms * 1000) / 1000, recording: recordingClock(ms), wallClock: startDateMs === null ? null : new Date(startDateMs + ms).toISOString() };
}

/** `<session-id>-evidence-<hh-mm-ss>-<hh-mm-ss>.zip` (`recording-…` when the recording names no session). */
export function evidenceFileName(sessionId: string | undefined, startMs: number, endMs: number): string {
  const stamp = (ms: number): string => recordingClock(ms).slice(0, 8).replace(/:/g, '-');
  return `${safeName(sessionId) || 'recording'}-evidence-${stamp(startMs)}-${stamp(endMs)}.zip`;
}

/** The original recording's file name, as Teleport stores it: `<session-id>.tar`. */
export function recordingFileName(sessionId: string | undefined): string {
  return `${safeName(sessionId) || 'recording'}.tar`;
}

/** A session id as a file name: nothing that leaves a folder or breaks a `sha256sum` line. */
function safeName(name: string | undefined): string {
  return (name ?? '').replace(/[^\w.-]+/g, '_').replace(/^\.+/, '');
}

/** Where the capture of a moment goes in the bundle. */
export function captureFileName(ms: number): string {
  return `captures/${recordingClock(ms).replace(/:/g, '-')}.png`;
}

/** The moment a note's capture shows: its time, or the range's start for a range note that began before it. */
export function captureTimeOf(note: EvidenceNote, startMs: number, endMs: number): number {
  return Math.min(Math.max(note.timeMs, startMs), endMs);
}

/** The notes with any part in `startMs`–`endMs`, earliest first. */
export function notesInRange(notes: readonly EvidenceNote[], startMs: number, endMs: number): EvidenceNote[] {
  return notes.filter((note) => note.timeMs <= endMs && (note.endTimeMs ?? note.timeMs) >= startMs).sort((a, b) => a.timeMs - b.timeMs);
}

function markerEvent(marker: Marker, startDateMs: number | null): EvidenceEvent {
  const { transfer } = marker;
  const event: EvidenceEvent = {
    kind: transfer ? 'transfer' : markerGroup(marker),
    time: evidenceTime(transfer?.startMs ?? marker.timeMs, startDateMs),
    type: marker.type,
    code: marker.code,
    label: marker.label,
    detail: { ...marker.detail },
  };
  if (transfer) {
    event.endTime = evidenceTime(transfer.endMs, startDateMs);
    const { path, direction, bytes, count } = transfer;
    event.transfer = { path, direction, bytes, count, operations: transfer.operations.map((operation) => markerEvent(operation, startDateMs)) };
  }
  return event;
}

/**
 * Every event with any part in `startMs`–`endMs`, in time order: the audit events (session,
 * shared directory, clipboard, alerts and failures, as markers), file transfers with each of their
 * operations, and the notes (with the capture that shows each).
 */
export function eventLog(
  markers: readonly Marker[],
  notes: readonly EvidenceNote[],
  startMs: number,
  endMs: number,
  startDateMs: number | null,
  /** Whether the capture of a moment is in the bundle (there is none before the first screen, nor without OffscreenCanvas). */
  captured: (timeMs: number) => boolean = () => true,
): EvidenceEvent[] {
  const events: EvidenceEvent[] = [];
  for (const marker of markers) {
    const from = marker.transfer?.startMs ?? marker.timeMs;
    const to = marker.transfer?.endMs ?? marker.timeMs;
    if (from <= endMs && to >= startMs) events.push(markerEvent(marker, startDateMs));
  }
  for (const note of notesInRange(notes, startMs, endMs)) {
    const { id, severity, text, created, author } = note;
    const captureMs = captureTimeOf(note, startMs, endMs);
    events.push({
      kind: 'note',
      time: evidenceTime(note.timeMs, startDateMs),
      ...(note.endTimeMs !== undefined ? { endTime: evidenceTime(note.endTimeMs, startDateMs) } : {}),
      note: { id, severity, text, created, ...(author !== undefined ? { author } : {}), capture: captured(captureMs) ? captureFileName(captureMs) : null },
    });
  }
  // Stable: events of one moment stay in recording order, notes after them.
  return events.sort((a, b) => a.time.ms - b.time.ms);
}

/** `session.json`: who used which desktop, when, as the recording's session events say. */
export function sessionInfo(recording: RecordingInfo, durationMs: number, startDateMs: number | null): Record<string, unknown> {
  const { sessionStart, sessionEnd, ...rest } = recording;
  return {
    format: 'desktop-recording-evidence/session',
    version: EVIDENCE_FORMAT_VERSION,
    ...rest,
    sessionStart: sessionStart?.toISOString() ?? null,
    sessionEnd: sessionEnd?.toISOString() ?? null,
    recordingStart: startDateMs === null ? null : new Date(startDateMs).toISOString(),
    durationMs,
    duration: recordingClock(durationMs),
  };
}

/** One line per file in `sha256sum -c` format (two spaces: text mode, which is what `sha256sum` writes by default). */
export function sha256Sums(files: ReadonlyArray<{ name: string; sha256: string }>): string {
  return files.map(({ name, sha256 }) => `${sha256}  ${name}\n`).join('');
}

export interface ReadmeFacts {
  bundleName: string;
  recordingName: string;
  recordingSha256: string | null;
  /** Why there is no recording hash, when there is none. */
  recordingHashMissing?: string;
  range: { start: EvidenceTime; end: EvidenceTime };
  /** The video's file name, or why there is none. */
  video: { file: string } | { missing: string };
  captures: number;
  events: number;
  sessionId?: string;
  user?: string;
  desktop?: string;
}

/** `README.txt`: what the files are and how to check them, for someone with no access to the portal. */
export function readmeText(facts: ReadmeFacts): string {
  const { range, video } = facts;
  const wall = (time: EvidenceTime): string => (time.wallClock ? ` (${time.wallClock})` : '');
  const lines = [
    'Evidence bundle of a desktop session recording',
    '==============================================',
    '',
    `Session:   ${facts.sessionId ?? 'unknown'}`,
    `User:      ${facts.user ?? 'unknown'}`,
    `Desktop:   ${facts.desktop ?? 'unknown'}`,
    `Range:     ${range.start.recording}${wall(range.start)} to ${range.end.recording}${wall(range.end)} of the recording`,
    `Recording: ${facts.recordingName}, SHA-256 ${facts.recordingSha256 ?? `not known (${facts.recordingHashMissing ?? 'the recording could not be read again'})`}`,
    '',
    'Files',
    '-----',
    'manifest.json  What this bundle holds: the range, the recording and its hash, each file.',
    'session.json   The session: ids, user, desktop, participants, start and end, as recorded.',
    `events.json    Every event in the range (${facts.events}): audit events, file transfers with each`,
    '               read or write, clipboard, alerts and failures, review notes. Each time is',
    '               given as milliseconds from the recording\'s start ("ms"), as hh:mm:ss.mmm of',
    '               the recording ("recording") and as UTC wall-clock time ("wallClock").',
    'file' in video
      ? `${video.file.padEnd(15)}The range as an H.264 video, in recording time (no idle skipping), the`
      : `(no video)     ${video.missing}`,
    ...('file' in video ? ['               mouse pointer drawn in.'] : []),
    `captures/      The screen at each review note in the range (${facts.captures} PNG, full`,
    '               recorded size, without the mouse pointer), named by recording time.',
    'SHA256SUMS     The SHA-256 of every other file, and of the original recording.',
    '',
    'How to verify',
    '-------------',
    'Unzip the bundle, then in its folder:',
    '',
    '    sha256sum -c --ignore-missing SHA256SUMS',
    '',
    'Every file of the bundle must say OK. To check the bundle against the archived recording,',
    `put ${facts.recordingName} (from the recording store) beside the files and run`,
    '',
    '    sha256sum -c SHA256SUMS',
    '',
    `which checks it too. (On macOS: shasum -a 256 -c SHA256SUMS.) A line that says FAILED, or a`,
    'file missing from SHA256SUMS, means the bundle is not as it was made.',
    '',
  ];
  return lines.join('\n');
}
