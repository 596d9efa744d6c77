import { MediaEvent, type PlaybackSnapshot } from '../playback-state.js';
import type { ReviewNote } from './review-notes.js';
import type { PlayerView } from './templates/view.js';

/**
 * The review notes and coverage of a player. The notes live here (the `reviewNotes` property reads
 * them at once); everything else — checking notes, coverage tracking, the notes on the rail, the
 * notes panel, the sidecar — is a chunk of its own (`review-tools.ts`), loaded when a recording
 * starts loading (coverage has to follow the first `play`), or on first use before that: notes set,
 * the `B` key, the keyboard help, an import or export.
 */
export class ReviewLoader {
  /** Sorted by time; replaced, never changed in place (a page may hold the array it read). */
  notes: ReviewNote[] = [];
  loaded: import('./review-tools.js').ReviewTools | undefined;
  #loading: Promise<import('./review-tools.js').ReviewTools> | undefined;
  #view: () => PlayerView;
  #announce: (text: string) => void;

  /** `view`: what the tools render from (made after this); `announce`: says a text in the player's live region. */
  constructor(view: () => PlayerView, announce: (text: string) => void) {
    this.#view = view;
    this.#announce = announce;
  }

  load(): Promise<import('./review-tools.js').ReviewTools> {
    return (this.#loading ??= import('./review-tools.js').then(
      ({ ReviewTools }) => (this.loaded = new ReviewTools(this, this.#view(), this.#announce)),
      (error: unknown) => {
        // Tried again on next use; meanwhile nothing waits for it.
        this.#loading = undefined;
        throw error;
      },
    ));
  }

  /** While the tools load: settles once they are here (or failed to come). */
  get loading(): Promise<unknown> | undefined {
    return this.loaded ? undefined : this.#loading?.catch(() => {});
  }

  /**
   * Replaces the notes: checked at once (a TypeError says which is not a note) once the tools are
   * here, else when they load (a bad note is then reported with `reportError()`, and no note is kept).
   */
  set(value: unknown): void {
    this.notes = this.loaded ? this.loaded.check(value) : [...(value as ReviewNote[])];
    this.#view().host.requestUpdate();
    void this.load();
  }

  /** A media event: coverage follows playback once the tools are here; a load loads them. */
  mediaEvent(name: MediaEvent, state: PlaybackSnapshot): void {
    if (this.loaded) this.loaded.mediaEvent(name, state);
    else if (name === MediaEvent.LoadStart) void this.load();
  }
}
