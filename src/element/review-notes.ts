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

const isTime = (value: unknown): value is number => typeof value === 'number' && value >= 0 && value < Infinity;
const isText = (value: unknown): value is string => typeof value === 'string';

/**
 * Notes from outside (the `reviewNotes` property, a sidecar), checked and copied: sorted by time,
 * only the known fields kept. Throws a TypeError naming the first note that is not one.
 */
export function checkNotes(value: unknown, what = 'reviewNotes'): ReviewNote[] {
  if (!Array.isArray(value)) throw new TypeError(`${what} must be an array of notes`);
  const ids = new Set<string>();
  return sortNotes(
    value.map((note: Partial<ReviewNote> | null, index): ReviewNote => {
      const { id, time, endTime, severity, text, created, author } = note ?? {};
      const valid =
        isText(id) &&
        id &&
        !ids.has(id) &&
        isTime(time) &&
        (endTime === undefined || (isTime(endTime) && endTime >= time)) &&
        NOTE_SEVERITIES.includes(severity!) &&
        isText(text) &&
        isText(created) &&
        !Number.isNaN(Date.parse(created)) &&
        (author === undefined || isText(author));
      if (!valid) {
        throw new TypeError(
          `${what}[${index}] is not a note: { id (unique), time (seconds ≥ 0), endTime? (≥ time), severity (${NOTE_SEVERITIES.join(' | ')}), text, created (ISO 8601), author? }`,
        );
      }
      ids.add(id);
      // Only the note's own fields, in this order.
      return JSON.parse(JSON.stringify({ id, time, endTime, severity, text, created, author })) as ReviewNote;
    }),
  );
}

/** By time, then by end (a moment before a range starting with it), then by creation. */
export function sortNotes(notes: ReviewNote[]): ReviewNote[] {
  return notes.sort((a, b) => a.time - b.time || (a.endTime ?? a.time) - (b.endTime ?? b.time) || a.created.localeCompare(b.created));
}

