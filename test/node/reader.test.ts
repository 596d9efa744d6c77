import { describe, test } from 'node:test';
import { assert } from '../helpers/assert.js';
import { EVENT_BATCH, RecordingReader, readRecording } from '../../src/format/reader.js';
import type { RecordedEvent } from '../../src/format/events.js';
import { desktopRecording, mouseMove, writeRecording } from '../helpers/recording-bytes.js';
import { readerSuite } from '../shared/reader.suite.js';

readerSuite('wasm', { describe, test });
readerSuite('fflate', { describe, test });

describe('reading a whole file at once', () => {
  test('a file of 300,000 events given as one buffer reads whole (one batch, past what a call can spread)', async () => {
    const count = 300_000;
    const events = Array.from({ length: count }, (_, index) => desktopRecording(index, index, mouseMove(index % 1920, index % 1080)));
    const { events: read, error } = await readRecording(writeRecording(events));
    assert.equal(error, undefined);
    assert.equal(read.length, count);
    assert.equal(Number(read.at(-1)!.index), count - 1);
  });
});

describe('events handed out while they decode', () => {
  test('with `onEvents`, every event goes there in order while it decodes, at most EVENT_BATCH at a time, the rest in the result; duplicates are dropped as without it', async () => {
    const count = 5_000;
    // Index 1000 again after 1000: a duplicate, dropped.
    const indexes = Array.from({ length: count }, (_, i) => (i === 1001 ? 1000 : i));
    const bytes = writeRecording(indexes.map((index, i) => desktopRecording(index, i, mouseMove(i % 1920, i % 1080))), { partSize: 32 * 1024 });
    const whole = await readRecording(bytes);
    const reader = new RecordingReader({ inflate: 'fflate' });
    const handed: RecordedEvent[][] = [];
    const results: RecordedEvent[][] = [];
    reader.onEvents = (events) => void handed.push(events);
    for (let at = 0; at < bytes.length; at += 64 * 1024) {
      const before = handed.length;
      const result = await reader.push(bytes.subarray(at, at + 64 * 1024));
      assert.equal(result.error, undefined);
      assert.ok(result.events.length < EVENT_BATCH, 'what is left for the result is less than a batch');
      // Whatever was handed out during this push comes before what the push returns.
      results.push(...handed.splice(before), result.events);
    }
    const before = handed.length;
    const ended = await reader.end();
    results.push(...handed.splice(before), ended.events);
    assert.ok(handed.length === 0);
    const batches = results.filter((batch) => batch.length > 0);
    assert.ok(batches.length > count / EVENT_BATCH / 2, `in many batches (${batches.length})`);
    for (const batch of batches) assert.ok(batch.length <= EVENT_BATCH, `a batch of ${batch.length}`);
    const all = batches.flat();
    assert.equal(all.length, count - 1);
    assert.deepEqual(all.map((event) => event.index), whole.events.map((event) => event.index));
    assert.deepEqual(all.map((event) => event.recordOffset), whole.events.map((event) => event.recordOffset));
    assert.equal(reader.stats.events, count - 1);
    assert.equal(reader.stats.duplicates, 1);
  });
});
