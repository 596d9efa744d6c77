/** Where a stored tile's PNG bytes are: a byte range of one segment of the store. */
export interface StoredBytes {
  readonly segment: number;
  readonly offset: number;
  readonly length: number;
}

/** A tile's PNG: bytes in memory (small recordings, tests), or a range in a `TileBytesStore`. */
export type TileImage = Uint8Array | StoredBytes;

export interface TileBytesBudget {
  /** Tiles are packed into segments of this size; a full segment is spilled out of the heap. */
  segmentBytes: number;
  /**
   * Segments kept readable in memory when they spill to Blobs (the recently sealed and recently
   * read ones); also the most that waits in memory while the spill file opens.
   */
  cacheBytes: number;
}

/**
 * 2 MiB segments. Spilled to a file, a tile is read back alone, synchronously, and nothing is
 * cached. Spilled to Blobs (no file storage here), a segment is read back whole (about 2 ms) and 96
 * MiB of them stay in memory (about 40 minutes of busy full-HD desktop): a seek with no keyframe
 * near reads tiles from all over the recording, and reading them back would cost more than
 * decoding them.
 */
export const DEFAULT_TILE_BYTES_BUDGET: TileBytesBudget = { segmentBytes: 2 * 1024 * 1024, cacheBytes: 96 * 1024 * 1024 };

/** The spill file (`tile-spill-file.ts`) is a chunk: segments wait in memory while it loads and opens, as they wait for the file. */
const openSpillFile = (): Promise<SegmentSpill | null> => import('./tile-spill-file.js').then(({ openFileSpill }) => openFileSpill());

/** Where sealed segments go: somewhere outside this heap they can be read back from. */
export interface SegmentSpill {
  /** Keeps a sealed segment; the caller never writes `bytes` again. Throws when it cannot (disk full). */
  write(segment: number, bytes: Uint8Array): void;
  /** `length` bytes at `offset` of a written segment. */
  read(segment: number, offset: number, length: number): Uint8Array | Promise<Uint8Array>;
  /** The same bytes in a buffer the next read fills again (no allocation): for a reader that is done with them before it returns. */
  readTransient?(segment: number, offset: number, length: number): Uint8Array;
  /** Writes `bytes` over a written segment's bytes at `offset` (a freed range used again); absent where written bytes cannot change. */
  overwrite?(segment: number, offset: number, bytes: Uint8Array): void;
  /** Bytes of written segments held in this process. */
  readonly residentBytes: number;
  /** Frees what it holds (a file is removed); reads fail afterwards. */
  close(): void;
}

/**
 * The PNG bytes of every tile (and fast-path PDU), kept out of the worker's heap so that memory
 * stays flat however long the recording: tiles are packed into segments, and a full segment is
 * spilled. Where the page may keep files (the origin private file system, in the player's worker),
 * segments go to one file on disk and are read back tile by tile, synchronously: neither this
 * process nor the browser process holds them. Elsewhere they become Blobs, which the browser
 * process holds, read back a segment at a time through a small LRU. While the file opens, sealed
 * segments wait in memory (at most `cacheBytes`; beyond, they go to Blobs).
 */
export class TileBytesStore {
  private open: Uint8Array;
  private openUsed = 0;
  private sealedCount = 0;
  /** Where each sealed segment went. */
  private readonly homes: SegmentSpill[] = [];
  private file: SegmentSpill | null = null;
  /** No write fails until one does (the disk is full): then later segments go to Blobs. */
  private fileWritable = true;
  private opening: boolean;
  private readonly waiting = new Map<number, Uint8Array>();
  private waitingBytes = 0;
  private blobSpill: BlobSpill | null = null;
  private closed = false;
  /** Settles once the spill file is open, or known to be unavailable. */
  readonly ready: Promise<void>;

  /** `openSpill` gives the file to spill to, or null when there is none (then segments become Blobs). */
  constructor(
    private readonly budget: TileBytesBudget = DEFAULT_TILE_BYTES_BUDGET,
    openSpill: () => Promise<SegmentSpill | null> = openSpillFile,
  ) {
    this.open = new Uint8Array(budget.segmentBytes);
    this.opening = true;
    this.ready = openSpill().then(
      (file) => this.opened(file),
      () => this.opened(null),
    );
  }

  /** Bytes held in this process (the open segment, segments waiting for the file, and cached ones). */
  get residentBytes(): number {
    return this.open.byteLength + this.waitingBytes + (this.blobSpill?.residentBytes ?? 0) + (this.file?.residentBytes ?? 0);
  }

