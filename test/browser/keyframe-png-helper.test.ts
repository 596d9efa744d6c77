// Keyframes' PNG copies encoded in short-lived helper workers, as the player worker's background
// builder does: each decodes to the screen captured, pixel for pixel, and its bytes are those of
// encoding in place; a fresh helper takes over every N keyframes; a helper that cannot start, or
// fails midway, leaves the encoding to the worker's own thread with the same screens.
import { expect } from '@open-wc/testing';
import type { PngRequest, PngRun } from './workers/keyframe-png.worker.js';

function encodeInWorker(request: PngRequest, query = ''): Promise<PngRun> {
  const worker = new Worker(new URL(`./workers/keyframe-png.worker.ts${query}`, import.meta.url), { type: 'module' });
  return new Promise<PngRun>((resolve, reject) => {
    worker.onmessage = (event: MessageEvent<PngRun>) => resolve(event.data);
    worker.onerror = (event) => reject(new Error(`worker failed: ${event.message}`));
    worker.postMessage(request);
  }).finally(() => worker.terminate());
}

const allTrue = (count: number): boolean[] => Array.from({ length: count }, () => true);

describe('keyframe PNGs encoded in helper workers', function () {
  this.timeout(60_000);

  it('decode to the captured screens, byte for byte as encoded in place, one helper for all', async () => {
    const run = await encodeInWorker({ seed: 151, frames: 6, width: 640, height: 360, replaceAfter: 16 });
    expect(run.pixelsEqual).to.deep.equal(allTrue(6));
    expect(run.bytesEqual).to.deep.equal(allTrue(6));
    expect(run.stats).to.deep.equal({ helpersStarted: 1, encodedInHelper: 6, encodedHere: 0 });
  });

  it('a fresh helper after every 2 keyframes: every keyframe still its screen', async () => {
    const run = await encodeInWorker({ seed: 152, frames: 7, width: 320, height: 200, replaceAfter: 2 });
    expect(run.pixelsEqual).to.deep.equal(allTrue(7));
    expect(run.bytesEqual).to.deep.equal(allTrue(7));
    expect(run.stats).to.deep.equal({ helpersStarted: 4, encodedInHelper: 7, encodedHere: 0 });
  });

  it('a helper that cannot start: every keyframe encoded in place, the same screens', async () => {
    const run = await encodeInWorker({ seed: 153, frames: 5, width: 320, height: 200, replaceAfter: 16 }, '?png=broken');
    expect(run.pixelsEqual).to.deep.equal(allTrue(5));
    expect(run.bytesEqual).to.deep.equal(allTrue(5));
    expect(run.stats.helpersStarted).to.equal(1);
    expect(run.stats.encodedInHelper).to.equal(0);
    expect(run.stats.encodedHere).to.equal(5);
  });

  it('a helper that fails on its third screen: the rest are encoded in place, the same screens', async () => {
    const run = await encodeInWorker({ seed: 154, frames: 6, width: 320, height: 200, replaceAfter: 16 }, '?png=throw-at=3');
    expect(run.pixelsEqual).to.deep.equal(allTrue(6));
    expect(run.bytesEqual).to.deep.equal(allTrue(6));
    expect(run.stats.helpersStarted).to.equal(1);
    expect(run.stats.encodedInHelper).to.be.at.most(2);
    expect(run.stats.encodedInHelper + run.stats.encodedHere).to.equal(6);
  });
});
