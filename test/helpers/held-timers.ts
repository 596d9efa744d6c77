/**
 * Holds the page's timers of one delay (a player's own: the controls' hide, the approximate screen's
 * grace): they do not fire until `elapse()` runs the one scheduled last, as if its delay had passed
 * (failing when none is scheduled), so no test waits a delay out or races it. Other timers run as usual.
 */
export function holdTimersOf(delayMs: number) {
  const realSet = window.setTimeout;
  const realClear = window.clearTimeout;
  let scheduled: { id: number; run: () => void } | undefined;
  let ids = 0;
  window.setTimeout = ((handler: TimerHandler, ms?: number, ...rest: unknown[]): number => {
    if (ms !== delayMs || typeof handler !== 'function') return realSet(handler, ms, ...rest);
    // Ids below zero are never the browser's.
    scheduled = { id: --ids, run: handler as () => void };
    return scheduled.id;
  }) as typeof window.setTimeout;
  window.clearTimeout = ((id?: number): void => {
    if (scheduled && scheduled.id === id) scheduled = undefined;
    else realClear(id);
  }) as typeof window.clearTimeout;
  return {
    elapse(): void {
      const due = scheduled;
      scheduled = undefined;
      if (!due) throw new Error(`no timer of ${delayMs} ms is scheduled`);
      due.run();
    },
    restore(): void {
      window.setTimeout = realSet;
      window.clearTimeout = realClear;
    },
  };
}
