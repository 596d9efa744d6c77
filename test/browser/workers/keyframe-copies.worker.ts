/// <reference lib="webworker" />
// Keyframes where the player keeps them, in a dedicated worker of real Chromium: screens are
// captured into a KeyframeStore whose compressed copies go into a TileBytesStore spilling to the
// origin private file system (or, when a write to that file fails, stay in this heap). Every
// screen is then restored from its copy alone (no decoded copy kept) and compared pixel for pixel
// with the screen captured. Posts what it saw.
import { ScreenCompressor } from '../../../src/core/keyframe-compressor.js';
import { KeyframeStore } from '../../../src/core/keyframes.js';
import { TileBytesStore, type SegmentSpill } from '../../../src/core/tile-bytes.js';
import { openFileSpill } from '../../../src/core/tile-spill-file.js';

export type CopiesScenario = 'file' | 'file-write-fails' | 'damaged-copy' | 'compression-fails';

export interface CopiesRun {
  scenario: CopiesScenario;
  captured: number;
  kept: number;
  /** The copies' bytes after each keyframe settled, at most. */
  maxEncodedBytes: number;
  budgetBytes: number;
  spillsToFile: boolean;
  /** Bytes the tile store held in this heap after each keyframe, at most. */
  maxResidentBytes: number;
  /** Keyframes whose copy is in the file. */
  inFile: number;
  /** Keyframes restored from their copy whose pixels differ from the screen captured (`end: pixels`). */
  mismatches: string[];
  restored: number;
  /** A keyframe whose copy could not be used: what acquiring it said, and whether the store still has it. */
  failure?: { message: string; stillKept: boolean };
}

const WIDTH = 640;
const HEIGHT = 360;

/** A seeded generator (mulberry32), so every run draws the same screens. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Desktop-like changes: flat windows, text, a gradient, and a patch of noise that compresses badly. */
function paintStep(context: OffscreenCanvasRenderingContext2D, random: () => number): void {
  const color = () => `rgb(${Math.floor(random() * 256)}, ${Math.floor(random() * 256)}, ${Math.floor(random() * 256)})`;
  context.fillStyle = color();
  context.fillRect(random() * WIDTH, random() * HEIGHT, 40 + random() * 200, 30 + random() * 120);
  context.fillStyle = color();
  context.font = '13px monospace';
  context.fillText(`line ${Math.floor(random() * 1e6)} of the session`, random() * WIDTH, random() * HEIGHT);
  const gradient = context.createLinearGradient(0, 0, 120, 0);
  gradient.addColorStop(0, color());
  gradient.addColorStop(1, color());
  context.fillStyle = gradient;
  context.fillRect(random() * WIDTH, random() * HEIGHT, 120, 20);
  const noise = context.createImageData(48, 48);
  for (let i = 0; i < noise.data.length; i++) noise.data[i] = i % 4 === 3 ? 255 : Math.floor(random() * 256);
  context.putImageData(noise, Math.floor(random() * (WIDTH - 48)), Math.floor(random() * (HEIGHT - 48)));
}

/** A file spill whose writes fail (a full disk, a quota), as the tile store meets them. */
async function failingFileSpill(): Promise<SegmentSpill | null> {
  const file = await openFileSpill();
  if (!file) return null;
  return {
    write: () => {
      throw new DOMException('the quota was exceeded', 'QuotaExceededError');
    },
    read: (segment, offset, length) => file.read(segment, offset, length),
    get residentBytes() {
      return 0;
    },
    close: () => file.close(),
  };
}

const until = async (holds: () => boolean, what: string): Promise<void> => {
  for (let turn = 0; turn < 2000 && !holds(); turn++) await new Promise((resolve) => setTimeout(resolve, 5));
  if (!holds()) throw new Error(`gave up waiting: ${what}`);
};

