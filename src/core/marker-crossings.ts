/**
 * Which markers playback crosses between two times, found by a binary search in the markers'
 * indexes sorted by time, not by looking at each. A load's list only grows; it is sorted again
 * when its length changed, which is cheap: markers come mostly in time order (not always: audit
 * events and screen data keep their own clocks), and the sort takes a run in order in one pass.
 * Crossed markers come in list order, as a scan of the list would find them.
 */
export class MarkerCrossings {
  /** Indexes of `#markers`, by time, then by index. */
  #order: number[] = [];
  #markers: readonly { timeMs: number }[] | undefined;

  /** Indexes of the markers whose time is after `fromMs` and at most `toMs`, in list order. */
  crossed(markers: readonly { timeMs: number }[], fromMs: number, toMs: number): number[] {
    if (!(toMs > fromMs)) return [];
    if (markers !== this.#markers || markers.length !== this.#order.length) {
      this.#markers = markers;
      this.#order = Array.from(markers.keys()).sort((a, b) => markers[a]!.timeMs - markers[b]!.timeMs || a - b);
    }
    const after = (timeMs: number): number => {
      let low = 0;
      for (let high = this.#order.length; low < high; ) {
        const middle = (low + high) >>> 1;
        if (markers[this.#order[middle]!]!.timeMs > timeMs) high = middle;
        else low = middle + 1;
      }
      return low;
    };
    return this.#order.slice(after(fromMs), after(toMs)).sort((a, b) => a - b);
  }
}
