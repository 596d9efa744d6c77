import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import { RecordingCatalog, parseListQuery, queryList } from './catalog.js';
import { followRecording, LiveLimitError, LiveSessions, type LiveSession, type Synthesize } from './live-session.js';
import { isSafeSid, matchPlaybackPath, PlaybackSocketServer, readFileChunks, type RecordingSource } from './playback-socket.js';
import { PacedLinks, type PacedLink } from './throttle.js';

export type { RecordingListItem, ListPage } from './catalog.js';

export interface ServeOptions {
  /** Folder of recordings (`<session-id>.tar`). */
  recordingsDir: string;
  /** Package root: `demo/` and `dist/` are served from here. */
  root: string;
  port: number;
  host: string;
  /** Playback websocket token: clients must send `{"token": token}` first. Default: none needed. */
  token?: string;
  /** Without a token: how long a new playback socket waits for an optional `{"token":…}` (default 250 ms). */
  authGraceMs?: number;
  /** Bytes queued per playback socket before its sending waits (default 1 MiB). */
  highWaterMarkBytes?: number;
  /** Default length of a live session (`POST /api/live`), ms; default 3 minutes. */
  liveDurationMs?: number;
  /** Replaces the demo synthesizer of live sessions (default: demo/samples under `root`). */
  synthesize?: Synthesize;
  /**
   * `Access-Control-Allow-Origin` of the recording files (`/recordings/…`), for players on other
   * origins (`*` or one origin); their `x-recording-live` and `Content-Range` headers are then
   * exposed to them, and a preflight for `Range` is answered. Default: none (the demo page and its
   * player are on this server's origin).
   */
  corsOrigin?: string;
  /**
   * Recording files pass a link of this many bytes per second (`--throttle`; Range answers too);
   * a recording URL's `?throttle=20mbit` sets it per request. Default: unpaced.
   */
  throttleBytesPerSecond?: number;
}

/** The demo server: a `node:http` Server with its playback sockets, recordings list and live sessions. */
export type DemoServer = Server & {
  readonly playback: PlaybackSocketServer;
  readonly catalog: RecordingCatalog;
  readonly live: LiveSessions;
};

/** Content types by file extension, for the files the demo server (and the test servers) send. */
export const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.wasm': 'application/wasm',
  '.woff2': 'font/woff2',
  '.md': 'text/markdown; charset=utf-8',
  // Recordings are binary protostream files: never labelled as gzip, so no client inflates them.
  '.tar': 'application/octet-stream',
};

const MIN_LIVE_MS = 1_000;
const MAX_LIVE_MS = 10 * 60_000;

/**
 * The demo server (README "Demo server endpoints"): the demo page, the built player, the
 * recordings (with Range; live ones streamed as they grow), their list, live sessions and the
 * Teleport-compatible playback websocket.
 */
