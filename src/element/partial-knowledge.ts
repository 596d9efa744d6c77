/**
 * What the controls say of time not read yet: markers, activity and idle time are known only up to
 * what the download in order has read (the slider's `aria-valuetext` and the marker list say up to
 * when). A chunk of its own, loaded the first time a recording shows such time; its texts come with
 * it in English and German (a page may give its own as `knownUpTo`: the slider's note, then the
 * list's, separated by `|`), so the player's first download and the German table stay as they are.
 */
import { describeDuration } from './format-time.js';
import { en, fill } from './strings.js';
import type { PlayerView } from './templates/view.js';

const TEXTS = {
  en: '; markers and activity known up to {0}|Markers known up to {0}; the rest of the recording is still loading.',
  de: '; Markierungen und Aktivität bekannt bis {0}|Markierungen bekannt bis {0}; der Rest der Aufzeichnung wird noch geladen.',
};

function texts({ s, actions }: PlayerView): [slider: string, list: string] {
  return (s.knownUpTo ?? (s !== en && /^de\b/i.test(actions.locale() ?? '') ? TEXTS.de : TEXTS.en)).split('|') as [string, string];
}

/** Added to the seek slider's value: "; markers and activity known up to 12 minutes 34 seconds". */
export function sliderNote(view: PlayerView, knownSeconds: number): string {
  return fill(texts(view)[0], describeDuration(knownSeconds, view.s));
}

/** Above the marker list: "Markers known up to 12:34; the rest of the recording is still loading." */
export function markerListNote(view: PlayerView, knownSeconds: number): string {
  return fill(texts(view)[1], view.actions.clockAt(knownSeconds));
}
