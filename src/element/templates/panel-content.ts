// What the panels show, a chunk of its own (`Panels` in panels.ts loads it when one first opens):
// the marker list, the session info and the keyboard help.
import { html, nothing, type ReactiveControllerHost, type TemplateResult } from 'lit';
import { icons } from '../icons.js';
import { shortcutHelp, type ShortcutActions } from '../shortcuts.js';
import { markerListNote } from '../partial-knowledge.js';
import { withStrings, type Strings } from '../strings.js';
import { button } from './button.js';
import { MarkerList } from './marker-list.js';
import { enPanels, type PanelStrings } from './panel-strings.js';
import type { Panel } from './panels.js';
import type { PlayerView } from './view.js';

export class PanelContent {
  #markerList: MarkerList;

  constructor(host: ReactiveControllerHost & { readonly renderRoot: HTMLElement | DocumentFragment; readonly shadowRoot: ShadowRoot | null }) {
    this.#markerList = new MarkerList(host);
  }

  render(view: PlayerView, panel: Panel): TemplateResult {
    return panelTemplate(view, panel, this.#markerList);
  }
}

/** The open panel: a dialog with its title, a close button and its body. */
function panelTemplate(view: PlayerView, panel: Panel, list: MarkerList): TemplateResult {
  const s = withStrings(view.s, enPanels);
  // The notes come with the review tools' chunk.
  const review = view.review.loaded;
  const body = panel === 'markers' ? markerList(view, list, s) : panel === 'info' ? sessionInfo(view, s) : panel === 'notes' ? review?.panel() : keyboardHelp(s, view.actions);
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

function markerList(view: PlayerView, list: MarkerList, s: PanelStrings): TemplateResult {
  const { markers, bufferedMs, durationMs } = view.engine.snapshot;
  // Markers are found as the recording is read in order: past that, the list cannot say there are none.
  const known = bufferedMs < durationMs ? html`<p class="panel__known">${markerListNote(view, bufferedMs / 1000)}</p>` : nothing;
  return html`${known}${markers.length ? list.render(view, view.host.renderRoot.querySelector('.panel')) : known === nothing ? html`<p>${s.noMarkers}</p>` : nothing}`;
}

function sessionInfo({ engine, actions }: PlayerView, s: Strings & PanelStrings): TemplateResult {
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

function keyboardHelp(s: PanelStrings, actions: ShortcutActions): TemplateResult {
  return html`<dl class="keys">${shortcutHelp(s, actions).map(([keys, does]) => html`<dt><kbd>${keys}</kbd></dt><dd>${does}</dd>`)}</dl>`;
}
