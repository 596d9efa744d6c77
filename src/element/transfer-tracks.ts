import { css, html, nothing, type ReactiveControllerHost, type TemplateResult } from 'lit';
import type { Marker } from '../format/timeline.js';
import { fill, type Strings } from './strings.js';

/** A lane's bar kinds: a file read or written, clipboard sent to the desktop or received from it. */
type LaneKind = 'read' | 'write' | 'send' | 'receive';

/** The lane a marker goes in, and its bar's kind; undefined for markers that have no lane. */
function laneOf({ type, transfer }: Marker): ['transfers' | 'clipboard', LaneKind] | undefined {
  if (transfer) return ['transfers', transfer.direction];
  return type === 'desktop.clipboard.send' ? ['clipboard', 'send'] : type === 'desktop.clipboard.receive' ? ['clipboard', 'receive'] : undefined;
}

/** Bars of a lane, in pixel columns: [first column, last column, kind, index of the first marker in them]. */
type Bar = [from: number, to: number, kind: LaneKind, index: number];

/**
 * The transfer and clipboard lanes under the seek slider's rail: file transfers as bars from their
 * first operation to their last, clipboard sends and receives as bars of their own colour. Like the
 * ticks, bars are computed per pixel column (touching bars of one kind become one), so a long
 * recording never draws more than the rail has pixels. Each bar's `data-index` names its first
 * marker: hovering shows its label (name, size, direction), clicking seeks there.
 */
export class MarkerLanes {
  /** Bars of each lane, as last computed, and what for: markers, duration, columns. */
  #lanes: Record<'transfers' | 'clipboard', Bar[]> = { transfers: [], clipboard: [] };
  #key: unknown[] = [];

  /** `names`: each lane's accessible name; `label`: a marker's (a bar is named after its first marker). */
  render(
    markers: readonly Marker[],
    durationMs: number,
    columns: number,
    onClick: (event: Event) => void,
    names: Record<'transfers' | 'clipboard', string>,
    label: (marker: Marker) => string,
  ): TemplateResult | typeof nothing {
    columns ||= screen.width;
    const lanes = this.#bars(markers, durationMs, columns);
    if (!lanes.transfers.length && !lanes.clipboard.length) return nothing;
    const lane = (name: 'transfers' | 'clipboard') =>
      html`<div class="lane" part="lane lane-${name}" role="group" aria-label=${names[name]}>
        ${lanes[name].map(
          ([from, to, kind, index]) =>
            html`<span
              class="lane__bar lane__bar--${kind}"
              part="lane-bar lane-bar-${kind}"
              role="img"
              aria-label=${label(markers[index]!)}
              data-index=${index}
              .style=${`left:${(from / columns) * 100}%;width:${((to - from + 1) / columns) * 100}%`}
            ></span>`,
        )}
      </div>`;
    return html`<div class="lanes" part="lanes" @click=${onClick}>${lane('transfers')}${lane('clipboard')}</div>`;
  }

