/**
 * The demo's live sessions: `POST /api/live` on the server `npm start` runs (demo/server.ts),
 * plugged into the recordings server as an extension (a JSON action and the growing recordings).
 *
 * A live session plays a synthetic desktop (samples/desktop-scene.ts: `synthesizeSession`,
 * 1280×720) in real time and records it through the recorder shim (sync mode, file sink) into
 * `<dir>/<sid>.tar` while it happens. Every recorder flush appends one complete protostream part
 * to the file; the session counts the bytes of complete parts (`committedBytes`) and wakes the
 * followers (the server's `followRecording`).
 *
 * Sessions end after their duration, or early on `stop()` (server close). A failure (synthesizer
 * or disk) ends the session; the file then holds what was recorded before it. The recordings the
 * sessions wrote are kept up to a disk budget: past it, the oldest finished ones are removed.
 */
import { randomUUID } from 'node:crypto';
import { rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { REAL_TIME, type ServerTime } from '../src/cli/playback-socket-server.js';
import type { ServerExtension } from '../src/cli/serve.js';
import type { GrowingRecording, LiveRecordings } from '../src/cli/live-recordings.js';
import { encodeTdp } from '../src/format/tdp.js';
import { createRecorder, fileSink, type RecorderSink, type SessionInfo } from '../src/recorder/index.js';
import { synthesizeSession, type SceneOptions, type SessionStep } from './samples/desktop-scene.js';

export type Synthesize = (options: SceneOptions) => AsyncIterable<SessionStep>;

export interface LiveStartOptions {
  /** Length of the session, ms. */
  durationMs: number;
  /** Seed of the synthetic user; default random. */
  seed?: number;
  width?: number;
  height?: number;
}

/** Longest time steps wait to be written (one part per batch). */
const FLUSH_MS = 200;

export class LiveSession implements GrowingRecording {
  readonly sessionId = randomUUID();
  readonly file = `${this.sessionId}.tar`;
  readonly path: string;
  readonly startedAt = Date.now();
  /** Bytes of complete parts in the file. */
  committedBytes = 0;
  /** The recorder closed (or failed): the file will not grow any more. */
  ended = false;
  failure: unknown;
  /** Settles when the session has ended (never rejects). */
  readonly done: Promise<void>;
  private readonly stopper = new AbortController();
  private waiters: (() => void)[] = [];

  constructor(dir: string, synthesize: Synthesize, readonly options: LiveStartOptions, private readonly time: ServerTime = REAL_TIME) {
    this.path = join(dir, this.file);
    this.done = this.run(synthesize).catch((error: unknown) => {
      this.failure ??= error;
    }).finally(() => {
      this.ended = true;
      this.wake();
    });
  }

  get live(): boolean {
    return !this.ended;
  }

  /** How long the session is planned to run, ms (it may end earlier, on `stop()`). */
  get plannedDurationMs(): number {
    return this.options.durationMs;
  }

  /** Ends the session now (the recording gets its session end event). */
  async stop(): Promise<void> {
    this.stopper.abort();
    await this.done;
  }

  /** Resolves at the next part written, at the end, or when `signal` aborts. */
  changed(signal?: AbortSignal): Promise<void> {
    if (this.ended || signal?.aborted) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = () => {
        signal?.removeEventListener('abort', done);
        resolve();
      };
      signal?.addEventListener('abort', done, { once: true });
      this.waiters.push(done);
    });
  }

  private wake(): void {
    for (const resolve of this.waiters.splice(0)) resolve();
  }

  private async run(synthesize: Synthesize): Promise<void> {
    const width = this.options.width ?? 1280;
    const height = this.options.height ?? 720;
    const file = fileSink(this.path);
    const sink: RecorderSink = {
      writePart: async (part) => {
        await file.writePart(part);
        this.committedBytes += part.length;
        this.wake();
      },
      close: () => file.close(),
      abort: (reason) => file.abort?.(reason) ?? Promise.resolve(),
    };
    const session: SessionInfo = {
      sessionId: this.sessionId, clusterName: 'demo.example.com', user: 'live-demo@example.com',
      desktopName: 'win-live-01', desktopAddr: '10.20.0.99:3389', windowsUser: 'demo', windowsDomain: 'CORP',
      desktopService: 'b1c4a8e2-52f1-4bd5-b37f-8d1e2c6a9f10', labels: { env: 'demo' }, clientAddr: '127.0.0.1:0',
    };
    // Recorded times follow the synthetic timeline exactly; the loop below keeps it on the wall clock.
    let now = this.startedAt;
    const recorder = createRecorder({ sink, session, mode: 'sync', now: () => now });
    await recorder.start();
    const t0 = this.time.now();
    const signal = this.stopper.signal;
    // Steps are recorded in batches, at most FLUSH_MS apart: each batch is one part (sync-mode
    // group commit, one fsync), so followers see the session with that much delay at most.
    let batch: SessionStep[] = [];
    let lastFlush = t0;
    const flush = async () => {
      const records = batch.map((step) => {
        now = this.startedAt + step.atMs;
        if (!('audit' in step)) return recorder.record(encodeTdp(step.message), step.from);
        return recorder.sharedDirectory(step.audit === 'sharedDirectoryStart'
          ? { kind: 'start', directoryId: step.directoryId, directoryName: step.name }
          : { kind: 'read', directoryId: step.directoryId, directoryName: step.name, path: step.path, length: step.length, offset: step.offset });
      });
      batch = [];
      lastFlush = this.time.now();
      await Promise.all(records);
    };
    try {
      for await (const step of synthesize({ width, height, durationMs: this.options.durationMs, seed: this.options.seed ?? Math.floor(Math.random() * 2 ** 31) })) {
        const wait = t0 + step.atMs - this.time.now();
        if (wait > 0) {
          if (this.time.now() + wait - lastFlush >= FLUSH_MS) await flush();
          await sleep(t0 + step.atMs - this.time.now(), signal, this.time);
        }
        if (signal.aborted) break;
        batch.push(step);
      }
      await flush();
      // The desktop stays up (idle) for the rest of the session's length.
      await sleep(t0 + this.options.durationMs - this.time.now(), signal, this.time);
    } finally {
      // A session that ran its course ends at its planned length, on the synthetic timeline like
      // its steps (on a busy machine the last timer fires late: that is no longer session); one
      // stopped early ends when it was stopped.
      const elapsed = Math.round(this.time.now() - t0);
      now = this.startedAt + (signal.aborted ? Math.min(elapsed, this.options.durationMs) : this.options.durationMs);
      await recorder.end().catch((error: unknown) => {
        this.failure ??= error;
      });
    }
  }
}

