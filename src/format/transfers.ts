import type { Marker } from './timeline.js';

/**
 * Reads (or writes) of one file that follow each other closer than this (ms, from the previous
 * one) are one transfer: a client reads a file in chunks of up to 64 KiB, milliseconds apart.
 */
export const TRANSFER_GAP_MS = 2000;

/** Reads or writes of one file of a shared directory, grouped: what a reviewer sees as one file transfer. */
export interface Transfer {
  /** The file's path, as the audit events give it (within the shared directory). */
  path: string;
  /** `read`: the desktop read the file from the user's machine; `write`: it wrote the file there. */
  direction: 'read' | 'write';
  /** Bytes moved, all operations summed (a chunk read twice counts twice). */
  bytes: number;
  /** How many reads or writes. */
  count: number;
  /** Time of the first operation and of the last, ms from time 0. */
  startMs: number;
  endMs: number;
  /** The individual reads or writes, in order, each as its own marker. */
  operations: Marker[];
}

/** A transfer still open to more operations: its marker, and the bytes of the file it covered so far. */
interface OpenTransfer {
  marker: Marker & { transfer: Transfer };
  from: number;
  to: number;
}

/**
 * Groups shared-directory reads and writes into transfers, one marker each, as the events arrive:
 * an operation joins the open transfer of the same directory, path and direction when it starts
 * within the bytes that transfer covered or right after them (consecutive or overlapping offsets)
 * and within `TRANSFER_GAP_MS` of its last operation; otherwise it starts a transfer. A failed
 * operation stays a marker of its own (an alert) and ends the open transfer of its file.
 */
export class TransferGrouper {
  #open = new Map<string, OpenTransfer>();
  /** The transfer marker the last `add` updated, when it joined one. */
  lastJoined: Marker | undefined;

  /**
   * Takes one read or write marker (its detail: path, directoryId, length, offset, success);
   * returns the marker to add to the timeline, or undefined when it joined a transfer already there
   * (whose marker it updated).
   */
  add(operation: Marker, direction: Transfer['direction']): Marker | undefined {
    const { path, directoryId, length, offset, success } = operation.detail as { path: string; directoryId: number; length: number; offset: number; success: boolean };
    const { timeMs } = operation;
    // Unambiguous: neither the direction nor the directory id has a space.
    const key = `${direction} ${directoryId} ${path}`;
    this.lastJoined = undefined;
    if (!success) {
      this.#open.delete(key);
      return operation;
    }
    const open = this.#open.get(key);
    const transfer = open?.marker.transfer;
    if (transfer && offset >= open.from && offset <= open.to && timeMs - transfer.endMs <= TRANSFER_GAP_MS) {
      transfer.operations.push(operation);
      transfer.count += 1;
      transfer.bytes += length;
      transfer.endMs = Math.max(transfer.endMs, timeMs);
      open.to = Math.max(open.to, offset + length);
      open.marker.detail.length = transfer.bytes;
      open.marker.label = transferLabel(transfer);
      this.lastJoined = open.marker;
      return undefined;
    }
    const started: Transfer = { path, direction, bytes: length, count: 1, startMs: timeMs, endMs: timeMs, operations: [operation] };
    // One operation reads as itself; the label says "transfer" once a second one joins.
    const marker = { ...operation, detail: { ...operation.detail }, transfer: started };
    this.#open.set(key, { marker, from: offset, to: offset + length });
    return marker;
  }
}

/** The file's name: the last part of a Windows or POSIX path. */
export function fileName(path: string): string {
  return path.split(/[\\/]/).filter(Boolean).pop() ?? path;
}

/** A size in the unit people read it in (the player's transfer labels): [value (rounded to 3 significant digits at most), unit]. */
export function sizeIn(bytes: number): [value: number, unit: 'bytes' | 'KB' | 'MB' | 'GB'] {
  const unit = Math.min(3, Math.floor(Math.log2(Math.max(1, bytes)) / 10));
  const value = bytes / 1024 ** unit;
  return [unit && value < 10 ? Math.round(value * 10) / 10 : Math.round(value), (['bytes', 'KB', 'MB', 'GB'] as const)[unit]!];
}

/** The English label of a transfer of more than one operation: "File read: C:\\report.pdf (585248 bytes in 10 reads)". */
function transferLabel({ path, direction, bytes, count }: Transfer): string {
  const read = direction === 'read';
  return `File ${read ? 'read' : 'written'}: ${path} (${bytes} bytes in ${count} ${read ? 'reads' : 'writes'})`;
}
