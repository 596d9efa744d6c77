import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import type { DescField, DescMessage } from '@bufbuild/protobuf';
import { TimestampSchema } from '@bufbuild/protobuf/wkt';
import * as tdpbSchema from '../../src/gen/teleport/desktop/v1/tdpb_pb.js';
import * as eventsSchema from '../../src/gen/teleport/legacy/types/events/events_pb.js';

// The hand-written protobuf readers (src/format/wire/) against the schema they mirror (the code
// generated from proto/): a field the schema gains, or a number that moves to another field, fails
// here until the reader follows. Each reader names its message in a `Mirrors` header; its `case N:`
// lines say which field number it reads into which field.

const messages = new Map<string, DescMessage>();
for (const value of [...Object.values(eventsSchema), ...Object.values(tdpbSchema), TimestampSchema]) {
  if (value && typeof value === 'object' && (value as { kind?: string }).kind === 'message') messages.set((value as DescMessage).typeName, value as DescMessage);
}

interface Reader {
  name: string;
  mirrors: string[];
  /** field number → the property it assigns, and the reader it reads a sub-message with */
  cases: Map<number, { property: string; subReader?: string }>;
  /** A reader without cases of its own hands the message to this one. */
  delegate?: string;
}

function readersOf(file: string): Map<string, Reader> {
  const source = readFileSync(file, 'utf8');
  const readers = new Map<string, Reader>();
  const pattern = /\/\*\* Mirrors (.*?) \(.*?\)\. \*\/\nfunction (read\w+)(?:<[^>]*>)?\([^)]*\): \w+ \{\n([\s\S]*?)^\}\n/gm;
  for (const [, mirrored, name, body] of source.matchAll(pattern)) {
    const cases = new Map<number, { property: string; subReader?: string }>();
    // `case N: m.x = …; break;`, or for a message of one field `if (r.field() === N) m.x = …;`
    for (const [, number, action] of [...body!.matchAll(/(?:case (\d+): (.*?)break;|r\.field\(\) === (\d+)\) (.*?;))/g)].map((m) => [m[0], m[1] ?? m[3], m[2] ?? m[4]])) {
      const property = /(?:m\.(\w+)\s*=|r\.mapEntry\(m\.(\w+)|m\.(\w+)\.push)/.exec(action!);
      assert.ok(property, `${name}: case ${number} assigns no field (${action})`);
      cases.set(Number(number), { property: (property[1] ?? property[2] ?? property[3])!, subReader: /r\.message\((read\w+)/.exec(action!)?.[1] });
    }
    const delegate = cases.size === 0 ? /return (read\w+)\(r,/.exec(body!)?.[1] : undefined;
    readers.set(name!, { name: name!, mirrors: [...mirrored!.matchAll(/`([\w.]+)`/g)].map((m) => m[1]!), cases, delegate });
  }
  return readers;
}

const files = ['src/format/wire/metadata.ts', 'src/format/wire/audit-events.ts', 'src/format/wire/tdpb-envelope.ts'];
const readers = new Map(files.flatMap((file) => [...readersOf(file)]));
const casesOf = (reader: Reader): Reader['cases'] => (reader.delegate ? casesOf(readers.get(reader.delegate)!) : reader.cases);

/** A table of oneof members: `N: ['case', readX]`. */
function tableOf(file: string, table: string): Map<number, { name: string; reader: string }> {
  const source = readFileSync(file, 'utf8');
  const body = new RegExp(`const ${table}[^=]*= \\{\\n([\\s\\S]*?)\\n\\};`).exec(source)?.[1];
  assert.ok(body, `${file} has the table ${table}`);
  return new Map([...body.matchAll(/(\d+): \['(\w+)', (read\w+)\]/g)].map((m) => [Number(m[1]), { name: m[2]!, reader: m[3]! }]));
}

describe('hand-written protobuf readers follow the schema', () => {
  test('every reader names a message of the schema, and there is one for every message a reader reaches', () => {
    assert.ok(readers.size >= 35, `${readers.size} readers found`);
    for (const reader of readers.values()) {
      assert.ok(reader.mirrors.length > 0, `${reader.name} names no message`);
      for (const typeName of reader.mirrors) assert.ok(messages.has(typeName), `${reader.name} mirrors ${typeName}, which the schema does not have`);
    }
  });

  test('each reader reads every field of its message, under the same number and name, with the reader of its message type', () => {
    for (const reader of readers.values()) {
      const cases = casesOf(reader);
      for (const typeName of reader.mirrors) {
        const schema = messages.get(typeName)!;
        for (const field of schema.fields as DescField[]) {
          const read = cases.get(field.number);
          assert.ok(read, `${reader.name} does not read ${typeName}.${field.name} = ${field.number}`);
          assert.equal(read.property, field.localName, `${reader.name}: field ${field.number} of ${typeName} is ${field.localName}`);
          if (field.fieldKind === 'message' || (field.fieldKind === 'list' && field.listKind === 'message')) {
            const target = readers.get(read.subReader ?? '');
            assert.ok(target?.mirrors.includes(field.message!.typeName), `${reader.name}: ${typeName}.${field.name} is read with ${read.subReader}, not a reader of ${field.message!.typeName}`);
          }
        }
        for (const number of cases.keys()) {
          assert.ok(schema.fields.some((field) => field.number === number), `${reader.name} reads field ${number}, which ${typeName} does not have`);
        }
      }
    }
  });

  test('the OneOf cases the reader knows are the schema\'s, each read with the reader of its message', () => {
    const oneOf = messages.get('events.OneOf')!;
    for (const [number, member] of tableOf(files[1]!, 'eventMembers')) {
      const field = oneOf.fields.find((f) => f.number === number);
      assert.ok(field, `OneOf has no field ${number}`);
      assert.equal(field.localName, member.name, `OneOf field ${number}`);
      assert.ok(readers.get(member.reader)?.mirrors.includes(field.message!.typeName), `OneOf.${member.name} is read with ${member.reader}`);
    }
  });

  test('every Envelope payload of the schema is read, with the reader of its message', () => {
    const envelope = messages.get('teleport.desktop.v1.Envelope')!;
    const table = tableOf(files[2]!, 'payloadMembers');
    for (const field of envelope.fields) {
      const member = table.get(field.number);
      assert.ok(member, `Envelope.${field.name} = ${field.number} is not read`);
      assert.equal(member.name, field.localName);
      assert.ok(readers.get(member.reader)?.mirrors.includes(field.message!.typeName), `Envelope.${field.name} is read with ${member.reader}`);
    }
    assert.equal(table.size, envelope.fields.length, 'the reader knows no payload the schema lacks');
  });
});
