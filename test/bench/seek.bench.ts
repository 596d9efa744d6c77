// Runs in headless Chromium (see test/tools/bench.mjs): seek latency of the built player on a long
// recording, against the baseline of rebuilding the screen by painting every tile from time 0
// (what a player without an index does), measured in the same run.
import { RecordingReader } from '../../src/format/reader.js';
import { TimelineBuilder } from '../../src/format/timeline.js';

interface SeekRow {
  positionS: number;
  playerMs: number;
  baselineMs: number | null;
  tilesReplayedByBaseline: number | null;
  speedVsBaseline: number | null;
}

type Player = HTMLElement & { src: string; currentTime: number; duration: number };

function once(target: EventTarget, name: string): Promise<void> {
  return new Promise((resolve) => target.addEventListener(name, () => resolve(), { once: true }));
}

/** Every PNG tile of the recording with its time (read once, outside the timed part). */
async function tilesOf(url: string): Promise<{ timeMs: number; left: number; top: number; png: Uint8Array }[]> {
  const reader = new RecordingReader();
  const timeline = new TimelineBuilder();
  const tiles: { timeMs: number; left: number; top: number; png: Uint8Array }[] = [];
  const take = (events: Awaited<ReturnType<RecordingReader['push']>>['events']) => {
    for (const event of events) {
      for (const placed of timeline.add(event)) {
        const tdp = placed.tdp;
        if (tdp?.kind === 'pngFrame' || tdp?.kind === 'png2Frame') tiles.push({ timeMs: placed.timeMs, left: tdp.left, top: tdp.top, png: tdp.png.slice() });
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
  return tiles;
}

/** Baseline: paint every tile from 0 to the position, 4 decodes in flight, in order. */
async function replayFromStart(tiles: { timeMs: number; left: number; top: number; png: Uint8Array }[], positionMs: number, width: number, height: number): Promise<number> {
  const context = new OffscreenCanvas(width, height).getContext('2d')!;
  const due = tiles.filter((tile) => tile.timeMs <= positionMs);
  const decode = (i: number) => createImageBitmap(new Blob([due[i]!.png as Uint8Array<ArrayBuffer>], { type: 'image/png' }));
  const inFlight: Promise<ImageBitmap>[] = [];
  for (let i = 0; i < Math.min(4, due.length); i++) inFlight.push(decode(i));
  for (let i = 0; i < due.length; i++) {
    const bitmap = await inFlight.shift()!;
    if (i + 4 < due.length) inFlight.push(decode(i + 4));
    context.drawImage(bitmap, due[i]!.left, due[i]!.top);
    bitmap.close();
  }
  return due.length;
}

export async function runSeekBench(url: string, positions: number[], baselineUpTo: number): Promise<{ loadMs: number; rows: SeekRow[] }> {
  await customElements.whenDefined('desktop-recording-player');
  const player = document.createElement('desktop-recording-player') as Player;
  player.style.cssText = 'display:block;width:960px;height:540px';
  document.body.append(player);
  const started = performance.now();
  const loaded = once(player, 'canplaythrough');
  player.src = url;
  await loaded;
  const loadMs = performance.now() - started;
  const tiles = await tilesOf(url);
  const rows: SeekRow[] = [];
  for (const positionS of positions) {
    const seekStarted = performance.now();
    const seeked = once(player, 'seeked');
    player.currentTime = positionS;
    await seeked;
    const playerMs = performance.now() - seekStarted;
    let baselineMs: number | null = null;
    let replayed: number | null = null;
    if (positionS <= baselineUpTo) {
      const baselineStarted = performance.now();
      replayed = await replayFromStart(tiles, positionS * 1000, 1920, 1080);
      baselineMs = performance.now() - baselineStarted;
    }
    rows.push({
      positionS, playerMs: Math.round(playerMs), baselineMs: baselineMs === null ? null : Math.round(baselineMs), tilesReplayedByBaseline: replayed,
      speedVsBaseline: baselineMs === null ? null : Math.round((baselineMs / playerMs) * 10) / 10,
    });
  }
  player.remove();
  return { loadMs: Math.round(loadMs), rows };
}

(globalThis as { runSeekBench?: typeof runSeekBench }).runSeekBench = runSeekBench;
