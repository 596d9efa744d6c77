import type { FeedSink, FeedSteering, RecordingFeed } from './feed.js';
import type { PlaybackConnection } from './playback-connection.js';

/** A paused player lets the playback server keep sending until this much is buffered ahead. */
const PREFETCH_MS = 30_000;

/**
 * A Teleport playback websocket (`ws:`/`wss:`): the server paces the events, so this feed keeps
 * it in step with the player (playing or paused, speed, seeks forward); reconnection is the
 * connection's (`playback-connection.ts`, loaded on first use: most players only fetch files).
 */
export class SocketFeed implements RecordingFeed {
  readonly paced = true;
  private connection: PlaybackConnection | undefined;
  private closed = false;
  private steering: FeedSteering | undefined;
  /** The furthest moment wanted before the connection existed. */
  private wantedMs = 0;

  constructor(
    private readonly url: string,
    private readonly token: string | undefined,
  ) {}

  start(sink: FeedSink): void {
    import('./playback-connection.js').then(
      ({ PlaybackConnection }) => {
        if (this.closed) return;
        this.connection = new PlaybackConnection(
          this.url,
          {
            onEvents: (events) => this.closed || sink.events(events),
            onEnd: () => this.closed || sink.end(),
            onError: (error) => this.closed || sink.fail(error),
          },
          { token: this.token },
        );
        if (this.steering) this.steer(this.steering);
        // A start position is fast-forwarded to by the server, not waited for.
        if (this.wantedMs > 0) this.connection.seekForward(this.wantedMs);
      },
      (error: unknown) => this.closed || sink.fail(error),
    );
  }

  steer(playback: FeedSteering): void {
    this.steering = playback;
    this.connection?.setSpeed(playback.rate);
    // Pausing the server saves the transfer, once enough is here to play on at once.
    this.connection?.setPlaying(playback.playing || playback.deliveredMs - playback.positionMs < PREFETCH_MS);
  }

  want(timeMs: number): void {
    if (this.connection) this.connection.seekForward(timeMs);
    else this.wantedMs = Math.max(this.wantedMs, timeMs);
  }

  close(): void {
    this.closed = true;
    this.connection?.close();
  }
}
