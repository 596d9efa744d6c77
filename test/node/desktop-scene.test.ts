import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { createCanvas, loadImage } from '@napi-rs/canvas';
import { CELL, MAX_TILE_PNG_BYTES, synthesizeSession } from '../../demo/samples/desktop-scene.js';
import type { SessionStep } from '../../demo/samples/desktop-scene.js';
import { Prng } from '../../demo/samples/prng.js';
import { TileDiffer } from '../../demo/samples/tiles.js';

const WIDTH = 1280;
const HEIGHT = 720;
const DURATION = 90_000;
const SEED = 20250101;

type Message = Extract<SessionStep, { message: unknown }>['message'];
type Kind = Message['kind'];
type Frame = Extract<Message, { kind: 'pngFrame' }>;

async function collect(seed: number): Promise<SessionStep[]> {
  const steps: SessionStep[] = [];
  for await (const step of synthesizeSession({ width: WIDTH, height: HEIGHT, durationMs: DURATION, seed })) steps.push(step);
  return steps;
}

function kindOf(step: SessionStep): Kind | undefined {
  return 'message' in step ? step.message.kind : undefined;
}
function ofKind<K extends Kind>(steps: SessionStep[], kind: K): { atMs: number; from: string; message: Extract<Message, { kind: K }> }[] {
  return steps.filter((s) => kindOf(s) === kind) as never;
}
const isInput = (s: SessionStep): boolean => 'from' in s && s.from === 'client' && s.message.kind !== 'screenSpec';

