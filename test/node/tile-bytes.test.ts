import assert from 'node:assert/strict';
import { closeSync, mkdtempSync, openSync, readSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { KeyframeStore } from '../../src/core/keyframes.js';
import { TileBytesStore, type StoredBytes } from '../../src/core/tile-bytes.js';
import { FileSpill, type SyncFile } from '../../src/core/tile-spill-file.js';
import '../helpers/property-seed.js';

const tileOf = (seed: number, length: number) => Uint8Array.from({ length }, (_, i) => (seed * 31 + i) & 0xff);

/** Checks that every stored tile reads back as it went in; returns how many reads had to wait. */
async function readsBack(store: TileBytesStore, stored: StoredBytes[], tiles: Uint8Array[]): Promise<number> {
  let waited = 0;
  for (const [index, ref] of stored.entries()) {
    const bytes = store.read(ref);
    if (bytes instanceof Promise) waited += 1;
    assert.deepEqual(await bytes, tiles[index], `tile ${index}`);
  }
  return waited;
}

describe('TileBytesStore', () => {
  test('gives back every tile, from the open segment, the cache and sealed Blobs read back', async () => {
    const store = new TileBytesStore({ segmentBytes: 1000, cacheBytes: 2000 });
    const tiles = Array.from({ length: 40 }, (_, i) => tileOf(i, 150 + i * 7));
    const stored = tiles.map((tile) => store.add(tile));
    assert.ok(stored.at(-1)!.segment >= 8, 'spread over many segments');
    const waited = await readsBack(store, stored, tiles);
    assert.ok(waited > 0, 'old segments were evicted and read back from their Blobs');
    // Memory held here stays within the open segment and the cache budget, however many tiles, once
    // the spill is settled (until then, segments waiting for the file take at most the cache budget more).
    assert.ok(store.residentBytes <= 1000 + 2000 + 2000 + 1000);
    await store.ready;
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

/** A real file on disk through positioned reads and writes, as the origin private file system's handle gives them. */
function diskFile(): { file: SyncFile; path: string; removed: () => boolean } {
  const dir = mkdtempSync(join(tmpdir(), 'tile-bytes-'));
  const path = join(dir, 'spill.tiles');
  const fd = openSync(path, 'w+');
  let removed = false;
  return {
    path,
    removed: () => removed,
    file: {
      write: (buffer, { at }) => writeSync(fd, buffer, 0, buffer.length, at),
      read: (buffer, { at }) => readSync(fd, buffer, 0, buffer.length, at),
      close: () => {
        closeSync(fd);
        rmSync(dir, { recursive: true });
        removed = true;
      },
    },
  };
}

describe('TileBytesStore spilling', () => {
  test('a long recording: memory held stays within one segment while every tile reads back from the file', async () => {
    const disk = diskFile();
    const segmentBytes = 4096;
    const store = new TileBytesStore({ segmentBytes, cacheBytes: 3 * segmentBytes }, async () => new FileSpill(disk.file));
    await store.ready;
    assert.equal(store.spillsToFile, true);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 3000 }), { minLength: 200, maxLength: 600 }), (lengths) => {
        const stored = lengths.map((length, index) => {
          const ref = store.add(tileOf(index + length, length));
          // Nothing but the open segment stays in this process, however many segments are sealed.
          assert.ok(store.residentBytes <= segmentBytes, `held ${store.residentBytes} bytes after tile ${index}`);
          return ref;
        });
        for (const [index, ref] of stored.entries()) {
          const bytes = store.read(ref);
          assert.ok(bytes instanceof Uint8Array, 'a file read is synchronous');
          assert.deepEqual(bytes, tileOf(index + lengths[index]!, lengths[index]!), `tile ${index}`);
        }
      }),
      { numRuns: 5 },
    );
    assert.ok(statSync(disk.path).size > 100 * segmentBytes, 'the sealed segments are in the file');
    store.close();
    assert.equal(disk.removed(), true, 'closing removes the file');
    assert.throws(() => store.read({ segment: 0, offset: 0, length: 1 }), /released/);
  });

  test('segments sealed while the file opens wait in memory, within the budget, then go to the file', async () => {
    const disk = diskFile();
    let open!: (spill: FileSpill) => void;
    const store = new TileBytesStore({ segmentBytes: 1000, cacheBytes: 3000 }, () => new Promise((resolve) => (open = resolve)));
    const tiles = Array.from({ length: 60 }, (_, i) => tileOf(i, 400));
    const stored = tiles.map((tile) => {
      const ref = store.add(tile);
      // The open segment, the waiting ones within the budget, and the Blob cache within it: beyond, segments did not wait.
      assert.ok(store.residentBytes <= 1000 + 3000 + 3000, `held ${store.residentBytes} bytes`);
      return ref;
    });
    for (const [index, ref] of stored.entries()) assert.deepEqual(await store.read(ref), tiles[index]);
    open(new FileSpill(disk.file));
    await store.ready;
    assert.equal(store.spillsToFile, true);
    const later = tiles.map((tile) => store.add(tile));
    for (const [index, ref] of [...stored, ...later].entries()) assert.deepEqual(await store.read(ref), tiles[index % tiles.length], `tile ${index}`);
    store.close();
  });

  test('a full disk: what is in the file stays readable, later segments go to Blobs', async () => {
    const disk = diskFile();
    let room = 5000;
    const quota: SyncFile = {
      ...disk.file,
      write: (buffer, options) => {
        if (buffer.length > room) return 0;
        room -= buffer.length;
        return disk.file.write(buffer, options);
      },
    };
    const store = new TileBytesStore({ segmentBytes: 1000, cacheBytes: 2000 }, async () => new FileSpill(quota));
    await store.ready;
    const tiles = Array.from({ length: 80 }, (_, i) => tileOf(i, 300));
    const stored = tiles.map((tile) => store.add(tile));
    assert.equal(store.spillsToFile, false);
    assert.ok((await readsBack(store, stored, tiles)) > 0, 'evicted Blob segments were read back');
    assert.ok(store.residentBytes <= 1000 + 2000 + 1000);
    store.close();
  });

  test('no file storage (Node has no origin private file system): segments become Blobs', async () => {
    const store = new TileBytesStore({ segmentBytes: 1000, cacheBytes: 2000 });
    await store.ready;
    assert.equal(store.spillsToFile, false);
    const ref = store.add(tileOf(1, 900));
    store.add(tileOf(2, 900));
    assert.deepEqual(await store.read(ref), tileOf(1, 900));
  });
});

