import { ErrorReason, RecordingError } from './errors.js';

/**
 * Inflates exactly one gzip member (RFC 1952), as a recording part holds. Bytes after the end of
 * the member are ignored, never decoded as a second member: Teleport reads parts with gzip
 * multistream off and skips such dangling bytes (an old writer bug put padding there).
 */
export interface MemberInflater {
  /** Feeds compressed bytes; returns the inflated bytes that became available. */
  push(chunk: Uint8Array): Promise<Uint8Array[]>;
  /** No more input: returns the remaining output, or throws when the member is incomplete or damaged. */
  finish(): Promise<Uint8Array[]>;
  /** Stops early and releases resources; no further calls follow. */
  cancel(): void;
}

/**
 * `wasm` = our own DEFLATE decoder in WebAssembly (close to the native stream's speed, and its
 * output is plain buffers that die young: see wasm-inflater.ts); `native` = the platform's
 * DecompressionStream; `fflate` = pure JS (about 3× slower).
 */
export type InflateEngine = 'wasm' | 'native' | 'fflate';

export function nativeInflateAvailable(): boolean {
  return typeof DecompressionStream === 'function';
}

/** `wasm` wherever WebAssembly runs; `resolveInflateEngine` picks another where it cannot compile. */
export function defaultInflateEngine(): InflateEngine {
  return typeof WebAssembly === 'object' ? 'wasm' : fallbackEngine();
}

/**
 * The engine to use for `wanted`: `wasm` falls back where the decoder cannot compile (a page's
 * Content-Security-Policy without `'wasm-unsafe-eval'`): to `native` in browsers and workers,
 * `fflate` elsewhere. Node has a DecompressionStream too, but its gzip mode decodes a second gzip
 * member hidden in a part, which Teleport's reader never does.
 */
export async function resolveInflateEngine(wanted: InflateEngine): Promise<InflateEngine> {
  if (wanted !== 'wasm') return wanted;
  try {
    const { wasmInflateAvailable } = await loadWasmInflater();
    if (await wasmInflateAvailable()) return 'wasm';
  } catch {
    // The chunk could not be loaded: inflate another way.
  }
  return fallbackEngine();
}

/** The WebAssembly inflater is a chunk (its decoder is about 9 KB): asked for once, when a reader starts. */
let wasmInflater: Promise<typeof import('./wasm-inflater.js')> | undefined;
function loadWasmInflater(): Promise<typeof import('./wasm-inflater.js')> {
  return (wasmInflater ??= import('./wasm-inflater.js'));
}

function fallbackEngine(): InflateEngine {
  const isNode = Boolean((globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node);
  return nativeInflateAvailable() && !isNode ? 'native' : 'fflate';
}

export function createMemberInflater(engine: InflateEngine): MemberInflater {
  if (engine === 'wasm') return new LazyInflater(() => loadWasmInflater().then(({ WasmMemberInflater }) => new WasmMemberInflater()));
  if (engine === 'native') return new NativeMemberInflater();
  return new LazyInflater(() => import('./fflate-inflater.js').then(({ FflateMemberInflater }) => new FflateMemberInflater()));
}

/**
 * An inflater in a chunk, loaded on first use: the WebAssembly one (resolved once per reader, so
 * at hand for every part), and fflate, which most readers never need (only where WebAssembly
 * cannot compile, for a part the native engine failed on, or one too large to keep for that replay).
 */
class LazyInflater implements MemberInflater {
  private inflater: Promise<MemberInflater> | undefined;

  constructor(private readonly create: () => Promise<MemberInflater>) {}

  async push(chunk: Uint8Array): Promise<Uint8Array[]> {
    return (await this.load()).push(chunk);
  }

  async finish(): Promise<Uint8Array[]> {
    return (await this.load()).finish();
  }

  cancel(): void {
    this.inflater?.then((inflater) => inflater.cancel(), () => {});
  }

  private load(): Promise<MemberInflater> {
    return (this.inflater ??= this.create());
  }
}

class NativeMemberInflater implements MemberInflater {
  private readonly writer: WritableStreamDefaultWriter<BufferSource>;
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  private readonly output: Uint8Array[] = [];
  private failure: unknown;
  private readonly drained: Promise<void>;

  constructor() {
    const stream = new DecompressionStream('gzip');
    const reader = stream.readable.getReader() as ReadableStreamDefaultReader<Uint8Array>;
    this.writer = stream.writable.getWriter();
    this.reader = reader;
    // A read is always pending, so each output chunk is taken as soon as it is produced; chunks
    // still queued when the stream errors would otherwise be dropped.
    this.drained = (async () => {
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) return;
          this.output.push(value);
        }
      } catch (error) {
        this.failure ??= error;
      }
    })();
    this.writer.closed.catch((error: unknown) => (this.failure ??= error));
  }

  /** One write per push: the reader hands over at most 64 KiB at a time (each write has a fixed cost). */
  async push(chunk: Uint8Array): Promise<Uint8Array[]> {
    if (this.failure === undefined) {
      try {
        await this.writer.write(chunk as Uint8Array<ArrayBuffer>);
      } catch (error) {
        this.failure ??= error;
      }
    }
    return this.take();
  }

  async finish(): Promise<Uint8Array[]> {
    if (this.failure === undefined) {
      try {
        await this.writer.close();
      } catch (error) {
        this.failure ??= error;
      }
    }
    await this.drained;
    return this.take();
  }

  cancel(): void {
    this.writer.abort().catch(() => {});
    this.reader.cancel().catch(() => {});
  }

  private take(): Uint8Array[] {
    if (this.failure !== undefined) {
      throw new RecordingError(ErrorReason.Corrupt, `gzip data is damaged (${describeError(this.failure)})`);
    }
    return this.output.splice(0);
  }
}

export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
