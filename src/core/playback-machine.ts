import { MediaEvent, ReadyState, type PlaybackSnapshot } from '../playback-state.js';

/**
 * Where playback is, as one name. `paused` (the snapshot's) is the intent that `loading` and
 * `seeking` carry through: what playback does once the first frame, or the seek, is done.
 */
export const Phase = {
  /** No source. */
  Idle: 'idle',
  /** A source is set; its first frame is not painted yet (readyState 0–1). */
  Loading: 'loading',
  /** A frame shows and playback is paused (at the loaded edge: readyState 2). */
  Ready: 'ready',
  /** The clock runs and updates are painted as they fall due. */
  Playing: 'playing',
  /** Playing ran into the end of what has loaded (readyState 2): waiting for data. */
  Waiting: 'waiting',
  /** A seek rebuilds the screen at its target. */
  Seeking: 'seeking',
  /** Played to the end (paused, `ended`). */
  Ended: 'ended',
  /** The recording could not be read at all; `play()` rejects until the next load. */
  Errored: 'errored',
} as const;
export type Phase = (typeof Phase)[keyof typeof Phase];

/** The named transitions; `TRANSITIONS` says from which phases each is taken and where it leads. */
export const Transition = {
  /** A new source (or none): everything known about the last one is dropped. */
  Load: 'load',
  /** Duration and screen size are known (readyState 1). */
  Metadata: 'metadata',
  /** The first frame is painted (readyState 3). */
  FirstFrame: 'firstFrame',
  Play: 'play',
  Pause: 'pause',
  Seek: 'seek',
  Seeked: 'seeked',
  /** Playing reached the loaded edge. */
  Stall: 'stall',
  /** Data arrived beyond a stalled position (or a seek left it). */
  Unstall: 'unstall',
  /** Playing reached the end of a fully loaded recording. */
  End: 'end',
  /** Loading failed with nothing playable. */
  Fail: 'fail',
} as const;
export type Transition = (typeof Transition)[keyof typeof Transition];

/** Target of a transition that resumes what the `paused` intent says: `ready`, or `playing` / `waiting`. */
const Resume = 'resume';
type Target = Phase | typeof Resume;

/**
 * The state table: for each phase, the transitions it takes and where they lead. A transition not
 * listed for a phase is refused (`PlaybackMachine.can`). The events each transition fires, in
 * `HTMLMediaElement` order, are in its method below.
 *
 *   idle ─load→ loading ─firstFrame→ ready ⇄ playing ─stall→ waiting ─unstall→ playing
 *                          │            └──────seek──→ seeking ─seeked→ (resume)
 *                          └─ fail → errored         playing ─end→ ended ─seek→ seeking
 */
export const TRANSITIONS: { readonly [P in Phase]: Partial<Record<Transition, Target>> } = {
  idle: { load: Phase.Loading },
  loading: { load: Phase.Loading, metadata: Phase.Loading, firstFrame: Resume, play: Phase.Loading, pause: Phase.Loading, seek: Phase.Seeking, fail: Phase.Errored },
  ready: { load: Phase.Loading, play: Resume, seek: Phase.Seeking, unstall: Phase.Ready, fail: Phase.Errored },
  playing: { load: Phase.Loading, play: Phase.Playing, pause: Phase.Ready, seek: Phase.Seeking, stall: Phase.Waiting, end: Phase.Ended, fail: Phase.Errored },
  waiting: { load: Phase.Loading, play: Phase.Waiting, pause: Phase.Ready, seek: Phase.Seeking, unstall: Resume, fail: Phase.Errored },
  seeking: { load: Phase.Loading, firstFrame: Phase.Seeking, play: Phase.Seeking, pause: Phase.Seeking, seek: Phase.Seeking, seeked: Resume, unstall: Phase.Seeking, fail: Phase.Errored },
  ended: { load: Phase.Loading, seek: Phase.Seeking, fail: Phase.Errored },
  errored: { load: Phase.Loading, pause: Phase.Errored },
};

/** What the machine does to the world: fire events, and run or halt the clock as it enters or leaves `playing`. */
export interface PlaybackEffects {
  emit(name: MediaEvent): void;
  /** Entering `playing`: start the clock (from the current time) and the ticks. */
  run(): void;
  /**
   * Leaving `playing` (or `waiting`, `seeking`, where the clock may run): stop the ticks, and the
   * clock unless `keepClock` (a real-time source's edge; a seek, which sets the clock itself).
   */
  halt(keepClock: boolean): void;
  /** `play()` at the loaded edge: a real-time source's clock runs on while waiting. */
  awaitData(): void;
}

