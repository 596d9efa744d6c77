/**
 * `desktop-recording-player/strings/de` (built as `dist/strings-de.js`): the player's German texts.
 * Load it once, as a module or a classic `<script>`, before or after the player; players whose
 * `lang` (or an ancestor's) is `de…` switch to German as soon as both are there.
 */
import type { DesktopRecordingPlayer } from '../element/desktop-recording-player.js';
import { de } from '../element/strings.js';

// Waits for the element rather than importing it, so this one file goes with either bundle.
void customElements
  .whenDefined('desktop-recording-player')
  .then((player) => (player as typeof DesktopRecordingPlayer).registerStrings('de', de));
