// Teleport 15+ sample recordings: the real RDP fast-path captures in test/fixtures/rdp/captures,
// turned into Teleport recordings through the recorder shim as Teleport records them — the TDP 31
// ConnectionActivated message first, then one TDP 29 fast-path PDU message per server update at
// its time, between the session start and end events. Run by `npm run samples`.
import { readFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { encodeTdp } from '../src/format/tdp.js';
import { createRecorder, fileSink } from '../src/recorder/index.js';

interface Capture {
  run: string;
  sessionId: string;
  server: string;
  startedAt: number;
}

const CAPTURES_DIR = new URL('../test/fixtures/rdp/captures/', import.meta.url).pathname;

export const RDP_CAPTURES: Capture[] = [
  { run: 'shadow-rfx', sessionId: '3b8e5d10-7c2a-4f61-9e0b-15a0c0de0003', server: 'FreeRDP shadow (RemoteFX)', startedAt: Date.UTC(2026, 10, 20, 10, 2, 0) },
  { run: 'xrdp-rfx', sessionId: '7d41c2e8-0f3b-4a95-8b6c-24b0c0de0003', server: 'xrdp (RemoteFX)', startedAt: Date.UTC(2026, 10, 20, 11, 15, 30) },
  { run: 'shadow-planar32', sessionId: 'a5f09e37-61d4-4c28-9d7a-33c0c0de0001', server: 'FreeRDP shadow (planar)', startedAt: Date.UTC(2026, 10, 20, 13, 40, 5) },
  { run: 'shadow-interleaved16', sessionId: 'c2d7b8a4-95e3-4b1f-8a60-42d0c0de0001', server: 'FreeRDP shadow (interleaved, 16 bpp)', startedAt: Date.UTC(2026, 10, 20, 15, 7, 45) },
];

interface CapturedPdu {
  t_ms: number;
  b64: string;
}

/**
 * Writes `<sessionId>.tar` (or `file`) from a capture. With `loopToMs`, the capture's PDUs are
 * played again and again until that length (the benchmark's 1-hour RemoteFX recording): the
 * RemoteFX context is simply sent again each round, as a reconnecting client would see.
 */
export async function writeRdpSample(dir: string, capture: Capture, options: { file?: string; loopToMs?: number } = {}): Promise<void> {
  const meta = JSON.parse(readFileSync(join(CAPTURES_DIR, capture.run, 'meta.json'), 'utf8')) as { tdp_connection_activated_hex: string };
  const pdus = gunzipSync(readFileSync(join(CAPTURES_DIR, capture.run, 'fastpath.jsonl.gz')))
    .toString('utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as CapturedPdu);
  const path = join(dir, options.file ?? `${capture.sessionId}.tar`);
  let now = capture.startedAt;
  const recorder = createRecorder({
    sink: fileSink(path),
    now: () => now,
    partSize: options.loopToMs ? 1024 * 1024 : 256 * 1024,
    session: {
      sessionId: capture.sessionId, clusterName: 'teleport.example.com', user: 'demo@example.com', desktopName: `rdp-${capture.run}`,
      desktopAddr: '127.0.0.1:3389', windowsUser: 'demo', desktopService: 'b1c4a8e2-52f1-4bd5-b37f-8d1e2c6a9f10',
      labels: { capture: capture.run, server: capture.server, teleport: '15+' },
    },
  });
  await recorder.start();
  now += 300;
  await recorder.record(Buffer.from(meta.tdp_connection_activated_hex, 'hex'), 'server');
  const firstAt = now;
  const messages = pdus.map((pdu) => encodeTdp({ kind: 'fastPathPdu', data: Buffer.from(pdu.b64, 'base64') }));
  const roundMs = Math.round(pdus.at(-1)!.t_ms) + 500;
  for (let roundAt = 0; roundAt === 0 || roundAt + roundMs <= (options.loopToMs ?? 0); roundAt += roundMs) {
    for (const [index, pdu] of pdus.entries()) {
      now = firstAt + roundAt + Math.round(pdu.t_ms);
      await recorder.record(messages[index]!, 'server');
    }
  }
  now += 1000;
  const stats = await recorder.end();
  console.log(`${options.file ?? `${capture.sessionId}.tar`} (${capture.run}): ${pdus.length} fast-path PDUs, ${stats.events} events, ${((await stat(path)).size / 1e6).toFixed(2)} MB`);
}
