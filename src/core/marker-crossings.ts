/** What the crossings index reads of a marker list: how many, and each one's time. */
export interface MarkerTimes {
  readonly length: number;
  timeMsAt(index: number): number;
}

/** A `MarkerTimes` over a plain array of markers. */
export function timesOf(markers: readonly { timeMs: number }[]): MarkerTimes {
  return { get length() { return markers.length; }, timeMsAt: (index) => markers[index]!.timeMs };
}

/**
 * Which markers playback crosses between two times, found through an index of the markers sorted
 * by time, not by looking at each: a load's markers only grow, mostly in time order (then the
 * index grows at its end), but not always (audit events and screen data each keep their own
 * clock), and then it is sorted again when next asked. Crossed markers come in list order, as a
 * scan of the list would find them.
 */
export class MarkerCrossings {
  /** Marker indexes, sorted by time (then by index); the first `sortedCount` are in order. */
  #order = new Uint32Array(0);
  #sortedCount = 0;
  /** Whether a marker added since the last sort lies before the last sorted one. */
  #unsorted = false;
  #times: MarkerTimes | undefined;

  /**
   * Indexes of the markers whose time is after `fromMs` and at most `toMs`, in list order.
   * `markers` is the load's list; another list (a new load) starts the index afresh.
   */
  crossed(markers: MarkerTimes, fromMs: number, toMs: number): number[] {
    if (!(toMs > fromMs) || markers.length === 0) return [];
    this.#update(markers);
    const first = this.#after(fromMs);
    const end = this.#after(toMs);
    if (end <= first) return [];
    return Array.from(this.#order.subarray(first, end)).sort((a, b) => a - b);
  }

  #update(markers: MarkerTimes): void {
    if (markers !== this.#times) {
      this.#times = markers;
      this.#sortedCount = 0;
      this.#unsorted = false;
    }
    const count = markers.length;
    if (count === this.#sortedCount && !this.#unsorted) return;
    if (this.#order.length < count) {
      const grown = new Uint32Array(Math.max(count, this.#order.length * 2, 64));
      grown.set(this.#order.subarray(0, this.#sortedCount));
      this.#order = grown;
    }
    let last = this.#sortedCount > 0 ? markers.timeMsAt(this.#order[this.#sortedCount - 1]!) : -Infinity;
    for (let index = this.#sortedCount; index < count; index++) {
      const timeMs = markers.timeMsAt(index);
      if (timeMs < last) this.#unsorted = true;
      else last = timeMs;
      this.#order[index] = index;
    }
    if (this.#unsorted) {
      // Out of order: sorted again, all at once (a file arriving backwards costs one sort a batch, not a shift per marker).
      this.#order.subarray(0, count).sort((a, b) => markers.timeMsAt(a) - markers.timeMsAt(b) || a - b);
      this.#unsorted = false;
    }
    this.#sortedCount = count;
  }

  /** The first position in the sorted order whose marker's time is after `timeMs` (binary search). */
  #after(timeMs: number): number {
    const times = this.#times!;
    let low = 0;
    let high = this.#sortedCount;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (times.timeMsAt(this.#order[middle]!) > timeMs) high = middle;
      else low = middle + 1;
    }
    return low;
  }
}