interface PendingPlay {
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * The playback state machine of one session: it owns `paused`, `ended`, `seeking` and `readyState`
 * of the snapshot and `play()`'s promises, and fires the media events of each transition in the
 * order `HTMLMediaElement` does. DOM-free and timer-free, so it is tested in Node.
 */
export class PlaybackMachine {
  private current: Phase = Phase.Idle;
  private pendingPlays: PendingPlay[] = [];
  /** The first frame was painted since the last load. */
  private shown = false;
  /** A seek interrupted playing: once it is done, playing goes on without a new `playing`. */
  private playingThrough = false;
  /** The seek in progress waits for its target's data (`waiting` fired once for it). */
  private seekWaits = false;

  constructor(
    private readonly state: PlaybackSnapshot,
    private readonly effects: PlaybackEffects,
  ) {}

  get phase(): Phase {
    return this.current;
  }

  /** The first frame of this load has been painted (readyState reached 2). */
  get hasFrame(): boolean {
    return this.shown;
  }

  /** Playing ran into the loaded edge and waits there (also while paused there). */
  get atEdge(): boolean {
    return this.shown && this.state.readyState === ReadyState.HaveCurrentData;
  }

  /** Whether `transition` is taken from the current phase. */
  can(transition: Transition): boolean {
    return TRANSITIONS[this.current][transition] !== undefined;
  }

  /** A new load: `emptied` if a source was set before, then `loadstart` if there is a new one. */
  load(hasSource: boolean, hadSource: boolean): void {
    this.leave(Phase.Idle);
    this.shown = false;
    this.playingThrough = false;
    Object.assign(this.state, { paused: true, ended: false, seeking: false, readyState: ReadyState.HaveNothing });
    this.settlePlays(new DOMException('a new load started', 'AbortError'));
    if (hadSource) this.effects.emit(MediaEvent.Emptied);
    if (!hasSource) return;
    this.current = Phase.Loading;
    this.effects.emit(MediaEvent.LoadStart);
  }

  /**
   * readyState 1: `durationchange`, `resize` when there is a screen, `loadedmetadata` (the caller
   * set the duration and screen size). HTML's order: its resize task is queued with the dimensions,
   * before readyState becomes HAVE_METADATA, and a listener already reads HAVE_METADATA.
   */
  metadata(): void {
    this.expect(Transition.Metadata);
    this.state.readyState = ReadyState.HaveMetadata;
    this.effects.emit(MediaEvent.DurationChange);
    if (this.state.videoWidth > 0 && this.state.videoHeight > 0) this.effects.emit(MediaEvent.Resize);
    this.effects.emit(MediaEvent.LoadedMetadata);
  }

  /** The first frame is painted: `loadeddata`, `canplay`, then `playing` when playback was asked for. */
  firstFrame(): void {
    this.expect(Transition.FirstFrame);
    this.shown = true;
    this.state.readyState = ReadyState.HaveCurrentData;
    this.effects.emit(MediaEvent.LoadedData);
    this.state.readyState = ReadyState.HaveFutureData;
    this.effects.emit(MediaEvent.CanPlay);
    if (this.current === Phase.Loading) this.resume();
  }

  /** readyState 4 (`canplaythrough`): everything is loaded. */
  enoughData(): void {
    if (this.state.readyState !== ReadyState.HaveFutureData) return;
    this.state.readyState = ReadyState.HaveEnoughData;
    this.effects.emit(MediaEvent.CanPlayThrough);
  }

  /**
   * `play()`: `play`, then `playing` where there is data to play, else `waiting`. Resolves once
   * playback runs; the caller rejects it first where nothing can play, and seeks to 0 from `ended`.
   */
  play(): Promise<void> {
    const played = new Promise<void>((resolve, reject) => this.pendingPlays.push({ resolve, reject }));
    if (!this.state.paused) {
      if (this.current === Phase.Playing) this.settlePlays();
      return played;
    }
    this.expect(Transition.Play);
    this.state.paused = false;
    this.state.ended = false;
    this.effects.emit(MediaEvent.Play);
    if (this.current === Phase.Ready) this.resume();
    if (this.current === Phase.Playing) return played;
    if (this.current === Phase.Waiting) this.effects.awaitData();
    this.effects.emit(MediaEvent.Waiting);
    return played;
  }

  /** `pause()`: `timeupdate`, `pause`; a pending `play()` rejects with an AbortError. */
  pause(): void {
    if (this.state.paused) return;
    this.expect(Transition.Pause);
    this.state.paused = true;
    this.playingThrough = false;
    if (this.current === Phase.Playing || this.current === Phase.Waiting) this.leave(Phase.Ready);
    else this.leave(this.current);
    this.effects.emit(MediaEvent.TimeUpdate);
    this.effects.emit(MediaEvent.Pause);
    this.settlePlays(new DOMException('play() was interrupted by a call to pause()', 'AbortError'));
  }

