// QOIZ decoding speed in Node: ms per rectangle (64×64, 256×256, a full 1920×1080 screen) of a
// rasterized desktop, for each zstd decoder considered and for the QOI decoder, and the whole
// path through FastPathDecoder. Zstd frames are made by the zstd tool from stdin (so, like
// Teleport's, they carry no content size), at level 3.
// zstddec (WASM) is measured when installed: `npm install --no-save zstddec@0.3.4` first.
// Run: npx tsx test/bench/qoiz.node.ts
import { execFileSync } from 'node:child_process';
import { createCanvas } from '@napi-rs/canvas';
import { Decompress, decompress } from 'fzstd';
import { FastPathDecoder } from '../../src/core/fastpath/index.js';
import { decodeQoi, maxQoiBytes } from '../../src/core/fastpath/qoi.js';
import { decompressZstd } from '../../src/core/fastpath/zstd.js';
import { encodeQoi, qoizSurfaceBits, teleportPdus } from '../helpers/qoiz.js';

const SCREEN = { width: 1920, height: 1080 };

/** A desktop: wallpaper gradient, a window with text, a taskbar. */
function desktopPixels(): Uint8Array {
  const canvas = createCanvas(SCREEN.width, SCREEN.height);
  const context = canvas.getContext('2d');
  const gradient = context.createLinearGradient(0, 0, SCREEN.width, SCREEN.height);
  gradient.addColorStop(0, '#1d4f7a');
  gradient.addColorStop(1, '#3a8fb7');
  context.fillStyle = gradient;
  context.fillRect(0, 0, SCREEN.width, SCREEN.height);
  context.fillStyle = '#f3f3f3';
  context.fillRect(120, 80, 1200, 800);
  context.fillStyle = '#2b2b2b';
  context.fillRect(120, 80, 1200, 32);
  context.font = '14px "DejaVu Sans Mono", monospace';
  for (let line = 0; line < 40; line++) {
    context.fillStyle = line % 7 === 0 ? '#0b6e0b' : '#1a1a1a';
    context.fillText(`${String(line + 1).padStart(3)}  const value${line} = compute(${line * 37 % 101}, "row ${line}") // note`, 130, 135 + line * 18);
  }
  context.fillStyle = '#202020';
  context.fillRect(0, SCREEN.height - 40, SCREEN.width, 40);
  return new Uint8Array(context.getImageData(0, 0, SCREEN.width, SCREEN.height).data.buffer);
}

function crop(screen: Uint8Array, left: number, top: number, width: number, height: number): Uint8Array {
  const out = new Uint8Array(width * height * 4);
  for (let row = 0; row < height; row++) out.set(screen.subarray(((top + row) * SCREEN.width + left) * 4, ((top + row) * SCREEN.width + left + width) * 4), row * width * 4);
  return out;
}

const zstdCompress = (data: Uint8Array): Uint8Array => new Uint8Array(execFileSync('zstd', ['-3', '-c', '--no-check'], { input: data }));

/** ms per call: the best and the median of rounds of at least 100 ms. */
function time(run: () => void): { best: number; median: number } {
  run();
  let calls = 1;
  for (let start = performance.now(); performance.now() - start < 100; calls++) run();
  const rounds: number[] = [];
  for (let round = 0; round < 9; round++) {
    const start = performance.now();
    for (let i = 0; i < calls; i++) run();
    rounds.push((performance.now() - start) / calls);
  }
  rounds.sort((a, b) => a - b);
  return { best: rounds[0]!, median: rounds[4]! };
}

interface Zstddec {
  init(): Promise<void>;
  decode(data: Uint8Array, size?: number): Uint8Array;
  decodeStreaming(data: Iterable<Uint8Array>): Iterable<Uint8Array>;
}
const zstddec = await import('zstddec/stream' as string).then(
  async ({ ZSTDDecoder }: { ZSTDDecoder: new () => Zstddec }) => {
    const decoder = new ZSTDDecoder();
    await decoder.init();
    return decoder;
  },
  () => undefined,
);
const NOT_INSTALLED = { best: NaN, median: NaN };
const screen = desktopPixels();
const cases = [
  { name: '64×64', left: 300, top: 300, width: 64, height: 64 },
  { name: '256×256', left: 200, top: 100, width: 256, height: 256 },
  { name: '1920×1080', left: 0, top: 0, width: 1920, height: 1080 },
];
const format = ({ best, median }: { best: number; median: number }): string => (Number.isNaN(best) ? 'not installed' : `${best.toFixed(3)} (${median.toFixed(3)})`);
console.log('ms per rectangle, best (median) of 9 rounds');
console.log('| rectangle | QOI bytes | zstd bytes | fzstd decompress | fzstd Decompress (stream, 2 MiB window) | decompressZstd (fzstd stream, window lowered, output bounded) | zstddec decodeStreaming | zstddec decode(size bound) | QOI decode | FastPathDecoder.push (zstd + QOI + blit) |');
console.log('|---|---|---|---|---|---|---|---|---|---|');
for (const { name, left, top, width, height } of cases) {
  const qoi = encodeQoi(crop(screen, left, top, width, height), width, height);
  const zstd = zstdCompress(qoi);
  if (zstd[4] !== 0) throw new Error(`the zstd tool wrote frame header descriptor ${zstd[4]}, expected no content size`);
  const out = new Uint32Array(width * height);
  const fzstdOne = time(() => decompress(zstd));
  const fzstdStream = time(() => {
    const parts: Uint8Array[] = [];
    const stream = new Decompress((chunk) => parts.push(chunk));
    stream.push(zstd, true);
  });
  const ours = time(() => decompressZstd(zstd, maxQoiBytes(width * height)));
  const wasmStream = zstddec ? time(() => Array.from(zstddec.decodeStreaming([zstd]))) : NOT_INSTALLED;
  const wasmBound = zstddec ? time(() => zstddec.decode(zstd, maxQoiBytes(width * height))) : NOT_INSTALLED;
  const qoiOnly = time(() => decodeQoi(qoi, width, height, out));
  const pdus = teleportPdus(0x4, qoizSurfaceBits(left, top, width, height, zstd));
  const decoder = new FastPathDecoder(SCREEN.width, SCREEN.height);
  const whole = time(() => {
    for (const pdu of pdus) {
      const { errors } = decoder.push(pdu);
      if (errors.length) throw new Error(errors.join('\n'));
    }
  });
  console.log(`| ${name} | ${qoi.length} | ${zstd.length} | ${format(fzstdOne)} | ${format(fzstdStream)} | ${format(ours)} | ${format(wasmStream)} | ${format(wasmBound)} | ${format(qoiOnly)} | ${format(whole)} |`);
}
