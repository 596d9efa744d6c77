/**
 * Synthesizes a realistic remote-desktop session as the messages an RDP-backed desktop service
 * and a browser client exchange: the client's screen size, input (mouse, keyboard, wheel),
 * clipboard, shared-directory audit events, and the server's screen updates as PNG tiles on a
 * 64×64 grid.
 *
 * A Windows-10-like desktop (wallpaper, icons, taskbar with a clock, Notepad, Explorer, a PDF
 * viewer, menus, the start menu) is drawn with a real rasterizer (@napi-rs/canvas). A seeded
 * script plays a user (see desktop-script.ts); the screen is sampled `fps` times a second and
 * only the cells that the scene marked dirty are redrawn and compared with the previous frame.
 *
 * Steps are streamed out of an async generator, so an hour-long session never holds more than
 * the canvas and one previous frame in memory.
 */
import { createCanvas } from '@napi-rs/canvas';
import { DesktopScene } from './desktop-model.js';
import { Actor } from './desktop-script.js';
import { Prng } from './prng.js';
import { TileDiffer } from './tiles.js';
import type { TileStats } from './tiles.js';
import type { ScreenTextLog } from './text-log.js';

export { CELL, MAX_TILE_CELLS, MAX_TILE_PNG_BYTES } from './tiles.js';
export type { TileStats } from './tiles.js';

export type SessionStep =
  | { atMs: number; from: 'client'; message: { kind: 'screenSpec'; width: number; height: number } }
  /** right/bottom exclusive */
  | { atMs: number; from: 'server'; message: { kind: 'pngFrame'; left: number; top: number; right: number; bottom: number; png: Uint8Array } }
  | { atMs: number; from: 'client'; message: { kind: 'mouseMove'; x: number; y: number } }
  /** button: 0 left, 1 middle, 2 right */
  | { atMs: number; from: 'client'; message: { kind: 'mouseButton'; button: number; pressed: boolean } }
  /** keyCode: PS/2 scancode (set 1) */
  | { atMs: number; from: 'client'; message: { kind: 'keyboardButton'; keyCode: number; pressed: boolean } }
  /** axis 0 vertical, 1 horizontal; delta as the browser client sends it (−deltaY: negative scrolls down) */
  | { atMs: number; from: 'client'; message: { kind: 'mouseWheel'; axis: number; delta: number } }
  /** a copy: server→client when copied on the desktop, client→server when copied on the user's machine */
  | { atMs: number; from: 'client' | 'server'; message: { kind: 'clipboardData'; data: Uint8Array } }
  | { atMs: number; audit: 'sharedDirectoryStart'; directoryId: number; name: string }
  | { atMs: number; audit: 'sharedDirectoryRead'; directoryId: number; name: string; path: string; offset: number; length: number };

export interface SceneOptions {
  width: number;
  height: number;
  durationMs: number;
  seed: number;
  /** Screen sampling rate (frames per second), default 10. */
  fps?: number;
  /** Receives the tiler's counters when the session ends (for benchmarks). */
  onStats?: (stats: TileStats) => void;
  /** Receives every word drawn and when it is painted over (quality tests of the text index). */
  textLog?: ScreenTextLog;
}

/** Streams the steps of a synthetic session, in non-decreasing `atMs`, deterministic for a seed. */
export async function* synthesizeSession(options: SceneOptions): AsyncGenerator<SessionStep> {
  const { width, height, durationMs } = options;
  if (!(width >= 640 && height >= 480 && width <= 8192 && height <= 8192)) throw new RangeError(`unsupported screen size ${width}×${height}`);
  const fps = options.fps ?? 10;
  if (!(fps > 0 && fps <= 60)) throw new RangeError(`fps must be in (0, 60], got ${fps}`);
  const period = 1000 / fps;

  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext('2d');
  const tiler = new TileDiffer(ctx, width, height);
  const rng = new Prng(options.seed);
  const scene = new DesktopScene(ctx, width, height, rng.fork(1), (r) => tiler.markDirty(r), options.textLog);
  const script = new Actor(scene, rng.fork(2)).session();

  yield { atMs: 0, from: 'client', message: { kind: 'screenSpec', width, height } };
  scene.invalidateAll();

  let tick = 0;
  const frame = async function* (t: number): AsyncGenerator<SessionStep> {
    scene.advance(t);
    if (options.textLog) options.textLog.frameMs = t;
    const before = tiler.stats.frames;
    const tiles = tiler.flush((clip) => scene.render(clip));
    for (const tile of tiles) {
      yield { atMs: t, from: 'server', message: { kind: 'pngFrame', left: tile.left, top: tile.top, right: tile.right, bottom: tile.bottom, png: tile.png } };
    }
    // @napi-rs/canvas frees the pixel buffers getImageData returns in finalizers that only run
    // when the event loop turns; an async generator consumed in a tight loop never lets it.
    if (tiler.stats.frames !== before) await new Promise<void>((resolve) => setImmediate(resolve));
  };

  try {
    for (;;) {
      const next = script.next();
      const at = next.done ? Infinity : next.value.atMs;
      // Sample the screen up to (and including) this event's time, but not past the end.
      for (let t = Math.round(tick * period); t <= Math.min(at, durationMs); t = Math.round(++tick * period)) {
        yield* frame(t);
      }
      if (next.done || at > durationMs) break;
      const event = next.value;
      scene.now = event.atMs;
      event.apply?.();
      if (event.step) yield event.step;
    }
  } finally {
    script.return();
    options.onStats?.({ ...tiler.stats });
  }
}
