import type { Marker } from './timeline.js';

/** How a marker is kept: an object of its own, or a TDP alert or error made from its columns when read. */
export const MarkerKind = { Object: 0, Alert: 1, Error: 2 } as const;

/** Alert severities by their number in the `severity` column. */
export const SEVERITIES = ['info', 'warning', 'error'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Markers per column block: blocks are added as markers come, never copied into larger ones. */
export const MARKER_BLOCK = 4096;

/**
 * The markers of one load, kept as columns rather than an object each: a recording can hold
 * 100,000 alerts, and an object per marker (with its label and detail) is most of the memory they
 * take. A TDP alert or error is its time, its kind, its severity and its message (through a string
 * table: alerts often repeat); its label and detail are made when it is read. Any other marker (an
 * audit event, a transfer that grows in place) is kept as the object it is.
 */
export class MarkerStore {
  #times: Float64Array[] = [];
  #kinds: Uint8Array[] = [];
  /** An alert's severity number, or nothing (0) for other kinds. */
  #severities: Uint8Array[] = [];
  /** An alert's or error's message, as its index in `strings`. */
  #texts: Uint32Array[] = [];
  /** The markers kept as objects, by index. */
  readonly #objects = new Map<number, Marker>();
  /** The string table: every distinct message, in the order first met. */
  readonly strings: string[] = [];
  readonly #stringIndex = new Map<string, number>();
  #length = 0;
  /** The markers as objects, built on the first read after markers were added. */
  #list: Marker[] | undefined;

  get length(): number {
    return this.#length;
  }

  /** Adds a marker kept as the object it is (it may change in place: a transfer that grows). */
  push(marker: Marker): void {
    this.#objects.set(this.#add(marker.timeMs, MarkerKind.Object, 0, 0), marker);
  }

  /** Adds a TDP alert (`desktop.alert`) or error (`desktop.error`) by its columns. */
  pushNotice(timeMs: number, type: 'desktop.alert' | 'desktop.error', severity: Severity, message: string): void {
    let text = this.#stringIndex.get(message);
    if (text === undefined) {
      text = this.strings.push(message) - 1;
      this.#stringIndex.set(message, text);
    }
    if (type === 'desktop.error') this.#add(timeMs, MarkerKind.Error, 0, text);
    else this.#add(timeMs, MarkerKind.Alert, SEVERITIES.indexOf(severity), text);
  }

  timeAt(index: number): number {
    return this.#times[index >>> 12]![index & (MARKER_BLOCK - 1)]!;
  }

  kindAt(index: number): number {
    return this.#kinds[index >>> 12]![index & (MARKER_BLOCK - 1)]!;
  }

  /** The marker at `index`, made from its columns (a new object each call) unless kept as an object. */
  at(index: number): Marker {
    const block = index >>> 12;
    const offset = index & (MARKER_BLOCK - 1);
    const kind = this.#kinds[block]![offset]!;
    if (kind === MarkerKind.Object) return this.#objects.get(index)!;
    return noticeMarker(this.#times[block]![offset]!, kind, this.#severities[block]![offset]!, this.strings[this.#texts[block]![offset]!]!);
  }

  /** Markers from `from` to `to`, made as objects. */
  slice(from: number, to = this.#length): Marker[] {
    const markers: Marker[] = [];
    for (let index = from; index < to; index++) markers.push(this.at(index));
    return markers;
  }

  /** Every marker as an object: the same array until markers are added (objects kept as such change in place). */
  list(): Marker[] {
    if (this.#list?.length !== this.#length) this.#list = this.slice(0);
    return this.#list;
  }

  /**
   * The columns of the markers from `from` on (copies, to transfer), and the strings the table
   * gained from `stringsFrom` on: what the page needs to continue its own store.
   */
  columns(from: number, stringsFrom: number): MarkerColumns {
    const count = this.#length - from;
    const times = new Float64Array(count);
    const kinds = new Uint8Array(count);
    const severities = new Uint8Array(count);
    const texts = new Uint32Array(count);
    const objects: Array<[number, Marker]> = [];
    for (let index = from; index < this.#length; index++) {
      const block = index >>> 12;
      const offset = index & (MARKER_BLOCK - 1);
      const at = index - from;
      times[at] = this.#times[block]![offset]!;
      kinds[at] = this.#kinds[block]![offset]!;
      severities[at] = this.#severities[block]![offset]!;
      texts[at] = this.#texts[block]![offset]!;
      if (kinds[at] === MarkerKind.Object) objects.push([index, this.#objects.get(index)!]);
    }
    return { times, kinds, severities, texts, strings: this.strings.slice(stringsFrom), objects };
  }

  #add(timeMs: number, kind: number, severity: number, text: number): number {
    const index = this.#length++;
    const block = index >>> 12;
    const offset = index & (MARKER_BLOCK - 1);
    if (offset === 0) {
      this.#times.push(new Float64Array(MARKER_BLOCK));
      this.#kinds.push(new Uint8Array(MARKER_BLOCK));
      this.#severities.push(new Uint8Array(MARKER_BLOCK));
      this.#texts.push(new Uint32Array(MARKER_BLOCK));
    }
    this.#times[block]![offset] = timeMs;
    this.#kinds[block]![offset] = kind;
    this.#severities[block]![offset] = severity;
    this.#texts[block]![offset] = text;
    return index;
  }
}

/** A run of markers as columns, as they cross from the worker to the page. */
export interface MarkerColumns {
  times: Float64Array;
  kinds: Uint8Array;
  severities: Uint8Array;
  /** Indexes in the string table: the page's table continued by `strings`. */
  texts: Uint32Array;
  strings: string[];
  /** The markers kept as objects, by their index in the whole list. */
  objects: Array<[number, Marker]>;
}

/** A TDP alert's or error's marker, as contract §3.2 describes it. */
export function noticeMarker(timeMs: number, kind: number, severity: number, message: string): Marker {
  if (kind === MarkerKind.Error) return { timeMs, type: 'desktop.error', code: '', label: `Error: ${message}`, detail: { message } };
  const name = SEVERITIES[severity] ?? 'info';
  return { timeMs, type: 'desktop.alert', code: '', label: `${name[0]!.toUpperCase()}${name.slice(1)}: ${message}`, detail: { severity: name, message } };
}
