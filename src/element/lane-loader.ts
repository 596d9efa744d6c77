import { nothing, type ReactiveControllerHost, type TemplateResult } from 'lit';
import type { Marker } from '../format/timeline.js';

/**
 * The transfer and clipboard lanes and the marker list's transfer rows (`transfer-tracks.ts`),
 * loaded as a chunk of their own the first time a recording has a marker for them: a recording
 * without transfers or clipboard costs nothing.
 */
export class LaneLoader {
  #host: ReactiveControllerHost & { readonly shadowRoot: ShadowRoot | null };
  /** The chunk's lanes and transfer rows, once it is there. */
  loaded: import('./transfer-tracks.js').TransferTracks | undefined;
  #loading: Promise<void> | undefined;
  /** The markers last looked through for a lane (the page gets a new array whenever one changed). */
  #checked: readonly Marker[] | undefined;

  constructor(host: ReactiveControllerHost & { readonly shadowRoot: ShadowRoot | null }) {
    this.#host = host;
  }

  render(markers: readonly Marker[], durationMs: number, columns: number, onClick: (event: Event) => void): TemplateResult | typeof nothing {
    if (this.loaded) return this.loaded.lanes.render(markers, durationMs, columns, onClick);
    if (markers !== this.#checked && (this.#checked = markers).some(({ type, transfer }) => transfer || /clipboard/.test(type))) {
      // The chunk asks for the update that shows it.
      this.#loading ??= import('./transfer-tracks.js').then(({ TransferTracks }) => void (this.loaded = new TransferTracks(this.#host)));
    }
    return nothing;
  }
}
