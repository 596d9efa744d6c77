import { ErrorReason, RecordingError } from '../../format/errors.js';
import { createMemberInflater, describeError, type MemberInflater } from '../../format/inflate.js';
import { INFLATE_WORKER_NAME } from './helper-workers.js';

/**
 * Gzip parts inflated in a short-lived helper worker (a chunk of the player worker, loaded once a
 * download is under way).
 *
 * The platform's `DecompressionStream` hands out each 64 KiB of output in a new buffer, which only
 * a full garbage collection frees; the player worker allocates little else, so it collected rarely
 * and a 3-hour load held about 1.3 times the file in dead output buffers at its peak. Here the
 * stream runs in a helper started from the player worker's own script under INFLATE_WORKER_NAME
 * (`helper-workers.ts` then serves `serveInflating`). It copies the output into buffers the
 * player worker lends it and gets back, so the player worker allocates no buffer per part, and it
 * is replaced by a fresh one after `replaceAfterBytes` of output: its dead buffers go with it at
 * once, with no collection to wait for.
 *
 * Parts are inflated on the reading thread until a helper is ready, where none can start (a policy
 * whose `worker-src` forbids it, no nested workers), and after a helper failed; a part whose helper
 * fails mid-way is inflated again by the reader, as when the native inflater fails there.
 */

/** A helper with no part open for this long is stopped (the load ended, or a live one waits for data). */
const IDLE_MS = 2000;
/**
 * Output one helper gives before a fresh one takes the next part: its dead buffers, about this
 * much, are what it holds at most (with 64 MiB the 3-hour load's renderer peaked about 40 MB higher).
 */
const REPLACE_AFTER_BYTES = 16 * 1024 * 1024;
/** The buffers compressed bytes are copied into for the helper (the reader's inflate step). */
const INPUT_BUFFER_BYTES = 64 * 1024;
/** The buffers the helper copies output into: a part's records mostly lie whole in one. */
const OUTPUT_BUFFER_BYTES = 256 * 1024;
/** Buffers kept for the next requests. */
const SPARE_INPUT_BUFFERS = 12;
const SPARE_OUTPUT_BUFFERS = 24;
/** Requests of a member sent and not answered yet, at most (compressed bytes in flight: 512 KiB). */
const MAX_IN_FLIGHT = 8;

/** To a helper: a member's next compressed bytes, its end, or its cancellation; `into`: buffers to copy output into. */
type InflateRequest =
  | { member: number; bytes: Uint8Array; into: ArrayBuffer[] }
  | { member: number; finish: true; into: ArrayBuffer[] }
  | { member: number; cancel: true };
/** From a helper: it is ready, or the answer to a request (output views, the buffers lent back). */
interface MemberReply {
  member: number;
  output: Uint8Array[];
  input: ArrayBuffer | undefined;
  unused: ArrayBuffer[];
  failed?: string;
}
type InflateReply = { ready: true } | MemberReply;

/** What `serveInflating` needs of the helper's scope. */
export interface InflateWorkerScope {
  onmessage: ((event: MessageEvent<InflateRequest>) => void) | null;
  postMessage(message: InflateReply, transfer?: Transferable[]): void;
}

/** The helper's side: one native inflater per member, its output copied into the buffers lent with each request. */
export function serveInflating(scope: InflateWorkerScope): void {
  const members = new Map<number, MemberInflater>();
  // Requests come several at a time (the player worker does not wait for each answer): one after another.
  let queue = Promise.resolve();
  scope.onmessage = ({ data }) => void (queue = queue.then(() => serve(data)));
  const serve = async (data: InflateRequest): Promise<void> => {
    const { member } = data;
    if ('cancel' in data) {
      members.get(member)?.cancel();
      members.delete(member);
      return;
    }
    let inflater = members.get(member);
    if (!inflater) members.set(member, (inflater = createMemberInflater('native')));
    const input = 'bytes' in data ? data.bytes : undefined;
    let pieces: Uint8Array[] = [];
    let failed: string | undefined;
    try {
      // The stream has consumed the input once the write resolves: it can go back.
      pieces = input ? await inflater.push(input) : await inflater.finish();
    } catch (error) {
      failed = error instanceof RecordingError ? error.message : describeError(error);
    }
    if (!input || failed !== undefined) members.delete(member);
    const { output, unused } = copyInto(pieces, data.into);
    const reply: MemberReply = { member, output, input: input?.buffer as ArrayBuffer | undefined, unused, ...(failed === undefined ? {} : { failed }) };
    scope.postMessage(reply, [...output.map((view) => view.buffer as ArrayBuffer), ...unused, ...(input ? [input.buffer as ArrayBuffer] : [])]);
  };
  scope.postMessage({ ready: true });
}

