import { WasmSha256 } from './sha256-wasm.js';

/**
 * An incremental SHA-256, for the file feed to hash a recording as it reads it (WebCrypto digests
 * only a whole buffer, and a recording is streamed). A chunk of its own, loaded when a file starts
 * to be read. It needs every byte of the file from the first, in order: a feed that reads parts out
 * of order (the end first, a range for a seek) hashes only its in-order read from the front, and
 * has no hash until that read reached the end.
 */
export interface Sha256 {
  update(bytes: Uint8Array): void;
  /** Lowercase hex of the hash of every byte given. */
  hex(): string;
}

/**
 * The WebAssembly hash (sha256-wasm.ts), or @noble/hashes (loaded only then) where WebAssembly cannot
 * be compiled: a page whose CSP lacks 'wasm-unsafe-eval'.
 */
export async function createSha256(): Promise<Sha256> {
  let hash: { update(bytes: Uint8Array): unknown; digest(): Uint8Array };
  try {
    hash = new WasmSha256();
  } catch {
    hash = (await import('@noble/hashes/sha2.js')).sha256.create();
  }
  return {
    update: (bytes) => void hash.update(bytes),
    hex: () => Array.from(hash.digest(), (byte) => byte.toString(16).padStart(2, '0')).join(''),
  };
}
