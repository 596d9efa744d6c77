/// <reference lib="webworker" />
// Runs a TileBytesStore where the player does, in a dedicated worker: tiles of a long synthetic
// recording go in, every one is read back, and the store's file in the origin private file system
// is listed before and after closing. Posts what it saw.
import { TileBytesStore } from '../../../src/core/tile-bytes.js';
import { SPILL_DIRECTORY } from '../../../src/core/tile-spill-file.js';

export interface SpillRun {
  spillsToFile: boolean;
  tiles: number;
  bytes: number;
  maxResidentBytes: number;
  segmentBytes: number;
  /** A tile read from the open segment kept its bytes after that segment spilled and more were stored. */
  heldReadIntact: boolean;
  synchronousReads: number;
  mismatches: number[];
  /** Tiles whose transient read (for a decoder that copies at once) gave other bytes. */
  transientMismatches: number[];
  /** Distinct buffers the transient reads from the file came in (one reusable buffer, grown now and then). */
  transientBuffers: number;
  /** Transient reads from the file that were synchronous. */
  transientFileReads: number;
  filesWhileOpen: { name: string; size: number }[];
  filesAfterClose: string[];
  readAfterClose: string;
}

async function files(): Promise<{ name: string; size: number }[]> {
  const directory = await (await navigator.storage.getDirectory()).getDirectoryHandle(SPILL_DIRECTORY, { create: true });
  const found: { name: string; size: number }[] = [];
  for await (const name of (directory as unknown as { keys(): AsyncIterable<string> }).keys()) {
    found.push({ name, size: (await (await directory.getFileHandle(name)).getFile()).size });
  }
  return found;
}

const tileOf = (seed: number, length: number) => Uint8Array.from({ length }, (_, i) => (seed * 31 + i * 7) & 0xff);

self.onmessage = async (message: MessageEvent<{ tiles: number }>) => {
  const segmentBytes = 64 * 1024;
  const store = new TileBytesStore({ segmentBytes, cacheBytes: 4 * segmentBytes });
  await store.ready;
  // Tile sizes spread over 200 B – 12 KB, the same every run.
  const lengths = Array.from({ length: message.data.tiles }, (_, index) => 200 + ((index * 7919) % 12_000));
  let maxResidentBytes = 0;
  // A tile read while its segment is still open, held while many more segments fill and spill.
  let held: { index: number; bytes: Uint8Array } | undefined;
  const stored = lengths.map((length, index) => {
    const ref = store.add(tileOf(index, length));
    maxResidentBytes = Math.max(maxResidentBytes, store.residentBytes);
    if (index === 10) held = { index, bytes: store.read(ref) as Uint8Array };
    return ref;
  });
  const heldExpected = tileOf(held!.index, lengths[held!.index]!);
  const heldReadIntact = held!.bytes.length === heldExpected.length && held!.bytes.every((byte, at) => byte === heldExpected[at]);
  let synchronousReads = 0;
  const mismatches: number[] = [];
  for (const [index, ref] of stored.entries()) {
    const read = store.read(ref);
    if (read instanceof Uint8Array) synchronousReads += 1;
    const bytes = await read;
    const expected = tileOf(index, lengths[index]!);
    if (bytes.length !== expected.length || bytes.some((byte, at) => byte !== expected[at])) mismatches.push(index);
  }
  // Transient reads, each checked before the next one: those from the file reuse one buffer.
  const transientMismatches: number[] = [];
  const buffers = new Set<ArrayBufferLike>();
  let transientFileReads = 0;
  for (const [index, ref] of stored.entries()) {
    const read = store.readTransient(ref);
    const bytes = read instanceof Uint8Array ? read : await read;
    if (read instanceof Uint8Array && ref.segment < stored.at(-1)!.segment) {
      transientFileReads += 1;
      buffers.add(bytes.buffer);
    }
    const expected = tileOf(index, lengths[index]!);
    if (bytes.length !== expected.length || bytes.some((byte, at) => byte !== expected[at])) transientMismatches.push(index);
  }
  const filesWhileOpen = await files();
  store.close();
  let readAfterClose = '';
  try {
    store.read(stored[0]!);
  } catch (error) {
    readAfterClose = String(error);
  }
  // The file is removed right after its handle closes: wait for that state.
  let filesAfterClose = (await files()).map((file) => file.name);
  for (let tries = 0; tries < 1000 && filesAfterClose.length > 0; tries++) {
    await new Promise((resolve) => setTimeout(resolve));
    filesAfterClose = (await files()).map((file) => file.name);
  }
  const run: SpillRun = {
    spillsToFile: store.spillsToFile, tiles: stored.length, bytes: lengths.reduce((a, b) => a + b, 0), maxResidentBytes, segmentBytes,
    synchronousReads, mismatches, transientMismatches, transientBuffers: buffers.size, transientFileReads, filesWhileOpen, filesAfterClose, readAfterClose, heldReadIntact,
  };
  postMessage(run);
};
