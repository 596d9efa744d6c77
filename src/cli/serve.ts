import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { extname, join } from 'node:path';
import { RecordingCatalog, parseListQuery, queryList } from './catalog.js';
import { FileRefusal, openInside, openRecording, recordingExists, type OpenedFile } from './files.js';
import { followRecording, type GrowingRecording, type LiveRecordings } from './live-recordings.js';
import { isSafeSid, matchPlaybackPath, PlaybackSocketServer, readFileChunks, type RecordingStore } from './playback-socket-server.js';

export type { RecordingListItem, ListPage } from './catalog.js';

/** A JSON action (`POST /api/<name>`): gets the request's JSON object, answers a status and a JSON body. */
export type JsonAction = (body: Record<string, unknown>) => Promise<{ status: number; body: unknown }>;

/**
 * What a host adds to the recordings server (the demo adds its live sessions this way): growing
 * recordings to serve and list as live, and JSON actions. The server checks every request to an
 * action (access, origin, content type, size, shape) before the action sees its body.
 */
export interface ServerExtension {
  /** Recordings still being written: streamed as they grow, listed as live. */
  live?: LiveRecordings;
  /** `POST /api/<name>` endpoints, by name. */
  actions?: Record<string, JsonAction>;
  /** Called when the server closes (before its connections are dropped). */
  close?(): Promise<void>;
}

export interface ServeOptions {
  /** Folder of recordings (`<session-id>.tar`). */
  recordingsDir: string;
  /** Package root: the server's page (`page/`) and the built player (`dist/`) are served from here. */
  root: string;
  port: number;
  host: string;
  /** Playback websocket token: clients must send `{"token": token}` first. Default: none needed. */
  token?: string;
  /** Without a token: how long a new playback socket waits for an optional `{"token":…}` (default 250 ms). */
  authGraceMs?: number;
  /** Bytes queued per playback socket before its sending waits (default 1 MiB). */
  highWaterMarkBytes?: number;
  /** Live recordings and actions a host adds. */
  extension?: ServerExtension;
  /**
   * `Access-Control-Allow-Origin` of the recording files (`/recordings/…`), for players on other
   * origins (`*` or one origin); their `x-recording-live` header is then exposed to them. Default:
   * none (the demo page and its player are on this server's origin).
   */
  corsOrigin?: string;
}

/** The recordings server: a `node:http` Server with its playback sockets and recordings list. */
export type RecordingsServer = Server & {
  readonly playback: PlaybackSocketServer;
  readonly catalog: RecordingCatalog;
};
/** @deprecated the former name of RecordingsServer. */
export type DemoServer = RecordingsServer;

/** Content types by file extension, for the files the recordings server (and the test servers) send. */
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

/** Largest request body (the JSON actions' objects). */
const MAX_BODY_BYTES = 4096;

/**
 * The recordings server (`desktop-recording serve`): its page, the built player, the recordings
 * (with Range; growing ones streamed as they grow), their list, Teleport's `sessionlength` and the
 * Teleport-compatible playback websocket; plus what an extension adds.
 */
