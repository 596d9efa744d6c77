import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, test } from 'node:test';
import { ActivityClassifier, ActivityTrack, type PaintRect } from '../../src/core/activity.js';
import { IdleTimeMap } from '../../src/core/idle-time.js';
import { ScreenTimeline } from '../../src/core/screen-timeline.js';
import { readRecording } from '../../src/format/reader.js';
import { TimelineBuilder } from '../../src/format/timeline.js';
import { loadFastPathDecoder } from '../../src/core/fastpath/load.js';

/** A 64×64 cell of a 1280×720 screen at column `column`, row `row`. */
const cell = (column: number, row = 0): PaintRect => ({ left: column * 64, top: row * 64, right: column * 64 + 64, bottom: row * 64 + 64 });
const image = (...bytes: number[]) => new Uint8Array(bytes);
/** The screen's area in cells (720 px is 11¼ rows of them). */
const CELLS = (1280 * 720) / (64 * 64);

/** A track on a 1280×720 screen that collects its active moments. */
function track(): { track: ActivityTrack; active: number[] } {
  const active: number[] = [];
  const result = new ActivityTrack((timeMs) => active.push(timeMs));
  result.setScreen(1280, 720);
  return { track: result, active };
}

// The timeline indexes fast-path updates with the scan from the decoder's chunk, loaded first as a player does.
await loadFastPathDecoder();

describe('ActivityClassifier', () => {
  test('a blinking caret (a small tile toggling between two images) is ambient; typing is not', () => {
    const classifier = new ActivityClassifier();
    assert.equal(classifier.isAmbient([cell(0)], image(1)), false, 'caret on');
    assert.equal(classifier.isAmbient([cell(0)], image(2)), false, 'caret off');
    assert.equal(classifier.isAmbient([cell(0)], image(1)), true, 'on again: a toggle');
    assert.equal(classifier.isAmbient([cell(0)], image(2)), true);
    assert.equal(classifier.isAmbient([cell(0)], image(3)), false, 'a character typed');
    assert.equal(classifier.isAmbient([cell(0)], image(4)), false, 'another');
  });

  test('changes larger than two cells are never ambient', () => {
    const classifier = new ActivityClassifier();
    const wide = { left: 0, top: 0, right: 256, bottom: 64 };
    for (let i = 0; i < 4; i++) assert.equal(classifier.isAmbient([wide], image(i % 2)), false);
  });

  test('without an image (fast-path), the same small rectangle painted again and again is ambient; a moving one is not', () => {
    const classifier = new ActivityClassifier();
    const caret = { left: 59, top: 23, right: 65, bottom: 36 };
    assert.deepEqual([1, 2, 3, 4].map(() => classifier.isAmbient([caret])), [false, false, true, true]);
    // Typing: each character paints a little further along the line.
    assert.deepEqual([0, 1, 2, 3].map((i) => classifier.isAmbient([{ left: 100 + 8 * i, top: 23, right: 108 + 8 * i, bottom: 36 }])), [false, false, false, false]);
  });
});

