import type { sha256 as Sha256 } from '@noble/hashes/sha2.js';

type Hasher = ReturnType<typeof Sha256.create>;

/**
 * The SHA-256 of a file, taken from its bytes as they are read, in order (WebCrypto digests only a
 * whole buffer, and a recording is streamed). The hash code is a chunk of its own, loaded by the
 * first `update()`: chunks that come before it wait, in order, in the promise chain.
 *
 * It needs every byte of the file from the first, in order: a feed that reads parts out of order
 * (the end first, a range for a seek) hashes only its in-order read of the front, and has no hash
 * until that read reached the end.
 */
export class FileDigest {
  #hasher: Promise<Hasher> | undefined;

  update(chunk: Uint8Array): void {
    this.#hasher = this.#started().then((hasher) => hasher.update(chunk));
  }

  /** Lowercase hex of the hash of everything passed to `update()` (of no bytes, when nothing was). */
  async hex(): Promise<string> {
    const digest = (await this.#started()).digest();
    return Array.from(digest, (byte) => byte.toString(16).padStart(2, '0')).join('');
  }

  #started(): Promise<Hasher> {
    return (this.#hasher ??= import('@noble/hashes/sha2.js').then(({ sha256 }) => sha256.create()));
  }
}
