import { ReadyState } from '../playback-state.js';
import type { EngineConnection } from './controllers/engine-connection.js';
import type { Output } from './controllers/output.js';
import { clamp } from './controllers/scrubbing.js';
import type { DesktopRecordingPlayer } from './desktop-recording-player.js';
import type { PlayerLocale } from './player-locale.js';
import { LIVE_EDGE_SLACK, SPEEDS } from './templates/controls.js';
import type { ReviewLoader } from './review-loader.js';
import type { Panels } from './templates/panels.js';
import type { TextSearch } from './text-search.js';
import type { PlayerActions } from './templates/view.js';

/** The `idle-limit` the skip-idle button sets when the page set none. */
const DEFAULT_IDLE_LIMIT = 2;

/** What the parts of the player that act on it use, besides the element itself. */
export interface ActionParts {
  engine: EngineConnection;
  panels: Panels;
  output: Output;
  locale: PlayerLocale;
  textSearch(): TextSearch | undefined;
  review: ReviewLoader;
  /** `src` or `srcObject` is set. */
  hasSource(): boolean;
}

/**
 * What the keys, the controls and the panels do, through the element's public API where it has
 * one (a control does what a page's script could do), else through its parts.
 */
export function playerActions(player: DesktopRecordingPlayer, { engine, panels, output, locale, textSearch, review, hasSource }: ActionParts): PlayerActions {
  /** The page's `idle-limit`, restored when the skip-idle button turns skipping back on. */
  let idleLimitOn = 0;
  const actions: PlayerActions = {
    togglePlay: () => (player.paused ? player.play().catch(() => {}) : player.pause()),
    seekBy: (seconds) => actions.seekWithin(engine.position + seconds),
    seekWithin: (seconds) => {
      if (player.readyState === ReadyState.HaveNothing) return;
      void engine.seek(clamp(seconds, 0, Number.isFinite(player.duration) ? player.duration : Infinity));
    },
    duration: () => (Number.isFinite(player.duration) ? player.duration : 0),
    stepScreen: (direction) => player.paused && player.stepScreenChange(direction).catch(() => {}),
    stepSpeed: (faster) => {
      const rate = player.playbackRate;
      const next = faster ? SPEEDS.find((speed) => speed > rate) : SPEEDS.filter((speed) => speed < rate).pop();
      if (next) player.playbackRate = next;
    },
    // To the next marker after the position, or the previous one before it (a little before, so it can go on back).
    stepMarker: (forward) => {
      const now = engine.position;
      const times = engine.snapshot.markers.map((marker) => marker.timeMs / 1000);
      const target = forward ? Math.min(...times.filter((time) => time > now + 0.001)) : Math.max(...times.filter((time) => time < now - 0.25));
      if (Number.isFinite(target)) actions.seekWithin(target);
    },
    toggleFullscreen: () => (document.fullscreenElement === player ? document.exitFullscreen() : player.requestFullscreen()).catch(() => {}),
    toggleHelp: () => panels.toggle('help'),
    textSearch,
    keyNote: (end) => void review.load().then((tools) => tools.keyNote(end)),
    noteHelp: () => {
      if (!review.loaded) void review.load().then(() => player.requestUpdate());
      return review.loaded?.strings().helpNote;
    },
    dismiss: () => {
      const open = !!panels.open;
      panels.close();
      return output.dismiss() || open;
    },
    hasSource,
    toggleIdle: () => {
      if (player.idleLimit > 0) {
        idleLimitOn = player.idleLimit;
        player.idleLimit = 0;
      } else {
        player.idleLimit = idleLimitOn || DEFAULT_IDLE_LIMIT;
      }
    },
    goLive: () => {
      if (!player.live || player.duration - player.currentTime <= LIVE_EDGE_SLACK) return;
      actions.seekWithin(player.duration);
      if (player.paused) player.play().catch(() => {});
    },
    clockAt: (seconds) => locale.clockAt(seconds),
    markerLabel: (marker) => locale.playerMarker(marker).label,
    locale: () => locale.locale(),
  };
  return actions;
}
