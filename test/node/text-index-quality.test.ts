import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startNodeRecognizer } from '../../src/cli/text-index.js';
import { Ingest } from '../../src/core/ingest.js';
import { buildTextIndex } from '../../src/core/text-index/builder.js';
import type { IndexedWord } from '../../src/core/text-index/format.js';
import { synthesizeSession, type SceneOptions } from '../../demo/samples/desktop-scene.js';
import { ScreenTextLog, type DrawnWord } from '../../demo/samples/text-log.js';
import { screenEvent } from '../helpers/scripted-session.js';

// Quality of the text index against the sample generator's own record of what it drew: the
// first 30 s of the 720p and 1080p samples (same seeds; about 200 words each), indexed by the real engine.
const SECONDS = Number(process.env.TEXT_INDEX_QUALITY_SECONDS ?? 30);
/** A word must have shown this long to be expected: the index reads a screen once it settled. */
const EXPECTED_AFTER_MS = 2000;

/** A word of four or more letters, without the punctuation around it. */
function wordOf(text: string): string | undefined {
  const bare = text.replace(/^[^\p{L}]+|[^\p{L}]+$/gu, '');
  return /^\p{L}{4,}$/u.test(bare) ? bare.toLowerCase() : undefined;
}

const near = (a: { x: number; y: number; w: number; h: number }, b: IndexedWord['box']) =>
  a.x < b.x + b.width + 4 && b.x < a.x + a.w + 4 && a.y < b.y + b.height + 4 && b.y < a.y + a.h + 4;

async function sample(scene: SceneOptions) {
  const log = new ScreenTextLog();
  const ingest = new Ingest();
  for await (const step of synthesizeSession({ ...scene, textLog: log })) {
    if ('message' in step) ingest.add([screenEvent(step.atMs, step.message)]);
  }
  ingest.finish();
  return { ingest, drawn: log.words(ingest.durationMs) };
}

function score(drawn: DrawnWord[], indexed: IndexedWord[]) {
  const expected = drawn.filter((word) => !word.partial && wordOf(word.text) && word.toMs - word.fromMs >= EXPECTED_AFTER_MS);
  const found = expected.filter((truth) =>
    indexed.some((word) => wordOf(word.text) === wordOf(truth.text) && near(truth.box, word.box) && word.startMs < truth.toMs && word.endMs > truth.fromMs),
  );
  const candidates = indexed.filter((word) => wordOf(word.text));
  const right = candidates.filter((word) =>
    drawn.some((truth) => (truth.partial ? wordOf(truth.text.slice(0, word.text.length)) : wordOf(truth.text)) === wordOf(word.text) && near(truth.box, word.box) && word.startMs < truth.toMs && word.endMs > truth.fromMs),
  );
  const missed = expected.filter((truth) => !found.includes(truth)).map((w) => `${w.text}@${w.fromMs}`);
  const wrong = candidates.filter((word) => !right.includes(word)).map((w) => `${w.text}@${w.startMs}`);
  return { recall: found.length / expected.length, precision: right.length / candidates.length, expected: expected.length, indexed: candidates.length, missed, wrong };
}

describe('text index quality against the generator record', () => {
  let engine: Awaited<ReturnType<typeof startNodeRecognizer>>;
  before(async () => {
    engine = await startNodeRecognizer();
  });
  after(() => engine.terminate());

  for (const scene of [
    { width: 1280, height: 720, durationMs: SECONDS * 1000, seed: 720 },
    { width: 1920, height: 1080, durationMs: SECONDS * 1000, seed: 1080 },
  ]) {
    test(`${scene.height}p: recall of 4+ letter words at their time ≥ 90 %, precision ≥ 95 %`, async () => {
      const { ingest, drawn } = await sample(scene);
      const index = await buildTextIndex({ timeline: ingest.timeline, readBytes: ingest.readBytes, durationMs: ingest.durationMs }, engine.recognizer);
      const result = score(drawn, index.words);
      console.log(`${scene.height}p: recall ${(result.recall * 100).toFixed(1)} % of ${result.expected}, precision ${(result.precision * 100).toFixed(1)} % of ${result.indexed}`);
      console.log(`missed: ${result.missed.slice(0, 60).join(' ')}`);
      console.log(`wrong: ${result.wrong.slice(0, 60).join(' ')}`);
      assert.ok(result.expected > 50, 'the sample shows text');
      assert.ok(result.recall >= 0.9, `recall ${result.recall}`);
      assert.ok(result.precision >= 0.95, `precision ${result.precision}`);
    });
  }
});
