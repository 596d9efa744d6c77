// Runs in headless Chromium (see test/tools/bench.mjs, BENCH_ONLY=random): the built player loading
// a recording from a paced server (test/tools/paced-server.mjs), as a reviewer opening it at a
// moment would — seeks issued right after loadedmetadata — against the baseline of the same file
// streamed from its start, where a moment can be shown only once the download reached it.
import { createPlayer, epochNow, once, removePlayers, type Player } from './bench-util.js';

export interface RandomSeeks {
  srcSetAt: number;
  metadataAt: number;
  durationAtMetadataS: number;
  seeks: Array<{ targetS: number; startAt: number; seekedAt: number; landedS: number }>;
  finalDurationS: number;
}

/** Loads `url`, and right after `loadedmetadata` seeks in turn to each fraction of the duration (times in epoch ms). */
export async function runRandomSeeks(url: string, fractions: number[]): Promise<RandomSeeks> {
  removePlayers();
  const player = await createPlayer();
  const metadata = once(player, 'loadedmetadata', 120_000);
  const srcSetAt = epochNow();
  player.src = url;
  await metadata;
  const metadataAt = epochNow();
  const durationAtMetadataS = player.duration;
  const seeks: RandomSeeks['seeks'] = [];
  for (const fraction of fractions) {
    const targetS = Math.round(fraction * durationAtMetadataS * 10) / 10;
    const seeked = once(player, 'seeked', 300_000);
    const startAt = epochNow();
    player.currentTime = targetS;
    await seeked;
    seeks.push({ targetS, startAt, seekedAt: epochNow(), landedS: player.currentTime });
  }
  const finalDurationS = player.duration;
  removePlayers();
  return { srcSetAt, metadataAt, durationAtMetadataS, seeks, finalDurationS };
}

/** Loads `url` streamed and notes when what has arrived (`buffered`) first reaches each target (epoch ms). */
export async function runStreamedArrivals(url: string, targetsS: number[]): Promise<{ srcSetAt: number; reachedAt: number[] }> {
  removePlayers();
  const player = (await createPlayer()) as Player & { readonly buffered: TimeRanges };
  const reachedAt: number[] = targetsS.map(() => NaN);
  const note = (): void => {
    // Streamed: one range, from 0.
    const edge = player.buffered.length ? player.buffered.end(0) : 0;
    const now = epochNow();
    targetsS.forEach((target, i) => {
      if (Number.isNaN(reachedAt[i]) && edge >= target) reachedAt[i] = now;
    });
  };
  const complete = once(player, 'canplaythrough', 600_000);
  player.addEventListener('progress', note);
  const polling = setInterval(note, 20);
  const srcSetAt = epochNow();
  player.src = url;
  await complete;
  note();
  clearInterval(polling);
  removePlayers();
  return { srcSetAt, reachedAt };
}

Object.assign(globalThis, { runRandomSeeks, runStreamedArrivals });