  /** Segments are going to a file (false: to Blobs, or still waiting for the file to open). */
  get spillsToFile(): boolean {
    return this.file !== null && this.fileWritable;
  }

  /**
   * Bytes stored with `addReusable` and since freed, in the file: what a later `addReusable` writes
   * over (first fit; what it leaves stays free), so bytes that come and go (keyframes' PNG copies,
   * which the keyframe budget thins and evicts) do not grow the file without bound. Sorted by
   * segment, then offset; neighbours are merged.
   */
  private freed: StoredBytes[] = [];

  /** Copies `bytes` into the store. */
  add(bytes: Uint8Array): StoredBytes {
    if (this.openUsed + bytes.length > this.open.length) this.seal(bytes.length);
    const stored = { segment: this.sealedCount, offset: this.openUsed, length: bytes.length };
    this.open.set(bytes, this.openUsed);
    this.openUsed += bytes.length;
    return stored;
  }

  /** Copies `bytes` into the store, over bytes freed before (`free`) where they fit, else as `add`. */
  addReusable(bytes: Uint8Array): StoredBytes {
    const index = this.closed || !this.file?.overwrite ? -1 : this.freed.findIndex((range) => range.length >= bytes.length);
    if (index < 0) return this.add(bytes);
    const range = this.freed[index]!;
    try {
      this.file!.overwrite!(range.segment, range.offset, bytes);
    } catch {
      // The file would not take them (out of disk): the free range is left alone.
      return this.add(bytes);
    }
    const rest = { segment: range.segment, offset: range.offset + bytes.length, length: range.length - bytes.length };
    if (rest.length > 0) this.freed[index] = rest;
    else this.freed.splice(index, 1);
    return { segment: range.segment, offset: range.offset, length: bytes.length };
  }

  /**
   * Bytes stored with `addReusable` that are not read again: once their segment is in the file, a
   * later `addReusable` may write over them (elsewhere they stay where they are).
   */
  free(image: TileImage): void {
    if (image instanceof Uint8Array || this.closed || this.homes[image.segment] !== this.file || !this.file?.overwrite || image.length === 0) return;
    const at = this.freed.findIndex((range) => range.segment > image.segment || (range.segment === image.segment && range.offset > image.offset));
    const index = at < 0 ? this.freed.length : at;
    this.freed.splice(index, 0, { segment: image.segment, offset: image.offset, length: image.length });
    // Merge with the neighbours it touches, so larger copies fit again.
    const merged = (before: StoredBytes, after: StoredBytes) => before.segment === after.segment && before.offset + before.length === after.offset;
    const next = this.freed[index + 1];
    if (next && merged(this.freed[index]!, next)) this.freed.splice(index, 2, { ...this.freed[index]!, length: this.freed[index]!.length + next.length });
    const previous = this.freed[index - 1];
    if (previous && merged(previous, this.freed[index]!)) this.freed.splice(index - 1, 2, { ...previous, length: previous.length + this.freed[index]!.length });
  }

  /** The bytes of `image`: at once when its segment is in memory or in the file, else once read back. */
  read(image: TileImage): Uint8Array | Promise<Uint8Array> {
    if (image instanceof Uint8Array) return image;
    const { segment, offset, length } = image;
    if (this.closed) throw new RangeError('the tile bytes of this recording were released (a new load or the player closed)');
    // A copy: the open segment's buffer is filled again once it went to the file.
    if (segment === this.sealedCount) return this.open.slice(offset, offset + length);
    const waiting = this.waiting.get(segment);
    if (waiting) return waiting.subarray(offset, offset + length);
    const home = this.homes[segment];
    if (!home) throw new RangeError(`no tile bytes segment ${segment}`);
    return home.read(segment, offset, length);
  }

  /**
   * The bytes of `image` for a reader done with them before it returns (a PNG decoder, which copies
   * them): valid only until the next read of the store. Reading back from the file then allocates
   * nothing; a keyframe build reads every tile of the recording back, a copy each was as many
   * bytes of garbage as the recording has tiles.
   */
  readTransient(image: TileImage): Uint8Array | Promise<Uint8Array> {
    if (image instanceof Uint8Array) return image;
    const { segment, offset, length } = image;
    if (this.closed || segment === this.sealedCount || this.waiting.has(segment)) return this.read(image);
    const home = this.homes[segment];
    return home?.readTransient ? home.readTransient(segment, offset, length) : this.read(image);
  }

