import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Prng } from '../../demo/samples/prng.js';
import { encodeAuditEvent, timestampOfMs, type AuditEventInit } from '../../src/format/events.js';
import { readRecording } from '../../src/format/reader.js';
import { encodeTdp } from '../../src/format/tdp.js';
import { MarkerStore } from '../../src/format/marker-store.js';
import { PageMarkers, withMarkers } from '../../src/worker/page-markers.js';
import { TimelineBuilder, type Marker } from '../../src/format/timeline.js';
import type { MetadataMessage } from '../../src/worker/protocol.js';
import { records, rawPart } from '../helpers/recording-bytes.js';

const t0 = Date.UTC(2026, 0, 1, 8);
const meta = (index: number, atMs: number) => ({ index: BigInt(index), time: timestampOfMs(t0 + atMs), clusterName: 'c' });

/**
 * A seeded mix of markers: alerts, clipboard sends and receives, session events, and reads and
 * writes of a few files that group into transfers (some failing, some far apart), in time order.
 */
function mixedEvents(seed: number, count: number): AuditEventInit[] {
  const random = new Prng(seed);
  const events: AuditEventInit[] = [{ case: 'desktopRecording', value: { metadata: meta(0, 0), message: encodeTdp({ kind: 'screenSpec', width: 800, height: 600 }), delayMilliseconds: 0n } }];
  const offsets = new Map<string, number>();
  let atMs = 0;
  for (let index = 1; index <= count; index++) {
    atMs += Math.floor(random.next() * 1500);
    const pick = random.next();
    if (pick < 0.2) {
      events.push({ case: 'desktopRecording', value: { metadata: meta(index, atMs), message: encodeTdp({ kind: 'alert', message: `Alert ${index} – “${'é'.repeat(index % 3)}”`, severity: index % 3 }), delayMilliseconds: BigInt(atMs) } });
    } else if (pick < 0.35) {
      const value = { metadata: meta(index, atMs), length: Math.floor(random.next() * 5000) };
      events.push(random.next() < 0.5 ? { case: 'desktopClipboardSend', value } : { case: 'desktopClipboardReceive', value });
    } else if (pick < 0.4) {
      events.push({ case: 'sessionStart', value: { metadata: meta(index, atMs) } });
    } else {
      const path = ['a.txt', 'b.pdf', 'C:\\dir\\c.bin'][Math.floor(random.next() * 3)]!;
      const read = random.next() < 0.6;
      const key = `${read} ${path}`;
      const offset = random.next() < 0.1 ? 0 : (offsets.get(key) ?? 0);
      const length = 1 + Math.floor(random.next() * 65536);
      offsets.set(key, offset + length);
      const failed = random.next() < 0.05;
      const value = { metadata: meta(index, atMs), path, offset: BigInt(offset), length, directoryId: 1, directoryName: 'Shared', status: failed ? { success: false, error: 'denied' } : { success: true } };
      events.push(read ? { case: 'desktopSharedDirectoryRead', value } : { case: 'desktopSharedDirectoryWrite', value });
    }
  }
  return events;
}


describe('markers across the worker boundary', () => {
  for (const seed of [1, 2, 3, 0x5eed]) {
    test(`seed ${seed}: the page's list, message by message, equals the worker's, transfers that grew since included`, async () => {
      const random = new Prng(seed * 7 + 1);
      const { events } = await readRecording(rawPart(records(mixedEvents(seed, 600).map((event) => encodeAuditEvent(event)))));
      const timeline = new TimelineBuilder();
      let store = new PageMarkers();
      let page = store.list();
      let strings = 0;
      /** Each list the page had, and a copy of it as it was then. */
      const lists: [Marker[], Marker[]][] = [];
      let sent = 0;
      let revisions = 0;
      for (let at = 0; at < events.length; ) {
        // Batches of a random size, as the worker posts them (between media events); what the engine sends.
        const size = 1 + Math.floor(random.next() * 40);
        for (const event of events.slice(at, at + size)) timeline.add(event);
        at += size;
        const markers = timeline.markers;
        const revised = timeline.takeRevisedMarkers().flatMap((index): Array<[number, Marker]> => (index < sent ? [[index, markers[index]!]] : []));
        assert.ok(revised.every(([, marker]) => marker.transfer), 'only transfers change in place');
        revisions += revised.length;
        const message = structuredClone({ markersFrom: sent, markers: timeline.markerStore.columns(sent, strings), revised } satisfies Pick<MetadataMessage, 'markersFrom' | 'markers' | 'revised'>);
        sent = markers.length;
        strings = timeline.markerStore.stringCount;
        const before = page;
        store = withMarkers(store, message);
        page = store.list();
        assert.equal(page === before, message.markers.times.length === 0 && message.revised.length === 0, 'a new list exactly when something changed');
        assert.deepEqual(page, markers);
        lists.push([page, structuredClone(page)]);
      }
      assert.ok(revisions > 0, 'transfers grew after the page had them');
      for (const [list, then] of lists) assert.deepEqual(list, then, 'a list handed out is never changed later');
    });
  }

  test('a message from 0 starts a new list', () => {
    const alert = (timeMs: number, message: string): Marker => ({ timeMs, type: 'desktop.alert', code: '', label: `Info: ${message}`, detail: { severity: 'info', message } });
    /** The columns the worker sends for these alerts (info), as a list from 0. */
    const columnsOf = (...alerts: Marker[]) => {
      const store = new MarkerStore();
      for (const { timeMs, detail } of alerts) store.pushNotice(timeMs, 'desktop.alert', 'info', String(detail.message));
      return store.columns(0, 0);
    };
    const firstStore = withMarkers(undefined, { markersFrom: 0, markers: columnsOf(alert(1, 'a'), alert(2, 'b')), revised: [] });
    const first = firstStore.list();
    assert.deepEqual(withMarkers(firstStore, { markersFrom: 0, markers: columnsOf(alert(5, 'c')), revised: [] }).list(), [alert(5, 'c')]);
    assert.equal(withMarkers(firstStore, { markersFrom: 2, markers: columnsOf(), revised: [] }).list(), first);
    assert.deepEqual(first, [alert(1, 'a'), alert(2, 'b')]);
  });
});
