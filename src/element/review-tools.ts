import { css, html, nothing, svg, type ReactiveController, type TemplateResult } from 'lit';
import { MediaEvent, ReadyState, type PlaybackSnapshot } from '../playback-state.js';
import { download } from './controllers/output.js';
import { clamp, timeOnSlider } from './controllers/scrubbing.js';
import { formatClock } from './format-time.js';
import { CoverageTracker, coveredFraction } from './review-coverage.js';
import type { ReviewLoader } from './review-loader.js';
import { checkNotes, NOTE_SEVERITIES, sortNotes, type NoteSeverity, type ReviewNote, type ReviewNotesChange, type ReviewNotesChangeDetail } from './review-notes.js';
import { makeSidecar, readSidecar, type ReviewSidecar } from './review-sidecar.js';
import { reviewStrings, type ReviewStrings } from './review-strings.js';
import { fill } from './strings.js';
import type { Marker } from '../format/timeline.js';
import { button } from './templates/button.js';
import type { PlayerView } from './templates/view.js';

/** A drag on the rail shorter than this (seconds) is a click: a note at a moment, not a range. */
const MIN_RANGE_SECONDS = 0.25;

const noteIcon = svg`<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M5 4h14v12l-4 4H5z M15 20v-4h4" stroke="currentColor" stroke-width="2" stroke-linejoin="round"/><path d="M8 9h8M8 13h5" stroke="currentColor" stroke-width="2" stroke-linecap="round"/></svg>`;

/**
 * The review tools of a player (a chunk, loaded by `ReviewLoader`): notes added with the `B` key,
 * the notes button or a drag on the rail, shown on the rail and edited in the notes panel; review
 * coverage followed from the player's media events; the `.review.json` sidecar.
 */
export class ReviewTools implements ReactiveController {
  #loader: ReviewLoader;
  #view: PlayerView;
  #announce: (text: string) => void;
  #coverage = new CoverageTracker();
  /** The note `B` added last: `Shift+B` ends it at the current time. */
  #lastKeyNote: string | undefined;
  /** The note whose text field gets the focus after the next update. */
  #focusNote: string | undefined;
  /** A range being marked on the rail: where the drag started and where it is, in seconds. */
  #selection: [from: number, to: number] | undefined;
  /** The outcome of the last import, shown in the panel. */
  #message = '';
  /** The transfer and clipboard lanes and the marker list's transfer rows, once their chunk is here. */
  transfers: import('./transfer-tracks.js').TransferTracks | undefined;
  #transfersLoading: Promise<void> | undefined;
  /** The markers last looked through for a lane (the page gets a new array whenever one changed). */
  #checkedMarkers: readonly Marker[] | undefined;

  constructor(loader: ReviewLoader, view: PlayerView, announce: (text: string) => void) {
    this.#loader = loader;
    this.#view = view;
    this.#announce = announce;
    const host = view.host;
    const root = host.shadowRoot!;
    root.adoptedStyleSheets = [...root.adoptedStyleSheets, reviewStyles.styleSheet!];
    // Before the slider's own listener (which scrubs): a drag with Alt or Shift marks a range for a note.
    host.addEventListener(
      'pointerdown',
      (event) => {
        const slider = event.composedPath()[0] as HTMLElement;
        if (!(event.altKey || event.shiftKey) || event.button || !slider.classList?.contains('slider')) return;
        event.stopPropagation();
        event.preventDefault();
        slider.setPointerCapture(event.pointerId);
        this.dragRange(event, slider);
      },
      { capture: true },
    );
    host.addController(this);
    this.#sample(view.engine.snapshot);
    try {
      loader.notes = this.check(loader.notes);
    } catch (error) {
      loader.notes = [];
      reportError(error);
    }
    host.requestUpdate();
  }

  // Hidden: what played until the last known position counts, nothing after it. Shown again: the next
  // sample starts a stretch (the position known now may be behind, in time played while hidden).
  #visibility = (): void => (document.visibilityState === 'visible' ? this.#coverage.interrupt() : this.#sample(this.#view.engine.snapshot));

