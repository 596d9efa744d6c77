import { css } from 'lit';

// Theme colours are \`light-dark()\` pairs in private \`--_*\` properties: \`color-scheme\` picks the
// half, following \`prefers-color-scheme\` unless \`theme\` fixes it. Each yields to the page's
// \`--drp-*\` property of the same role.
export const styles = css`
  :host {
    --_fg: var(--drp-controls-color, light-dark(#16181c, #fff));
    --_bg: var(--drp-controls-background, light-dark(#f7f8faeb, #16181ce6));
    --_accent: var(--drp-accent-color, light-dark(#0b57d0, #6aa6ff));
    --_rail: var(--drp-rail-color, light-dark(#0000002e, #ffffff40));
    --_buffered: var(--drp-buffered-color, light-dark(#00000061, #ffffff80));
    --_activity: var(--drp-activity-color, light-dark(#16181c, #fff));
    --_ring: var(--drp-focus-ring, light-dark(#0b57d0, #9cc3ff));
    --_live: var(--drp-live-color, light-dark(#c62828, #ff6b6b));
    --_radius: var(--drp-radius, 6px);
    color-scheme: light dark;
    display: block;
    position: relative;
    aspect-ratio: 16 / 9;
    overflow: hidden;
    contain: content;
    container-type: inline-size;
    background: var(--drp-background, #000);
    color: var(--_fg);
    font: var(--drp-font, 13px/1.3 system-ui, sans-serif);
  }
  :host([theme='light']) {
    color-scheme: light;
  }
  :host([theme='dark']) {
    color-scheme: dark;
  }
  :host([hidden]) {
    display: none;
  }
  :host(:fullscreen) {
    aspect-ratio: auto;
  }
  :host(:focus-visible),
  :focus-visible {
    outline: 2px solid var(--_ring);
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
  .stage--idle {
    cursor: none;
  }
  /* Both layers have the screen's size and the same fit, so the pointer lands where it was recorded. */
  canvas,
  .poster {
    width: 100%;
    height: 100%;
    object-fit: contain;
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

  .status,
  .error {
    position: absolute;
    inset: 0;
    display: grid;
    place-content: center;
    justify-items: center;
    gap: 0.75em;
    padding: 1em;
    text-align: center;
    color: #fff;
    pointer-events: none;
  }
  /* Buffering and seeking show only when they last: a quick seek never flashes a spinner. */
  .status--buffering,
  .status--seeking {
    animation: appear 0s 0.4s backwards;
  }
  @keyframes appear {
    from {
      visibility: hidden;
    }
  }
  .status::before {
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
  .error__message {
    max-width: 40em;
  }
  .error button {
    pointer-events: auto;
    color: #fff;
    border: 1px solid;
  }

  button,
  select {
    font: inherit;
    color: inherit;
    background: none;
    border: 0;
    border-radius: var(--_radius);
    cursor: pointer;
  }
  button:hover,
  select:hover {
    background: #8884;
  }
  button:disabled {
    cursor: default;
    opacity: 0.5;
  }
  button[aria-pressed='true'] {
    color: var(--_accent);
  }
  /* Touch targets: at least 40×40 px. */
  .bar button,
  .panel__head button,
  .speed {
    min-width: 40px;
    min-height: 40px;
    display: grid;
    place-items: center;
  }
  svg {
    width: 18px;
    height: 18px;
    fill: none;
    stroke: currentColor;
    stroke-width: 1.6;
    stroke-linecap: round;
    stroke-linejoin: round;
  }
  svg.f {
    fill: currentColor;
    stroke: none;
  }

  .controls {
    position: absolute;
    inset: auto 0 0 0;
    padding: 0 0.5em 0.25em;
    color: var(--_fg);
    background: var(--_bg);
    transition: opacity 0.3s;
  }
  .controls--hidden {
    opacity: 0;
    pointer-events: none;
  }
  .bar {
    display: flex;
    align-items: center;
    gap: 0.1em;
  }
  .spacer {
    flex: 1;
  }
  .time {
    padding: 0 0.5em;
    min-height: 40px;
    font-variant-numeric: tabular-nums;
    white-space: nowrap;
  }
  .time:disabled {
    opacity: 1;
  }
  /* The live badge: a dot and a word; red at the live edge, a plain button ("Go live") behind it. */
  .bar .live {
    display: inline-flex;
    gap: 0.4em;
    align-items: center;
    padding: 0 0.6em;
    font-size: 0.85em;
    font-weight: 600;
    letter-spacing: 0.04em;
    text-transform: uppercase;
    white-space: nowrap;
  }
  .live::before {
    content: '';
    width: 0.6em;
    height: 0.6em;
    border-radius: 50%;
    background: currentColor;
    opacity: 0.5;
  }
  .live--edge {
    color: var(--_live);
    cursor: default;
  }
  .live--edge::before {
    background: var(--_live);
    opacity: 1;
  }
  .bar .live--edge:hover {
    background: none;
  }
  .speed {
    padding: 0 0.4em;
  }
  .speed option {
    color: #000;
    background: #fff;
  }
  /* Narrow players keep the essentials. */
  @container (max-width: 480px) {
    .capture,
    .link,
    .help,
    .info {
      display: none !important;
    }
  }

  .timeline {
    position: relative;
    height: 24px;
    touch-action: none;
  }
  .slider,
  .ticks {
    position: absolute;
    inset: 0 6px;
  }
  .slider {
    cursor: pointer;
    outline-offset: 0;
  }
  /* Time not read yet, past \`--buffered\` (markers, activity, idle time unknown there): hatched under the heatmap and ticks. */
  .slider[aria-disabled='false'] {
    background: repeating-linear-gradient(-45deg, var(--drp-unloaded-color, light-dark(#0003, #fff4)) 0 1px, #0000 0 5px) right / calc(100% - var(--buffered)) 100% no-repeat;
  }
  /* The rail: played, then buffered, then the rest. */
  .slider::before {
    content: '';
    position: absolute;
    inset: 50% 0 auto;
    height: 4px;
    translate: 0 -50%;
    border-radius: 2px;
    background: linear-gradient(to right, var(--_accent) var(--played), var(--_buffered) 0 var(--buffered), var(--_rail) 0);
  }
  .slider::after {
    content: '';
    position: absolute;
    left: var(--played);
    top: 50%;
    width: 12px;
    height: 12px;
    translate: -50% -50%;
    border-radius: 50%;
    background: var(--_accent);
  }
  /* The activity heatmap: a strip under the rail, below the thumb and the marker ticks. */
  .activity {
    inset: auto auto 2px 6px;
    /* A canvas keeps its own size unless told: as wide as the slider, whose inset is 6px. */
    width: calc(100% - 12px);
    height: 5px;
    border-radius: 1px;
    color: var(--_activity);
    pointer-events: none;
  }
  .ticks {
    pointer-events: none;
  }
  .tick {
    position: absolute;
    top: 50%;
    width: 4px;
    height: 12px;
    translate: -50% -50%;
    border-radius: 1px;
    background: var(--drp-marker-session, #b58cff);
  }
  .ticks .tick {
    pointer-events: auto;
    cursor: pointer;
  }
  .tick::after {
    content: '';
    position: absolute;
    inset: -6px -3px;
  }
  .tick--clipboard {
    background: var(--drp-marker-clipboard, #3fcf8e);
  }
  .tick--directory {
    background: var(--drp-marker-directory, #f5b83d);
  }
  .tick--alert {
    background: var(--drp-marker-alert, #ff5c5c);
  }
  .tooltip,
  .toast,
  .panel {
    position: absolute;
    color: var(--_fg);
    background: var(--_bg);
    border-radius: var(--_radius);
    box-shadow: 0 2px 8px #0006;
  }
  .tooltip {
    bottom: 100%;
    max-width: 100%;
    padding: 0.25em 0.5em;
    white-space: nowrap;
    overflow: hidden;
    text-overflow: ellipsis;
    text-align: center;
    pointer-events: none;
  }
  /* Its own size, not the screen layers': 160px wide, as tall as the recording's aspect ratio makes it. */
  .thumbnail {
    position: static;
    display: block;
    width: 160px;
    height: auto;
    margin: 0.25em 0;
    border: 1px solid #8886;
    border-radius: var(--_radius);
  }

  .panel {
    right: 0.5em;
    top: 0.5em;
    max-height: calc(100% - 7em);
    width: min(28em, calc(100% - 1em));
    overflow: auto;
    padding: 0 0.75em 0.75em;
    outline: none;
  }
  .panel__head {
    position: sticky;
    top: 0;
    display: flex;
    align-items: center;
    justify-content: space-between;
    font-weight: 600;
    background: inherit;
  }
  .panel ol {
    list-style: none;
    margin: 0;
    padding: 0;
  }
  .panel ol button {
    display: flex;
    gap: 0.5em;
    align-items: baseline;
    width: 100%;
    padding: 0.4em;
    text-align: start;
    /* One line a row: the list renders only the rows in view, and places them by their height. */
    white-space: nowrap;
    overflow: hidden;
  }
  .panel ol .tick {
    position: static;
    flex: none;
    translate: none;
    height: 0.8em;
  }
  .marker-list__time {
    font-variant-numeric: tabular-nums;
  }
  dl {
    display: grid;
    grid-template-columns: auto 1fr;
    gap: 0.4em 1em;
    margin: 0;
  }
  dt {
    opacity: 0.8;
  }
  dd {
    margin: 0;
    overflow-wrap: anywhere;
  }
  kbd {
    font: inherit;
    font-weight: 600;
  }

  .toast {
    right: 0.5em;
    bottom: 5em;
    padding: 0.5em 0.75em;
  }
  .toast--export {
    bottom: 8em;
    display: flex;
    gap: 0.75em;
    align-items: center;
  }
  .toast input {
    font: inherit;
    width: 18em;
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
