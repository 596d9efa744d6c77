import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { isIP } from 'node:net';
import { extname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { RecordingCatalog, parseListQuery, queryList } from './catalog.js';
import { AccessGate } from './access-token.js';
import { FileRefusal, openInside, openRecording, recordingExists, type OpenedFile } from './files.js';
import { followRecording, type GrowingRecording, type LiveRecordings } from './live-recordings.js';
import { isSafeSid, matchPlaybackPath, PlaybackSocketServer, readFileChunks, REAL_TIME, type RecordingStore, type ServerTime } from './playback-socket-server.js';
import { PacedLinks, type PacedLink } from './throttle.js';
import { textSearchFile } from './text-search-files.js';
import { isSidecarName, openSidecar } from './sidecars.js';

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
  /**
   * Access token. When set, every request must show it (`Authorization: Bearer`, or the HttpOnly
   * session cookie the page gets from `POST /api/session`), and playback websockets that did not
   * must send `{"token": token}` first. Default: none needed.
   */
  token?: string;
  /** Accept the token in `?access_token=` on Teleport's legacy websocket path. Default false. */
  allowUrlToken?: boolean;
  /**
   * Host names the server answers to besides IP addresses and `localhost` (the `Host` header is
   * checked, against DNS rebinding). Default none.
   */
  allowedHosts?: string[];
  /**
   * Origins whose pages may use the playback websocket besides this server's own and loopback
   * ones (`*`: any). `corsOrigin` counts as one. Default none.
   */
  allowedOrigins?: string[];
  /** Playback sockets open at once (more are answered 503). Default 100. */
  maxViewers?: number;
  /** Restarts (backward seeks) per playback socket per minute; more wait their turn. Default 10. */
  maxRestartsPerMinute?: number;
  /** How long a request body may take to arrive (408 after). Default 10 s. */
  bodyTimeoutMs?: number;
  /** The time request bodies are timed by (tests move it by hand). Default: the real one. */
  bodyTime?: ServerTime;
  /** The time playback sockets pace by (tests move it by hand). Default: the real one. */
  playbackTime?: ServerTime;
  /** Without a token: how long a new playback socket waits for an optional `{"token":…}` (default 250 ms). */
  authGraceMs?: number;
  /** Bytes queued per playback socket before its sending waits (default 1 MiB). */
  highWaterMarkBytes?: number;
  /** Live recordings and actions a host adds. */
  extension?: ServerExtension;
  /**
   * `Access-Control-Allow-Origin` of the recording files (`/recordings/…`), for players on other
   * origins (`*` or one origin); their `x-recording-live` and `Content-Range` headers are then
   * exposed to them, and a preflight for `Range` is answered. Default: none (the server's page and
   * its player are on this server's origin).
   */
  corsOrigin?: string;
  /**
   * Recording files pass a link of this many bytes per second (`--throttle`; Range answers too);
   * a recording URL's `?throttle=20mbit` sets it per request. Default: unpaced.
   */
  throttleBytesPerSecond?: number;
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
  const links = new PacedLinks(options.throttleBytesPerSecond);
  const corsHeaders: Record<string, string> = options.corsOrigin
    ? { 'access-control-allow-origin': options.corsOrigin, 'access-control-expose-headers': 'x-recording-live, content-range', ...(options.corsOrigin !== '*' && { vary: 'Origin' }) }
    : {};
  const gate = new AccessGate(options.token || undefined);
  const allowedHosts = new Set((options.allowedHosts ?? []).map((host) => host.toLowerCase()));
  const allowedOrigins = new Set([...(options.allowedOrigins ?? []), ...(options.corsOrigin ? [options.corsOrigin] : [])]);
  const bodyTimeoutMs = options.bodyTimeoutMs ?? 10_000;
  const bodyTime = options.bodyTime ?? REAL_TIME;
  const playback = new PlaybackSocketServer({
    store,
    token: gate.token,
    allowUrlToken: options.allowUrlToken ?? false,
    ...(options.maxViewers !== undefined && { maxViewers: options.maxViewers }),
    ...(options.maxRestartsPerMinute !== undefined && { maxRestartsPerMinute: options.maxRestartsPerMinute }),
    ...(options.playbackTime && { time: options.playbackTime }),
    ...(options.authGraceMs !== undefined && { authGraceMs: options.authGraceMs }),
    ...(options.highWaterMarkBytes !== undefined && { highWaterMarkBytes: options.highWaterMarkBytes }),
  });

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain' });
      response.end(`internal error: ${error instanceof Error ? error.message : String(error)}`);
    });
  });
  // Slow or stalled clients do not hold connections open: whole requests within 30 s, headers within 10 s.
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  server.on('upgrade', (request, socket, head) => {
    socket.on('error', () => socket.destroy());
    const refuse = (status: string) => socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    if (!requestUrl(request)) return refuse('400 Bad Request');
    const host = request.headers.host;
    if (!hostAllowed(host, allowedHosts)) return refuse('403 Forbidden');
    // Browsers always send Origin on websockets: a page of another site is refused (the socket
    // would carry the session cookie). Clients that are not browsers send none.
    const origin = request.headers.origin;
    if (origin !== undefined && !socketOriginAllowed(origin, host!, allowedOrigins)) return refuse('403 Forbidden');
    if (!playback.handleUpgrade(request, socket, head, gate.required && gate.admits(request))) refuse('404 Not Found');
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (!hostAllowed(request.headers.host, allowedHosts)) {
      response.writeHead(403, { 'content-type': 'text/plain' }).end(`this server does not answer to the host ${JSON.stringify(request.headers.host ?? '')}: start it with --allow-host NAME`);
      return;
    }
    const url = requestUrl(request);
    let path: string | undefined;
    try {
      path = url && decodeURIComponent(url.pathname);
    } catch {
      path = undefined;
    }
    if (!url || path === undefined) {
      response.writeHead(400, { 'content-type': 'text/plain' }).end('the request path is not a URL path (or its percent-encoding is bad)');
      return;
    }
    const pageDir = join(options.root, 'page');
    if (request.method === 'OPTIONS' && path.startsWith('/recordings/') && options.corsOrigin) {
      // The preflight of a player on another origin reading the file's end first (`Range: bytes=-n`);
      // preflights carry no credentials, and this one reveals nothing.
      response.writeHead(204, { ...corsHeaders, 'access-control-allow-methods': 'GET, HEAD', 'access-control-allow-headers': 'range', 'access-control-max-age': '600' }).end();
      return;
    }
    if (!gate.admits(request)) {
      // Without the token: the sign-in page and what it needs, nothing else.
      if (path === '/' || path === '/index.html') return sendFile(request, response, openInside(pageDir, 'sign-in.html'), 'no-store', {}, 401);
      if (path === '/page/sign-in.js' || path === '/page/page.css') return sendFile(request, response, openInside(pageDir, path.slice('/page/'.length)), 'no-cache');
      if (path === '/api/session' && request.method === 'POST') return signIn(request, response);
      return sendJson(request, response, 401, { error: 'this server needs its access token (Authorization: Bearer, or sign in on its page)' });
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
    if (path === '/' || path === '/index.html') return sendFile(request, response, openInside(pageDir, 'index.html'), 'no-cache');
    if (path.startsWith('/recordings/')) {
      let name = path.slice('/recordings/'.length);
      // A recording's text index or review notes (listed with it): rewritten in place, so revalidated.
      if (isSidecarName(name)) return sendFile(request, response, openSidecar(dir, name), 'no-cache', corsHeaders);
      const session = live.get(name);
      // Marked live only while it is: a session that has just ended is a finished file.
      if (session?.live) return sendLive(request, response, session, corsHeaders);
      const sid = name.endsWith('.tar') ? name.slice(0, -'.tar'.length) : '';
      if (isSafeSid(sid)) name = (await catalog.fileFor(sid)) ?? name;
      const link = links.for(url.searchParams);
      if (typeof link === 'string') return sendJson(request, response, 400, { error: `throttle: ${link}` });
      return sendFile(request, response, openRecording(dir, name), 'public, max-age=3600', corsHeaders, 200, link);
    }
    if (path.startsWith('/dist/')) return sendFile(request, response, openInside(join(options.root, 'dist'), path.slice('/dist/'.length)), 'no-cache');
    const ocrFile = path.startsWith('/text-search/') ? textSearchFile(path.slice('/text-search/'.length)) : undefined;
    // The OCR engine of the player's text search, from the installed packages (immutable per version).
    if (ocrFile) return sendFile(request, response, openInside(ocrFile.dir, ocrFile.file), 'public, max-age=86400');
    if (path.startsWith('/page/')) return sendFile(request, response, openInside(pageDir, path.slice('/page/'.length)), 'no-cache');
    response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  }

  /**
   * The JSON object a POST carries (an empty body is `{}`), or undefined once it has answered the
   * request itself: a cross-site form cannot send one (the content type must be JSON, so a browser
   * asks first, and this server never says yes; the Origin must be this server's own), nor can a
   * body that is too big (413), too slow (408) or not an object (400).
   */
  async function jsonBody(request: IncomingMessage, response: ServerResponse): Promise<Record<string, unknown> | undefined> {
    const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (type !== 'application/json') {
      sendJson(request, response, 415, { error: 'the body must be JSON (content-type: application/json)' });
      return undefined;
    }
    const origin = request.headers.origin;
    if (origin === undefined || !sameOrigin(origin, request.headers.host!, allowedOrigins)) {
      sendJson(request, response, 403, { error: 'requests to this endpoint must come from this server\'s page (Origin)' });
      return undefined;
    }
    let text: string;
    try {
      text = await readBody(request, MAX_BODY_BYTES, bodyTimeoutMs, bodyTime);
    } catch (error) {
      const status = error instanceof BodyError ? error.status : 400;
      response.shouldKeepAlive = false;
      // A client still dribbling its body is cut once it had a moment to read the answer.
      if (status === 408) {
        response.once('finish', () => {
          const cut = bodyTime.setTimeout(() => request.destroy(), 500);
          // A server closing meanwhile does not wait for it (the real time's timers can be let go).
          (cut as { unref?: () => void }).unref?.();
        });
      }
      sendJson(request, response, status, { error: (error as Error).message });
      return undefined;
    }
    let body: unknown = {};
    try {
      if (text.trim()) body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      sendJson(request, response, 400, { error: 'the body must be empty or a JSON object' });
      return undefined;
    }
    return body as Record<string, unknown>;
  }

  /** A JSON action: an optional JSON object in, the action's answer out. */
  async function runAction(request: IncomingMessage, response: ServerResponse, run: JsonAction): Promise<void> {
    const body = await jsonBody(request, response);
    if (!body) return;
    const { status, body: answer } = await run(body);
    return sendJson(request, response, status, answer);
  }

  /** `POST /api/session` `{"token": …}`: the right token gets the session cookie. */
  async function signIn(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await jsonBody(request, response);
    if (!body) return;
    if (typeof body.token !== 'string' || !gate.matches(body.token)) return sendJson(request, response, 401, { error: 'wrong token' });
    response.writeHead(204, { 'set-cookie': gate.sessionCookie(), 'cache-control': 'no-store' }).end();
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

class BodyError extends Error {
  constructor(readonly status: 408 | 413, message: string) {
    super(message);
  }
}

/**
 * A request body as text: at most `limit` bytes (413, told by Content-Length or counted), arriving
 * within `timeoutMs` (408). After a refusal the rest is read and dropped until the time is up, then
 * the connection is cut, so a client that keeps sending cannot hold it.
 */
function readBody(request: IncomingMessage, limit: number, timeoutMs: number, time: ServerTime): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const timer = time.setTimeout(() => {
      // Still arriving: refused (the caller answers, then cuts); refused before and still sending: cut now.
      if (!settled) fail(new BodyError(408, `the body did not arrive within ${timeoutMs} ms`));
      else request.destroy();
    }, timeoutMs);
    const fail = (error: Error) => {
      settled = true;
      chunks.length = 0;
      reject(error);
    };
    const declared = Number(request.headers['content-length']);
    if (declared > limit) fail(new BodyError(413, `the body is larger than ${limit} bytes`));
    request.on('data', (chunk: Buffer) => {
      if (settled) return;
      size += chunk.length;
      if (size > limit) return fail(new BodyError(413, `the body is larger than ${limit} bytes`));
      chunks.push(chunk);
    });
    request.on('end', () => {
      time.clearTimeout(timer);
      if (!settled) {
        settled = true;
        resolve(Buffer.concat(chunks).toString('utf8'));
      }
    });
    request.on('error', (error) => {
      time.clearTimeout(timer);
      if (!settled) fail(error);
    });
  });
}