  #bars(markers: readonly Marker[], durationMs: number, columns: number): Record<'transfers' | 'clipboard', Bar[]> {
    // The page gets a new markers array whenever one changed (a transfer grows in place in the worker).
    const key = [markers, durationMs, columns];
    if (key.every((value, index) => value === this.#key[index])) return this.#lanes;
    this.#key = key;
    const lanes: Record<'transfers' | 'clipboard', Bar[]> = (this.#lanes = { transfers: [], clipboard: [] });
    if (!(durationMs > 0)) return lanes;
    const lastOf: Partial<Record<LaneKind, Bar>> = {};
    const column = (timeMs: number) => Math.max(0, Math.min(columns - 1, Math.floor((timeMs / durationMs) * columns)));
    markers.forEach((marker, index) => {
      const lane = laneOf(marker);
      if (!lane) return;
      const [name, kind] = lane;
      const from = column(marker.timeMs);
      const to = column(marker.transfer?.endMs ?? marker.timeMs);
      // Markers come in time order: a bar of the same kind that reaches this one's column takes it in.
      const last = lastOf[kind];
      if (last && from <= last[1] + 1) last[1] = Math.max(last[1], to);
      else lanes[name].push((lastOf[kind] = [from, to, kind, index]));
    });
    return lanes;
  }
}

/**
 * A transfer's reads or writes in the marker list, on demand: an expand button on its row, and
 * under an opened transfer one row for each operation.
 */
export class TransferRows {
  #host: ReactiveControllerHost;
  /** Transfers whose operations are shown (`transferKey`). */
  #opened = new Set<string>();
  /** Operation rows of the last `rows()`. */
  #operations = new WeakSet<Marker>();

  constructor(host: ReactiveControllerHost) {
    this.#host = host;
  }

  /** The list's rows: `markers` itself while no transfer is opened. */
  rows(markers: readonly Marker[]): readonly Marker[] {
    if (!this.#opened.size) return markers;
    return markers.flatMap((marker) => {
      const operations = marker.transfer && this.#opened.has(transferKey(marker)) ? marker.transfer.operations : [];
      for (const operation of operations) this.#operations.add(operation);
      return [marker, ...operations];
    });
  }

  isOperation(marker: Marker): boolean {
    return this.#operations.has(marker);
  }

  /** The class of a row: a transfer's read or write is indented under it. */
  rowClass(marker: Marker): string {
    return this.isOperation(marker) ? 'marker-list__operation' : '';
  }

  /** The expand button of a transfer of more than one operation. */
  expandButton(marker: Marker, s: Strings): TemplateResult | typeof nothing {
    const count = marker.transfer?.count ?? 0;
    if (count < 2 || this.isOperation(marker)) return nothing;
    const key = transferKey(marker);
    const opened = this.#opened.has(key);
    return html`<button
      type="button"
      class="marker-list__expand"
      aria-expanded=${opened}
      aria-label=${fill(s.transfer.split('|')[2]!, '', String(count))}
      @click=${() => {
        if (!this.#opened.delete(key)) this.#opened.add(key);
        this.#host.requestUpdate();
      }}
    >
      ${opened ? '▾' : '▸'}
    </button>`;
  }
}

/** A transfer as the list remembers it opened: the page gets new marker objects whenever one changed. */
function transferKey({ timeMs, type, transfer }: Marker): string {
  return `${timeMs} ${type} ${transfer?.path}`;
}

/** The lanes and the marker list's transfer rows of a player; their styles join the element's. */
export class TransferTracks {
  lanes = new MarkerLanes();
  rows: TransferRows;

  constructor(host: ReactiveControllerHost & { readonly shadowRoot: ShadowRoot | null }) {
    this.rows = new TransferRows(host);
    const root = host.shadowRoot!;
    root.adoptedStyleSheets = [...root.adoptedStyleSheets, trackStyles.styleSheet!];
    // Once the loader holds this (updates run after the current task).
    host.requestUpdate();
  }
}

export const trackStyles = css`
  /* The transfer and clipboard lanes, under the rail and above the activity strip. */
  .timeline:has(.lanes) {
    height: 38px;
  }
  .lanes {
    position: absolute;
    inset: auto 6px 8px;
    display: grid;
    gap: 1px;
    pointer-events: none;
  }
  .lane {
    position: relative;
    height: 4px;
  }
  .lane__bar {
    position: absolute;
    inset-block: 0;
    /* A short transfer still shows: at least 4px wide, around its time. */
    min-width: 4px;
    translate: -1px;
    border-radius: 1px;
    pointer-events: auto;
    cursor: pointer;
    background: var(--drp-lane-read, var(--drp-marker-directory, #f5b83d));
  }
  .lane__bar--write {
    background: var(--drp-lane-write, #ff9f43);
  }
  .lane__bar--send {
    background: var(--drp-lane-send, var(--drp-marker-clipboard, #3fcf8e));
  }
  .lane__bar--receive {
    background: var(--drp-lane-receive, #36b3d9);
  }
  .marker-list li {
    display: flex;
  }
  .panel ol .marker-list__expand {
    flex: none;
    width: 2em;
    justify-content: center;
  }
  .marker-list__operation {
    padding-inline-start: 1.5em;
    opacity: 0.85;
  }
`;
