import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parsePlaybackFrame } from '../../src/format/playback-frames.js';
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
