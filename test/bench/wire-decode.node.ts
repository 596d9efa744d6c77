// Record decoding speed in Node: the hand-written wire decoder (decodeAuditEvent) against
// @bufbuild/protobuf's fromBinary, on the record payloads of a sample recording.
// Run: npx tsx test/bench/wire-decode.node.ts [recording.tar]
import { deepStrictEqual } from 'node:assert';
import { readFileSync } from 'node:fs';
import { fromBinary } from '@bufbuild/protobuf';
import { OneOfSchema } from '../../src/gen/teleport/legacy/types/events/events_pb.js';
import { concatBytes } from '../../src/format/bytes.js';
import { RECORD_HEADER_BYTES, headerBytesOf, readUint64 } from '../../src/format/container.js';
import { decodeAuditEvent } from '../../src/format/wire/audit-events.js';
import { createMemberInflater } from '../../src/format/inflate.js';
import { readRecording } from '../../src/format/reader.js';

const ROUNDS = 25;
/** Passes over every payload per timed sample, so one sample lasts a few milliseconds. */
const PASSES = 4;
const file = new Uint8Array(readFileSync(process.argv[2] ?? 'demo/recordings/9a7f3c21-0b4e-4f8a-8c3d-5e6f7a8b1080.tar'));

/** Every record payload of the file: part headers walked, each part inflated, records split. */
async function recordPayloads(bytes: Uint8Array): Promise<Uint8Array[]> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const payloads: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; ) {
    const headerBytes = headerBytesOf(readUint64(view, at));
    const partSize = readUint64(view, at + 8);
    const body = bytes.subarray(at + headerBytes, at + headerBytes + partSize);
    at += headerBytes + partSize + readUint64(view, at + 16);
    const inflater = createMemberInflater('fflate');
    const data = concatBytes([...(await inflater.push(body)), ...(await inflater.finish())]);
    const records = new DataView(data.buffer, data.byteOffset, data.byteLength);
    for (let offset = 0; offset < data.length; ) {
      const length = records.getUint32(offset);
      offset += RECORD_HEADER_BYTES;
      payloads.push(data.subarray(offset, offset + length));
      offset += length;
    }
  }
  return payloads;
}

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
}

/** Median time of one pass over every payload for each decoder, in ms; the decoders take turns, after a warm-up. */
function timePasses(payloads: Uint8Array[], decoders: ((payload: Uint8Array) => unknown)[]): number[] {
  const times = decoders.map((): number[] => []);
  for (let round = 0; round <= ROUNDS; round++) {
    decoders.forEach((decode, which) => {
      const start = performance.now();
      for (let pass = 0; pass < PASSES; pass++) for (const payload of payloads) decode(payload);
      if (round > 0) times[which]!.push((performance.now() - start) / PASSES);
    });
  }
  return times.map(median);
}

const payloads = await recordPayloads(file);
const { events, error } = await readRecording(file, { inflate: 'fflate' });
if (error) throw error;
console.log(`${payloads.length} records (${events.length} events after de-duplication), ${(file.length / 1e6).toFixed(1)} MB file`);

const reference = (payload: Uint8Array) => fromBinary(OneOfSchema, payload, { readUnknownFields: false }).event;
for (const payload of payloads) deepStrictEqual(decodeAuditEvent(payload), reference(payload));

const [referenceMs, handMs] = timePasses(payloads, [reference, decodeAuditEvent]) as [number, number];
const perSecond = (ms: number) => Math.round((payloads.length / ms) * 1000).toLocaleString('en-US');
console.log(`fromBinary:       ${referenceMs.toFixed(2)} ms  ${perSecond(referenceMs)} records/s`);
console.log(`decodeAuditEvent: ${handMs.toFixed(2)} ms  ${perSecond(handMs)} records/s`);
console.log(`ratio: ${(referenceMs / handMs).toFixed(2)}× faster`);
