import { html, type TemplateResult } from 'lit';
import { markerGroup } from '../format/marker-group.js';
import type { PageMarkers } from '../worker/page-markers.js';
import type { Marker } from '../format/timeline.js';

// The colour group of a marker (`--drp-marker-<group>`).
export { markerGroup };

/**
 * The markers as ticks over the seek slider, at `percent(seconds)` of its width: at most one a
 * pixel column of the rail (a long recording can have more markers than the rail has pixels), an
 * alert or failure rather than any other marker in the same column. Each tick's `data-index`
 * names its marker (hover and click find it there).
 */
export class MarkerRail {
  /** Column → index of its marker (a sparse array: columns without a marker are holes), as last computed. */
  #ticks: number[] = [];
  /** What they were computed for: markers, their count, duration, columns. */
  #key: unknown[] = [];

  /** A new recording: its markers are new, whatever their count. */
  reset(): void {
    this.#key = [];
  }

  /** `columns`: the rail's width in CSS pixels (0 before it is laid out). */
  render(markers: PageMarkers | undefined, durationMs: number, percent: (seconds: number) => number, columns: number, onClick: (event: Event) => void): TemplateResult {
    return html`<div class="ticks" aria-hidden="true" @click=${onClick}>
      ${this.#columns(markers, durationMs, percent, columns).flatMap((index) => {
        const marker = markers!.at(index);
        const group = markerGroup(marker);
        return html`<span class="tick tick--${group}" part="tick tick-${group}" data-index=${index} .style=${`left:${percent(marker.timeMs / 1000)}%`}></span>`;
      })}
    </div>`;
  }

  #columns(markers: PageMarkers | undefined, durationMs: number, percent: (seconds: number) => number, columns: number): number[] {
    // Before the rail is measured: as many columns as the screen is wide, which it cannot exceed.
    columns ||= screen.width;
    // Markers are only added while a recording loads: the same count, length and width, the same ticks.
    const key = [markers, markers?.length, durationMs, columns];
    if (key.every((value, index) => value === this.#key[index])) return this.#ticks;
    this.#key = key;
    const ticks: number[] = (this.#ticks = []);
    // Read from the columns: an alert or error kept compactly is an alert, any other marker is looked at.
    for (let index = 0; markers && index < markers.length; index++) {
      const column = Math.min(columns - 1, Math.floor((percent(markers.timeAt(index) / 1000) * columns) / 100));
      if (ticks[column] === undefined || markers.kindAt(index) || markerGroup(markers.at(index)) === 'alert') ticks[column] = index;
    }
    return ticks;
  }
}

/** The marker of the tick an event is on, if any. */
export function markerOfTick(markers: PageMarkers | undefined, event: Event): Marker | undefined {
  const index = (event.target as HTMLElement).dataset.index;
  return index === undefined ? undefined : markers?.at(Number(index));
}
