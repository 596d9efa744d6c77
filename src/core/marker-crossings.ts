/**
 * Which markers playback crosses between two times, found by a binary search in the markers'
 * indexes sorted by time, not by looking at each. A load's list only grows, mostly in time order:
 * new markers then go at the end of the index; one out of order (audit events and screen data
 * keep their own clocks) has it sorted again, where the sort takes the runs in order in one pass.
 * Crossed markers come in list order, as a scan of the list would find them.
 */
export class MarkerCrossings {
  /** Each list's indexes, by time, then by index (weakly held: a load's list goes with its load). */
  #orders = new WeakMap<readonly { timeMs: number }[], number[]>();

  /** Indexes of the markers whose time is after `fromMs` and at most `toMs`, in list order. */
  crossed(markers: readonly { timeMs: number }[], fromMs: number, toMs: number): number[] {
    if (!(toMs > fromMs)) return [];
    let order = this.#orders.get(markers);
    if (!order) this.#orders.set(markers, (order = []));
    let sorted = true;
    for (let index = order.length; index < markers.length; index++) {
      if (order.length && markers[index]!.timeMs < markers[order.at(-1)!]!.timeMs) sorted = false;
      order.push(index);
    }
    if (!sorted) order.sort((a, b) => markers[a]!.timeMs - markers[b]!.timeMs || a - b);
    const after = (timeMs: number): number => {
      let low = 0;
      for (let high = order.length; low < high; ) {
        const middle = (low + high) >>> 1;
        if (markers[order[middle]!]!.timeMs > timeMs) high = middle;
        else low = middle + 1;
      }
      return low;
    };
    return order.slice(after(fromMs), after(toMs)).sort((a, b) => a - b);
  }
}
