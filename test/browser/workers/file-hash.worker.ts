/// <reference lib="webworker" />
// Runs the file hasher where the player does, in a dedicated worker that starts its hashing worker
// from its own script (this one): under HASH_WORKER_NAME it serves hashing, as recording.worker.ts
// does; with `?hashing=broken` in its URL that copy fails to start instead. Otherwise it hashes
// what the test sends it and posts what it saw.
import { HASH_WORKER_NAME } from '../../../src/core/feeds/file-feed.js';
import { serveFileHashing, startFileHasher, type HashWorkerScope } from '../../../src/core/feeds/file-hash.js';

export interface HashRequest {
  /** The bytes, given to the hasher in these pieces (views into one buffer). */
  bytes: Uint8Array;
  cuts: number[];
  /** Wait until the hasher says where it hashes before giving it bytes. */
  waitForWorker: boolean;
  /** After each piece, wait until the hasher has room (as a reader faster than the hash does). */
  waitForRoom?: boolean;
  /** Bytes given before the hashing worker starts (0: with the first; the player's wait for 2 MiB). */
  workerAfterBytes?: number;
}

export interface HashRun {
  offThread: boolean;
  hex: string | undefined;
  /** Every piece given still had its bytes after the hasher took it (nothing was transferred away). */
  piecesIntact: boolean;
}

if (self.name === HASH_WORKER_NAME) {
  if (new URL(self.location.href).searchParams.get('hashing') === 'broken') throw new Error('this hashing worker does not start');
  void serveFileHashing(self as unknown as HashWorkerScope);
} else {
  self.onmessage = async ({ data }: MessageEvent<HashRequest>) => {
    // The hashing worker starts with the first byte unless told otherwise (the player's waits for the first 2 MiB).
    const hasher = startFileHasher(undefined, data.workerAfterBytes ?? 0);
    if (data.waitForWorker) await hasher.offThread;
    const at = [0, ...data.cuts, data.bytes.length];
    const pieces = at.slice(1).map((end, i) => data.bytes.subarray(at[i], end));
    for (const piece of pieces) {
      hasher.update(piece);
      if (data.waitForRoom) await hasher.room();
    }
    const piecesIntact = pieces.every((piece, i) => piece.length === at[i + 1]! - at[i]! && piece.buffer.byteLength === data.bytes.buffer.byteLength);
    const hex = await hasher.digest();
    self.postMessage({ offThread: await hasher.offThread, hex, piecesIntact } satisfies HashRun);
  };
}
