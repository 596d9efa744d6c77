// The gzip member inflater on our own WebAssembly DEFLATE decoder (wasm/member-inflate.c).
//
// Why: DecompressionStream hands out a new browser-made buffer for every chunk, and those are
// freed only by a full collection, so loading a long recording piled up garbage with its length.
// This decoder writes into a fixed window in its own memory; each step's output is copied into
// one plain ArrayBuffer that dies young. It inflates within about 15 % of zlib's speed.
import { base64Bytes } from './bytes.js';
import { ErrorReason, RecordingError } from './errors.js';
import { GzipHeaderSkipper } from './gzip-header.js';
import type { MemberInflater } from './inflate.js';
import { MEMBER_INFLATE_WASM_BASE64 } from './wasm/member-inflate-binary.js';

interface DecoderExports {
  readonly memory: WebAssembly.Memory;
  input_address(): number;
  input_capacity(): number;
  output_address(): number;
  reset(): void;
  input_compact(): number;
  input_written(count: number): void;
  inflate_run(): number;
  output_taken_from(): number;
  output_end(): number;
  output_take(): void;
  output_crc(): number;
  output_total(): number;
  input_rest_start(): number;
  input_end(): number;
}

/** `inflate_run` results (member-inflate.c). */
const enum Status {
  NeedInput = 0,
  OutputFull = 1,
  Done = 2,
}

const ERRORS: Readonly<Record<number, string>> = {
  [-1]: 'invalid block type',
  [-2]: 'stored block length does not match its complement',
  [-3]: 'invalid code lengths',
  [-4]: 'invalid Huffman code',
  [-5]: 'invalid literal/length code',
  [-6]: 'invalid distance',
};

/** Decoders kept for the next part (each is 512 KiB of memory): a reader opens parts one after another. */
const SPARE_DECODERS = 4;
const spare: DecoderExports[] = [];
let compiled: Promise<WebAssembly.Module | undefined> | undefined;

/**
 * Whether the decoder compiles here: a page whose Content-Security-Policy lacks
 * `'wasm-unsafe-eval'` forbids it (the reader then inflates with the platform's stream or fflate).
 */
export async function wasmInflateAvailable(): Promise<boolean> {
  return (await compileDecoder()) !== undefined;
}

function compileDecoder(): Promise<WebAssembly.Module | undefined> {
  return (compiled ??= (async () => {
    try {
      return await WebAssembly.compile(base64Bytes(MEMBER_INFLATE_WASM_BASE64) as Uint8Array<ArrayBuffer>);
    } catch {
      return undefined;
    }
  })());
}

async function takeDecoder(): Promise<DecoderExports> {
  const decoder = spare.pop() ?? (await instantiate());
  decoder.reset();
  return decoder;
}

async function instantiate(): Promise<DecoderExports> {
  const module = await compileDecoder();
  if (!module) throw new RecordingError(ErrorReason.Corrupt, 'the WebAssembly inflater cannot be compiled here');
  const instance = await WebAssembly.instantiate(module);
  return instance.exports as unknown as DecoderExports;
}

function giveBack(decoder: DecoderExports): void {
  if (spare.length < SPARE_DECODERS && !spare.includes(decoder)) spare.push(decoder);
}

/**
 * One gzip member: the header is skipped here, the DEFLATE stream decoded in WebAssembly, and the
 * trailer right after its end checked (CRC-32 and size). Bytes after the trailer are ignored, as
 * Teleport's reader does. A part cut inside its trailer keeps what it inflated, as the fflate engine.
 */
export class WasmMemberInflater implements MemberInflater {
  private decoder: DecoderExports | undefined;
  private released = false;
  private readonly header = new GzipHeaderSkipper();
  private done = false;
  private readonly trailer = new Uint8Array(8);
  private trailerLength = 0;

  async push(chunk: Uint8Array): Promise<Uint8Array[]> {
    const decoder = (this.decoder ??= await takeDecoder());
    if (this.released) return [];
    chunk = this.header.skip(chunk);
    const output: Uint8Array[] = [];
    let at = 0;
    while (at < chunk.length && !this.done) {
      const end = decoder.input_compact();
      const count = Math.min(chunk.length - at, decoder.input_capacity() - end);
      // Never the case: what the decoder leaves unread is at most a block header (about 300 bytes).
      if (count === 0) throw this.damaged('gzip data is damaged (a block header larger than the decoder input buffer)');
      new Uint8Array(decoder.memory.buffer, decoder.input_address() + end, count).set(chunk.subarray(at, at + count));
      decoder.input_written(count);
      at += count;
      this.run(decoder, output);
    }
    if (this.done) this.keepTrailer(chunk.subarray(at));
    return output;
  }

  async finish(): Promise<Uint8Array[]> {
    if (this.header.inHeader) throw this.damaged('gzip data ends inside its header');
    const decoder = (this.decoder ??= await takeDecoder());
    try {
      if (!this.done) throw this.damaged('gzip data is damaged (unexpected end of data)');
      if (this.trailerLength === 8) {
        const view = new DataView(this.trailer.buffer);
        if (view.getUint32(0, true) !== decoder.output_crc() >>> 0) throw this.damaged('gzip data is damaged (CRC-32 mismatch)');
        if (view.getUint32(4, true) !== decoder.output_total() >>> 0) throw this.damaged('gzip data is damaged (size in the trailer does not match)');
      }
      return [];
    } finally {
      this.release();
    }
  }

  cancel(): void {
    this.release();
  }

  private release(): void {
    if (this.released) return;
    this.released = true;
    if (this.decoder) giveBack(this.decoder);
  }

  /** Decodes what the input holds; each window's worth of output is copied out once. */
  private run(decoder: DecoderExports, output: Uint8Array[]): void {
    for (;;) {
      const status = decoder.inflate_run();
      if (status < 0) {
        this.release();
        throw this.damaged(`gzip data is damaged (${ERRORS[status] ?? `error ${status}`})`);
      }
      const from = decoder.output_taken_from();
      const end = decoder.output_end();
      if (end > from) {
        const address = decoder.output_address();
        output.push(new Uint8Array(decoder.memory.buffer.slice(address + from, address + end)));
      }
      decoder.output_take();
      if (status === Status.OutputFull) continue;
      if (status === Status.Done) {
        this.done = true;
        const rest = decoder.input_rest_start();
        this.keepTrailer(new Uint8Array(decoder.memory.buffer, decoder.input_address() + rest, decoder.input_end() - rest));
      }
      return;
    }
  }

  private keepTrailer(bytes: Uint8Array): void {
    const count = Math.min(8 - this.trailerLength, bytes.length);
    this.trailer.set(bytes.subarray(0, count), this.trailerLength);
    this.trailerLength += count;
  }

  private damaged(message: string): RecordingError {
    return new RecordingError(ErrorReason.Corrupt, message);
  }
}