export async function serve(options: ServeOptions): Promise<RecordingsServer> {
  const dir = options.recordingsDir;
  const extension = options.extension ?? {};
  const live: LiveRecordings = extension.live ?? { get: () => undefined };
  const actions = new Map(Object.entries(extension.actions ?? {}));
  const catalog = new RecordingCatalog(dir, live);
  // A session id names `<sid>.tar`, or else the recording whose events carry that id (catalog.fileFor).
  const store: RecordingStore = {
    async exists(sid) {
      if (!isSafeSid(sid)) return false;
      return live.get(`${sid}.tar`) !== undefined || (await catalog.fileFor(sid)) !== undefined;
    },
    async *open(sid, signal) {
      const session = live.get(`${sid}.tar`);
      if (session) return yield* followRecording(session, signal);
      yield* readFileChunks(await openRecording(dir, (await catalog.fileFor(sid)) ?? `${sid}.tar`), signal);
    },
  };
  const corsHeaders: Record<string, string> = options.corsOrigin
    ? { 'access-control-allow-origin': options.corsOrigin, 'access-control-expose-headers': 'x-recording-live', ...(options.corsOrigin !== '*' && { vary: 'Origin' }) }
    : {};
  const playback = new PlaybackSocketServer({
    store,
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
    let path: string;
    try {
      path = decodeURIComponent(url.pathname);
    } catch {
      response.writeHead(400, { 'content-type': 'text/plain' }).end('bad percent-encoding in the path');
      return;
    }
    const action = /^\/api\/([a-z][a-z0-9-]*)$/.exec(path)?.[1];
    if (action && actions.has(action)) {
      if (request.method !== 'POST') {
        response.writeHead(405, { allow: 'POST' }).end();
        return;
      }
      return runAction(request, response, actions.get(action)!);
    }
    if (action && action !== 'recordings' && action !== 'server') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (path === '/api/server') return sendJson(request, response, 200, { actions: [...actions.keys()] });
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
    if (path === '/' || path === '/index.html') return sendFile(request, response, openInside(join(options.root, 'page'), 'index.html'), 'no-cache');
    if (path.startsWith('/recordings/')) {
      let name = path.slice('/recordings/'.length);
      const session = live.get(name);
      // Marked live only while it is: a session that has just ended is a finished file.
      if (session?.live) return sendLive(request, response, session, corsHeaders);
      const sid = name.endsWith('.tar') ? name.slice(0, -'.tar'.length) : '';
      if (isSafeSid(sid)) name = (await catalog.fileFor(sid)) ?? name;
      return sendFile(request, response, openRecording(dir, name), 'public, max-age=3600', corsHeaders);
    }
    if (path.startsWith('/dist/')) return sendFile(request, response, openInside(join(options.root, 'dist'), path.slice('/dist/'.length)), 'no-cache');
    if (path.startsWith('/page/')) return sendFile(request, response, openInside(join(options.root, 'page'), path.slice('/page/'.length)), 'no-cache');
    response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  }

  /** A JSON action: an optional JSON object in, the action's answer out. */
  async function runAction(request: IncomingMessage, response: ServerResponse, run: JsonAction): Promise<void> {
    let body: Record<string, unknown> = {};
    try {
      const text = await readBody(request, MAX_BODY_BYTES);
      if (text.trim()) body = JSON.parse(text) as Record<string, unknown>;
      if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new Error('not an object');
    } catch {
      return sendJson(request, response, 400, { error: 'the body must be empty or a JSON object' });
    }
    const { status, body: answer } = await run(body);
    return sendJson(request, response, status, answer);
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
    void (extension.close?.() ?? Promise.resolve()).catch(() => undefined).finally(() => server.closeAllConnections());
    return server;
  }) as Server['close'];
  return Object.assign(server, { playback, catalog });
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
async function sendLive(request: IncomingMessage, response: ServerResponse, session: GrowingRecording, extraHeaders: Record<string, string>): Promise<void> {
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

/**
 * Sends a file with ETag/Last-Modified validation and single-range `Range` support. A file that
 * cannot be opened is a 404 or 500; one that fails while it is read ends the response early.
 */
async function sendFile(request: IncomingMessage, response: ServerResponse, opening: Promise<OpenedFile>, cacheControl: string, extraHeaders: Record<string, string> = {}): Promise<void> {
  let file: OpenedFile;
  try {
    file = await opening;
  } catch (error) {
    const status = error instanceof FileRefusal ? error.status : 500;
    response.writeHead(status, { 'content-type': 'text/plain' }).end(status === 404 ? 'not found' : (error as Error).message);
    return;
  }
  const { handle, info, path } = file;
  const etag = `"${info.size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}"`;
  const headers: Record<string, string | number> = {
    ...extraHeaders,
    'content-type': contentTypes[extname(path)] ?? 'application/octet-stream',
    'cache-control': cacheControl,
    'accept-ranges': 'bytes',
    etag,
    'last-modified': new Date(info.mtimeMs).toUTCString(),
  };
  const range = parseRange(request.headers.range, info.size);
  const bodyless = request.headers['if-none-match'] === etag || range === 'unsatisfiable' || request.method === 'HEAD' || info.size === 0;
  if (bodyless) await handle.close().catch(() => undefined);
  if (request.headers['if-none-match'] === etag) {
    response.writeHead(304, headers).end();
    return;
  }
  if (range === 'unsatisfiable') {
    response.writeHead(416, { ...headers, 'content-range': `bytes */${info.size}` }).end();
    return;
  }
  const [start, end] = range ?? [0, info.size - 1];
  const status = range ? 206 : 200;
  if (range) headers['content-range'] = `bytes ${start}-${end}/${info.size}`;
  headers['content-length'] = Math.max(0, end - start + 1);
  response.writeHead(status, headers);
  if (bodyless) {
    response.end();
    return;
  }
  const stream = handle.createReadStream({ start, end, autoClose: true });
  stream.on('error', () => response.destroy());
  response.on('close', () => stream.destroy());
  stream.pipe(response);
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
