import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { timestampOfMs, type AuditEventInit } from '../../src/format/events.js';
import { encodeTdp } from '../../src/format/tdp.js';
import { createEngine } from '../../src/worker/engine.js';
import { MessageType, RequestMethod, type ParamsOf, type RequestMessage, type WorkerMessage } from '../../src/worker/protocol.js';
import { Preload } from '../../src/playback-state.js';
import { PageMarkers, withMarkers } from '../../src/worker/page-markers.js';
import type { Marker } from '../../src/format/timeline.js';
import { T0, desktopRecording, writeRecording } from '../helpers/recording-bytes.js';

/** A recording of `seconds` s: a 800×600 screen, a pointer move every 100 ms and one clipboard marker at 1.5 s. */
function recordingBytes(seconds: number): ArrayBuffer {
  const events: AuditEventInit[] = [desktopRecording(0, 0, encodeTdp({ kind: 'screenSpec', width: 800, height: 600 }))];
  for (let ms = 100; ms <= seconds * 1000; ms += 100) events.push(desktopRecording(events.length, ms, encodeTdp({ kind: 'mouseMove', x: ms % 800, y: 10 })));
  const metadata = { index: BigInt(events.length), type: 'desktop.clipboard.send', code: 'TDP02I', time: timestampOfMs(T0 + 1500) };
  events.push({ case: 'desktopClipboardSend', value: { metadata, length: 7 } });
  const bytes = writeRecording(events);
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

/** An engine whose posts are collected; `request` resolves with the response to it. */
function engine() {
  const posted: WorkerMessage[] = [];
  const waiters = new Map<number, (message: WorkerMessage) => void>();
  const running = createEngine((message) => {
    posted.push(message);
    if (message.type === MessageType.Response) waiters.get(message.id)?.(message);
  });
  let nextId = 1;
  const request = <M extends RequestMethod>(method: M, params: ParamsOf<M>): Promise<WorkerMessage> => {
    const id = nextId++;
    const answered = new Promise<WorkerMessage>((resolve) => waiters.set(id, resolve));
    void running.handle({ type: MessageType.Request, id, method, params } as RequestMessage);
    return answered;
  };
  const until = async (holds: () => boolean, what: string, tries = 2000): Promise<void> => {
    for (let i = 0; i < tries && !holds(); i++) await new Promise((resolve) => setTimeout(resolve, 2));
    assert.ok(holds(), what);
  };
  return { posted, request, until };
}

/**
 * The marker list as the page puts it together from the metadata messages from `start` on: each
 * message continues the list where the page has it, or (`markersFrom` 0) starts a new one.
 */
function markersFrom(posted: readonly WorkerMessage[], start = 0): { markers: Marker[]; sent: number } {
  let markers = new PageMarkers();
  let sent = 0;
  for (const message of posted.slice(start)) {
    if (message.type !== MessageType.Metadata) continue;
    assert.ok(message.markersFrom === 0 || message.markersFrom === markers.length, `markers continue the list (${message.markersFrom} of ${markers.length})`);
    markers = withMarkers(markers, message);
    sent += message.markers.times.length;
  }
  return { markers: markers.list(), sent };
}

/** A 128×64 screen, then `count` alerts `Alert 0`, `Alert 1`, … one every 36 ms. */
function alertStorm(count: number): ArrayBuffer {
  const events: AuditEventInit[] = [desktopRecording(0, 0, encodeTdp({ kind: 'screenSpec', width: 128, height: 64 }))];
  for (let i = 0; i < count; i++) events.push(desktopRecording(events.length, 36 * (i + 1), encodeTdp({ kind: 'alert', message: `Alert ${i}`, severity: 1 })));
  const bytes = writeRecording(events);
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

const load = (source: ArrayBuffer | null): ParamsOf<'load'> => ({ source, preload: Preload.Auto, autoplay: false, loop: false, startAtMs: 0, playbackRate: 1, idleLimitMs: 0, durationHintMs: 0 });

describe('the engine handler table', () => {
  test('every request method has a handler that answers exactly once, errors as payloads with their DOMException names', async () => {
    const { request } = engine();
    const answers: Record<string, WorkerMessage> = {};
    const params: { [M in RequestMethod]: ParamsOf<M> } = {
      attach: { screen: undefined as never, cursor: undefined as never },
      load: load(null),
      play: undefined,
      pause: undefined,
      seek: { timeMs: NaN },
      setRate: { rate: 1000 },
      setLoop: { loop: true },
      stepScreen: { direction: 1 },
      setIdleLimit: { idleLimitMs: 5000 },
      captureFrame: {},
      thumbnail: { timeMs: 0, width: 160 },
      approximateScreen: { timeMs: 0, width: 1920, read: true },
      exportVideo: { exportId: 1 },
      exportEvidence: { exportId: 2, notes: [] },
      cancelExport: { exportId: 99 },
      // Nothing listens on the discard port: the load fails at once.
      searchText: { indexUrl: 'http://127.0.0.1:9/none.text.json', query: 'password' },
      dispose: undefined,
    };
    for (const method of Object.values(RequestMethod)) {
      if (method === RequestMethod.Attach || method === RequestMethod.Dispose) continue;
      answers[method] = await request(method, params[method] as never);
    }
    const error = (method: string) => {
      const answer = answers[method]!;
      assert.equal(answer.type, MessageType.Response);
      assert.ok(!answer.ok, `${method} fails`);
      return answer.error;
    };
    const ok = (method: string) => {
      const answer = answers[method]!;
      assert.ok(answer.type === MessageType.Response && answer.ok, `${method} succeeds`);
      return answer.result;
    };
    assert.equal(ok('load'), undefined);
    assert.equal(error('play').name, 'NotSupportedError');
    assert.match(error('play').message, /no recording/);
    assert.equal(ok('pause'), undefined);
    assert.equal(error('seek').name, 'TypeError');
    assert.equal(error('setRate').name, 'NotSupportedError');
    assert.equal(ok('setLoop'), undefined);
    assert.equal(ok('stepScreen'), undefined);
    assert.equal(ok('setIdleLimit'), undefined);
    assert.equal(error('captureFrame').name, 'InvalidStateError');
    assert.equal(ok('thumbnail'), null);
    // No recording: no screen to approximate.
    assert.equal(ok('approximateScreen'), null);
    assert.equal(error('exportVideo').name, 'InvalidStateError');
    assert.equal(error('exportEvidence').name, 'InvalidStateError');
    assert.match(error('exportEvidence').message, /no recording to export/);
    assert.match(error('searchText').message, /the text index could not be loaded from http:\/\/127\.0\.0\.1:9\/none\.text\.json/);
    assert.equal(ok('cancelExport'), undefined);
  });

  test('a load posts events in <video> order; metadata goes once before the event that first shows it, not with every event', async () => {
    const { posted, request, until } = engine();
    await request(RequestMethod.Load, load(recordingBytes(3)));
    await until(() => posted.some((m) => m.type === MessageType.Event && m.name === 'canplaythrough'), 'the recording loads');
    const events = posted.filter((m) => m.type === MessageType.Event).map((m) => m.type === MessageType.Event && m.name);
    assert.deepEqual(
      events.filter((name) => name !== 'progress'),
      ['loadstart', 'durationchange', 'resize', 'loadedmetadata', 'loadeddata', 'canplay', 'canplaythrough'],
    );
    const metadata = posted.filter((m) => m.type === MessageType.Metadata);
    assert.ok(metadata.length >= 1 && metadata.length <= 3, `metadata sent when it changed: ${metadata.length} times`);
    const { markers } = markersFrom(posted);
    assert.equal(markers.length, 1);
    assert.equal(markers[0]!.type, 'desktop.clipboard.send');
    for (const message of posted) {
      if (message.type !== MessageType.Event) continue;
      assert.equal('markers' in message.state, false, 'events carry no markers');
      assert.equal('recording' in message.state, false, 'events carry no recording info');
      assert.equal(typeof message.state.currentTimeMs, 'number');
    }
    const firstMetadata = posted.findIndex((m) => m.type === MessageType.Metadata);
    const loadstart = posted.findIndex((m) => m.type === MessageType.Event && m.name === 'loadstart');
    assert.ok(firstMetadata < loadstart, 'the metadata of a new load (empty) goes before its first event');

    // Playing: timeupdates, no metadata.
    const before = posted.length;
    await request(RequestMethod.Seek, { timeMs: 1000 });
    await request(RequestMethod.Play, undefined);
    await until(() => posted.slice(before).some((m) => m.type === MessageType.Event && m.name === 'marker'), 'the marker at 1.5 s is crossed');
    await request(RequestMethod.Pause, undefined);
    assert.ok(posted.slice(before).filter((m) => m.type === MessageType.Event && m.name === 'timeupdate').length >= 2, 'timeupdates while playing');
    assert.equal(posted.slice(before).filter((m) => m.type === MessageType.Metadata).length, 0, 'no metadata while only playback changed');
  });

  test('a new load sends the new (empty) metadata once; dispose stops everything', async () => {
    const { posted, request, until } = engine();
    await request(RequestMethod.Load, load(recordingBytes(2)));
    await until(() => posted.some((m) => m.type === MessageType.Event && m.name === 'canplaythrough'), 'the recording loads');
    const before = posted.length;
    await request(RequestMethod.Load, load(null));
    const after = posted.slice(before);
    const metadata = after.filter((m) => m.type === MessageType.Metadata);
    assert.equal(metadata.length, 1);
    assert.ok(metadata[0]!.type === MessageType.Metadata && metadata[0]!.markers.times.length === 0);
    assert.deepEqual(after.filter((m) => m.type === MessageType.Event).map((m) => m.type === MessageType.Event && m.name), ['emptied']);
    const answer = await request(RequestMethod.Dispose, undefined);
    assert.ok(answer.type === MessageType.Response && answer.ok);
  });

  test('100,000 markers: each crosses to the page once, in order, the list goes on where the page has it; a new load starts it afresh', async () => {
    const count = 100_000;
    const { posted, request, until } = engine();
    await request(RequestMethod.Load, load(alertStorm(count)));
    await until(() => posted.some((m) => m.type === MessageType.Event && m.name === 'canplaythrough'), 'the recording loads', 60_000);
    const { markers, sent } = markersFrom(posted);
    const continued = posted.filter((m) => m.type === MessageType.Metadata && m.markersFrom > 0 && m.markers.times.length > 0);
    assert.ok(continued.length > 0, 'the markers came in several messages, each continuing the list');
    assert.equal(sent, count, 'every marker sent once');
    assert.equal(markers.length, count);
    markers.forEach((marker, i) => {
      if (marker.timeMs !== 36 * (i + 1) || marker.label !== `Warning: Alert ${i}`) assert.fail(`marker ${i}: ${marker.timeMs} ms, ${marker.label}`);
    });
    // Playback still crosses them: the marker events name consecutive markers.
    const before = posted.length;
    await request(RequestMethod.Seek, { timeMs: 100_000 });
    await request(RequestMethod.SetRate, { rate: 4 });
    await request(RequestMethod.Play, undefined);
    const crossed = () => posted.slice(before).flatMap((m) => (m.type === MessageType.Event && m.name === 'marker' ? [m.detail as Marker] : []));
    await until(() => crossed().length >= 5, 'five markers crossed');
    await request(RequestMethod.Pause, undefined);
    const first = markers.findIndex((marker) => marker.timeMs > 100_000);
    assert.deepEqual(crossed().slice(0, 5), markers.slice(first, first + 5));
    assert.equal(posted.slice(before).filter((m) => m.type === MessageType.Metadata).length, 0, 'no metadata while only playback changed');
    // Another load: its list starts at 0.
    const again = posted.length;
    await request(RequestMethod.Load, load(recordingBytes(2)));
    await until(() => posted.slice(again).some((m) => m.type === MessageType.Event && m.name === 'canplaythrough'), 'the second recording loads');
    const firstOfNew = posted.slice(again).find((m) => m.type === MessageType.Metadata);
    assert.ok(firstOfNew?.type === MessageType.Metadata && firstOfNew.markersFrom === 0);
    assert.deepEqual(markersFrom(posted, again).markers.map((marker) => marker.type), ['desktop.clipboard.send']);
  });

  test('bytes that are not a recording: an error event with the reason, and play() rejects', async () => {
    const { posted, request, until } = engine();
    await request(RequestMethod.Load, load(new TextEncoder().encode('this is not a recording at all, just text').buffer as ArrayBuffer));
    await until(() => posted.some((m) => m.type === MessageType.Event && m.name === 'error'), 'an error event');
    const error = posted.find((m) => m.type === MessageType.Event && m.name === 'error');
    assert.ok(error?.type === MessageType.Event && error.state.error && !error.state.error.partial);
    const play = await request(RequestMethod.Play, undefined);
    assert.ok(play.type === MessageType.Response && !play.ok && play.error.name === 'NotSupportedError');
  });
});