async function run(scenario: CopiesScenario, screens: number, budgetBytes: number): Promise<CopiesRun> {
  const tiles = new TileBytesStore({ segmentBytes: 256 * 1024, cacheBytes: 1024 * 1024 }, scenario === 'file-write-fails' ? failingFileSpill : undefined);
  await tiles.ready;
  // A small file segment is written before the failure shows: the first sealed one fails.
  if (scenario === 'file-write-fails') tiles.add(new Uint8Array(300 * 1024));
  // No decoded copies: every restore inflates the compressed one.
  const store = new KeyframeStore({ decodedBytes: 0, encodedBytes: budgetBytes });
  store.keepCopiesIn(tiles);
  const canvas = new OffscreenCanvas(WIDTH, HEIGHT);
  const context = canvas.getContext('2d', { alpha: false })!;
  context.fillStyle = '#1e1e1e';
  context.fillRect(0, 0, WIDTH, HEIGHT);
  const compressor = new ScreenCompressor(() => new Promise((resolve) => setTimeout(resolve, 0)));
  const random = seeded(0x6b66);
  const screensAt = new Map<number, Uint8ClampedArray>();
  const result: CopiesRun = {
    scenario, captured: 0, kept: 0, maxEncodedBytes: 0, budgetBytes, spillsToFile: false, maxResidentBytes: 0, inFile: 0, mismatches: [], restored: 0,
  };
  for (let index = 1; index <= screens; index++) {
    // The first step of each screen was painted right after the last capture (below).
    for (let step = index === 1 ? 0 : 1; step < 6; step++) paintStep(context, random);
    const end = index * 10;
    screensAt.set(end, context.getImageData(0, 0, WIDTH, HEIGHT).data);
    if (scenario === 'compression-fails' && index % 2 === 0) {
      store.add({ end, timeMs: end, width: WIDTH, height: HEIGHT }, createImageBitmap(canvas), Promise.reject(new TypeError('the compressor failed')));
    } else {
      // As the keyframe builder captures the screen.
      store.add({ end, timeMs: end, width: WIDTH, height: HEIGHT }, createImageBitmap(canvas), compressor.compress(canvas));
    }
    result.captured += 1;
    // The builder paints on right after a capture: the copy is the screen when captured.
    paintStep(context, random);
    // Settled: its copy kept (or it was dropped), the decoded copy let go.
    await until(() => !store.has(end) || (store.before(end, 0)?.copy !== undefined && store.before(end, 0)?.bitmap === undefined), `keyframe ${end} settles`);
    result.maxEncodedBytes = Math.max(result.maxEncodedBytes, store.bytes.encoded);
    result.maxResidentBytes = Math.max(result.maxResidentBytes, tiles.residentBytes);
  }
  result.spillsToFile = tiles.spillsToFile;
  for (let end = 10; end <= screens * 10; end += 10) {
    const keyframe = store.has(end) ? store.before(end, 0) : undefined;
    if (!keyframe) continue;
    result.kept += 1;
    if ('home' in keyframe.copy!) result.inFile += 1;
    if (scenario === 'damaged-copy' && result.failure === undefined) {
      // The copy's bytes changed on disk: it no longer inflates to a screen.
      const copy = keyframe.copy!;
      const bytes = 'home' in copy ? await copy.home.read(copy.image) : copy.image;
      const damaged = bytes.slice(0, Math.floor(bytes.length / 2));
      keyframe.copy = { image: damaged, size: copy.size };
      try {
        await store.acquire(keyframe);
        result.failure = { message: 'restored', stillKept: store.has(end) };
      } catch (error) {
        result.failure = { message: String(error), stillKept: store.has(end) };
      } finally {
        store.release(keyframe);
      }
      continue;
    }
    const image = await store.acquire(keyframe);
    const check = new OffscreenCanvas(WIDTH, HEIGHT).getContext('2d', { alpha: false })!;
    check.drawImage(image, 0, 0);
    store.release(keyframe);
    const pixels = check.getImageData(0, 0, WIDTH, HEIGHT).data;
    const expected = screensAt.get(end)!;
    let differing = 0;
    for (let i = 0; i < pixels.length; i++) if (pixels[i] !== expected[i]) differing += 1;
    if (differing > 0) result.mismatches.push(`${end}: ${differing}`);
    result.restored += 1;
  }
  store.clear();
  tiles.close();
  return result;
}

self.onmessage = async (message: MessageEvent<{ scenario: CopiesScenario; screens: number; budgetBytes: number }>) => {
  const { scenario, screens, budgetBytes } = message.data;
  try {
    self.postMessage(await run(scenario, screens, budgetBytes));
  } catch (error) {
    self.postMessage({ error: String(error) });
  }
};
