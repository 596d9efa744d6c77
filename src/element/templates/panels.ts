import { nothing, type ReactiveController, type TemplateResult } from 'lit';
import type { AutoHideHost } from '../controllers/auto-hide.js';
import type { PanelContent } from './panel-content.js';
import type { PlayerView } from './view.js';

/** The panels the controls open; each name is also the id of its title in the strings table. */
export type Panel = 'markers' | 'info' | 'help' | 'notes';

/**
 * Which panel is open (at most one), and the focus: into the panel when it opens, back to its
 * opener when it closes. What the panels show (`panel-content.ts`: the marker list, session info,
 * keyboard help) is a chunk, loaded when one first opens; the element's `updateComplete` waits
 * for it (`loading`), so a panel is there once the update that opened it is complete.
 */
export class Panels implements ReactiveController {
  open: Panel | '' = '';
  /** While the panels' chunk loads for an open panel. */
  loading: Promise<void> | undefined;
  #content: PanelContent | undefined;
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
    // A panel whose chunk is still loading takes the focus once it shows.
    const panel = this.#host.renderRoot.querySelector<HTMLElement>('.panel');
    if (!panel) return;
    this.#focus = false;
    panel.focus();
  }

  /** The open panel, once its chunk is there (asking for it the first time). */
  render(view: PlayerView): TemplateResult | typeof nothing {
    if (!this.open) return nothing;
    if (this.#content) return this.#content.render(view, this.open);
    this.loading ??= import('./panel-content.js').then(
      ({ PanelContent }) => {
        this.#content = new PanelContent(this.#host);
        this.loading = undefined;
        this.#host.requestUpdate();
      },
      (error: unknown) => {
        // Nothing to show: the panel stays closed, and the next toggle tries again.
        this.loading = undefined;
        this.open = '';
        this.#focus = false;
        this.#host.requestUpdate();
        console.error('desktop-recording-player: the panels could not be loaded', error);
      },
    );
    return nothing;
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
