import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TileBytesStore } from '../../src/core/tile-bytes.js';

const tileOf = (seed: number, length: number) => Uint8Array.from({ length }, (_, i) => (seed * 31 + i) & 0xff);

describe('TileBytesStore', () => {
  test('gives back every tile, from the open segment, the cache and sealed Blobs read back', async () => {
    const store = new TileBytesStore({ segmentBytes: 1000, cacheBytes: 2000 });
    const tiles = Array.from({ length: 40 }, (_, i) => tileOf(i, 150 + i * 7));
    const stored = tiles.map((tile) => store.add(tile));
    assert.ok(stored.at(-1)!.segment >= 8, 'spread over many segments');
    let waited = 0;
    for (const [index, ref] of stored.entries()) {
      const bytes = store.read(ref);
      if (bytes instanceof Promise) waited += 1;
      assert.deepEqual(await bytes, tiles[index], `tile ${index}`);
    }
    assert.ok(waited > 0, 'old segments were evicted and read back from their Blobs');
    // Memory held here stays within the open segment and the cache budget, however many tiles.
    assert.ok(store.residentBytes <= 1000 + 2000 + 1000);
  });

  test('a tile larger than a segment gets a segment of its own', async () => {
    const store = new TileBytesStore({ segmentBytes: 100, cacheBytes: 100 });
    const small = store.add(tileOf(1, 60));
    const large = store.add(tileOf(2, 250));
    const after = store.add(tileOf(3, 60));
    assert.notEqual(small.segment, large.segment);
    assert.deepEqual(await store.read(large), tileOf(2, 250));
    assert.deepEqual(await store.read(small), tileOf(1, 60));
    assert.deepEqual(await store.read(after), tileOf(3, 60));
  });

  test('bytes in memory pass through', () => {
    const store = new TileBytesStore();
    const bytes = tileOf(9, 10);
    assert.equal(store.read(bytes), bytes);
  });
});
