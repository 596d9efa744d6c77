import { HASH_WORKER_NAME } from './file-feed.js';
import type { Sha256 } from './sha256.js';

/**
 * The recording file's SHA-256, taken as its bytes are read front to back. A chunk of the worker,
 * loaded when a file starts to be read.
 *
 * In the player's worker, the hashing runs in a worker of its own, started from the same script
 * under HASH_WORKER_NAME (`recording.worker.ts` then serves `serveFileHashing`): hashing a 1-hour
 * file takes about as long as reading it, and on the reading thread it delayed the end of the load
 * by that much. The reading thread only copies the bytes into batches and hands them over. This is
 * the same for the module build, a `worker-src` URL and the one-file script's `blob:` worker: each
 * starts its own script again, so there is no second file to deploy or allow.
 *
 * Bytes wait here until that worker says it is ready (at most PENDING_LIMIT_BYTES), and are hashed
 * here instead if it cannot start (a policy whose `worker-src` forbids it, a platform without nested
 * workers, a hash chunk that does not load) or is not ready when the file ends (a small file: the
 * worker's start would cost more than hashing it here). Outside a worker (the engine run in the
 * page, Node) the hash is taken here too.
 */
export interface FileHasher {
  /** The next bytes of the file. They are not held past the call (what waits is a copy): the caller may free them. */
  update(bytes: Uint8Array): void;
  /** The lowercase hex hash of every byte given; undefined when it could not be taken. Called once, at the end. */
  digest(): Promise<string | undefined>;
  /** Stops hashing (a new load, or a failed one). */
  close(): void;
  /** True once the bytes go to the hashing worker; false when the hash is taken on this thread. */
  readonly offThread: Promise<boolean>;
  /**
   * Resolves once the bytes given are hashed but for a few batches: a reader faster than the hash
   * (a file read again from the browser's cache) waits here instead of queueing the file in memory.
   */
  room(): Promise<void>;
}

/** Bytes handed to the hashing worker in one message (fewer, larger messages; one copy either way). */
const BATCH_BYTES = 512 * 1024;
/** Bytes read before the hashing worker starts (the 1-hour 1080p sample's first frame needs 0.26 MB). */
const WORKER_AFTER_BYTES = 2 * 1024 * 1024;
/** Bytes kept until the hashing worker is ready; past this it is given up and the hash is taken here. */
const PENDING_LIMIT_BYTES = 16 * 1024 * 1024;

/**
 * Batches the hashing worker sent back kept for the next ones: without them each 512 KiB would be a
 * new buffer, garbage in a thread that hardly ever collects (a 1-hour file's whole size in dead buffers).
 */
const SPARE_BATCHES = 8;

/**
 * From the hashing worker: it has its hash (`ready`), a batch it hashed, sent back for reuse
 * (`spent`), the hash of everything sent (`hex`), or it cannot hash (`failed`).
 */
type HashReply = { ready: true } | { spent: ArrayBuffer } | { hex: string } | { failed: string };
/** To the hashing worker: the next bytes, or null for the hash of all of them. */
type HashRequest = Uint8Array | null;

const loadSha256 = (): Promise<Sha256> => import('./sha256.js').then(({ createSha256 }) => createSha256());

/**
 * A hasher for one read of a file; `signal` (the read's) closes it. The hashing worker starts once
 * `workerAfterBytes` were given: a small file is hashed here sooner than a worker starts, and the
 * start of a long one (its first frame) does not share the machine with that worker's start.
 */
export function startFileHasher(signal?: AbortSignal, workerAfterBytes = WORKER_AFTER_BYTES): FileHasher {
  const inWorker = typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope !== 'undefined' && typeof Worker === 'function';
  const hasher = inWorker ? new WorkerHasher(workerAfterBytes) : new LocalHasher();
  if (signal?.aborted) hasher.close();
  else signal?.addEventListener('abort', () => hasher.close(), { once: true });
  return hasher;
}

