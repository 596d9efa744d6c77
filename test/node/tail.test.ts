import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { describe, test } from 'node:test';
import { seededRandom as random } from '../helpers/seeded-random.js';
import { readRecording } from '../../src/format/reader.js';
import { originWallMsOf, partsEndingAt, readTailParts, tailDurationMs } from '../../src/format/tail.js';
import { TimelineBuilder, noteSessionEnd, type RecordingInfo } from '../../src/format/timeline.js';

const recordings = new URL('../../demo/recordings/', import.meta.url);
const samples = (await readdir(recordings)).filter((name) => name.endsWith('.tar')).sort();

/** Part offsets by chaining headers from the front (u64 version, size, padding). */
function partOffsets(bytes: Uint8Array): number[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const offsets: number[] = [];
  for (let at = 0; at < bytes.length; ) {
    offsets.push(at);
    const version = view.getUint32(at + 4);
    at += (version === 2 ? 32 : 24) + view.getUint32(at + 12) + view.getUint32(at + 20);
  }
  return offsets;
}

describe('reading a recording from its end', () => {
  for (const name of samples) {
    test(`${name}: the last part found in a growing tail gives the duration of the whole file`, async () => {
      const bytes = new Uint8Array(await readFile(new URL(name, recordings)));
      const whole = await readRecording(bytes);
      const timeline = new TimelineBuilder();
      for (const event of whole.events) timeline.add(event);
      timeline.finish();

      let windowBytes = 64 * 1024;
      let tail;
      let tailStart = 0;
      for (;;) {
        tailStart = Math.max(0, bytes.length - windowBytes);
        tail = await readTailParts(bytes.subarray(tailStart), tailStart, bytes.length);
        if (tail || tailStart === 0) break;
        windowBytes *= 4;
      }
      assert.ok(tail, 'the last part is found');
      assert.equal(tail.located.offset, partOffsets(bytes).at(-1), 'at the offset the header chain from the front gives');
      assert.equal(tail.located.end, bytes.length);
      const front = whole.events.slice(0, 50);
      assert.equal(tailDurationMs(tail.times, originWallMsOf(front)), timeline.durationMs);
      // The session-end metadata, ahead of its turn, is what the whole file gives.
      assert.ok(tail.sessionEnds.length > 0, 'the session end is among the last events');
      const ahead: RecordingInfo = {};
      for (const { event } of tail.sessionEnds) noteSessionEnd(ahead, event);
      for (const field of ['participants', 'recorded', 'sessionEnd', 'sessionStart'] as const) assert.deepEqual(ahead[field], timeline.recording[field], field);
    });
  }

  test('a tail that cuts the last part finds nothing (more of the end is needed)', async () => {
    const bytes = new Uint8Array(await readFile(new URL(samples[0]!, recordings)));
    const last = partOffsets(bytes).at(-1)!;
    const tailStart = last + 1;
    assert.equal(await readTailParts(bytes.subarray(tailStart), tailStart, bytes.length), undefined);
    assert.deepEqual(partsEndingAt(bytes.subarray(tailStart), tailStart, bytes.length), []);
  });

  test('damaged tails and random bytes never throw, and never yield a part that does not decode', async () => {
    const bytes = new Uint8Array(await readFile(new URL(samples[0]!, recordings)));
    const next = random(13);
    for (let round = 0; round < 30; round++) {
      const damaged = bytes.slice(bytes.length - 200_000);
      for (let i = 0; i < 20; i++) damaged[Math.floor(next() * damaged.length)] = Math.floor(next() * 256);
      const start = bytes.length - damaged.length;
      const tail = await readTailParts(damaged, start, bytes.length);
      if (tail) assert.equal(tail.located.end, bytes.length);
      const noise = new Uint8Array(4096).map(() => Math.floor(next() * 256));
      assert.equal(await readTailParts(noise, 0, noise.length), undefined);
    }
  });

  test('the duration waits for the origin only when an audit event is among the last', () => {
    assert.equal(tailDurationMs({ lastDelayMs: 5000, lastWallMs: undefined }, undefined), 5000);
    assert.equal(tailDurationMs({ lastDelayMs: 5000, lastWallMs: 1_000_009_000 }, undefined), undefined);
    assert.equal(tailDurationMs({ lastDelayMs: 5000, lastWallMs: 1_000_009_000 }, 1_000_000_000), 9000);
    assert.equal(tailDurationMs({ lastDelayMs: 5000, lastWallMs: 999_000_000 }, 1_000_000_000), 5000);
  });
});
