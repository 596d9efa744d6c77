// Runs in headless Chromium (see test/tools/bench.mjs): drives the built player element as a page
// would — loading (first frame, whole file), playing at 16× — and counts the page's main-thread
// long tasks (> 50 ms) per phase. Timings that Node compares with its own clock or with the
// worker's are epoch milliseconds (timeOrigin + now).
import { createPlayer, epochNow, once, removePlayers, round, type PlaybackQuality, type Player } from './bench-util.js';

// Every long task of this page, from its start (buffered), sorted into phases at the end.
const longTasks: PerformanceEntry[] = [];
let longTasksObserved = false;
try {
  new PerformanceObserver((list) => longTasks.push(...list.getEntries())).observe({ type: 'longtask', buffered: true });
  longTasksObserved = true;
} catch {
  // No Long Tasks API: reported as not measurable.
}

// The player worker's last word on its background keyframes (`keyframes` messages): how many it keeps,
// and when it last said it had built them for everything loaded (epoch ms; null while it has not).
let keyframesKept = 0;
let keyframesCaughtUpAt: number | null = null;
const PlainWorker = globalThis.Worker;
globalThis.Worker = class extends PlainWorker {
  constructor(url: string | URL, options?: WorkerOptions) {
    super(url, options);
    this.addEventListener('message', ({ data }: MessageEvent<{ type?: string; count?: number; caughtUp?: boolean }>) => {
      if (data?.type !== 'keyframes' || typeof data.count !== 'number') return;
      keyframesKept = data.count;
      keyframesCaughtUpAt = data.caughtUp ? epochNow() : null;
    });
  }
};
function keyframeCount(): number {
  return keyframesKept;
}
/** Epoch ms when the builder last caught up with what was loaded; null while it is building. */
function keyframesCaughtUp(): number | null {
  return keyframesCaughtUpAt;
}

export interface LoadTiming {
  /** Epoch ms: `src` set, `loadeddata` (first frame painted), `canplaythrough` (whole file read). */
  srcSetAt: number;
  loadedDataAt: number;
  canPlayThroughAt: number | null;
  durationS: number;
}

/**
 * Creates a player, sets `src` and waits for `loadeddata` (and `canplaythrough` when asked). With
 * `phase`, the load sits between the marks `bench:<phase>:start` and `…:end`.
 */
export async function loadPlayer(url: string, options: { untilCanPlayThrough: boolean; phase?: string; timeoutMs?: number }): Promise<LoadTiming> {
  const player = await createPlayer();
  const timeoutMs = options.timeoutMs ?? 120_000;
  // Listeners first: the events come from the worker, after `src` is set.
  const loadedData = once(player, 'loadeddata').then(epochNow);
  const canPlayThrough = once(player, 'canplaythrough', timeoutMs).then(epochNow);
  const failed = once(player, 'error', timeoutMs).then(() => {
    throw new Error(`the player failed to load ${url}`);
  });
  if (options.phase) performance.mark(`bench:${options.phase}:start`);
  const srcSetAt = epochNow();
  player.src = url;
  const loadedDataAt = await Promise.race([loadedData, failed]);
  const canPlayThroughAt = options.untilCanPlayThrough ? await Promise.race([canPlayThrough, failed]) : null;
  if (options.phase) performance.mark(`bench:${options.phase}:end`);
  return { srcSetAt, loadedDataAt, canPlayThroughAt, durationS: player.duration };
}

export interface PlaySample {
  /** performance.now() when the event arrived. */
  at: number;
  /** The player's currentTime (s) as of that event. */
  timeS: number;
  quality: PlaybackQuality | null;
}

export interface PlayRun {
  rate: number;
  startS: number;
  /** First sample: the `playing` event; last: the last `timeupdate` before the wall time ran out. */
  first: PlaySample;
  last: PlaySample;
  /** After pause(): time for `captureFrame()` (which waits for queued paints) minus that of an idle one. */
  paintBacklogMs: number;
  hasQuality: boolean;
  endedEarly: boolean;
}

/**
 * Seeks the loaded player to `startS`, plays at `rate` for `wallMs` of wall time and pauses. The
 * figures are read at the player's own events (`playing`, `timeupdate`), when its mirrored state is
 * fresh. The run sits between the marks `bench:<phase>:start` and `…:end`.
 */
