import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import {
  captureFileName,
  eventLog,
  evidenceFileName,
  evidenceTime,
  notesInRange,
  readmeText,
  recordingClock,
  recordingFileName,
  sessionInfo,
  sha256Sums,
  type EvidenceNote,
} from '../../src/core/export/evidence-log.js';
import { RecordingReader, pumpRecording } from '../../src/format/reader.js';
import { TimelineBuilder } from '../../src/format/timeline.js';

const SAMPLE = 'demo/recordings/6c0e1e5a-8d6b-4a51-9a0c-2f4b1c7d0720.tar'; // 2 min: report.pdf read at 0:25, clipboard at 0:51

async function sampleTimeline(): Promise<TimelineBuilder> {
  const builder = new TimelineBuilder();
  await pumpRecording(new RecordingReader(), new Uint8Array(readFileSync(SAMPLE)), (events) => events.forEach((event) => builder.add(event)));
  builder.finish();
  return builder;
}

const note = (id: string, timeMs: number, extra: Partial<EvidenceNote> = {}): EvidenceNote => ({ id, timeMs, severity: 'warning', text: `note ${id}`, created: '2026-12-07T02:00:00.000Z', ...extra });

describe('evidence bundle: names and times', () => {
  test('recording times read hh:mm:ss.mmm; file names use hh-mm-ss', () => {
    assert.equal(recordingClock(0), '00:00:00.000');
    assert.equal(recordingClock(65_432.9), '00:01:05.432');
    assert.equal(recordingClock(100 * 3_600_000 + 1), '100:00:00.001');
    assert.equal(evidenceFileName('6c0e1e5a', 25_000, 3_725_999), '6c0e1e5a-evidence-00-00-25-01-02-05.zip');
    assert.equal(evidenceFileName(undefined, 0, 1000), 'recording-evidence-00-00-00-00-00-01.zip');
    // A session id never leaves the folder or breaks a SHA256SUMS line.
    assert.equal(recordingFileName('../a b\n'), '_a_b_.tar');
    assert.equal(captureFileName(25_715), 'captures/00-00-25.715.png');
  });

  test('wall-clock times come from the recording start date, in UTC', () => {
    assert.deepEqual(evidenceTime(1500, Date.UTC(2026, 0, 2, 3, 4, 5)), { ms: 1500, recording: '00:00:01.500', wallClock: '2026-01-02T03:04:06.500Z' });
    assert.equal(evidenceTime(1500, null).wallClock, null);
  });

  test('SHA256SUMS lines are what sha256sum -c reads: hash, two spaces, name', () => {
    assert.equal(sha256Sums([{ name: 'a.txt', sha256: 'ab'.repeat(32) }, { name: 'captures/x.png', sha256: 'cd'.repeat(32) }]), `${'ab'.repeat(32)}  a.txt\n${'cd'.repeat(32)}  captures/x.png\n`);
  });
});

describe('evidence bundle: the event log of a range', () => {
  test('the 2-minute sample from 0:20 to 0:55: the report.pdf transfer with its reads, the clipboard, the notes; nothing outside', async () => {
    const timeline = await sampleTimeline();
    const startDateMs = Date.UTC(2026, 11, 7, 1, 0, 0);
    const notes = [note('late', 60_000), note('a', 30_000, { severity: 'critical', author: 'rev' }), note('span', 10_000, { endTimeMs: 21_000 }), note('before', 5_000)];
    const events = eventLog(timeline.markers, notes, 20_000, 55_000, startDateMs);
    assert.deepEqual(
      events.map((event) => event.kind),
      ['note', 'transfer', 'note', 'clipboard'],
    );
    const [span, transfer, critical, clipboard] = events;
    assert.equal(span!.note!.id, 'span');
    assert.equal(span!.note!.capture, 'captures/00-00-20.000.png', 'a range note that began before the range is captured at its start');
    assert.equal(transfer!.transfer!.path.endsWith('report.pdf'), true);
    assert.equal(transfer!.transfer!.direction, 'read');
    assert.equal(transfer!.transfer!.count, 10);
    assert.equal(transfer!.transfer!.operations.length, 10);
    assert.equal(transfer!.transfer!.bytes, 585_256);
    assert.equal(transfer!.time.ms, 25_715);
    assert.equal(transfer!.time.recording, '00:00:25.715');
    assert.equal(transfer!.time.wallClock, new Date(startDateMs + 25_715).toISOString());
    assert.ok(transfer!.endTime!.ms >= transfer!.time.ms);
    for (const operation of transfer!.transfer!.operations) assert.equal(operation.type, 'desktop.directory.read');
    assert.deepEqual(critical!.note, { id: 'a', severity: 'critical', text: 'note a', created: '2026-12-07T02:00:00.000Z', author: 'rev', capture: 'captures/00-00-30.000.png' });
    assert.equal(clipboard!.type, 'desktop.clipboard.receive');
    assert.equal(clipboard!.time.ms, 51_333);
    assert.deepEqual(notesInRange(notes, 20_000, 55_000).map((n) => n.id), ['span', 'a']);
  });

  test('session.json holds the recording metadata with ISO dates', async () => {
    const timeline = await sampleTimeline();
    const info = sessionInfo(timeline.recording, timeline.durationMs, Date.UTC(2026, 11, 7));
    assert.equal(info.sessionId, '6c0e1e5a-8d6b-4a51-9a0c-2f4b1c7d0720');
    assert.equal(info.user, 'alice@example.com');
    assert.equal(info.desktopName, 'win-dev-01');
    assert.match(String(info.sessionStart), /^\d{4}-\d\d-\d\dT/);
    assert.equal(info.recordingStart, '2026-12-07T00:00:00.000Z');
    assert.equal(info.version, 1);
  });

  test('README.txt names the recording, its hash and the sha256sum commands; a missing video says why', () => {
    const range = { start: evidenceTime(0, null), end: evidenceTime(1000, null) };
    const text = readmeText({ bundleName: 'x.zip', recordingName: 's.tar', recordingSha256: 'ab'.repeat(32), range, video: { missing: 'No video: no WebCodecs.' }, captures: 2, events: 3 });
    assert.match(text, /s\.tar, SHA-256 (ab){32}/);
    assert.match(text, /sha256sum -c --ignore-missing SHA256SUMS/);
    assert.match(text, /\(no video\) +No video: no WebCodecs\./);
    assert.match(readmeText({ bundleName: 'x.zip', recordingName: 's.tar', recordingSha256: null, recordingHashMissing: 'websocket', range, video: { file: 'video.mp4' }, captures: 0, events: 0 }), /SHA-256 not known \(websocket\)[^]*video\.mp4/);
  });
});
