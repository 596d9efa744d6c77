// Keyframes' compressed copies where the player keeps them, in a dedicated worker of real Chromium:
// the screen's pixels deflated into the tile store's file, never Blobs. A screen restored from its
// copy alone is the screen captured, pixel for pixel; the copies stay within their byte budget
// over a long run of keyframes; a copy that cannot be stored or inflated costs that keyframe only.
import { expect } from '@open-wc/testing';
import type { CopiesRun, CopiesScenario } from './workers/keyframe-copies.worker.js';

function runInWorker(scenario: CopiesScenario, screens: number, budgetBytes: number): Promise<CopiesRun> {
  const worker = new Worker(new URL('./workers/keyframe-copies.worker.ts', import.meta.url), { type: 'module' });
  return new Promise<CopiesRun>((resolve, reject) => {
    worker.onmessage = (event: MessageEvent<CopiesRun | { error: string }>) => ('error' in event.data ? reject(new Error(event.data.error)) : resolve(event.data));
    worker.onerror = (event) => reject(new Error(`worker failed: ${event.message}`));
    worker.postMessage({ scenario, screens, budgetBytes });
  }).finally(() => worker.terminate());
}

describe('keyframe copies in a worker', () => {
  it('restore every screen pixel-exactly from the tile store’s file, within the budget over a long run', async () => {
    const budgetBytes = 1024 * 1024;
    const run = await runInWorker('file', 60, budgetBytes);
    expect(run.spillsToFile, 'the tile store has its file').to.equal(true);
    expect(run.captured).to.equal(60);
    expect(run.maxEncodedBytes, 'copies within their budget').to.be.at.most(budgetBytes);
    // The screens have noise in them: 60 copies do not fit the budget, so some were thinned out.
    expect(run.kept).to.be.within(2, 59);
    expect(run.inFile, 'every kept copy is in the file').to.equal(run.kept);
    expect(run.maxResidentBytes, 'the tile store holds no more than its open segment').to.be.at.most(256 * 1024 + 1024 * 1024);
    expect(run.restored).to.equal(run.kept);
    expect(run.mismatches).to.deep.equal([]);
  });

  it('stay in the worker’s heap when the file cannot be written, and still restore pixel-exactly', async () => {
    const run = await runInWorker('file-write-fails', 12, 64 * 1024 * 1024);
    expect(run.spillsToFile, 'the failed write stopped the file').to.equal(false);
    expect(run.kept).to.equal(12);
    expect(run.inFile, 'at most the copy made before the failure showed went to the tile store').to.be.at.most(1);
    expect(run.restored).to.equal(12);
    expect(run.mismatches).to.deep.equal([]);
  });

  it('drop a keyframe whose compression failed; the others restore pixel-exactly', async () => {
    const run = await runInWorker('compression-fails', 10, 64 * 1024 * 1024);
    expect(run.kept, 'the five whose compression failed are gone').to.equal(5);
    expect(run.restored).to.equal(5);
    expect(run.mismatches).to.deep.equal([]);
  });

  it('drop a keyframe whose copy no longer inflates, and say why', async () => {
    const run = await runInWorker('damaged-copy', 4, 64 * 1024 * 1024);
    expect(run.failure?.message).to.not.equal('restored');
    expect(run.failure?.stillKept, 'later seeks start elsewhere').to.equal(false);
    expect(run.restored).to.equal(3);
    expect(run.mismatches).to.deep.equal([]);
  });
});
