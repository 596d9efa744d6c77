import { html, type ReactiveController, type ReactiveControllerHost, type TemplateResult } from 'lit';
import type { Marker } from '../../format/timeline.js';
import { RequestMethod } from '../../worker/protocol.js';
import { notLoadedThumbnail } from '../partial-knowledge.js';
import type { EngineConnection } from './engine-connection.js';
import type { TimelinePoint } from './hover-tooltip.js';
import { clamp, timeOnSlider, type Scrubbing } from './scrubbing.js';

/** CSS pixels: the width of the screen thumbnail in the tooltip. */
const THUMBNAIL_WIDTH = 160;

export interface ThumbnailHost extends ReactiveControllerHost {
  readonly renderRoot: HTMLElement | DocumentFragment;
  closest(selectors: string): Element | null;
}

/**
 * The tooltip over the timeline: the time (and marker) under the pointer, and a thumbnail of the
 * screen there, rendered by the engine at the slider's pixel resolution.
 */
export class Thumbnails implements ReactiveController {
  /** Where the tooltip points (px from the timeline's left) and what it shows; undefined: hidden. */
  hover: { x: number; text: string | TemplateResult } | undefined;
  /** Where the pointer is and the time (and marker) there. */
  #point: { x: number; text: string } | undefined;
  /** The time under the pointer is not read yet: "not loaded yet" shows until a thumbnail composed for it comes. */
  #unread = false;
  #host: ThumbnailHost;
  #engine: EngineConnection;
  #scrubbing: Scrubbing;
  #describe: (seconds: number, marker: Marker | undefined) => string;
  /** The time wanted (ms; -1 none), the one asked for last, and how many requests are out. */
  #want = -1;
  #asked = -1;
  #out = 0;
  /** The request out is for time not read yet: the engine may be reading parts for it, which the next request stops. */
  #fetching = false;
  #placed = true;

  /** `describe`: the tooltip's text for a time, and the marker there if the pointer is on one. */
  constructor(host: ThumbnailHost, engine: EngineConnection, scrubbing: Scrubbing, describe: (seconds: number, marker: Marker | undefined) => string) {
    this.#host = host;
    this.#engine = engine;
    this.#scrubbing = scrubbing;
    this.#describe = describe;
    host.addController(this);
  }

  hostUpdated(): void {
    if (this.#placed || !this.hover) return;
    this.#placed = true;
    // Centred on the pointer, but kept inside the timeline.
    const tooltip = this.#host.renderRoot.querySelector<HTMLElement>('.tooltip')!;
    const width = tooltip.parentElement!.clientWidth;
    tooltip.style.left = `${clamp(this.hover.x - tooltip.offsetWidth / 2, 0, width - tooltip.offsetWidth)}px`;
  }

  /** The pointer moved over the timeline; over a tick (`marker`), the tooltip names that marker. */
  point(event: TimelinePoint, marker: Marker | undefined): void {
    const duration = this.#engine.snapshot.durationMs / 1000;
    const time = marker ? marker.timeMs / 1000 : timeOnSlider(this.#host.renderRoot, event, duration);
    const slider = this.#host.renderRoot.querySelector('.slider')!.getBoundingClientRect();
    const timeline = (event.currentTarget as Element).getBoundingClientRect();
    const { bufferedMs, durationMs } = this.#engine.snapshot;
    // Markers and the screen past what the download in order has read are not known: not "nothing there".
    this.#unread = time * 1000 > bufferedMs && bufferedMs < durationMs;
    // The last thumbnail shows another time, which was read.
    if (this.#unread) this.#canvas().hidden = true;
    this.#show({ x: slider.left - timeline.left + (duration > 0 ? time / duration : 0) * slider.width, text: this.#describe(time, marker) });
    // At the slider's pixel resolution; while dragging, the screen itself shows where the pointer is.
    const perPixel = duration / slider.width;
    this.#thumb(this.#scrubbing.dragging || !(perPixel > 0) ? -1 : Math.round(Math.round(time / perPixel) * perPixel * 1000));
  }

  leave = (): void => {
    this.#show(undefined);
    this.#thumb(-1);
  };

  #show(point: { x: number; text: string } | undefined): void {
    this.#point = point;
    const { videoWidth, videoHeight } = this.#engine.snapshot;
    this.hover =
      point && this.#unread && this.#canvas().hidden
        ? { x: point.x, text: html`${notLoadedThumbnail(this.#host.closest('[lang]')?.getAttribute('lang') ?? '', THUMBNAIL_WIDTH, videoHeight / videoWidth || 9 / 16)}${point.text}` }
        : point;
    this.#placed = false;
    this.#host.requestUpdate();
  }

  #canvas(): HTMLCanvasElement {
    return this.#host.renderRoot.querySelector<HTMLCanvasElement>('.thumbnail')!;
  }

  /**
   * Shows the screen at `ms` (-1 hides it) above the tooltip's time. One request at a time: when it
   * returns, the latest time wanted goes next, and the last thumbnail stays until a new one comes.
   * Only a request for time not read yet is not waited for: the next one (-1 too) goes at once and
   * stops the parts the engine reads for it.
   */
  #thumb(ms: number): void {
    const canvas = this.#canvas();
    const client = this.#engine.client;
    this.#want = ms;
    if (ms < 0) {
      canvas.hidden = true;
      this.#asked = -1;
    }
    // A new time (or none: -1) stops the parts read for a time not read yet at once, rather than after them.
    const cancels = this.#fetching && ms !== this.#asked;
    if ((ms < 0 && !cancels) || ms === this.#asked || (this.#out > 0 && !cancels) || !client) return;
    this.#out += 1;
    this.#asked = ms;
    this.#fetching = this.#unread && ms >= 0;
    client
      .request(RequestMethod.Thumbnail, { timeMs: ms, width: Math.round(THUMBNAIL_WIDTH * devicePixelRatio) })
      .then(
        (bitmap) => {
          // Stopped by a newer request: that one's answer decides.
          if (ms !== this.#asked) return bitmap?.close();
          // Over time not read yet, only that time's own thumbnail (composed for it) shows.
          const shown = bitmap && this.#want >= 0 && (!this.#unread || ms === this.#want);
          canvas.hidden = !shown;
          if (!shown) return bitmap?.close();
          canvas.width = bitmap.width;
          canvas.height = bitmap.height;
          canvas.getContext('bitmaprenderer')!.transferFromImageBitmap(bitmap);
          // The tooltip changed (the thumbnail in place of "not loaded yet"): centre it again.
          if (this.#point) this.#show(this.#point);
        },
        () => {},
      )
      .finally(() => {
        this.#out -= 1;
        if (this.#out > 0) return;
        this.#fetching = false;
        this.#thumb(this.#want);
      });
  }
}
