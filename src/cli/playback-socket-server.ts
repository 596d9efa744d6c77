/**
 * Teleport-compatible desktop playback websocket (spec `teleport-recording-format.md` §4), served
 * by `desktop-recording serve` at `/webapi/sites/:site/desktopplayback/:sid/ws` (and `/v1/webapi/…`).
 *
 * Per connection (a "viewer"):
 * - Auth (§4.1): with a configured token the first client message must be `{"token":"T"}`; the
 *   answer is a text frame `{"type":"create_session_response","status":"ok"}` or `…"status":"error",
 *   "message":…}` followed by a close. A socket whose upgrade already showed the token (the
 *   server's session cookie or a Bearer header) needs no token message; the older
 *   `…/desktopplayback/:sid?access_token=T` form only with `allowUrlToken`. Without a configured
 *   token, a first `{"token":…}` is answered `ok` and a client that sends nothing gets the stream
 *   after `authGraceMs` (any first message starts it at once).
 * - Limits: at most `maxViewers` sockets; restarts (backward seeks) per socket are budgeted at
 *   `maxRestartsPerMinute`, so seeking back and forth cannot make the server send the file again
 *   and again; a known action with a bad value (`"speed": null`) is ignored.
 * - Stream (§4.2): every `DesktopRecording` event of `<sid>.tar`, in file order, as a binary frame
 *   of its Go `encoding/json` form; then `{"message":"end"}`, or `{"message":"error","errorText":…}`
 *   after the last event that decoded from a damaged file.
 * - Pacing (§4.4): an event with `ms > 0 && ms >= lastDelay` is due `(ms − lastDelay) / speed`
 *   after the previous timed event was due (others go at once); `play/pause` toggles and a pause
 *   holds before the next event; `speed` is clamped to [0.25, 16]; `seek` forward (pos ≥ last
 *   played) sends every event with ms ≤ pos at once, then normal timing resumes from pos; seek
 *   backward restarts the file from byte 0 and fast-forwards to pos. Any other action ends the
 *   receive loop (later messages are ignored), as Teleport's `ReceivePlaybackActions` does.
 *
 * Choices beyond Teleport's (documented for the element):
 * - Fast-forward (after a seek) is not held by a pause, so a paused viewer that seeks gets the
 *   frame at the new position and then holds.
 * - Timed events are scheduled from when the previous one was *due*, so timer lateness does not
 *   accumulate; a viewer more than `LATE_TOLERANCE_MS` behind (slow client, disk) re-anchors
 *   instead of bursting to catch up.
 * - After `end` (or a recording error) the socket stays open: a seek to before the last played
 *   event restarts the stream; any other seek repeats the final frame. The client closes it.
 *
 * Resources: the file is read as a stream (64 KiB chunks) through the streaming RecordingReader,
 * one chunk's events at a time; frames wait while more than `highWaterMarkBytes` are queued on
 * the socket (counted through `send` callbacks), so a slow client holds back the file reading
 * instead of making the server buffer the recording. Closing the socket stops the reading.
 */
import type { FileHandle } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { RecordedEvent } from '../format/events.js';
import { clampServerSpeed, desktopRecordingJson, END_FRAME, errorFrame, parsePlaybackAction, sessionResponseFrame, type InvalidPlaybackAction, type PlaybackAction } from '../format/playback-frames.js';
import { RecordingReader } from '../format/reader.js';
import { tokensMatch } from './access-token.js';
import type { DesktopRecording } from '../gen/teleport/legacy/types/events/events_pb.js';

/** Where the server's viewers get their bytes from: finished files, or live recordings that still grow. */
export interface RecordingStore {
  /** Whether recording `sid` exists. */
  exists(sid: string): Promise<boolean>;
  /** The recording's bytes from the start, in chunks; stops early (and frees the file) when `signal` aborts. */
  open(sid: string, signal: AbortSignal): AsyncIterable<Uint8Array>;
}

