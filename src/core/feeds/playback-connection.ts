import { ErrorReason, RecordingError } from '../../format/errors.js';
import type { RecordedEvent } from '../../format/events.js';
import { SERVER_SPEED_RANGE, parsePlaybackFrame, type PlaybackAction } from '../../format/playback-frames.js';

export interface PlaybackConnectionHandlers {
  /** Events in order, each once (events resent after a reconnect are dropped). */
  onEvents(events: RecordedEvent[]): void;
  /** The server sent every event (`{"message":"end"}`). */
  onEnd(): void;
  /** The server reported an error, refused the token, or the socket could not be (re)opened. */
  onError(error: RecordingError): void;
}

export interface PlaybackConnectionOptions {
  /** Sent first as `{"token": …}`; the server's answer is awaited before anything else. */
  token?: string;
  /** Waits between reconnection attempts; after the last one fails, the socket gives up. */
  retryDelaysMs: readonly number[];
}

const DEFAULT_RETRY_DELAYS_MS = [500, 1000, 2000, 4000, 8000];
/** A server never reached at all is given this many retries, not the whole backoff. */
const RETRIES_BEFORE_FIRST_OPEN = 2;

/**
 * The player's side of a Teleport playback websocket (the recording format's §4), loaded on first use. The server paces the events; this
 * keeps what it wants of the server in sync with the player (playing or paused, speed, position),
 * and when the socket drops before the end it reconnects with backoff and resumes where the events
 * stopped: the server restarts from 0, so the socket asks it to seek there and drops what it
 * already delivered.
 */
export class PlaybackConnection {
  private readonly options: PlaybackConnectionOptions;
  private socket: WebSocket | undefined;
  private closed = false;
  private attempt = 0;
  /** What the server is doing, as far as this side has told it (it starts playing). */
  private serverPlaying = true;
  private serverSpeed = 1;
  private wantPlaying = true;
  private wantSpeed = 1;
  /** Where the events this side has delivered stop: resumed from after a reconnect. */
  private lastMs = -1;
  private lastIndex = -1;
  /** The furthest position the player asked the server to fast-forward to (sent again after a reconnect). */
  private seekTargetMs = 0;
  /** Events at `lastMs` delivered so far (for servers that send no `ei`). */
  private deliveredAtLastMs = 0;
  private resentAtLastMs = 0;
  private authenticated = false;
  private everOpened = false;

  constructor(
    private readonly url: string,
    private readonly handlers: PlaybackConnectionHandlers,
    options: Partial<PlaybackConnectionOptions> = {},
  ) {
    this.options = { retryDelaysMs: DEFAULT_RETRY_DELAYS_MS, ...options };
    this.open();
  }

  /** Whether the server should be sending events now (playing, or filling the buffer ahead). */
  setPlaying(playing: boolean): void {
    this.wantPlaying = playing;
    this.sync();
  }

  setSpeed(rate: number): void {
    this.wantSpeed = Math.min(SERVER_SPEED_RANGE.max, Math.max(SERVER_SPEED_RANGE.min, rate));
    this.sync();
  }

  /** Asks the server to fast-forward to `ms` (only forward: everything before is already here). */
  seekForward(ms: number): void {
    if (ms <= this.lastMs) return;
    this.seekTargetMs = Math.max(this.seekTargetMs, Math.round(ms));
    // A paused server does not fast-forward: it must play to get there.
    this.wantPlaying = true;
    this.sync();
    // Before the socket is open (a start position), resume() sends it.
    this.send({ action: 'seek', pos: Math.round(ms) });
  }

  close(): void {
    this.closed = true;
    this.socket?.close();
    this.socket = undefined;
  }

