import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FastPathDecoder } from '../../src/core/fastpath/index.js';
import { loadFastPathDecoder } from '../../src/core/fastpath/load.js';
import { COVERAGE_CELL, CoverageGrid, ScreenTimeline, paints, planReplay, type ScreenUpdate } from '../../src/core/screen-timeline.js';
import { qoizPdus, syntheticScreen } from '../helpers/qoiz.js';

// Seek plans cull an update only when later kept updates paint every one of its pixels. Seeded
// random rectangles (glyph-sized to screen-wide, some reaching off screen) over small screens whose
// sides are not multiples of the 64-pixel cell: the replay of the plan equals the replay of every
// update, pixel for pixel, and the plan keeps exactly the updates that still show somewhere.

const png = new Uint8Array([0x89]);

function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32;
}

interface Area {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/** Random areas on a width×height screen: mostly glyph-sized, some larger, a few past the edges. */
function randomAreas(random: () => number, count: number, width: number, height: number): Area[] {
  const pick = (below: number) => Math.floor(random() * below);
  return Array.from({ length: count }, () => {
    const kind = random();
    const [w, h] = kind < 0.7 ? [1 + pick(12), 1 + pick(20)] : kind < 0.95 ? [1 + pick(90), 1 + pick(70)] : [width + 20, height + 20];
    const left = pick(width + 10) - 10;
    const top = pick(height + 10) - 10;
    return { left, top, right: left + w, bottom: top + h };
  });
}

/** Labels each pixel with the index (+1) of the last area painting it. */
function paintLabels(areas: readonly (Area & { label: number })[], width: number, height: number): Int32Array {
  const pixels = new Int32Array(width * height);
  for (const area of areas) {
    for (let y = Math.max(0, area.top); y < Math.min(height, area.bottom); y++) {
      for (let x = Math.max(0, area.left); x < Math.min(width, area.right); x++) pixels[y * width + x] = area.label;
    }
  }
  return pixels;
}

describe('CoverageGrid: pixel-exact culling', () => {
  test('a seeded random plan paints what every tile paints, and keeps exactly the tiles that show', () => {
    let culled = 0;
    let all = 0;
    for (let seed = 1; seed <= 60; seed++) {
      const random = seededRandom(seed);
      const width = 40 + Math.floor(random() * 160);
      const height = 40 + Math.floor(random() * 120);
      const areas = randomAreas(random, 40 + Math.floor(random() * 400), width, height);
      const timeline = new ScreenTimeline();
      timeline.add({ kind: 'resize', timeMs: 0, width, height });
      areas.forEach((area, i) => timeline.add({ kind: 'tile', timeMs: i + 1, ...area, png }));
      const labelled = areas.map((area, i) => ({ ...area, label: i + 1 }));
      const expected = paintLabels(labelled, width, height);
      // Seeks to several moments, from the start and from a later index (a keyframe's end).
      for (const end of [timeline.length, 1 + Math.floor(random() * areas.length), 1 + Math.floor(random() * areas.length)]) {
        for (const from of [0, 1 + Math.floor(random() * (end - 1))]) {
          const plan = planReplay(timeline, from, end, width, height);
          const kept = plan.filter((u): u is Extract<ScreenUpdate, { kind: 'tile' }> => u.kind === 'tile').map((u) => ({ ...u, label: u.timeMs }));
          const inRange = labelled.slice(from === 0 ? 0 : from - 1, end - 1);
          const before = paintLabels(labelled.slice(0, from === 0 ? 0 : from - 1), width, height);
          const replayed = (list: readonly (Area & { label: number })[]) => {
            const pixels = before.slice();
            paintLabels(list, width, height).forEach((label, at) => {
              if (label) pixels[at] = label;
            });
            return pixels;
          };
          const where = `seed ${seed}, ${width}×${height}, updates [${from}, ${end})`;
          assert.deepEqual(replayed(kept), replayed(inRange), `${where}: pixels differ`);
          if (end === timeline.length && from === 0) assert.deepEqual(replayed(kept), expected, `${where}: not the final screen`);
          // The oracle: a tile is needed exactly when it is the last to paint some pixel.
          const shows = new Set(paintLabels(inRange, width, height));
          assert.deepEqual(kept.map((u) => u.label), inRange.filter((u) => shows.has(u.label)).map((u) => u.label), `${where}: kept tiles`);
          culled += inRange.length - kept.length;
          all += inRange.length;
        }
      }
    }
    // Not vacuous: a good share of the tiles is painted over.
    assert.ok(culled > all / 4, `${culled} of ${all} tiles culled`);
  });

  test('glyph-sized areas add up to a covered cell, and the RemoteFX snapshot marks it', () => {
    const grid = new CoverageGrid(100, 70);
    // A 4×8 grid of 16×8 glyphs over the first cell (64×64), walking back in time.
    for (let row = 0; row < 8; row++) {
      for (let column = 0; column < 4; column++) assert.equal(grid.paintArea(column * 16, row * 8, column * 16 + 16, row * 8 + 8), true);
    }
    assert.deepEqual([...grid.snapshot()], [1, 0, 0, 0]);
    // An earlier full-cell area is now hidden; one pixel past the cell still shows.
    assert.equal(grid.paintArea(0, 0, 64, 64), false);
    assert.equal(grid.paintArea(0, 0, 65, 64), true);
    // Edge cells count only their pixels on screen: the 36×6 corner fills from two areas.
    assert.equal(grid.paintArea(64, 64, 120, 67), true);
    assert.equal(grid.paintArea(60, 67, 100, 90), true);
    assert.deepEqual([...grid.snapshot()], [1, 0, 0, 1]);
    assert.equal(grid.paintArea(90, 65, 95, 69), false);
    // Areas entirely off screen paint nothing.
    assert.equal(grid.paintArea(100, 0, 200, 70), false);
    assert.equal(grid.paintArea(-10, -10, 0, 0), false);
    assert.equal(grid.full, false);
  });

  test('a screen painted glyph by glyph becomes full', () => {
    const grid = new CoverageGrid(2 * COVERAGE_CELL + 5, COVERAGE_CELL + 3);
    for (let y = 0; y < COVERAGE_CELL + 3; y += 3) {
      for (let x = 0; x < 2 * COVERAGE_CELL + 5; x += 7) grid.paintArea(x, y, x + 7, y + 3);
    }
    assert.equal(grid.full, true);
    assert.equal(grid.paintArea(0, 0, 1, 1), false);
  });
});

describe('planReplay: a paint limit', () => {
  test('gives up exactly when the whole plan would paint more than the limit, and is the whole plan otherwise', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const random = seededRandom(seed);
      const width = 40 + Math.floor(random() * 160);
      const height = 40 + Math.floor(random() * 120);
      const timeline = new ScreenTimeline();
      timeline.add({ kind: 'resize', timeMs: 0, width, height });
      randomAreas(random, 40 + Math.floor(random() * 300), width, height).forEach((area, i) => timeline.add({ kind: 'tile', timeMs: i + 1, ...area, png }));
      const end = 1 + Math.floor(random() * timeline.length);
      const whole = planReplay(timeline, 0, end, 0, 0);
      const count = whole.filter(paints).length;
      for (const limit of [0, count - 1, count, count + 1, Math.floor(random() * (count + 2))]) {
        const limited = planReplay(timeline, 0, end, 0, 0, limit);
        if (count > limit) assert.equal(limited, undefined, `seed ${seed}: ${count} paints over a limit of ${limit}`);
        else assert.deepEqual(limited, whole, `seed ${seed}: ${count} paints within a limit of ${limit}`);
      }
    }
  });
});