/** The pieces copied one after another into the buffers given (more made when they are full). */
function copyInto(pieces: readonly Uint8Array[], given: ArrayBuffer[]): { output: Uint8Array[]; unused: ArrayBuffer[] } {
  const output: Uint8Array[] = [];
  let target: Uint8Array | undefined;
  let fill = 0;
  for (const piece of pieces) {
    for (let at = 0; at < piece.length; ) {
      if (!target || fill === target.length) {
        if (target) output.push(target);
        target = new Uint8Array(given.shift() ?? new ArrayBuffer(OUTPUT_BUFFER_BYTES));
        fill = 0;
      }
      const count = Math.min(piece.length - at, target.length - fill);
      target.set(piece.subarray(at, at + count), fill);
      fill += count;
      at += count;
    }
  }
  if (target) output.push(target.subarray(0, fill));
  return { output, unused: given };
}

/** One helper worker: whether it is ready, the output it gave, and its members still open. */
class Helper {
  ready = false;
  failed = false;
  retired = false;
  outputBytes = 0;
  open = 0;
  /** Who hears the answers for each open member (an Error: the helper stopped). */
  private readonly listeners = new Map<number, (reply: MemberReply | Error) => void>();

  constructor(
    private readonly worker: Worker,
    onReady: () => void,
    onReply: (reply: MemberReply, heard: boolean) => void,
    onFailure: () => void,
  ) {
    worker.onmessage = ({ data }: MessageEvent<InflateReply>) => {
      if ('ready' in data) {
        this.ready = true;
        onReady();
        return;
      }
      const listener = this.listeners.get(data.member);
      onReply(data, !!listener);
      listener?.(data);
    };
    // The script did not start (a policy forbids the worker, a failed load) or the worker failed.
    worker.onerror = (event) => {
      event.preventDefault();
      this.fail();
      onFailure();
    };
  }

  listen(member: number, listener: (reply: MemberReply | Error) => void): void {
    this.listeners.set(member, listener);
  }

  send(request: InflateRequest, transfer: Transferable[] = []): void {
    if (!this.failed) this.worker.postMessage(request, transfer);
  }

  /** A member is done with it: a retired helper goes once none is open. */
  closed(member: number): void {
    this.listeners.delete(member);
    this.open -= 1;
    if (this.retired && this.open === 0) this.terminate();
  }

  retire(): void {
    this.retired = true;
    if (this.open === 0) this.terminate();
  }

  terminate(): void {
    this.worker.terminate();
    this.fail();
  }

  private fail(): void {
    this.failed = true;
    for (const listener of this.listeners.values()) listener(new Error('the inflating worker stopped'));
  }
}

/**
 * The helpers of one load: `inflater()` for each part, and the buffers its output was copied into,
 * which the caller hands back (`recycle`) once nothing views them any more.
 */
export class InflateHelpers {
  private current: Helper | undefined;
  private next: Helper | undefined;
  private stopped = false;
  private members = 0;
  private readonly spareInput: ArrayBuffer[] = [];
  private readonly spareOutput: ArrayBuffer[] = [];
  /** Buffers of output handed out since `taken()`, and those handed out before it that events may still view. */
  private handedOut: ArrayBuffer[] = [];
  private viewed: ArrayBuffer[] = [];
  /** Helpers started so far (a new one replaces the last after `replaceAfterBytes` of output). */
  started = 0;
  /** Parts given to helpers so far. */
  parts = 0;
  private settle: ((ready: boolean) => void) | undefined;
  /** Whether the first helper became ready (false: it failed, or the helpers were closed first). */
  readonly ready = new Promise<boolean>((resolve) => (this.settle = resolve));
  /** Settles once the successor started ahead of time (if any) is ready or failed. */
  private successorStarted: Promise<void> = Promise.resolve();