describe('keyframe PNG copies', () => {
  /** Until `holds()`, letting promises settle in between; fails after `tries` turns. */
  const until = async (holds: () => boolean, what: string, tries = 200): Promise<void> => {
    for (let i = 0; i < tries && !holds(); i++) await new Promise((resolve) => setImmediate(resolve));
    assert.ok(holds(), what);
  };
  const png = (seed: number, length: number) => new Blob([tileOf(seed, length)], { type: 'image/png' });

  test('go into the tile store’s file, not into Blobs the browser process holds; with no file they stay Blobs', async () => {
    const disk = diskFile();
    const tiles = new TileBytesStore({ segmentBytes: 4096, cacheBytes: 3 * 4096 }, async () => new FileSpill(disk.file));
    await tiles.ready;
    const store = new KeyframeStore();
    store.keepPngsIn(tiles);
    // Keyframes of 5000 bytes: larger than a segment, and several of them seal segments into the file.
    for (let end = 1; end <= 6; end++) store.add({ end: end * 10, timeMs: end * 100, width: 64, height: 64 }, undefined, Promise.resolve(png(end, 5000)));
    await until(() => store.bytes.encoded === 6 * 5000, 'every PNG copy is kept');
    for (let end = 1; end <= 6; end++) {
      const copy = store.before(end * 10, 0)!.png!;
      assert.ok('home' in copy && !(copy.image instanceof Blob), `keyframe ${end} is in the file`);
      assert.deepEqual(await copy.home.read(copy.image), tileOf(end, 5000), `keyframe ${end} reads back`);
    }
    assert.ok(statSync(disk.path).size >= 4 * 5000, 'the copies are in the file');
    assert.ok(tiles.residentBytes <= 5000, `the store holds no more than its open segment (${tiles.residentBytes} bytes)`);
    tiles.close();

    // No file (an engine in the page, or storage refused): Blobs, as before.
    const blobs = new TileBytesStore({ segmentBytes: 4096, cacheBytes: 4096 }, async () => null);
    await blobs.ready;
    const without = new KeyframeStore();
    without.keepPngsIn(blobs);
    without.add({ end: 10, timeMs: 100, width: 64, height: 64 }, undefined, Promise.resolve(png(1, 5000)));
    await until(() => without.bytes.encoded === 5000, 'the PNG copy is kept');
    assert.ok(without.before(10, 0)!.png!.image instanceof Blob);
  });

  test('a copy that arrives after a new load is dropped, not written into the old store', async () => {
    const disk = diskFile();
    const tiles = new TileBytesStore({ segmentBytes: 4096, cacheBytes: 4096 }, async () => new FileSpill(disk.file));
    await tiles.ready;
    const store = new KeyframeStore();
    store.keepPngsIn(tiles);
    let encode!: (blob: Blob) => void;
    store.add({ end: 10, timeMs: 100, width: 64, height: 64 }, undefined, new Promise((resolve) => (encode = resolve)));
    store.clear();
    tiles.close();
    encode(png(1, 100));
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(store.bytes.encoded, 0);
    assert.equal(store.count, 0);
  });

  test('copies the budget thins or evicts leave room in the file that later copies take: the file stops growing', async () => {
    const disk = diskFile();
    const tiles = new TileBytesStore({ segmentBytes: 4096, cacheBytes: 4096 }, async () => new FileSpill(disk.file));
    await tiles.ready;
    // Room for three copies of 5000 bytes: every later one evicts one.
    const store = new KeyframeStore({ decodedBytes: 0, encodedBytes: 3 * 5000 });
    store.keepPngsIn(tiles);
    for (let end = 1; end <= 40; end++) {
      store.add({ end: end * 10, timeMs: end * 100, width: 64, height: 64 }, undefined, Promise.resolve(png(end, 5000)));
      await until(() => store.before(end * 10, 0)?.png !== undefined || store.before(end * 10, 0)?.end !== end * 10, `copy ${end} is kept or evicted`);
      // Tiles keep arriving between copies, as they do while the builder works.
      tiles.add(tileOf(end, 700));
    }
    const kept = Array.from({ length: 40 }, (_, i) => store.before((i + 1) * 10, 0)).filter((keyframe, i) => keyframe?.end === (i + 1) * 10 && keyframe.png);
    assert.ok(kept.length >= 2 && kept.length <= 3, `${kept.length} copies kept`);
    for (const keyframe of kept) {
      const copy = keyframe!.png!;
      assert.ok('home' in copy);
      assert.deepEqual(await copy.home.read(copy.image), tileOf(keyframe!.end / 10, 5000), `keyframe ${keyframe!.end / 10} reads back`);
    }
    // Written without reuse: 40 copies and 40 tiles, 228,000 bytes.
    const fileBytes = statSync(disk.path).size;
    assert.ok(fileBytes <= 40 * 700 + 8 * 5000, `the file holds ${fileBytes} bytes`);
    tiles.close();
  });
});

