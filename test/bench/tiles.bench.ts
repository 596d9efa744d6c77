// Runs in headless Chromium (see test/tools/bench.mjs): the baseline for painting throughput at
// high speed. It finds the busiest stretch of the recording (most tiles in `stretchS` seconds) —
// the stretch the player is then played through at 16× — and decodes + draws every tile due in it
// in a tight loop (createImageBitmap + drawImage, 4 decodes in flight, nothing else): the rate at
// which this browser on this machine can paint these tiles at all.
import { paintAll, round, tilesOf } from './bench-util.js';

export interface TileBaseline {
  /** The stretch: recording seconds (startS, startS + stretchS]. */
  startS: number;
  stretchS: number;
  /** Tiles due in the stretch, and their times (ms), so the player's figures can be matched to them. */
  tiles: number;
  tileTimesMs: number[];
  /** Tiles the whole recording has, for scale. */
  recordingTiles: number;
  durationS: number;
  ms: number;
  tilesPerSecond: number;
}

export async function runTileBaseline(url: string, stretchS: number): Promise<TileBaseline> {
  const recording = await tilesOf(url);
  const { tiles } = recording;
  const windowMs = stretchS * 1000;
  // The window starting at tile i holding the most tiles (two pointers over time-ordered tiles).
  let best = 0;
  let bestCount = 0;
  for (let i = 0, j = 0; i < tiles.length; i++) {
    while (j < tiles.length && tiles[j]!.timeMs < tiles[i]!.timeMs + windowMs) j++;
    if (j - i > bestCount) {
      bestCount = j - i;
      best = i;
    }
  }
  // Start a little before the first tile, so a seek to the start does not paint it already.
  const startS = Math.max(0, Math.floor((tiles[best]?.timeMs ?? 0) / 100 - 5) / 10);
  const due = tiles.filter((tile) => tile.timeMs > startS * 1000 && tile.timeMs <= startS * 1000 + windowMs);
  const width = recording.width || 1920;
  const height = recording.height || 1080;
  await paintAll(due.slice(0, 50), width, height); // warm-up
  const started = performance.now();
  await paintAll(due, width, height);
  const ms = performance.now() - started;
  return {
    startS, stretchS, tiles: due.length, tileTimesMs: due.map((tile) => tile.timeMs), recordingTiles: tiles.length,
    durationS: round(recording.durationMs / 1000, 1), ms: round(ms, 1), tilesPerSecond: round(due.length / (ms / 1000)),
  };
}

Object.assign(globalThis, { runTileBaseline });
