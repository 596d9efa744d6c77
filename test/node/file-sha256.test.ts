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
import { loopbackUrl } from '../helpers/loopback.js';

const timing = { now: () => performance.now(), yield: () => new Promise<void>((resolve) => setImmediate(resolve)) };
const sha256sum = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
/** A sample recording as it is on disk (several 64 KiB chunks, a real tar of gzip parts). */
const sample = new Uint8Array(readFileSync(new URL('../../demo/recordings/3b8e5d10-7c2a-4f61-9e0b-15a0c0de0003.tar', import.meta.url)));

/** Loads `source` to its end: what `end` was given (undefined: the feed failed). */
function loadToEnd(source: string | Blob | ArrayBuffer): Promise<{ ended: boolean; sha256: string | undefined }> {
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
    new FileFeed(source, timing).start(sink);
  });
}

describe('createSha256', () => {
  test('any split of the bytes into chunks hashes as the whole file', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000 }), fc.array(fc.nat(3000), { maxLength: 12 }), (bytes, cuts) => {
        const hash = createSha256();
        const at = [0, ...cuts.map((cut) => cut % (bytes.length + 1)).sort((a, b) => a - b), bytes.length];
        for (let i = 1; i < at.length; i++) hash.update(bytes.subarray(at[i - 1], at[i]));
        assert.equal(hash.hex(), sha256sum(bytes));
      }),
      { numRuns: 50 },
    );
  });

  test('of nothing: the SHA-256 of no bytes', async () => {
    assert.equal(createSha256().hex(), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });
});

describe('FileFeed: the recording SHA-256', () => {
  let server: Server;
  let base: string;

  before(async () => {
    server = createServer((request, response) => {
      if (request.url === '/ranges') {
        // Answers a suffix range (the end read first), then the front by ranges (`bytes=a-b`).
        const suffix = /^bytes=-(\d+)$/.exec(request.headers.range ?? '');
        const span = /^bytes=(\d+)-(\d*)$/.exec(request.headers.range ?? '');
        const start = suffix ? Math.max(0, sample.length - Number(suffix[1])) : span ? Number(span[1]) : undefined;
        if (start !== undefined) {
          const end = span?.[2] ? Math.min(sample.length - 1, Number(span[2])) : sample.length - 1;
          response.writeHead(206, { 'content-range': `bytes ${start}-${end}/${sample.length}`, 'content-length': end + 1 - start });
          response.end(sample.subarray(start, end + 1));
          return;
        }
      }
      if (request.url === '/cut') {
        response.writeHead(200, { 'content-length': sample.length });
        response.end(sample.subarray(0, sample.length >> 1));
        response.destroy();
        return;
      }
      response.writeHead(200, { 'content-length': sample.length });
      response.end(sample);
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

  test('a download cut short fails, and no hash is given', async () => {
    const { ended, sha256 } = await loadToEnd(`${base}/cut`);
    assert.equal(ended, false);
    assert.equal(sha256, undefined);
  });
});
