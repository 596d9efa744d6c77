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
  /** From setting `currentTime` to `seeked`, one per target, right after canplaythrough. */
  seeksMs: number[];
}

/** Loads `url` in a new player, waits for canplaythrough and the hash, then seeks to each of `seeksS`. */
export async function runLoad(url: string, seeksS: number[]): Promise<LoadRun> {
  removePlayers();
  const player = (await createPlayer()) as Player & { readonly recordingSha256: string | null };
  const failed = once(player, 'error', 300_000).then(() => {
    throw new Error(`the player failed to load ${url}`);
  });
  const at = (name: string): Promise<number> => Promise.race([once(player, name, 300_000).then(epochNow), failed]);
  const metadata = at('loadedmetadata');
  const loadedData = at('loadeddata');
  const canPlayThrough = at('canplaythrough');
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
  const seeksMs: number[] = [];
  for (const seconds of seeksS) {
    const seeked = once(player, 'seeked', 60_000);
    const started = performance.now();
    player.currentTime = seconds;
    await seeked;
    seeksMs.push(round(performance.now() - started, 1));
  }
  const result = { srcSetAt, metadataAt, loadedDataAt, canPlayThroughAt, sha256At, sha256: player.recordingSha256, durationS: player.duration, seeksMs };
  removePlayers();
  return result;
}

Object.assign(globalThis, { runLoad });
