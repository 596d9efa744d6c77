import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { Prng } from '../../demo/samples/prng.js';
import { encodeAuditEvent, timestampOfMs } from '../../src/format/events.js';
import { readRecording } from '../../src/format/reader.js';
import { encodeTdp } from '../../src/format/tdp.js';
import { TimelineBuilder, type Marker } from '../../src/format/timeline.js';
import { TRANSFER_GAP_MS, fileName, sizeIn } from '../../src/format/transfers.js';
import { markerLabel } from '../../src/element/marker-labels.js';
import { de, en } from '../../src/element/strings.js';
import { records, rawPart } from '../helpers/recording-bytes.js';

async function markersOf(bytes: Uint8Array): Promise<Marker[]> {
  const { events } = await readRecording(bytes);
  const timeline = new TimelineBuilder();
  for (const event of events) timeline.add(event);
  timeline.finish();
  return timeline.markers;
}

const t0 = Date.UTC(2026, 0, 1, 8);
const meta = (index: number, atMs: number) => ({ index: BigInt(index), time: timestampOfMs(t0 + atMs), clusterName: 'c' });

/** One shared-directory operation: [ms, read or write, path, offset, length, failed?, directory id]. */
type Operation = [atMs: number, kind: 'read' | 'write', path: string, offset: number, length: number, failed?: boolean, directoryId?: number];

/** A recording of a screen at time 0, then the operations. */
async function transfersOf(operations: Operation[]): Promise<Marker[]> {
  const payloads = [
    encodeAuditEvent({ case: 'desktopRecording', value: { metadata: meta(0, 0), message: encodeTdp({ kind: 'screenSpec', width: 800, height: 600 }), delayMilliseconds: 0n } }),
    ...operations.map(([atMs, kind, path, offset, length, failed, directoryId = 1], index) => {
      const value = { metadata: meta(index + 1, atMs), path, offset: BigInt(offset), length, directoryId, directoryName: 'Shared', status: failed ? { success: false, error: 'access denied' } : { success: true } };
      return encodeAuditEvent(kind === 'read' ? { case: 'desktopSharedDirectoryRead', value } : { case: 'desktopSharedDirectoryWrite', value });
    }),
  ];
  return markersOf(rawPart(records(payloads)));
}

/** Each marker as [first ms, path, direction or failure, operations, bytes, last ms]. */
const shape = (markers: Marker[]) =>
  markers.map((m) => (m.transfer ? [m.timeMs, m.transfer.path, m.transfer.direction, m.transfer.count, m.transfer.bytes, m.transfer.endMs] : [m.timeMs, m.detail.path, 'failed']));

const chunks = (atMs: number, kind: 'read' | 'write', path: string, sizes: number[], stepMs = 10, offset = 0): Operation[] =>
  sizes.map((size, index) => {
    const operation: Operation = [atMs + index * stepMs, kind, path, offset, size];
    offset += size;
    return operation;
  });