  private open(): void {
    let socket: WebSocket;
    try {
      socket = new WebSocket(this.url);
    } catch (error) {
      this.fail(new RecordingError(ErrorReason.Websocket, `the playback address ${this.url} is not a websocket URL (${error instanceof Error ? error.message : String(error)})`));
      return;
    }
    socket.binaryType = 'arraybuffer';
    this.socket = socket;
    this.authenticated = this.options.token === undefined;
    // A new connection starts from 0, playing at 1×.
    this.serverPlaying = true;
    this.serverSpeed = 1;
    this.resentAtLastMs = 0;
    socket.onopen = () => {
      this.everOpened = true;
      if (this.options.token !== undefined) this.send({ token: this.options.token });
      else this.resume();
    };
    socket.onmessage = ({ data }) => this.receive(typeof data === 'string' ? data : new TextDecoder().decode(data as ArrayBuffer));
    socket.onclose = () => {
      if (this.socket !== socket || this.closed) return;
      this.socket = undefined;
      this.reconnect();
    };
  }

  /** A (re)opened connection: catch up to what was delivered, then apply what the player wants. */
  private resume(): void {
    this.attempt = 0;
    const resumeAt = Math.max(this.lastMs, this.seekTargetMs);
    if (resumeAt > 0) this.send({ action: 'seek', pos: resumeAt });
    this.sync();
  }

  private receive(text: string): void {
    let frame;
    try {
      frame = parsePlaybackFrame(text);
    } catch (error) {
      this.fail(new RecordingError(ErrorReason.Server, `the playback server sent something that is not a playback frame (${error instanceof Error ? error.message : String(error)})`));
      return;
    }
    switch (frame.kind) {
      case 'session':
        if (!frame.ok) {
          this.fail(new RecordingError(ErrorReason.Server, `the playback server refused the session${frame.message ? `: ${frame.message}` : ''}`));
          return;
        }
        this.authenticated = true;
        this.resume();
        return;
      case 'end':
        this.closed = true;
        this.socket?.close();
        this.handlers.onEnd();
        return;
      case 'error':
        this.fail(new RecordingError(ErrorReason.Server, `the playback server reported an error: ${frame.text}`));
        return;
      case 'event':
        if (!this.authenticated) return;
        if (this.isResent(frame.event)) return;
        this.handlers.onEvents([frame.event]);
    }
  }

  /** After a reconnect the server sends everything again from 0: keep only what is new. */
  private isResent(recorded: RecordedEvent): boolean {
    const ms = Number(recorded.event.case === 'desktopRecording' ? recorded.event.value.delayMilliseconds : 0n);
    if (recorded.index >= 0 && this.lastIndex >= 0) {
      if (recorded.index <= this.lastIndex) return true;
    } else if (ms < this.lastMs || (ms === this.lastMs && this.resentAtLastMs++ < this.deliveredAtLastMs)) {
      return true;
    }
    this.deliveredAtLastMs = ms === this.lastMs ? this.deliveredAtLastMs + 1 : 1;
    this.lastMs = Math.max(this.lastMs, ms);
    this.lastIndex = Math.max(this.lastIndex, recorded.index);
    return false;
  }

  /** Sends what differs between what the player wants and what the server does. */
  private sync(): void {
    if (!this.socket || this.socket.readyState !== WebSocket.OPEN || !this.authenticated) return;
    if (this.wantSpeed !== this.serverSpeed) {
      this.send({ action: 'speed', speed: this.wantSpeed });
      this.serverSpeed = this.wantSpeed;
    }
    if (this.wantPlaying !== this.serverPlaying) {
      this.send({ action: 'play/pause' });
      this.serverPlaying = this.wantPlaying;
    }
  }

  private send(action: PlaybackAction): void {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(action));
  }

  private reconnect(): void {
    const delay = this.options.retryDelaysMs[this.attempt++];
    if (!this.everOpened && this.attempt > RETRIES_BEFORE_FIRST_OPEN) {
      this.fail(new RecordingError(ErrorReason.Websocket, `the playback server at ${this.url} could not be reached (${this.attempt} attempts)`));
      return;
    }
    if (delay === undefined) {
      this.fail(new RecordingError(ErrorReason.Websocket, `the playback connection to ${this.url} was lost and could not be restored (${this.options.retryDelaysMs.length} attempts)`));
      return;
    }
    setTimeout(() => {
      if (!this.closed) this.open();
    }, delay);
  }

  private fail(error: RecordingError): void {
    if (this.closed) return;
    this.close();
    this.handlers.onError(error);
  }
}
