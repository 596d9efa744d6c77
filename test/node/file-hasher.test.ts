// The recording's SHA-256 taken on the reading thread (as in Node, or where the hashing worker
// cannot start): bytes given before the hash code has loaded wait as copies, so the reader may
// fill its buffer again as soon as `update` returns (a download is read into reused buffers).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { startFileHasher } from '../../src/core/feeds/file-hash.js';

for (const seed of [1, 2, 3]) {
  test(`bytes given through one reused buffer, scrubbed after each update, hash as the file (seed ${seed})`, async () => {
    let x = seed;
    const next = () => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0) >>> 8);
    const file = Uint8Array.from({ length: 300_000 }, () => next() & 0xff);
    const hasher = startFileHasher();
    const scratch = new Uint8Array(70_000);
    for (let at = 0; at < file.length; ) {
      const length = Math.min(file.length - at, 1 + (next() % scratch.length));
      scratch.set(file.subarray(at, at + length));
      hasher.update(scratch.subarray(0, length));
      scratch.fill(0x5a);
      at += length;
      // Some pieces go in before the hash code has loaded, some after.
      if (next() % 4 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    assert.equal(await hasher.digest(), createHash('sha256').update(file).digest('hex'));
  });
}