describe('shared-directory transfers', () => {
  test('the 2-minute sample: report.pdf read in 10 chunks is one marker, with the chunks in it', async () => {
    const markers = await markersOf(new Uint8Array(readFileSync('demo/recordings/6c0e1e5a-8d6b-4a51-9a0c-2f4b1c7d0720.tar')));
    const transfers = markers.filter((m) => m.transfer);
    assert.equal(transfers.length, 1);
    const [marker] = transfers;
    const transfer = marker!.transfer!;
    assert.equal(transfer.path, 'C:\\Users\\alice\\Shared\\report.pdf');
    assert.equal(transfer.direction, 'read');
    assert.equal(transfer.count, 10);
    assert.equal(transfer.bytes, 4096 + 8 * 65536 + 56872);
    assert.deepEqual([transfer.startMs, transfer.endMs], [25715, 25861]);
    assert.deepEqual(transfer.operations.map((o) => o.detail.offset), [0, 4096, 69632, 135168, 200704, 266240, 331776, 397312, 462848, 528384]);
    assert.equal(marker!.type, 'desktop.directory.read');
    assert.equal(marker!.code, 'TDP05I');
    assert.equal(marker!.label, 'File read: C:\\Users\\alice\\Shared\\report.pdf (585256 bytes in 10 reads)');
    assert.equal(markerLabel(marker!, en, String), 'report.pdf — read 572 KB in 10 reads, 0:25–0:25');
    assert.equal(markerLabel(marker!, de, (value) => value.toLocaleString('de')), 'report.pdf — 572 KB gelesen, 0:25–0:25');
    // Everything else stays as it was: 14 markers before grouping, 10 reads became one.
    assert.equal(markers.length, 14 - 9);
  });

  test('the 90-second sample: 5 reads of report.pdf, one transfer of 226 KB', async () => {
    const markers = await markersOf(new Uint8Array(readFileSync('demo/recordings/9a7f3c21-0b4e-4f8a-8c3d-5e6f7a8b1080.tar')));
    assert.deepEqual(shape(markers.filter((m) => m.transfer)), [[25253, 'C:\\Users\\alice\\Shared\\report.pdf', 'read', 5, 231486, 25324]]);
    assert.equal(markerLabel(markers.find((m) => m.transfer)!, en, String), 'report.pdf — read 226 KB in 5 reads, 0:25–0:25');
  });

  test('a single read stays a marker of one operation, labelled as before', async () => {
    const [marker] = await transfersOf([[1000, 'read', 'a.txt', 5, 10]]);
    assert.equal(marker!.label, 'File read: a.txt (10 bytes at offset 5)');
    assert.deepEqual(shape([marker!]), [[1000, 'a.txt', 'read', 1, 10, 1000]]);
  });

  test('a pause longer than the gap starts a new transfer; one within it does not', async () => {
    const markers = await transfersOf([
      ...chunks(1000, 'read', 'a.bin', [100, 100]),
      [1010 + TRANSFER_GAP_MS, 'read', 'a.bin', 200, 100],
      [1011 + 2 * TRANSFER_GAP_MS, 'read', 'a.bin', 300, 100],
    ]);
    assert.deepEqual(shape(markers), [
      [1000, 'a.bin', 'read', 3, 300, 1010 + TRANSFER_GAP_MS],
      [1011 + 2 * TRANSFER_GAP_MS, 'a.bin', 'read', 1, 100, 1011 + 2 * TRANSFER_GAP_MS],
    ]);
  });

  test('overlapping offsets (a chunk read again) join; a hole in the offsets starts a new transfer', async () => {
    const markers = await transfersOf([
      [0, 'read', 'a.bin', 0, 4096],
      [10, 'read', 'a.bin', 0, 4096],
      [20, 'read', 'a.bin', 2048, 4096],
      [30, 'read', 'a.bin', 6144, 100],
      [40, 'read', 'a.bin', 100_000, 100],
    ]);
    assert.deepEqual(shape(markers), [
      [0, 'a.bin', 'read', 4, 4096 * 3 + 100, 30],
      [40, 'a.bin', 'read', 1, 100, 40],
    ]);
  });

  test('interleaved files, reads and writes of one path, and the same path in two directories stay apart', async () => {
    const markers = await transfersOf([
      [0, 'read', 'a.bin', 0, 10],
      [1, 'read', 'b.bin', 0, 20],
      [2, 'write', 'a.bin', 0, 30],
      [3, 'read', 'a.bin', 0, 40, false, 2],
      [4, 'read', 'a.bin', 10, 10],
      [5, 'read', 'b.bin', 20, 20],
      [6, 'write', 'a.bin', 30, 30],
      [7, 'read', 'a.bin', 40, 40, false, 2],
    ]);
    assert.deepEqual(shape(markers), [
      [0, 'a.bin', 'read', 2, 20, 4],
      [1, 'b.bin', 'read', 2, 40, 5],
      [2, 'a.bin', 'write', 2, 60, 6],
      [3, 'a.bin', 'read', 2, 80, 7],
    ]);
    assert.equal(markers[2]!.label, 'File written: a.bin (60 bytes in 2 writes)');
    assert.equal(markerLabel(markers[2]!, en, String), 'a.bin — wrote 60 bytes in 2 writes, 0:00–0:00');
    assert.equal(markerLabel(markers[2]!, de, String), 'a.bin — 60 Byte geschrieben, 0:00–0:00');
  });

  test('a failure stays a marker of its own (an alert) and ends the transfer of its file', async () => {
    const markers = await transfersOf([...chunks(0, 'write', 'out.docx', [100, 100]), [20, 'write', 'out.docx', 200, 0, true], [30, 'write', 'out.docx', 200, 100]]);
    assert.deepEqual(shape(markers), [
      [0, 'out.docx', 'write', 2, 200, 10],
      [20, 'out.docx', 'failed'],
      [30, 'out.docx', 'write', 1, 100, 30],
    ]);
    assert.equal(markers[1]!.label, 'File write failed: out.docx (access denied)');
  });

  test('seeded random operations: every operation is in exactly one marker, bytes add up, transfers never span a gap', async () => {
    for (const seed of [1, 2, 3]) {
      const random = new Prng(seed);
      const operations: Operation[] = [];
      let atMs = 0;
      const offsets = new Map<string, number>();
      for (let i = 0; i < 300; i++) {
        atMs += random.nextUint32() % 3 === 0 ? random.nextUint32() % (3 * TRANSFER_GAP_MS) : random.nextUint32() % 50;
        const path = `f${random.nextUint32() % 4}.bin`;
        const kind = random.nextUint32() % 2 ? 'read' : 'write';
        const key = `${kind}${path}`;
        const offset = random.nextUint32() % 8 === 0 ? random.nextUint32() % 1_000_000 : (offsets.get(key) ?? 0);
        const length = 1 + (random.nextUint32() % 65536);
        offsets.set(key, offset + length);
        operations.push([atMs, kind, path, offset, length, random.nextUint32() % 25 === 0]);
      }
      const markers = await transfersOf(operations);
      const grouped = markers.flatMap((m) => (m.transfer ? m.transfer.operations : [m]));
      assert.equal(grouped.length, operations.length, `seed ${seed}`);
      assert.deepEqual(grouped.map((m) => m.timeMs).sort((a, b) => a - b), operations.map(([ms]) => ms), `seed ${seed}`);
      for (const { transfer } of markers) {
        if (!transfer) continue;
        assert.equal(transfer.bytes, transfer.operations.reduce((sum, o) => sum + Number(o.detail.length), 0));
        assert.ok(transfer.operations.every((o) => o.detail.path === transfer.path && o.type === `desktop.directory.${transfer.direction}`));
        for (let i = 1; i < transfer.operations.length; i++) assert.ok(transfer.operations[i]!.timeMs - transfer.operations[i - 1]!.timeMs <= TRANSFER_GAP_MS);
      }
    }
  });

  test('file names and sizes as labels show them', () => {
    assert.equal(fileName('C:\\Users\\alice\\Shared\\report.pdf'), 'report.pdf');
    assert.equal(fileName('docs/q3/plan.txt'), 'plan.txt');
    assert.equal(fileName('plain'), 'plain');
    assert.deepEqual(sizeIn(1), [1, 'bytes']);
    assert.deepEqual(sizeIn(1023), [1023, 'bytes']);
    assert.deepEqual(sizeIn(1536), [1.5, 'KB']);
    assert.deepEqual(sizeIn(804_744), [786, 'KB']);
    assert.deepEqual(sizeIn(5 * 1024 ** 3), [5, 'GB']);
  });
});
