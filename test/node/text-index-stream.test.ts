// The text index built from a recording streamed as the build goes (StreamedRecording), as the CLI
// and the index worker do: the same index as from a loaded timeline, the file read only as far as
// the build has got, damage ending it where it is.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { textTile } from '../helpers/text-tile.js';
import { startNodeRecognizer } from '../../src/cli/text-index.js';
import { Ingest } from '../../src/core/ingest.js';
import { buildTextIndex } from '../../src/core/text-index/builder.js';
import type { TextRecognizer } from '../../src/core/text-index/recognizer.js';
import { StreamedRecording } from '../../src/core/text-index/recording-stream.js';
import { readRecording } from '../../src/format/reader.js';
import { encodeTdp } from '../../src/format/tdp.js';
import { createRecorder, memorySink } from '../../src/recorder/index.js';

const LINES = ['Opening password manager', 'Customers table exported', 'Terminal connected', 'Invoices approved today', 'Backup finished cleanly', 'Firewall rules updated'];

/** A 640×128 screen whose top line changes every 2 s, in parts of about 4 KiB (one a line). */
async function recording(): Promise<Uint8Array> {
  let now = Date.UTC(2026, 5, 1, 10);
  const sink = memorySink();
  const recorder = createRecorder({ sink, now: () => now, partSize: 4096, session: { sessionId: 'stream', clusterName: 'c', user: 'u', desktopName: 'd', desktopAddr: '10.0.0.2:3389', windowsUser: 'u' } });
  await recorder.start();
  await recorder.record(encodeTdp({ kind: 'screenSpec', width: 640, height: 128 }), 'client');
  await recorder.record(encodeTdp({ kind: 'pngFrame', left: 0, top: 64, right: 640, bottom: 128, png: textTile(640) }), 'server');
  for (const line of LINES) {
    await recorder.record(encodeTdp({ kind: 'pngFrame', left: 0, top: 0, right: 640, bottom: 64, png: textTile(640, line) }), 'server');
    now += 2000;
  }
  await recorder.record(encodeTdp({ kind: 'mouseMove', x: 3, y: 3 }), 'client');
  await recorder.end();
  return sink.bytes();
}

/** `bytes` in 1 KiB chunks, counting those taken. */
function chunked(bytes: Uint8Array, taken: { count: number }): Iterable<Uint8Array> {
  return {
    *[Symbol.iterator]() {
      for (let at = 0; at < bytes.length; at += 1024) {
        taken.count += 1;
        yield bytes.subarray(at, at + 1024);
      }
    },
  };
}

const wordsOf = (index: { words: Array<{ text: string; startMs: number; endMs: number }> }) => index.words.map(({ text, startMs, endMs }) => `${text}@${startMs}-${endMs}`);

describe('text index from a streamed recording', () => {
  let engine: Awaited<ReturnType<typeof startNodeRecognizer>>;
  let bytes: Uint8Array;
  before(async () => {
    engine = await startNodeRecognizer();
    bytes = await recording();
  });
  after(() => engine.terminate());

  test('the same index as from the loaded timeline; the file is read only as far as the build has got', async () => {
    const ingest = new Ingest();
    const { events, stats } = await readRecording(bytes);
    ingest.add(events);
    ingest.finish();
    const loaded = await buildTextIndex({ timeline: ingest.timeline, readBytes: ingest.readBytes, durationMs: ingest.durationMs }, engine.recognizer);

    const taken = { count: 0 };
    const total = Math.ceil(bytes.length / 1024);
    const takenAtRecognition: number[] = [];
    const watching: TextRecognizer = {
      engine: engine.recognizer.engine,
      recognize: (screen, region) => {
        takenAtRecognition.push(taken.count);
        return engine.recognizer.recognize(screen, region);
      },
    };
    const stream = new StreamedRecording(chunked(bytes, taken));
    const streamed = await buildTextIndex({ updates: stream.updates(), get durationMs() { return stream.durationMs; } }, watching);

    assert.ok(stats.parts >= 4, `several parts (${stats.parts})`);
    assert.deepEqual(wordsOf(streamed), wordsOf(loaded));
    assert.ok(LINES.every((line) => streamed.words.some((word) => word.text === line.split(' ')[0])), wordsOf(streamed).join(' '));
    assert.equal(streamed.durationMs, ingest.durationMs);
    assert.equal(stream.error, undefined);
    assert.equal(taken.count, total, 'read to the end');
    assert.ok(takenAtRecognition[0]! < total / 2, `the first screen was read after ${takenAtRecognition[0]} of ${total} chunks`);
    assert.deepEqual(takenAtRecognition, [...takenAtRecognition].sort((a, b) => a - b));
    assert.ok(takenAtRecognition.at(-1)! > takenAtRecognition[0]!, 'reading went on between screens');
  });

  test('a damaged file is indexed up to the damage, and says where it stopped', async () => {
    const stream = new StreamedRecording(bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    const index = await buildTextIndex({ updates: stream.updates(), get durationMs() { return stream.durationMs; } }, engine.recognizer);
    assert.ok(stream.error, 'the damage is told');
    assert.ok(stream.updatesRead > 0);
    assert.ok(index.words.some((word) => word.text === 'Opening'), wordsOf(index).join(' '));
    assert.ok(!index.words.some((word) => word.text === 'Firewall'), 'nothing past the damage');
  });

  test('a screen larger than the player shows is refused before anything is sized for it', async () => {
    const sink = memorySink();
    const recorder = createRecorder({ sink, session: { sessionId: 'big', clusterName: 'c', user: 'u', desktopName: 'd', desktopAddr: '10.0.0.3:3389', windowsUser: 'u' } });
    await recorder.start();
    await recorder.record(encodeTdp({ kind: 'screenSpec', width: 9000, height: 9000 }), 'client');
    await recorder.end();
    const stream = new StreamedRecording(sink.bytes());
    await assert.rejects(buildTextIndex({ updates: stream.updates(), durationMs: 0 }, engine.recognizer), /9000×9000/);
  });
});
