// The tile bytes store where the player runs it, in a dedicated worker of real Chromium: sealed
// segments go to a file of the origin private file system, so neither the worker nor the browser
// process holds them; every tile reads back, synchronously; a file left behind by a player that
// ended without closing is removed; closing removes the store's own file.
import { expect } from '@open-wc/testing';
import { SPILL_DIRECTORY } from '../../src/core/tile-spill-file.js';
import type { SpillRun } from './workers/tile-bytes-spill.worker.js';

async function spillDirectory(): Promise<FileSystemDirectoryHandle> {
  return (await navigator.storage.getDirectory()).getDirectoryHandle(SPILL_DIRECTORY, { create: true });
}

function runInWorker(tiles: number): Promise<SpillRun> {
  const worker = new Worker(new URL('./workers/tile-bytes-spill.worker.ts', import.meta.url), { type: 'module' });
  return new Promise<SpillRun>((resolve, reject) => {
    worker.onmessage = (event: MessageEvent<SpillRun>) => resolve(event.data);
    worker.onerror = (event) => reject(new Error(`worker failed: ${event.message}`));
    worker.postMessage({ tiles });
  }).finally(() => worker.terminate());
}

describe('TileBytesStore in a worker', () => {
  it('keeps a long recording on disk: memory stays within one segment, every tile reads back, the files go away', async () => {
    // A file such as a closed tab leaves: not locked by anyone.
    const stale = await (await spillDirectory()).getFileHandle('left-by-a-closed-tab.tiles', { create: true });
    const writable = await stale.createWritable();
    await writable.write(new Uint8Array(1000));
    await writable.close();

    const run = await runInWorker(3000);
    expect(run.spillsToFile, 'segments go to a file').to.equal(true);
    expect(run.bytes).to.be.greaterThan(200 * run.segmentBytes);
    expect(run.maxResidentBytes, 'only the open segment is held').to.be.at.most(run.segmentBytes);
    expect(run.heldReadIntact, 'a tile read from the open segment is not changed by later tiles').to.equal(true);
    expect(run.mismatches).to.deep.equal([]);
    expect(run.synchronousReads, 'reads from the file are synchronous').to.equal(run.tiles);
    expect(run.transientMismatches).to.deep.equal([]);
    expect(run.transientFileReads, 'transient reads of sealed segments come from the file').to.be.greaterThan(run.tiles * 0.9);
    // 200 B – 12 KB tiles: a 64 KiB buffer from the first read on, never replaced.
    expect(run.transientBuffers, 'transient reads from the file reuse one buffer').to.equal(1);
    expect(run.filesWhileOpen.map((file) => file.name)).to.not.include('left-by-a-closed-tab.tiles');
    expect(run.filesWhileOpen).to.have.length(1);
    // Every sealed segment is in the file: all but the open one.
    expect(run.filesWhileOpen[0]!.size).to.be.within(run.bytes - run.segmentBytes, run.bytes);
    expect(run.filesAfterClose).to.deep.equal([]);
    expect(run.readAfterClose).to.match(/released/);
  });
});
