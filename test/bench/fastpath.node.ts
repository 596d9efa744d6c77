// Fast-path decoding speed in Node, on the real captures in test/fixtures/rdp/captures:
// ms per 64×64 RemoteFX tile, per full 1024×768 RemoteFX frame (192 tiles), tiles/s over a
// whole session, the bitmap-codec sessions for comparison, and the painted-area scan per PDU.
// Run: npx tsx test/bench/fastpath.node.ts
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { FastPathDecoder } from '../../src/core/fastpath/index.js';
import { FastPathScanner } from '../../src/core/fastpath/paint-rects.js';

const FIXTURES = 'test/fixtures/rdp/captures';
const ROUNDS = 15;

function capture(run: string): Uint8Array[] {
  const lines = gunzipSync(readFileSync(`${FIXTURES}/${run}/fastpath.jsonl.gz`)).toString('utf8').trim().split('\n');
  return lines.map((line) => new Uint8Array(Buffer.from((JSON.parse(line) as { b64: string }).b64, 'base64')));
}

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
}

/**
 * Time of pushing `pdus` through a fresh decoder, after a warm-up: the best of the rounds (`ms`,
 * steadiest on a shared machine) and their median; and the tiles one pass decodes.
 */
function time(pdus: Uint8Array[]): { ms: number; median: number; tiles: number } {
  const times: number[] = [];
  let tiles = 0;
  for (let round = 0; round <= ROUNDS; round++) {
    const decoder = new FastPathDecoder(1024, 768);
    const start = performance.now();
    for (const pdu of pdus) {
      const output = decoder.push(pdu);
      if (output.errors.length) throw new Error(output.errors.join('\n'));
    }
    if (round > 0) times.push(performance.now() - start);
    tiles = decoder.tilesDecoded;
  }
  return { ms: Math.min(...times), median: median(times), tiles };
}

const rfx = capture('shadow-rfx');
// PDUs 0–4: the RemoteFX header blocks and the first frame, the whole 1024×768 screen in 5 fragments.
const frame = time(rfx.slice(0, 5));
const session = time(rfx);
const xrdp = time(capture('xrdp-rfx'));
const rows: [string, string][] = [
  ['full 1024x768 RemoteFX frame (shadow-rfx, 192 tiles)', `${frame.ms.toFixed(2)} ms (median ${frame.median.toFixed(2)})`],
  ['per 64x64 tile, in that frame', `${(frame.ms / frame.tiles).toFixed(3)} ms (median ${(frame.median / frame.tiles).toFixed(3)})`],
  ['shadow-rfx session (160 PDUs)', `${session.ms.toFixed(1)} ms, ${session.tiles} tiles, ${Math.round((session.tiles / session.ms) * 1000)} tiles/s`],
  ['xrdp-rfx session (368 PDUs)', `${xrdp.ms.toFixed(1)} ms, ${xrdp.tiles} tiles, ${Math.round((xrdp.tiles / xrdp.ms) * 1000)} tiles/s`],
];
console.log(`best of ${ROUNDS} rounds after a warm-up`);
for (const run of ['shadow-planar32', 'shadow-interleaved16']) {
  const pdus = capture(run);
  const bytes = pdus.reduce((sum, pdu) => sum + pdu.length, 0);
  const { ms } = time(pdus);
  rows.push([`${run} session (${pdus.length} PDUs)`, `${ms.toFixed(1)} ms, ${(bytes / 1e3 / ms).toFixed(1)} MB/s of PDUs`]);
}
// The scan that finds a fast-path update's painted area (the session's cost for every PDU, decoded or not).
{
  const pdus = ['shadow-rfx', 'xrdp-rfx', 'shadow-planar32', 'shadow-interleaved16'].flatMap((run) => capture(run));
  const times: number[] = [];
  for (let round = 0; round <= ROUNDS; round++) {
    const scanner = new FastPathScanner(1024, 768);
    const start = performance.now();
    for (const pdu of pdus) scanner.push(pdu);
    if (round > 0) times.push(performance.now() - start);
  }
  const perPdu = (ms: number) => ((ms * 1000) / pdus.length).toFixed(2);
  rows.push([`FastPathScanner.push, the four captures (${pdus.length} PDUs)`, `${perPdu(Math.min(...times))} µs per PDU (median ${perPdu(median(times))}; target < 200)`]);
}
const width = Math.max(...rows.map(([label]) => label.length));
for (const [label, value] of rows) console.log(`${label.padEnd(width)}  ${value}`);
