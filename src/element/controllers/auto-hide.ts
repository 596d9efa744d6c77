import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** While playing, the controls hide after this long without pointer, touch or keyboard activity. */
export const HIDE_CONTROLS_AFTER_MS = 2500;

export interface AutoHideHost extends ReactiveControllerHost, HTMLElement {
  readonly shadowRoot: ShadowRoot | null;
  readonly renderRoot: HTMLElement | DocumentFragment;
  controls: boolean;
}

/**
 * The controls hide while playing after a while without pointer, touch or keyboard activity, and
 * come back on any. They never hide while `mayHide()` says no (paused, a panel open, scrubbing),
 * nor with the pointer or keyboard focus on them. A tap on the screen shows or hides them.
 */
export class AutoHide implements ReactiveController {
  #host: AutoHideHost;
  #mayHide: () => boolean;
  #inactive = false;
  #timer = 0;
  #pointerInControls = false;

  constructor(host: AutoHideHost, mayHide: () => boolean) {
    this.#host = host;
    this.#mayHide = mayHide;
    host.addController(this);
    host.addEventListener('pointermove', this.activity);
    host.addEventListener('pointerdown', this.#onPointerDown);
    // Focus from the keyboard (Tab into the player) is activity; focus from a tap is the tap's business.
    host.addEventListener('focusin', (event) => (event.composedPath()[0] as Element).matches(':focus-visible') && this.activity());
  }

  hostDisconnected(): void {
    clearTimeout(this.#timer);
  }

  /** The controls are hidden now. */
  get hidden(): boolean {
    return this.#inactive && this.#mayHideNow();
  }

  /** Any pointer, touch, focus or key activity: the controls show, and hide again after a while if they may. */
  activity = (): void => {
    this.#setInactive(false);
    clearTimeout(this.#timer);
    this.#timer = window.setTimeout(() => this.#setInactive(true), HIDE_CONTROLS_AFTER_MS);
  };

  /** The pointer entered (true) or left the controls. */
  pointerInControls(inside: boolean): void {
    this.#pointerInControls = inside;
  }

  #setInactive(inactive: boolean): void {
    if (this.#inactive === inactive) return;
    this.#inactive = inactive;
    this.#host.requestUpdate();
  }

  /** A tap on the screen (touch) shows or hides the controls; any other press is activity. */
  #onPointerDown = (event: PointerEvent): void => {
    const onControls = event.composedPath().some((node) => node instanceof Element && node.matches('.controls, .panel, .toast'));
    if (event.pointerType !== 'touch' || onControls || !this.#host.controls) return this.activity();
    if (this.hidden) this.activity();
    else if (this.#mayHideNow()) {
      clearTimeout(this.#timer);
      this.#setInactive(true);
    }
  };

  #mayHideNow(): boolean {
    const focused = this.#host.shadowRoot!.activeElement;
    const focusInControls = !!focused?.closest('.controls') && focused.matches(':focus-visible');
    return this.#mayHide() && !this.#pointerInControls && !focusInControls;
  }
}
