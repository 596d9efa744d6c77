// Helpers shared by the browser-side benchmarks (bundled into each *.bench.ts by test/tools/bench.mjs).
import { RecordingReader } from '../../src/format/reader.js';
import { TimelineBuilder } from '../../src/format/timeline.js';
import { nextEvent } from '../helpers/next-event.js';

/** The parts of the element's `<video>`-like API the benchmarks use. */
export type Player = HTMLElement & {
  src: string;
  currentTime: number;
  readonly duration: number;
  playbackRate: number;
  readonly paused: boolean;
  play(): Promise<void>;
  pause(): void;
  captureFrame(options?: { type?: string; quality?: number }): Promise<Blob>;
  /** Being added to the element; the benchmarks check that it exists before calling it. */
  getVideoPlaybackQuality?(): PlaybackQuality | Promise<PlaybackQuality>;
};

export interface PlaybackQuality {
  creationTime: number;
  /** Screen tiles that fell due during playback. */
  totalVideoFrames: number;
  /** Tiles skipped because a later tile covered them before they were painted. */
  droppedVideoFrames: number;
}

export interface Tile {
  timeMs: number;
  left: number;
  top: number;
  png: Uint8Array;
}

export interface RecordingTiles {
  durationMs: number;
  width: number;
  height: number;
  tiles: Tile[];
}

/** The next `name` event; a benchmark waits up to a minute (a 1-hour file loads for seconds). */
export function once(target: EventTarget, name: string, timeoutMs = 60_000): Promise<Event> {
  return nextEvent(target, name, timeoutMs);
}

export function median(values: number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export const round = (value: number, digits = 0): number => Math.round(value * 10 ** digits) / 10 ** digits;

/** Milliseconds since the Unix epoch, high resolution: comparable between the page, its workers and Node. */
export const epochNow = (): number => performance.timeOrigin + performance.now();

/** A player element with a size, in the page, not loaded yet. */
export async function createPlayer(): Promise<Player> {
  await customElements.whenDefined('desktop-recording-player');
  const player = document.createElement('desktop-recording-player') as Player;
  player.style.cssText = 'display:block;width:960px;height:540px';
  document.body.append(player);
  return player;
}

/** Removing the element stops its worker and frees the recording. */
export function removePlayers(): void {
  for (const player of document.querySelectorAll('desktop-recording-player')) player.remove();
}

/**
 * Every PNG tile of the recording with its time, read once per page and URL (outside any timed
 * part) with the same format layer as the player, so the baselines paint exactly the player's tiles.
 */
export function tilesOf(url: string): Promise<RecordingTiles> {
  const cache = ((globalThis as { benchTileCache?: Map<string, Promise<RecordingTiles>> }).benchTileCache ??= new Map());
  let tiles = cache.get(url);
  if (!tiles) {
    tiles = readTiles(url);
    cache.set(url, tiles);
  }
  return tiles;
}

async function readTiles(url: string): Promise<RecordingTiles> {
  const reader = new RecordingReader();
  const timeline = new TimelineBuilder();
  const result: RecordingTiles = { durationMs: 0, width: 0, height: 0, tiles: [] };
  const take = (events: Awaited<ReturnType<RecordingReader['push']>>['events']) => {
    for (const event of events) {
      for (const placed of timeline.add(event)) {
        const tdp = placed.tdp;
        if (tdp?.kind === 'pngFrame' || tdp?.kind === 'png2Frame') result.tiles.push({ timeMs: placed.timeMs, left: tdp.left, top: tdp.top, png: tdp.png.slice() });
        else if (tdp?.kind === 'screenSpec' && result.width === 0) Object.assign(result, { width: tdp.width, height: tdp.height });
        else if (tdp?.kind === 'connectionActivated' && result.width === 0) Object.assign(result, { width: tdp.screenWidth, height: tdp.screenHeight });
      }
    }
  };
  const body = (await fetch(url)).body!.getReader();
  for (;;) {
    const { value, done } = await body.read();
    if (done) break;
    take((await reader.push(value)).events);
  }
  take((await reader.end()).events);
  timeline.finish();
  result.durationMs = timeline.durationMs;
  return result;
}

/**
 * Decodes and draws `tiles` in order on a canvas of the given size, with 4 PNG decodes in flight
 * (as many as the player's renderer): what painting them costs with nothing but the browser's
 * `createImageBitmap` + `drawImage`. Resolves with the number of tiles drawn.
 */
export async function paintAll(tiles: readonly Tile[], width: number, height: number): Promise<number> {
  const context = new OffscreenCanvas(width, height).getContext('2d', { alpha: false })!;
  const decode = (i: number) => createImageBitmap(new Blob([tiles[i]!.png as Uint8Array<ArrayBuffer>], { type: 'image/png' }));
  const inFlight: Promise<ImageBitmap>[] = [];
  for (let i = 0; i < Math.min(4, tiles.length); i++) inFlight.push(decode(i));
  for (let i = 0; i < tiles.length; i++) {
    const bitmap = await inFlight.shift()!;
    if (i + 4 < tiles.length) inFlight.push(decode(i + 4));
    context.drawImage(bitmap, tiles[i]!.left, tiles[i]!.top);
    bitmap.close();
  }
  return tiles.length;
}
