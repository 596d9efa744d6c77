import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import '../helpers/property-seed.js';
import { create, fromBinary, ScalarType, toBinary, type DescField, type DescMessage, type Message, type UnknownField } from '@bufbuild/protobuf';
import { WireType } from '@bufbuild/protobuf/wire';
import { EnvelopeSchema } from '../../src/gen/teleport/desktop/v1/tdpb_pb.js';
import { OneOfSchema } from '../../src/gen/teleport/legacy/types/events/events_pb.js';
import { timestampToMs } from '../../src/format/events.js';
import { decodeAuditEvent } from '../../src/format/wire/audit-events.js';
import { readDesktopRecordingRecord } from '../../src/format/wire/desktop-recording-record.js';
import { decodeTdpbEnvelope } from '../../src/format/tdp.js';

// The hand-written decoders against @bufbuild/protobuf's fromBinary, the reference: random messages
// of every case built from the schemas' descriptors, merged encodings, unknown fields of every wire
// type at every level, and damaged bytes.

const concat = (...parts: ArrayLike<number>[]) => Uint8Array.from(parts.flatMap((part) => Array.from(part)));

function varint(value: bigint | number): number[] {
  let rest = BigInt(value);
  const bytes: number[] = [];
  while (rest > 0x7fn) {
    bytes.push(Number(rest & 0x7fn) | 0x80);
    rest >>= 7n;
  }
  bytes.push(Number(rest));
  return bytes;
}

const tag = (field: number, wireType: WireType) => varint(field * 8 + wireType);
const lengthDelimited = (field: number, bytes: ArrayLike<number>) => [...tag(field, WireType.LengthDelimited), ...varint(bytes.length), ...Array.from(bytes)];

/** Field numbers no message of either schema uses. */
const unknownNumber = fc.integer({ min: 1000, max: 2 ** 29 - 1 });

/** One unknown field as protobuf-es keeps it (`data` is everything after the tag), groups nested up to 3 deep. */
const { unknownField } = fc.letrec<{ unknownField: UnknownField }>((tie) => ({
  unknownField: fc.oneof(
    { maxDepth: 3, depthIdentifier: 'group' },
    fc.record({ no: unknownNumber, wireType: fc.constant(WireType.Varint), data: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map((v) => Uint8Array.from(varint(v))) }),
    fc.record({ no: unknownNumber, wireType: fc.constant(WireType.Bit64), data: fc.uint8Array({ minLength: 8, maxLength: 8 }) }),
    fc.record({ no: unknownNumber, wireType: fc.constant(WireType.Bit32), data: fc.uint8Array({ minLength: 4, maxLength: 4 }) }),
    fc.record({ no: unknownNumber, wireType: fc.constant(WireType.LengthDelimited), data: fc.uint8Array({ maxLength: 12 }).map((b) => concat(varint(b.length), b)) }),
    fc.tuple(unknownNumber, fc.array(tie('unknownField'), { maxLength: 3 })).map(([no, inner]) => ({
      no,
      wireType: WireType.StartGroup,
      data: concat(...inner.map((f) => concat(tag(f.no, f.wireType), f.data)), tag(no, WireType.EndGroup)),
    })),
  ),
}));

const text = fc.oneof(fc.string({ maxLength: 24 }), fc.string({ unit: 'grapheme', maxLength: 24 }), fc.string({ minLength: 60, maxLength: 90 }));

function scalarArbitrary(type: ScalarType): fc.Arbitrary<unknown> {
  switch (type) {
    case ScalarType.STRING:
      return text;
    case ScalarType.BYTES:
      return fc.uint8Array({ maxLength: 16 });
    case ScalarType.BOOL:
      return fc.boolean();
    case ScalarType.INT32:
      return fc.integer();
    case ScalarType.UINT32:
      return fc.integer({ min: 0, max: 2 ** 32 - 1 });
    case ScalarType.INT64:
      return fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
    case ScalarType.UINT64:
      return fc.bigInt({ min: 0n, max: 2n ** 64n - 1n });
    default:
      throw new Error(`no arbitrary for scalar type ${type}: extend the test with the schema`);
  }
}

