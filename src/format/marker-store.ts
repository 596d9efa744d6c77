import type { Marker } from './timeline.js';

/*
 * How a marker is kept (its `kinds` byte): 0 an object of its own, 1–3 a TDP alert of severity
 * info, warning or error, 4 a TDP error; an alert or error is made from its columns when read.
 */
const KIND_ERROR = 4;

const SEVERITIES = ['info', 'warning', 'error'] as const;

/** Markers per column block: blocks are added as markers come, never copied into larger ones. */
const BLOCK_BITS = 12;
const BLOCK = 1 << BLOCK_BITS;

/** A column of numbers in fixed blocks. */
class Column<T extends Float64Array | Uint32Array | Uint8Array> {
  readonly blocks: T[] = [];
  constructor(private readonly make: (length: number) => T) {}
  get(index: number): number {
    return this.blocks[index >>> BLOCK_BITS]![index & (BLOCK - 1)]!;
  }
  set(index: number, value: number): void {
    if (!(index & (BLOCK - 1))) this.blocks.push(this.make(BLOCK));
    this.blocks[index >>> BLOCK_BITS]![index & (BLOCK - 1)] = value;
  }
  /** A copy of the values from `from` to `to`. */
  copy(from: number, to: number): T {
    const copy = this.make(to - from);
    for (let index = from; index < to; index++) copy[index - from] = this.get(index);
    return copy;
  }
}

/**
 * The markers of one load, kept as columns rather than an object each: a recording can hold
 * 100,000 alerts, and an object per marker (with its label and detail) is most of the memory they
 * take. A TDP alert or error is its time, its kind and its message (through a string table: alerts
 * often repeat); its label and detail are made when it is read. Any other marker (an audit event, a
 * transfer that grows in place) is kept as the object it is. The worker writes a `MarkerStore`;
 * the page continues its copy from the columns the worker sends (`worker/page-markers.ts`).
 */
export class MarkerTable {
  protected readonly times = new Column((length) => new Float64Array(length));
  protected readonly kinds = new Column((length) => new Uint8Array(length));
  /** An alert's or error's message: its index in `strings`. */
  protected readonly texts = new Column((length) => new Uint32Array(length));
  /** The markers kept as objects, by index. */
  protected readonly objects = new Map<number, Marker>();
  /** The string table: every distinct message, in the order first met. */
  protected readonly strings: string[] = [];
  length = 0;
  /** Every marker as an object, built on the first read after a change. */
  protected built: Marker[] | undefined;

  timeAt(index: number): number {
    return this.times.get(index);
  }

  /** The marker at `index`, made from its columns (a new object each call) unless kept as an object. */
  at(index: number): Marker {
    const kind = this.kinds.get(index);
    if (!kind) return this.objects.get(index)!;
    const timeMs = this.times.get(index);
    const message = this.strings[this.texts.get(index)]!;
    if (kind === KIND_ERROR) return { timeMs, type: 'desktop.error', code: '', label: `Error: ${message}`, detail: { message } };
    const severity = SEVERITIES[kind - 1]!;
    return { timeMs, type: 'desktop.alert', code: '', label: `${severity[0]!.toUpperCase()}${severity.slice(1)}: ${message}`, detail: { severity, message } };
  }

  /** Every marker as an object: the same array until markers change (objects kept as such change in place). */
  list(): Marker[] {
    if (!this.built) {
      this.built = [];
      for (let index = 0; index < this.length; index++) this.built.push(this.at(index));
    }
    return this.built;
  }

  protected add(timeMs: number, kind: number, text: number): void {
    this.times.set(this.length, timeMs);
    this.kinds.set(this.length, kind);
    this.texts.set(this.length++, text);
    this.built = undefined;
  }
}

/** The worker's markers of one load: written as the timeline places events, sent to the page as columns. */
export class MarkerStore extends MarkerTable {
  readonly #stringIndex = new Map<string, number>();

  /** Adds a marker kept as the object it is (it may change in place: a transfer that grows). */
  push(marker: Marker): void {
    this.objects.set(this.length, marker);
    this.add(marker.timeMs, 0, 0);
  }

  /** Adds a TDP alert (`desktop.alert`) or error (`desktop.error`) by its columns. */
  pushNotice(timeMs: number, type: string, severity: string, message: string): void {
    let text = this.#stringIndex.get(message);
    if (text === undefined) this.#stringIndex.set(message, (text = this.strings.push(message) - 1));
    this.add(timeMs, type === 'desktop.error' ? KIND_ERROR : SEVERITIES.indexOf(severity as 'info') + 1 || 1, text);
  }

  /** How many strings the table holds. */
  get stringCount(): number {
    return this.strings.length;
  }

  /** The markers from `from` on as columns (copies, to transfer), with the strings the table gained from `stringsFrom` on. */
  columns(from: number, stringsFrom: number): MarkerColumns {
    const objects: Array<[number, Marker]> = [];
    for (let index = from; index < this.length; index++) if (!this.kinds.get(index)) objects.push([index, this.objects.get(index)!]);
    return {
      times: this.times.copy(from, this.length),
      kinds: this.kinds.copy(from, this.length),
      texts: this.texts.copy(from, this.length),
      strings: this.strings.slice(stringsFrom),
      objects,
    };
  }
}

/** A run of markers as columns, as they cross from the worker to the page. */
export interface MarkerColumns {
  times: Float64Array;
  kinds: Uint8Array;
  /** Indexes in the string table, which `strings` continues. */
  texts: Uint32Array;
  strings: string[];
  /** The markers kept as objects, by their index in the whole list. */
  objects: Array<[number, Marker]>;
}
