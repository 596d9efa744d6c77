import { DesktopRecordingPlayer, type PlayerMarker } from './element/desktop-recording-player.js';

/** The element's tag name. */
export const TAG_NAME = 'desktop-recording-player';

// Guarded: loading the module twice (two bundles on one page) must not throw.
// The literal tag (not TAG_NAME) lets the Custom Elements Manifest analyzer see it.
if (!customElements.get(TAG_NAME)) customElements.define('desktop-recording-player', DesktopRecordingPlayer);

declare global {
  interface HTMLElementTagNameMap {
    'desktop-recording-player': DesktopRecordingPlayer;
  }
  interface HTMLElementEventMap {
    /** `<desktop-recording-player>`: playback crossed a marker. */
    marker: CustomEvent<PlayerMarker>;
  }
}
