import { css } from 'lit';

export const styles = css`
  :host {
    display: block;
    position: relative;
    aspect-ratio: 16 / 9;
    overflow: hidden;
    contain: content;
    background: var(--drp-background, #000);
    color: var(--drp-color, #fff);
    font: var(--drp-font, 13px/1.3 system-ui, sans-serif);
  }
  :host([hidden]) {
    display: none;
  }
  :host(:focus-visible) {
    outline: 2px solid var(--drp-focus-color, #4b9cff);
    outline-offset: -2px;
  }
  [hidden] {
    display: none !important;
  }

  .stage,
  .screen-layers,
  canvas,
  .poster {
    position: absolute;
    inset: 0;
  }
  /* Both layers have the screen's size and the same fit, so the pointer lands where it was recorded. */
  canvas,
  .poster {
    width: 100%;
    height: 100%;
    object-fit: contain;
    image-rendering: auto;
  }
  :host([fit='cover']) :is(canvas, .poster) {
    object-fit: cover;
  }
  :host([fit='fill']) :is(canvas, .poster) {
    object-fit: fill;
  }
  :host([fit='none']) :is(canvas, .poster) {
    object-fit: none;
  }
  .cursor {
    pointer-events: none;
  }

  .loading,
  .error {
    position: absolute;
    inset: 0;
    display: grid;
    place-content: center;
    justify-items: center;
    gap: 0.75em;
    padding: 1em;
    text-align: center;
    pointer-events: none;
  }
  .loading::before {
    content: '';
    width: 2em;
    height: 2em;
    border: 3px solid #fff4;
    border-top-color: #fff;
    border-radius: 50%;
    animation: spin 0.9s linear infinite;
  }
  @keyframes spin {
    to {
      transform: rotate(1turn);
    }
  }
  .error {
    background: #000c;
  }
  .error__title {
    font-weight: 600;
  }
  .error__message {
    max-width: 40em;
    opacity: 0.85;
  }

  .controls {
    position: absolute;
    inset: auto 0 0 0;
    display: flex;
    align-items: center;
    gap: 0.6em;
    padding: 0.4em 0.6em;
    background: var(--drp-controls-background, linear-gradient(#0000, #000b 40%));
  }
  .controls button,
  .controls select {
    font: inherit;
    color: inherit;
    background: #fff2;
    border: 1px solid #fff4;
    border-radius: 4px;
    min-height: 2em;
    cursor: pointer;
  }
  .controls button {
    width: 2.2em;
    display: grid;
    place-items: center;
    padding: 0;
  }
  .controls button svg {
    width: 1em;
    height: 1em;
    fill: currentColor;
  }
  .controls select option {
    color: #000;
  }
  .seek {
    flex: 1;
    min-width: 4em;
    accent-color: var(--drp-accent-color, #4b9cff);
  }
  .time {
    font-variant-numeric: tabular-nums;
    white-space: nowrap;
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
`;
