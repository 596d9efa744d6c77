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

  /**
   * Takes one read or write marker (its detail: path, directoryId, length, offset, success);
   * returns the marker to add to the timeline, or undefined when it joined a transfer already there
   * (whose marker it updated).
   */
  add(operation: Marker, direction: Transfer['direction']): Marker | undefined {
    const { path, directoryId, length, offset, success } = operation.detail;
    const key = `${direction}\u0000${directoryId}\u0000${path}`;
    if (success === false) {
      this.#open.delete(key);
      return operation;
    }
    const start = Number(offset);
    const end = start + Number(length);
    const open = this.#open.get(key);
    if (open && start >= open.from && start <= open.to && operation.timeMs - open.marker.transfer.endMs <= TRANSFER_GAP_MS) {
      const transfer = open.marker.transfer;
      transfer.operations.push(operation);
      transfer.count += 1;
      transfer.bytes += Number(length);
      transfer.endMs = Math.max(transfer.endMs, operation.timeMs);
      open.to = Math.max(open.to, end);
      open.marker.detail = { ...open.marker.detail, length: transfer.bytes, count: transfer.count };
      open.marker.label = transferLabel(transfer);
      return undefined;
    }
    const transfer: Transfer = { path: String(path), direction, bytes: Number(length), count: 1, startMs: operation.timeMs, endMs: operation.timeMs, operations: [operation] };
    // One operation reads as itself; the label says "transfer" once a second one joins.
    const marker = { ...operation, detail: { ...operation.detail, count: 1 }, transfer };
    this.#open.set(key, { marker, from: start, to: end });
    return marker;
  }
}

/** The file's name: the last part of a Windows or POSIX path. */
export function fileName(path: string): string {
  return path.split(/[\\/]/).filter(Boolean).pop() ?? path;
}

/** A size in the unit people read it in: [value (rounded to 3 significant digits at most), unit]. */
export function sizeIn(bytes: number): [value: number, unit: 'bytes' | 'KB' | 'MB' | 'GB'] {
  const units = ['bytes', 'KB', 'MB', 'GB'] as const;
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return [unit === 0 || value >= 10 ? Math.round(value) : Math.round(value * 10) / 10, units[unit]!];
}

/** "1:05", "12:00", "1:02:03"; "0:00" for anything not a finite time. */
export function formatClock(seconds: number): string {
  const pad = (value: number): string => String(value).padStart(2, '0');
  const whole = Number.isFinite(seconds) ? Math.max(0, Math.floor(seconds)) : 0;
  const hours = Math.floor(whole / 3600);
  const minutes = Math.floor((whole % 3600) / 60);
  return hours > 0 ? `${hours}:${pad(minutes)}:${pad(whole % 60)}` : `${minutes}:${pad(whole % 60)}`;
}

/** The English label of a transfer of more than one operation: "report.pdf — read 786 KB in 12 reads, 0:25–0:27". */
function transferLabel({ path, direction, bytes, count, startMs, endMs }: Transfer): string {
  const [value, unit] = sizeIn(bytes);
  const size = value === 1 && unit === 'bytes' ? '1 byte' : `${value} ${unit}`;
  const range = `${formatClock(startMs / 1000)}–${formatClock(endMs / 1000)}`;
  return direction === 'read' ? `${fileName(path)} — read ${size} in ${count} reads, ${range}` : `${fileName(path)} — wrote ${size} in ${count} writes, ${range}`;
}