function fieldArbitrary(field: DescField): fc.Arbitrary<unknown> {
  switch (field.fieldKind) {
    case 'scalar':
      return scalarArbitrary(field.scalar);
    case 'enum':
      return fc.integer(); // open enums take any int32
    case 'message':
      return messageInit(field.message);
    case 'list':
      if (field.listKind !== 'scalar') throw new Error(`no arbitrary for ${field}`);
      return fc.array(scalarArbitrary(field.scalar), { maxLength: 3 });
    case 'map':
      if (field.mapKind !== 'scalar') throw new Error(`no arbitrary for ${field}`);
      return fc.dictionary(fc.oneof(text, fc.constantFrom('__proto__', 'constructor')), scalarArbitrary(field.scalar), { maxKeys: 3 });
  }
}

/** Init objects for create(): every field of the descriptor, each one possibly absent. */
function messageInit(desc: DescMessage, oneofCase?: DescField): fc.Arbitrary<Record<string, unknown>> {
  const fields = Object.fromEntries(desc.fields.filter((field) => !field.oneof).map((field) => [field.localName, fieldArbitrary(field)]));
  for (const oneof of desc.oneofs) {
    const members = oneofCase ? [oneofCase] : oneof.fields;
    fields[oneof.localName] = fc.oneof(...members.map((member) => fieldArbitrary(member).map((value) => ({ case: member.localName, value }))));
  }
  return fc.record(fields, { requiredKeys: oneofCase ? [oneofCase.oneof!.localName] : [] });
}

/** Gives every message object in the tree unknown fields, taken in turn from `lists`. */
function sprinkleUnknown(message: Message, desc: DescMessage, lists: UnknownField[][], next = { index: 0 }): void {
  if (lists.length === 0) return;
  message.$unknown = lists[next.index++ % lists.length];
  const values = message as unknown as Record<string, unknown>;
  for (const field of desc.fields) {
    if (field.fieldKind !== 'message') continue;
    const oneof = field.oneof && (values[field.oneof.localName] as { case?: string; value?: Message });
    const child = oneof ? (oneof.case === field.localName ? oneof.value : undefined) : (values[field.localName] as Message | undefined);
    if (child) sprinkleUnknown(child, field.message, lists, next);
  }
}

/** Encoded messages of one oneof case: plain, with unknown fields everywhere, and two encodings concatenated (a protobuf merge). */
function encodings(schema: DescMessage, member: DescField): fc.Arbitrary<Uint8Array> {
  const init = messageInit(schema, member);
  const encode = (value: Record<string, unknown>, unknown: UnknownField[][] = []) => {
    const message = create(schema, value);
    sprinkleUnknown(message, schema, unknown);
    return toBinary(schema, message);
  };
  return fc.oneof(
    init.map((value) => encode(value)),
    fc.tuple(init, fc.array(fc.array(unknownField, { maxLength: 3 }), { minLength: 1, maxLength: 4 })).map(([value, unknown]) => encode(value, unknown)),
    fc.tuple(init, messageInit(schema)).map(([first, second]) => concat(encode(first), encode(second))),
  );
}

/** Valid encodings with a few bytes overwritten, then cut at a random point: damage that reaches deep into the decoder. */
function damaged(valid: fc.Arbitrary<Uint8Array>): fc.Arbitrary<Uint8Array> {
  return fc
    .tuple(valid, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 3 }), fc.option(fc.nat()))
    .map(([bytes, edits, cut]) => {
      const copy = bytes.slice(0, cut === null || bytes.length === 0 ? bytes.length : cut % (bytes.length + 1));
      for (const [at, value] of edits) if (copy.length > 0) copy[at % copy.length] = value;
      return copy;
    });
}

