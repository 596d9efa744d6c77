// A ServerTime a test moves by hand: timers fire only when the test advances the time past them,
// in the order they are due, each at its own due time (so a paced stream sees the schedule it
// would in real time, however busy the machine is). Between timers the server's pending work
// (promise continuations, socket writes) gets to run, so it can set the next timer.
import type { ServerTime } from '../../src/cli/playback-socket-server.js';

interface Timer {
  id: number;
  at: number;
  callback: () => void;
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

export class FakeTime implements ServerTime {
  private nowMs = 1_000;
  private nextId = 1;
  private timers: Timer[] = [];

  now(): number {
    return this.nowMs;
  }

  setTimeout(callback: () => void, ms: number): unknown {
    const timer = { id: this.nextId++, at: this.nowMs + Math.max(0, ms), callback };
    this.timers.push(timer);
    return timer.id;
  }

  clearTimeout(handle: unknown): void {
    this.timers = this.timers.filter((timer) => timer.id !== handle);
  }

  /** Timers set and not yet fired. */
  get pendingTimers(): number {
    return this.timers.length;
  }

  /** Lets pending work run: a few turns of the event loop. */
  async settle(): Promise<void> {
    for (let i = 0; i < 5; i++) await turn();
  }

  /** Moves the time `ms` forward, firing the timers due on the way at their due times. */
  async advance(ms: number): Promise<void> {
    const target = this.nowMs + ms;
    for (;;) {
      await this.settle();
      const next = this.timers.filter((timer) => timer.at <= target).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!next) break;
      this.timers = this.timers.filter((timer) => timer !== next);
      // A timer fires at its due time, or now when the time jumped past it (it is late).
      this.nowMs = Math.max(this.nowMs, next.at);
      next.callback();
    }
    this.nowMs = target;
    await this.settle();
  }

  /** Moves the time `ms` forward at once, as a blocked event loop would: timers due meanwhile fire late, together. */
  async jump(ms: number): Promise<void> {
    this.nowMs += ms;
    await this.advance(0);
  }

  /**
   * Advances timer by timer until `done()` holds (at most `limitMs` of fake time). While no timer
   * is set, the server may be reading a file: that is waited for in real time, a little at a time,
   * up to `idleLimitMs` (a busy machine reads slowly).
   */
  async runUntil(done: () => boolean, limitMs = 3_600_000, idleLimitMs = 30_000): Promise<void> {
    const end = this.nowMs + limitMs;
    let idleSince: number | undefined;
    while (!done()) {
      await this.settle();
      const next = this.timers.sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (next && next.at > end) return;
      if (next) {
        idleSince = undefined;
        await this.advance(next.at - this.nowMs);
      } else {
        idleSince ??= Date.now();
        if (Date.now() - idleSince > idleLimitMs) return;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    }
  }
}