/** The request's URL, or undefined when its target is not one (`//[`). */
function requestUrl(request: IncomingMessage): URL | undefined {
  try {
    return new URL(request.url ?? '/', 'http://localhost');
  } catch {
    return undefined;
  }
}

/** Whether the `Host` header names this server: an IP address, `localhost`, or an allowed name. */
function hostAllowed(host: string | undefined, allowed: ReadonlySet<string>): boolean {
  if (!host) return false;
  let hostname: string;
  try {
    hostname = new URL(`http://${host}`).hostname.toLowerCase();
  } catch {
    return false;
  }
  const bare = hostname.replace(/^\[(.*)\]$/, '$1');
  return isIP(bare) !== 0 || hostname === 'localhost' || allowed.has(hostname);
}

/** Whether `origin` is this server's own (the page's scheme and the request's `Host`), or allowed. */
function sameOrigin(origin: string, host: string, allowed: ReadonlySet<string>): boolean {
  if (allowed.has(origin)) return true;
  try {
    const url = new URL(origin);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.host === new URL(`http://${host}`).host;
  } catch {
    return false;
  }
}

/** Websockets: also pages served from this machine (a loopback origin), and any origin with `*`. */
function socketOriginAllowed(origin: string, host: string, allowed: ReadonlySet<string>): boolean {
  if (allowed.has('*') || sameOrigin(origin, host, allowed)) return true;
  try {
    const hostname = new URL(origin).hostname.replace(/^\[(.*)\]$/, '$1');
    return hostname === 'localhost' || hostname === '::1' || (isIP(hostname) === 4 && hostname.startsWith('127.'));
  } catch {
    return false;
  }
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
 * Sends a file with ETag/Last-Modified validation and single-range `Range` support, through `link`
 * when paced. A file that cannot be opened is a 404 or 500; one that fails while it is read ends the
 * response early.
 */
async function sendFile(
  request: IncomingMessage,
  response: ServerResponse,
  opening: Promise<OpenedFile>,
  cacheControl: string,
  extraHeaders: Record<string, string> = {},
  okStatus = 200,
  link?: PacedLink,
): Promise<void> {
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
  const status = range ? 206 : okStatus;
  if (range) headers['content-range'] = `bytes ${start}-${end}/${info.size}`;
  headers['content-length'] = Math.max(0, end - start + 1);
  response.writeHead(status, headers);
  if (bodyless) {
    response.end();
    return;
  }
  const stream = handle.createReadStream({ start, end, autoClose: true });
  if (link) {
    // A client that goes away ends the pacing and the file reading with it.
    await pipeline(Readable.from(link.pace(stream)), response).catch(() => stream.destroy());
    return;
  }
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
