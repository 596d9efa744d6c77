import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { serializeTextIndex } from '../../src/core/text-index/format.js';
import { MAX_TEXT_INDEX_BYTES, SidecarTextIndex } from '../../src/core/text-index/sidecar.js';

const index = serializeTextIndex({
  durationMs: 5000, coveredMs: 5000, screen: { width: 100, height: 50 }, engine: 'test',
  words: [{ text: 'hello', startMs: 0, endMs: 5000, box: { x: 1, y: 2, width: 30, height: 10 }, line: 0, confidence: 95 }],
});

describe('SidecarTextIndex over HTTP (a loopback server)', () => {
  let server: Server;
  let base = '';
  const requests: string[] = [];
  before(async () => {
    server = createServer((request, response) => {
      requests.push(request.url!);
      if (request.url === '/index.text.json') response.end(index);
      else if (request.url === '/huge.text.json') {
        // Told up front: refused before the body is read (the body never comes).
        response.writeHead(200, { 'content-length': String(MAX_TEXT_INDEX_BYTES + 1) });
        response.flushHeaders();
      } else if (request.url === '/streamed-huge.text.json') {
        // No length told: the reader stops once the limit is passed.
        const chunk = Buffer.alloc(1024 * 1024, 0x20);
        let sent = 0;
        const pump = () => {
          while (sent <= MAX_TEXT_INDEX_BYTES && response.write(chunk)) sent += chunk.length;
          if (sent <= MAX_TEXT_INDEX_BYTES) response.once('drain', pump);
          else response.end();
        };
        response.on('error', () => {});
        pump();
      } else {
        response.writeHead(404);
        response.end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });

  test('loads once per URL; the first hand-out is fresh, later ones are not', async () => {
    const sidecar = new SidecarTextIndex();
    const first = await sidecar.load(`${base}/index.text.json`);
    assert.equal(first.fresh, true);
    assert.equal(first.index.words[0]!.text, 'hello');
    const again = await sidecar.load(`${base}/index.text.json`);
    assert.equal(again.fresh, false);
    assert.equal(requests.filter((url) => url === '/index.text.json').length, 1);
  });

  test('a missing file, and one over the size limit (told or streamed), are clear errors; a failure is not kept', async () => {
    const sidecar = new SidecarTextIndex();
    await assert.rejects(sidecar.load(`${base}/missing.text.json`), /could not be loaded .*HTTP 404/);
    await assert.rejects(sidecar.load(`${base}/missing.text.json`), /HTTP 404/);
    assert.equal(requests.filter((url) => url === '/missing.text.json').length, 2, 'tried again');
    await assert.rejects(sidecar.load(`${base}/huge.text.json`), /larger than/);
    await assert.rejects(sidecar.load(`${base}/streamed-huge.text.json`), /larger than/);
  });
});