describe('synthesizeSession (90 s at 1280×720)', () => {
  let steps: SessionStep[] = [];
  let frames: { atMs: number; message: Frame }[] = [];

  before(async () => {
    steps = await collect(SEED);
    frames = ofKind(steps, 'pngFrame');
  });

  test('starts with the client screen spec and keeps steps in time order', () => {
    assert.deepEqual(steps[0], { atMs: 0, from: 'client', message: { kind: 'screenSpec', width: WIDTH, height: HEIGHT } });
    for (let i = 1; i < steps.length; i++) {
      assert.ok((steps[i] as SessionStep).atMs >= (steps[i - 1] as SessionStep).atMs, `step ${i} goes back in time`);
    }
    const last = steps[steps.length - 1] as SessionStep;
    assert.ok(last.atMs <= DURATION && last.atMs > DURATION - 30_000, `last step at ${last.atMs}`);
  });

  test('the first screen is covered by tiles, each cell exactly once', () => {
    const first = frames[0];
    assert.ok(first);
    const cols = Math.ceil(WIDTH / CELL), rows = Math.ceil(HEIGHT / CELL);
    const covered = new Uint8Array(cols * rows);
    for (const f of frames.filter((x) => x.atMs === first.atMs)) {
      const m = f.message;
      for (let y = m.top; y < m.bottom; y += CELL) for (let x = m.left; x < m.right; x += CELL) covered[(y / CELL) * cols + x / CELL]! += 1;
    }
    assert.deepEqual([...covered].filter((c) => c !== 1), []);
  });

  test('every tile is on the 64 grid, inside the screen, small enough, and decodes to its size', async () => {
    for (const { atMs, message: m } of frames) {
      const where = `tile ${m.left},${m.top}-${m.right},${m.bottom} at ${atMs}`;
      assert.equal(m.left % CELL, 0, where);
      assert.equal(m.top % CELL, 0, where);
      assert.ok(m.right % CELL === 0 || m.right === WIDTH, where);
      assert.ok(m.bottom === Math.min(HEIGHT, m.top + CELL), where);
      assert.ok(m.left >= 0 && m.top >= 0 && m.right <= WIDTH && m.bottom <= HEIGHT && m.right > m.left, where);
      assert.ok(m.right - m.left <= 4 * CELL, where);
      assert.ok(m.png.length <= MAX_TILE_PNG_BYTES, where);
      const image = await loadImage(m.png);
      assert.equal(image.width, m.right - m.left, where);
      assert.equal(image.height, m.bottom - m.top, where);
    }
  });

  test('has typing: press/release pairs with natural gaps, each echoed on screen', () => {
    const keys = ofKind(steps, 'keyboardButton');
    assert.ok(keys.length >= 60, `${keys.length} key events`);
    const down = new Map<number, number>();
    const presses: number[] = [];
    for (const k of keys) {
      if (k.message.pressed) {
        assert.ok(!down.has(k.message.keyCode), `key ${k.message.keyCode} pressed twice at ${k.atMs}`);
        down.set(k.message.keyCode, k.atMs);
        presses.push(k.atMs);
      } else {
        const at = down.get(k.message.keyCode);
        assert.ok(at !== undefined, `key ${k.message.keyCode} released without a press at ${k.atMs}`);
        assert.ok(k.atMs - at >= 20 && k.atMs - at <= 400, `hold of ${k.atMs - at} ms`);
        down.delete(k.message.keyCode);
      }
    }
    const gaps = presses.slice(1).map((t, i) => t - (presses[i] as number)).sort((a, b) => a - b);
    const median = gaps[gaps.length >> 1] as number;
    assert.ok(median >= 80 && median <= 250, `median gap ${median} ms`);
    // A tile follows most presses within two frames (the character, caret, status bar).
    const echoed = presses.filter((t) => frames.some((f) => f.atMs > t && f.atMs <= t + 200)).length;
    assert.ok(echoed / presses.length > 0.9, `${echoed} of ${presses.length} presses echoed`);
  });

  test('has mouse moves sampled every ~16–50 ms while moving, clicks and a drag that redraws every frame', () => {
    const moves = ofKind(steps, 'mouseMove');
    assert.ok(moves.length >= 100, `${moves.length} moves`);
    for (const m of moves) assert.ok(m.message.x >= 0 && m.message.x < WIDTH && m.message.y >= 0 && m.message.y < HEIGHT);
    const gaps = moves.slice(1).map((m, i) => m.atMs - (moves[i] as { atMs: number }).atMs).filter((g) => g < 100).sort((a, b) => a - b);
    const median = gaps[gaps.length >> 1] as number;
    assert.ok(median >= 14 && median <= 50, `median move gap ${median}`);
    const buttons = ofKind(steps, 'mouseButton');
    assert.ok(buttons.filter((b) => b.message.pressed).length >= 5);
    // A drag: a press, many moves, a release; tiles in most frames in between.
    let dragFound = false;
    for (let i = 0; i + 1 < buttons.length; i++) {
      const a = buttons[i] as (typeof buttons)[number], b = buttons[i + 1] as (typeof buttons)[number];
      if (!a.message.pressed || b.message.pressed) continue;
      const during = moves.filter((m) => m.atMs > a.atMs && m.atMs < b.atMs).length;
      if (during < 15) continue;
      const ticks = new Set(frames.filter((f) => f.atMs > a.atMs && f.atMs < b.atMs).map((f) => f.atMs)).size;
      if (ticks >= ((b.atMs - a.atMs) / 100) * 0.5) dragFound = true;
    }
    assert.ok(dragFound, 'a drag that redraws at the sampled frames');
  });

  test('has wheel scrolling that shifts content', () => {
    const wheels = ofKind(steps, 'mouseWheel');
    assert.ok(wheels.length >= 3);
    for (const w of wheels) assert.ok(w.message.axis === 0 && w.message.delta !== 0);
    const first = wheels[0] as (typeof wheels)[number];
    const area = frames.filter((f) => f.atMs > first.atMs && f.atMs <= first.atMs + 400)
      .reduce((sum, f) => sum + (f.message.right - f.message.left) * (f.message.bottom - f.message.top), 0);
    assert.ok(area > 100_000, `${area} px redrawn after the first wheel step`);
  });

  test('has a copy on the desktop: Ctrl+C, then the server sends the text', () => {
    const clips = ofKind(steps, 'clipboardData').filter((c) => c.from === 'server');
    assert.ok(clips.length >= 1);
    const clip = clips[0] as (typeof clips)[number];
    const text = new TextDecoder('utf-8', { fatal: true }).decode(clip.message.data);
    assert.ok(text.trim().length >= 5, JSON.stringify(text));
    const before = ofKind(steps, 'keyboardButton').filter((k) => k.atMs <= clip.atMs && k.atMs > clip.atMs - 2_000 && k.message.pressed).map((k) => k.message.keyCode);
    assert.ok(before.includes(0x1d) && before.includes(0x2e), 'Ctrl (0x1D) and C (0x2E) pressed just before');
  });

  test('has a shared directory and reads of a file in it', () => {
    const start = steps.find((s) => 'audit' in s && s.audit === 'sharedDirectoryStart');
    const reads = steps.filter((s): s is Extract<SessionStep, { audit: 'sharedDirectoryRead' }> => 'audit' in s && s.audit === 'sharedDirectoryRead');
    assert.ok(start && 'audit' in start && start.audit === 'sharedDirectoryStart');
    assert.ok(reads.length >= 1);
    let offset = 0;
    for (const r of reads.filter((x) => x.path === (reads[0] as (typeof reads)[number]).path)) {
      assert.ok(r.atMs >= start.atMs);
      assert.equal(r.directoryId, start.directoryId);
      assert.match(r.path, /^C:\\Users\\alice\\Shared\\[\w.-]+$/);
      if (r.offset === 0) offset = 0;
      assert.equal(r.offset, offset);
      assert.ok(r.length > 0 && r.length <= 65_536);
      offset += r.length;
    }
  });

  test('has an idle stretch of at least 20 s with only small updates (caret, clock)', () => {
    const inputs = steps.filter(isInput);
    let best: [number, number] = [0, 0];
    for (let i = 1; i < inputs.length; i++) {
      const a = (inputs[i - 1] as SessionStep).atMs, b = (inputs[i] as SessionStep).atMs;
      if (b - a > best[1] - best[0]) best = [a, b];
    }
    assert.ok(best[1] - best[0] >= 20_000, `longest gap without input: ${best[1] - best[0]} ms`);
    // Skip the frames that finish drawing the last input's effect.
    const quiet = frames.filter((f) => f.atMs > best[0] + 500 && f.atMs < best[1]);
    assert.ok(quiet.length >= 10, `${quiet.length} tiles while idle (the caret blinks)`);
    for (const f of quiet) {
      const m = f.message;
      assert.ok((m.right - m.left) * (m.bottom - m.top) <= 2 * CELL * CELL, `tile ${m.left},${m.top}-${m.right},${m.bottom} at ${f.atMs} while idle`);
    }
  });

  test('is deterministic for a seed', async () => {
    const again = await collect(SEED);
    assert.equal(again.length, steps.length);
    const tiles = ofKind(again, 'pngFrame');
    for (let i = 0; i < 50; i++) {
      const a = (frames[i] as (typeof frames)[number]), b = (tiles[i] as (typeof tiles)[number]);
      assert.deepEqual([b.atMs, b.message.left, b.message.top, b.message.right, b.message.bottom], [a.atMs, a.message.left, a.message.top, a.message.right, a.message.bottom]);
      assert.ok(Buffer.from(a.message.png).equals(Buffer.from(b.message.png)), `tile ${i} bytes differ`);
    }
  });
});

