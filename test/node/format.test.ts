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

describe('Linux desktop sessions (Teleport 2026)', () => {
  const t0 = Date.UTC(2026, 5, 1, 12);
  const meta = (index: number, atMs: number, type: string) => ({ index: BigInt(index), type, time: timestampOfMs(t0 + atMs), clusterName: 'lab' });
  const HOST = '6f1c1a7e-0b7d-4c55-9d65-2c7a0ff1e9a1';
  const user = { user: 'alice', login: 'alice' };
  const session = { sessionId: 'd1e2' };
  const tdpb = (envelope: Uint8Array) => {
    const framed = new Uint8Array(4 + envelope.length);
    new DataView(framed.buffer).setUint32(0, envelope.length);
    framed.set(envelope, 4);
    return framed;
  };
  // ServerHello (envelope field 2) with activation_spec { screen_width 800 (field 3), screen_height 600 (field 4) }.
  const serverHello = tdpb(Uint8Array.of(0x12, 0x08, 0x0a, 0x06, 0x18, 0xa0, 0x06, 0x20, 0xd8, 0x04));

  async function timelineOf(payloads: Uint8Array[]): Promise<TimelineBuilder> {
    const { events } = await readRecording(rawPart(records(payloads)));
    const timeline = new TimelineBuilder();
    events.forEach((e) => timeline.add(e));
    timeline.finish();
    return timeline;
  }

  test('start (254) and end (255): recording metadata, markers, and a duration up to the session end', async () => {
    const timeline = await timelineOf([
      encodeAuditEvent({
        case: 'linuxDesktopSessionStart',
        value: {
          metadata: meta(0, 0, 'linux.desktop.session.start'), user, session, status: { success: true },
          desktopAddr: HOST, desktopName: HOST, linuxUser: 'alice', desktopLabels: { env: 'lab', os: 'debian' },
        },
      }),
      encodeAuditEvent({ case: 'desktopRecording', value: { metadata: meta(1, 150, 'desktop.recording'), tdpbMessage: serverHello, delayMilliseconds: 0n } }),
      encodeAuditEvent({
        case: 'linuxDesktopSessionEnd',
        value: {
          metadata: meta(2, 90150, 'linux.desktop.session.end'), user, session, desktopAddr: HOST, desktopName: HOST, linuxUser: 'alice',
          desktopLabels: { env: 'lab', os: 'debian' }, startTime: timestampOfMs(t0), endTime: timestampOfMs(t0 + 90150), recorded: true, participants: ['alice', 'bob'],
        },
      }),
    ]);
    assert.deepEqual(timeline.recording, {
      clusterName: 'lab', user: 'alice', login: 'alice', sessionId: 'd1e2', desktopKind: 'linux', linuxUser: 'alice', desktopName: HOST, desktopAddr: HOST,
      labels: { env: 'lab', os: 'debian' }, sessionStart: new Date(t0), sessionEnd: new Date(t0 + 90150), participants: ['alice', 'bob'], recorded: true,
    });
    assert.deepEqual(timeline.screens, [{ timeMs: 0, width: 800, height: 600 }]);
    assert.deepEqual(timeline.markers.map((m) => [m.timeMs, m.type, m.code, m.label]), [
      [0, 'linux.desktop.session.start', '', `Session started by alice on ${HOST}`],
      [90000, 'linux.desktop.session.end', '', 'Session ended'],
    ]);
    assert.deepEqual(timeline.markers[0]!.detail, { user: 'alice', linuxUser: 'alice', desktop: HOST, success: true });
    assert.deepEqual(timeline.markers[1]!.detail, { participants: 'alice, bob' });
    assert.equal(timeline.durationMs, 90000, 'the session end counts');
  });

  test('a failed start (access denied) is a marker with the error, and the desktop kind is known', async () => {
    const timeline = await timelineOf([
      encodeAuditEvent({
        case: 'linuxDesktopSessionStart',
        value: {
          metadata: meta(0, 0, 'linux.desktop.session.start'), user, session, desktopAddr: HOST, desktopName: HOST, linuxUser: 'root',
          status: { success: false, error: 'access denied to root connecting to linux desktop' },
        },
      }),
    ]);
    assert.deepEqual(timeline.markers.map((m) => [m.type, m.label]), [['linux.desktop.session.start', 'Session failed to start: access denied to root connecting to linux desktop']]);
    assert.deepEqual(timeline.markers[0]!.detail, { user: 'alice', linuxUser: 'root', desktop: HOST, success: false, error: 'access denied to root connecting to linux desktop' });
    assert.equal(timeline.recording.desktopKind, 'linux');
    assert.equal(timeline.recording.linuxUser, 'root');
  });

  test('Windows session events say so', async () => {
    const timeline = await timelineOf([
      encodeAuditEvent({ case: 'windowsDesktopSessionStart', value: { metadata: meta(0, 0, ''), desktopName: 'dc', windowsUser: 'Administrator', status: { success: true } } }),
    ]);
    assert.equal(timeline.recording.desktopKind, 'windows');
    assert.equal(timeline.recording.linuxUser, undefined);
  });
});
