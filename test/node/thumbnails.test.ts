import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { LatestRenderQueue } from '../../src/core/thumbnails.js';

/** A stand-in for an ImageBitmap: a name, and whether it was closed. */
class FakeImage {
  closed = false;
  constructor(readonly name: string) {}
  close(): void {
    this.closed = true;
  }
}

/** A render that finishes when the test says so. */
function deferredRender(name: string) {
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  const render = {
    calls: 0,
    image: new FakeImage(name),
    run: async (): Promise<FakeImage> => {
      render.calls += 1;
      await done;
      return render.image;
    },
    finish,
  };
  return render;
}

const copies = (image: FakeImage) => Promise.resolve(new FakeImage(`copy of ${image.name}`));
const settled = () => new Promise((resolve) => setImmediate(resolve));

describe('LatestRenderQueue', () => {
  test('renders one at a time; a newer request replaces the waiting one, which gets null', async () => {
    const queue = new LatestRenderQueue(copies);
    const [a, b, c] = [deferredRender('a'), deferredRender('b'), deferredRender('c')];
    const first = queue.request('a', a.run);
    const second = queue.request('b', b.run);
    const third = queue.request('c', c.run);
    await settled();
    assert.equal(a.calls, 1);
    assert.equal(b.calls + c.calls, 0, 'nothing else starts while one runs');
    assert.equal(await second, null, 'replaced while waiting');
    a.finish();
    assert.equal((await first)!.name, 'copy of a');
    await settled();
    assert.equal(b.calls, 0, 'the replaced one never renders');
    assert.equal(c.calls, 1);
    c.finish();
    assert.equal((await third)!.name, 'copy of c');
  });

  test('keeps results in an LRU of its size, hands out copies, and closes what it drops', async () => {
    const queue = new LatestRenderQueue(copies, 2);
    const renders = ['a', 'b', 'c'].map(deferredRender);
    for (const render of renders) {
      render.finish();
      await queue.request(render.image.name, render.run);
    }
    assert.deepEqual(renders.map((render) => render.image.closed), [true, false, false], 'a, the least recently used, went');
    const again = deferredRender('b again');
    assert.equal((await queue.request('b', again.run))!.name, 'copy of b');
    assert.equal(again.calls, 0, 'from the cache');
    queue.clear();
    assert.deepEqual(renders.map((render) => render.image.closed), [true, true, true]);
  });

  test('clear() drops a running render and what waits', async () => {
    const queue = new LatestRenderQueue(copies);
    const [a, b] = [deferredRender('a'), deferredRender('b')];
    const running = queue.request('a', a.run);
    const waiting = queue.request('b', b.run);
    queue.clear();
    assert.equal(await waiting, null);
    a.finish();
    assert.equal(await running, null);
    assert.equal(a.image.closed, true);
    assert.equal(b.calls, 0);
  });

  test('a failed render rejects its request only', async () => {
    const queue = new LatestRenderQueue(copies);
    await assert.rejects(queue.request('a', () => Promise.reject(new Error('no'))), /no/);
    const b = deferredRender('b');
    b.finish();
    assert.equal((await queue.request('b', b.run))!.name, 'copy of b');
  });
});