describe('ActivityTrack', () => {
  test('a second is the area of the cells changed in it (each cell once), as a fraction of the screen', () => {
    const { track: t } = track();
    // Second 0: cell 0 painted three times, cell 1 once, a 2×2-cell rectangle: 1 + 1 + 4 = 6 cells.
    t.addChange(100, [cell(0)], image(1));
    t.addChange(200, [cell(0)], image(2));
    t.addChange(300, [cell(0)], image(3));
    t.addChange(400, [cell(1)], image(1));
    t.addChange(500, [{ left: 640, top: 320, right: 768, bottom: 448 }], image(9));
    // Second 1: a change of a part of a cell counts the whole cell.
    t.addChange(1500, [{ left: 3, top: 3, right: 10, bottom: 20 }], image(5));
    t.finish(2000);
    const seconds = t.seconds;
    assert.equal(seconds.length, 2);
    assert.ok(Math.abs(seconds[0]! - 6 / CELLS) < 1e-6, `${seconds[0]}`);
    assert.ok(Math.abs(seconds[1]! - 1 / CELLS) < 1e-6, 'a small change next to a busy second shows');
  });

  test('cells cut by the screen edge count with the part on the screen', () => {
    const t = new ActivityTrack();
    t.setScreen(100, 100); // 2×2 cells: 64×64, 36×64, 64×36, 36×36
    t.addChange(0, [{ left: 0, top: 0, right: 100, bottom: 100 }]);
    t.finish(1000);
    assert.equal(t.seconds[0], 1);
  });

  test('a blinking caret alone is no activity: the track stays empty and idle skipping sees one long gap', () => {
    const { track: t, active } = track();
    for (let ms = 0; ms < 60_000; ms += 530) t.addChange(ms, [cell(6, 3)], image(ms % 1060 === 0 ? 1 : 2));
    t.finish(60_000);
    assert.equal(t.seconds.length, 60);
    // The first two paints cannot be told from typing yet (nothing was put back so far).
    assert.deepEqual([...t.seconds.slice(2)], new Array(58).fill(0));
    assert.ok(active.every((ms) => ms < 1000), `active at ${active}`);
  });

  test('a clock ticking once a minute is no activity; the same one-cell change with typing around it is', () => {
    const { track: t, active } = track();
    for (let minute = 1; minute <= 5; minute++) t.addChange(minute * 60_000, [cell(18, 10)], image(minute));
    t.finish(330_000);
    assert.ok(t.seconds.every((value) => value === 0));
    assert.deepEqual(active, []);
  });

  test('slow typing (a character every 1.5 s, one cell each) stays activity', () => {
    const { track: t, active } = track();
    for (let i = 0; i < 10; i++) t.addChange(10_000 + i * 1500, [cell(2 + (i >> 3), 2)], image(i));
    t.finish(30_000);
    const typed = [...t.seconds.slice(10, 24)].filter((value) => value > 0);
    assert.equal(typed.length, 10, 'each second with a character shows');
    assert.equal(active[0], 10_000);
    assert.equal(active.at(-1), 23_500);
    // Idle skipping: the typing plays at its pace, the quiet before and after is shortened.
    const map = new IdleTimeMap();
    for (const ms of active) map.addActivity(ms);
    map.addActivity(30_000);
    map.setLimit(2000);
    assert.equal(map.toCompressed(23_500) - map.toCompressed(10_000), 13_500);
    assert.equal(map.toCompressed(30_000), 2000 + 13_500 + 2000);
  });

  test('pointer input makes its second active for idle skipping but adds no area', () => {
    const { track: t, active } = track();
    t.addInput(5200);
    t.addInput(5900);
    t.addChange(20_000, [cell(18, 10)], image(1)); // a lone clock tick: nothing
    t.finish(30_000);
    assert.ok(t.seconds.every((value) => value === 0));
    assert.deepEqual(active, [5200, 5900]);
  });

  test('a small change next to pointer input shows (a checkbox ticked with the mouse)', () => {
    const { track: t } = track();
    t.addInput(7100);
    t.addChange(7300, [cell(4, 4)], image(1));
    t.finish(10_000);
    assert.ok(t.seconds[7]! > 0);
  });

  test('active moments are the first and last of each active second, in order', () => {
    const { track: t, active } = track();
    t.addChange(1200, [cell(0), cell(1), cell(2)], image(1));
    t.addInput(1700);
    t.addChange(1800, [cell(5), cell(6), cell(7)], image(2));
    t.addChange(4100, [cell(0), cell(1), cell(2)], image(3));
    t.finish(5000);
    assert.deepEqual(active, [1200, 1800, 4100]);
  });

  test('a second is final once time is two seconds past it; the end makes every second final', () => {
    const { track: t } = track();
    t.addChange(500, [cell(0), cell(1), cell(2)], image(1));
    assert.equal(t.seconds.length, 0);
    const before = t.version;
    t.addInput(2999);
    assert.equal(t.seconds.length, 0, 'second 0 may still get company within 2 s');
    t.addInput(3000);
    assert.equal(t.seconds.length, 1);
    assert.notEqual(t.version, before);
    t.finish(9500);
    assert.equal(t.seconds.length, 10, 'the quiet tail is zeros up to the duration');
    assert.deepEqual([...t.seconds.slice(4)], [0, 0, 0, 0, 0, 0]);
  });

  test('the step stops only at changes the track shows', () => {
    const { track: t } = track();
    t.addChange(0, [cell(0, 0)], image(1)); // caret on, off, on: the third is ambient
    t.addChange(500, [cell(0, 0)], image(2));
    t.addChange(1000, [cell(0, 0)], image(1));
    t.addQuiet(1200); // a fast-path update that paints nothing
    t.addChange(30_000, [cell(9, 9)], image(7)); // a lone clock tick
    t.addChange(60_000, [cell(0), cell(1), cell(2), cell(3)], image(8));
    t.finish(61_000);
    assert.equal(t.countsAt(1000), false, 'ambient');
    assert.equal(t.countsAt(1200), false, 'paints nothing');
    assert.equal(t.countsAt(30_000), false, 'lone');
    assert.equal(t.countsAt(60_000), true);
  });

  test('grows past its first buffers (an hour, one value a second)', () => {
    const { track: t } = track();
    for (let second = 0; second < 3600; second += 1) t.addChange(second * 1000, [cell(second % 20), cell((second + 1) % 20), cell((second + 2) % 20)], image(second & 255));
    t.finish(3_600_000);
    assert.equal(t.seconds.length, 3600);
    assert.ok(t.seconds.every((value) => Math.abs(value - 3 / CELLS) < 1e-6));
  });
});