  /** Frees the spilled bytes (the file is removed); the store is not read again. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.file?.close();
    this.blobSpill?.close();
    this.waiting.clear();
    this.waitingBytes = 0;
    this.freed = [];
    this.open = new Uint8Array(0);
    this.openUsed = 0;
  }

  private opened(file: SegmentSpill | null): void {
    this.opening = false;
    if (this.closed) {
      file?.close();
      return;
    }
    this.file = file;
    for (const [segment, bytes] of this.waiting) this.spill(segment, bytes);
    this.waiting.clear();
    this.waitingBytes = 0;
  }

  private seal(nextLength: number): void {
    if (this.openUsed === 0) {
      // Nothing to seal: the open segment only grows to hold one tile larger than a segment.
      this.open = new Uint8Array(Math.max(this.budget.segmentBytes, nextLength));
      return;
    }
    const segment = this.sealedCount;
    const filled = this.open.subarray(0, this.openUsed);
    this.sealedCount += 1;
    this.openUsed = 0;
    const size = Math.max(this.budget.segmentBytes, nextLength);
    if (this.opening && this.waitingBytes + filled.buffer.byteLength <= this.budget.cacheBytes) {
      this.waiting.set(segment, filled);
      this.waitingBytes += filled.buffer.byteLength;
    } else if (this.spill(segment, filled) && this.open.length >= size) {
      // The file took a copy: the buffer is filled again, so loading a long recording does not
      // leave a segment-sized buffer behind for the collector every 2 MiB of tiles.
      return;
    }
    this.open = new Uint8Array(size);
  }

  /** Sends a sealed segment out of the heap; true when it went to the file (which copied it). */
  private spill(segment: number, bytes: Uint8Array): boolean {
    if (this.file && this.fileWritable) {
      try {
        this.file.write(segment, bytes);
        this.homes[segment] = this.file;
        return true;
      } catch {
        // Out of disk or quota: what is in the file stays readable; the rest goes to Blobs.
        this.fileWritable = false;
      }
    }
    this.blobSpill ??= new BlobSpill(this.budget.cacheBytes);
    this.blobSpill.write(segment, bytes);
    this.homes[segment] = this.blobSpill;
    return false;
  }
}

/**
 * Segments as Blobs, which the browser holds outside this process. Reading a tile back costs one
 * read of its whole segment (about 2 ms per 2 MiB; reading tiles one by one is 10× slower), cached
 * in an LRU of `cacheBytes`, so playback and seeks from a keyframe, which read tiles close
 * together, rarely wait.
 */
export class BlobSpill implements SegmentSpill {
  private readonly blobs: Blob[] = [];
  /** Readable segments by index, least recently used first (Map keeps insertion order). */
  private readonly cache = new Map<number, Uint8Array>();
  private cachedBytes = 0;
  private readonly loading = new Map<number, Promise<Uint8Array>>();

  constructor(private readonly cacheBytes: number) {}

  get residentBytes(): number {
    return this.cachedBytes;
  }

  write(segment: number, bytes: Uint8Array): void {
    // The Blob copies the bytes out of this process; the filled buffer stays as the cached copy.
    this.blobs[segment] = new Blob([bytes as Uint8Array<ArrayBuffer>]);
    this.keep(segment, bytes);
  }

  read(segment: number, offset: number, length: number): Uint8Array | Promise<Uint8Array> {
    const cached = this.cache.get(segment);
    if (cached) {
      this.cache.delete(segment);
      this.cache.set(segment, cached);
      return cached.subarray(offset, offset + length);
    }
    return this.load(segment).then((bytes) => bytes.subarray(offset, offset + length));
  }

  close(): void {
    this.blobs.length = 0;
    this.cache.clear();
    this.cachedBytes = 0;
  }

  private load(segment: number): Promise<Uint8Array> {
    let pending = this.loading.get(segment);
    if (!pending) {
      const blob = this.blobs[segment];
      if (!blob) return Promise.reject(new RangeError(`no tile bytes segment ${segment}`));
      pending = blob.arrayBuffer().then((buffer) => {
        this.loading.delete(segment);
        const bytes = new Uint8Array(buffer);
        this.keep(segment, bytes);
        return bytes;
      });
      pending.catch(() => this.loading.delete(segment));
      this.loading.set(segment, pending);
    }
    return pending;
  }

  private keep(segment: number, bytes: Uint8Array): void {
    this.cache.set(segment, bytes);
    this.cachedBytes += bytes.buffer.byteLength;
    for (const [oldest, oldBytes] of this.cache) {
      if (this.cachedBytes <= this.cacheBytes || oldest === segment) break;
      this.cache.delete(oldest);
      this.cachedBytes -= oldBytes.buffer.byteLength;
    }
  }
}
