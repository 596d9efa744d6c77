/**
 * The texts of the review tools (notes, coverage) and of the lanes' names, in English and German.
 * They load with their chunk, not with the element (whose tables stay as small as they are); a
 * language other than these two gets English. `{0}`, `{1}` are filled in by `fill()`.
 */
const en = {
  notes: 'Review notes',
  addNote: 'Add a note here',
  noNotes: 'No notes yet. Press B to add one at the current time; Shift+B ends it there as a range; Alt-drag or Shift-drag on the timeline marks a range.',
  noteText: 'Note',
  severity: 'Severity',
  info: 'Info',
  warning: 'Warning',
  critical: 'Critical',
  deleteNote: 'Delete this note',
  jumpTo: 'Go to {0}',
  noteAt: '{0} note at {1}: {2}',
  noteRange: '{0} note, {1} to {2}: {3}',
  untitled: '(no text)',
  noteAdded: 'Note added at {0}',
  noteEnds: 'Note now ends at {0}',
  noteDeleted: 'Note deleted',
  exportNotes: 'Save notes (.review.json)',
  importNotes: 'Load notes…',
  imported: 'Notes loaded: {0}',
  importFailed: 'The notes could not be loaded: {0}',
  coverage: 'Reviewed: {0} of the active time',
  helpNote: 'Add a note here (Shift+B: end the last note here, as a range)',
  railNotes: 'Review notes on the timeline',
  laneTransfers: 'File transfers',
  laneClipboard: 'Clipboard',
};

export type ReviewStrings = typeof en;

const de: ReviewStrings = {
  notes: 'Prüfnotizen',
  addNote: 'Notiz hier hinzufügen',
  noNotes: 'Noch keine Notizen. B fügt eine an der aktuellen Stelle hinzu; Umschalt+B lässt sie dort als Bereich enden; Ziehen mit Alt oder Umschalt auf der Zeitleiste markiert einen Bereich.',
  noteText: 'Notiz',
  severity: 'Schweregrad',
  info: 'Info',
  warning: 'Warnung',
  critical: 'Kritisch',
  deleteNote: 'Diese Notiz löschen',
  jumpTo: 'Zu {0} springen',
  noteAt: 'Notiz ({0}) bei {1}: {2}',
  noteRange: 'Notiz ({0}), {1} bis {2}: {3}',
  untitled: '(kein Text)',
  noteAdded: 'Notiz bei {0} hinzugefügt',
  noteEnds: 'Notiz endet jetzt bei {0}',
  noteDeleted: 'Notiz gelöscht',
  exportNotes: 'Notizen speichern (.review.json)',
  importNotes: 'Notizen laden…',
  imported: 'Notizen geladen: {0}',
  importFailed: 'Die Notizen konnten nicht geladen werden: {0}',
  coverage: 'Geprüft: {0} der aktiven Zeit',
  helpNote: 'Notiz hier hinzufügen (Umschalt+B: letzte Notiz hier enden lassen, als Bereich)',
  railNotes: 'Prüfnotizen auf der Zeitleiste',
  laneTransfers: 'Dateiübertragungen',
  laneClipboard: 'Zwischenablage',
};

/** The review texts for a language tag (`de-AT` → German); English for any other. */
export function reviewStrings(lang: string): ReviewStrings {
  return lang.toLowerCase().split(/[-_]/)[0] === 'de' ? de : en;
}
