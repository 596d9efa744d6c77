// Runs in headless Chromium (see test/tools/bench.mjs, BENCH_ONLY=random): the built player loading
// a recording from a paced server (test/tools/paced-server.mjs), as a reviewer opening it at a
// moment would — seeks issued right after loadedmetadata — against the baseline of the same file
// streamed from its start, where a moment can be shown only once the download reached it.
import { createPlayer, epochNow, once, removePlayers, type Player } from './bench-util.js';

export interface SeekAfterMetadata {
  srcSetAt: number;
  metadataAt: number;
  durationAtMetadataS: number;
  targetS: number;
  startAt: number;
  seekedAt: number;
  landedS: number;
  /** With `playOnS`: when playing from the target had played that long (epoch ms). */
  playedOnAt?: number;
  /** When the approximate screen (part `approximate`) first showed while the seek waited (epoch ms); undefined: never. */
  approximateAt?: number;
}

/** Notes when the player's approximate screen first shows (epoch ms), until `stop`. */
function watchApproximate(player: Player): { readonly at: number | undefined; stop(): void } {
  let at: number | undefined;
  const observer = new MutationObserver(() => {
    if (at === undefined && player.shadowRoot?.querySelector('[part~="approximate"]')?.isConnected) at = epochNow();
  });
  observer.observe(player.shadowRoot!, { childList: true, subtree: true });
  return {
    get at() {
      return at;
    },
    stop: () => observer.disconnect(),
  };
}

/**
 * A fresh player loads `url` and, right after `loadedmetadata`, seeks to `fraction` of the duration
 * (times in epoch ms); with `playOnS`, then plays until `playOnS` seconds past the target.
 */
export async function runSeekAfterMetadata(url: string, fraction: number, playOnS = 0): Promise<SeekAfterMetadata> {
  removePlayers();
  const player = await createPlayer();
  const metadata = once(player, 'loadedmetadata', 120_000);
  const srcSetAt = epochNow();
  player.src = url;
  await metadata;
  const metadataAt = epochNow();
  const durationAtMetadataS = player.duration;
  const targetS = Math.round(fraction * durationAtMetadataS * 10) / 10;
  const seeked = once(player, 'seeked', 300_000);
  const approximate = watchApproximate(player);
  const startAt = epochNow();
  player.currentTime = targetS;
  await seeked;
  const seekedAt = epochNow();
  approximate.stop();
  const approximateAt = approximate.at;
  const landedS = player.currentTime;
  let playedOnAt: number | undefined;
  if (playOnS > 0) {
    const until = Math.min(targetS + playOnS, durationAtMetadataS);
    const played = new Promise<void>((resolve) => {
      const check = (): void => {
        if (player.currentTime < until) return;
        player.removeEventListener('timeupdate', check);
        resolve();
      };
      player.addEventListener('timeupdate', check);
    });
    await player.play();
    await played;
    playedOnAt = epochNow();
  }
  removePlayers();
  return { srcSetAt, metadataAt, durationAtMetadataS, targetS, startAt, seekedAt, landedS, playedOnAt, approximateAt };
}

/** Loads `url` streamed and notes when what has arrived (`buffered`) first reaches each target (epoch ms). */
export async function runStreamedArrivals(url: string, targetsS: number[]): Promise<{ srcSetAt: number; reachedAt: number[]; durationS: number }> {
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
  const durationS = player.duration;
  removePlayers();
  return { srcSetAt, reachedAt, durationS };
}

/**
 * One load of `url`, and right after `loadedmetadata` seeks to each fraction of the duration in
 * turn, each once the one before has landed (the download goes on meanwhile): how long each took.
 */
export async function runSeeksWhileLoading(url: string, fractions: number[]): Promise<{ seekMs: number[]; loadedAtEnd: boolean }> {
  removePlayers();
  const player = (await createPlayer()) as Player & { readonly buffered: TimeRanges };
  const metadata = once(player, 'loadedmetadata', 120_000);
  player.src = url;
  await metadata;
  const seekMs: number[] = [];
  for (const fraction of fractions) {
    const seeked = once(player, 'seeked', 300_000);
    const startAt = epochNow();
    player.currentTime = Math.round(fraction * player.duration * 10) / 10;
    await seeked;
    seekMs.push(epochNow() - startAt);
  }
  const loadedAtEnd = player.buffered.length === 1 && player.buffered.start(0) === 0 && player.buffered.end(0) >= player.duration;
  removePlayers();
  return { seekMs, loadedAtEnd };
}

Object.assign(globalThis, { runSeekAfterMetadata, runStreamedArrivals, runSeeksWhileLoading });
