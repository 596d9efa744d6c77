import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createCanvas } from '@napi-rs/canvas';
import { startNodeRecognizer } from '../../src/cli/text-index.js';
import { Ingest } from '../../src/core/ingest.js';
import { buildTextIndex, changedRegions, type TextIndexProgress } from '../../src/core/text-index/builder.js';
import { parseTextIndex, serializeTextIndex, TEXT_INDEX_VERSION, type TextIndex } from '../../src/core/text-index/format.js';
import { decodePng } from '../../src/core/text-index/png.js';
import type { TextRecognizer } from '../../src/core/text-index/recognizer.js';
import { screenEvent } from '../helpers/scripted-session.js';
import { textTile } from '../helpers/text-tile.js';

function tile(timeMs: number, left: number, top: number, png: Uint8Array, width: number) {
  return screenEvent(timeMs, { kind: 'pngFrame', left, top, right: left + width, bottom: top + 64, png });
}

/** A 640×256 screen: two lines of text; the first is replaced at 4 s, the second stays. */
function sampleSession(): Ingest {
  const ingest = new Ingest();
  ingest.add([
    screenEvent(0, { kind: 'screenSpec', width: 640, height: 256 }),
    ...[0, 1, 2, 3].map((row) => tile(0, 0, row * 64, textTile(640), 640)),
    tile(500, 0, 0, textTile(640, 'Opening password manager'), 640),
    tile(600, 0, 128, textTile(640, 'Customers table exported'), 640),
    tile(4000, 0, 0, textTile(640, 'Terminal connected'), 640),
    screenEvent(8000, { kind: 'mouseMove', x: 1, y: 1 }),
  ]);
  ingest.finish();
  return ingest;
}

const sourceOf = (ingest: Ingest) => ({ timeline: ingest.timeline, readBytes: ingest.readBytes, durationMs: ingest.durationMs });

