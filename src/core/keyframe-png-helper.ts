import { encodeSurface } from './canvas.js';
import { KEYFRAME_PNG_WORKER_NAME } from './keyframes.js';

/**
 * Keyframes' PNG copies encoded in a short-lived helper worker, started from the player worker's
 * own script under KEYFRAME_PNG_WORKER_NAME (`recording.worker.ts` then serves `servePngEncoding`).
 *
 * Why: `convertToBlob` makes a Blob whose bytes the browser process holds until the encoding
 * worker's collector drops the Blob's handle, and a worker that allocates little collects rarely,
 * so on the player worker they piled up with the recording's length. A helper's handles all go
 * when it is terminated, so a fresh helper takes over every `replaceAfter` keyframes, and an idle
 * one is ended. Where no helper can start (or one dies), PNGs are encoded here as before.
 */
export interface PngHelperOptions {
  /** Keyframes a helper encodes before a fresh one takes over. */
  replaceAfter: number;
  /** A helper with nothing to encode is ended after this long. */
  idleMs: number;
  /** A helper that sends no answer for this long is taken for dead (a full-HD PNG takes ~20–60 ms). */
  answerMs: number;
  /** The script helpers are started from (default: this worker's own). */
  scriptUrl?: string | URL;
}

export const DEFAULT_PNG_HELPER: PngHelperOptions = { replaceAfter: 16, idleMs: 2000, answerMs: 15_000 };

export interface PngRequest {
  readonly id: number;
  readonly screen: ImageBitmap;
}

/** The encoded bytes, or why it failed; `null` when the helper's code could not be loaded. */
export type PngReply = { readonly id: number; readonly bytes: ArrayBuffer } | { readonly id: number; readonly error: string } | null;

export interface PngWorkerScope {
  onmessage: ((event: MessageEvent<PngRequest>) => void) | null;
  postMessage(message: PngReply, transfer?: Transferable[]): void;
}

/** In the helper: encodes each screen it is sent, one at a time, and sends the bytes back. */
export function servePngEncoding(scope: PngWorkerScope): void {
  const canvas = new OffscreenCanvas(1, 1);
  let queue = Promise.resolve();
  scope.onmessage = ({ data: { id, screen } }) => {
    queue = queue.then(async () => {
      try {
        const bytes = await encodeScreen(canvas, screen);
        scope.postMessage({ id, bytes }, [bytes]);
      } catch (error) {
        scope.postMessage({ id, error: String(error) });
      } finally {
        screen.close();
      }
    });
  };
}

/** The screen as PNG bytes. */
async function encodeScreen(canvas: OffscreenCanvas, screen: ImageBitmap): Promise<ArrayBuffer> {
  return (await drawScreen(canvas, screen).convertToBlob({ type: 'image/png' })).arrayBuffer();
}

/** `canvas` holding the screen as the builder's own (opaque) canvas held it: the same PNG follows. */
function drawScreen(canvas: OffscreenCanvas, screen: ImageBitmap): OffscreenCanvas {
  canvas.width = screen.width;
  canvas.height = screen.height;
  canvas.getContext('2d', { alpha: false })!.drawImage(screen, 0, 0);
  return canvas;
}

interface Helper {
  readonly worker: Worker;
  /** Screens handed to it (the last of them may still be on their way to it), and not answered yet. */
  sent: number;
  unanswered: number;
  readonly waiting: Map<number, { screen: ImageBitmap; resolve(png: Uint8Array | Blob | PromiseLike<Blob>): void }>;
  idleTimer: ReturnType<typeof setTimeout> | undefined;
  /** Runs out when the helper has kept a screen too long. */
  answerTimer: ReturnType<typeof setTimeout> | undefined;
}

/** In the player worker: hands keyframe screens to helpers, replacing them as they age. */
export class KeyframePngEncoder {
  private helper: Helper | undefined;
  /** No helper could start, or one died: every PNG is encoded on this thread from now on. */
  private local = false;
  private nextId = 0;
  private closed = false;
  /** Helpers started, and PNGs encoded in a helper or on this thread (also after a helper failed). */
  readonly stats = { helpersStarted: 0, encodedInHelper: 0, encodedHere: 0 };

  private readonly options: PngHelperOptions;

  constructor(options: Partial<PngHelperOptions> = {}) {
    this.options = { ...DEFAULT_PNG_HELPER, ...options };
  }

