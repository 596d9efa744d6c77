// The tile store's spill file in the origin private file system, a chunk of its own: the store
// (`tile-bytes.ts`) loads it when it is made, and keeps sealed segments in memory meanwhile.
import type { SegmentSpill } from './tile-bytes.js';

/** The part of `FileSystemSyncAccessHandle` (dedicated workers only) the file spill uses. */
export interface SyncFile {
  write(buffer: Uint8Array, options: { at: number }): number;
  read(buffer: Uint8Array, options: { at: number }): number;
  flush?(): void;
  close(): void;
}

/**
 * Segments one after the other in one file, read back tile by tile with synchronous positioned
 * reads: nothing is held in memory, and the operating system's page cache keeps recent reads fast.
 */
export class FileSpill implements SegmentSpill {
  /** Where each segment starts in the file. */
  private readonly starts: number[] = [];
  private end = 0;
  private closed = false;
  /** What `readTransient` reads into: as large as the largest tile read so far. */
  private scratch = new Uint8Array(0);

  constructor(
    private readonly file: SyncFile,
    private readonly onClose: () => void = () => {},
  ) {}

  get residentBytes(): number {
    return 0;
  }

  write(segment: number, bytes: Uint8Array): void {
    const written = this.file.write(bytes, { at: this.end });
    if (written !== bytes.length) throw new Error(`wrote ${written} of ${bytes.length} bytes of tile segment ${segment}`);
    this.starts[segment] = this.end;
    this.end += bytes.length;
  }

  read(segment: number, offset: number, length: number): Uint8Array {
    return this.readInto(new Uint8Array(length), segment, offset);
  }

  overwrite(segment: number, offset: number, bytes: Uint8Array): void {
    const start = this.starts[segment];
    if (start === undefined || this.closed) throw new RangeError(`no tile bytes segment ${segment}`);
    const written = this.file.write(bytes, { at: start + offset });
    if (written !== bytes.length) throw new Error(`wrote ${written} of ${bytes.length} bytes into tile segment ${segment}`);
  }

  readTransient(segment: number, offset: number, length: number): Uint8Array {
    if (this.scratch.length < length) this.scratch = new Uint8Array(Math.max(length, 2 * this.scratch.length, 64 * 1024));
    return this.readInto(this.scratch.subarray(0, length), segment, offset);
  }

  private readInto(bytes: Uint8Array, segment: number, offset: number): Uint8Array {
    const start = this.starts[segment];
    if (start === undefined || this.closed) throw new RangeError(`no tile bytes segment ${segment}`);
    const read = this.file.read(bytes, { at: start + offset });
    if (read !== bytes.length) throw new RangeError(`read ${read} of ${bytes.length} bytes of tile segment ${segment}`);
    return bytes;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.file.close();
    } finally {
      this.onClose();
    }
  }
}

/** The directory of the origin private file system that holds the players' spill files. */
export const SPILL_DIRECTORY = 'desktop-recording-player-tiles';

interface SyncAccessible {
  createSyncAccessHandle(): Promise<SyncFile>;
}

/** The spill directory, once per worker, after files left by players that ended without closing are removed. */
let spillDirectory: Promise<FileSystemDirectoryHandle> | undefined;

function sweptSpillDirectory(storage: StorageManager): Promise<FileSystemDirectoryHandle> {
  spillDirectory ??= (async () => {
    const root = await storage.getDirectory();
    const directory = await root.getDirectoryHandle(SPILL_DIRECTORY, { create: true });
    const names: string[] = [];
    for await (const name of (directory as unknown as { keys(): AsyncIterable<string> }).keys()) names.push(name);
    // A file still open in another player is locked: removing it fails, and it stays.
    await Promise.all(names.map((name) => directory.removeEntry(name).catch(() => {})));
    return directory;
  })();
  spillDirectory.catch(() => (spillDirectory = undefined));
  return spillDirectory;
}

/**
 * A new spill file in the origin private file system, or null where there is none (no secure
 * context, not a dedicated worker, storage refused). Files left by players that ended without
 * closing (a closed tab) are removed first, once per worker.
 */
export async function openFileSpill(): Promise<FileSpill | null> {
  // Sync access handles exist in dedicated workers only: the in-page engine keeps Blobs.
  const workerScope = (globalThis as { DedicatedWorkerGlobalScope?: abstract new () => unknown }).DedicatedWorkerGlobalScope;
  const storage = (globalThis as { navigator?: Navigator }).navigator?.storage;
  const handleType = (globalThis as { FileSystemFileHandle?: { prototype: object } }).FileSystemFileHandle;
  if (!workerScope || !(globalThis instanceof workerScope) || !storage?.getDirectory || !handleType || !('createSyncAccessHandle' in handleType.prototype)) return null;
  // Another player's first sweep may remove a file between its creation and its opening: try again.
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const directory = await sweptSpillDirectory(storage);
      const name = `${crypto.randomUUID()}.tiles`;
      const handle = await directory.getFileHandle(name, { create: true });
      const file = await (handle as unknown as SyncAccessible).createSyncAccessHandle();
      return new FileSpill(file, () => void directory.removeEntry(name).catch(() => {}));
    } catch {
      // Storage refused or the file went away: the next attempt, then Blobs.
    }
  }
  return null;
}
