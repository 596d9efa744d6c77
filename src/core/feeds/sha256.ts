import { createSHA256 } from 'hash-wasm';

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
 * hash-wasm's WebAssembly SHA-256 (several times faster than JavaScript, which lacks a 32-bit rotate:
 * @noble/hashes took as much worker time as reading the file), or @noble/hashes (loaded only then)
 * where WebAssembly cannot be compiled: a page whose CSP lacks 'wasm-unsafe-eval'.
 */
export async function createSha256(): Promise<Sha256> {
  let hash: { update(bytes: Uint8Array): unknown; digest(): Uint8Array };
  try {
    const wasm = await createSHA256();
    hash = { update: (bytes) => wasm.update(bytes), digest: () => wasm.digest('binary') };
  } catch {
    hash = (await import('@noble/hashes/sha2.js')).sha256.create();
  }
  return {
    update: (bytes) => void hash.update(bytes),
    hex: () => Array.from(hash.digest(), (byte) => byte.toString(16).padStart(2, '0')).join(''),
  };
}
