// The recording file's SHA-256, taken as the player's worker does: in a worker of its own started
// from the same script, with the player worker's bytes copied to it, or on the player worker's own
// thread where that worker cannot start or is not ready before the file ends.
import { expect } from '@open-wc/testing';
import type { HashRequest, HashRun } from './workers/file-hash.worker.js';

function hashInWorker(request: HashRequest, query = ''): Promise<HashRun> {
  const worker = new Worker(new URL(`./workers/file-hash.worker.ts${query}`, import.meta.url), { type: 'module' });
  return new Promise<HashRun>((resolve, reject) => {
    worker.onmessage = (event: MessageEvent<HashRun>) => resolve(event.data);
    worker.onerror = (event) => reject(new Error(`worker failed: ${event.message}`));
    worker.postMessage(request);
  }).finally(() => worker.terminate());
}

/** Seeded bytes, and seeded cuts of them into pieces of 1 B to about 200 KB. */
function seededFile(seed: number, length: number): { bytes: Uint8Array; cuts: number[] } {
  let x = seed | 1;
  const next = () => ((x = Math.imul(x ^ (x >>> 15), 0x2c1b3c6d) + 0x9e3779b9) >>> 0);
  const bytes = Uint8Array.from({ length }, () => next() >>> 24);
  const cuts: number[] = [];
  for (let at = next() % 300; at < length; at += 1 + (next() % 200_000)) cuts.push(at);
  return { bytes, cuts };
}

async function sha256sum(bytes: Uint8Array): Promise<string> {
  return Array.from(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>)), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

describe('the recording file hash in a worker of its own', function () {
  this.timeout(15_000);
  for (const seed of [1, 2, 3]) {
    it(`hashes in the hashing worker once it is ready: any split of the bytes gives the file's SHA-256 (seed ${seed})`, async () => {
      // Over the hasher's batch of 512 KiB several times, and not a multiple of it.
      const file = seededFile(seed, 3 * 1024 * 1024 + 12_345);
      const run = await hashInWorker({ ...file, waitForWorker: true });
      expect(run.offThread, 'hashed in the hashing worker').to.equal(true);
      expect(run.piecesIntact, 'the pieces given are not taken away').to.equal(true);
      expect(run.hex).to.equal(await sha256sum(file.bytes));
    });
  }

  it('a reader that waits for room after each piece (an evidence bundle reading the file again) gets the same hash, in the hashing worker or without it', async () => {
    // 12 MiB: more batches than the hasher lets wait unhashed.
    const file = seededFile(11, 12 * 1024 * 1024 + 777);
    const expected = await sha256sum(file.bytes);
    const run = await hashInWorker({ ...file, waitForWorker: false, waitForRoom: true });
    expect(run.offThread, 'hashed in the hashing worker').to.equal(true);
    expect(run.hex).to.equal(expected);
    const broken = await hashInWorker({ ...file, waitForWorker: false, waitForRoom: true }, '?hashing=broken');
    expect(broken.offThread).to.equal(false);
    expect(broken.hex).to.equal(expected);
  });

  it('a reader that waits for room before the hashing worker has started (it starts only with more bytes) is not held up', async () => {
    // The file ends before the worker's start: waiting for its answer would wait for ever.
    const file = seededFile(5, 3 * 1024 * 1024 + 99);
    const run = await hashInWorker({ ...file, waitForWorker: false, waitForRoom: true, workerAfterBytes: 64 * 1024 * 1024 });
    expect(run.offThread).to.equal(false);
    expect(run.hex).to.equal(await sha256sum(file.bytes));
  });

  it('a file that ends before the hashing worker is ready is hashed on the reading thread', async () => {
    const file = seededFile(7, 200_000);
    const run = await hashInWorker({ ...file, waitForWorker: false });
    expect(run.offThread).to.equal(false);
    expect(run.hex).to.equal(await sha256sum(file.bytes));
  });

  it('a hashing worker that cannot start: the bytes kept meanwhile are hashed on the reading thread', async () => {
    const file = seededFile(9, 2 * 1024 * 1024);
    const run = await hashInWorker({ ...file, waitForWorker: true }, '?hashing=broken');
    expect(run.offThread).to.equal(false);
    expect(run.hex).to.equal(await sha256sum(file.bytes));
  });

  it('an empty file: the SHA-256 of no bytes, in either place', async () => {
    for (const waitForWorker of [true, false]) {
      const run = await hashInWorker({ bytes: new Uint8Array(0), cuts: [], waitForWorker });
      expect(run.hex).to.equal('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    }
  });
});
