import type { PanelStrings } from './templates/panel-strings.js';

/**
 * Every word the element shows or speaks, in one table per language, keyed by id. Only what the
 * element shows before any chunk loads is in `en`; a lazy chunk brings its own English texts (the
 * panels': `panel-strings.ts`) and reads them with `withStrings()`. `{0}`, `{1}` are
 * filled in by `fill()`. The element picks the table from its own `lang` or its nearest ancestor's
 * (`en` when none matches). Only English is in the player's bundle: other languages are registered
 * with `DesktopRecordingPlayer.registerStrings()` (German by `src/strings/de.ts`, built as
 * `dist/strings-de.js`), so a page pays only for the languages it loads.
 */
export const en = {
  player: 'Desktop session recording',
  playerOf: 'Desktop session recording: {0} on {1}',
  play: 'Play',
  pause: 'Pause',
  seek: 'Seek',
  of: '{0} of {1}',
  hour: 'hour',
  hours: 'hours',
  minute: 'minute',
  minutes: 'minutes',
  second: 'second',
  seconds: 'seconds',
  timeToggle: 'Switch between elapsed time and time of day',
  speed: 'Playback speed',
  idle: 'Skip idle time',
  markers: 'Markers',
  info: 'Session info',
  capture: 'Save this frame as PNG',
  exportVideo: 'Export video…',
  cancelExport: 'Cancel the video export',
  exporting: 'Exporting video… {0}',
  cancel: 'Cancel',
  exported: 'Video exported',
  exportCancelled: 'Video export cancelled',
  exportFailed: 'The video could not be exported: {0}',
  link: 'Copy a link to this time',
  linkCopied: 'Link copied',
  copyManually: 'Copy this link:',
  help: 'Keyboard shortcuts',
  fullscreen: 'Full screen',
  exitFullscreen: 'Exit full screen',
  close: 'Close',
  loading: 'Loading recording…',
  buffering: 'Waiting for more of the recording…',
  seeking: 'Seeking…',
  failed: 'This recording cannot be played',
  partial: 'Part of this recording could not be read',
  partialNote: 'Everything before the damaged part can be played.',
  dismiss: 'Dismiss',
  playing: 'Playing',
  paused: 'Paused',
  ended: 'Ended',
  live: 'Live',
  goLive: 'Go live',
  liveEnded: 'The live session ended',
  at: 'At {0}',
  markerAt: '{0}, at {1}',
  markerSessionStartedBy: 'Session started by {0} on {1}',
  markerSessionFailed: 'Session failed to start: {0}',
  markerSessionStarted: 'Session started',
  markerSessionEnded: 'Session ended',
  markerUnknownUser: 'unknown user',
  markerTheDesktop: 'the desktop',
  markerClipboardSend: 'Clipboard sent to the desktop ({0})',
  markerClipboardReceive: 'Clipboard received from the desktop ({0})',
  markerShared: 'Directory “{0}” shared',
  markerShareFailed: 'Sharing directory “{0}” failed: {1}',
  markerRead: 'File read: {0} ({1} at offset {2})',
  markerWritten: 'File written: {0} ({1} at offset {2})',
  markerReadFailed: 'File read failed: {0} ({1})',
  markerWriteFailed: 'File write failed: {0} ({1})',
  markerOneByte: '1 byte',
  markerBytes: '{0} bytes',
  markerInfo: 'Info: {0}',
  markerWarning: 'Warning: {0}',
  markerAlertError: 'Error: {0}',
  /** A transfer: read, written (size, count), and its expand button's name (count), split at `|`. */
  transfer: 'read {0} in {1} reads|wrote {0} in {1} writes|{1} operations',
  error: 'Error: {0}',
};

/**
 * The texts of a language. Features in chunks of their own bring their texts' English and German
 * defaults with them, and read a table's key for them first: `evidence` (the evidence bundle's
 * button, progress, done, cancelled and failed, separated by `|`), `knownUpTo` (what the slider and
 * the marker list say of time not read yet, separated by `|`: `partial-knowledge.ts`),
 * `approximateScreen` (the label over the screen while a seek waits for the download:
 * `approximate-screen.ts`).
 */
export type Strings = typeof en & { evidence?: string; knownUpTo?: string; approximateScreen?: string };

/** Every text, with those of the lazy chunks (`panel-strings.ts`): what a language's table holds. */
export type AllStrings = Strings & PanelStrings;