/** Hashing on this thread: each piece as it comes, after the hash code has loaded. */
class LocalHasher implements FileHasher {
  readonly offThread = Promise.resolve(false);
  private hash: Promise<Sha256 | undefined>;
  /** The hash, once every byte given before it loaded went in: later bytes go in at once. */
  private loaded: Sha256 | undefined;

  constructor(given: readonly Uint8Array[] = []) {
    this.hash = loadSha256().then(
      (hash) => (given.forEach((bytes) => hash.update(bytes)), hash),
      () => undefined,
    );
    this.takeOverWhenDone(this.hash);
  }

  update(bytes: Uint8Array): void {
    if (this.loaded) return this.loaded.update(bytes);
    const copy = bytes.slice();
    this.hash = this.hash.then((hash) => (hash?.update(copy), hash));
    this.takeOverWhenDone(this.hash);
  }

  /** Bytes are hashed as they come once `queue`, the last update waiting, is done. */
  private takeOverWhenDone(queue: Promise<Sha256 | undefined>): void {
    void queue.then((hash) => {
      if (this.hash === queue) this.loaded = hash;
    });
  }

  room(): Promise<void> {
    return this.hash.then(() => undefined);
  }

  private hex: Promise<string | undefined> | undefined;

  /** The same answer however often it is asked (a hash's digest can be taken once). */
  digest(): Promise<string | undefined> {
    return (this.hex ??= this.hash.then((hash) => hash?.hex()));
  }

  close(): void {}
}

/** Hashing in the hashing worker, with this thread's hash to fall back on until that worker is ready. */
class WorkerHasher implements FileHasher {
  /** Bytes given before the worker was ready (copies); undefined once they went to it. */
  private pending: Uint8Array[] | undefined = [];
  private pendingBytes = 0;
  /** Where the hash is taken instead, once the worker could not be used. */
  private local: LocalHasher | undefined;
  private batch: Uint8Array | undefined;
  private batchBytes = 0;
  private readonly spare: Uint8Array[] = [];
  /** Batches sent and not sent back yet, and who waits for fewer (`room`). */
  private unhashed = 0;
  private roomWaiters: Array<() => void> = [];
  private answer: ((hex: string | undefined) => void) | undefined;
  private readonly answered = new Promise<string | undefined>((resolve) => (this.answer = resolve));
  private ending = false;
  private decided: ((offThread: boolean) => void) | undefined;
  readonly offThread = new Promise<boolean>((resolve) => (this.decided = resolve));

  private worker: Worker | undefined;

  constructor(private readonly workerAfterBytes: number) {
    this.startWorker();
  }

  /** A worker running this very script, named to hash, once enough was read. */
  private startWorker(): void {
    if (this.worker || this.pendingBytes < this.workerAfterBytes) return;
    let worker: Worker;
    try {
      worker = this.worker = new Worker(self.location.href, { type: 'module', name: HASH_WORKER_NAME });
    } catch {
      return this.giveUp();
    }
    worker.onmessage = ({ data }: MessageEvent<HashReply>) => {
      if ('ready' in data) this.ready();
      else if ('spent' in data) {
        this.unhashed -= 1;
        if (this.unhashed <= SPARE_BATCHES) this.makeRoom();
        if (this.spare.length < SPARE_BATCHES && data.spent.byteLength === BATCH_BYTES) this.spare.push(new Uint8Array(data.spent));
      } else if ('hex' in data) this.finish(data.hex);
      else this.giveUp();
    };
    // The script did not start (a policy forbids the worker, a failed load) or the worker failed.
    worker.onerror = (event) => {
      event.preventDefault();
      this.giveUp();
    };
  }

