import { constants } from 'node:fs';
import { open, readFile, stat, writeFile, type FileHandle } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { TOKEN_ENV } from './access-token.js';
import { summarizeRecording, type RecordingSummary } from '../format/summary.js';
import { serializeTextIndex } from '../core/text-index/format.js';
import { serve, type ServerExtension } from './serve.js';
import { parseRate } from './throttle.js';

const USAGE = `Usage:
  desktop-recording inspect FILE [--json]   summarize a recording (exit 0 clean, 1 damaged, 2 usage)
  desktop-recording index FILE [--out FILE.text.json]
                                            recognise the text on the screen (OCR) and write the text index
                                            (default: FILE.text.json beside the recording; progress on stderr)
  desktop-recording serve DIR [options]     recordings server for the <session-id>.tar files in DIR: a page
                                            listing and playing them, the files (with Range), their list
                                            (/api/recordings), their sidecars (<name>.text.json from
                                            index, <name>.review.json) and the playback websocket
    --port N            port (default $PORT or 8080)
    --host H            address to listen on (default 127.0.0.1)
    --token-file F      access token, first line of F; or --token T, or $DESKTOP_RECORDING_TOKEN
                        (then every request needs it; the page asks for it once)
    --allow-url-token   also accept it as ?access_token= on Teleport's legacy websocket path
    --allow-host NAME   answer to this host name too (IP addresses and localhost always)
    --allow-origin O    let pages of origin O use the playback websocket
    --cors-origin O     let pages of origin O (or *) read the recording files too (CORS, Range
                        preflights answered): a player embedded on another site, Storybook
    --max-viewers N     playback websockets at once (default 100)
    --max-restarts N    restarts (backward seeks) per websocket per minute (default 10)
    --throttle RATE     recordings pass a link of RATE (e.g. 20mbit, 512kbit, 2mb), Range answers too:
                        to see how the player behaves on a slow link`;

/** Runs the CLI; returns the exit status. */
export async function main(args: string[], out = process.stdout, err = process.stderr): Promise<number> {
  const [command, ...rest] = args;
  if (command === 'inspect') return inspect(rest, out, err);
  if (command === 'index') return indexCommand(rest, out, err);
  if (command === 'serve') return serveCommand(rest, out, err);
  if (command === '--help' || command === '-h' || command === 'help') {
    out.write(`${USAGE}\n`);
    return 0;
  }
  err.write(`${command ? `Unknown command: ${command}\n` : ''}${USAGE}\n`);
  return 2;
}

async function inspect(args: string[], out: NodeJS.WritableStream, err: NodeJS.WritableStream): Promise<number> {
  const json = args.includes('--json');
  const files = args.filter((arg) => arg !== '--json');
  const unknown = files.find((arg) => arg.startsWith('-'));
  if (files.length !== 1 || unknown) {
    err.write(`${unknown ? `Unknown option: ${unknown}\n` : ''}${USAGE}\n`);
    return 2;
  }
  const file = files[0]!;
  // Exit 1 means "damaged": a file that cannot be read at all is a usage problem (2), in one line.
  const cannotRead = (error: unknown) => {
    err.write(`Cannot read ${terminalSafe(file)}: ${describeFileError(error)}\n`);
    return 2;
  };
  let handle: FileHandle;
  try {
    handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    return cannotRead(error);
  }
  let summary: RecordingSummary;
  try {
    if (!(await handle.stat()).isFile()) throw Object.assign(new Error('not a file'), { code: 'ENOTFILE' });
    summary = await summarizeRecording(handle.createReadStream({ highWaterMark: 256 * 1024, autoClose: false }) as AsyncIterable<Uint8Array>);
  } catch (error) {
    return cannotRead(error);
  } finally {
    await handle.close().catch(() => undefined);
  }
  // Text from the recording never reaches the terminal raw (escape sequences could retitle or clear it).
  out.write(json ? `${terminalSafeJson(JSON.stringify(summary, null, 2))}\n` : describe(file, summary));
  return summary.errors.length ? 1 : 0;
}

