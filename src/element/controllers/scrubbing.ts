import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { ReadyState } from '../../playback-state.js';
import type { EngineConnection } from './engine-connection.js';

/** While the seek slider is dragged, at most one seek per this long (the engine drops stale seeks). */
const SCRUB_INTERVAL_MS = 60;

export const clamp = (value: number, min: number, max: number): number => Math.min(Math.max(value, min), max);

/** Time (seconds) on the seek slider under the pointer, within 0 and the duration. */
export function timeOnSlider(root: HTMLElement | DocumentFragment, event: { readonly clientX: number }, duration: number): number {
  const rect = root.querySelector('.slider')!.getBoundingClientRect();
  return clamp((event.clientX - rect.left) / rect.width, 0, 1) * (Number.isFinite(duration) ? duration : 0);
}

/**
 * Dragging the seek slider: the thumb follows the pointer at once (`time`), seeks go out at most
 * once per SCRUB_INTERVAL_MS while dragging, and always where the drag ends.
 */
export class Scrubbing implements ReactiveController {
  /** Where the thumb is while it is dragged (and until the last seek of the drag is done). */
  time: number | undefined;
  /** The pointer holds the thumb. */
  dragging = false;
  #host: ReactiveControllerHost & { readonly renderRoot: HTMLElement | DocumentFragment };
  #engine: EngineConnection;
  #timer = 0;
  #queued = false;

  constructor(host: ReactiveControllerHost & { readonly renderRoot: HTMLElement | DocumentFragment }, engine: EngineConnection) {
    this.#host = host;
    this.#engine = engine;
    host.addController(this);
  }

  hostDisconnected(): void {
    clearTimeout(this.#timer);
    this.#timer = 0;
  }

  start = (event: PointerEvent): void => {
    if (event.button || this.#engine.snapshot.readyState === ReadyState.HaveNothing) return;
    (event.currentTarget as Element).setPointerCapture(event.pointerId);
    this.dragging = true;
    this.#to(this.#timeAt(event));
  };

  move = (event: PointerEvent): void => {
    if (this.dragging) this.#to(this.#timeAt(event));
  };

  end = (event: PointerEvent): void => {
    if (!this.dragging) return;
    this.dragging = false;
    this.#to(this.#timeAt(event), true);
  };

  #timeAt(event: PointerEvent): number {
    return timeOnSlider(this.#host.renderRoot, event, this.#engine.snapshot.durationMs / 1000);
  }

  #to(seconds: number, last = false): void {
    this.time = seconds;
    this.#host.requestUpdate();
    if (this.#timer && !last) {
      this.#queued = true;
      return;
    }
    clearTimeout(this.#timer);
    this.#queued = false;
    this.#timer = window.setTimeout(() => {
      this.#timer = 0;
      if (this.#queued && this.time !== undefined) this.#to(this.time);
    }, SCRUB_INTERVAL_MS);
    void this.#engine.seek(seconds).then(() => {
      if (!this.dragging && this.time === seconds) {
        this.time = undefined;
        this.#host.requestUpdate();
      }
    });
  }
}