// The timeline indexes fast-path updates with the scan from the decoder's chunk, loaded first as a player does.
await loadFastPathDecoder();

describe('CoverageGrid: QOIZ seeks', () => {
  test('seeded random QOIZ rectangles: the plan decodes to the same screen as every update, with fewer painted', () => {
    const width = 150;
    const height = 100;
    let painted = 0;
    let all = 0;
    for (let seed = 1; seed <= 6; seed++) {
      const random = seededRandom(seed * 7919);
      const timeline = new ScreenTimeline();
      timeline.add({ kind: 'resize', timeMs: 0, width, height });
      const areas = randomAreas(random, 150, width, height).map((area) => ({
        left: Math.max(0, area.left),
        top: Math.max(0, area.top),
        right: Math.min(width, area.right),
        bottom: Math.min(height, area.bottom),
      })).filter((area) => area.right > area.left && area.bottom > area.top);
      areas.forEach((area, i) => {
        const w = area.right - area.left;
        const h = area.bottom - area.top;
        for (const pdu of qoizPdus(area.left, area.top, w, h, syntheticScreen(w, h, seed * 1000 + i))) timeline.add(timeline.fastPath(i + 1, pdu, pdu));
      });
      for (const end of [timeline.length, 1 + Math.floor(random() * (timeline.length - 1))]) {
        const expected = new FastPathDecoder(width, height);
        for (let index = 1; index < end; index++) expected.push((timeline.at(index) as Extract<ScreenUpdate, { kind: 'fastpath' }>).pdu as Uint8Array, { paint: true });
        const seeked = new FastPathDecoder(width, height);
        for (const update of planReplay(timeline, 0, end, 0, 0)) {
          if (update.kind !== 'fastpath') continue;
          seeked.push(update.pdu as Uint8Array, { paint: !update.stateOnly, covered: update.covered });
          if (!update.stateOnly) painted += 1;
        }
        all += end - 1;
        assert.equal(Buffer.compare(Buffer.from(seeked.framebuffer.pixels), Buffer.from(expected.framebuffer.pixels)), 0, `seed ${seed}, end ${end}: pixels differ`);
      }
    }
    assert.ok(painted < all / 2, `${painted} of ${all} QOIZ updates painted`);
  });
});
