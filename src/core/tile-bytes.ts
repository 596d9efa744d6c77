/** Where a stored tile's PNG bytes are: a byte range of one segment of the store. */
export interface StoredBytes {
  readonly segment: number;
  readonly offset: number;
  readonly length: number;
}

/** A tile's PNG: bytes in memory (small recordings, tests), or a range in a `TileBytesStore`. */
export type TileImage = Uint8Array | StoredBytes;

export interface TileBytesBudget {
  /** Tiles are packed into segments of this size, each handed to the browser as one Blob. */
  segmentBytes: number;
  /** Segments kept readable in memory (the open one, recently sealed and recently read ones). */
  cacheBytes: number;
}

/**
 * 2 MiB segments, read back in about 2 ms each. 96 MiB of them stay in memory (about 40 minutes of
 * busy full-HD desktop): a seek with no keyframe near reads tiles from all over the recording, and
 * reading them back would cost more than decoding them.
 */
export const DEFAULT_TILE_BYTES_BUDGET: TileBytesBudget = { segmentBytes: 2 * 1024 * 1024, cacheBytes: 96 * 1024 * 1024 };

/**
 * The PNG bytes of every tile, kept out of the worker's heap so that memory stays flat however
 * long the recording: tiles are packed into segments, and a full segment becomes a Blob, which the
 * browser holds outside this process (and may page to disk). Reading a tile back costs one read of
 * its whole segment (about 2 ms per 2 MiB; reading tiles one by one is 10× slower), cached in a
 * small LRU, so playback and seeks from a keyframe, which read tiles close together, rarely wait.
 */
export class TileBytesStore {
  private readonly sealed: Blob[] = [];
  private open: Uint8Array;
  private openUsed = 0;
  /** Readable segments by index, least recently used first (Map keeps insertion order). */
  private readonly cache = new Map<number, Uint8Array>();
  private cachedBytes = 0;
  private readonly loading = new Map<number, Promise<Uint8Array>>();

  constructor(private readonly budget: TileBytesBudget = DEFAULT_TILE_BYTES_BUDGET) {
    this.open = new Uint8Array(budget.segmentBytes);
  }

  /** Bytes held in this process (the open segment and the cache). */
  get residentBytes(): number {
    return this.open.byteLength + this.cachedBytes;
  }

  /** Copies `bytes` into the store. */
  add(bytes: Uint8Array): StoredBytes {
    if (this.openUsed + bytes.length > this.open.length) this.seal(bytes.length);
    const stored = { segment: this.sealed.length, offset: this.openUsed, length: bytes.length };
    this.open.set(bytes, this.openUsed);
    this.openUsed += bytes.length;
    return stored;
  }

  /** The bytes of `image`: at once when its segment is in memory, else once the segment is read back. */
  read(image: TileImage): Uint8Array | Promise<Uint8Array> {
    if (image instanceof Uint8Array) return image;
    const { segment, offset, length } = image;
    if (segment === this.sealed.length) return this.open.subarray(offset, offset + length);
    const cached = this.cache.get(segment);
    if (cached) {
      this.cache.delete(segment);
      this.cache.set(segment, cached);
      return cached.subarray(offset, offset + length);
    }
    return this.load(segment).then((bytes) => bytes.subarray(offset, offset + length));
  }

  private seal(nextLength: number): void {
    if (this.openUsed === 0) {
      // Nothing to seal: the open segment only grows to hold one tile larger than a segment.
      this.open = new Uint8Array(Math.max(this.budget.segmentBytes, nextLength));
      return;
    }
    const filled = this.open.subarray(0, this.openUsed);
    // The Blob copies the bytes out of this process; the filled buffer stays as the cached copy.
    this.sealed.push(new Blob([filled as Uint8Array<ArrayBuffer>]));
    this.keep(this.sealed.length - 1, filled);
    this.open = new Uint8Array(Math.max(this.budget.segmentBytes, nextLength));
    this.openUsed = 0;
  }

  private load(segment: number): Promise<Uint8Array> {
    let pending = this.loading.get(segment);
    if (!pending) {
      pending = this.sealed[segment]!.arrayBuffer().then((buffer) => {
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
      if (this.cachedBytes <= this.budget.cacheBytes || oldest === segment) break;
      this.cache.delete(oldest);
      this.cachedBytes -= oldBytes.buffer.byteLength;
    }
  }
}