async function indexCommand(args: string[], out: NodeJS.WritableStream, err: NodeJS.WritableStream): Promise<number> {
  const files: string[] = [];
  let target: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--out' && i + 1 < args.length && !target) target = args[++i]!;
    else if (arg.startsWith('-')) {
      err.write(`Unknown option: ${arg}\n${USAGE}\n`);
      return 2;
    } else files.push(arg);
  }
  if (files.length !== 1) {
    err.write(`${USAGE}\n`);
    return 2;
  }
  const file = files[0]!;
  if (!(await isReadableFile(file, err))) return 2;
  const outFile = target ?? `${file.replace(/\.tar$/, '')}.text.json`;
  const started = performance.now();
  const abort = new AbortController();
  const stop = () => abort.abort(new Error('interrupted'));
  process.once('SIGINT', stop);
  try {
    const { indexRecordingFile } = await import('./text-index.js');
    let lastReport = 0;
    const { index, readError } = await indexRecordingFile(file, {
      signal: abort.signal,
      onProgress: (p) => {
        if (performance.now() - lastReport < 1000 && p.coveredMs < p.durationMs) return;
        lastReport = performance.now();
        err.write(`indexed ${formatDuration(p.coveredMs)} of ${formatDuration(p.durationMs)}: ${p.screens} screens, ${p.regions} regions, ${p.words} words\n`);
      },
    });
    const json = serializeTextIndex(index);
    await writeFile(outFile, json);
    const seconds = (performance.now() - started) / 1000;
    out.write(`${outFile}: ${index.words.length} words over ${formatDuration(index.durationMs)}, ${(json.length / 1024).toFixed(1)} KiB, in ${seconds.toFixed(1)} s\n`);
    if (readError) err.write(`DAMAGED: indexed up to the damage: ${readError.message}\n`);
    return readError ? 1 : 0;
  } catch (error) {
    err.write(`Cannot index ${terminalSafe(file)}: ${terminalSafe((error as Error).message)}\n`);
    return 1;
  } finally {
    process.off('SIGINT', stop);
  }
}

/** Whether `file` is a file; if not, says why on `err`. */
async function isReadableFile(file: string, err: NodeJS.WritableStream): Promise<boolean> {
  try {
    if (!(await stat(file)).isFile()) throw new Error('not a file');
    return true;
  } catch (error) {
    err.write(`Cannot read ${terminalSafe(file)}: ${describeFileError(error)}\n`);
    return false;
  }
}

function describeFileError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  const known: Record<string, string> = { ENOENT: 'no such file', EACCES: 'permission denied', EPERM: 'permission denied', EISDIR: 'it is a folder', ENOTFILE: 'not a file', ELOOP: 'too many symbolic links' };
  return (code && known[code]) ?? terminalSafe(error instanceof Error ? error.message : String(error)).split('\n')[0]!;
}

/**
 * `text` with the characters a terminal acts on written as escapes: C0 and C1 controls (ESC starts
 * the sequences that retitle or clear a terminal), DEL, and the bidirectional overrides that
 * reorder what is shown.
 */
