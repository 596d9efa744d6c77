import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Ingest } from '../../src/core/ingest.js';
import { ErrorReason, RecordingError } from '../../src/format/errors.js';
import { encodeTdpb } from '../../src/format/tdp.js';
import { desktopRecording } from '../helpers/recording-bytes.js';
import { clipboardEvent, screenEvent } from '../helpers/scripted-session.js';
import { encodeAuditEvent, type RecordedEvent } from '../../src/format/events.js';
import { decodeAuditEvent } from '../../src/format/wire/audit-events.js';

const png = (seed: number): Uint8Array => Uint8Array.from({ length: 40 }, (_, i) => (seed * 31 + i) & 0xff);

/** A DesktopRecording whose screen message is TDPB (Teleport 18+), not legacy TDP. */
function tdpbEvent(timeMs: number, message: Parameters<typeof encodeTdpb>[0]): RecordedEvent {
  const init = desktopRecording(900 + timeMs, timeMs, new Uint8Array(0));
  if (init.case !== 'desktopRecording') throw new Error('unreachable');
  const event = decodeAuditEvent(encodeAuditEvent({ ...init, value: { ...init.value, tdpbMessage: encodeTdpb(message) } }))!;
  return { event, index: 900 + timeMs, timeMs: undefined, partOffset: 0, recordOffset: 0 };
}

describe('Ingest', () => {
  test('indexes screen sizes, tiles (bytes moved to the store), pointer moves and presses; releases change nothing', async () => {
    const ingest = new Ingest();
    ingest.add([
      screenEvent(0, { kind: 'screenSpec', width: 640, height: 480 }),
      screenEvent(0, { kind: 'pngFrame', left: 0, top: 0, right: 64, bottom: 64, png: png(1) }),
      screenEvent(100, { kind: 'mouseMove', x: 5, y: 6 }),
      screenEvent(150, { kind: 'mouseButton', button: 0, pressed: true }),
      screenEvent(160, { kind: 'mouseButton', button: 0, pressed: false }),
      screenEvent(200, { kind: 'png2Frame', left: 64, top: 0, right: 128, bottom: 64, png: png(2) }),
    ]);
    const { timeline } = ingest;
    assert.deepEqual(
      Array.from({ length: timeline.length }, (_, i) => timeline.at(i).kind),
      ['resize', 'tile', 'pointer', 'click', 'tile'],
    );
    const tile = timeline.at(4);
    assert.ok(tile.kind === 'tile' && !(tile.png instanceof Uint8Array), 'the PNG lives in the tile store');
    assert.deepEqual(await ingest.readBytes(tile.png), png(2));
    assert.deepEqual(timeline.firstScreen, { kind: 'resize', timeMs: 0, width: 640, height: 480 });
    assert.equal(ingest.durationMs, 200);
    assert.equal(typeof ingest.startDateMs, 'number');
  });

  test('TDPB and legacy TDP messages index the same way (their kinds are interpreted in one place)', () => {
    const legacy = new Ingest();
    const tdpb = new Ingest();
    const messages = [
      { at: 0, message: { kind: 'screenSpec', width: 320, height: 200 } },
      { at: 10, message: { kind: 'pngFrame', left: 0, top: 0, right: 64, bottom: 64, png: png(3) } },
      { at: 20, message: { kind: 'mouseMove', x: 1, y: 2 } },
    ] as const;
    legacy.add(messages.map(({ at, message }) => screenEvent(at, message)));
    tdpb.add(messages.map(({ at, message }) => tdpbEvent(at, message)));
    const kinds = (ingest: Ingest) => Array.from({ length: ingest.timeline.length }, (_, i) => ingest.timeline.at(i)).map(({ kind, timeMs }) => `${kind}@${timeMs}`);
    assert.deepEqual(kinds(tdpb), kinds(legacy));
    assert.deepEqual(kinds(legacy), ['resize@0', 'tile@10', 'pointer@20']);
  });

  test('alerts, errors and audit events become markers, and only they change the metadata version', () => {
    const ingest = new Ingest();
    ingest.add([screenEvent(0, { kind: 'screenSpec', width: 320, height: 200 }), screenEvent(50, { kind: 'mouseMove', x: 1, y: 1 })]);
    const quiet = ingest.metadataVersion;
    ingest.add([screenEvent(80, { kind: 'mouseMove', x: 2, y: 2 })]);
    assert.equal(ingest.metadataVersion, quiet, 'screen events leave the metadata as it was');
    ingest.add([screenEvent(100, { kind: 'alert', message: 'Low disk space', severity: 1 }), screenEvent(120, { kind: 'error', message: 'RDP dropped' }), clipboardEvent(130, 9)]);
    assert.ok(ingest.metadataVersion > quiet);
    assert.deepEqual(
      ingest.markers.map(({ timeMs, type, label }) => ({ timeMs, type, label })),
      [
        { timeMs: 100, type: 'desktop.alert', label: 'Warning: Low disk space' },
        { timeMs: 120, type: 'desktop.error', label: 'Error: RDP dropped' },
        { timeMs: 130, type: 'desktop.clipboard.send', label: 'Clipboard sent to the desktop (9 bytes)' },
      ],
    );
    assert.deepEqual(ingest.markers[0]!.detail, { severity: 'warning', message: 'Low disk space' });
  });

  test('a screen larger than the player shows is refused before anything is sized; what came before stays', () => {
    const ingest = new Ingest();
    ingest.add([screenEvent(0, { kind: 'screenSpec', width: 800, height: 600 })]);
    assert.throws(
      () => ingest.add([screenEvent(10, { kind: 'screenSpec', width: 8193, height: 600 })]),
      (error: unknown) => error instanceof RecordingError && error.reason === ErrorReason.ScreenTooLarge && /8193×600 pixels at 0\.01 s/.test(error.message),
    );
    assert.equal(ingest.timeline.length, 1);
  });

  test('finish places events still waiting for time 0 and closes the activity track, once', () => {
    const ingest = new Ingest();
    ingest.add([clipboardEvent(0, 3)]);
    assert.equal(ingest.markers.length, 0, 'an audit event before any screen event waits for time 0');
    assert.equal(ingest.finished, false);
    ingest.finish();
    ingest.finish();
    assert.equal(ingest.finished, true);
    assert.equal(ingest.markers.length, 1);
  });
});
