import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import '../helpers/property-seed.js';
import { readRecording } from '../../src/format/reader.js';
import { TimelineBuilder } from '../../src/format/timeline.js';
import { encodeTdp, encodeTdpb, type TdpMessage } from '../../src/format/tdp.js';
import { createRecorder, fileSink, memorySink, recordingPolicy, type RecorderSink, type SessionInfo } from '../../src/recorder/index.js';

const session: SessionInfo = {
  sessionId: '5f0c7a1e-1111-4222-8333-944445555666',
  clusterName: 'example.teleport.sh',
  user: 'alice',
  desktopName: 'win-dc-01',
  desktopAddr: '10.0.0.12:3389',
  windowsUser: 'Administrator',
  windowsDomain: 'corp.example.com',
  labels: { env: 'prod' },
};

/** A clock the test moves by hand. */
function manualClock(start = Date.UTC(2026, 3, 1, 12)) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);
const screenMessages: TdpMessage[] = [
  { kind: 'screenSpec', width: 1280, height: 720 },
  { kind: 'pngFrame', left: 0, top: 0, right: 64, bottom: 64, png },
  { kind: 'mouseMove', x: 10, y: 20 },
  { kind: 'mouseButton', button: 0, pressed: true },
];

describe('createRecorder()', () => {
  test('keeps recordable messages, drops keyboard, wheel and clipboard contents, logs clipboard length', async () => {
    const clock = manualClock();
    const sink = memorySink();
    const recorder = createRecorder({ sink, session, now: clock.now });
    await recorder.start();
    for (const message of screenMessages) {
      clock.advance(100);
      await recorder.record(encodeTdp(message), message.kind === 'pngFrame' ? 'server' : 'client');
    }
    await recorder.record(encodeTdp({ kind: 'keyboardButton', keyCode: 0x1e, pressed: true }), 'client');
    await recorder.record(encodeTdp({ kind: 'mouseWheel', axis: 0, delta: -120 }), 'client');
    await recorder.record(encodeTdp({ kind: 'clipboardData', data: new TextEncoder().encode('secret password') }), 'server');
    await recorder.record(encodeTdpb({ kind: 'keyboardButton', keyCode: 0x1e, pressed: false }), 'client');
    await recorder.record(encodeTdpb({ kind: 'mouseMove', x: 1, y: 2 }), 'client');
    clock.advance(1000);
    const stats = await recorder.end();
    assert.equal(stats.recorded, 5);
    assert.equal(stats.droppedPrivate, 4);
    assert.ok(sink.closed);

    const bytes = sink.bytes();
    assert.equal(Buffer.from(bytes).indexOf('secret password'), -1, 'clipboard contents never reach the file');
    const { events, error } = await readRecording(bytes);
    assert.equal(error, undefined);
    assert.deepEqual(events.map((e) => e.index), events.map((_, i) => i), 'Metadata.Index counts from 0');
    assert.deepEqual(events.map((e) => e.event.case), [
      'windowsDesktopSessionStart', 'desktopRecording', 'desktopRecording', 'desktopRecording', 'desktopRecording',
      'desktopClipboardReceive', 'desktopRecording', 'windowsDesktopSessionEnd',
    ]);
    const delays = events.flatMap((e) => (e.event.case === 'desktopRecording' ? [Number(e.event.value.delayMilliseconds)] : []));
    assert.deepEqual(delays, [0, 100, 200, 300, 300], 'delays count from the first recorded message');
    const clipboard = events.find((e) => e.event.case === 'desktopClipboardReceive')!.event.value as { length: number };
    assert.equal(clipboard.length, 'secret password'.length);
    const end = events.at(-1)!.event;
    assert.equal(end.case, 'windowsDesktopSessionEnd');
    if (end.case === 'windowsDesktopSessionEnd') {
      assert.equal(end.value.recorded, true);
      assert.deepEqual(end.value.participants, ['alice']);
      assert.equal(end.value.metadata?.code, 'TDP01I');
      assert.ok(end.value.startTime && end.value.endTime);
    }
    const timeline = new TimelineBuilder();
    for (const e of events) timeline.add(e);
    timeline.finish();
    assert.equal(timeline.recording.user, 'alice');
    assert.equal(timeline.recording.desktopName, 'win-dc-01');
    assert.equal(timeline.recording.windowsDomain, 'corp.example.com');
    assert.deepEqual(timeline.screens, [{ timeMs: 0, width: 1280, height: 720 }]);
    assert.deepEqual(timeline.markers.map((m) => m.code), ['TDP00I', 'TDP03I', 'TDP01I']);
  });

  test('a Linux desktop in TDPB, as Teleport 2026 writes it: Linux session events, every screen message a TDPB envelope', async () => {
    const clock = manualClock();
    const sink = memorySink();
    const host = '0f6e8c52-3b1d-4e2a-a9c7-5d4b3a2f1e0d';
    const linux: SessionInfo = { sessionId: session.sessionId, clusterName: 'lab', user: 'alice', desktopKind: 'linux', linuxUser: 'alice', desktopName: host, desktopAddr: host, labels: { os: 'debian' } };
    const recorder = createRecorder({ sink, session: linux, protocol: 'tdpb', now: clock.now });
    await recorder.start();
    const fastPath = Uint8Array.of(0, 5, 0x05, 0, 0); // a PointerHidden update
    for (const message of [{ kind: 'connectionActivated', ioChannelId: 0, userChannelId: 0, screenWidth: 800, screenHeight: 600 }, { kind: 'fastPathPdu', data: fastPath }, { kind: 'mouseMove', x: 3, y: 4 }] as TdpMessage[]) {
      clock.advance(40);
      await recorder.record(encodeTdp(message), message.kind === 'mouseMove' ? 'client' : 'server');
    }
    await recorder.record(encodeTdp({ kind: 'keyboardButton', keyCode: 0x1e, pressed: true }), 'client');
    await recorder.record(encodeTdpb({ kind: 'clipboardData', data: new TextEncoder().encode('secret') }), 'client');
    clock.advance(5000);
    const stats = await recorder.end();
    assert.equal(stats.droppedPrivate, 2);
    const bytes = sink.bytes();
    assert.equal(Buffer.from(bytes).indexOf('secret'), -1);
    const { events } = await readRecording(bytes);
    assert.deepEqual(events.map((e) => e.event.case), ['linuxDesktopSessionStart', 'desktopRecording', 'desktopRecording', 'desktopRecording', 'desktopClipboardSend', 'linuxDesktopSessionEnd']);
    for (const { event } of events) if (event.case === 'desktopRecording') assert.equal(event.value.message.length, 0, 'no legacy Message');
    const timeline = new TimelineBuilder();
    for (const e of events) timeline.add(e);
    timeline.finish();
    assert.equal(timeline.recording.desktopKind, 'linux');
    assert.equal(timeline.recording.linuxUser, 'alice');
    assert.equal(timeline.recording.login, 'alice');
    assert.equal(timeline.recording.desktopName, host);
    assert.deepEqual(timeline.screens, [{ timeMs: 0, width: 800, height: 600 }]);
    assert.equal(timeline.frames, 1);
    assert.deepEqual(timeline.markers.map((m) => m.type), ['linux.desktop.session.start', 'desktop.clipboard.send', 'linux.desktop.session.end']);
    assert.equal(timeline.durationMs, 5080, 'up to the session end');
  });

  test('a failed Linux start (access denied) is recorded with its error', async () => {
    const sink = memorySink();
    const recorder = createRecorder({ sink, session: { ...session, desktopKind: 'linux', linuxUser: 'root' }, protocol: 'tdpb' });
    await recorder.start({ success: false, error: 'access denied' });
    await recorder.end();
    const { events } = await readRecording(sink.bytes());
    const start = events[0]!.event;
    assert.equal(start.case, 'linuxDesktopSessionStart');
    if (start.case === 'linuxDesktopSessionStart') {
      assert.deepEqual([start.value.status?.success, start.value.status?.error, start.value.linuxUser, start.value.user?.login], [false, 'access denied', 'root', 'root']);
    }
  });

  test('drops and counts messages over the 64 KiB record limit', async () => {
    const sink = memorySink();
    const recorder = createRecorder({ sink, session });
    await recorder.record(encodeTdp({ kind: 'pngFrame', left: 0, top: 0, right: 64, bottom: 64, png: new Uint8Array(70_000) }), 'server');
    await recorder.record(encodeTdp(screenMessages[2]!), 'client');
    const stats = await recorder.end();
    assert.equal(stats.droppedTooLarge, 1);
    assert.equal(stats.recorded, 1);
    const { events } = await readRecording(sink.bytes());
    assert.deepEqual(events.map((e) => e.index), [0, 1]);
  });

  test('shared-directory events carry path, length and offset, never contents', async () => {
    const sink = memorySink();
    const recorder = createRecorder({ sink, session });
    await recorder.sharedDirectory({ kind: 'start', directoryId: 2, directoryName: 'Shared' });
    await recorder.sharedDirectory({ kind: 'read', directoryId: 2, directoryName: 'Shared', path: 'report.pdf', length: 4096, offset: 8192 });
    await recorder.sharedDirectory({ kind: 'write', directoryId: 2, directoryName: 'Shared', path: 'out.txt', length: 10, offset: 0, success: false, error: 'access denied' });
    await recorder.end();
    const { events } = await readRecording(sink.bytes());
    const timeline = new TimelineBuilder();
    for (const e of events) timeline.add(e);
    timeline.finish();
    assert.deepEqual(timeline.markers.map((m) => [m.type, m.code]), [
      ['desktop.directory.share', 'TDP04I'],
      ['desktop.directory.read', 'TDP05I'],
      ['desktop.directory.write', 'TDP06W'],
      ['windows.desktop.session.end', 'TDP01I'],
    ]);
    assert.equal(timeline.markers[1]!.detail.path, 'report.pdf');
    assert.equal(timeline.markers[1]!.detail.offset, 8192);
  });

  test('sync mode: each event is in the sink when record() resolves; concurrent events share parts', async () => {
    const sink = memorySink();
    const recorder = createRecorder({ sink, session, mode: 'sync' });
    await recorder.record(encodeTdp(screenMessages[0]!), 'client');
    assert.equal(sink.parts.length, 1);
    assert.equal((await readRecording(sink.bytes())).events.length, 1, 'readable after one record()');
    await Promise.all(Array.from({ length: 50 }, (_, i) => recorder.record(encodeTdp({ kind: 'mouseMove', x: i, y: i }), 'client')));
    assert.ok(sink.parts.length <= 3, `50 concurrent events in ${sink.parts.length - 1} more parts`);
    assert.equal((await readRecording(sink.bytes())).events.length, 51);
    await recorder.end();
    assert.equal((await readRecording(sink.bytes())).events.length, 52);
  });

  test('sync mode: a sink failure fails the session', async () => {
    let writes = 0;
    const failing: RecorderSink = {
      writePart: async () => {
        if (++writes > 1) throw new Error('disk full');
      },
      close: async () => {},
    };
    const recorder = createRecorder({ sink: failing, session, mode: 'sync' });
    await recorder.record(encodeTdp(screenMessages[0]!), 'client');
    await assert.rejects(recorder.record(encodeTdp(screenMessages[2]!), 'client'), /disk full/);
    await assert.rejects(recorder.record(encodeTdp(screenMessages[2]!), 'client'), /disk full/);
    await assert.rejects(recorder.end(), /disk full/);
  });

  test('async mode: buffers parts, uploads at the end, retries a failing upload', async () => {
    const inner = memorySink();
    let failuresLeft = 2;
    const flaky: RecorderSink = {
      writePart: async (part) => {
        if (failuresLeft-- > 0) throw new Error('503 from the object store');
        await inner.writePart(part);
      },
      close: () => inner.close(),
    };
    const recorder = createRecorder({ sink: flaky, session, mode: 'async', partSize: 1024, padParts: true, retryDelayMs: 1 });
    for (let i = 0; i < 200; i++) await recorder.record(encodeTdp({ kind: 'mouseMove', x: i, y: i }), 'client');
    assert.equal(inner.parts.length, 0, 'nothing is uploaded before the end');
    const stats = await recorder.end();
    assert.ok(stats.parts > 2);
    const parts = inner.parts;
    for (const part of parts.slice(0, -1)) assert.equal(part.length, 1024, 'non-last parts are padded to the part size');
    const { events, error } = await readRecording(inner.bytes());
    assert.equal(error, undefined);
    assert.equal(events.length, 201);
  });

  test('file sink: writes a file that reads back', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'drp-'));
    try {
      const path = join(dir, `${session.sessionId}.tar`);
      const recorder = createRecorder({ sink: fileSink(path), session, mode: 'sync' });
      await recorder.start();
      for (const message of screenMessages) await recorder.record(encodeTdp(message), 'client');
      await recorder.end();
      const { events, error } = await readRecording(await readFile(path));
      assert.equal(error, undefined);
      assert.equal(events.length, 6);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('property: any session reads back identically (sync and async, any part size, TDP or TDPB, Windows or Linux)', async () => {
    const message = fc.oneof(
      fc.record({ kind: fc.constant('mouseMove' as const), x: fc.nat(4000), y: fc.nat(3000) }),
      fc.record({ kind: fc.constant('mouseButton' as const), button: fc.integer({ min: 0, max: 2 }), pressed: fc.boolean() }),
      fc.record({ kind: fc.constant('screenSpec' as const), width: fc.integer({ min: 1, max: 8192 }), height: fc.integer({ min: 1, max: 8192 }) }),
      fc.record({
        kind: fc.constant('pngFrame' as const), left: fc.nat(2000), top: fc.nat(2000), right: fc.nat(4000), bottom: fc.nat(4000),
        png: fc.uint8Array({ minLength: 1, maxLength: 3000 }),
      }),
      fc.record({ kind: fc.constant('keyboardButton' as const), keyCode: fc.nat(255), pressed: fc.boolean() }),
      fc.record({ kind: fc.constant('clipboardData' as const), data: fc.uint8Array({ maxLength: 100 }) }),
    );
    const step = fc.record({ gapMs: fc.nat(5000), message, from: fc.constantFrom('client' as const, 'server' as const) });
    await fc.assert(
      fc.asyncProperty(
        fc.array(step, { maxLength: 60 }),
        fc.constantFrom('sync' as const, 'async' as const),
        fc.integer({ min: 200, max: 20_000 }),
        fc.constantFrom('tdp' as const, 'tdpb' as const),
        fc.constantFrom('windows' as const, 'linux' as const),
        async (steps, mode, partSize, protocol, desktopKind) => {
          const clock = manualClock();
          const sink = memorySink();
          const recorder = createRecorder({ sink, session: { ...session, desktopKind, linuxUser: 'alice' }, mode, partSize, protocol, now: clock.now });
          await recorder.start();
          const expected: string[] = [];
          let first: number | undefined;
          for (const { gapMs, message: m, from } of steps) {
            clock.advance(gapMs);
            const bytes = encodeTdp(m as TdpMessage);
            await recorder.record(bytes, from);
            if (m.kind === 'keyboardButton') continue;
            if (m.kind === 'clipboardData') {
              expected.push(`${from === 'client' ? 'desktopClipboardSend' : 'desktopClipboardReceive'}:${m.data.length}`);
              continue;
            }
            first ??= clock.now();
            const written = protocol === 'tdpb' ? encodeTdpb(m as TdpMessage) : bytes;
            expected.push(`desktopRecording:${clock.now() - first}:${protocol === 'tdpb' ? 'tdpb' : 'tdp'}:${Buffer.from(written).toString('hex')}`);
          }
          await recorder.end();
          const { events, error } = await readRecording(sink.bytes());
          assert.equal(error, undefined);
          const actual = events.slice(1, -1).map(({ event }) =>
            event.case === 'desktopRecording'
              ? event.value.tdpbMessage.length > 0
                ? `desktopRecording:${event.value.delayMilliseconds}:tdpb:${Buffer.from(event.value.tdpbMessage).toString('hex')}`
                : `desktopRecording:${event.value.delayMilliseconds}:tdp:${Buffer.from(event.value.message).toString('hex')}`
              : `${event.case}:${(event.value as { length: number }).length}`,
          );
          assert.deepEqual(actual, expected);
          assert.deepEqual(events.map((e) => e.index), events.map((_, i) => i));
          const kindOf = { windows: ['windowsDesktopSessionStart', 'windowsDesktopSessionEnd'], linux: ['linuxDesktopSessionStart', 'linuxDesktopSessionEnd'] }[desktopKind];
          assert.deepEqual([events[0]!.event.case, events.at(-1)!.event.case], kindOf);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('recordingPolicy()', () => {
  test('cluster mode × role options; one role that records wins', () => {
    const records = { recordSession: { desktop: true } };
    const doesNot = { recordSession: { desktop: false } };
    assert.deepEqual(recordingPolicy('off', [records]), { recorded: false, mode: undefined });
    assert.deepEqual(recordingPolicy('node', [doesNot]), { recorded: false, mode: undefined });
    assert.deepEqual(recordingPolicy('node', [doesNot, records]), { recorded: true, mode: 'async' });
    assert.deepEqual(recordingPolicy('proxy', [{}]), { recorded: true, mode: 'async' }, 'record_session.desktop defaults to true');
    assert.deepEqual(recordingPolicy('node-sync', [records]), { recorded: true, mode: 'sync' });
    assert.deepEqual(recordingPolicy('proxy-sync', [doesNot, doesNot]), { recorded: false, mode: undefined });
    assert.deepEqual(recordingPolicy('proxy-sync', []), { recorded: true, mode: 'sync' });
  });
});
