import { html, type ReactiveController, type TemplateResult } from 'lit';
import type { AutoHideHost } from '../controllers/auto-hide.js';
import { icons } from '../icons.js';
import { shortcutHelp } from '../shortcuts.js';
import type { Strings } from '../strings.js';
import { button } from './button.js';
import type { PlayerView } from './view.js';

/** The panels the controls open; each name is also the id of its title in the strings table. */
export type Panel = 'markers' | 'info' | 'help' | 'notes';

/** Which panel is open (at most one), and the focus: into the panel when it opens, back to its opener when it closes. */
export class Panels implements ReactiveController {
  open: Panel | '' = '';
  #host: AutoHideHost;
  #closed: () => void;
  /** What had focus when a panel opened. */
  #opener: HTMLElement | undefined;
  #focus = false;

  /** `closed`: a panel was closed (activity, for the controls). */
  constructor(host: AutoHideHost, closed: () => void) {
    this.#host = host;
    this.#closed = closed;
    host.addController(this);
  }

  hostUpdated(): void {
    if (!this.#focus) return;
    this.#focus = false;
    this.#host.renderRoot.querySelector<HTMLElement>('.panel')?.focus();
  }

  toggle(panel: Panel): void {
    if (this.open === panel) return this.close();
    if (!this.open) this.#opener = (this.#host.shadowRoot!.activeElement as HTMLElement | null) ?? this.#host;
    this.open = panel;
    this.#focus = true;
    this.#host.requestUpdate();
  }

  close = (): void => {
    if (!this.open) return;
    this.open = '';
    this.#host.requestUpdate();
    this.#opener?.focus();
    this.#closed();
  };
}

/** The open panel: a dialog with its title, a close button and its body. */
export function panelTemplate(view: PlayerView, panel: Panel): TemplateResult {
  const { s } = view;
  // The session info and the notes come with the review tools' chunk.
  const review = view.review.loaded;
  const body = panel === 'markers' ? markerList(view) : panel === 'info' ? review?.sessionInfo(view) : panel === 'notes' ? review?.panel() : keyboardHelp(view);
  return html`
    <div class="panel" part="panel ${panel}-panel" role="dialog" aria-labelledby="panel-title" tabindex="-1" @scroll=${() => view.host.requestUpdate()}>
      <div class="panel__head">
        <span id="panel-title">${panel === 'notes' ? review?.title() : s[panel]}</span>
        ${button('close', s.close, icons.close, view.panels.close)}
      </div>
      ${body}
    </div>
  `;
}

function markerList(view: PlayerView): TemplateResult {
  return view.engine.snapshot.markers.length ? view.markerList.render(view, view.host.renderRoot.querySelector('.panel')) : html`<p>${view.s.noMarkers}</p>`;
}

function keyboardHelp({ s, review }: PlayerView): TemplateResult {
  // The review tools' key is listed with their texts.
  if (!review.loaded) void review.load();
  return html`<dl class="keys">${shortcutHelp(s, review.loaded?.strings()).map(([keys, does]) => html`<dt><kbd>${keys}</kbd></dt><dd>${does}</dd>`)}</dl>`;
}