export function terminalSafe(text: string): string {
  return text.replace(UNSAFE_FOR_TERMINALS, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** JSON text whose strings hold no character a terminal acts on (JSON.stringify escapes C0 but leaves DEL, C1 and bidi controls raw). */
function terminalSafeJson(json: string): string {
  return json.replace(UNSAFE_IN_JSON, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

const UNSAFE_FOR_TERMINALS = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const UNSAFE_IN_JSON = /[\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * `desktop-recording serve DIR …`: runs the recordings server until SIGINT; returns the exit status.
 * A host (the demo's `npm start`) passes `extend` to add to the server what it runs besides.
 */
export async function serveCommand(
  args: string[],
  out: NodeJS.WritableStream,
  err: NodeJS.WritableStream,
  extend?: (recordingsDir: string) => ServerExtension,
): Promise<number> {
  const usage = (problem: string) => {
    err.write(`${problem}\n${USAGE}\n`);
    return 2;
  };
  let parsed: ReturnType<typeof parseServeArgs>;
  try {
    parsed = parseServeArgs(args);
  } catch (error) {
    return usage((error as Error).message);
  }
  const { values, positionals } = parsed;
  const throttle = values.throttle !== undefined ? parseRate(values.throttle) : undefined;
  if (typeof throttle === 'string') return usage(`--throttle: ${throttle}`);
  const corsOrigin = values['cors-origin'];
  if (corsOrigin !== undefined && corsOrigin !== '*' && !isOrigin(corsOrigin)) return usage(`--cors-origin must be * or an origin such as http://localhost:6006, not ${JSON.stringify(corsOrigin)}`);
  if (positionals.length === 0) return usage('serve needs the folder of recordings (DIR)');
  if (positionals.length > 1) return usage(`serve takes one folder, not ${positionals.length}`);
  const port = Number(values.port ?? process.env.PORT ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) return usage(`--port must be a port number, not ${JSON.stringify(values.port)}`);
  const counts: Record<'max-viewers' | 'max-restarts', number | undefined> = { 'max-viewers': undefined, 'max-restarts': undefined };
  for (const name of ['max-viewers', 'max-restarts'] as const) {
    const text = values[name];
    if (text === undefined) continue;
    if (!/^[1-9]\d{0,6}$/.test(text)) return usage(`--${name} must be a positive whole number, not ${JSON.stringify(text)}`);
    counts[name] = Number(text);
  }
  if (values.token !== undefined && values['token-file'] !== undefined) return usage('give the token once: --token or --token-file');
  let token = values.token ?? process.env[TOKEN_ENV];
  if (values['token-file'] !== undefined) {
    try {
      token = (await readFile(values['token-file'], 'utf8')).split(/\r?\n/)[0]!.trim();
    } catch (error) {
      err.write(`Cannot read the token file ${values['token-file']}: ${(error as Error).message}\n`);
      return 2;
    }
  }
  if (token === '') return usage(values['token-file'] !== undefined ? `the token file ${values['token-file']} is empty` : 'the token must not be empty');
  const recordingsDir = positionals[0]!;
  if (!(await stat(recordingsDir).catch(() => undefined))?.isDirectory()) {
    err.write(`Not a folder: ${recordingsDir}\n`);
    return 2;
  }
  const host = values.host ?? '127.0.0.1';
  const server = await serve({
    recordingsDir, root: packageRoot(), port, host,
    ...(token !== undefined && { token }),
    allowUrlToken: values['allow-url-token'] ?? false,
    allowedHosts: values['allow-host'] ?? [],
    allowedOrigins: values['allow-origin'] ?? [],
    ...(counts['max-viewers'] !== undefined && { maxViewers: counts['max-viewers'] }),
    ...(counts['max-restarts'] !== undefined && { maxRestartsPerMinute: counts['max-restarts'] }),
    ...(extend && { extension: extend(recordingsDir) }),
    ...(throttle !== undefined && { throttleBytesPerSecond: throttle }),
    ...(corsOrigin !== undefined && { corsOrigin }),
  });
  const address = server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  const shown = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  out.write(`Recordings: http://${shown}:${actualPort}/  (from ${recordingsDir}; Ctrl+C stops)\n`);
  if (throttle !== undefined) out.write(`Recordings are paced at ${((throttle * 8) / 1e6).toFixed(3).replace(/\.?0+$/, '')} Mbit/s\n`);
  out.write(`Playback websocket: ws://${shown}:${actualPort}/webapi/sites/<cluster>/desktopplayback/<session-id>/ws${token ? ' (token required)' : ''}\n`);
  await new Promise<void>((done) => {
    const stop = () => server.close(() => done());
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  return 0;
}

function parseServeArgs(args: string[]) {
  return parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      token: { type: 'string' },
      'token-file': { type: 'string' },
      'allow-url-token': { type: 'boolean' },
      'allow-host': { type: 'string', multiple: true },
      'allow-origin': { type: 'string', multiple: true },
      'max-viewers': { type: 'string' },
      'max-restarts': { type: 'string' },
      throttle: { type: 'string' },
      'cors-origin': { type: 'string' },
    },
  });
}

/** `scheme://host[:port]` and nothing more (what a browser sends as `Origin`). */
function isOrigin(text: string): boolean {
  try {
    return new URL(text).origin === text;
  } catch {
    return false;
  }
}

/** The package root, which holds page/ and dist/: above dist/cli.js when built, two above src/cli/main.ts from the sources. */
function packageRoot(): string {
  return fileURLToPath(new URL(/\/src\/cli\/[^/]+$/.test(import.meta.url) ? '../..' : '..', import.meta.url));
}

function describe(file: string, s: RecordingSummary): string {
  const r = s.recording;
  const lines = [
    `${file}`,
    `  format     version ${s.format.version}, ${s.format.parts} part${s.format.parts === 1 ? '' : 's'}`,
    `  events     ${s.events} (${s.frames} screen updates, ${s.screenData} screen data)`,
    `  duration   ${formatDuration(s.durationMs)}`,
    `  screen     ${s.screen ? `${s.screen.width}×${s.screen.height}` : 'unknown'}`,
  ];
  if (r.sessionId) lines.push(`  session    ${r.sessionId}`);
  const account = r.linuxUser ?? (r.windowsUser && `${r.windowsDomain ? `${r.windowsDomain}\\` : ''}${r.windowsUser}`);
  if (r.user) lines.push(`  user       ${r.user}${account ? ` as ${account}` : ''}`);
  // A Linux desktop's name and address are both its host id: said once.
  const address = r.desktopAddr && r.desktopAddr !== r.desktopName ? `(${r.desktopAddr})` : undefined;
  if (r.desktopName || r.desktopAddr) lines.push(`  desktop    ${[r.desktopName, address].filter(Boolean).join(' ')}`);
  if (r.desktopKind) lines.push(`  kind       ${r.desktopKind === 'linux' ? 'Linux' : 'Windows'} desktop`);
  if (r.sessionStart) lines.push(`  started    ${r.sessionStart.toISOString()}`);
  if (r.sessionEnd) lines.push(`  ended      ${r.sessionEnd.toISOString()}`);
  if (r.participants?.length) lines.push(`  participants ${r.participants.join(', ')}`);
  lines.push(`  markers    ${s.markers.length}`);
  for (const m of s.markers) lines.push(`    ${formatDuration(m.timeMs).padStart(9)}  ${m.code.padEnd(6)} ${m.label}`);
  const skipped = s.skipped.duplicates + s.skipped.unknownEvents + s.skipped.badMessages;
  if (skipped) lines.push(`  skipped    ${s.skipped.duplicates} repeated, ${s.skipped.unknownEvents} unknown events, ${s.skipped.badMessages} undecodable screen messages`);
  for (const e of s.errors) lines.push(`  DAMAGED    ${e.reason} at byte ${e.atByte}: ${e.message}`);
  return `${lines.map(terminalSafe).join('\n')}\n`;
}

function formatDuration(ms: number): string {
  const total = Math.floor(ms / 1000);
  const [h, m, sec] = [Math.floor(total / 3600), Math.floor((total % 3600) / 60), total % 60];
  const tenths = Math.floor((ms % 1000) / 100);
  return `${h ? `${h}:${String(m).padStart(2, '0')}` : m}:${String(sec).padStart(2, '0')}.${tenths}`;
}