const referenceEvent = (bytes: Uint8Array) => {
  const { event } = fromBinary(OneOfSchema, bytes, { readUnknownFields: false });
  return event.case === undefined ? undefined : event;
};
const referenceEnvelope = (bytes: Uint8Array) => fromBinary(EnvelopeSchema, bytes, { readUnknownFields: false });

/** The hand decoder may be stricter than fromBinary (it throws), but never differs and never accepts what fromBinary refuses. */
function agreesOrThrows(decode: (bytes: Uint8Array) => unknown, reference: (bytes: Uint8Array) => unknown, bytes: Uint8Array): void {
  let expected: unknown;
  try {
    expected = reference(bytes);
  } catch {
    assert.throws(() => decode(bytes), Error);
    return;
  }
  let actual: unknown;
  try {
    actual = decode(bytes);
  } catch (error) {
    assert.ok(error instanceof Error);
    return;
  }
  assert.deepStrictEqual(actual, expected);
}

const schemas = [
  { name: 'OneOf.event', schema: OneOfSchema, decode: decodeAuditEvent, reference: referenceEvent },
  { name: 'Envelope.payload', schema: EnvelopeSchema, decode: decodeTdpbEnvelope, reference: referenceEnvelope },
];

for (const { name, schema, decode, reference } of schemas) {
  describe(`${name}: hand decoder against fromBinary`, () => {
    for (const member of schema.oneofs[0]!.fields) {
      test(`${member.localName}: random messages decode equal`, () => {
        fc.assert(fc.property(encodings(schema, member), (bytes) => assert.deepStrictEqual(decode(bytes), reference(bytes))), { numRuns: 60 });
      });
    }

    test('damaged messages decode equal or throw, and throw whenever fromBinary does', () => {
      const anyMember = fc.constantFrom(...schema.oneofs[0]!.fields).chain((member) => encodings(schema, member));
      fc.assert(fc.property(damaged(anyMember), (bytes) => agreesOrThrows(decode, reference, bytes)), { numRuns: 1500 });
    });

    test('random bytes decode equal or throw, and throw whenever fromBinary does', () => {
      fc.assert(fc.property(fc.uint8Array({ maxLength: 48 }), (bytes) => agreesOrThrows(decode, reference, bytes)), { numRuns: 1500 });
    });
  });
}

