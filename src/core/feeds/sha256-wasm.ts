/**
 * SHA-256 (FIPS 180-4) compression in WebAssembly, the module assembled here at run time (about 7 KB,
 * no file to fetch). WebAssembly has a 32-bit rotate that JavaScript lacks: it hashes several times
 * faster than @noble/hashes, which the recording's hash used to take as much worker time as reading it.
 */

const K = [
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
  0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
  0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
];
const INITIAL = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];

/** Where the state words lie in the module's memory, and where the blocks to compress go. */
const STATE_AT = 0;
const DATA_AT = 64;
/** Bytes compressed per call: the data area (64 KiB), whole blocks. */
const DATA_BYTES = 64 * 1024;

// Opcodes used below.
const LOCAL_GET = 0x20, LOCAL_SET = 0x21, LOCAL_TEE = 0x22, I32_LOAD = 0x28, I32_STORE = 0x36, I32_CONST = 0x41;
const I32_LT_U = 0x49, I32_ADD = 0x6a, I32_AND = 0x71, I32_OR = 0x72, I32_XOR = 0x73, I32_SHR_U = 0x76, I32_ROTL = 0x77, I32_ROTR = 0x78;
const BLOCK = 0x02, LOOP = 0x03, BR_IF = 0x0d, BR = 0x0c, END = 0x0b, VOID = 0x40, I32 = 0x7f;

function unsignedLeb(value: number): number[] {
  const bytes: number[] = [];
  do {
    let byte = value & 0x7f;
    value >>>= 7;
    if (value) byte |= 0x80;
    bytes.push(byte);
  } while (value);
  return bytes;
}

function signedLeb(value: number): number[] {
  const bytes: number[] = [];
  value |= 0;
  for (;;) {
    const byte = value & 0x7f;
    value >>= 7;
    if ((value === 0 && !(byte & 0x40)) || (value === -1 && byte & 0x40)) {
      bytes.push(byte);
      return bytes;
    }
    bytes.push(byte | 0x80);
  }
}

const section = (id: number, content: number[]): number[] => [id, ...unsignedLeb(content.length), ...content];
const vector = (items: number[][]): number[] => [...unsignedLeb(items.length), ...items.flat()];
const name = (text: string): number[] => [...unsignedLeb(text.length), ...Array.from(text, (c) => c.charCodeAt(0))];

/**
 * `compress(at, end)`: the blocks in memory from `at` to `end` (a multiple of 64 bytes apart) update
 * the state words at STATE_AT (big-endian message words; the state kept as numbers). The 64 rounds
 * are unrolled with the working variables renamed instead of moved, and the message schedule rolls
 * through 16 locals.
 */
function compressBody(): number[] {
  // Locals: 0 at, 1 end (parameters); 2–9 the state; 10–17 the working variables; 18–33 the schedule; 34 t1.
  const state = (i: number) => 2 + i;
  const work = (i: number) => 10 + i;
  const schedule = (i: number) => 18 + (i & 15);
  const T1 = 34;
  const code: number[] = [];
  const get = (local: number) => code.push(LOCAL_GET, local);
  const set = (local: number) => code.push(LOCAL_SET, local);
  const constant = (value: number) => code.push(I32_CONST, ...signedLeb(value));
  const op = (...ops: number[]) => code.push(...ops);
  /** rotr(x, a) ^ rotr(x, b) ^ (rotr(x, c) or x >>> c) */
  const sigma = (local: number, a: number, b: number, c: number, shift: boolean) => {
    get(local), constant(a), op(I32_ROTR);
    get(local), constant(b), op(I32_ROTR), op(I32_XOR);
    get(local), constant(c), op(shift ? I32_SHR_U : I32_ROTR), op(I32_XOR);
  };
  for (let i = 0; i < 8; i++) {
    constant(0), op(I32_LOAD, 2, ...unsignedLeb(STATE_AT + 4 * i)), set(state(i));
  }
  op(BLOCK, VOID, LOOP, VOID);
  get(0), get(1), op(I32_LT_U), constant(0), op(0x46 /* i32.eq */, BR_IF, 1); // at >= end: done
  for (let i = 0; i < 8; i++) get(state(i)), set(work(i));
  // roles[0..7]: the locals holding a..h in this round.
  let roles = [0, 1, 2, 3, 4, 5, 6, 7].map(work);
  for (let t = 0; t < 64; t++) {
    const w = schedule(t);
    if (t < 16) {
      // Big-endian word: byte swap of the little-endian load.
      get(0), op(I32_LOAD, 0, ...unsignedLeb(4 * t)), set(w);
      get(w), constant(8), op(I32_ROTR), constant(0xff00ff00), op(I32_AND);
      get(w), constant(8), op(I32_ROTL), constant(0x00ff00ff), op(I32_AND), op(I32_OR), set(w);
    } else {
      get(w);
      sigma(schedule(t - 15), 7, 18, 3, true), op(I32_ADD);
      get(schedule(t - 7)), op(I32_ADD);
      sigma(schedule(t - 2), 17, 19, 10, true), op(I32_ADD);
      set(w);
    }
    const [a, b, c, d, e, f, g, h] = roles as [number, number, number, number, number, number, number, number];
    // t1 = h + Σ1(e) + Ch(e, f, g) + K[t] + W[t]
    get(h);
    sigma(e, 6, 11, 25, false), op(I32_ADD);
    get(g), get(e), get(f), get(g), op(I32_XOR), op(I32_AND), op(I32_XOR), op(I32_ADD);
    constant(K[t]!), op(I32_ADD);
    get(w), op(I32_ADD), set(T1);
    // d += t1; h = t1 + Σ0(a) + Maj(a, b, c)
    get(d), get(T1), op(I32_ADD), set(d);
    get(T1);
    sigma(a, 2, 13, 22, false), op(I32_ADD);
    get(a), get(b), op(I32_AND), get(c), get(a), get(b), op(I32_OR), op(I32_AND), op(I32_OR), op(I32_ADD);
    set(h);
    roles = [h, a, b, c, d, e, f, g];
  }
  for (let i = 0; i < 8; i++) get(state(i)), get(roles[i]!), op(I32_ADD), set(state(i));
  get(0), constant(64), op(I32_ADD), set(0);
  op(BR, 0, END, END);
  for (let i = 0; i < 8; i++) constant(0), get(state(i)), op(I32_STORE, 2, ...unsignedLeb(STATE_AT + 4 * i));
  op(END);
  const locals = [1, 33, I32];
  return [...unsignedLeb(locals.length + code.length), ...locals, ...code];
}

