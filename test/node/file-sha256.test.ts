import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import '../helpers/property-seed.js';
import { createSha256 } from '../../src/core/feeds/sha256.js';
import { FileFeed } from '../../src/core/feeds/file-feed.js';
import type { FeedSink } from '../../src/core/feeds/feed.js';
import type { FileHasher } from '../../src/core/feeds/file-hash.js';
import { loopbackUrl } from '../helpers/loopback.js';

const timing = { now: () => performance.now(), yield: () => new Promise<void>((resolve) => setImmediate(resolve)) };
const sha256sum = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
/** A sample recording as it is on disk (several 64 KiB chunks, a real tar of gzip parts). */
const sample = new Uint8Array(readFileSync(new URL('../../demo/recordings/3b8e5d10-7c2a-4f61-9e0b-15a0c0de0003.tar', import.meta.url)));
/** A larger one (4.9 MB): the download in order takes several ranges. */
const large = new Uint8Array(readFileSync(new URL('../../demo/recordings/6c0e1e5a-8d6b-4a51-9a0c-2f4b1c7d0720.tar', import.meta.url)));

/** Loads `source` to its end: what `end` was given (undefined: the feed failed). */
function loadToEnd(source: string | Blob | ArrayBuffer, startHasher?: ConstructorParameters<typeof FileFeed>[2]): Promise<{ ended: boolean; sha256: string | undefined }> {
  return new Promise((resolve) => {
    const sink: FeedSink = {
      events: () => {},
      ready: () => undefined,
      duration: () => {},
      sessionEnds: () => {},
      rangeReads: () => {},
      live: () => {},
      caughtUp: () => {},
      end: (sha256) => resolve({ ended: true, sha256 }),
      fail: () => resolve({ ended: false, sha256: undefined }),
    };
    new FileFeed(source, timing, startHasher).start(sink);
  });
}

describe('createSha256', () => {
  test('any split of the bytes into chunks hashes as the whole file', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 3000 }), fc.array(fc.nat(3000), { maxLength: 12 }), async (bytes, cuts) => {
        const hash = await createSha256();
        const at = [0, ...cuts.map((cut) => cut % (bytes.length + 1)).sort((a, b) => a - b), bytes.length];
        for (let i = 1; i < at.length; i++) hash.update(bytes.subarray(at[i - 1], at[i]));
        assert.equal(hash.hex(), sha256sum(bytes));
      }),
      { numRuns: 50 },
    );
  });

  test('of nothing: the SHA-256 of no bytes', async () => {
    assert.equal((await createSha256()).hex(), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  test('inputs longer than the WebAssembly data area (64 KiB), in any split, hash as sha256sum does', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 300_000 }), fc.integer(), fc.array(fc.nat(300_000), { maxLength: 8 }), async (length, fill, cuts) => {
        const bytes = new Uint8Array(length);
        for (let i = 0, x = fill | 1; i < length; i++) bytes[i] = (x = Math.imul(x ^ (x >>> 15), 0x2c1b3c6d) + i) >>> 24;
        const hash = await createSha256();
        const at = [0, ...cuts.map((cut) => cut % (length + 1)).sort((a, b) => a - b), length];
        for (let i = 1; i < at.length; i++) hash.update(bytes.subarray(at[i - 1], at[i]));
        assert.equal(hash.hex(), sha256sum(bytes));
      }),
      { numRuns: 40 },
    );
  });

  test('every length around the padding boundaries (55, 56, 63, 64 bytes into a block)', async () => {
    const bytes = Uint8Array.from({ length: 300 }, (_, i) => (i * 97 + 13) & 0xff);
    for (let length = 0; length <= bytes.length; length++) {
      const hash = await createSha256();
      hash.update(bytes.subarray(0, length));
      assert.equal(hash.hex(), sha256sum(bytes.subarray(0, length)), `${length} bytes`);
    }
  });

  test('where WebAssembly cannot be used (a page whose CSP forbids it), the JavaScript hash gives the same result', async () => {
    const bytes = sample.subarray(0, 200_000);
    const webAssembly = globalThis.WebAssembly;
    (globalThis as { WebAssembly?: unknown }).WebAssembly = undefined;
    try {
      const hash = await createSha256();
      hash.update(bytes);
      assert.equal(hash.hex(), sha256sum(bytes));
    } finally {
      globalThis.WebAssembly = webAssembly;
    }
  });
});

