import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { encodeAuditEvent, timestampOfMs } from '../../src/format/events.js';
import { TimelineBuilder } from '../../src/format/timeline.js';
import { readRecording } from '../../src/format/reader.js';
import { records, rawPart } from '../helpers/recording-bytes.js';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

describe('encodeAuditEvent()', () => {
  test('the worked example of spec §2.8, byte for byte', () => {
    const payload = encodeAuditEvent({
      case: 'desktopRecording',
      value: {
        metadata: { index: 2n, type: 'desktop.recording', time: timestampOfMs(Date.UTC(2024, 0, 1)), clusterName: 'example' },
        message: new Uint8Array([0x01, 0x00, 0x00, 0x05, 0x00, 0x00, 0x00, 0x02, 0xd0]),
        delayMilliseconds: 1500n,
      },
    });
    const expected =
      '00000039' + 'aa0436' + '0a26' + '0802' + '1211' + Buffer.from('desktop.recording').toString('hex') +
      '2a06088081c8ac06' + '3207' + Buffer.from('example').toString('hex') + '1209' + '01000005' + '00000002d0' + '18dc0b';
    assert.equal(hex(records([payload])), expected);
  });
});

describe('TimelineBuilder', () => {
  const t0 = Date.UTC(2026, 0, 1, 8);
  const meta = (index: number, atMs: number, type = '') => ({ index: BigInt(index), type, time: timestampOfMs(t0 + atMs), clusterName: 'c' });

  test('times: DesktopRecording at its delay, other events at Time − first DesktopRecording Time, clamped ≥ 0', async () => {
    const payloads = [
      // The session start is logged 300 ms before the first screen message: it sits at 0.
      encodeAuditEvent({ case: 'windowsDesktopSessionStart', value: { metadata: meta(0, 0), desktopName: 'dc', user: { user: 'bob' }, status: { success: true } } }),
      encodeAuditEvent({ case: 'desktopRecording', value: { metadata: meta(1, 300), message: new Uint8Array([1, 0, 0, 4, 0, 0, 0, 3, 0]), delayMilliseconds: 0n } }),
      encodeAuditEvent({ case: 'desktopRecording', value: { metadata: meta(2, 2300), message: new Uint8Array([3, 0, 0, 0, 1, 0, 0, 0, 1]), delayMilliseconds: 2000n } }),
      encodeAuditEvent({ case: 'desktopClipboardSend', value: { metadata: meta(3, 5300), length: 12 } }),
      encodeAuditEvent({ case: 'desktopRecording', value: { metadata: meta(4, 6300), message: new Uint8Array([0x1c, 0, 0, 0, 2, 0x68, 0x69, 1]), delayMilliseconds: 6000n } }),
      // The session stays open, idle, for a minute after the last screen change.
      encodeAuditEvent({ case: 'windowsDesktopSessionEnd', value: { metadata: meta(5, 66300), participants: ['bob'], recorded: true, startTime: timestampOfMs(t0), endTime: timestampOfMs(t0 + 66300) } }),
    ];
    const { events } = await readRecording(rawPart(records(payloads)));
    const timeline = new TimelineBuilder();
    const placed = events.flatMap((e) => timeline.add(e));
    placed.push(...timeline.finish());
    assert.deepEqual(placed.map((p) => [p.event.index, p.timeMs]), [[1, 0], [0, 0], [2, 2000], [3, 5000], [4, 6000], [5, 66000]]);
    assert.equal(timeline.durationMs, 66000, 'duration is the latest event, idle tail included');
    assert.deepEqual(timeline.screens, [{ timeMs: 0, width: 1024, height: 768 }]);
    assert.deepEqual(timeline.markers.map((m) => [m.timeMs, m.type, m.code]), [
      [0, 'windows.desktop.session.start', 'TDP00I'],
      [5000, 'desktop.clipboard.send', 'TDP02I'],
      [6000, 'desktop.alert', ''],
      [66000, 'windows.desktop.session.end', 'TDP01I'],
    ]);
    assert.equal(timeline.markers[2]!.label, 'Warning: hi');
    assert.equal(timeline.recording.user, 'bob');
    assert.deepEqual(timeline.recording.participants, ['bob']);
    assert.equal(timeline.recording.sessionEnd?.getTime(), t0 + 66300);
  });
});
