import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { clampServerSpeed, desktopRecordingJson, END_FRAME, errorFrame, parsePlaybackAction, parsePlaybackFrame, SERVER_SPEED_RANGE, sessionResponseFrame, type PlaybackAction } from '../../src/format/playback-frames.js';
import { decodeTdp, encodeTdp } from '../../src/format/tdp.js';

const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

describe('parsePlaybackFrame (Teleport playback websocket, spec §4.2)', () => {
  test('a DesktopRecording frame becomes the same event a file would give', () => {
    const tdp = encodeTdp({ kind: 'screenSpec', width: 1280, height: 720 });
    const frame = parsePlaybackFrame(JSON.stringify({ ei: 5, event: 'desktop.recording', time: '2024-01-01T00:00:01.5Z', cluster_name: 'x', message: base64(tdp), ms: 1500 }));
    assert.equal(frame.kind, 'event');
    if (frame.kind !== 'event' || frame.event.event.case !== 'desktopRecording') return;
    assert.equal(frame.event.index, 5);
    assert.equal(frame.event.timeMs, Date.UTC(2024, 0, 1, 0, 0, 1, 500));
    assert.equal(frame.event.event.value.delayMilliseconds, 1500n);
    assert.deepEqual(decodeTdp(frame.event.event.value.message), { kind: 'screenSpec', width: 1280, height: 720 });
    assert.equal(frame.event.event.value.tdpbMessage.length, 0);
  });

  test('tdpb_message is taken when present, and a null message is empty', () => {
    const frame = parsePlaybackFrame(JSON.stringify({ ei: 1, message: null, tdpb_message: base64(new Uint8Array([1, 2, 3])), ms: 0 }));
    assert.ok(frame.kind === 'event' && frame.event.event.case === 'desktopRecording');
    if (frame.kind !== 'event' || frame.event.event.case !== 'desktopRecording') return;
    assert.deepEqual([...frame.event.event.value.tdpbMessage], [1, 2, 3]);
    assert.equal(frame.event.event.value.message.length, 0);
  });

  test('end, error and the session answer', () => {
    assert.deepEqual(parsePlaybackFrame('{"message":"end"}'), { kind: 'end' });
    assert.deepEqual(parsePlaybackFrame('{"message":"error","errorText":"internal server error"}'), { kind: 'error', text: 'internal server error' });
    assert.deepEqual(parsePlaybackFrame('{"type":"create_session_response","status":"ok"}'), { kind: 'session', ok: true, message: '' });
    assert.deepEqual(parsePlaybackFrame('{"type":"create_session_response","status":"error","message":"bad token"}'), { kind: 'session', ok: false, message: 'bad token' });
  });

  test('anything else is refused', () => {
    for (const text of ['not json', '[]', '{"ms":-1,"message":""}', '{"message":"AAAA"}', '{"ms":5,"message":"***"}']) {
      assert.throws(() => parsePlaybackFrame(text), Error, text);
    }
  });
});

describe('the playback websocket codec, both directions', () => {
  const recording = (message: Uint8Array, tdpbMessage = new Uint8Array(0)) => ({
    $typeName: 'events.DesktopRecording' as const,
    metadata: { $typeName: 'events.Metadata' as const, index: 9n, type: 'desktop.recording', id: 'u-1', code: '', clusterName: 'c<1>', time: { $typeName: 'google.protobuf.Timestamp' as const, seconds: 1704067201n, nanos: 250_000_000 } },
    message, delayMilliseconds: 2500n, tdpbMessage,
  });

  test('an encoded DesktopRecording frame decodes to the same event', () => {
    const tdp = encodeTdp({ kind: 'pngFrame', left: 1, top: 2, right: 3, bottom: 4, png: new Uint8Array(70_000).map((_, i) => (i * 31) & 255) });
    const frame = parsePlaybackFrame(desktopRecordingJson(recording(tdp, new Uint8Array([9, 8, 7]))));
    assert.ok(frame.kind === 'event' && frame.event.event.case === 'desktopRecording');
    if (frame.kind !== 'event' || frame.event.event.case !== 'desktopRecording') return;
    assert.equal(frame.event.index, 9);
    assert.equal(frame.event.timeMs, Date.UTC(2024, 0, 1, 0, 0, 1, 250));
    assert.equal(frame.event.event.value.delayMilliseconds, 2500n);
    assert.deepEqual(frame.event.event.value.message, tdp);
    assert.deepEqual([...frame.event.event.value.tdpbMessage], [9, 8, 7]);
  });

  test('without Node’s Buffer (in a browser), base64 comes out the same', async () => {
    const tdp = new Uint8Array(100_000).map((_, i) => (i * 7) & 255);
    const withBuffer = desktopRecordingJson(recording(tdp));
    const saved = globalThis.Buffer;
    try {
      Object.assign(globalThis, { Buffer: undefined });
      // A second instance of the module, loaded while there is no Buffer.
      const fresh = (await import(new URL('../../src/format/playback-frames.ts?without-buffer', import.meta.url).href)) as typeof import('../../src/format/playback-frames.js');
      assert.equal(fresh.desktopRecordingJson(recording(tdp)), withBuffer);
    } finally {
      Object.assign(globalThis, { Buffer: saved });
    }
  });

  test('end, error and session frames', () => {
    assert.deepEqual(parsePlaybackFrame(END_FRAME), { kind: 'end' });
    assert.deepEqual(parsePlaybackFrame(errorFrame('gone "now"')), { kind: 'error', text: 'gone "now"' });
    assert.deepEqual(parsePlaybackFrame(sessionResponseFrame()), { kind: 'session', ok: true, message: '' });
    assert.deepEqual(parsePlaybackFrame(sessionResponseFrame('invalid token')), { kind: 'session', ok: false, message: 'invalid token' });
  });

  test('client actions: the ones the player sends parse back; bad values are invalid; anything else is not an action', () => {
    const sent: PlaybackAction[] = [{ action: 'play/pause' }, { action: 'speed', speed: 0.25 }, { action: 'speed', speed: 16 }, { action: 'seek', pos: 1234 }, { token: 't' }];
    for (const action of sent) assert.deepEqual(parsePlaybackAction(JSON.stringify(action)), action);
    for (const text of ['{"action":"speed","speed":null}', '{"action":"speed"}', '{"action":"speed","speed":"2"}', '{"action":"speed","speed":0}', '{"action":"speed","speed":-1}', '{"action":"seek","pos":null}', '{"action":"seek","pos":"10"}']) {
      assert.ok(parsePlaybackAction(text) && 'invalid' in parsePlaybackAction(text)!, text);
    }
    for (const text of ['', 'nope', '[1]', 'null', '5', '{"action":"rewind"}', '{"token":5}', '{}']) assert.equal(parsePlaybackAction(text), undefined, text);
  });

  test('server speeds are clamped to the one range', () => {
    assert.equal(clampServerSpeed(0.01), SERVER_SPEED_RANGE.min);
    assert.equal(clampServerSpeed(100), SERVER_SPEED_RANGE.max);
    assert.equal(clampServerSpeed(2), 2);
  });
});