export interface PlaybackSocketServerOptions {
  store: RecordingStore;
  /** When set, clients must authenticate with `{"token": token}` (or `?access_token=` on the old path, when allowed). */
  token?: string;
  /** Accept the token in `?access_token=` on Teleport's legacy path (URLs end up in logs and history). Default false. */
  allowUrlToken?: boolean;
  /** Sockets open at once; more are answered 503. Default 100. */
  maxViewers?: number;
  /**
   * Restarts from the beginning (backward seeks) one socket may make per minute, with as many at
   * once; more wait their turn, so a client seeking back and forth cannot make the server read and
   * send the file again and again. Default 10 (the player itself seeks the server only forward).
   */
  maxRestartsPerMinute?: number;
  /** The time viewers pace by. Default: the real one. */
  time?: ServerTime;
  /** Without a token: how long to wait for an optional `{"token":…}` before streaming. Default 250 ms. */
  authGraceMs?: number;
  /** With a token: how long to wait for it. Default 10 s. */
  authTimeoutMs?: number;
  /** Bytes queued on a socket above which sending waits. Default 1 MiB. */
  highWaterMarkBytes?: number;
}

/** The time the viewers pace by: the real one, or one a test moves by hand. */
export interface ServerTime {
  /** Milliseconds, monotonic. */
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** The real time (a demo's live sessions play by it too). */
export const REAL_TIME: ServerTime = {
  now: () => performance.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** What one connected viewer did so far (tests, diagnostics). */
export interface ViewerStats {
  readonly sid: string;
  /** Recording bytes read from the file (all passes). */
  fileBytes: number;
  /** DesktopRecording frames sent (all passes). */
  frames: number;
  /** Bytes handed to the socket. */
  bytesSent: number;
  /** Bytes handed to the socket and not yet written out. */
  queuedBytes: number;
  /** Largest `queuedBytes` seen. */
  maxQueuedBytes: number;
  /** Times the stream started from the beginning (1 + backward seeks). */
  passes: number;
  /** Restarts that waited for the restart budget. */
  throttledRestarts: number;
}

/**
 * A viewer this far behind schedule (wall ms) re-anchors its clock rather than catching up in a burst.
 * Shorter lateness (a busy event loop: many viewers, bursts of frames, GC) is caught up, so a 1× viewer
 * stays in step with real time. At 50 ms, ordinary event-loop delays were written off for good: in
 * `npm run load-check` (200 viewers, 40 s) 1× viewers ended about 1 s behind; at 1000 ms, 3–4 ms.
 */
export const LATE_TOLERANCE_MS = 1000;
const READ_CHUNK_BYTES = 64 * 1024;

const PLAYBACK_PATH = /^\/(?:v1\/)?webapi\/sites\/([^/]+)\/desktopplayback\/([^/]+?)(\/ws)?\/?$/;
const SAFE_SID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/;

/** Parses a playback websocket path; `legacy` for the older form without `/ws` (token in `?access_token=`). */
export function matchPlaybackPath(pathname: string): { site: string; sid: string; legacy: boolean } | undefined {
  const match = PLAYBACK_PATH.exec(pathname);
  if (!match) return undefined;
  try {
    return { site: decodeURIComponent(match[1]!), sid: decodeURIComponent(match[2]!), legacy: !match[3] };
  } catch {
    return undefined;
  }
}

/** Whether `sid` can name a recording file (`<sid>.tar`) in a folder. */
export function isSafeSid(sid: string): boolean {
  return SAFE_SID.test(sid) && !sid.includes('..');
}

/** Playback websocket endpoints, attached to an HTTP server through its `upgrade` event. */
export class PlaybackSocketServer {
  private readonly options: Required<Omit<PlaybackSocketServerOptions, 'token'>> & { token: string | undefined };
  private readonly wss: WebSocketServer;
  private readonly active = new Set<Viewer>();
  private closed = false;

  constructor(options: PlaybackSocketServerOptions) {
    this.options = {
      authGraceMs: 250,
      authTimeoutMs: 10_000,
      highWaterMarkBytes: 1024 * 1024,
      allowUrlToken: false,
      maxViewers: 100,
      maxRestartsPerMinute: 10,
      time: REAL_TIME,
      ...options,
      token: options.token || undefined,
    };
    if (!(this.options.maxRestartsPerMinute >= 1) || !(this.options.maxViewers >= 1)) throw new RangeError('maxRestartsPerMinute and maxViewers must be at least 1');
    // Client messages are small JSON actions; screen data never flows client → server.
    this.wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: 64 * 1024 });
  }

  /** Stats of the viewers connected now. */
  get viewers(): ViewerStats[] {
    return [...this.active].map((viewer) => viewer.stats);
  }

  /**
   * Takes an `upgrade` request. Returns false (and leaves the socket alone) when the path is not a
   * playback path; answers 404 itself for a malformed session id, 503 when closed or full.
   * `authorized`: the request already showed the token (header or session cookie).
   */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer, authorized = false): boolean {
    let url: URL;
    try {
      url = new URL(request.url ?? '/', 'http://localhost');
    } catch {
      return false;
    }
    const route = matchPlaybackPath(url.pathname);
    if (!route) return false;
    const refusal = this.closed || this.active.size >= this.options.maxViewers ? '503 Service Unavailable' : !isSafeSid(route.sid) ? '404 Not Found' : undefined;
    if (refusal) {
      socket.end(`HTTP/1.1 ${refusal}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return true;
    }
    const queryToken = route.legacy && this.options.allowUrlToken ? url.searchParams.get('access_token') ?? undefined : undefined;
    const admitted = authorized || (queryToken !== undefined && this.options.token !== undefined && tokensMatch(queryToken, this.options.token));
    this.wss.handleUpgrade(request, socket, head, (ws) => {
      if (this.closed) {
        ws.terminate();
        return;
      }
      const viewer = new Viewer(ws, route.sid, admitted, this.options);
      this.active.add(viewer);
      void viewer.run().finally(() => this.active.delete(viewer));
    });
    return true;
  }

  /** Drops every connected socket but keeps accepting new ones (players reconnect and resume). */
  disconnectAll(): void {
    for (const viewer of this.active) viewer.terminate();
  }

  /** Terminates every socket (their file reading stops) and refuses new ones. */
  close(): void {
    this.closed = true;
    for (const viewer of this.active) viewer.terminate();
    this.wss.close();
  }
}

type PassOutcome = 'end' | 'error' | 'restart' | 'closed';
type Phase = 'auth' | 'grace' | 'open';

/** A viewer's clock: recording time (ms) advancing at `speed` while not paused. */
class ViewerClock {
  speed = 1;
  paused = false;
  private anchorMs = 0;
  private anchorWall = 0;

  constructor(private readonly time: ServerTime) {}

  position(now = this.time.now()): number {
    return this.paused ? this.anchorMs : this.anchorMs + (now - this.anchorWall) * this.speed;
  }

  set(positionMs: number, now = this.time.now()): void {
    this.anchorMs = positionMs;
    this.anchorWall = now;
  }

  setSpeed(speed: number): void {
    const now = this.time.now();
    this.set(this.position(now), now);
    this.speed = speed;
  }

  setPaused(paused: boolean): void {
    const now = this.time.now();
    this.set(this.position(now), now);
    this.paused = paused;
  }
}

class Viewer {
  readonly stats: ViewerStats;
  private readonly clock: ViewerClock;
  private phase: Phase;
  private authAnswered = false;
  private receiving = true;
  private closed = false;
  /** Seek forward target (ms): events at or before it go out at once. */
  private advanceTo: number | undefined;
  /** Seek backward target (ms): restart the file and fast-forward to it. */
  private restartTo: number | undefined;
  /** `lastDelay` of §4.4: ms of the last timed event (also the "last played" position). */
  private lastDelay = 0;
  /** The clock is anchored at the first event a pass reaches. */
  private needsAnchor = true;
  /** The last frame of a finished pass (end or error), repeated for a seek that does not restart. */
  private finalFrame: string | undefined;
  private wake: (() => void) | undefined;
  private wakeTimer: unknown;
  private readonly drainWaiters: (() => void)[] = [];
  private passAbort: AbortController | undefined;
  private startWaiter: (() => void) | undefined;
  /** Restarts this socket may make now (a bucket refilled at maxRestartsPerMinute). */
  private restartTokens: number;
  private restartTokensAt: number;

  constructor(
    private readonly ws: WebSocket,
    readonly sid: string,
    admitted: boolean,
    private readonly options: Required<Omit<PlaybackSocketServerOptions, 'token'>> & { token: string | undefined },
  ) {
    this.stats = { sid, fileBytes: 0, frames: 0, bytesSent: 0, queuedBytes: 0, maxQueuedBytes: 0, passes: 0, throttledRestarts: 0 };
    this.restartTokens = options.maxRestartsPerMinute;
    this.restartTokensAt = options.time.now();
    this.clock = new ViewerClock(options.time);
    this.phase = options.token === undefined ? 'grace' : admitted ? 'open' : 'auth';
    ws.on('message', (data: RawData) => this.onMessage(data));
    ws.on('close', () => this.onClose());
    ws.on('error', () => this.onClose());
  }

  terminate(): void {
    this.onClose();
    this.ws.terminate();
  }

  async run(): Promise<void> {
    if (!(await this.waitForStart())) return;
    if (!(await this.options.store.exists(this.sid).catch(() => false))) {
      if (this.closed) return;
      await this.send(errorFrame(`recording ${this.sid} not found`), true);
      this.ws.close(1000);
      return;
    }
    for (;;) {
      const outcome = await this.pass();
      if (outcome === 'closed' || this.closed) return;
      if (outcome !== 'restart') {
        // Finished (end or error): wait for a seek that restarts, or for the client to leave.
        while (this.restartTo === undefined && !this.closed) await this.changed();
        if (this.closed) return;
        this.finalFrame = undefined;
      }
      if (!(await this.takeRestart())) return;
    }
  }

  /** Waits until the restart budget allows one more pass; false when the socket closed meanwhile. */
  private async takeRestart(): Promise<boolean> {
    const perMs = this.options.maxRestartsPerMinute / 60_000;
    let throttled = false;
    for (;;) {
      if (this.closed) return false;
      const now = this.options.time.now();
      this.restartTokens = Math.min(this.options.maxRestartsPerMinute, this.restartTokens + (now - this.restartTokensAt) * perMs);
      this.restartTokensAt = now;
      if (this.restartTokens >= 1) {
        this.restartTokens -= 1;
        return true;
      }
      if (!throttled) this.stats.throttledRestarts += 1;
      throttled = true;
      // Seeks meanwhile only move the restart's target (the latest wins).
      await this.changed((1 - this.restartTokens) / perMs);
    }
  }

  // ---------------------------------------------------------------------------- auth and actions

  /** Resolves true once the stream may start, false when the viewer was refused or left. */
  private waitForStart(): Promise<boolean> {
    if (this.phase === 'open') return Promise.resolve(true);
    return new Promise<boolean>((resolve) => {
      const timeout = this.phase === 'auth' ? this.options.authTimeoutMs : this.options.authGraceMs;
      const timer = this.options.time.setTimeout(() => {
        if (this.phase === 'auth') {
          this.refuse('authentication timed out: send {"token": …} first');
        } else {
          this.phase = 'open';
        }
        this.startWaiter?.();
      }, timeout);
      this.startWaiter = () => {
        this.options.time.clearTimeout(timer);
        this.startWaiter = undefined;
        resolve(this.phase === 'open' && !this.closed);
      };
    });
  }

  private onMessage(data: RawData): void {
    if (this.closed) return;
    const message = parsePlaybackAction(rawText(data));
    const token = message && 'token' in message ? message.token : undefined;
    if (this.phase === 'auth') {
      if (token !== undefined && this.options.token !== undefined && tokensMatch(token, this.options.token)) {
        this.answerAuth();
        this.phase = 'open';
      } else {
        this.refuse(token !== undefined ? 'invalid token' : 'authentication required: send {"token": …} first');
      }
      this.startWaiter?.();
      return;
    }
    // Without a configured token, a token message is welcome (first or not) and answered ok.
    if (token !== undefined && !this.authAnswered) {
      this.answerAuth();
      if (this.phase === 'grace') {
        this.phase = 'open';
        this.startWaiter?.();
      }
      return;
    }
    if (this.phase === 'grace') {
      this.phase = 'open';
      this.action(message);
      this.startWaiter?.();
      return;
    }
    this.action(message);
  }

  private answerAuth(): void {
    this.authAnswered = true;
    void this.send(sessionResponseFrame(), false);
  }

  private refuse(reason: string): void {
    this.authAnswered = true;
    this.phase = 'auth';
    const ws = this.ws;
    this.closed = true;
    this.receiving = false;
    ws.send(sessionResponseFrame(reason), () => ws.close(1008, 'authentication failed'));
  }

  /** One client action (§4.3). */
  private action(message: PlaybackAction | InvalidPlaybackAction | undefined): void {
    if (!this.receiving) return;
    // A known action with a value that is not one (`"speed": null`) changes nothing.
    if (message && 'invalid' in message) return;
    switch (message && 'action' in message ? message.action : undefined) {
      case 'play/pause':
        this.clock.setPaused(!this.clock.paused);
        break;
      case 'speed':
        this.clock.setSpeed(clampServerSpeed((message as { speed: number }).speed));
        break;
      case 'seek':
        this.seek(Math.max(0, Math.floor((message as { pos: number }).pos)));
        break;
      default:
        // A token again, or anything else: Teleport's ReceivePlaybackActions returns on it;
        // playback goes on, unsteerable.
        this.receiving = false;
        return;
    }
    this.notify();
  }

  private seek(pos: number): void {
    if (this.restartTo !== undefined) {
      this.restartTo = pos; // a restart is pending: the latest seek wins
    } else if (pos < this.lastDelay) {
      this.advanceTo = undefined;
      this.restartTo = pos;
    } else if (this.finalFrame !== undefined) {
      void this.send(this.finalFrame, true);
    } else {
      this.advanceTo = pos;
    }
  }

  private onClose(): void {
    if (this.closed) return;
    this.closed = true;
    this.passAbort?.abort();
    this.startWaiter?.();
    this.notify();
    this.wakeDrainWaiters();
  }

  private wakeDrainWaiters(): void {
    for (const resolve of this.drainWaiters.splice(0)) resolve();
  }

  // ---------------------------------------------------------------------------- streaming

  /** Streams the file once from the start. */
  private async pass(): Promise<PassOutcome> {
    this.stats.passes += 1;
    if (this.restartTo !== undefined) {
      this.advanceTo = this.restartTo;
      this.restartTo = undefined;
    }
    this.lastDelay = 0;
    this.needsAnchor = true;
    const abort = new AbortController();
    this.passAbort = abort;
    const reader = new RecordingReader();
    try {
      for await (const chunk of this.options.store.open(this.sid, abort.signal)) {
        this.stats.fileBytes += chunk.length;
        const { events, error } = await reader.push(chunk);
        const outcome = await this.deliverAll(events);
        if (outcome) return outcome;
        if (error) return this.finish(errorFrame(error.message), 'error');
      }
      if (this.closed) return 'closed';
      const { events, error } = await reader.end();
      const outcome = await this.deliverAll(events);
      if (outcome) return outcome;
      return error ? this.finish(errorFrame(error.message), 'error') : this.finish(END_FRAME, 'end');
    } catch (error) {
      if (this.closed) return 'closed';
      return this.finish(errorFrame(`cannot read the recording: ${error instanceof Error ? error.message : String(error)}`), 'error');
    } finally {
      reader.cancel();
      abort.abort();
      this.passAbort = undefined;
    }
  }

  private async finish(frame: string, outcome: 'end' | 'error'): Promise<PassOutcome> {
    if (this.closed) return 'closed';
    if (this.restartTo !== undefined) return 'restart';
    this.finalFrame = frame;
    this.advanceTo = undefined;
    await this.send(frame, true);
    return outcome;
  }

  private async deliverAll(events: RecordedEvent[]): Promise<PassOutcome | undefined> {
    for (const event of events) {
      if (event.event.case !== 'desktopRecording') continue;
      const outcome = await this.deliver(event.event.value);
      if (outcome) return outcome;
    }
    if (this.closed) return 'closed';
    return this.restartTo !== undefined ? 'restart' : undefined;
  }

  /** Waits until the event is due (§4.4), then sends it. */
  private async deliver(value: DesktopRecording): Promise<PassOutcome | undefined> {
    const ms = Number(value.delayMilliseconds);
    let fastForward = false;
    for (;;) {
      if (this.closed) return 'closed';
      if (this.restartTo !== undefined) return 'restart';
      if (this.advanceTo !== undefined) {
        if (ms <= this.advanceTo) {
          fastForward = true;
          break;
        }
        // Fast-forward is over: timing resumes from the position sought.
        this.lastDelay = Math.max(this.lastDelay, this.advanceTo);
        this.clock.set(this.advanceTo);
        this.advanceTo = undefined;
        this.needsAnchor = false;
      }
      if (this.needsAnchor) {
        this.clock.set(this.lastDelay);
        this.needsAnchor = false;
      }
      if (this.clock.paused) {
        await this.changed();
        continue;
      }
      if (ms > 0 && ms >= this.lastDelay) {
        const wait = (ms - this.clock.position()) / this.clock.speed;
        if (wait >= 1) {
          await this.changed(wait);
          continue;
        }
      }
      break;
    }
    const timed = ms > 0 && ms >= this.lastDelay;
    await this.send(desktopRecordingJson(value), true, () => this.restartTo === undefined);
    this.stats.frames += 1;
    if (timed) {
      this.lastDelay = ms;
      if (fastForward) {
        this.needsAnchor = true;
      } else {
        const now = this.options.time.now();
        // Behind schedule by more than the tolerance (slow socket or disk): continue from here.
        if ((this.clock.position(now) - ms) / this.clock.speed > LATE_TOLERANCE_MS) this.clock.set(ms, now);
      }
    }
    return undefined;
  }

  /** Resolves on the next action or close, or after `timeoutMs`. */
  private changed(timeoutMs?: number): Promise<void> {
    return new Promise<void>((resolve) => {
      this.wake = resolve;
      if (timeoutMs !== undefined) this.wakeTimer = this.options.time.setTimeout(() => this.notify(), timeoutMs);
    });
  }

  private notify(): void {
    if (this.wakeTimer !== undefined) this.options.time.clearTimeout(this.wakeTimer);
    this.wakeTimer = undefined;
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  /**
   * Sends one frame once the socket has room (fewer than `highWaterMarkBytes` queued).
   * `stillWanted` is asked again after waiting: false drops the frame (a restart came meanwhile).
   */
  private async send(text: string, binary: boolean, stillWanted?: () => boolean): Promise<void> {
    while (this.stats.queuedBytes > this.options.highWaterMarkBytes && !this.closed) {
      await new Promise<void>((resolve) => this.drainWaiters.push(resolve));
    }
    if (this.closed || (stillWanted && !stillWanted())) return;
    const data = binary ? Buffer.from(text) : text;
    const size = binary ? data.length : Buffer.byteLength(text);
    const stats = this.stats;
    stats.queuedBytes += size;
    stats.maxQueuedBytes = Math.max(stats.maxQueuedBytes, stats.queuedBytes);
    stats.bytesSent += size;
    this.ws.send(data, { binary }, () => {
      stats.queuedBytes -= size;
      if (stats.queuedBytes <= this.options.highWaterMarkBytes) this.wakeDrainWaiters();
    });
  }
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data as ArrayBuffer).toString('utf8');
}

/** Reads an opened finished file in chunks (a store's `open` for files that do not grow), then closes it. */
export async function* readFileChunks(file: { handle: FileHandle }, signal: AbortSignal): AsyncGenerator<Uint8Array> {
  const stream = file.handle.createReadStream({ highWaterMark: READ_CHUNK_BYTES, autoClose: true });
  const stop = () => stream.destroy();
  signal.addEventListener('abort', stop, { once: true });
  try {
    for await (const chunk of stream) {
      if (signal.aborted) return;
      yield chunk as Buffer;
    }
  } finally {
    signal.removeEventListener('abort', stop);
    stream.destroy();
  }
}
