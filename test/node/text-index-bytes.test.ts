// The bytes the text index reads from a URL: windows by Range from the recordings server (each
// answered whole, so no response waits on recognition), the whole answer streamed from a server
// without Range, and clear errors.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { serve, type RecordingsServer } from '../../src/cli/serve.js';
import { INDEX_WINDOW_BYTES, recordingBytes } from '../../src/core/text-index/recording-bytes.js';
import { loopbackUrl } from '../helpers/loopback.js';

async function collect(chunks: AsyncIterable<Uint8Array>): Promise<{ bytes: Uint8Array; pieces: number }> {
  const parts: Uint8Array[] = [];
  for await (const chunk of chunks) parts.push(chunk);
  return { bytes: new Uint8Array(Buffer.concat(parts)), pieces: parts.length };
}

describe('text index: reading the recording from a URL', () => {
  let dir = '';
  let server: RecordingsServer;
  let base = '';
  const file = new Uint8Array(randomBytes(2 * INDEX_WINDOW_BYTES + 12345));
  const ranges: string[] = [];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'drp-index-bytes-'));
    await writeFile(join(dir, 'big.tar'), file);
    server = await serve({ recordingsDir: dir, root: process.cwd(), port: 0, host: '127.0.0.1' });
    server.on('request', (request) => ranges.push(request.headers.range ?? 'whole'));
    base = loopbackUrl(server);
  });
  after(async () => {
    await new Promise((done) => server.close(done));
    await rm(dir, { recursive: true, force: true });
  });

  test('a window at a time with Range requests, each taken whole, the bytes exactly the file', async () => {
    ranges.length = 0;
    const { bytes, pieces } = await collect(recordingBytes(`${base}/recordings/big.tar`, new AbortController().signal));
    assert.equal(bytes.length, file.length);
    assert.ok(Buffer.from(bytes).equals(Buffer.from(file)));
    assert.equal(pieces, 3);
    assert.deepEqual(ranges, ['bytes=-1', `bytes=0-${INDEX_WINDOW_BYTES - 1}`, `bytes=${INDEX_WINDOW_BYTES}-${2 * INDEX_WINDOW_BYTES - 1}`, `bytes=${2 * INDEX_WINDOW_BYTES}-${file.length - 1}`]);
  });

  test('the next window is asked for only when the bytes before it were taken', async () => {
    ranges.length = 0;
    const chunks = recordingBytes(`${base}/recordings/big.tar`, new AbortController().signal);
    const first = await chunks.next();
    assert.equal(first.value!.length, INDEX_WINDOW_BYTES);
    assert.equal(ranges.length, 2, `asked so far: ${ranges.join(', ')}`);
    await chunks.return(undefined);
  });

  test('a file that changes while it is read is an error, not a mix of two files', async () => {
    const chunks = recordingBytes(`${base}/recordings/big.tar`, new AbortController().signal);
    await chunks.next();
    await writeFile(join(dir, 'big.tar'), file.subarray(0, file.length - 1));
    await assert.rejects(chunks.next(), /changed while it was indexed/);
    await writeFile(join(dir, 'big.tar'), file);
  });

  test('a missing file is the server\'s answer, as the player reports it', async () => {
    await assert.rejects(collect(recordingBytes(`${base}/recordings/missing.tar`, new AbortController().signal)), /404/);
  });

  test('a server that ignores Range: its whole answer is streamed, asked for once', async () => {
    let requests = 0;
    const plain: Server = createServer((_request, response) => {
      requests += 1;
      response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': file.length }).end(file);
    });
    await new Promise<void>((done) => plain.listen(0, '127.0.0.1', done));
    try {
      const { bytes } = await collect(recordingBytes(`${loopbackUrl(plain)}/x.tar`, new AbortController().signal));
      assert.ok(Buffer.from(bytes).equals(Buffer.from(file)));
      assert.equal(requests, 1);
    } finally {
      await new Promise((done) => plain.close(done));
    }
  });
});
