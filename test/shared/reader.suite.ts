import { assert } from '../helpers/assert.js';
import { gzipSync } from 'fflate';
import { concatBytes } from '../../src/format/bytes.js';
import { encodeAuditEvent } from '../../src/format/events.js';
import type { InflateEngine } from '../../src/format/inflate.js';
import { readRecording, RecordingReader } from '../../src/format/reader.js';
import {
  chunked, desktopRecording, eventPayloads, mouseMove, rawPart, records, sampleEvents, writeRecording,
} from '../helpers/recording-bytes.js';
import type { RecordedEvent } from '../../src/format/events.js';
import { hex, type SuiteApi } from '../helpers/assert.js';


function summary(events: RecordedEvent[]): string[] {
  return events.map((e) => {
    const value = e.event.value as { delayMilliseconds?: bigint; message?: Uint8Array };
    return `${e.index}:${e.event.case}:${value.delayMilliseconds}:${hex(value.message ?? new Uint8Array(0))}`;
  });
}

/** The reader's behaviour, run by node:test (fflate) and by mocha in Chromium (both engines). */
export function readerSuite(inflate: InflateEngine, { describe, test }: SuiteApi): void {
  describe(`RecordingReader (${inflate})`, () => {
    const events = sampleEvents(30);
    // Three parts: the writer cuts a part before a record would take it past 200 bytes.
    const file = writeRecording(events, { partSize: 200 });
    const expected = summary(events.map((event, i) => ({ event, index: i }) as unknown as RecordedEvent));

    test('reads back what the writer wrote, over several parts', async () => {
      const { events: read, error, stats } = await readRecording(file, { inflate });
      assert.equal(error, undefined);
      assert.ok(stats.parts >= 3, `parts: ${stats.parts}`);
      assert.deepEqual(summary(read), expected);
    });

    test('chunk-boundary sweep: every chunk size yields the same events', async () => {
      for (let size = 1; size <= file.length; size += size < 64 ? 1 : 37) {
        const { events: read, error } = await readRecording(chunked(file, size), { inflate });
        assert.equal(error, undefined, `chunk size ${size}`);
        assert.deepEqual(summary(read), expected, `chunk size ${size}`);
      }
    });

    test('chunk-boundary sweep: a split at every byte yields the same events', async () => {
      for (let at = 0; at <= file.length; at++) {
        const { events: read, error } = await readRecording([file.subarray(0, at), file.subarray(at)], { inflate });
        assert.equal(error, undefined, `split at ${at}`);
        assert.equal(read.length, events.length, `split at ${at}`);
      }
    });

    test('a file cut anywhere yields every event before the cut, then `truncated`', async () => {
      const whole = summary((await readRecording(file, { inflate })).events);
      const partEnds = new Set<number>();
      for (let cut = 1; cut < file.length; cut++) {
        const { events: read, error } = await readRecording(file.subarray(0, cut), { inflate });
        assert.deepEqual(summary(read), whole.slice(0, read.length), `cut at ${cut}`);
        if (!error) {
          partEnds.add(cut);
          continue;
        }
        assert.equal(error.reason, 'truncated', `cut at ${cut}: ${error.message}`);
        assert.equal(error.atByte, cut);
      }
      assert.ok(partEnds.size >= 2, 'the clean cuts are the part boundaries');
    });

    test('a cut inside a part still yields the whole records before it', async () => {
      const big = writeRecording(sampleEvents(400));
      const { events: read, error } = await readRecording(big.subarray(0, Math.floor(big.length * 0.8)), { inflate });
      assert.equal(error?.reason, 'truncated');
      assert.ok(read.length > 200, `read ${read.length} of 400 events`);
    });

    test('V2 headers: unencrypted parts read, encrypted parts give `encrypted`', async () => {
      const body = records(eventPayloads(sampleEvents(3)));
      const ok = await readRecording(rawPart(body, { version: 2 }), { inflate });
      assert.equal(ok.error, undefined);
      assert.equal(ok.events.length, 3);
      assert.equal(ok.stats.version, 2);
      const encrypted = await readRecording(concatBytes([rawPart(body), rawPart(body, { version: 2, flags: 1 })]), { inflate });
      assert.equal(encrypted.error?.reason, 'encrypted');
      assert.equal(encrypted.error?.atByte, rawPart(body).length);
      assert.equal(encrypted.events.length, 3, 'the unencrypted part before it stays readable');
    });

    test('empty parts and padding are skipped', async () => {
      const [a, b] = [sampleEvents(2), sampleEvents(2, 2)];
      const file = concatBytes([
        rawPart(new Uint8Array(0)),
        rawPart(new Uint8Array(0), { padding: 100 }),
        rawPart(records(eventPayloads(a)), { padding: 5000 }),
        rawPart(records(eventPayloads(b))),
      ]);
      const { events: read, error, stats } = await readRecording(file, { inflate });
      assert.equal(error, undefined);
      assert.equal(read.length, 4);
      assert.equal(stats.parts, 4);
    });

    test('padded parts from the writer (padParts) read back', async () => {
      const padded = writeRecording(sampleEvents(50), { partSize: 400, padParts: true });
      const { events: read, error, stats } = await readRecording(padded, { inflate });
      assert.equal(error, undefined);
      assert.equal(read.length, 50);
      assert.ok(stats.parts > 2);
      assert.equal(padded.length % 400 > 0 || padded.length === stats.parts * 400, true);
    });

    test('bytes dangling after the gzip member are skipped, a hidden second member is never decoded', async () => {
      const first = records(eventPayloads(sampleEvents(3)));
      const hidden = gzipSync(records(eventPayloads(sampleEvents(5, 3))), { mtime: 0 });
      for (const dangling of [new Uint8Array(37), hidden]) {
        const file = concatBytes([rawPart(first, { dangling }), rawPart(records(eventPayloads(sampleEvents(1, 10))))]);
        const { events: read, error } = await readRecording(chunked(file, 7), { inflate });
        assert.equal(error, undefined);
        assert.deepEqual(read.map((e) => e.index), [0, 1, 2, 10]);
      }
    });

    test('records over 64 KiB give `record-too-large`; length 0 gives `corrupt`', async () => {
      const good = records(eventPayloads(sampleEvents(2)));
      const tooLarge = new Uint8Array(4);
      new DataView(tooLarge.buffer).setUint32(0, 65537);
      const large = await readRecording(rawPart(concatBytes([good, tooLarge, new Uint8Array(100)])), { inflate });
      assert.equal(large.error?.reason, 'record-too-large');
      assert.equal(large.events.length, 2);
      const zero = await readRecording(rawPart(concatBytes([good, new Uint8Array(4)])), { inflate });
      assert.equal(zero.error?.reason, 'corrupt');
      assert.equal(zero.events.length, 2);
    });

    test('a record of exactly 64 KiB is accepted', async () => {
      const message = new Uint8Array(65536 - 40);
      message[0] = 2;
      let payload = encodeAuditEvent(desktopRecording(0, 0, message));
      const trimmed = message.subarray(0, message.length - (payload.length - 65536));
      payload = encodeAuditEvent(desktopRecording(0, 0, trimmed));
      assert.equal(payload.length, 65536);
      const { events: read, error } = await readRecording(rawPart(records([payload])), { inflate });
      assert.equal(error, undefined);
      assert.equal(read.length, 1);
    });

    test('events whose index is not above the last one are skipped', async () => {
      const payloads = eventPayloads([0, 1, 1, 2, 0, 3, 5, 4].map((i) => desktopRecording(i, i * 10, mouseMove(i, i))));
      const { events: read, stats } = await readRecording(rawPart(records(payloads)), { inflate });
      assert.deepEqual(read.map((e) => e.index), [0, 1, 2, 3, 5]);
      assert.equal(stats.duplicates, 3);
    });

    test('unknown event types are skipped and counted', async () => {
      // OneOf field 200 (tag 200<<3|2 = varint c2 0c), an empty message.
      const unknown = new Uint8Array([0xc2, 0x0c, 0x00]);
      const payloads = [encodeAuditEvent(desktopRecording(0, 0, mouseMove(1, 1))), unknown, encodeAuditEvent(desktopRecording(1, 5, mouseMove(2, 2)))];
      const { events: read, error, stats } = await readRecording(rawPart(records(payloads)), { inflate });
      assert.equal(error, undefined);
      assert.deepEqual(read.map((e) => e.index), [0, 1]);
      assert.equal(stats.unknownEvents, 1);
    });

    test('a record that is not protobuf gives `corrupt`', async () => {
      const { error } = await readRecording(rawPart(records([new Uint8Array([0xff, 0xff, 0xff])])), { inflate });
      assert.equal(error?.reason, 'corrupt');
    });

    test('a header claiming gigabytes is an error, not an allocation', async () => {
      const huge = rawPart(records(eventPayloads(sampleEvents(1))), { partSize: 8 * 1024 ** 3 });
      const { error } = await readRecording(huge, { inflate });
      assert.equal(error?.reason, 'corrupt');
      assert.match(error!.message, /declares/);
      const past53 = new Uint8Array(24);
      past53.set([0, 0, 0, 0, 0, 0, 0, 1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
      assert.equal((await readRecording(past53, { inflate })).error?.reason, 'corrupt');
    });

    test('a gzip bomb is stopped at the inflated-size limit', async () => {
      const record = records([encodeAuditEvent(desktopRecording(0, 0, new Uint8Array(960)))]);
      const bomb = new Uint8Array(record.length * 8000);
      for (let at = 0; at < bomb.length; at += record.length) bomb.set(record, at);
      const { error } = await readRecording(rawPart(bomb), { inflate, maxInflatedPartBytes: 1024 * 1024 });
      assert.equal(error?.reason, 'corrupt');
      assert.match(error!.message, /gzip bomb/);
    });

    test('a gzip bomb spread over parts, each under the part limit, is stopped by the whole-file bound', async () => {
      const first = rawPart(records(eventPayloads(sampleEvents(2))));
      const record = records([encodeAuditEvent(desktopRecording(5, 0, new Uint8Array(960)))]);
      const body = new Uint8Array(record.length * 4000);
      for (let at = 0; at < body.length; at += record.length) body.set(record, at);
      const bombPart = rawPart(body); // ~4 MB inflated from a few KB
      const parts = [first, ...Array.from({ length: 8 }, () => bombPart)];
      const limits = { inflate, maxInflatedPartBytes: 8 * 1024 * 1024, inflateAllowanceBytes: 6 * 1024 * 1024, maxInflateRatio: 32 };
      const reader = new RecordingReader(limits);
      const { events: read, error } = await readRecording(concatBytes(parts), limits);
      assert.equal(error?.reason, 'corrupt');
      assert.match(error!.message, /gzip bomb/);
      assert.equal(read.length, 3, 'the events before the bomb, and the first bomb record (later copies repeat its index)');
      // The work done is bounded by the limit, not by what the file would inflate to (8 × 4 MB).
      for (const part of parts) if ((await reader.push(part)).error) break;
      assert.ok(reader.stats.inflatedBytes < 3 * body.length, `${reader.stats.inflatedBytes} bytes inflated`);
      // Within the allowance, a highly compressible part reads whole.
      assert.equal((await readRecording(concatBytes([first, bombPart]), { inflate })).error, undefined);
    });

    test('damaged gzip data gives `corrupt` after the events of earlier parts', async () => {
      const first = rawPart(records(eventPayloads(sampleEvents(2))));
      const second = rawPart(records(eventPayloads(sampleEvents(2, 2))));
      second[second.length - 6] ^= 0xff; // inside the CRC-32 of the trailer
      const { events: read, error } = await readRecording(concatBytes([first, second]), { inflate });
      assert.equal(error?.reason, 'corrupt');
      assert.equal(error?.atByte, first.length);
      assert.ok(read.length >= 2);
    });

    test('files that are not recordings say so', async () => {
      const cases: [Uint8Array, string][] = [
        [new TextEncoder().encode('<!doctype html><html><body>Not found</body></html>'), 'not-a-recording'],
        [gzipSync(records(eventPayloads(sampleEvents(2)))), 'not-a-recording'],
        [new Uint8Array(0), 'not-a-recording'],
        [rawPart(records(eventPayloads(sampleEvents(1))), { version: 3 }), 'unsupported-version'],
      ];
      for (const [bytes, reason] of cases) {
        const { error, events: read } = await readRecording(bytes, { inflate });
        assert.equal(error?.reason, reason);
        assert.equal(read.length, 0);
      }
    });

    test('random damage never crashes or hangs: a contract reason, and every part before the damage intact', async () => {
      const reasons = new Set(['not-a-recording', 'unsupported-version', 'encrypted', 'truncated', 'corrupt', 'record-too-large']);
      const whole = summary((await readRecording(file, { inflate })).events);
      let seed = 7;
      const random = (n: number) => ((seed = (seed * 1103515245 + 12345) >>> 0) % n);
      // Where each part starts, to know which events come before a damaged byte.
      const partStarts = new Map<number, number>();
      for (const event of (await readRecording(file, { inflate })).events) if (!partStarts.has(event.partOffset)) partStarts.set(event.partOffset, event.index);
      for (let round = 0; round < 150; round++) {
        const damaged = file.slice();
        const at = random(damaged.length);
        const mode = random(3);
        let bytes: Uint8Array = damaged;
        if (mode === 0) damaged[at] = damaged[at]! ^ (1 + random(255));
        else if (mode === 1) bytes = concatBytes([damaged.subarray(0, at), new Uint8Array(1 + random(40)).map(() => random(256)), damaged.subarray(at)]);
        else damaged.fill(random(256), at, Math.min(damaged.length, at + 1 + random(64)));
        const { events: read, error } = await readRecording(chunked(bytes, 1 + random(300)), { inflate });
        if (error) assert.ok(reasons.has(error.reason), `round ${round}: ${error.reason}`);
        const intactParts = [...partStarts.entries()].filter(([offset]) => offset + 24 <= at);
        const lastIntact = intactParts.length > 1 ? intactParts[intactParts.length - 1]![1] : 0;
        assert.deepEqual(summary(read).slice(0, lastIntact), whole.slice(0, lastIntact), `round ${round}: events of the parts before byte ${at}`);
      }
    });

    test('a chunk the reader no longer holds may be filled again: the events, the replay of a failed native inflate included', async () => {
      const dangling = concatBytes([
        rawPart(records(eventPayloads(sampleEvents(3))), { dangling: new Uint8Array(37) }),
        rawPart(records(eventPayloads(sampleEvents(2, 3)))),
      ]);
      for (const bytes of [file, dangling]) {
        const whole = summary((await readRecording(bytes, { inflate })).events);
        for (const size of [1, 5, 13, 64, 1000]) {
          // Chunks in scratch buffers, each scrubbed and used again once the reader does not hold it, as the download's are.
          const reader = new RecordingReader({ inflate });
          let spare: Uint8Array[] = [];
          let pushed: Uint8Array[] = [];
          let made = 0;
          const read: RecordedEvent[] = [];
          for (const chunk of chunked(bytes, size)) {
            const scratch = spare.pop() ?? (made++, new Uint8Array(size));
            scratch.set(chunk);
            pushed.push(scratch);
            const result = await reader.push(scratch.subarray(0, chunk.length));
            assert.equal(result.error, undefined, `chunk size ${size}`);
            read.push(...result.events);
            const free = pushed.filter((buffer) => !reader.holds(buffer.buffer));
            pushed = pushed.filter((buffer) => reader.holds(buffer.buffer));
            for (const buffer of free) buffer.fill(0xa5);
            spare = spare.concat(free);
          }
          read.push(...(await reader.end()).events);
          assert.deepEqual(summary(read), whole, `chunk size ${size}`);
          if (size === 1000) assert.ok(made <= 2, `buffers made: ${made}`);
        }
      }
    });

    test('after an error, further pushes are ignored', async () => {
      const reader = new RecordingReader({ inflate });
      const first = await reader.push(new TextEncoder().encode('garbage!garbage!garbage!'));
      assert.equal(first.error?.reason, 'not-a-recording');
      const again = await reader.push(file);
      assert.equal(again.events.length, 0);
      assert.equal(again.error, first.error);
    });
  });
}
