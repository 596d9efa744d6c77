import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import { summarizeRecording, type RecordingSummary } from '../format/summary.js';

export interface ServeOptions {
  /** Folder of recordings (`<session-id>.tar`). */
  recordingsDir: string;
  /** Package root: `demo/` and `dist/` are served from here. */
  root: string;
  port: number;
  host: string;
}

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  // Recordings are binary protostream files: never labelled as gzip, so no client inflates them.
  '.tar': 'application/octet-stream',
};

/** One row of the recordings list, like Teleport's Session Recordings page. */
export interface RecordingListItem {
  file: string;
  sessionId: string;
  kind: 'desktop';
  user?: string;
  desktopName?: string;
  desktopAddr?: string;
  windowsUser?: string;
  start?: string;
  end?: string;
  durationMs: number;
  participants: string[];
  recorded?: boolean;
  size: number;
  damaged: boolean;
}

/** The demo server: the demo page, the built player, the recordings (with Range) and their list. */
export async function serve(options: ServeOptions): Promise<Server> {
  const summaries = new Map<string, { mtimeMs: number; size: number; summary: RecordingSummary }>();

  async function list(): Promise<RecordingListItem[]> {
    const names = (await readdir(options.recordingsDir)).filter((name) => name.endsWith('.tar')).sort();
    const items: RecordingListItem[] = [];
    for (const name of names) {
      const path = join(options.recordingsDir, name);
      const info = await stat(path);
      let cached = summaries.get(name);
      if (!cached || cached.mtimeMs !== info.mtimeMs || cached.size !== info.size) {
        cached = { mtimeMs: info.mtimeMs, size: info.size, summary: await summarizeRecording(createReadStream(path) as AsyncIterable<Uint8Array>) };
        summaries.set(name, cached);
      }
      const r = cached.summary.recording;
      items.push({
        file: name,
        sessionId: r.sessionId ?? name.replace(/\.tar$/, ''),
        kind: 'desktop',
        user: r.user,
        desktopName: r.desktopName,
        desktopAddr: r.desktopAddr,
        windowsUser: r.windowsUser,
        start: r.sessionStart?.toISOString(),
        end: r.sessionEnd?.toISOString(),
        durationMs: cached.summary.durationMs,
        participants: r.participants ?? [],
        recorded: r.recorded,
        size: info.size,
        damaged: cached.summary.errors.length > 0,
      });
    }
    return items;
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain' });
      response.end(`internal error: ${error instanceof Error ? error.message : String(error)}`);
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const path = decodeURIComponent(url.pathname);
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (path === '/api/recordings') {
      const body = JSON.stringify({ items: await list() });
      response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-cache' });
      response.end(request.method === 'HEAD' ? undefined : body);
      return;
    }
    if (path === '/' || path === '/index.html') return sendFile(request, response, join(options.root, 'demo', 'index.html'), 'no-cache');
    if (path.startsWith('/recordings/')) return sendFile(request, response, inside(options.recordingsDir, path.slice('/recordings/'.length)), 'public, max-age=3600');
    if (path.startsWith('/dist/')) return sendFile(request, response, inside(join(options.root, 'dist'), path.slice('/dist/'.length)), 'no-cache');
    if (path.startsWith('/demo/')) return sendFile(request, response, inside(join(options.root, 'demo'), path.slice('/demo/'.length)), 'no-cache');
    response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  }

  await new Promise<void>((done) => server.listen(options.port, options.host, done));
  return server;
}

/** `name` resolved inside `dir`, or undefined when it would leave it. */
function inside(dir: string, name: string): string | undefined {
  const base = resolve(dir);
  const path = resolve(base, name);
  return path.startsWith(base + sep) ? path : undefined;
}

/** Sends a file with ETag/Last-Modified validation and single-range `Range` support. */
async function sendFile(request: IncomingMessage, response: ServerResponse, path: string | undefined, cacheControl: string): Promise<void> {
  const info = path ? await stat(path).catch(() => undefined) : undefined;
  if (!path || !info?.isFile()) {
    response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    return;
  }
  const etag = `"${info.size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}"`;
  const headers: Record<string, string | number> = {
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
  createReadStream(path, { start, end }).pipe(response);
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