describe('wire edge cases', () => {
  const desktopRecording = (fields: number[]) => Uint8Array.from(lengthDelimited(69, fields));
  const metadata = (fields: number[]) => desktopRecording(lengthDelimited(1, fields));

  test('64-bit varints: extremes of int64 and uint64, and bits past 64 dropped like fromBinary', () => {
    const print = create(OneOfSchema, {
      event: { case: 'sessionPrint', value: { chunkIndex: -1n, bytes: -(2n ** 63n), delayMilliseconds: 2n ** 63n - 1n, offset: 2n ** 53n + 1n } },
    });
    const read = create(OneOfSchema, { event: { case: 'desktopSharedDirectoryRead', value: { offset: 2n ** 64n - 1n, length: 2 ** 32 - 1 } } });
    for (const message of [print, read]) {
      const bytes = toBinary(OneOfSchema, message);
      assert.deepStrictEqual(decodeAuditEvent(bytes), message.event);
    }
    // A 10-byte varint whose last byte carries bits 64–69: only bit 63 survives.
    const wide = metadata([...tag(1, WireType.Varint), 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7f]);
    assert.deepStrictEqual(decodeAuditEvent(wide), referenceEvent(wide));
    const value = decodeAuditEvent(wide)!.value;
    assert.equal(value.metadata?.index, -(2n ** 63n));
    // A bool is true when any of its 64 bits is set, here only bit 32.
    const interactive = Uint8Array.from(lengthDelimited(10, [...tag(7, WireType.Varint), 0x80, 0x80, 0x80, 0x80, 0x10]));
    const ended = decodeAuditEvent(interactive);
    assert.deepStrictEqual(ended, referenceEvent(interactive));
    assert.ok(ended?.case === 'sessionEnd' && ended.value.interactive);
  });

  test('malformed input throws', () => {
    const cases: [string, Uint8Array][] = [
      ['11-byte varint', metadata([...tag(1, WireType.Varint), ...Array(10).fill(0x80), 0x01])],
      ['truncated varint', Uint8Array.from([...tag(69, WireType.LengthDelimited), 0x80])],
      ['length past the end', Uint8Array.from([...tag(69, WireType.LengthDelimited), 5, 0x08])],
      ['length past the enclosing message', desktopRecording([...tag(2, WireType.LengthDelimited), 9, 1, 2, 3])],
      ['wire type 6', Uint8Array.from([(5 << 3) | 6])],
      ['wire type 7', Uint8Array.from([(5 << 3) | 7])],
      ['field number 0', Uint8Array.from([0x02, 0x00])],
      ['tag of 6 bytes', Uint8Array.from([0x8a, 0x80, 0x80, 0x80, 0x80, 0x00])],
      ['end-group tag outside a group', Uint8Array.from(tag(1000, WireType.EndGroup))],
      ['group ended by another field', Uint8Array.from([...tag(1000, WireType.StartGroup), ...tag(1001, WireType.EndGroup)])],
      ['group never ended', Uint8Array.from([...tag(1000, WireType.StartGroup), ...tag(1001, WireType.Varint), 1])],
      ['fixed64 cut short', Uint8Array.from([...tag(1000, WireType.Bit64), 1, 2, 3])],
      ['known field with another wire type', desktopRecording([...tag(3, WireType.LengthDelimited), 0])],
      ['invalid UTF-8', metadata(lengthDelimited(2, [0xc3, 0x28]))],
    ];
    for (const [label, bytes] of cases) assert.throws(() => decodeAuditEvent(bytes), Error, label);
  });

  test('unknown groups nest up to 64 deep', () => {
    const nested = (depth: number) => Uint8Array.from([
      ...Array.from({ length: depth }, () => tag(1000, WireType.StartGroup)).flat(),
      ...Array.from({ length: depth }, () => tag(1000, WireType.EndGroup)).flat(),
    ]);
    assert.equal(decodeAuditEvent(nested(64)), undefined);
    assert.throws(() => decodeAuditEvent(nested(65)), /deeper than 64/);
  });

  test('a map key "__proto__" is an own property', () => {
    const entry = [...lengthDelimited(1, Array.from(new TextEncoder().encode('__proto__'))), ...lengthDelimited(2, [0x78])];
    const bytes = Uint8Array.from(lengthDelimited(59, lengthDelimited(10, entry)));
    const event = decodeAuditEvent(bytes);
    assert.deepStrictEqual(event, referenceEvent(bytes));
    assert.ok(event?.case === 'windowsDesktopSessionStart' && Object.hasOwn(event.value.desktopLabels, '__proto__'));
    assert.equal(Object.getPrototypeOf(event.value.desktopLabels), Object.prototype);
  });

  test('bytes fields are views into the payload, not copies', () => {
    const bytes = toBinary(OneOfSchema, create(OneOfSchema, { event: { case: 'desktopRecording', value: { message: new Uint8Array([2, 1, 2, 3]) } } }));
    const event = decodeAuditEvent(bytes);
    assert.ok(event?.case === 'desktopRecording');
    assert.equal(event.value.message.buffer, bytes.buffer);
  });

  test('short strings of one length decode right one after another (the recent-string cache)', () => {
    for (const type of ['desktop.recording', 'desktop.recordinh', 'désktop.recordin', 'desktop.recording']) {
      const bytes = toBinary(OneOfSchema, create(OneOfSchema, { event: { case: 'desktopRecording', value: { metadata: { type } } } }));
      const event = decodeAuditEvent(bytes);
      assert.equal(event?.value.metadata?.type, type);
    }
  });
});