  constructor(
    private readonly scriptUrl: string,
    private readonly replaceAfterBytes = REPLACE_AFTER_BYTES,
  ) {
    this.current = this.start();
  }

  /**
   * An inflater for the next part, in a helper; undefined while none is ready, or after one failed
   * (the part is then inflated on the calling thread).
   */
  inflater(): MemberInflater | undefined {
    if (this.stopped) return undefined;
    this.restAfterIdle();
    // Stopped while idle: a fresh one is started for the parts after this one.
    if (!this.current) return void (this.current = this.start());
    const spent = this.current.outputBytes;
    // The successor starts ahead of time, so the switch never waits for a worker to start.
    if (spent >= this.replaceAfterBytes * 0.75 && !this.next) {
      let started!: () => void;
      this.successorStarted = new Promise((resolve) => (started = resolve));
      this.next = this.start(started);
    }
    if (spent >= this.replaceAfterBytes && this.next?.ready) {
      this.current.retire();
      this.current = this.next;
      this.next = undefined;
    }
    const helper = this.current;
    if (!helper?.ready || helper.failed) return undefined;
    helper.open += 1;
    this.parts += 1;
    return new HelperMemberInflater(this, helper, ++this.members);
  }

  /** Settles once the helper that will take over (if one is starting) is ready, or failed. */
  successor(): Promise<void> {
    return this.successorStarted;
  }

  /**
   * The consumer has taken the events of every batch before the last one read: the buffers those
   * view are lent again; the last batch's (handed out since the previous call) wait for the next.
   */
  taken(): void {
    for (const buffer of this.viewed) this.keep(this.spareOutput, buffer, OUTPUT_BUFFER_BYTES, SPARE_OUTPUT_BUFFERS);
    this.viewed = this.handedOut;
    this.handedOut = [];
  }

  /** Stops the helpers for good (a new load, or one of them failed). */
  close(): void {
    this.stopped = true;
    this.settle?.(false);
    this.rest();
  }

  private idle: ReturnType<typeof setTimeout> | undefined;

  private restAfterIdle(): void {
    clearTimeout(this.idle);
    this.idle = setTimeout(() => (this.current?.open || this.next?.open ? this.restAfterIdle() : this.rest()), IDLE_MS);
  }

  private rest(): void {
    clearTimeout(this.idle);
    this.current?.terminate();
    this.next?.terminate();
    this.current = this.next = undefined;
  }

  /** @internal for HelperMemberInflater */
  inputBuffer(bytes: Uint8Array): Uint8Array {
    const buffer = bytes.length <= INPUT_BUFFER_BYTES ? (this.spareInput.pop() ?? new ArrayBuffer(INPUT_BUFFER_BYTES)) : new ArrayBuffer(bytes.length);
    const input = new Uint8Array(buffer, 0, bytes.length);
    input.set(bytes);
    return input;
  }

  /** @internal for HelperMemberInflater */
  outputBuffer(): ArrayBuffer {
    return this.spareOutput.pop() ?? new ArrayBuffer(OUTPUT_BUFFER_BYTES);
  }

  /** @internal for HelperMemberInflater: output the reader takes, which its events may view until `taken()`. */
  handOut(output: readonly Uint8Array[]): void {
    for (const view of output) this.handedOut.push(view.buffer as ArrayBuffer);
  }

  /** A reply's buffers go back to the pools (its output too when no member waits for it any more). */
  private received(helper: Helper, reply: MemberReply, heard: boolean): void {
    this.restAfterIdle();
    if (reply.input) this.keep(this.spareInput, reply.input, INPUT_BUFFER_BYTES, SPARE_INPUT_BUFFERS);
    for (const buffer of reply.unused) this.keep(this.spareOutput, buffer, OUTPUT_BUFFER_BYTES, SPARE_OUTPUT_BUFFERS);
    for (const view of reply.output) {
      helper.outputBytes += view.length;
      if (!heard) this.keep(this.spareOutput, view.buffer as ArrayBuffer, OUTPUT_BUFFER_BYTES, SPARE_OUTPUT_BUFFERS);
    }
  }