describe('text index', () => {
  let engine: Awaited<ReturnType<typeof startNodeRecognizer>>;
  before(async () => {
    engine = await startNodeRecognizer();
  });
  after(() => engine.terminate());

  test('decodePng reads what a PNG encoder wrote, pixel for pixel', () => {
    const canvas = createCanvas(37, 23);
    const ctx = canvas.getContext('2d');
    ctx.fillStyle = '#3366cc';
    ctx.fillRect(0, 0, 37, 23);
    ctx.fillStyle = 'rgba(255, 0, 0, 0.5)';
    ctx.fillText('Ag', 3, 15);
    const decoded = decodePng(new Uint8Array(canvas.toBuffer('image/png')));
    assert.deepEqual([decoded.width, decoded.height], [37, 23]);
    assert.deepEqual(Array.from(decoded.data), Array.from(ctx.getImageData(0, 0, 37, 23).data));
    assert.throws(() => decodePng(new Uint8Array([1, 2, 3])), /not a PNG/);
  });

  test('the format round-trips, and refuses what it does not know with a clear error', () => {
    const index: TextIndex = {
      durationMs: 9000, coveredMs: 9000, screen: { width: 640, height: 256 }, engine: 'test',
      words: [{ text: 'password', startMs: 500, endMs: 4000, box: { x: 70, y: 26, width: 60, height: 12 }, line: 0, confidence: 91 }],
    };
    assert.deepEqual(parseTextIndex(serializeTextIndex(index)), index);
    assert.throws(() => parseTextIndex('{'), /not JSON/);
    assert.throws(() => parseTextIndex('{"format":"other"}'), /format/);
    const file = JSON.parse(serializeTextIndex(index));
    assert.equal(file.version, TEXT_INDEX_VERSION);
    assert.throws(() => parseTextIndex({ ...file, version: TEXT_INDEX_VERSION + 1 }), /version 2 is not supported/);
    assert.throws(() => parseTextIndex({ ...file, words: [['x', 5, 1, 0, 0, 1, 1, 0, 90]] }), /word 0/);
  });

  test('changed cells become regions grown by a margin; separate changes stay separate', () => {
    const columns = 20;
    const dirty = new Float64Array(columns * 12);
    dirty[0] = 1;
    dirty[1] = 1;
    dirty[10 * columns + 15] = 1;
    const regions = changedRegions(dirty, columns, 12, 1280, 768);
    assert.equal(regions.length, 2);
    assert.deepEqual(regions[0], { x: 0, y: 0, width: 192, height: 72 });
    assert.deepEqual(regions[1], { x: 15 * 64 - 64, y: 640 - 8, width: 192, height: 80 });
  });

  test('words are read with their box; a word shows until its area changes; the unchanged line goes on', async () => {
    const progress: TextIndexProgress[] = [];
    const index = await buildTextIndex(sourceOf(sampleSession()), engine.recognizer, { onProgress: (p) => progress.push(p) });
    const find = (text: string) => index.words.find((word) => word.text.toLowerCase() === text);
    const password = find('password');
    const customers = find('customers');
    const terminal = find('terminal');
    assert.ok(password && customers && terminal, `read: ${index.words.map((w) => w.text).join(' ')}`);
    assert.deepEqual([password.startMs, password.endMs], [600, 4000], 'from the settled screen until the change that painted over it');
    assert.deepEqual([customers.startMs, customers.endMs], [600, 8000], 'never painted over: until the end');
    assert.deepEqual([terminal.startMs, terminal.endMs], [4000, 8000]);
    assert.ok(password.box.y >= 20 && password.box.y + password.box.height <= 44, `box ${JSON.stringify(password.box)}`);
    assert.ok(customers.box.y >= 128 + 20 && customers.box.x < 20, `box ${JSON.stringify(customers.box)}`);
    assert.equal(index.words.filter((word) => word.text.toLowerCase() === 'customers').length, 1, 'read once, not again at 4 s');
    assert.equal(index.coveredMs, 8000);
    assert.equal(progress.at(-1)!.coveredMs, 8000);
    assert.equal(progress.at(-1)!.screens, 2);
    assert.deepEqual(parseTextIndex(serializeTextIndex(index)), index);
  });

  test('a word near a change but not painted over is not read into a second copy: it goes on once', async () => {
    const canvas = createCanvas(16, 14);
    const ctx = canvas.getContext('2d');
    ctx.fillStyle = '#c0c0c0';
    ctx.fillRect(0, 0, 16, 14);
    const ingest = new Ingest();
    ingest.add([
      screenEvent(0, { kind: 'screenSpec', width: 640, height: 256 }),
      ...[0, 1, 2, 3].map((row) => tile(0, 0, row * 64, textTile(640), 640)),
      tile(600, 0, 128, textTile(640, 'Customers table exported'), 640),
      // Below the line, in the same 64×64 cells as its words: the cells change, the words do not.
      screenEvent(4000, { kind: 'pngFrame', left: 100, top: 178, right: 116, bottom: 192, png: new Uint8Array(canvas.toBuffer('image/png')) }),
      screenEvent(8000, { kind: 'mouseMove', x: 1, y: 1 }),
    ]);
    ingest.finish();
    const index = await buildTextIndex(sourceOf(ingest), engine.recognizer);
    const ranges = (text: string) => index.words.filter((word) => word.text.toLowerCase() === text).map((word) => [word.startMs, word.endMs]);
    assert.deepEqual(ranges('customers'), [[600, 8000]], index.words.map((w) => `${w.text}@${w.startMs}-${w.endMs}`).join(' '));
    assert.deepEqual(ranges('table'), [[600, 8000]]);
    assert.deepEqual(ranges('exported'), [[600, 8000]]);
  });

  test('cancelling stops the build between regions with the reason', async () => {
    const abort = new AbortController();
    let recognized = 0;
    const counting: TextRecognizer = {
      engine: engine.recognizer.engine,
      recognize: (screen, region) => {
        recognized += 1;
        abort.abort(new Error('stopped by the test'));
        return engine.recognizer.recognize(screen, region);
      },
    };
    await assert.rejects(buildTextIndex(sourceOf(sampleSession()), counting, { signal: abort.signal }), /stopped by the test/);
    assert.equal(recognized, 1);
  });

  test('more words than the limit is a clear error, not a growing heap', async () => {
    await assert.rejects(buildTextIndex(sourceOf(sampleSession()), engine.recognizer, { maxWords: 2 }), /more than 2 words/);
  });
});