describe('ActivityTrack on a sample recording (alice, 1280×720, 2 min)', async () => {
  const bytes = new Uint8Array(await readFile(new URL('../../demo/recordings/6c0e1e5a-8d6b-4a51-9a0c-2f4b1c7d0720.tar', import.meta.url)));
  const { events } = await readRecording(bytes);
  const builder = new TimelineBuilder();
  const placed = [...events.flatMap((event) => builder.add(event)), ...builder.finish()];
  const active: number[] = [];
  const t = new ActivityTrack((timeMs) => active.push(timeMs));
  for (const { timeMs, tdp } of placed) {
    if (tdp?.kind === 'screenSpec') t.setScreen(tdp.width, tdp.height);
    else if (tdp?.kind === 'pngFrame' || tdp?.kind === 'png2Frame') t.addChange(timeMs, [tdp], tdp.png);
    else if (tdp?.kind === 'mouseMove' || (tdp?.kind === 'mouseButton' && tdp.pressed)) t.addInput(timeMs);
  }
  t.finish(builder.durationMs);
  const seconds = t.seconds;

  test('one value a second, for the whole recording', () => {
    assert.equal(seconds.length, Math.ceil(builder.durationMs / 1000));
  });

  test('typing shows (seconds 4–17: a line of text, 3–4 cells a second)', () => {
    for (let second = 4; second <= 17; second++) assert.ok(seconds[second]! > 0 && seconds[second]! < 0.05, `second ${second}: ${seconds[second]}`);
  });

  test('the caret blinking alone (seconds 54–77) and the clock tick among it (57) show nothing', () => {
    for (let second = 54; second <= 77; second++) assert.equal(seconds[second], 0, `second ${second}`);
  });

  test('window changes show large (second 21 repaints half the screen)', () => {
    assert.ok(seconds[21]! >= 0.5, `${seconds[21]}`);
  });

  test('idle skipping sees the caret-only stretch as one gap (from the last pointer move in second 54 to 78)', () => {
    const before = active.filter((ms) => ms < 55_000).at(-1)!;
    const after = active.find((ms) => ms >= 55_000)!;
    assert.ok(before >= 54_000 && after >= 78_000, `gap ${before}–${after}`);
  });
});

describe('ActivityTrack on a tiny screen', () => {
  test('one cell of a 256×128 screen is an eighth of it: never a lone small change', () => {
    const t = new ActivityTrack();
    t.setScreen(256, 128);
    t.addChange(5000, [cell(0)], image(1));
    t.finish(8000);
    assert.equal(t.seconds[5], 1 / 8);
  });
});

describe('ActivityTrack step stops', () => {
  test('a moment where a batch of tiles counts is a stop even when a caret blink shares its ms', () => {
    const t = new ActivityTrack();
    t.setScreen(1280, 720);
    for (const [ms, png] of [[0, 1], [500, 2], [1000, 1]] as const) t.addChange(ms, [cell(6, 3)], image(png));
    // At 1500: the caret (ambient) first, then a menu (counts); at 2000: the other way round.
    t.addChange(1500, [cell(6, 3)], image(2));
    t.addChange(1500, [cell(0), cell(1), cell(2)], image(5));
    t.addChange(2000, [cell(0), cell(1), cell(2)], image(6));
    t.addChange(2000, [cell(6, 3)], image(1));
    t.finish(3000);
    assert.equal(t.countsAt(1000), false);
    assert.equal(t.countsAt(1500), true);
    assert.equal(t.countsAt(2000), true);
  });
});

describe('ActivityTrack on a fast-path sample (FreeRDP shadow server, RemoteFX, 1024×768, 19 s)', async () => {
  const bytes = new Uint8Array(await readFile(new URL('../../demo/recordings/3b8e5d10-7c2a-4f61-9e0b-15a0c0de0003.tar', import.meta.url)));
  const { events } = await readRecording(bytes);
  const builder = new TimelineBuilder();
  const placed = [...events.flatMap((event) => builder.add(event)), ...builder.finish()];
  // As the session measures it: the areas the timeline's header scan reports, no pixel decoded.
  const timeline = new ScreenTimeline();
  const t = new ActivityTrack();
  for (const { timeMs, tdp } of placed) {
    if (tdp?.kind === 'connectionActivated') {
      timeline.add({ kind: 'resize', timeMs, width: tdp.screenWidth, height: tdp.screenHeight });
      t.setScreen(tdp.screenWidth, tdp.screenHeight);
    } else if (tdp?.kind === 'fastPathPdu') {
      const update = timeline.fastPath(timeMs, tdp.data, tdp.data);
      timeline.add(update);
      const rects: PaintRect[] = [];
      timeline.paintRects(update, (left, top, right, bottom) => rects.push({ left, top, right, bottom }));
      if (rects.length > 0) t.addChange(timeMs, rects);
      else t.addQuiet(timeMs);
    }
  }
  t.finish(builder.durationMs);
  const seconds = t.seconds;

  test('fast-path updates count by the area they paint, not as whole-screen changes', () => {
    assert.equal(seconds.length, 20);
    assert.equal(seconds[0], 1, 'the first full paint');
    assert.equal(seconds[10], 0, 'no update in second 10');
    const partial = [...seconds.slice(1)].filter((value) => value > 0 && value < 0.5);
    assert.ok(partial.length >= 12, `${[...seconds].map((value) => value.toFixed(3))}`);
  });
});