  update(bytes: Uint8Array): void {
    if (this.local) return this.local.update(bytes);
    if (this.pending) {
      this.pending.push(bytes.slice());
      this.pendingBytes += bytes.length;
      if (this.pendingBytes > PENDING_LIMIT_BYTES) this.giveUp();
      else this.startWorker();
      return;
    }
    for (let at = 0; at < bytes.length; ) {
      this.batch ??= this.spare.pop() ?? new Uint8Array(BATCH_BYTES);
      const taken = Math.min(bytes.length - at, BATCH_BYTES - this.batchBytes);
      this.batch.set(bytes.subarray(at, at + taken), this.batchBytes);
      this.batchBytes += taken;
      at += taken;
      if (this.batchBytes === BATCH_BYTES) this.send();
    }
  }

  room(): Promise<void> {
    if (this.local) return this.local.room();
    // Until the worker is ready (or given up), bytes wait here as copies. Once half the limit waits,
    // a reader waits for the worker's answer (ready, or given up: it comes); before that it goes on,
    // so the worker's start does not pause the read (and a worker not started yet needs more bytes).
    if (this.pending) return this.worker && this.pendingBytes >= PENDING_LIMIT_BYTES / 2 ? this.offThread.then(() => this.room()) : Promise.resolve();
    if (this.unhashed <= SPARE_BATCHES || !this.answer) return Promise.resolve();
    return new Promise((resolve) => this.roomWaiters.push(resolve));
  }

  private makeRoom(): void {
    for (const resolve of this.roomWaiters.splice(0)) resolve();
  }

  digest(): Promise<string | undefined> {
    this.ending = true;
    // Not ready yet: the whole file is still here, and hashing it here is sooner than waiting.
    if (this.pending) this.giveUp();
    if (this.local) return this.local.digest();
    this.send();
    this.post(null);
    return this.answered;
  }

  close(): void {
    this.worker?.terminate();
    // A reader waiting for the worker's answer (`room`) goes on: there will be none.
    this.decided?.(false);
    this.answer?.(undefined);
    this.answer = undefined;
    this.makeRoom();
  }

  private ready(): void {
    const pending = this.pending;
    if (!pending || this.local) return;
    this.pending = undefined;
    this.decided?.(true);
    for (const bytes of pending) this.update(bytes);
  }

  /** The hashing worker cannot be used: the hash is taken here, from the bytes kept (if they still are). */
  private giveUp(): void {
    if (this.local) return;
    this.worker?.terminate();
    this.decided?.(false);
    this.makeRoom();
    if (!this.pending) return this.finish(undefined);
    this.local = new LocalHasher(this.pending);
    this.pending = undefined;
    if (this.ending) void this.local.digest().then((hex) => this.finish(hex));
  }

  private finish(hex: string | undefined): void {
    this.worker?.terminate();
    this.answer?.(hex);
    this.answer = undefined;
    this.makeRoom();
  }

  private send(): void {
    const batch = this.batch?.subarray(0, this.batchBytes);
    this.batch = undefined;
    this.batchBytes = 0;
    if (batch?.length) this.post(batch);
  }

  private post(request: HashRequest): void {
    if (request) this.unhashed += 1;
    this.worker!.postMessage(request, request ? [request.buffer] : []);
  }
}

/** What `serveFileHashing` needs of the hashing worker's scope. */
export interface HashWorkerScope {
  onmessage: ((event: MessageEvent<HashRequest>) => void) | null;
  postMessage(message: HashReply, transfer?: Transferable[]): void;
}

/** The hashing worker's side: hashes the bytes it is sent, and answers the hash when asked. */
export async function serveFileHashing(scope: HashWorkerScope): Promise<void> {
  let hash: Sha256;
  try {
    hash = await loadSha256();
  } catch (error) {
    scope.postMessage({ failed: error instanceof Error ? error.message : String(error) });
    return;
  }
  scope.onmessage = ({ data }) => {
    if (!data) return scope.postMessage({ hex: hash.hex() });
    hash.update(data);
    scope.postMessage({ spent: data.buffer as ArrayBuffer }, [data.buffer]);
  };
  scope.postMessage({ ready: true });
}
