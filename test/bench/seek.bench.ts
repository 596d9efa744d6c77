// Runs in headless Chromium (see test/tools/bench.mjs): seek latency of the built player on a long
// recording, against the baseline of rebuilding the screen by painting every tile from time 0
// (what a player without an index does), measured in the same run.
import { once, paintAll, round, tilesOf, type Player } from './bench-util.js';

export interface NaiveSeek {
  positionS: number;
  ms: number;
  /** How many tiles the baseline decoded and drew to get there. */
  tiles: number;
}

export interface PlayerSeek {
  positionS: number;
  /** Where the player was before this seek (a lower value = a forward seek). */
  fromS: number;
  /** From setting `currentTime` to the `seeked` event. */
  ms: number;
}

/**
 * Baseline: paint every tile from 0 to each position, 4 decodes in flight, in order — the naive
 * replay-from-start seek. Its cost grows with the position, so it is only run on early positions.
 */
export async function runNaiveSeeks(url: string, positionsS: number[]): Promise<{ width: number; height: number; rows: NaiveSeek[] }> {
  const recording = await tilesOf(url);
  const width = recording.width || 1920;
  const height = recording.height || 1080;
  const rows: NaiveSeek[] = [];
  for (const positionS of positionsS) {
    const due = recording.tiles.filter((tile) => tile.timeMs <= positionS * 1000);
    const started = performance.now();
    await paintAll(due, width, height);
    rows.push({ positionS, ms: round(performance.now() - started, 1), tiles: due.length });
  }
  return { width, height, rows };
}

/**
 * Seeks the player already loaded in the page to each position in turn (it must have fired
 * `canplaythrough`), timing each from setting `currentTime` to `seeked`. The whole run sits between
 * the performance marks `bench:<phase>:start` and `…:end` (for the long-task count).
 */
export async function runPlayerSeeks(positionsS: number[], phase: string): Promise<PlayerSeek[]> {
  const player = document.querySelector('desktop-recording-player') as Player | null;
  if (!player) throw new Error('no player in the page: load one first');
  if (!player.paused) player.pause();
  const rows: PlayerSeek[] = [];
  performance.mark(`bench:${phase}:start`);
  for (const positionS of positionsS) {
    const fromS = player.currentTime;
    const seeked = once(player, 'seeked', 30_000);
    const started = performance.now();
    player.currentTime = positionS;
    await seeked;
    rows.push({ positionS, fromS: round(fromS, 1), ms: round(performance.now() - started, 1) });
  }
  performance.mark(`bench:${phase}:end`);
  return rows;
}

Object.assign(globalThis, { runNaiveSeeks, runPlayerSeeks });