  hostConnected(): void {
    document.addEventListener('visibilitychange', this.#visibility);
  }

  hostDisconnected(): void {
    document.removeEventListener('visibilitychange', this.#visibility);
  }

  /** Notes set on the element, checked (a TypeError names the first that is not a note). */
  check(notes: unknown): ReviewNote[] {
    return checkNotes(notes);
  }

  /** The texts in the player's language. */
  strings(): ReviewStrings {
    return reviewStrings(this.#view.host.closest('[lang]')?.getAttribute('lang') ?? '');
  }

  /** Covered active seconds / all active seconds (`reviewCoverage`). */
  coverage(): number {
    return coveredFraction(this.#coverage.ranges, this.#view.activity.track);
  }

  mediaEvent(name: MediaEvent, state: PlaybackSnapshot): void {
    if (name === MediaEvent.LoadStart || name === MediaEvent.Emptied) this.#coverage.clear();
    if (name === MediaEvent.Seeking) this.#coverage.interrupt();
    this.#sample(state);
  }

  #sample(state: PlaybackSnapshot): void {
    const playing = !state.paused && !state.ended && !state.seeking && state.readyState >= ReadyState.HaveCurrentData;
    const visible = document.visibilityState === 'visible';
    this.#coverage.sample({ position: state.currentTimeMs / 1000, playing, rate: state.playbackRate, visible });
  }

  // ——— notes ———

  /** `B`: a note at the current time, opened for editing; `Shift+B` (`end`): the last note `B` added ends here. */
  keyNote(end: boolean): void {
    if (this.#view.host.readyState === ReadyState.HaveNothing) return;
    const now = this.#view.engine.position;
    const last = end && this.#loader.notes.find(({ id }) => id === this.#lastKeyNote);
    if (!last) {
      this.#lastKeyNote = this.addNote(now).id;
      return;
    }
    const [time, endTime] = [Math.min(last.time, now), Math.max(last.time, now)];
    const note = this.#update(last.id, endTime > time ? { time, endTime } : { time, endTime: undefined });
    if (note) this.#announce(fill(this.strings().noteEnds, formatClock(endTime)));
    this.#edit(last.id);
  }

  /** Adds a note at `time` (or over `time`–`endTime`) and opens it for editing. */
  addNote(time: number, endTime?: number): ReviewNote {
    const note: ReviewNote = { id: crypto.randomUUID(), time: round(time), severity: 'info', text: '', created: new Date().toISOString() };
    if (endTime !== undefined && endTime > time) note.endTime = round(endTime);
    this.#commit([...this.#loader.notes, note], { type: 'add', note });
    this.#announce(fill(this.strings().noteAdded, formatClock(note.time)));
    this.#edit(note.id);
    return note;
  }

  /** Replaces fields of a note; fires `reviewnoteschange` unless `quiet` (text typed, committed on `change`). */
  #update(id: string, patch: Partial<ReviewNote>, quiet = false): ReviewNote | undefined {
    const index = this.#loader.notes.findIndex((note) => note.id === id);
    if (index < 0) return undefined;
    const note: ReviewNote = { ...this.#loader.notes[index]!, ...patch };
    if (note.endTime === undefined) delete note.endTime;
    const notes = this.#loader.notes.slice();
    notes[index] = note;
    this.#commit(notes, quiet ? undefined : { type: 'update', note });
    return note;
  }

  #delete(note: ReviewNote): void {
    const notes = this.#loader.notes.filter(({ id }) => id !== note.id);
    this.#commit(notes, { type: 'delete', note });
    this.#announce(this.strings().noteDeleted);
    // The focus goes to the next note's time, or to the panel.
    const next = notes.find(({ time }) => time >= note.time) ?? notes[notes.length - 1];
    void this.#view.host.updateComplete.then(() => this.#root().querySelector<HTMLElement>(next ? `[data-id="${next.id}"] .review__time` : '.panel')?.focus());
  }

  #commit(notes: ReviewNote[], change: ReviewNotesChange | undefined): void {
    this.#loader.notes = sortNotes(notes);
    this.#view.host.requestUpdate();
    if (!change) return;
    const detail: ReviewNotesChangeDetail = { notes: this.#loader.notes.slice(), change };
    this.#view.host.dispatchEvent(new CustomEvent('reviewnoteschange', { detail }));
  }

  /** Opens the notes panel with the focus in a note's text. */
  #edit(id: string): void {
    const { panels, host } = this.#view;
    if (panels.open !== 'notes') panels.toggle('notes');
    this.#focusNote = id;
    host.requestUpdate();
    void host.updateComplete.then(() => {
      if (this.#focusNote !== id) return;
      this.#focusNote = undefined;
      const field = this.#root().querySelector<HTMLTextAreaElement>(`[data-id="${id}"] textarea`);
      field?.focus();
      field?.scrollIntoView({ block: 'nearest' });
    });
  }

  #root(): ShadowRoot {
    return this.#view.host.shadowRoot!;
  }

  /** A drag on the rail with Alt or Shift held (`slider` captured the pointer): a range note from where it began to where it ends; a click, a note there. */
  dragRange(down: PointerEvent, slider: HTMLElement): void {
    const duration = this.#view.engine.snapshot.durationMs / 1000;
    if (!(duration > 0)) return;
    const at = (event: PointerEvent) => timeOnSlider(this.#root(), event, duration);
    const from = at(down);
    const show = (selection: [number, number] | undefined) => {
      this.#selection = selection;
      this.#view.host.requestUpdate();
    };
    const move = (event: PointerEvent) => show([from, at(event)]);
    const stop = (event: PointerEvent) => {
      slider.removeEventListener('pointermove', move);
      slider.removeEventListener('pointerup', stop);
      slider.removeEventListener('pointercancel', stop);
      show(undefined);
      if (event.type === 'pointercancel') return;
      const to = at(event);
      if (Math.abs(to - from) >= MIN_RANGE_SECONDS) this.addNote(Math.min(from, to), Math.max(from, to));
      else this.addNote(from);
    };
    slider.addEventListener('pointermove', move);
    slider.addEventListener('pointerup', stop);
    slider.addEventListener('pointercancel', stop);
    show([from, from]);
  }

  // ——— sidecar ———

  exportSidecar(): ReviewSidecar {
    const { host } = this.#view;
    return makeSidecar(host.recording.sessionId ?? null, host.recordingSha256, this.#loader.notes, this.#coverage.ranges);
  }

  importSidecar(json: string | object): ReviewSidecar {
    const { host } = this.#view;
    const sidecar = readSidecar(json, { sessionId: host.recording.sessionId ?? null, recordingSha256: host.recordingSha256 });
    this.#coverage.merge(sidecar.coverage);
    this.#commit(sidecar.notes, { type: 'import' });
    return sidecar;
  }

  #download(): void {
    const sidecar = this.exportSidecar();
    download(new Blob([JSON.stringify(sidecar, null, 2)], { type: 'application/json' }), `${sidecar.sessionId || 'recording'}.review.json`);
  }

  async #importFile(input: HTMLInputElement): Promise<void> {
    const file = input.files?.[0];
    input.value = '';
    if (!file) return;
    const s = this.strings();
    try {
      const sidecar = this.importSidecar(await file.text());
      this.#message = fill(s.imported, String(sidecar.notes.length));
    } catch (error) {
      this.#message = fill(s.importFailed, error instanceof Error ? error.message : String(error));
    }
    this.#announce(this.#message);
    this.#view.host.requestUpdate();
  }

  // ——— rendering ———

  /** A note's accessible name: severity, time or range, text. */
  #label(note: ReviewNote, s: ReviewStrings): string {
    const text = note.text.trim() || s.untitled;
    return note.endTime === undefined
      ? fill(s.noteAt, s[note.severity], formatClock(note.time), text)
      : fill(s.noteRange, s[note.severity], formatClock(note.time), formatClock(note.endTime), text);
  }

  /**
   * The transfer and clipboard lanes under the rail (`transfer-tracks.ts`): a chunk of their own,
   * loaded the first time a recording has a marker for them, so one without costs nothing.
   */
  lanes(markers: readonly Marker[], durationMs: number, columns: number, onClick: (event: Event) => void): TemplateResult | typeof nothing {
    const s = this.strings();
    if (this.transfers) return this.transfers.lanes.render(markers, durationMs, columns, onClick, { transfers: s.laneTransfers, clipboard: s.laneClipboard }, this.#view.actions.markerLabel);
    if (markers !== this.#checkedMarkers && (this.#checkedMarkers = markers).some(({ type, transfer }) => transfer || /clipboard/.test(type))) {
      // The chunk asks for the update that shows it.
      this.#transfersLoading ??= import('./transfer-tracks.js').then(({ TransferTracks }) => void (this.transfers = new TransferTracks(this.#view.host)));
    }
    return nothing;
  }

  /** The coverage band and the notes over the rail; a range being marked. */
  rail(percent: (seconds: number) => number): TemplateResult {
    const s = this.strings();
    const notes = this.#loader.notes;
    const ranges = this.#coverage.ranges;
    const span = (from: number, to: number) => `left:${percent(from)}%;width:${Math.max(0, percent(to) - percent(from))}%`;
    const selection = this.#selection;
    return html`<div class="review-rail">
      ${ranges.length
        ? html`<div class="coverage" part="coverage" role="img" aria-label=${fill(s.coverage, percentText(this.coverage(), this.#view.actions.locale()))}>
            ${ranges.map(([from, to]) => html`<span .style=${span(from, to)}></span>`)}
          </div>`
        : nothing}
      ${notes.length
        ? html`<div class="review-notes" role="group" aria-label=${s.railNotes}>
            ${notes.map(
              (note) =>
                html`<span
                  class="note note--${note.severity} ${note.endTime === undefined ? '' : 'note--range'}"
                  part="note note-${note.severity}${note.endTime === undefined ? '' : ' note-range'}"
                  role="img"
                  aria-label=${this.#label(note, s)}
                  title=${this.#label(note, s)}
                  .style=${note.endTime === undefined ? `left:${percent(note.time)}%` : span(note.time, note.endTime)}
                  @click=${() => this.#jump(note, true)}
                ></span>`,
            )}
          </div>`
        : nothing}
      ${selection ? html`<div class="note-selection" part="note-selection" .style=${span(Math.min(...selection), Math.max(...selection))}></div>` : nothing}
    </div>`;
  }

  /** The notes button of the controls. */
  button(): TemplateResult {
    const { panels } = this.#view;
    return button('notes', this.strings().notes, noteIcon, () => panels.toggle('notes'), { expanded: panels.open === 'notes' });
  }

  /** The notes panel's title. */
  title(): string {
    return this.strings().notes;
  }

  /** The notes panel: coverage, add / save / load, then every note, editable in place. */
  panel(): TemplateResult {
    const s = this.strings();
    const { host, actions } = this.#view;
    const notes = this.#loader.notes;
    const noMedia = host.readyState === ReadyState.HaveNothing;
    return html`
      <p class="review__coverage">${fill(s.coverage, percentText(this.coverage(), actions.locale()))}</p>
      <div class="review__actions">
        <button type="button" part="button add-note-button" ?disabled=${noMedia} @click=${() => this.addNote(this.#view.engine.position)}>${s.addNote}</button>
        <button type="button" part="button export-notes-button" @click=${() => this.#download()}>${s.exportNotes}</button>
        <label class="review__import" part="button import-notes-button">
          ${s.importNotes}
          <input type="file" accept=".json,application/json" @change=${(event: Event) => this.#importFile(event.target as HTMLInputElement)} />
        </label>
      </div>
      <p class="review__message" role="status" ?hidden=${!this.#message}>${this.#message}</p>
      ${notes.length
        ? html`<ul class="review__notes" part="notes-list">
            ${notes.map((note) => this.#row(note, s))}
          </ul>`
        : html`<p>${s.noNotes}</p>`}
    `;
  }

  #row(note: ReviewNote, s: ReviewStrings): TemplateResult {
    const when = note.endTime === undefined ? formatClock(note.time) : `${formatClock(note.time)}–${formatClock(note.endTime)}`;
    return html`<li class="review__note review__note--${note.severity}" part="note-row" data-id=${note.id}>
      <div class="review__line">
        <button type="button" class="review__time" aria-label=${fill(s.jumpTo, when)} @click=${() => this.#jump(note, false)}>
          <span class="note note--${note.severity}"></span>${when}
        </button>
        <select
          aria-label=${s.severity}
          @change=${(event: Event) => this.#update(note.id, { severity: (event.target as HTMLSelectElement).value as NoteSeverity })}
        >
          ${NOTE_SEVERITIES.map((severity) => html`<option value=${severity} ?selected=${severity === note.severity}>${s[severity]}</option>`)}
        </select>
        <button type="button" class="review__delete" part="button delete-note-button" aria-label=${s.deleteNote} title=${s.deleteNote} @click=${() => this.#delete(note)}>✕</button>
      </div>
      <textarea
        rows="2"
        aria-label=${s.noteText}
        .value=${note.text}
        @input=${(event: Event) => this.#update(note.id, { text: (event.target as HTMLTextAreaElement).value }, true)}
        @change=${() => {
          const current = this.#loader.notes.find(({ id }) => id === note.id);
          if (current) this.#commit(this.#loader.notes, { type: 'update', note: current });
        }}
      ></textarea>
    </li>`;
  }

  /** To a note's time; from the rail, with the note opened in the panel. */
  #jump(note: ReviewNote, open: boolean): void {
    this.#view.actions.seekWithin(note.time);
    if (open) this.#edit(note.id);
  }
}

const round = (seconds: number): number => Math.round(clamp(seconds, 0, Infinity) * 1000) / 1000;

function percentText(fraction: number, locale: string | undefined): string {
  return new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 }).format(fraction);
}

export const reviewStyles = css`
  .review-rail {
    position: absolute;
    inset: 0 6px;
    pointer-events: none;
  }
  /* Seen at 4× or slower: a thin band just under the rail. */
  .coverage {
    position: absolute;
    inset: calc(50% + 3px) 0 auto;
    height: 2px;
  }
  .coverage span {
    position: absolute;
    inset-block: 0;
    background: var(--drp-coverage-color, #3fcf8e);
  }
  .note {
    position: absolute;
    top: calc(50% - 12px);
    width: 8px;
    height: 7px;
    translate: -50%;
    clip-path: polygon(0 0, 100% 0, 50% 100%);
    pointer-events: auto;
    cursor: pointer;
    background: var(--drp-note-info, #4da3ff);
  }
  .note--range {
    translate: none;
    height: 3px;
    top: calc(50% - 8px);
    min-width: 3px;
    clip-path: none;
    border-radius: 1px;
  }
  .note--warning {
    background: var(--drp-note-warning, #f5b83d);
  }
  .note--critical {
    background: var(--drp-note-critical, #ff4d4f);
  }
  .note-selection {
    position: absolute;
    inset-block: 2px;
    background: color-mix(in srgb, var(--_accent) 30%, transparent);
    border-inline: 1px solid var(--_accent);
  }
  .review__coverage,
  .review__message {
    margin: 0.25em 0 0.5em;
  }
  .review__actions {
    display: flex;
    flex-wrap: wrap;
    gap: 0.25em;
    margin-block-end: 0.5em;
  }
  .review__actions button,
  .review__import {
    padding: 0.4em 0.6em;
    border: 1px solid #8886;
    border-radius: var(--_radius);
    cursor: pointer;
  }
  .review__import input {
    position: absolute;
    width: 1px;
    height: 1px;
    opacity: 0;
  }
  .review__import:focus-within {
    outline: 2px solid var(--drp-focus-ring, var(--_accent));
  }
  .review__notes {
    list-style: none;
    margin: 0;
    padding: 0;
  }
  .review__note {
    padding: 0.4em 0;
    border-top: 1px solid #8884;
  }
  .review__line {
    display: flex;
    gap: 0.5em;
    align-items: center;
  }
  .review__time {
    display: flex;
    gap: 0.4em;
    align-items: center;
    flex: 1;
    padding: 0.3em;
    font-variant-numeric: tabular-nums;
    text-align: start;
  }
  .review__time .note {
    position: static;
    translate: none;
  }
  .review__delete {
    min-width: 32px;
    min-height: 32px;
  }
  .review__note textarea {
    box-sizing: border-box;
    width: 100%;
    margin-top: 0.25em;
    font: inherit;
    color: inherit;
    background: transparent;
    border: 1px solid #8886;
    border-radius: var(--_radius);
    resize: vertical;
  }
`;
