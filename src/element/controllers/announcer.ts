import type { ReactiveControllerHost } from 'lit';
import { MediaEvent, type PlaybackSnapshot } from '../../playback-state.js';
import { formatClock } from '../format-time.js';
import { fill, type Strings } from '../strings.js';
import type { PlayerMarker } from '../player-types.js';

/** An `ended` this soon (ms) after the live session ended is not said again. */
const LIVE_END_ECHO_MS = 2000;

/**
 * The polite live region: what changed, said once, in the element's language — state changes,
 * markers crossed, where a seek came to rest — and not every frame.
 */
export class Announcer {
  /** The text of the live region. */
  text = '';
  #host: ReactiveControllerHost;
  /** That wait is at the live edge: going on from it is no news worth saying. */
  #waitingLive = false;
  /** When the live session of the recording last ended (`performance.now()`). */
  #liveEndedAt = -Infinity;

  constructor(host: ReactiveControllerHost) {
    this.#host = host;
  }

  /** Sets the live region's text; the same text again is made to differ so it is spoken again. */
  say(text: string): void {
    this.text = text === this.text ? `${text}\u00a0` : text;
    this.#host.requestUpdate();
  }

  /**
   * What a media event says. `waited`: playback had already stalled before this event; `scrubbing`:
   * the slider is being dragged; `marker`: the marker crossed, for `marker`.
   */
  mediaEvent(name: MediaEvent, state: PlaybackSnapshot, previous: PlaybackSnapshot, s: Strings, waited: boolean, scrubbing: boolean, marker?: PlayerMarker): void {
    if (previous.live && !state.live && !state.error && name !== MediaEvent.Emptied) {
      this.#liveEndedAt = performance.now();
      this.say(s.liveEnded);
    }
    switch (name) {
      case MediaEvent.Waiting:
        if (!waited && !state.paused && !state.live) this.say(s.buffering);
        this.#waitingLive = state.live;
        break;
      case MediaEvent.Playing:
        if (!this.#waitingLive) this.say(s.playing);
        this.#waitingLive = false;
        break;
      case MediaEvent.Pause:
        // At the end, `ended` follows and says so.
        if (!state.ended) this.say(s.paused);
        break;
      case MediaEvent.Ended:
        if (performance.now() - this.#liveEndedAt > LIVE_END_ECHO_MS) this.say(s.ended);
        break;
      case MediaEvent.Seeked:
        // Scrubbing seeks many times: only where it comes to rest is worth saying.
        if (!scrubbing && !state.seeking) this.say(fill(s.at, formatClock(state.currentTimeMs / 1000)));
        break;
      case MediaEvent.Error:
      case MediaEvent.Abort:
        this.say(fill(s.error, state.error?.message ?? ''));
        break;
      case MediaEvent.Marker:
        if (marker) this.say(fill(s.markerAt, marker.label, formatClock(marker.time)));
    }
  }
}