  private keep(pool: ArrayBuffer[], buffer: ArrayBuffer, size: number, limit: number): void {
    if (buffer.byteLength === size && pool.length < limit) pool.push(buffer);
  }

  private start(started = (): void => {}): Helper | undefined {
    let worker: Worker;
    try {
      worker = new Worker(this.scriptUrl, { type: 'module', name: INFLATE_WORKER_NAME });
    } catch {
      this.close();
      started();
      return undefined;
    }
    this.started += 1;
    // A helper that fails stops them all: the rest of the load inflates here.
    const helper: Helper = new Helper(
      worker,
      () => (this.settle?.(true), started()),
      (reply, heard) => this.received(helper, reply, heard),
      () => (this.close(), started()),
    );
    return helper;
  }
}

/**
 * One part's gzip member, inflated in a helper. Requests do not wait for their answers (a round
 * trip each made loading several times slower on a busy machine): a push returns the output that
 * has arrived, and waits only while MAX_IN_FLIGHT requests are unanswered; `finish` waits for all.
 */
class HelperMemberInflater implements MemberInflater {
  private done = false;
  private unanswered = 0;
  private readonly arrived: Uint8Array[] = [];
  private failure: unknown;
  private wake: (() => void) | undefined;

  constructor(
    private readonly helpers: InflateHelpers,
    private readonly helper: Helper,
    private readonly member: number,
  ) {
    helper.listen(member, (reply) => {
      if (reply instanceof Error) this.failure ??= reply;
      else {
        this.unanswered -= 1;
        if (reply.failed !== undefined) this.failure ??= new RecordingError(ErrorReason.Corrupt, reply.failed);
        else this.arrived.push(...reply.output);
      }
      this.wake?.();
    });
  }

  async push(chunk: Uint8Array): Promise<Uint8Array[]> {
    if (this.failure === undefined) {
      const bytes = this.helpers.inputBuffer(chunk);
      const into = this.helpers.outputBuffer();
      this.unanswered += 1;
      this.helper.send({ member: this.member, bytes, into: [into] }, [bytes.buffer, into]);
      await this.until(() => this.unanswered < MAX_IN_FLIGHT);
    }
    return this.take();
  }

  async finish(): Promise<Uint8Array[]> {
    if (this.failure === undefined) {
      const into = this.helpers.outputBuffer();
      this.unanswered += 1;
      this.helper.send({ member: this.member, finish: true, into: [into] }, [into]);
      await this.until(() => this.unanswered === 0);
    }
    const output = this.take();
    this.close();
    return output;
  }

  cancel(): void {
    if (this.done) return;
    this.helper.send({ member: this.member, cancel: true });
    this.close();
  }

  private async until(condition: () => boolean): Promise<void> {
    while (!condition() && this.failure === undefined) await new Promise<void>((resolve) => (this.wake = resolve));
  }

  private take(): Uint8Array[] {
    if (this.failure !== undefined) {
      this.cancel();
      throw this.failure;
    }
    const output = this.arrived.splice(0);
    this.helpers.handOut(output);
    return output;
  }

  private close(): void {
    if (this.done) return;
    this.done = true;
    this.helper.closed(this.member);
  }
}

/**
 * The helpers for a load in the player worker, started from its own script; undefined elsewhere
 * (the engine run in the page, Node), where parts are inflated on the reading thread. `signal` (the
 * load's) stops them; so does IDLE_MS without a part (the end of the load).
 */
export function startInflateHelpers(signal: AbortSignal, replaceAfterBytes?: number): InflateHelpers | undefined {
  const inWorker = typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope !== 'undefined' && typeof Worker === 'function';
  if (!inWorker || signal.aborted) return undefined;
  const helpers = new InflateHelpers(self.location.href, replaceAfterBytes);
  signal.addEventListener('abort', () => helpers.close(), { once: true });
  return helpers;
}