describe('TileBytesStore: bytes freed and written over', () => {
  test('tiles and the copies still held read back exactly, however copies come and go (seeded)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(fc.record({ tile: fc.integer({ min: 1, max: 3000 }) }), fc.record({ copy: fc.integer({ min: 1, max: 6000 }) }), fc.record({ free: fc.nat() })), { minLength: 1, maxLength: 80 }),
        async (steps) => {
          const disk = diskFile();
          const store = new TileBytesStore({ segmentBytes: 4096, cacheBytes: 4096 }, async () => new FileSpill(disk.file));
          await store.ready;
          const held: Array<{ ref: StoredBytes; bytes: Uint8Array }> = [];
          const copies: Array<{ ref: StoredBytes; bytes: Uint8Array }> = [];
          for (const [index, step] of steps.entries()) {
            if ('tile' in step) {
              const bytes = tileOf(index, step.tile);
              held.push({ ref: store.add(bytes), bytes });
            } else if ('copy' in step) {
              const bytes = tileOf(index + 101, step.copy);
              copies.push({ ref: store.addReusable(bytes), bytes });
            } else if (copies.length > 0) {
              const [gone] = copies.splice(step.free % copies.length, 1);
              store.free(gone!.ref);
            }
          }
          for (const { ref, bytes } of [...held, ...copies]) assert.deepEqual(await store.read(ref), bytes);
          store.close();
        },
      ),
      { numRuns: 60 },
    );
  });
});
