import { describe, test } from 'node:test';
import { assert } from '../helpers/assert.js';
import { readRecording } from '../../src/format/reader.js';
import { desktopRecording, mouseMove, writeRecording } from '../helpers/recording-bytes.js';
import { readerSuite } from '../shared/reader.suite.js';

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