export async function serve(options: ServeOptions): Promise<DemoServer> {
  const dir = options.recordingsDir;
  const live = new LiveSessions(dir, options.root, options.synthesize);
  const catalog = new RecordingCatalog(dir, live);
  // A session id names `<sid>.tar`, or else the recording whose events carry that id (catalog.fileFor).
  const source: RecordingSource = {
    async exists(sid) {
      if (!isSafeSid(sid)) return false;
      return live.get(`${sid}.tar`) !== undefined || (await catalog.fileFor(sid)) !== undefined;
    },
    async *open(sid, signal) {
      const session = live.get(`${sid}.tar`);
      if (session) return yield* followRecording(session, signal);
      yield* readFileChunks(inside(dir, (await catalog.fileFor(sid)) ?? `${sid}.tar`)!, signal);
    },
  };
  const links = new PacedLinks(options.throttleBytesPerSecond);
  const corsHeaders: Record<string, string> = options.corsOrigin
    ? { 'access-control-allow-origin': options.corsOrigin, 'access-control-expose-headers': 'x-recording-live, content-range', ...(options.corsOrigin !== '*' && { vary: 'Origin' }) }
    : {};
  const playback = new PlaybackSocketServer({
    source,
    token: options.token,
    ...(options.authGraceMs !== undefined && { authGraceMs: options.authGraceMs }),
    ...(options.highWaterMarkBytes !== undefined && { highWaterMarkBytes: options.highWaterMarkBytes }),
  });

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain' });
      response.end(`internal error: ${error instanceof Error ? error.message : String(error)}`);
    });
  });
  server.on('upgrade', (request, socket, head) => {
    socket.on('error', () => socket.destroy());
    if (!playback.handleUpgrade(request, socket, head)) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    }
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const path = decodeURIComponent(url.pathname);
    if (path === '/api/live') {
      if (request.method !== 'POST') {
        response.writeHead(405, { allow: 'POST' }).end();
        return;
      }
      return startLive(request, response);
    }
    if (request.method === 'OPTIONS' && path.startsWith('/recordings/') && options.corsOrigin) {
      // The preflight of a player on another origin reading the file's end first (`Range: bytes=-n`).
      response.writeHead(204, { ...corsHeaders, 'access-control-allow-methods': 'GET, HEAD', 'access-control-allow-headers': 'range', 'access-control-max-age': '600' }).end();
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (path === '/api/recordings') {
      const query = parseListQuery(url.searchParams);
      if (typeof query === 'string') return sendJson(request, response, 400, { error: query });
      const { items, mtimes } = await catalog.list();
      return sendJson(request, response, 200, queryList(items, query, mtimes));
    }
    const length = /^\/(?:v1\/)?webapi\/sites\/[^/]+\/sessionlength\/([^/]+)$/.exec(path);
    if (length) {
      const sid = length[1]!;
      const file = isSafeSid(sid) ? await catalog.fileFor(sid) : undefined;
      const summary = file && (await catalog.summary(file));
      if (!summary) return sendJson(request, response, 404, { error: 'recording not found' });
      // A live session's length is the one it is planned to run (what is recorded so far grows).
      const session = live.get(file);
      const durationMs = session?.live ? session.plannedDurationMs : summary.durationMs;
      return sendJson(request, response, 200, { durationMs, recordingType: 'desktop' });
    }
    if (matchPlaybackPath(path)) {
      response.writeHead(426, { upgrade: 'websocket', 'content-type': 'text/plain' }).end('this is a websocket endpoint');
      return;
    }
    if (path === '/' || path === '/index.html') return sendFile(request, response, join(options.root, 'demo', 'index.html'), 'no-cache');
    if (path.startsWith('/recordings/')) {
      let name = path.slice('/recordings/'.length);
      const session = live.get(name);
      // Marked live only while it is: a session that has just ended is a finished file.
      if (session?.live) return sendLive(request, response, session, corsHeaders);
      const sid = name.endsWith('.tar') ? name.slice(0, -'.tar'.length) : '';
      if (isSafeSid(sid)) name = (await catalog.fileFor(sid)) ?? name;
      const link = links.for(url.searchParams);
      if (typeof link === 'string') return sendJson(request, response, 400, { error: `throttle: ${link}` });
      return sendFile(request, response, inside(dir, name), 'public, max-age=3600', corsHeaders, link);
    }
    if (path.startsWith('/dist/')) return sendFile(request, response, inside(join(options.root, 'dist'), path.slice('/dist/'.length)), 'no-cache');
    if (path.startsWith('/demo/')) return sendFile(request, response, inside(join(options.root, 'demo'), path.slice('/demo/'.length)), 'no-cache');
    response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  }

  /** `POST /api/live` with an optional JSON body `{ "durationMs": n, "seed": n }`. */
  async function startLive(request: IncomingMessage, response: ServerResponse): Promise<void> {
    let body: Record<string, unknown> = {};
    try {
      const text = await readBody(request, 4096);
      if (text.trim()) body = JSON.parse(text) as Record<string, unknown>;
      if (typeof body !== 'object' || body === null) throw new Error('not an object');
    } catch {
      return sendJson(request, response, 400, { error: 'the body must be empty or a JSON object { "durationMs"?: number, "seed"?: number }' });
    }
    const requested = Number(body.durationMs ?? options.liveDurationMs ?? 180_000);
    if (!Number.isFinite(requested)) return sendJson(request, response, 400, { error: 'durationMs must be a number' });
    const durationMs = Math.round(Math.min(MAX_LIVE_MS, Math.max(MIN_LIVE_MS, requested)));
    const seed = Number.isInteger(body.seed) ? (body.seed as number) : undefined;
    let session: LiveSession;
    try {
      session = await live.start({ durationMs, ...(seed !== undefined && { seed }) });
    } catch (error) {
      if (error instanceof LiveLimitError) return sendJson(request, response, 429, { error: error.message });
      return sendJson(request, response, 501, { error: `live sessions need the development checkout (demo/samples, @napi-rs/canvas): ${error instanceof Error ? error.message : String(error)}` });
    }
    const sid = session.sessionId;
    return sendJson(request, response, 201, {
      sessionId: sid,
      url: `/recordings/${session.file}`,
      wsPath: `/webapi/sites/demo.example.com/desktopplayback/${sid}/ws`,
      durationMs,
    });
  }

  await new Promise<void>((done) => server.listen(options.port, options.host, done));

  // Closing stops the playback sockets (their file reading) and the live sessions (their
  // recordings are completed), then drops any connection left so the close can finish.
  const closeServer = server.close.bind(server);
  let closing = false;
  server.close = ((callback?: (error?: Error) => void) => {
    if (closing) {
      closeServer(callback);
      return server;
    }
    closing = true;
    closeServer(callback);
    playback.close();
    void live.stopAll().finally(() => server.closeAllConnections());
    return server;
  }) as Server['close'];
  return Object.assign(server, { playback, catalog, live });
}

