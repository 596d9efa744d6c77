import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { encodeAuditEvent, timestampOfMs } from '../../src/format/events.js';
import { readRecording } from '../../src/format/reader.js';
import { encodeTdp } from '../../src/format/tdp.js';
import { TimelineBuilder } from '../../src/format/timeline.js';
import { markerLabel } from '../../src/element/marker-labels.js';
import { de, en } from '../../src/element/strings.js';
import { records, rawPart } from '../helpers/recording-bytes.js';

describe('markerLabel()', () => {
  const t0 = Date.UTC(2026, 0, 1, 8);
  const meta = (index: number, atMs: number) => ({ index: BigInt(index), time: timestampOfMs(t0 + atMs), clusterName: 'c' });
  const failed = { success: false, error: 'access denied' };
  const screen = (index: number, atMs: number, message: Uint8Array) =>
    encodeAuditEvent({ case: 'desktopRecording', value: { metadata: meta(index, atMs), message, delayMilliseconds: BigInt(atMs) } });

  async function markers() {
    const payloads = [
      encodeAuditEvent({ case: 'windowsDesktopSessionStart', value: { metadata: meta(0, 0), desktopName: 'dc', user: { user: 'bob' }, status: { success: true } } }),
      screen(1, 0, encodeTdp({ kind: 'screenSpec', width: 800, height: 600 })),
      encodeAuditEvent({ case: 'windowsDesktopSessionStart', value: { metadata: meta(2, 10), desktopAddr: '10.0.0.1', status: failed } }),
      encodeAuditEvent({ case: 'sessionStart', value: { metadata: meta(3, 20) } }),
      encodeAuditEvent({ case: 'desktopClipboardSend', value: { metadata: meta(4, 30), length: 1 } }),
      encodeAuditEvent({ case: 'desktopClipboardReceive', value: { metadata: meta(5, 40), length: 12345 } }),
      encodeAuditEvent({ case: 'desktopSharedDirectoryStart', value: { metadata: meta(6, 50), directoryName: 'docs', status: { success: true } } }),
      encodeAuditEvent({ case: 'desktopSharedDirectoryStart', value: { metadata: meta(7, 60), directoryName: 'docs', status: failed } }),
      encodeAuditEvent({ case: 'desktopSharedDirectoryRead', value: { metadata: meta(8, 70), path: 'a.txt', length: 10, offset: 5n, status: { success: true } } }),
      encodeAuditEvent({ case: 'desktopSharedDirectoryWrite', value: { metadata: meta(9, 80), path: 'b.txt', length: 2048, offset: 0n, status: { success: true } } }),
      encodeAuditEvent({ case: 'desktopSharedDirectoryRead', value: { metadata: meta(10, 90), path: 'a.txt', status: failed } }),
      encodeAuditEvent({ case: 'desktopSharedDirectoryWrite', value: { metadata: meta(11, 100), path: 'b.txt', status: failed } }),
      screen(12, 110, encodeTdp({ kind: 'alert', message: 'low disk', severity: 0 })),
      screen(13, 120, encodeTdp({ kind: 'alert', message: 'low disk', severity: 2 })),
      screen(14, 130, encodeTdp({ kind: 'error', message: 'RDP gone' })),
      encodeAuditEvent({ case: 'sessionEnd', value: { metadata: meta(15, 140) } }),
      encodeAuditEvent({ case: 'windowsDesktopSessionEnd', value: { metadata: meta(16, 150), participants: ['bob'] } }),
    ];
    const { events } = await readRecording(rawPart(records(payloads)));
    const timeline = new TimelineBuilder();
    for (const event of events) timeline.add(event);
    timeline.finish();
    return timeline.markers;
  }

  test('in English, says exactly what the format layer says, for every kind of marker', async () => {
    const list = await markers();
    assert.equal(list.length, 16);
    for (const marker of list) assert.equal(markerLabel(marker, en, String), marker.label, marker.type);
  });

  test('in German, every label is translated, with numbers in the given format', async () => {
    const german = (await markers()).map((marker) => markerLabel(marker, de, (value) => value.toLocaleString('de')));
    assert.deepEqual(german, [
      'Sitzung von bob auf dc gestartet',
      'Sitzung konnte nicht starten: access denied',
      'Sitzung gestartet',
      'Zwischenablage an den Desktop gesendet (1 Byte)',
      'Zwischenablage vom Desktop empfangen (12.345 Byte)',
      'Verzeichnis „docs“ freigegeben',
      'Freigabe des Verzeichnisses „docs“ fehlgeschlagen: access denied',
      'Datei gelesen: a.txt (10 Byte ab Position 5)',
      'Datei geschrieben: b.txt (2.048 Byte ab Position 0)',
      'Lesen der Datei fehlgeschlagen: a.txt (access denied)',
      'Schreiben der Datei fehlgeschlagen: b.txt (access denied)',
      'Info: low disk',
      'Fehler: low disk',
      'Fehler: RDP gone',
      'Sitzung beendet',
      'Sitzung beendet',
    ]);
  });

  test('keeps the format layer label for marker types it does not know', () => {
    assert.equal(markerLabel({ timeMs: 0, type: 'desktop.future', code: '', label: 'Something new', detail: {} }, de, String), 'Something new');
  });
});
