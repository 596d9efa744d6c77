/** Bytes read from a download in one read. */
const READ_BUFFER_BYTES = 256 * 1024;
/**
 * Buffers kept for the next reads: the reader holds the open part's (a part is about 1 MB, at
 * most 16 MiB kept), more wait while the hasher loads.
 */
const SPARE_BUFFERS = 16;

/**
 * The few buffers a download is read into (`getReader({ mode: 'byob' })`), each filled again once
 * everyone is done with the bytes read into it. The chunks a stream makes itself are new buffers
 * made by the browser, which only a full garbage collection frees: a worker that allocates little
 * else collects rarely, and a 1-hour load left a hundred MB of them dead at a time.
 */
export class ReadBuffers {
  private readonly spare: ArrayBuffer[] = [];
  private readonly own = new WeakSet<ArrayBufferLike>();

  /** A view to read into: a spare buffer, or a new one. */
  next(): Uint8Array<ArrayBuffer> {
    return new Uint8Array(this.spare.pop() ?? new ArrayBuffer(READ_BUFFER_BYTES));
  }

  /** What a read filled (its buffer is a new object: a read transfers the one it was given). */
  filled(view: Uint8Array): Uint8Array {
    this.own.add(view.buffer);
    return view;
  }

  /** Nothing views the bytes read into `buffer` any more: it is filled again. Buffers not read into here are left alone. */
  reuse(buffer: ArrayBufferLike): void {
    if (this.own.delete(buffer) && this.spare.length < SPARE_BUFFERS) this.spare.push(buffer as ArrayBuffer);
  }
}
