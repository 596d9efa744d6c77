/**
 * Which markers playback crosses between two times, found by a binary search in the markers'
 * indexes sorted by time, not by looking at each. A load's list only grows, mostly in time order:
 * new markers then go at the end of the index; one out of order (audit events and screen data
 * keep their own clocks) has it sorted again, where the sort takes the runs in order in one pass.
 * Crossed markers come in list order, as a scan of the list would find them.
 */
/** A list of markers, or a store of them that tells each one's time by index. */
export type MarkerTimes = readonly { timeMs: number }[] | { readonly length: number; timeAt(index: number): number };

export class MarkerCrossings {
  /** Each list's indexes, by time, then by index (weakly held: a load's list goes with its load). */
  #orders = new WeakMap<MarkerTimes, number[]>();

  /** Indexes of the markers whose time is after `fromMs` and at most `toMs`, in list order. */
  crossed(markers: MarkerTimes, fromMs: number, toMs: number): number[] {
    if (!(toMs > fromMs)) return [];
    const timeAt = 'timeAt' in markers ? (index: number) => markers.timeAt(index) : (index: number) => markers[index]!.timeMs;
    let order = this.#orders.get(markers);
    if (!order) this.#orders.set(markers, (order = []));
    let sorted = true;
    for (let index = order.length; index < markers.length; index++) {
      if (order.length && timeAt(index) < timeAt(order.at(-1)!)) sorted = false;
      order.push(index);
    }
    if (!sorted) order.sort((a, b) => timeAt(a) - timeAt(b) || a - b);
    const after = (timeMs: number): number => {
      let low = 0;
      for (let high = order.length; low < high; ) {
        const middle = (low + high) >>> 1;
        if (timeAt(order[middle]!) > timeMs) high = middle;
        else low = middle + 1;
      }
      return low;
    };
    return order.slice(after(fromMs), after(toMs)).sort((a, b) => a - b);
  }
}
