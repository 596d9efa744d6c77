import type { Marker } from '../../format/timeline.js';
import type { Thumbnails } from './thumbnails.js';

/** What a pointer move over the timeline tells the tooltip (a `PointerEvent` while it is dispatched, or what was kept of one). */
export interface TimelinePoint {
  readonly clientX: number;
  readonly currentTarget: EventTarget | null;
}

/**
 * The timeline's hover tooltip (the time and marker under the pointer, and a thumbnail of the
 * screen there): its code, `thumbnails.ts`, is a chunk loaded at the first pointer move over the
 * timeline, and that move is shown once it is in. Most viewers of a recording never hover it.
 */
export class HoverTooltip {
  #tooltip: Thumbnails | undefined;
  /** While the chunk loads (the element's `updateComplete` waits for it, as for a panel's). */
  loading: Promise<void> | undefined;
  /** The last move while the chunk loads (the pointer still over the timeline). */
  #pending: [TimelinePoint, Marker | undefined] | undefined;

  constructor(private readonly load: () => Promise<Thumbnails>) {}

  /** Where the tooltip points and its text; undefined: hidden. */
  get hover(): Thumbnails['hover'] {
    return this.#tooltip?.hover;
  }

  point = (event: TimelinePoint, marker: Marker | undefined): void => {
    if (this.#tooltip) return this.#tooltip.point(event, marker);
    // The event's currentTarget is gone once it is dispatched: keep what the tooltip reads of it.
    this.#pending = [{ clientX: event.clientX, currentTarget: event.currentTarget }, marker];
    this.loading ??= this.load().then(
      (tooltip) => {
        this.#tooltip = tooltip;
        this.loading = undefined;
        if (this.#pending) tooltip.point(...this.#pending);
      },
      // The next move tries again.
      () => (this.loading = undefined),
    );
  };

  leave = (): void => {
    this.#pending = undefined;
    this.#tooltip?.leave();
  };
}
