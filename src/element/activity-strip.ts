import { html, type ReactiveController, type ReactiveControllerHost, type TemplateResult } from 'lit';

/**
 * The activity heatmap under the seek slider: the activity track (one value a second, as the
 * worker last sent it; never changed here) drawn on a canvas, one column per device pixel. It is
 * redrawn only when the track, the duration, the canvas size or the colour changed; never per frame.
 */
export class ActivityStrip implements ReactiveController {
  track: Float32Array = new Float32Array(0);
  #host: ReactiveControllerHost & { readonly renderRoot: HTMLElement | DocumentFragment };
  #duration: () => number;
  /** What the canvas shows (canvas, track, duration, size, colour). */
  #drawn: unknown[] = [];
  #size: [number, number] = [0, 0];
  #resize = new ResizeObserver(([entry]) => {
    const box = entry.devicePixelContentBoxSize?.[0];
    this.#size = box
      ? [box.inlineSize, box.blockSize]
      : [Math.round(entry.contentRect.width * devicePixelRatio), Math.round(entry.contentRect.height * devicePixelRatio)];
    // The marker ticks follow the rail's width too; the update redraws the strip.
    this.#host.requestUpdate();
  });

  /** `duration`: the recording's length in seconds. */
  constructor(host: ReactiveControllerHost & { readonly renderRoot: HTMLElement | DocumentFragment }, duration: () => number) {
    this.#host = host;
    this.#duration = duration;
    host.addController(this);
  }

  /** CSS pixels across the strip, which is as wide as the rail of the seek slider; 0 until it is laid out. */
  get columns(): number {
    return Math.round(this.#size[0] / devicePixelRatio);
  }

  hostUpdated(): void {
    this.#draw();
  }

  /** Takes a new track; false when it is as empty as the last one (nothing changed). */
  set(seconds: Float32Array): boolean {
    if (seconds.length === 0 && this.track.length === 0) return false;
    this.track = seconds;
    this.#draw();
    return true;
  }

  /** The strip's canvas, for the timeline: decoration, hidden from assistive technology. */
  render(): TemplateResult {
    return html`<canvas class="activity" part="activity" aria-hidden="true"></canvas>`;
  }

  /** One column per device pixel, as opaque as the busiest second under it (a long recording has many seconds a pixel: the peak keeps a short burst visible). */
  #draw(): void {
    const canvas = this.#host.renderRoot.querySelector<HTMLCanvasElement>('.activity');
    if (!canvas) return;
    if (canvas !== this.#drawn[0]) {
      this.#drawn = [canvas];
      this.#resize.disconnect();
      this.#resize.observe(canvas, { box: 'device-pixel-content-box' });
      return;
    }
    const seconds = this.track;
    const duration = this.#duration();
    const [width, height] = this.#size;
    const color = getComputedStyle(canvas).color;
    const drawn = [canvas, seconds, duration, width, height, color];
    if (drawn.every((value, index) => value === this.#drawn[index])) return;
    this.#drawn = drawn;
    canvas.width = width;
    canvas.height = height;
    const context = canvas.getContext('2d');
    if (!context || !(duration > 0)) return;
    context.fillStyle = color;
    for (let x = 0; x < width; x++) {
      const from = Math.floor((x / width) * duration);
      const to = Math.min(seconds.length, Math.max(from + 1, Math.ceil(((x + 1) / width) * duration)));
      let peak = 0;
      for (let second = from; second < to; second++) peak = Math.max(peak, seconds[second]!);
      if (peak > 0) {
        context.globalAlpha = 0.25 + 0.75 * Math.min(1, Math.sqrt(peak * 2));
        context.fillRect(x, 0, 1, height);
      }
    }
  }
}
