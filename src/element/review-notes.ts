/** How much a note matters; the rail and the list colour it (`--drp-note-<severity>`). */
export type NoteSeverity = 'info' | 'warning' | 'critical';
export const NOTE_SEVERITIES: readonly NoteSeverity[] = ['info', 'warning', 'critical'];

/** A reviewer's note at a moment (`time`) or over a range (`time`–`endTime`) of a recording; seconds. */
export interface ReviewNote {
  /** Unique within the notes (a UUID for notes made in the player). */
  id: string;
  time: number;
  /** The end of a range note; absent on a note at a moment. */
  endTime?: number;
  severity: NoteSeverity;
  text: string;
  /** When the note was made: an ISO 8601 date and time. */
  created: string;
  author?: string;
}

/** What `reviewnoteschange` says changed: a note added, edited or deleted, or all of them replaced by an import. */
export interface ReviewNotesChange {
  type: 'add' | 'update' | 'delete' | 'import';
  /** The note added, edited (as it is now) or deleted; absent for an import. */
  note?: ReviewNote;
}

/** `detail` of `reviewnoteschange`: every note as it is now (sorted by time), and what changed. */
export interface ReviewNotesChangeDetail {
  notes: ReviewNote[];
  change: ReviewNotesChange;
}

export const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isTime = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value) && value >= 0;

/**
 * Notes from outside (the `reviewNotes` property, a sidecar), checked and copied: sorted by time,
 * only the known fields kept. Throws a TypeError naming the first note that is not one.
 */
export function checkNotes(value: unknown, what = 'reviewNotes'): ReviewNote[] {
  if (!Array.isArray(value)) throw new TypeError(`${what} must be an array of notes`);
  const ids = new Set<string>();
  const notes = value.map((note: unknown, index): ReviewNote => {
    const fail = (why: string): never => {
      throw new TypeError(`${what}[${index}] ${why}`);
    };
    if (!isObject(note)) return fail('is not a note object');
    const { id, time, endTime, severity, text, created, author } = note;
    if (typeof id !== 'string' || !id) fail('has no id (a non-empty string)');
    if (ids.has(id as string)) fail(`has the id "${id}" of another note`);
    ids.add(id as string);
    if (!isTime(time)) fail('has no time (seconds, a finite number ≥ 0)');
    if (endTime !== undefined && !(isTime(endTime) && endTime >= (time as number))) fail('has an endTime that is not a time at or after its time');
    if (!NOTE_SEVERITIES.includes(severity as NoteSeverity)) fail(`has the severity ${JSON.stringify(severity)}: it must be one of ${NOTE_SEVERITIES.join(', ')}`);
    if (typeof text !== 'string') fail('has no text (a string)');
    if (typeof created !== 'string' || Number.isNaN(Date.parse(created))) fail('has no created date (an ISO 8601 string)');
    if (author !== undefined && typeof author !== 'string') fail('has an author that is not a string');
    const copy: ReviewNote = { id: id as string, time: time as number, severity: severity as NoteSeverity, text: text as string, created: created as string };
    if (endTime !== undefined) copy.endTime = endTime as number;
    if (author !== undefined) copy.author = author as string;
    return copy;
  });
  return sortNotes(notes);
}

/** By time, then by end (a moment before a range starting with it), then by creation. */
export function sortNotes(notes: ReviewNote[]): ReviewNote[] {
  return notes.sort((a, b) => a.time - b.time || (a.endTime ?? a.time) - (b.endTime ?? b.time) || a.created.localeCompare(b.created));
}

