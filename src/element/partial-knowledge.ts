/**
 * What the controls say of time not read yet: markers, activity and idle time are known only up to
 * what the download in order has read (the slider's `aria-valuetext` and the marker list say up to
 * when). A chunk of its own, loaded the first time a recording shows such time; its texts come with
 * it in English and German (a page may give its own as `knownUpTo`: the slider's note, the list's,
 * and the hover thumbnail's, separated by `|`), so the player's first download and the German table
 * stay as they are.
 */
import { html, type TemplateResult } from 'lit';
import { describeDuration } from './format-time.js';
import { en, fill, stringsFor } from './strings.js';
import type { PlayerView } from './templates/view.js';

const TEXTS = {
  en: '; markers and activity known up to {0}|Markers known up to {0}; the rest of the recording is still loading.|Not loaded yet',
  de: '; Markierungen und Aktivität bekannt bis {0}|Markierungen bekannt bis {0}; der Rest der Aufzeichnung wird noch geladen.|Noch nicht geladen',
};

/** The texts for a language tag: the slider's note, the marker list's, the hover thumbnail's. */
function texts(lang: string): [slider: string, list: string, hover: string] {
  const s = stringsFor(lang);
  return (s.knownUpTo ?? (s !== en && /^de\b/i.test(lang) ? TEXTS.de : TEXTS.en)).split('|') as [string, string, string];
}

/** Added to the seek slider's value: "; markers and activity known up to 12 minutes 34 seconds". */
export function sliderNote(view: PlayerView, knownSeconds: number): string {
  return fill(texts(view.actions.locale() ?? '')[0], describeDuration(knownSeconds, view.s));
}

/** Above the marker list: "Markers known up to 12:34; the rest of the recording is still loading." */
export function markerListNote(view: PlayerView, knownSeconds: number): string {
  return fill(texts(view.actions.locale() ?? '')[1], view.actions.clockAt(knownSeconds));
}

/**
 * In the hover tooltip, in place of the thumbnail, for a time not read yet: a hatched box of the
 * thumbnail's size saying so (`width` CSS px; `aspect`: the screen's height / width). Styled in
 * place (CSSOM, allowed under a strict Content-Security-Policy), so the element's styles stay as they are.
 */
export function notLoadedThumbnail(lang: string, width: number, aspect: number): TemplateResult {
  const box = `display:grid;place-items:center;width:${width}px;height:${Math.round(width * aspect)}px;margin-bottom:4px;border-radius:3px;background:repeating-linear-gradient(-45deg,var(--drp-unloaded-color,light-dark(#0003,#fff4)) 0 1px,#0000 0 5px)`;
  return html`<div class="thumbnail-unloaded" part="thumbnail-unloaded" .style=${box}>${texts(lang)[2]}</div>`;
}