describe('DesktopRecording records read lean, against fromBinary', () => {
  const recordingMember = OneOfSchema.oneofs[0]!.fields.find((field) => field.localName === 'desktopRecording')!;
  /** What the player reads of a record: the lean read when it takes the record, else the full decoder; the lean value as a plain message. */
  const readRecord = (bytes: Uint8Array) => {
    const lean = readDesktopRecordingRecord(bytes, 0, bytes.length);
    if (!lean) return decodeAuditEvent(bytes);
    const { metadata } = lean;
    return {
      case: 'desktopRecording',
      value: { $typeName: lean.$typeName, ...(metadata && { metadata }), message: lean.message, delayMilliseconds: lean.delayMilliseconds, tdpbMessage: lean.tdpbMessage },
    };
  };
  /** The index and time the reader takes from a lean record are those of its decoded metadata. */
  const sameKeys = (bytes: Uint8Array) => {
    const lean = readDesktopRecordingRecord(bytes, 0, bytes.length);
    if (!lean) return;
    const reference = referenceEvent(bytes);
    assert.ok(reference?.case === 'desktopRecording');
    assert.equal(lean.index, Number(reference.value.metadata?.index ?? 0n));
    assert.equal(lean.timeMs, timestampToMs(reference.value.metadata?.time));
    assert.equal(lean.delayMs, Number(reference.value.delayMilliseconds));
  };

  test('random records read equal, merged and with unknown fields too', () => {
    fc.assert(fc.property(encodings(OneOfSchema, recordingMember), (bytes) => {
      assert.deepStrictEqual(readRecord(bytes), referenceEvent(bytes));
      sameKeys(bytes);
    }), { numRuns: 400 });
  });

  test('the usual record (small index, time, delay, a message) is read lean, inside a larger buffer', () => {
    const event = create(OneOfSchema, {
      event: { case: 'desktopRecording', value: { metadata: { index: 7n, type: 'desktop.recording', time: { seconds: 1_700_000_000n, nanos: 250_000_000 }, clusterName: 'c' }, message: Uint8Array.of(3, 0, 0, 0, 1, 0, 0, 0, 2), delayMilliseconds: 1234n } },
    });
    const record = toBinary(OneOfSchema, event);
    const buffer = concat([9, 9, 9], record, [9, 9]);
    const lean = readDesktopRecordingRecord(buffer, 3, 3 + record.length);
    assert.ok(lean);
    assert.deepEqual([lean.index, lean.timeMs, lean.delayMs, Array.from(lean.message)], [7, 1_700_000_000_250, 1234, [3, 0, 0, 0, 1, 0, 0, 0, 2]]);
    assert.equal(lean.message.buffer, buffer.buffer, 'the message is a view, not a copy');
    assert.deepStrictEqual(lean.metadata, (event.event.value as { metadata: unknown }).metadata);
  });

  test('what the lean read leaves to the full decoder: negative and huge integers, merged metadata, other events', () => {
    const recording = (value: Record<string, unknown>) => toBinary(OneOfSchema, create(OneOfSchema, { event: { case: 'desktopRecording', value } }));
    const left = [
      recording({ delayMilliseconds: -1n }),
      recording({ metadata: { index: 2n ** 53n } }),
      recording({ metadata: { time: { seconds: -5n } } }),
      concat(recording({ metadata: { index: 1n } }), recording({ metadata: { type: 'x' } })),
      toBinary(OneOfSchema, create(OneOfSchema, { event: { case: 'sessionStart', value: {} } })),
      Uint8Array.from([...tag(69, WireType.LengthDelimited), 0x80]),
    ];
    for (const bytes of left) assert.equal(readDesktopRecordingRecord(bytes, 0, bytes.length), undefined);
  });

  test('damaged and random bytes read equal or throw, and throw whenever fromBinary does', () => {
    fc.assert(fc.property(damaged(encodings(OneOfSchema, recordingMember)), (bytes) => agreesOrThrows(readRecord, referenceEvent, bytes)), { numRuns: 1500 });
    fc.assert(fc.property(fc.uint8Array({ maxLength: 48 }), (bytes) => agreesOrThrows(readRecord, referenceEvent, bytes)), { numRuns: 1500 });
  });
});
