/**
 * The page's side of the evidence bundle, a chunk of its own: `exportEvidence()` (the notes and
 * the recording's hash the player has, checked and put in the worker's terms; the bundle itself
 * is made in the worker, `core/export/evidence-bundle.ts`), and the controls' button for it with
 * its texts.
 */
import { svg, type TemplateResult } from 'lit';
import type { EngineClient } from '../worker/worker-client.js';
import type { ExportTexts } from './controllers/output.js';
import type { EvidenceNote } from '../worker/protocol.js';
import type { EvidenceNoteInput, ExportEvidenceOptions } from './player-types.js';
import { en } from './strings.js';
import { button } from './templates/button.js';
import type { PlayerView } from './templates/view.js';

/**
 * The texts (button, progress, done, cancelled, failed), English and German: a language's table
 * may give its own as `evidence`. They come with this chunk so the player's first download and
 * the German table stay as they are.
 */
const TEXTS = {
  en: 'Export evidence…|Making the evidence bundle… {0}|Evidence bundle saved|Evidence bundle cancelled|The evidence bundle could not be made: {0}',
  de: 'Beweispaket exportieren…|Beweispaket wird erstellt… {0}|Beweispaket gespeichert|Beweispaket abgebrochen|Das Beweispaket konnte nicht erstellt werden: {0}',
};

// A package with a check mark.
const icon = svg`<svg viewBox="0 0 16 16" aria-hidden="true"><path d="M2 5l6-3 6 3v7l-6 3-6-3zM5.5 8.5l2 2 3.5-4" /></svg>`;

/**
 * The controls' "Export evidence…" button: makes the bundle of the whole recording and downloads
 * it (`<session-id>-evidence-<start>-<end>.zip`), with progress; pressed again, cancels it.
 */
export function evidenceButton({ host, output, actions, s }: PlayerView): TemplateResult {
  // German where the player speaks it (its German table is registered), else English.
  const [label, ...texts] = (s.evidence ?? (s !== en && /^de\b/i.test(actions.locale() ?? '') ? TEXTS.de : TEXTS.en)).split('|') as [string, ...ExportTexts];
  const running = output.running?.kind;
  return button(
    'evidence',
    running === 'evidence' ? s.cancel : label,
    icon,
    () => output.run('evidence', texts, (signal, onProgress) => host.exportEvidence({ signal, onProgress })),
    { pressed: running === 'evidence', disabled: !!running && running !== 'evidence' },
  );
}

/** What the bundle reads of the element: its review notes and the recording's hash, where it has them. */
interface EvidencePlayer {
  readonly reviewNotes?: unknown;
  readonly recordingSha256?: unknown;
}

const SEVERITIES: ReadonlySet<string> = new Set(['info', 'warning', 'critical']);

/** A note in the worker's terms; a TypeError that names the note for one the bundle cannot place. */
function toEvidenceNote(note: EvidenceNoteInput, index: number): EvidenceNote {
  const which = `review note ${index + 1}${typeof note?.id === 'string' ? ` (${note.id})` : ''}`;
  if (!note || typeof note !== 'object') throw new TypeError(`${which} is not an object`);
  const { id, time, endTime, severity, text, created, author } = note;
  if (!(typeof time === 'number' && Number.isFinite(time) && time >= 0)) throw new TypeError(`${which} has no time (seconds from the recording's start): ${String(time)}`);
  if (endTime !== undefined && !(typeof endTime === 'number' && Number.isFinite(endTime) && endTime >= time)) throw new TypeError(`${which} ends before it starts: ${String(endTime)}`);
  if (!SEVERITIES.has(severity)) throw new TypeError(`${which} has severity "${String(severity)}"; it is one of info, warning, critical`);
  const createdAt = typeof created === 'number' ? new Date(created) : undefined;
  return {
    id: String(id),
    timeMs: time * 1000,
    ...(endTime !== undefined ? { endTimeMs: endTime * 1000 } : {}),
    severity,
    text: String(text ?? ''),
    created: createdAt ? (Number.isFinite(createdAt.getTime()) ? createdAt.toISOString() : '') : String(created ?? ''),
    ...(author !== undefined ? { author: String(author) } : {}),
  };
}

export function exportEvidence(element: object, engine: EngineClient, options: ExportEvidenceOptions): Promise<File> {
  const { start, end, onProgress, signal } = options;
  const player = element as EvidencePlayer;
  // The player's review notes and hash when it has them (a build without them has neither).
  const notes = options.notes ?? player.reviewNotes ?? [];
  if (!Array.isArray(notes)) return Promise.reject(new TypeError('notes must be an array of review notes'));
  let evidenceNotes: EvidenceNote[];
  try {
    evidenceNotes = (notes as EvidenceNoteInput[]).map(toEvidenceNote);
  } catch (error) {
    return Promise.reject(error);
  }
  const hash = player.recordingSha256;
  const recordingSha256 = typeof hash === 'string' && /^[0-9a-f]{64}$/i.test(hash) ? hash.toLowerCase() : undefined;
  const seconds = (value: number | undefined) => (value === undefined ? undefined : value * 1000);
  return engine.exportEvidence(
    { startMs: seconds(start), endMs: seconds(end), notes: evidenceNotes, ...(recordingSha256 ? { recordingSha256 } : {}) },
    onProgress && ((progress) => onProgress(progress.fraction)),
    signal,
  );
}