function sendJson(request: IncomingMessage, response: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  response.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-cache' });
  response.end(request.method === 'HEAD' ? undefined : body);
}

function readBody(request: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new Error('body too large'));
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

/**
 * A live recording: streamed as it grows (chunked, no Content-Length), one complete part at a
 * time, and finished once the session has ended. `Range` is not supported while it is live.
 */
async function sendLive(request: IncomingMessage, response: ServerResponse, session: LiveSession, extraHeaders: Record<string, string>): Promise<void> {
  response.writeHead(200, { ...extraHeaders, 'content-type': 'application/octet-stream', 'cache-control': 'no-store', 'x-recording-live': 'true' });
  if (request.method === 'HEAD') {
    response.end();
    return;
  }
  const abort = new AbortController();
  response.on('close', () => abort.abort());
  for await (const chunk of followRecording(session, abort.signal)) {
    if (!response.write(chunk)) {
      await new Promise<void>((resolve) => {
        const done = () => {
          response.off('drain', done);
          response.off('close', done);
          resolve();
        };
        response.on('drain', done);
        response.on('close', done);
      });
    }
    if (abort.signal.aborted) return;
  }
  response.end();
}

/** `name` resolved inside `dir`, or undefined when it would leave it. */
function inside(dir: string, name: string): string | undefined {
  const base = resolve(dir);
  const path = resolve(base, name);
  return path.startsWith(base + sep) ? path : undefined;
}

/** Sends a file with ETag/Last-Modified validation and single-range `Range` support, through `link` when paced. */
async function sendFile(
  request: IncomingMessage,
  response: ServerResponse,
  path: string | undefined,
  cacheControl: string,
  extraHeaders: Record<string, string> = {},
  link?: PacedLink,
): Promise<void> {
  const info = path ? await stat(path).catch(() => undefined) : undefined;
  if (!path || !info?.isFile()) {
    response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    return;
  }
  const etag = `"${info.size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}"`;
  const headers: Record<string, string | number> = {
    ...extraHeaders,
    'content-type': contentTypes[extname(path)] ?? 'application/octet-stream',
    'cache-control': cacheControl,
    'accept-ranges': 'bytes',
    etag,
    'last-modified': new Date(info.mtimeMs).toUTCString(),
  };
  if (request.headers['if-none-match'] === etag) {
    response.writeHead(304, headers).end();
    return;
  }
  const range = parseRange(request.headers.range, info.size);
  if (range === 'unsatisfiable') {
    response.writeHead(416, { ...headers, 'content-range': `bytes */${info.size}` }).end();
    return;
  }
  const [start, end] = range ?? [0, info.size - 1];
  const status = range ? 206 : 200;
  if (range) headers['content-range'] = `bytes ${start}-${end}/${info.size}`;
  headers['content-length'] = Math.max(0, end - start + 1);
  response.writeHead(status, headers);
  if (request.method === 'HEAD' || info.size === 0) {
    response.end();
    return;
  }
  const file = createReadStream(path, { start, end });
  if (!link) {
    file.pipe(response);
    return;
  }
  // A client that goes away ends the pacing and the file reading with it.
  await pipeline(Readable.from(link.pace(file)), response).catch(() => file.destroy());
}

/** One `bytes=a-b`, `bytes=a-` or `bytes=-n` range; multiple ranges are answered with the whole file. */
export function parseRange(header: string | undefined, size: number): [number, number] | 'unsatisfiable' | undefined {
  const match = header?.match(/^bytes=(\d*)-(\d*)$/);
  if (!match || (match[1] === '' && match[2] === '')) return undefined;
  let start: number;
  let end: number;
  if (match[1] === '') {
    start = Math.max(0, size - Number(match[2]));
    end = size - 1;
  } else {
    start = Number(match[1]);
    end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  }
  if (start >= size || start > end) return 'unsatisfiable';
  return [start, end];
}
