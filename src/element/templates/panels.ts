import { html, type ReactiveController, type TemplateResult } from 'lit';
import type { AutoHideHost } from '../controllers/auto-hide.js';
import { icons } from '../icons.js';
import { shortcutHelp, type ShortcutActions } from '../shortcuts.js';
import type { Strings } from '../strings.js';
import { button } from './button.js';
import type { PlayerView } from './view.js';

/** The panels the controls open; each name is also the id of its title in the strings table. */
export type Panel = 'markers' | 'info' | 'help';

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
  const body = panel === 'markers' ? markerList(view) : panel === 'info' ? sessionInfo(view) : keyboardHelp(s, view.actions);
  return html`
    <div class="panel" part="panel ${panel}-panel" role="dialog" aria-labelledby="panel-title" tabindex="-1" @scroll=${() => view.host.requestUpdate()}>
      <div class="panel__head">
        <span id="panel-title">${s[panel]}</span>
        ${button('close', s.close, icons.close, view.panels.close)}
      </div>
      ${body}
    </div>
  `;
}

function markerList(view: PlayerView): TemplateResult {
  return view.engine.snapshot.markers.length ? view.markerList.render(view, view.host.renderRoot.querySelector('.panel')) : html`<p>${view.s.noMarkers}</p>`;
}

function sessionInfo({ engine, actions, s }: PlayerView): TemplateResult {
  const r = engine.snapshot.recording;
  const dates = new Intl.DateTimeFormat(actions.locale(), { dateStyle: 'medium', timeStyle: 'long' });
  const when = (date?: Date) => date && dates.format(date);
  const rows = (
    [
      [s.user, r.user],
      [s.login, r.login],
      [s.desktop, r.desktopName],
      [s.address, r.desktopAddr],
      [s.windowsUser, r.windowsUser],
      [s.windowsDomain, r.windowsDomain],
      [s.sessionStart, when(r.sessionStart)],
      [s.sessionEnd, when(r.sessionEnd)],
      [s.participants, r.participants?.join(', ')],
      [s.recorded, r.recorded === undefined ? undefined : r.recorded ? s.yes : s.no],
      [s.sessionId, r.sessionId],
      [s.cluster, r.clusterName],
    ] as const
  ).filter(([, value]) => value);
  return rows.length ? html`<dl>${rows.map(([term, value]) => html`<dt>${term}</dt><dd>${value}</dd>`)}</dl>` : html`<p>${s.noInfo}</p>`;
}

function keyboardHelp(s: Strings, actions: ShortcutActions): TemplateResult {
  return html`<dl class="keys">${shortcutHelp(s, actions).map(([keys, does]) => html`<dt><kbd>${keys}</kbd></dt><dd>${does}</dd>`)}</dl>`;
}