/** German; registered by `src/strings/de.ts` (`desktop-recording-player/strings/de`), not built into the player. */
export const de: AllStrings = {
  player: 'Aufzeichnung einer Desktop-Sitzung',
  playerOf: 'Aufzeichnung einer Desktop-Sitzung: {0} auf {1}',
  play: 'Wiedergeben',
  pause: 'Pausieren',
  seek: 'Position',
  of: '{0} von {1}',
  hour: 'Stunde',
  hours: 'Stunden',
  minute: 'Minute',
  minutes: 'Minuten',
  second: 'Sekunde',
  seconds: 'Sekunden',
  timeToggle: 'Zwischen verstrichener Zeit und Uhrzeit wechseln',
  speed: 'Wiedergabegeschwindigkeit',
  idle: 'Leerlauf überspringen',
  markers: 'Markierungen',
  info: 'Sitzungsdetails',
  capture: 'Dieses Bild als PNG speichern',
  exportVideo: 'Video exportieren…',
  cancelExport: 'Videoexport abbrechen',
  exporting: 'Video wird exportiert… {0}',
  cancel: 'Abbrechen',
  exported: 'Video exportiert',
  exportCancelled: 'Videoexport abgebrochen',
  exportFailed: 'Das Video konnte nicht exportiert werden: {0}',
  link: 'Link zu dieser Stelle kopieren',
  linkCopied: 'Link kopiert',
  copyManually: 'Diesen Link kopieren:',
  help: 'Tastenkürzel',
  fullscreen: 'Vollbild',
  exitFullscreen: 'Vollbild beenden',
  close: 'Schließen',
  loading: 'Aufzeichnung wird geladen…',
  buffering: 'Warten auf weitere Daten der Aufzeichnung…',
  seeking: 'Position wird gesucht…',
  failed: 'Diese Aufzeichnung kann nicht wiedergegeben werden',
  partial: 'Ein Teil dieser Aufzeichnung ist nicht lesbar',
  partialNote: 'Alles vor der beschädigten Stelle lässt sich abspielen.',
  dismiss: 'Ausblenden',
  playing: 'Wiedergabe läuft',
  paused: 'Pausiert',
  ended: 'Ende erreicht',
  live: 'Live',
  goLive: 'Zum Live-Bild',
  liveEnded: 'Die Live-Sitzung ist beendet',
  at: 'Bei {0}',
  markerAt: '{0}, bei {1}',
  markerSessionStartedBy: 'Sitzung von {0} auf {1} gestartet',
  markerSessionFailed: 'Sitzung konnte nicht starten: {0}',
  markerSessionStarted: 'Sitzung gestartet',
  markerSessionEnded: 'Sitzung beendet',
  markerUnknownUser: 'unbekanntem Benutzer',
  markerTheDesktop: 'dem Desktop',
  markerClipboardSend: 'Zwischenablage an den Desktop gesendet ({0})',
  markerClipboardReceive: 'Zwischenablage vom Desktop empfangen ({0})',
  markerShared: 'Verzeichnis „{0}“ freigegeben',
  markerShareFailed: 'Freigabe des Verzeichnisses „{0}“ fehlgeschlagen: {1}',
  markerRead: 'Datei gelesen: {0} ({1} ab Position {2})',
  markerWritten: 'Datei geschrieben: {0} ({1} ab Position {2})',
  markerReadFailed: 'Lesen der Datei fehlgeschlagen: {0} ({1})',
  markerWriteFailed: 'Schreiben der Datei fehlgeschlagen: {0} ({1})',
  markerOneByte: '1 Byte',
  markerBytes: '{0} Byte',
  markerInfo: 'Info: {0}',
  markerWarning: 'Warnung: {0}',
  markerAlertError: 'Fehler: {0}',
  transfer: '{0} gelesen|{0} geschrieben|{1}×',
  error: 'Fehler: {0}',
  // The panels' texts (`panel-strings.ts`).
  noMarkers: 'Diese Aufzeichnung hat keine Markierungen.',
  noInfo: 'Diese Aufzeichnung enthält keine Sitzungsdetails.',
  user: 'Benutzer',
  login: 'Anmeldename',
  desktop: 'Desktop',
  address: 'Adresse',
  windowsUser: 'Windows-Benutzer',
  windowsDomain: 'Windows-Domäne',
  sessionStart: 'Sitzungsbeginn',
  sessionEnd: 'Sitzungsende',
  participants: 'Teilnehmer',
  recorded: 'Aufgezeichnet',
  yes: 'Ja',
  no: 'Nein',
  sessionId: 'Sitzungs-ID',
  cluster: 'Cluster',
  keySpace: 'Leertaste',
  keyHome: 'Pos1',
  keyEnd: 'Ende',
  keyEsc: 'Esc',
  helpPlay: 'Wiedergeben oder pausieren',
  helpSeek5: '5 Sekunden zurück oder vor',
  helpSeek10: '10 Sekunden zurück oder vor',
  helpEnds: 'Anfang oder Ende',
  helpPercent: 'Zu 0 %–90 % springen',
  helpStep: 'Vorige oder nächste Bildänderung (pausiert)',
  helpSpeed: 'Langsamer oder schneller',
  helpMarker: 'Vorige oder nächste Markierung',
  helpFullscreen: 'Vollbild',
  helpHelp: 'Diese Übersicht',
  helpClose: 'Ein Fenster schließen',
};

const tables: Record<string, Strings> = { en };

/** Adds or replaces the table of a language (`de`, not `de-AT`); missing keys stay English. */
export function addStrings(lang: string, table: Partial<AllStrings>): void {
  tables[lang.toLowerCase()] = { ...en, ...table };
}

/** The table for a language tag (`de-CH` → `de`; `de_CH` too); English for anything else. */
export function stringsFor(lang: string): Strings {
  return tables[lang.toLowerCase().split(/[-_]/)[0]!] ?? en;
}

/**
 * The texts of a lazy chunk: its English `defaults`, under what the language's table has of them
 * (a registered language holds every text, `AllStrings`; English keeps them in their chunk).
 */
export function withStrings<Extra extends Record<string, string>>(s: Strings, defaults: Extra): Strings & Extra {
  return { ...defaults, ...s };
}
/** Templates split at their `{n}` once: `fill` runs for each of 100,000 marker labels. */
const templateParts = new Map<string, string[]>();

/** `fill('{0} of {1}', 'a', 'b')` → `'a of b'`. */
export function fill(template: string, ...values: string[]): string {
  let parts = templateParts.get(template);
  if (!parts) templateParts.set(template, (parts = template.split(/\{(\d)\}/)));
  let text = parts[0]!;
  for (let at = 1; at < parts.length; at += 2) text += (values[Number(parts[at])] ?? '') + parts[at + 1];
  return text;
}