describe('FileFeed: the recording SHA-256', () => {
  let server: Server;
  let base: string;

  before(async () => {
    server = createServer((request, response) => {
      const file = request.url?.endsWith('-large') ? large : sample;
      if (request.url?.startsWith('/ranges')) {
        // Answers a suffix range (the end read first), then the front by ranges (`bytes=a-b`).
        const suffix = /^bytes=-(\d+)$/.exec(request.headers.range ?? '');
        const span = /^bytes=(\d+)-(\d*)$/.exec(request.headers.range ?? '');
        const start = suffix ? Math.max(0, file.length - Number(suffix[1])) : span ? Number(span[1]) : undefined;
        if (start !== undefined) {
          const end = span?.[2] ? Math.min(file.length - 1, Number(span[2])) : file.length - 1;
          response.writeHead(206, { 'content-range': `bytes ${start}-${end}/${file.length}`, 'content-length': end + 1 - start });
          response.end(file.subarray(start, end + 1));
          return;
        }
      }
      if (request.url === '/cut') {
        response.writeHead(200, { 'content-length': sample.length });
        response.end(sample.subarray(0, sample.length >> 1));
        response.destroy();
        return;
      }
      response.writeHead(200, { 'content-length': file.length });
      response.end(file);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = loopbackUrl(server);
  });

  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  for (const [kind, source] of [
    ['bytes', () => sample.slice().buffer],
    ['a Blob', () => new Blob([sample])],
    ['an http URL whose server ignores Range', () => `${base}/plain`],
    ['an http URL whose server reads the end first by Range', () => `${base}/ranges`],
  ] as const) {
    test(`${kind}: end() gets the sha256sum of the file`, async () => {
      const { ended, sha256 } = await loadToEnd(source());
      assert.equal(ended, true);
      assert.equal(sha256, sha256sum(sample));
    });
  }

  for (const [kind, path] of [['ignores Range', 'plain-large'], ['reads the end first, then the front in several ranges', 'ranges-large']] as const) {
    test(`a 4.9 MB file from a server that ${kind}: end() gets its sha256sum`, async () => {
      const { ended, sha256 } = await loadToEnd(`${base}/${path}`);
      assert.equal(ended, true);
      assert.equal(sha256, sha256sum(large));
    });
  }

  test('a download cut short fails, and no hash is given', async () => {
    const { ended, sha256 } = await loadToEnd(`${base}/cut`);
    assert.equal(ended, false);
    assert.equal(sha256, undefined);
  });

  test('a hasher that falls behind holds the read back: no bytes reach it while it has no room, and every byte reaches it in order', async () => {
    // A hasher whose room comes only when the test gives it, a turn of the event loop later (a
    // hashing worker starved of the CPU): the feed must not hand it bytes meanwhile.
    const given: Uint8Array[] = [];
    let waiting = 0;
    let givenWhileWaiting = 0;
    let roomAsked = 0;
    const slowHasher: FileHasher = {
      offThread: Promise.resolve(true),
      update(bytes) {
        if (waiting > 0) givenWhileWaiting += 1;
        given.push(bytes.slice());
      },
      room() {
        roomAsked += 1;
        // Every other piece finds no room at once.
        if (roomAsked % 2 === 1) return Promise.resolve();
        waiting += 1;
        return new Promise<void>((resolve) => setImmediate(() => (waiting -= 1, resolve())));
      },
      digest: async () => sha256sum(Buffer.concat(given)),
      close() {},
    };
    const { ended, sha256 } = await loadToEnd(large.slice().buffer, async () => slowHasher);
    assert.equal(ended, true);
    assert.ok(roomAsked >= 40, `room asked before most of the ${Math.ceil(large.length / 65536)} pieces (${roomAsked})`);
    assert.equal(givenWhileWaiting, 0, 'bytes given while the hasher had no room');
    assert.equal(sha256, sha256sum(large), 'the hasher got every byte, in order');
  });
});
