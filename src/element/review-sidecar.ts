import { checkRanges, type SecondRange } from './review-coverage.js';
import { checkNotes, isObject, type ReviewNote } from './review-notes.js';

/** The notes sidecar, `<session-id>.review.json`: notes and coverage that belong to one recording file. */
export interface ReviewSidecar {
  format: typeof SIDECAR_FORMAT;
  version: typeof SIDECAR_VERSION;
  sessionId: string | null;
  /** SHA-256 of the recording file the notes were made on (lowercase hex); null when it was not known (a websocket source). */
  recordingSha256: string | null;
  notes: ReviewNote[];
  /** Seconds of the recording played on screen at 4× or slower, as merged `[start, end]` ranges. */
  coverage: SecondRange[];
}

export const SIDECAR_FORMAT = 'desktop-recording-review';
export const SIDECAR_VERSION = 1;

/** The sidecar of a recording's notes and coverage. */
export function makeSidecar(sessionId: string | null, recordingSha256: string | null, notes: readonly ReviewNote[], coverage: readonly SecondRange[]): ReviewSidecar {
  return {
    format: SIDECAR_FORMAT,
    version: SIDECAR_VERSION,
    sessionId,
    recordingSha256,
    notes: notes.map((note) => ({ ...note })),
    coverage: coverage.map(([start, end]) => [start, end]),
  };
}

/**
 * A sidecar (its JSON text, or the parsed object) for the loaded recording, checked: its format and
 * version, its notes and coverage, and that it belongs to this recording — the same file by SHA-256
 * when both hashes are known, else the same session ID. Throws an Error saying why not.
 */
export function readSidecar(json: string | object, recording: { sessionId: string | null; recordingSha256: string | null }): ReviewSidecar {
  let value: unknown = json;
  if (typeof json === 'string') {
    try {
      value = JSON.parse(json);
    } catch (error) {
      throw new Error(`the review notes are not JSON: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  if (!isObject(value) || value.format !== SIDECAR_FORMAT) throw new Error(`this is not a review notes file (its "format" is not "${SIDECAR_FORMAT}")`);
  if (value.version !== SIDECAR_VERSION) throw new Error(`review notes version ${JSON.stringify(value.version)} cannot be read here (this player reads version ${SIDECAR_VERSION})`);
  const { sessionId = null, recordingSha256 = null } = value;
  if (sessionId !== null && typeof sessionId !== 'string') throw new Error('the review notes have a sessionId that is not a string');
  if (recordingSha256 !== null && !(typeof recordingSha256 === 'string' && /^[0-9a-f]{64}$/i.test(recordingSha256))) {
    throw new Error('the review notes have a recordingSha256 that is not a SHA-256 in hex');
  }
  const sha = (recordingSha256 as string | null)?.toLowerCase() ?? null;
  if (sha && recording.recordingSha256 === null) {
    throw new Error('the recording has not been read to its end yet, so its SHA-256 is not known: import the notes once it is loaded (canplaythrough)');
  }
  if (sha && sha !== recording.recordingSha256) {
    throw new Error(`these review notes belong to another recording file: theirs has SHA-256 ${sha}, the loaded one ${recording.recordingSha256}`);
  }
  if (!sha && (sessionId === null || sessionId !== recording.sessionId)) {
    throw new Error(`these review notes name no recording file (no SHA-256), and their session ${JSON.stringify(sessionId)} is not the loaded one's (${JSON.stringify(recording.sessionId)})`);
  }
  return makeSidecar(sessionId as string | null, sha, checkNotes(value.notes, 'notes'), checkRanges(value.coverage ?? [], 'coverage'));
}