function moduleBytes(): Uint8Array {
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vector([[0x60, 2, I32, I32, 0]])), // type 0: (i32, i32) → ()
    ...section(3, vector([[0]])), // one function of type 0
    ...section(5, vector([[0x00, 2]])), // memory: 2 pages (128 KiB)
    ...section(7, vector([[...name('memory'), 0x02, 0], [...name('compress'), 0x00, 0]])),
    ...section(10, vector([compressBody()])),
  ]);
}

let compiled: WebAssembly.Module | undefined;

/** An incremental SHA-256 over the WebAssembly compression; throws where WebAssembly cannot be compiled (a CSP without 'wasm-unsafe-eval'). */
export class WasmSha256 {
  private readonly memory: Uint8Array;
  private readonly words: DataView;
  private readonly compress: (at: number, end: number) => void;
  /** Bytes waiting at DATA_AT for a whole block. */
  private pending = 0;
  private length = 0;

  constructor() {
    compiled ??= new WebAssembly.Module(moduleBytes() as Uint8Array<ArrayBuffer>);
    const exports = new WebAssembly.Instance(compiled).exports as { memory: WebAssembly.Memory; compress: (at: number, end: number) => void };
    this.memory = new Uint8Array(exports.memory.buffer);
    this.words = new DataView(exports.memory.buffer);
    this.compress = exports.compress;
    INITIAL.forEach((word, i) => this.words.setUint32(STATE_AT + 4 * i, word, true));
  }

  update(bytes: Uint8Array): void {
    this.length += bytes.length;
    for (let at = 0; at < bytes.length; ) {
      const taken = Math.min(DATA_BYTES - this.pending, bytes.length - at);
      this.memory.set(bytes.subarray(at, at + taken), DATA_AT + this.pending);
      at += taken;
      this.pending += taken;
      const whole = this.pending & ~63;
      if (whole === 0) continue;
      this.compress(DATA_AT, DATA_AT + whole);
      // The rest of a block moves to the front of the data area.
      this.memory.copyWithin(DATA_AT, DATA_AT + whole, DATA_AT + this.pending);
      this.pending -= whole;
    }
  }

  /** The hash of every byte given, as 32 bytes; the hash cannot take more after it. */
  digest(): Uint8Array {
    const bits = this.length * 8;
    const padded = (this.pending + 9 + 63) & ~63;
    this.memory.fill(0, DATA_AT + this.pending, DATA_AT + padded);
    this.memory[DATA_AT + this.pending] = 0x80;
    this.words.setUint32(DATA_AT + padded - 8, Math.floor(bits / 2 ** 32));
    this.words.setUint32(DATA_AT + padded - 4, bits >>> 0);
    this.compress(DATA_AT, DATA_AT + padded);
    const digest = new Uint8Array(32);
    const out = new DataView(digest.buffer);
    for (let i = 0; i < 8; i++) out.setUint32(4 * i, this.words.getUint32(STATE_AT + 4 * i, true));
    return digest;
  }
}
