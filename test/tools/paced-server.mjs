// A static file server on loopback for `npm run bench` that paces its .tar answers as one network
// link would: every response shares one byte rate (a token bucket in wall time), and each answer
// starts a round trip after its request. Range requests are answered (206; `bytes=a-b`, `a-`,
// `-n`) unless the URL has `?ranges=ignore` (200 with the whole file, as a server without Range).
// It logs every chunk it sends (epoch ms, bytes, the request), so the bench counts the bytes of any
// stretch of time. Everything else under the root is served whole and unpaced (the page, the player).
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join } from 'node:path';
import { requestedRange } from './bench-probes.mjs';

const CHUNK_BYTES = 16 * 1024;
const types = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.json': 'application/json', '.tar': 'application/x-tar', '.wasm': 'application/wasm' };
const epochNow = () => performance.timeOrigin + performance.now();

/** `bitsPerSecond` and `rttMs` apply to .tar files only. */
export async function startPacedServer(root, { bitsPerSecond, rttMs }) {
  const sent = [];
  let linkFreeAt = 0;
  const bytesPerMs = bitsPerSecond / 8 / 1000;
  const sleep = (ms) => new Promise((done) => setTimeout(done, Math.max(0, ms)));
  /** Waits for the link to carry `bytes`: they leave once every byte queued before them has. */
  const pace = async (bytes) => {
    const now = epochNow();
    linkFreeAt = Math.max(now, linkFreeAt) + bytes / bytesPerMs;
    await sleep(linkFreeAt - now);
  };
  const server = createServer(async (request, response) => {
    const url = new URL(request.url, 'http://x');
    const path = join(root, decodeURIComponent(url.pathname));
    if (!path.startsWith(root) || !existsSync(path) || !statSync(path).isFile()) {
      response.writeHead(404).end();
      return;
    }
    const size = statSync(path).size;
    const paced = path.endsWith('.tar');
    const asked = paced && url.searchParams.get('ranges') !== 'ignore' ? requestedRange(request.headers.range, size) : null;
    if (asked === 'unsatisfiable') {
      response.writeHead(416, { 'content-range': `bytes */${size}` }).end();
      return;
    }
    const honoured = asked !== null;
    const { start, end } = asked ?? { start: 0, end: size };
    const headers = { 'content-type': types[extname(path)] ?? 'application/octet-stream', 'content-length': end - start, 'cache-control': 'no-store' };
    if (paced && url.searchParams.get('ranges') !== 'ignore') headers['accept-ranges'] = 'bytes';
    if (honoured) headers['content-range'] = `bytes ${start}-${end - 1}/${size}`;
    if (!paced) {
      response.writeHead(200, headers);
      createReadStream(path).pipe(response);
      return;
    }
    await sleep(rttMs);
    let closed = false;
    response.on('close', () => (closed = true));
    response.writeHead(honoured ? 206 : 200, headers);
    const entry = { url: request.url, range: request.headers.range ?? null };
    const stream = createReadStream(path, { start, end: end - 1, highWaterMark: CHUNK_BYTES });
    try {
      for await (const chunk of stream) {
        if (closed) break;
        await pace(chunk.length);
        if (closed) break;
        sent.push({ at: epochNow(), bytes: chunk.length, ...entry });
        if (!response.write(chunk)) await new Promise((done) => response.once('drain', done));
      }
    } finally {
      stream.destroy();
      response.end();
    }
  });
  await new Promise((done) => server.listen(0, '127.0.0.1', done));
  return {
    base: `http://127.0.0.1:${server.address().port}`,
    /** Chunks of .tar files sent between the epoch times `from` and `to` (all when not given). */
    sentBetween: (from = -Infinity, to = Infinity) => sent.filter((chunk) => chunk.at >= from && chunk.at <= to),
    close: () => new Promise((done) => {
      server.closeAllConnections();
      server.close(done);
    }),
  };
}
