import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Prng } from '../../demo/samples/prng.js';
import { MarkerCrossings } from '../../src/core/marker-crossings.js';
import { MarkerStore } from '../../src/format/marker-store.js';
import type { Marker } from '../../src/format/timeline.js';
import { withMarkers, type PageMarkers } from '../../src/worker/page-markers.js';

const SEVERITIES = ['info', 'warning', 'error'] as const;

/** A TDP alert or error as a marker object, written out as contract §3.2 has it. */
function notice(timeMs: number, type: 'desktop.alert' | 'desktop.error', severity: (typeof SEVERITIES)[number], message: string): Marker {
  if (type === 'desktop.error') return { timeMs, type, code: '', label: `Error: ${message}`, detail: { message } };
  return { timeMs, type, code: '', label: `${severity[0]!.toUpperCase()}${severity.slice(1)}: ${message}`, detail: { severity, message } };
}

/**
 * `count` markers in a seeded mix: alerts of each severity and errors (messages from a few that
 * repeat, and ones of their own, non-ASCII included), audit markers kept as objects; times mostly
 * rising, some back in time, some equal.
 */
function mixed(seed: number, count: number): Array<{ marker: Marker; compact: boolean }> {
  const random = new Prng(seed);
  const list: Array<{ marker: Marker; compact: boolean }> = [];
  let timeMs = 0;
  for (let i = 0; i < count; i++) {
    const roll = random.next();
    timeMs = roll < 0.05 ? Math.max(0, timeMs - Math.floor(random.next() * 5000)) : roll < 0.15 ? timeMs : timeMs + Math.floor(random.next() * 100) + 0.5;
    const message = random.next() < 0.5 ? `Low disk space on ${['C:', 'D:', 'É:'][i % 3]}` : `Alert ${i} – “${'é'.repeat(i % 4)}”`;
    const kind = random.next();
    if (kind < 0.1) list.push({ marker: { timeMs, type: 'desktop.clipboard.send', code: 'TDP02I', label: `Clipboard sent (${i} bytes)`, detail: { length: i } }, compact: false });
    else if (kind < 0.25) list.push({ marker: notice(timeMs, 'desktop.error', 'error', message), compact: true });
    else list.push({ marker: notice(timeMs, 'desktop.alert', SEVERITIES[Math.floor(random.next() * 3)]!, message), compact: true });
  }
  return list;
}

function storeOf(list: ReturnType<typeof mixed>): MarkerStore {
  const store = new MarkerStore();
  for (const { marker, compact } of list) {
    if (compact) store.pushNotice(marker.timeMs, marker.type, String(marker.detail.severity ?? 'error'), String(marker.detail.message));
    else store.push(marker);
  }
  return store;
}

describe('the compact marker store', () => {
  for (const seed of [1, 2, 3, 0x5eed]) {
    test(`seed ${seed}: 10,000 markers (several blocks) read back as the objects they were, by index and as a list`, () => {
      const list = mixed(seed, 10_000);
      const store = storeOf(list);
      const expected = list.map(({ marker }) => marker);
      assert.equal(store.length, expected.length);
      assert.deepEqual(store.list(), expected);
      assert.equal(store.list(), store.list(), 'the same list until markers are added');
      for (const index of [0, 4095, 4096, 8191, 8192, 9999]) {
        assert.deepEqual(store.at(index), expected[index]);
        assert.equal(store.timeAt(index), expected[index]!.timeMs);
      }
      const objects = list.flatMap(({ marker, compact }, index) => (compact ? [] : [index]));
      assert.ok(objects.every((index) => store.at(index) === expected[index]), 'a marker kept as an object is that object');
      const before = store.list();
      store.pushNotice(1, 'desktop.alert', 'info', 'late');
      assert.notEqual(store.list(), before, 'a new list once a marker is added');
      assert.deepEqual(store.list().at(-1), notice(1, 'desktop.alert', 'info', 'late'));
      assert.equal(before.length, 10_000, 'the list handed out before is unchanged');
    });

    test(`seed ${seed}: sent in random batches as cloned columns, the page's list equals the worker's; each string crosses once`, () => {
      const random = new Prng(seed * 31 + 7);
      const list = mixed(seed, 9_000);
      const worker = new MarkerStore();
      let page: PageMarkers | undefined;
      let sent = 0;
      let strings = 0;
      let stringsSent = 0;
      for (let at = 0; at < list.length; ) {
        const size = 1 + Math.floor(random.next() * 2_000);
        const batch = list.slice(at, at + size);
        at += batch.length;
        for (const { marker, compact } of batch) {
          if (compact) worker.pushNotice(marker.timeMs, marker.type, String(marker.detail.severity ?? 'error'), String(marker.detail.message));
          else worker.push(marker);
        }
        const columns = worker.columns(sent, strings);
        const message = structuredClone({ markersFrom: sent, markers: columns, revised: [] }, { transfer: [columns.times.buffer, columns.kinds.buffer, columns.texts.buffer] });
        assert.equal(columns.times.length, 0, 'the columns sent were transferred');
        stringsSent += message.markers.strings.length;
        sent = worker.length;
        strings = worker.stringCount;
        page = withMarkers(page, message);
        assert.equal(page.length, worker.length);
      }
      assert.deepEqual(page!.list(), worker.list());
      assert.equal(stringsSent, worker.stringCount, 'every string crossed once');
      assert.ok(worker.stringCount < list.length, 'repeated messages share a string');
    });

    test(`seed ${seed}: crossings by time read from the store answer as from the list`, () => {
      const random = new Prng(seed + 99);
      const store = storeOf(mixed(seed, 3_000));
      const fromStore = new MarkerCrossings();
      const fromList = new MarkerCrossings();
      const last = store.list().reduce((latest, { timeMs }) => Math.max(latest, timeMs), 0);
      for (let i = 0; i < 200; i++) {
        const fromMs = Math.floor(random.next() * last);
        const toMs = fromMs + Math.floor(random.next() * 2000);
        assert.deepEqual(fromStore.crossed(store, fromMs, toMs), fromList.crossed(store.list(), fromMs, toMs), `${fromMs}–${toMs} ms`);
      }
    });
  }

  test('a new load starts the page afresh; a transfer that grew replaces its object in new lists only', () => {
    const worker = new MarkerStore();
    worker.pushNotice(5, 'desktop.alert', 'warning', 'a');
    const transfer: Marker = { timeMs: 6, type: 'desktop.directory.read', code: 'TDP04I', label: 'File read: a.txt (1 B at offset 0)', detail: { length: 1 } };
    worker.push(transfer);
    const columns = worker.columns(0, 0);
    const page = withMarkers(undefined, { markersFrom: 0, markers: structuredClone(columns), revised: [] });
    const first = page.list();
    const grown = { ...transfer, label: 'File read: a.txt (2 B)', detail: { length: 2 } };
    const same = withMarkers(page, { markersFrom: 2, markers: worker.columns(2, 1), revised: [[1, grown]] });
    assert.equal(same, page, 'the load goes on in the same store');
    assert.deepEqual(page.list(), [notice(5, 'desktop.alert', 'warning', 'a'), grown]);
    assert.deepEqual(first[1], transfer, 'the list handed out before keeps the object it had');
    assert.equal(page.kindAt(0), 2, 'a warning');
    assert.equal(page.kindAt(1), 0, 'an object');
    const next = withMarkers(page, { markersFrom: 0, markers: new MarkerStore().columns(0, 0), revised: [] });
    assert.notEqual(next, page);
    assert.deepEqual(next.list(), []);
  });
});