describe('TileDiffer', () => {
  test('splits tiles whose PNG would not fit in a record, and sends only changed cells', async () => {
    const W = 600, H = 130; // partial cells on the right and at the bottom
    const canvas = createCanvas(W, H);
    const ctx = canvas.getContext('2d');
    const noise = ctx.createImageData(W, H);
    const rng = new Prng(7);
    for (let i = 0; i < noise.data.length; i += 4) {
      noise.data[i] = rng.int(0, 255);
      noise.data[i + 1] = rng.int(0, 255);
      noise.data[i + 2] = rng.int(0, 255);
      noise.data[i + 3] = 255;
    }
    // Opaque 256×64 noise is ~49 KB of PNG; a lower limit makes the tiler split it.
    const limit = 30_000;
    const differ = new TileDiffer(ctx, W, H, limit);
    differ.markDirty({ x: 0, y: 0, w: W, h: H });
    const tiles = differ.flush(() => ctx.putImageData(noise, 0, 0));
    assert.ok(differ.stats.splits > 0, 'incompressible tiles are split');
    assert.ok(tiles.some((t) => t.right - t.left === 2 * CELL));
    let area = 0;
    for (const t of tiles) {
      assert.ok(t.png.length <= limit, `${t.png.length} bytes`);
      assert.equal(t.left % CELL, 0);
      const image = await loadImage(t.png);
      assert.equal(image.width, t.right - t.left);
      assert.equal(image.height, t.bottom - t.top);
      area += image.width * image.height;
    }
    assert.equal(area, W * H);

    // Redrawing the same pixels yields nothing; one changed pixel yields one cell.
    differ.markDirty({ x: 0, y: 0, w: W, h: H });
    assert.deepEqual(differ.flush(() => ctx.putImageData(noise, 0, 0)), []);
    differ.markDirty({ x: 130, y: 70, w: 1, h: 1 });
    const one = differ.flush(() => {
      ctx.fillStyle = '#000000';
      ctx.fillRect(130, 70, 1, 1);
    });
    assert.deepEqual(one.map((t) => [t.left, t.top, t.right, t.bottom]), [[128, 64, 192, 128]]);
  });
});