export async function runPlay(startS: number, rate: number, wallMs: number, phase: string): Promise<PlayRun> {
  const player = document.querySelector('desktop-recording-player') as Player | null;
  if (!player) throw new Error('no player in the page: load one first');
  const hasQuality = typeof player.getVideoPlaybackQuality === 'function';
  const quality = async (): Promise<PlaybackQuality | null> => (hasQuality ? { ...(await player.getVideoPlaybackQuality!()) } : null);
  const seeked = once(player, 'seeked');
  player.currentTime = startS;
  await seeked;
  if (player.playbackRate !== rate) {
    const changed = once(player, 'ratechange');
    player.playbackRate = rate;
    await changed;
  }
  performance.mark(`bench:${phase}:start`);
  const samples: PlaySample[] = [];
  let endedEarly = false;
  const take = (): void => {
    const at = performance.now();
    const timeS = player.currentTime;
    void quality().then((q) => samples.push({ at, timeS, quality: q }));
  };
  const onEnded = (): void => void (endedEarly = true);
  player.addEventListener('playing', take, { once: true });
  player.addEventListener('timeupdate', take);
  player.addEventListener('ended', onEnded);
  await player.play();
  await new Promise((resolve) => setTimeout(resolve, wallMs));
  player.removeEventListener('timeupdate', take);
  player.removeEventListener('ended', onEnded);
  const paused = once(player, 'pause');
  player.pause();
  await paused;
  let started = performance.now();
  await player.captureFrame();
  const drainMs = performance.now() - started;
  started = performance.now();
  await player.captureFrame();
  const idleMs = performance.now() - started;
  performance.mark(`bench:${phase}:end`);
  samples.sort((a, b) => a.at - b.at);
  return {
    rate, startS, first: samples[0]!, last: samples[samples.length - 1]!,
    paintBacklogMs: round(Math.max(0, drainMs - idleMs), 1), hasQuality, endedEarly,
  };
}

export interface LongTaskPhase {
  count: number;
  totalMs: number;
  longestMs: number;
}

/** Long tasks per phase (by the marks `bench:<phase>:start/end`), and those outside every phase. */
export function longTaskSummary(phases: string[]): { observed: boolean; phases: Record<string, LongTaskPhase | null>; outside: LongTaskPhase } {
  const result: Record<string, LongTaskPhase | null> = {};
  const inPhase = new Set<PerformanceEntry>();
  const summarize = (entries: PerformanceEntry[]): LongTaskPhase => ({
    count: entries.length,
    totalMs: round(entries.reduce((sum, entry) => sum + entry.duration, 0)),
    longestMs: round(Math.max(0, ...entries.map((entry) => entry.duration))),
  });
  for (const phase of phases) {
    const start = performance.getEntriesByName(`bench:${phase}:start`, 'mark').at(-1);
    const end = performance.getEntriesByName(`bench:${phase}:end`, 'mark').at(-1);
    if (!start || !end) {
      result[phase] = null;
      continue;
    }
    // A task that overlaps the phase counts in it.
    const entries = longTasks.filter((entry) => entry.startTime < end.startTime && entry.startTime + entry.duration > start.startTime);
    for (const entry of entries) inPhase.add(entry);
    result[phase] = summarize(entries);
  }
  return { observed: longTasksObserved, phases: result, outside: summarize(longTasks.filter((entry) => !inPhase.has(entry))) };
}

/** Blocks the main thread for `ms`, then reports whether the observer saw it (the observer works). */
export async function longTaskSelfTest(ms = 80): Promise<boolean> {
  const before = longTasks.length;
  // In a task of its own: a script run through the DevTools protocol is not a task the API sees.
  await new Promise<void>((resolve) =>
    setTimeout(() => {
      const start = performance.now();
      while (performance.now() - start < ms) {
        // busy
      }
      resolve();
    }),
  );
  for (let i = 0; i < 20 && longTasks.length === before; i++) await new Promise((resolve) => setTimeout(resolve, 50));
  const seen = longTasks.slice(before).some((entry) => entry.duration >= ms - 5);
  // The self-test's own task is not a finding: drop it.
  longTasks.splice(before);
  return seen;
}

/**
 * The engine in the page (module workers hidden when the player starts, as where none can run):
 * loads `url`, plays 0.5 s of wall time, pauses and seeks to each of `seeksS`, each stretch between
 * bench marks, so `longTaskSummary` gives the page's long tasks while it shares the thread.
 */
export async function runInPageEngine(url: string, seeksS: number[]): Promise<{ phases: string[] }> {
  const realWorker = window.Worker;
  let player: Player;
  try {
    (window as { Worker?: unknown }).Worker = undefined;
    player = await createPlayer();
    const loaded = once(player, 'canplaythrough', 120_000);
    performance.mark('bench:in-page load:start');
    player.src = url;
    await loaded;
    performance.mark('bench:in-page load:end');
  } finally {
    window.Worker = realWorker;
  }
  performance.mark('bench:in-page play:start');
  await player.play();
  await new Promise((resolve) => setTimeout(resolve, 500));
  player.pause();
  performance.mark('bench:in-page play:end');
  performance.mark('bench:in-page seeks:start');
  for (const seconds of seeksS) {
    const seeked = once(player, 'seeked', 60_000);
    player.currentTime = seconds;
    await seeked;
  }
  performance.mark('bench:in-page seeks:end');
  return { phases: ['in-page load', 'in-page play', 'in-page seeks'] };
}

Object.assign(globalThis, { keyframeCount, keyframesCaughtUp, loadPlayer, runPlay, longTaskSummary, longTaskSelfTest, removePlayers, runInPageEngine });
