import { html, type ReactiveController, type ReactiveControllerHost, type TemplateResult } from 'lit';
import { clamp } from '../controllers/scrubbing.js';
import { markerGroup } from '../marker-rail.js';
import type { PlayerView } from './view.js';

/** Rows rendered beyond those in view, on either side (so Tab always has a next row to go to). */
const OVERSCAN = 8;

/**
 * The marker list of the markers panel, virtualized: only the rows in view (and a few either side)
 * are rendered, and the list's padding stands for the others, so it scrolls, and tells its length
 * (`aria-setsize`), as if all were there. Rows are one line high, measured once shown. As the
 * list scrolls, lit reuses rows for other markers: focus stays with its marker, not with the row.
 */
export class MarkerList implements ReactiveController {
  #host: ReactiveControllerHost & { readonly renderRoot: HTMLElement | DocumentFragment; readonly shadowRoot: ShadowRoot | null };
  /** A row's height (px), as last measured. */
  #rowHeight = 30;
  /** The row that has focus, if one has. */
  #focused = -1;

  constructor(host: ReactiveControllerHost & { readonly renderRoot: HTMLElement | DocumentFragment; readonly shadowRoot: ShadowRoot | null }) {
    this.#host = host;
    host.addController(this);
  }

  hostUpdated(): void {
    const rowHeight = this.#host.renderRoot.querySelector('.marker-list li')?.getBoundingClientRect().height;
    if (rowHeight && rowHeight !== this.#rowHeight) {
      this.#rowHeight = rowHeight;
      this.#host.requestUpdate();
    }
    const focused = this.#host.shadowRoot!.activeElement as HTMLElement | null;
    if (focused?.dataset.row && Number(focused.dataset.row) !== this.#focused) this.#host.renderRoot.querySelector<HTMLElement>(`[data-row="${this.#focused}"]`)?.focus();
  }

  /** The list, for the panel that scrolls it (`scroller`, the panel: its head above the list is less than the rows rendered beyond the view). */
  render({ engine, actions, s, review }: PlayerView, scroller: HTMLElement | null): TemplateResult {
    // Under an opened transfer, a row for each of its reads or writes (once the tracks' chunk is there).
    const tracks = review.loaded?.transfers?.rows;
    const rows = tracks?.rows(engine.snapshot.markers) ?? engine.snapshot.markers;
    const height = this.#rowHeight;
    const top = Math.floor((scroller?.scrollTop ?? 0) / height);
    const first = clamp(top - OVERSCAN, 0, rows.length);
    const end = clamp(top + Math.ceil((scroller?.clientHeight ?? innerHeight) / height) + OVERSCAN, 0, rows.length);
    return html`<ol
      class="marker-list"
      .style=${`padding:${first * height}px 0 ${(rows.length - end) * height}px`}
      @focusin=${(event: Event) => {
        this.#focused = Number((event.target as HTMLElement).dataset.row);
        this.#host.requestUpdate();
      }}
    >
      ${rows.slice(first, end).map(
        (marker, offset) =>
          html`<li aria-posinset=${first + offset + 1} aria-setsize=${rows.length} class=${tracks?.rowClass(marker)}>
          <button type="button" data-row=${first + offset} @click=${() => actions.seekWithin(marker.timeMs / 1000)}>
            <span class="tick tick--${markerGroup(marker)}"></span><span class="marker-list__time">${actions.clockAt(marker.timeMs / 1000)}</span>
            ${actions.markerLabel(marker)}
          </button>
          ${tracks?.expandButton(marker, s)}
        </li>`,
      )}
    </ol>`;
  }
}
