import { concatBytes } from '../format/bytes.js';

/** Where a recorder puts the parts of a recording. */
export interface RecorderSink {
  /** Stores one complete part (header, gzip data, padding). Resolves once the bytes are stored. */
  writePart(part: Uint8Array): Promise<void>;
  /** Every part was written: the recording is complete. */
  close(): Promise<void>;
  /** The session failed; release what the sink holds. */
  abort?(reason: unknown): Promise<void>;
}

export interface MemorySink extends RecorderSink {
  readonly parts: readonly Uint8Array[];
  readonly closed: boolean;
  /** The recording so far, as one file. */
  bytes(): Uint8Array;
}

/** Keeps the parts in memory (tests, browser downloads). */
export function memorySink(): MemorySink {
  const parts: Uint8Array[] = [];
  let closed = false;
  return {
    parts,
    get closed() {
      return closed;
    },
    async writePart(part) {
      if (closed) throw new Error('sink is closed');
      parts.push(part);
    },
    async close() {
      closed = true;
    },
    bytes: () => concatBytes(parts),
  };
}

/** Writes parts to a `WritableStream` of bytes (a download, an upload body, a file handle's stream). */
export function writableStreamSink(stream: WritableStream<Uint8Array>): RecorderSink {
  const writer = stream.getWriter();
  return {
    writePart: (part) => writer.write(part),
    close: () => writer.close(),
    abort: (reason) => writer.abort(reason),
  };
}

/**
 * Appends parts to a file (Node), calling fsync after every part so a crash loses at most the part
 * being written. The file is created (or truncated) on the first part.
 */
export function fileSink(path: string): RecorderSink {
  let handle: Promise<import('node:fs/promises').FileHandle> | undefined;
  const open = () => (handle ??= import('node:fs/promises').then((fs) => fs.open(path, 'w')));
  return {
    async writePart(part) {
      const file = await open();
      await file.write(part);
      await file.sync();
    },
    async close() {
      await (await open()).close();
    },
    async abort() {
      if (handle) await (await handle).close();
    },
  };
}