  /** A seek starts (a newer one may replace it): `seeking`, and `canplay` when it leaves the loaded edge. */
  seek(): void {
    this.expect(Transition.Seek);
    const fromEdge = this.atEdge;
    this.playingThrough = this.current === Phase.Playing || (this.current === Phase.Seeking && this.playingThrough);
    this.state.seeking = true;
    this.state.ended = false;
    // Seeking while playing keeps the clock running (the seek sets it); from elsewhere it stops.
    this.leave(Phase.Seeking, this.playingThrough);
    this.effects.emit(MediaEvent.Seeking);
    if (fromEdge) this.unstall();
  }

  /**
   * The seek's target has not arrived yet: readyState 1 (no data for the position) and `waiting`,
   * as a `<video>` seeking into what it has not downloaded; a seek that interrupted playing fires
   * `playing` again once it is done.
   */
  seekAwaitsData(): void {
    if (this.current !== Phase.Seeking || this.seekWaits) return;
    this.seekWaits = true;
    this.state.readyState = Math.min(this.state.readyState, ReadyState.HaveMetadata) as ReadyState;
    this.playingThrough = false;
    this.effects.emit(MediaEvent.Waiting);
  }

  /**
   * The screen shows the target: `canplay` if the seek had to wait for data, `timeupdate`,
   * `seeked`, then playback resumes as `paused` says.
   */
  seeked(): void {
    this.expect(Transition.Seeked);
    this.seekWaits = false;
    if (this.shown && this.state.readyState < ReadyState.HaveCurrentData) {
      this.state.readyState = ReadyState.HaveFutureData;
      this.effects.emit(MediaEvent.CanPlay);
    }
    this.state.seeking = false;
    this.effects.emit(MediaEvent.TimeUpdate);
    this.effects.emit(MediaEvent.Seeked);
    if (!this.shown) this.current = Phase.Loading;
    else this.resume();
  }

  /** Playing reached the loaded edge: readyState 2, `timeupdate`, `waiting`. */
  stall(keepClock: boolean): void {
    this.expect(Transition.Stall);
    this.leave(Phase.Waiting, keepClock);
    this.state.readyState = ReadyState.HaveCurrentData;
    this.effects.emit(MediaEvent.TimeUpdate);
    this.effects.emit(MediaEvent.Waiting);
  }

  /** Data arrived beyond the edge: readyState 3, `canplay`, and playing again if it was waiting. */
  unstall(): void {
    if (!this.atEdge) return;
    this.expect(Transition.Unstall);
    this.state.readyState = ReadyState.HaveFutureData;
    this.effects.emit(MediaEvent.CanPlay);
    if (this.current === Phase.Waiting) this.resume();
  }

  /** Played to the end: `timeupdate`, `pause`, `ended` (a looping player seeks to 0 instead, after the `timeupdate`). */
  end(): void {
    this.expect(Transition.End);
    this.leave(Phase.Ended);
    this.state.paused = true;
    this.state.ended = true;
    this.effects.emit(MediaEvent.Pause);
    this.effects.emit(MediaEvent.Ended);
  }

  /** Nothing playable could be read: readyState 0, `error` (or `abort`); pending and later `play()`s reject. */
  fail(message: string, event: typeof MediaEvent.Error | typeof MediaEvent.Abort = MediaEvent.Error): void {
    this.expect(Transition.Fail);
    this.leave(Phase.Errored);
    this.state.readyState = ReadyState.HaveNothing;
    this.state.seeking = false;
    this.effects.emit(event);
    this.settlePlays(new DOMException(message, 'NotSupportedError'));
  }

  /** Rejects every pending `play()` (the player is closed). */
  close(): void {
    this.leave(this.current);
    this.settlePlays(new DOMException('the player was closed', 'AbortError'));
  }

  /** After the first frame, a seek or data at the edge: `playing` (or `waiting`) when not paused, else `ready`. */
  private resume(): void {
    const through = this.playingThrough;
    this.playingThrough = false;
    if (this.state.paused) this.current = Phase.Ready;
    else if (this.state.readyState < ReadyState.HaveFutureData) this.current = Phase.Waiting;
    else {
      this.current = Phase.Playing;
      this.effects.run();
      // A seek while playing never stopped playing: no second `playing`.
      if (!through) this.effects.emit(MediaEvent.Playing);
      this.settlePlays();
    }
  }

  private leave(next: Phase, keepClock = false): void {
    const from = this.current;
    this.current = next;
    if (next !== Phase.Seeking) this.seekWaits = false;
    if (from === Phase.Playing || from === Phase.Waiting || from === Phase.Seeking) this.effects.halt(keepClock);
  }

  private expect(transition: Transition): void {
    if (!this.can(transition)) throw new Error(`playback cannot take "${transition}" while ${this.current}`);
  }

  private settlePlays(error?: unknown): void {
    for (const pending of this.pendingPlays.splice(0)) {
      if (error === undefined) pending.resolve();
      else pending.reject(error);
    }
  }
}