export interface LiveSessionsOptions {
  /** Sessions recording at once. Default 4. */
  maxSessions?: number;
  /**
   * Disk budget (bytes) of the recordings these sessions wrote: when a new session starts, the
   * oldest finished ones are removed until the rest fit. Default 512 MiB.
   */
  maxBytes?: number;
  /** Replaces the synthetic desktop (tests). */
  synthesize?: Synthesize;
  /** The time sessions play their desktop by; default the real one (tests move one by hand). */
  time?: ServerTime;
}

/** The live sessions of one server. */
export class LiveSessions implements LiveRecordings {
  private readonly sessions = new Map<string, LiveSession>();
  /** Files of the sessions that have ended, oldest first. */
  private readonly finished: string[] = [];
  readonly maxSessions: number;
  readonly maxBytes: number;
  private readonly synthesize: Synthesize;
  private readonly time: ServerTime;

  constructor(private readonly dir: string, options: LiveSessionsOptions = {}) {
    this.maxSessions = options.maxSessions ?? 4;
    this.maxBytes = options.maxBytes ?? 512 * 1024 * 1024;
    this.synthesize = options.synthesize ?? synthesizeSession;
    this.time = options.time ?? REAL_TIME;
  }

  /** The session writing `file` (`<sid>.tar`), while it is live. */
  get(file: string): LiveSession | undefined {
    return this.sessions.get(file);
  }

  get size(): number {
    return this.sessions.size;
  }

  async start(options: LiveStartOptions): Promise<LiveSession> {
    if (this.sessions.size >= this.maxSessions) throw new LiveLimitError(`at most ${this.maxSessions} live sessions at once`);
    await this.makeRoom();
    const session = new LiveSession(this.dir, this.synthesize, options, this.time);
    this.sessions.set(session.file, session);
    void session.done.then(() => {
      this.sessions.delete(session.file);
      this.finished.push(session.path);
    });
    return session;
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.sessions.values()].map((session) => session.stop()));
  }

  /** Removes the oldest finished recordings until those left (and the live ones) fit the budget. */
  private async makeRoom(): Promise<void> {
    const sizeOf = async (path: string) => (await stat(path).catch(() => undefined))?.size ?? 0;
    const live = [...this.sessions.values()].reduce((sum, session) => sum + session.committedBytes, 0);
    const sizes = await Promise.all(this.finished.map(sizeOf));
    let total = live + sizes.reduce((sum, size) => sum + size, 0);
    while (this.finished.length && total > this.maxBytes) {
      const path = this.finished.shift()!;
      total -= sizes.shift()!;
      await rm(path, { force: true });
    }
  }
}

export class LiveLimitError extends Error {}

function sleep(ms: number, signal: AbortSignal, time: ServerTime): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const done = () => {
      time.clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = time.setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

const MIN_LIVE_MS = 1_000;
const MAX_LIVE_MS = 10 * 60_000;

export interface LiveExtensionOptions extends LiveSessionsOptions {
  /** Length of a session whose request names none, ms. Default 3 minutes. */
  defaultDurationMs?: number;
}

/**
 * The recordings server extension of the demo: `POST /api/live` with a JSON object
 * `{ "durationMs"?: n, "seed"?: n }` starts a session (201 `{ sessionId, url, wsPath, durationMs }`),
 * 429 when too many run; their recordings are served and listed as live while they grow.
 */
export function liveSessionsExtension(dir: string, options: LiveExtensionOptions = {}): ServerExtension & { sessions: LiveSessions } {
  const sessions = new LiveSessions(dir, options);
  return {
    sessions,
    live: sessions,
    actions: {
      async live(body) {
        const requested = body.durationMs ?? options.defaultDurationMs ?? 180_000;
        if (typeof requested !== 'number' || !Number.isFinite(requested)) return { status: 400, body: { error: 'durationMs must be a number' } };
        if (body.seed !== undefined && !Number.isSafeInteger(body.seed)) return { status: 400, body: { error: 'seed must be an integer' } };
        const durationMs = Math.round(Math.min(MAX_LIVE_MS, Math.max(MIN_LIVE_MS, requested)));
        let session: LiveSession;
        try {
          session = await sessions.start({ durationMs, ...(body.seed !== undefined && { seed: body.seed as number }) });
        } catch (error) {
          if (error instanceof LiveLimitError) return { status: 429, body: { error: error.message } };
          throw error;
        }
        const sid = session.sessionId;
        return {
          status: 201,
          body: { sessionId: sid, url: `/recordings/${session.file}`, wsPath: `/webapi/sites/demo.example.com/desktopplayback/${sid}/ws`, durationMs },
        };
      },
    },
    close: () => sessions.stopAll(),
  };
}
