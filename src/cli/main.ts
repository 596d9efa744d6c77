import { createReadStream } from 'node:fs';
import { stat, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { summarizeRecording, type RecordingSummary } from '../format/summary.js';
import { serve } from './serve.js';
import { serializeTextIndex } from '../core/text-index/format.js';

const USAGE = `Usage:
  desktop-recording inspect FILE [--json]   summarize a recording (exit 0 clean, 1 damaged, 2 usage)
  desktop-recording index FILE [--out FILE.text.json]
                                            recognise the text on the screen (OCR) and write the text index
                                            (default: FILE.text.json beside the recording; progress on stderr)
  desktop-recording serve [DIR] [--port N] [--token T]
                                            demo server: demo page, player, recordings (with Range), their list,
                                            live sessions and the playback websocket (--token: clients must send it)`;

/** Runs the CLI; returns the exit status. */
export async function main(args: string[], out = process.stdout, err = process.stderr): Promise<number> {
  const [command, ...rest] = args;
  if (command === 'inspect') return inspect(rest, out, err);
  if (command === 'serve') return serveCommand(rest, out, err);
  if (command === 'index') return indexCommand(rest, out, err);
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
  if (!(await isReadableFile(file, err))) return 2;
  const summary = await summarizeRecording(createReadStream(file, { highWaterMark: 256 * 1024 }) as AsyncIterable<Uint8Array>);
  out.write(json ? `${JSON.stringify(summary, null, 2)}\n` : describe(file, summary));
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
    err.write(`Cannot index ${file}: ${(error as Error).message}\n`);
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
    err.write(`Cannot read ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}\n`);
    return false;
  }
}

async function serveCommand(args: string[], out: NodeJS.WritableStream, err: NodeJS.WritableStream): Promise<number> {
  const valued = new Set(['--port', '--token']);
  const values = new Map<string, string>();
  const dirs: string[] = [];
  let bad = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (valued.has(arg) && i + 1 < args.length) values.set(arg, args[++i]!);
    else if (arg.startsWith('--')) bad = true;
    else dirs.push(arg);
  }
  const port = values.has('--port') ? Number(values.get('--port')) : Number(process.env.PORT ?? 8080);
  const token = values.get('--token');
  if (bad || !Number.isInteger(port) || port < 0 || port > 65535 || dirs.length > 1 || token === '') {
    err.write(`${USAGE}\n`);
    return 2;
  }
  const recordingsDir = dirs[0] ?? 'demo/recordings';
  if (!(await stat(recordingsDir).catch(() => undefined))?.isDirectory()) {
    err.write(`Not a folder: ${recordingsDir}\n`);
    return 2;
  }
  // dist/cli.js → the package root two levels up holds demo/ and dist/.
  const root = fileURLToPath(new URL('..', import.meta.url));
  const server = await serve({ recordingsDir, root, port, host: '127.0.0.1', ...(token !== undefined && { token }) });
  const address = server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  out.write(`Demo: http://127.0.0.1:${actualPort}/  (recordings from ${recordingsDir}; Ctrl+C stops)\n`);
  out.write(`Playback websocket: ws://127.0.0.1:${actualPort}/webapi/sites/<cluster>/desktopplayback/<session-id>/ws${token ? ' (token required)' : ''}\n`);
  await new Promise<void>((done) => process.once('SIGINT', () => server.close(() => done())));
  return 0;
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
  if (r.user) lines.push(`  user       ${r.user}${r.windowsUser ? ` as ${r.windowsDomain ? `${r.windowsDomain}\\` : ''}${r.windowsUser}` : ''}`);
  if (r.desktopName || r.desktopAddr) lines.push(`  desktop    ${[r.desktopName, r.desktopAddr && `(${r.desktopAddr})`].filter(Boolean).join(' ')}`);
  if (r.sessionStart) lines.push(`  started    ${r.sessionStart.toISOString()}`);
  if (r.sessionEnd) lines.push(`  ended      ${r.sessionEnd.toISOString()}`);
  if (r.participants?.length) lines.push(`  participants ${r.participants.join(', ')}`);
  lines.push(`  markers    ${s.markers.length}`);
  for (const m of s.markers) lines.push(`    ${formatDuration(m.timeMs).padStart(9)}  ${m.code.padEnd(6)} ${m.label}`);
  const skipped = s.skipped.duplicates + s.skipped.unknownEvents + s.skipped.badMessages;
  if (skipped) lines.push(`  skipped    ${s.skipped.duplicates} repeated, ${s.skipped.unknownEvents} unknown events, ${s.skipped.badMessages} undecodable screen messages`);
  for (const e of s.errors) lines.push(`  DAMAGED    ${e.reason} at byte ${e.atByte}: ${e.message}`);
  return `${lines.join('\n')}\n`;
}

function formatDuration(ms: number): string {
  const total = Math.floor(ms / 1000);
  const [h, m, sec] = [Math.floor(total / 3600), Math.floor((total % 3600) / 60), total % 60];
  const tenths = Math.floor((ms % 1000) / 100);
  return `${h ? `${h}:${String(m).padStart(2, '0')}` : m}:${String(sec).padStart(2, '0')}.${tenths}`;
}