  /** The screen on `canvas` now, PNG-encoded (bytes from a helper, or a Blob made here). */
  encode(canvas: OffscreenCanvas): Promise<Uint8Array | Blob> {
    const helper = this.local || this.closed ? undefined : this.current();
    if (!helper) return this.encodeHere(canvas);
    // The snapshot is taken now; the canvas may change before it resolves.
    const snapshot = createImageBitmap(canvas);
    const id = (this.nextId += 1);
    return new Promise<Uint8Array | Blob>((resolve, reject) => {
      snapshot.then(
        (screen) => {
          // The helper failed meanwhile.
          if (this.local) return resolve(this.fromScreen(screen));
          helper.waiting.set(id, { screen, resolve });
          this.expectAnswer(helper);
          // Cloned, not transferred: if the helper dies, the screen is encoded here instead.
          helper.worker.postMessage({ id, screen } satisfies PngRequest);
        },
        (error: unknown) => {
          this.answered(helper);
          reject(error);
        },
      );
    });
  }

  /** Ends the helper once it has answered what it was sent. */
  close(): void {
    this.closed = true;
    if (this.helper) this.retire(this.helper);
    this.helper = undefined;
  }

  /** The helper to send the next screen to: a fresh one once the current one has had its share. */
  private current(): Helper | undefined {
    if (this.helper && this.helper.sent >= this.options.replaceAfter) {
      this.retire(this.helper);
      this.helper = undefined;
    }
    const helper = this.helper ?? this.start();
    if (!helper) return undefined;
    if (helper.idleTimer !== undefined) clearTimeout(helper.idleTimer);
    helper.idleTimer = undefined;
    helper.sent += 1;
    helper.unanswered += 1;
    return helper;
  }

  private start(): Helper | undefined {
    let worker: Worker;
    try {
      worker = new Worker(this.options.scriptUrl ?? self.location.href, { type: 'module', name: KEYFRAME_PNG_WORKER_NAME });
    } catch {
      this.local = true;
      return undefined;
    }
    const helper: Helper = { worker, sent: 0, unanswered: 0, waiting: new Map(), idleTimer: undefined, answerTimer: undefined };
    this.stats.helpersStarted += 1;
    worker.onmessage = ({ data }: MessageEvent<PngReply>) => {
      if (data === null) return this.fail(helper);
      const request = helper.waiting.get(data.id);
      if (!request) return;
      helper.waiting.delete(data.id);
      clearTimeout(helper.answerTimer);
      helper.answerTimer = undefined;
      if (helper.waiting.size > 0) this.expectAnswer(helper);
      if ('bytes' in data) {
        request.screen.close();
        this.stats.encodedInHelper += 1;
        request.resolve(new Uint8Array(data.bytes));
      } else request.resolve(this.fromScreen(request.screen));
      this.answered(helper);
    };
    // The script did not start (a policy forbids the worker, a failed load) or the helper failed.
    worker.onerror = (event) => {
      event.preventDefault();
      this.fail(helper);
    };
    worker.onmessageerror = () => this.fail(helper);
    this.helper = helper;
    return helper;
  }

  private expectAnswer(helper: Helper): void {
    helper.answerTimer ??= setTimeout(() => this.fail(helper), this.options.answerMs);
  }

  /** A retired helper ends with its last answer; the current one after `idleMs` with nothing to do. */
  private answered(helper: Helper): void {
    helper.unanswered -= 1;
    if (helper.unanswered > 0) return;
    if (helper !== this.helper) return helper.worker.terminate();
    helper.idleTimer = setTimeout(() => {
      if (helper !== this.helper || helper.unanswered > 0) return;
      this.helper = undefined;
      helper.worker.terminate();
    }, this.options.idleMs);
  }

  private retire(helper: Helper): void {
    if (helper.idleTimer !== undefined) clearTimeout(helper.idleTimer);
    helper.idleTimer = undefined;
    if (helper.unanswered === 0) helper.worker.terminate();
  }

  /** Helpers cannot be used: what this one was sent is encoded here, and so is everything after. */
  private fail(helper: Helper): void {
    this.local = true;
    if (this.helper === helper) this.helper = undefined;
    clearTimeout(helper.idleTimer);
    clearTimeout(helper.answerTimer);
    helper.worker.terminate();
    for (const request of helper.waiting.values()) request.resolve(this.fromScreen(request.screen));
    helper.waiting.clear();
  }

  private encodeHere(canvas: OffscreenCanvas): Promise<Blob> {
    this.stats.encodedHere += 1;
    return encodeSurface(canvas, 'image/png');
  }

  private async fromScreen(screen: ImageBitmap): Promise<Blob> {
    try {
      return await this.encodeHere(drawScreen(new OffscreenCanvas(1, 1), screen));
    } finally {
      screen.close();
    }
  }
}
