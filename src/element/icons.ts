import { svg, type SVGTemplateResult } from 'lit';

/**
 * The controls' icons: 16×16 paths, stroked in the text colour (filled where marked with `f`), so a
 * theme recolours them with `color` alone.
 */
const icon = (d: string, filled = false): SVGTemplateResult =>
  svg`<svg viewBox="0 0 16 16" aria-hidden="true" class=${filled ? 'f' : ''}><path d=${d} /></svg>`;

export const icons = {
  play: icon('M4 2.5v11l9.5-5.5z', true),
  pause: icon('M3.5 2.5h3v11h-3zM9.5 2.5h3v11h-3z', true),
  idle: icon('M2 3.5l5.5 4.5L2 12.5zM8.5 3.5l5.5 4.5-5.5 4.5z', true),
  markers: icon('M6 4h8M6 8h8M6 12h8M2.5 4h.5M2.5 8h.5M2.5 12h.5'),
  info: icon('M8 1.5a6.5 6.5 0 1 0 0 13 6.5 6.5 0 0 0 0-13zM8 7v4.5M8 4.5v.2'),
  capture: icon('M1.5 4.5h3l1.5-2h4l1.5 2h3v9h-13zM8 6.5a2.5 2.5 0 1 0 0 5 2.5 2.5 0 0 0 0-5z'),
  exportVideo: icon('M1.5 3.5h9v9h-9zM10.5 7l4-2.5v7l-4-2.5'),
  link: icon('M6.5 9.5l3-3M7 4.5l1.5-1.5a2.5 2.5 0 0 1 3.5 3.5l-1.5 1.5M9 11.5L7.5 13A2.5 2.5 0 0 1 4 9.5L5.5 8'),
  help: icon('M5.5 6a2.5 2.5 0 1 1 3.5 2.3c-.7.3-1 .8-1 1.7M8 12.5v.2'),
  fullscreen: icon('M2 6V2h4M10 2h4v4M14 10v4h-4M6 14H2v-4'),
  exitFullscreen: icon('M6 2v4H2M14 6h-4V2M10 14v-4h4M2 10h4v4'),
  close: icon('M4 4l8 8M12 4l-8 8'),
};
