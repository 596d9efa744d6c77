// Runs in headless Chromium (see test/tools/bench.mjs, BENCH_ONLY=load): one load of the built
// player on a fresh page — the moments of its loading events, when the recording's SHA-256 became
// known, and seeks right after canplaythrough — so variants of the player can be compared run by run.
import { createPlayer, epochNow, once, removePlayers, round, type Player } from './bench-util.js';

export interface LoadRun {
  /** Epoch ms. */
  srcSetAt: number;
  metadataAt: number;
  loadedDataAt: number;
  canPlayThroughAt: number;
  /** When `recordingSha256` was first seen set (checked at canplaythrough, then every animation frame). */
  sha256At: number | null;
  sha256: string | null;
  durationS: number;
  /** `durationchange` and `progress` events from setting src to canplaythrough. */
  durationChanges: number;
  progressEvents: number;
}

/** Loads `url` in a new player (the page's only one) and waits for canplaythrough and the hash; the player stays. */
export async function runLoad(url: string): Promise<LoadRun> {
  removePlayers();
  const player = (await createPlayer()) as Player & { readonly recordingSha256: string | null };
  const failed = once(player, 'error', 300_000).then(() => {
    throw new Error(`the player failed to load ${url}`);
  });
  const at = (name: string): Promise<number> => Promise.race([once(player, name, 300_000).then(epochNow), failed]);
  const metadata = at('loadedmetadata');
  const loadedData = at('loadeddata');
  const canPlayThrough = at('canplaythrough');
  const counts = { durationchange: 0, progress: 0 };
  const count = (event: Event): void => void (counts[event.type as keyof typeof counts] += 1);
  for (const name of Object.keys(counts)) player.addEventListener(name, count);
  void canPlayThrough.then(() => Object.keys(counts).forEach((name) => player.removeEventListener(name, count)), () => {});
  const srcSetAt = epochNow();
  player.src = url;
  const [metadataAt, loadedDataAt, canPlayThroughAt] = await Promise.all([metadata, loadedData, canPlayThrough]);
  let sha256At: number | null = null;
  // A player without the property (an older build) has no hash to wait for.
  for (const until = performance.now() + 60_000; 'recordingSha256' in player && performance.now() < until; ) {
    if (player.recordingSha256) {
      sha256At = epochNow();
      break;
    }
    await new Promise((resolve) => requestAnimationFrame(resolve));
  }
  return { srcSetAt, metadataAt, loadedDataAt, canPlayThroughAt, sha256At, sha256: player.recordingSha256, durationS: player.duration, durationChanges: counts.durationchange, progressEvents: counts.progress };
}

/** Seeks the loaded player to each of `seeksS` (ms from setting `currentTime` to `seeked`, each), then removes it. */
export async function runSeeksAfterLoad(seeksS: number[]): Promise<number[]> {
  const player = document.querySelector('desktop-recording-player') as Player | null;
  if (!player) throw new Error('no player in the page: load one first');
  const seeksMs: number[] = [];
  for (const seconds of seeksS) {
    const seeked = once(player, 'seeked', 60_000);
    const started = performance.now();
    player.currentTime = seconds;
    await seeked;
    seeksMs.push(round(performance.now() - started, 1));
  }
  removePlayers();
  return seeksMs;
}

Object.assign(globalThis, { runLoad, runSeeksAfterLoad });
