// Playback on a clock the test moves. A player made while module workers are hidden runs its engine in the page,
// where the engine reads the time from performance.now(); the clock makes that stand still until the test advances
// it, so positions follow the clock exactly, however slow or busy the machine is. The engine still ticks on real
// timers: after moving the clock, wait for the event the move causes (`timeupdate`, `ended`), never for a time.

/** Runs `create` with module workers hidden: the players it makes run their engine in the page. */
export async function withEngineInPage<T>(create: () => Promise<T>): Promise<T> {
  const realWorker = window.Worker;
  try {
    (window as { Worker?: unknown }).Worker = undefined;
    return await create();
  } finally {
    window.Worker = realWorker;
  }
}

export class PageClock {
  #nowMs = performance.now();
  #startMs = this.#nowMs;

  /** Stops the page's performance.now() until `advance()` moves it; `uninstall()` gives the real one back. */
  static install(): PageClock {
    const clock = new PageClock();
    Object.defineProperty(performance, 'now', { configurable: true, writable: true, value: () => clock.#nowMs });
    return clock;
  }

  /** Milliseconds the clock was moved since it was installed. */
  get elapsedMs(): number {
    return this.#nowMs - this.#startMs;
  }

  advance(ms: number): void {
    this.#nowMs += ms;
  }

  uninstall(): void {
    delete (performance as { now?: unknown }).now;
  }
}

/**
 * Moves `clock` in steps of `stepMs` (at least the engine's 250 ms `timeupdate` interval), waiting after each for the
 * `timeupdate` (or `ended`) the player fires once its engine has seen the new time, until `done()` holds; fails after
 * `maxMs` of clock time. Resolves with the clock time it took.
 */
export async function advanceUntil(clock: PageClock, player: EventTarget, done: () => boolean, what: string, { stepMs = 250, maxMs = 60_000 } = {}): Promise<number> {
  const started = clock.elapsedMs;
  while (!done()) {
    if (clock.elapsedMs - started >= maxMs) throw new Error(`${what}: not within ${maxMs} ms of the clock`);
    const seen = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => finish(new Error(`${what}: the player fired no timeupdate after the clock moved`)), 20_000);
      const finish = (error?: Error) => {
        clearTimeout(timer);
        player.removeEventListener('timeupdate', onEvent);
        player.removeEventListener('ended', onEvent);
        error ? reject(error) : resolve();
      };
      const onEvent = () => finish();
      player.addEventListener('timeupdate', onEvent);
      player.addEventListener('ended', onEvent);
    });
    clock.advance(stepMs);
    await seen;
  }
  return clock.elapsedMs - started;
}
