/**
 * Live demo sessions for `desktop-recording serve` (`POST /api/live`).
 *
 * A live session plays a synthetic desktop (demo/samples: `synthesizeSession`, 1280×720) in real
 * time and records it through the recorder shim (sync mode, file sink) into `<dir>/<sid>.tar`
 * while it happens. Every recorder flush appends one complete protostream part to the file; the
 * session counts the bytes of complete parts (`committedBytes`) and wakes the followers.
 *
 * Followers (`followRecording`) read the file up to `committedBytes` only, so whatever they have
 * sent is always a whole number of parts, then wait for the next part; once the session ended
 * (recorder closed: session end event written) they read the rest and finish. The HTTP route
 * streams that as a chunked response; the playback websocket reads it as its source.
 *
 * Sessions end after their duration, or early on `stop()` (server close). A failure (synthesizer
 * or disk) ends the session; the file then holds what was recorded before it.
 */
import { randomUUID } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { SceneOptions, SessionStep } from '../../demo/samples/desktop-scene.js';
import { encodeTdp } from '../format/tdp.js';
import { createRecorder, fileSink, type RecorderSink, type SessionInfo } from '../recorder/index.js';

export type Synthesize = (options: SceneOptions) => AsyncIterable<SessionStep>;

export interface LiveStartOptions {
  /** Length of the session, ms. */
  durationMs: number;
  /** Seed of the synthetic user; default random. */
  seed?: number;
  width?: number;
  height?: number;
}

const READ_CHUNK_BYTES = 64 * 1024;
/** Longest time steps wait to be written (one part per batch). */
const FLUSH_MS = 200;

export class LiveSession {
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

  constructor(dir: string, synthesize: Synthesize, readonly options: LiveStartOptions) {
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
    const t0 = performance.now();
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
      lastFlush = performance.now();
      await Promise.all(records);
    };
    try {
      for await (const step of synthesize({ width, height, durationMs: this.options.durationMs, seed: this.options.seed ?? Math.floor(Math.random() * 2 ** 31) })) {
        const wait = t0 + step.atMs - performance.now();
        if (wait > 0) {
          if (performance.now() + wait - lastFlush >= FLUSH_MS) await flush();
          await sleep(t0 + step.atMs - performance.now(), signal);
        }
        if (signal.aborted) break;
        batch.push(step);
      }
      await flush();
      // The desktop stays up (idle) for the rest of the session's length.
      await sleep(t0 + this.options.durationMs - performance.now(), signal);
    } finally {
      now = this.startedAt + Math.round(performance.now() - t0);
      await recorder.end().catch((error: unknown) => {
        this.failure ??= error;
      });
    }
  }
}

/** The live sessions of one server. */
export class LiveSessions {
  private readonly sessions = new Map<string, LiveSession>();
  private synthesizer: Promise<Synthesize> | undefined;

  /**
   * @param root package root (demo/samples is loaded from there on the first start)
   * @param synthesize replaces the demo synthesizer (hosts and tests)
   */
  constructor(private readonly dir: string, private readonly root: string, private readonly synthesize?: Synthesize, readonly maxSessions = 4) {}

  /** The session writing `file` (`<sid>.tar`), while it is live. */
  get(file: string): LiveSession | undefined {
    return this.sessions.get(file);
  }

  get size(): number {
    return this.sessions.size;
  }

  async start(options: LiveStartOptions): Promise<LiveSession> {
    if (this.sessions.size >= this.maxSessions) throw new LiveLimitError(`at most ${this.maxSessions} live sessions at once`);
    const synthesize = await (this.synthesizer ??= this.synthesize ? Promise.resolve(this.synthesize) : loadDemoSynthesizer(this.root));
    const session = new LiveSession(this.dir, synthesize, options);
    this.sessions.set(session.file, session);
    void session.done.then(() => this.sessions.delete(session.file));
    return session;
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.sessions.values()].map((session) => session.stop()));
  }
}

export class LiveLimitError extends Error {}

/**
 * Loads `synthesizeSession` from `<root>/demo/samples/desktop-scene.ts` (a development checkout:
 * it needs @napi-rs/canvas). Under tsx it is imported directly; from the built CLI through tsx's
 * `tsImport`. The specifiers are not literals, so the CLI bundle leaves them to Node.
 */
async function loadDemoSynthesizer(root: string): Promise<Synthesize> {
  const url = pathToFileURL(join(root, 'demo', 'samples', 'desktop-scene.ts')).href;
  type SceneModule = { synthesizeSession: Synthesize };
  let module: SceneModule;
  try {
    module = (await import(url)) as SceneModule;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ERR_UNKNOWN_FILE_EXTENSION') throw error;
    const tsxApi = 'tsx/esm/api';
    const { tsImport } = (await import(tsxApi)) as { tsImport: (specifier: string, parent: string) => Promise<unknown> };
    module = (await tsImport(url, import.meta.url)) as SceneModule;
  }
  return module.synthesizeSession;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/**
 * The bytes of a live recording as they are committed: waits for each new part and finishes once
 * the session has ended and everything was read. Stops early when `signal` aborts.
 */
export async function* followRecording(session: LiveSession, signal: AbortSignal): AsyncGenerator<Uint8Array> {
  let handle: FileHandle | undefined;
  let offset = 0;
  try {
    for (;;) {
      if (signal.aborted) return;
      const ended = session.ended;
      const committed = session.committedBytes;
      while (offset < committed) {
        handle ??= await open(session.path, 'r');
        const buffer = Buffer.allocUnsafe(Math.min(READ_CHUNK_BYTES, committed - offset));
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, offset);
        if (bytesRead === 0) break;
        offset += bytesRead;
        yield buffer.subarray(0, bytesRead);
        if (signal.aborted) return;
      }
      if (ended && offset >= committed) return;
      await session.changed(signal);
    }
  } finally {
    await handle?.close();
  }
}
