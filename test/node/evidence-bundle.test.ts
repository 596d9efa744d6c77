// The evidence bundle made in Node from the 2-minute sample, checked with the real `sha256sum -c`:
// Node has neither OffscreenCanvas nor WebCodecs, so the bundle comes without captures and video,
// and its manifest and README say so (test/browser/evidence.test.ts checks those in Chromium).
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, test } from 'node:test';
import { unzipSync } from 'fflate';
import { makeEvidenceBundle } from '../../src/core/export/evidence-bundle.js';
import type { EvidenceNote } from '../../src/core/export/evidence-log.js';
import { Ingest } from '../../src/core/ingest.js';
import { KeyframeStore } from '../../src/core/keyframes.js';
import type { ReplaySource } from '../../src/core/renderer.js';
import { RecordingReader, pumpRecording } from '../../src/format/reader.js';

const SESSION = '6c0e1e5a-8d6b-4a51-9a0c-2f4b1c7d0720';
const SAMPLE = `demo/recordings/${SESSION}.tar`;
const hasSha256sum = spawnSync('sha256sum', ['--version']).status === 0;
const folders: string[] = [];
after(() => folders.forEach((folder) => rmSync(folder, { recursive: true, force: true })));

async function bundleOfSample(bytes: Uint8Array, signal = new AbortController().signal, onProgress: (fraction: number) => void = () => {}): Promise<File> {
  const ingest = new Ingest();
  await pumpRecording(new RecordingReader(), bytes, (events) => ingest.add(events));
  ingest.finish();
  const replay = { timeline: ingest.timeline, keyframes: new KeyframeStore(), readBytes: ingest.readBytes } as unknown as ReplaySource;
  const notes: EvidenceNote[] = [{ id: 'n-1', timeMs: 30_000, severity: 'warning', text: 'Reads report.pdf', created: '2026-12-07T01:00:00.000Z' }];
  return makeEvidenceBundle(
    { markers: ingest.markers, recording: ingest.recording, startDateMs: ingest.startDateMs, durationMs: ingest.durationMs, replay, original: bytes, yield: () => new Promise((resolve) => setImmediate(resolve)) },
    { startMs: 20_000, endMs: 55_000, notes },
    { signal, onProgress: ({ fraction }) => onProgress(fraction) },
  );
}

describe('evidence bundle (Node: no canvas, no WebCodecs)', () => {
  test('unzipped beside the original recording, `sha256sum -c SHA256SUMS` says OK for every file; a changed file FAILS', { skip: !hasSha256sum && 'no sha256sum here' }, async () => {
    const original = new Uint8Array(readFileSync(SAMPLE));
    const fractions: number[] = [];
    const zip = await bundleOfSample(original, undefined, (fraction) => fractions.push(fraction));
    assert.equal(zip.name, `${SESSION}-evidence-00-00-20-00-00-55.zip`);
    assert.equal(fractions.at(-1), 1);
    const files = unzipSync(new Uint8Array(await zip.arrayBuffer()));
    assert.deepEqual(Object.keys(files).sort(), ['README.txt', 'SHA256SUMS', 'events.json', 'manifest.json', 'session.json']);

    const folder = mkdtempSync(join(tmpdir(), 'evidence-'));
    folders.push(folder);
    for (const [name, bytes] of Object.entries(files)) {
      mkdirSync(dirname(join(folder, name)), { recursive: true });
      writeFileSync(join(folder, name), bytes);
    }
    // The bundle alone: every file of it checks out; the recording is not there.
    const alone = execFileSync('sha256sum', ['-c', '--ignore-missing', 'SHA256SUMS'], { cwd: folder, encoding: 'utf8' });
    assert.deepEqual(alone.trim().split('\n').sort(), ['README.txt: OK', 'events.json: OK', 'manifest.json: OK', 'session.json: OK']);
    // With the archived recording beside it, its line checks out too.
    writeFileSync(join(folder, `${SESSION}.tar`), original);
    const all = execFileSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: folder, encoding: 'utf8' });
    assert.match(all, new RegExp(`${SESSION}\\.tar: OK`));
    // A changed event log fails.
    writeFileSync(join(folder, 'events.json'), `${new TextDecoder().decode(files['events.json'])} `);
    const changed = spawnSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: folder, encoding: 'utf8' });
    assert.notEqual(changed.status, 0);
    assert.match(changed.stdout, /events\.json: FAILED/);

    const manifest = JSON.parse(new TextDecoder().decode(files['manifest.json']));
    assert.equal(manifest.video.file, null);
    assert.match(manifest.video.reason, /WebCodecs/);
    assert.deepEqual(manifest.captures, []);
    assert.match(new TextDecoder().decode(files['README.txt']), /\(no video\) +No video: video export needs WebCodecs/);
    // The note is logged; its capture could not be made here, and the log says so.
    const log = JSON.parse(new TextDecoder().decode(files['events.json']));
    const note = log.events.find((event: { kind: string }) => event.kind === 'note');
    assert.equal(note.note.capture, null);
  });

  test('an aborted signal rejects with an AbortError, whatever step it was in', async () => {
    const original = new Uint8Array(readFileSync(SAMPLE));
    for (const abortAt of [0, 0.1, 0.5]) {
      const controller = new AbortController();
      const made = bundleOfSample(original, controller.signal, (fraction) => fraction >= abortAt && controller.abort());
      await assert.rejects(made, (error: Error) => error.name === 'AbortError', `aborted at ${abortAt}`);
    }
  });
});
