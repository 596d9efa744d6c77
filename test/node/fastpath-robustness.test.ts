import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import '../helpers/property-seed.js';
import { FastPathDecoder } from '../../src/core/fastpath/index.js';
import type { FastPathOutput } from '../../src/core/fastpath/index.js';
import { Bytes, Fragment, UpdateCode, bitmapUpdate, concat, fpPdu, fpUpdate, fragmentedPdus, pduOf } from '../fixtures/rdp/build.js';
import { readCapture } from '../fixtures/rdp/captures.js';

/** The updates of a PDU (one header byte, 1- or 2-byte length, then updates without compression). */
function updatesOf(pdu: Uint8Array): { code: number; fragmentation: number; data: Uint8Array }[] {
  let at = pdu[1]! & 0x80 ? 3 : 2;
  const updates = [];
  while (at < pdu.length) {
    const header = pdu[at]!;
    const size = pdu[at + 1]! | (pdu[at + 2]! << 8);
    updates.push({ code: header & 0x0f, fragmentation: (header >> 4) & 3, data: pdu.subarray(at + 3, at + 3 + size) });
    at += 3 + size;
  }
  return updates;
}

/** Every fragment chain of a capture, joined: [index of its FIRST PDU, update code, whole data]. */
function chains(pdus: Uint8Array[]): [number, number, Uint8Array][] {
  const found: [number, number, Uint8Array][] = [];
  let open: { first: number; code: number; parts: Uint8Array[] } | undefined;
  pdus.forEach((pdu, index) => {
    for (const { code, fragmentation, data } of updatesOf(pdu)) {
      if (fragmentation === Fragment.First) open = { first: index, code, parts: [data] };
      else if (fragmentation !== Fragment.Single) open!.parts.push(data);
      if (fragmentation === Fragment.Last) found.push([open!.first, open!.code, concat(...open!.parts)]);
    }
  });
  return found;
}

const noInternalErrors = (output: FastPathOutput, what: string) => {
  for (const error of output.errors) assert.doesNotMatch(error, /^internal:/, what);
  assert.match(output.errors.join('\n'), /^((truncated|malformed|unsupported|too-large): .*\n?)*$/, what);
};

const screenOf = (decoder: FastPathDecoder) => Buffer.from(decoder.framebuffer.pixels);

describe('fragment reassembly', () => {
  test('a capture refragmented at any size draws the same screen', () => {
    const pdus = readCapture('shadow-planar32');
    const [[first, code, whole]] = chains(pdus) as [[number, number, Uint8Array]];
    const chainEnd = pdus.findIndex((pdu, index) => index > first && ((pdu[pdu[1]! & 0x80 ? 3 : 2]! >> 4) & 3) === Fragment.Last);
    const reference = new FastPathDecoder(1024, 768);
    for (const pdu of pdus.slice(0, chainEnd + 1)) reference.push(pdu);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20000 }), (chunk) => {
        const decoder = new FastPathDecoder(1024, 768);
        for (const pdu of pdus.slice(0, first)) decoder.push(pdu);
        const outputs = fragmentedPdus(code, whole, chunk).map((pdu) => decoder.push(pdu));
        assert.ok(outputs.every((output) => output.errors.length === 0));
        assert.ok(outputs.slice(0, -1).every((output) => output.dirty.length === 0), 'nothing is drawn before the last fragment');
        assert.ok(screenOf(decoder).equals(screenOf(reference)));
      }),
      { numRuns: 12 },
    );
  });

  test('out-of-order fragments are reported and dropped; a single update inside a run leaves the run open', () => {
    const decoder = new FastPathDecoder(16, 16);
    const white = bitmapUpdate([{ left: 0, top: 0, width: 2, height: 2, bpp: 32, compressed: false, data: new Uint8Array(16).fill(255) }]);
    const [first, last] = fragmentedPdus(UpdateCode.Bitmap, white, 20);
    assert.match(decoder.push(last!).errors.join(), /^malformed: bitmap update: last fragment without a first$/);
    assert.match(decoder.push(pduOf(UpdateCode.Bitmap, white.subarray(0, 4), { fragmentation: Fragment.Next })).errors.join(), /next fragment without a first/);

    assert.deepEqual(decoder.push(first!).errors, []);
    assert.equal(decoder.inFragment, true);
    assert.deepEqual(decoder.push(pduOf(UpdateCode.PointerHidden, new Uint8Array(0))).pointer, { kind: 'hidden' });
    assert.equal(decoder.inFragment, true);
    const done = decoder.push(last!);
    assert.deepEqual(done.errors, []);
    assert.deepEqual(done.dirty, [{ x: 0, y: 0, width: 2, height: 2 }]);
    assert.equal(decoder.inFragment, false);

    decoder.push(first!);
    assert.match(decoder.push(first!).errors.join(), /malformed: bitmap update: fragment run dropped, a new one began/);
    assert.match(decoder.push(pduOf(UpdateCode.SurfaceCommands, new Uint8Array(2), { fragmentation: Fragment.Last })).errors.join(), /inside a bitmap fragment run; both dropped/);
    assert.equal(decoder.inFragment, false);
    assert.match(decoder.push(last!).errors.join(), /last fragment without a first/);

    decoder.push(first!);
    decoder.reset(8, 8);
    assert.equal(decoder.inFragment, false, 'reset drops an open run');
  });

  test('a run larger than a screenful of pixels is refused without growing past it', () => {
    const decoder = new FastPathDecoder(16, 16);
    const chunk = new Uint8Array(16000);
    decoder.push(pduOf(UpdateCode.Bitmap, chunk, { fragmentation: Fragment.First }));
    let refused: string[] = [];
    for (let i = 0; i < 80 && refused.length === 0; i++) refused = decoder.push(pduOf(UpdateCode.Bitmap, chunk, { fragmentation: Fragment.Next })).errors;
    assert.match(refused.join(), /^too-large: bitmap update: reassembled fragments exceed \d+ bytes; dropped$/);
    assert.ok(decoder.retainedBytes < 2 * 1024 * 1024);
  });
});

describe('truncated and unsupported input', () => {
  const captured = {
    rfx: readCapture('shadow-rfx'),
    xrdp: readCapture('xrdp-rfx'),
    planar: readCapture('shadow-planar32'),
    interleaved: readCapture('shadow-interleaved16'),
  };
  const samples: [string, Uint8Array][] = [
    ['RemoteFX headers and first fragment', captured.rfx[0]!],
    ['RemoteFX frame', captured.rfx[124]!],
    ['new pointer', captured.rfx[78]!],
    ['cached pointer', captured.rfx[79]!],
    ['synchronize', captured.xrdp[0]!],
    ['RemoteFX frame begin (xrdp)', captured.xrdp[3]!],
    ['planar bitmaps (first fragment)', captured.planar[0]!],
    ['interleaved bitmaps', captured.interleaved.find((pdu) => pdu.length > 200 && pdu.length < 4000 && (pdu[3]! & 0x0f) === 1)!],
  ];

  test('a PDU cut at every length is reported, never thrown, and the decoder goes on', () => {
    for (const [name, pdu] of samples) {
      assert.ok(pdu, name);
      const decoder = new FastPathDecoder(1024, 768);
      for (let length = 0; length < pdu.length; length++) {
        const output = decoder.push(pdu.subarray(0, length));
        assert.ok(output.errors.length >= 1, `${name} cut to ${length} bytes`);
        assert.match(output.errors[0]!, length === 0 || length >= 3 ? /^truncated: fast-path PDU: / : /^truncated/);
        assert.deepEqual(output.dirty, []);
        noInternalErrors(output, `${name} cut to ${length}`);
      }
      assert.equal(decoder.inFragment, false);
    }
  });

  test('updates cut at every length inside a well-formed PDU are reported, never thrown', () => {
    for (const [name, pdu] of samples) {
      const [{ code, fragmentation, data }] = updatesOf(pdu) as [{ code: number; fragmentation: number; data: Uint8Array }];
      if (fragmentation !== Fragment.Single) continue;
      const step = data.length > 1500 ? 7 : 1;
      for (let length = 0; length < data.length; length += length < data.length - 64 ? step : 1) {
        const output = new FastPathDecoder(1024, 768).push(pduOf(code, data.subarray(0, length)));
        noInternalErrors(output, `${name} update cut to ${length}`);
        // Only a trailing frame marker (8 bytes) or a pointer's pad byte may go unnoticed.
        if (length < data.length - 8) assert.ok(output.errors.length >= 1, `${name} update cut to ${length} of ${data.length}`);
      }
    }
  });

  test('bulk-compressed, encrypted, orders and unknown updates are reported as unsupported and skipped', () => {
    const decoder = new FastPathDecoder(16, 16);
    const pixel = bitmapUpdate([{ left: 1, top: 1, width: 1, height: 1, bpp: 32, compressed: false, data: Uint8Array.of(255, 255, 255, 0) }]);
    const mixed = decoder.push(
      fpPdu(
        fpUpdate(UpdateCode.Bitmap, pixel, { compressionFlags: 0x21 }),
        fpUpdate(UpdateCode.Orders, Uint8Array.of(1, 0, 0)),
        fpUpdate(0x7, new Uint8Array(3)),
        fpUpdate(UpdateCode.Bitmap, pixel, { compressionFlags: 0x01 }), // compression type set, PACKET_COMPRESSED not: plain data
        fpUpdate(UpdateCode.PointerPosition, new Bytes().u16(3).u16(4).build()),
        fpUpdate(UpdateCode.PointerHidden, new Uint8Array(0)),
      ),
    );
    assert.deepEqual(mixed.errors, [
      'unsupported: bitmap update: bulk-compressed (MPPC flags 0x21)',
      'unsupported: orders update: drawing orders are not decoded',
      'unsupported: update code 0x7 update: unknown update code',
    ]);
    assert.deepEqual(mixed.dirty, [{ x: 1, y: 1, width: 1, height: 1 }]);
    assert.deepEqual(mixed.pointer, { kind: 'hidden' }, 'the last pointer update of the PDU');
    assert.deepEqual(decoder.push(Uint8Array.of(0x80, 5, 3, 0, 0)).errors, ['unsupported: fast-path PDU: encrypted fast-path PDU']);
    assert.deepEqual(decoder.push(Uint8Array.of(0x03, 0, 5, 0, 0)).errors, ['malformed: fast-path PDU: fpOutputHeader 0x3 is not a fast-path action']);
    assert.deepEqual(decoder.push(Uint8Array.of(0x00, 1)).errors, ['malformed: fast-path PDU: fast-path PDU length 1']);
    const padded = decoder.push(concat(pduOf(UpdateCode.PointerDefault, new Uint8Array(0)), Uint8Array.of(9, 9)));
    assert.deepEqual(padded.errors, ['malformed: fast-path PDU: 2 bytes after its length ignored']);
    assert.deepEqual(padded.pointer, { kind: 'default' });
    // A compressed fragment ends its run.
    decoder.push(pduOf(UpdateCode.Bitmap, pixel.subarray(0, 4), { fragmentation: Fragment.First }));
    decoder.push(fpPdu(fpUpdate(UpdateCode.Bitmap, pixel.subarray(4), { fragmentation: Fragment.Last, compressionFlags: 0x20 })));
    assert.equal(decoder.inFragment, false);
  });

  test('reset() gives a black screen of the new size and refuses impossible sizes', () => {
    const decoder = new FastPathDecoder(4, 4);
    decoder.push(pduOf(UpdateCode.Bitmap, bitmapUpdate([{ left: 0, top: 0, width: 1, height: 1, bpp: 32, compressed: false, data: Uint8Array.of(1, 2, 3, 0) }])));
    decoder.reset(3, 2);
    assert.equal(decoder.framebuffer.width, 3);
    assert.equal(decoder.framebuffer.height, 2);
    assert.deepEqual([...decoder.framebuffer.pixels.subarray(0, 4)], [0, 0, 0, 255]);
    for (const [width, height] of [
      [0, 10],
      [10, 8193],
      [1.5, 2],
      [Number.NaN, 3],
    ]) {
      assert.throws(() => decoder.reset(width!, height!), RangeError);
      assert.throws(() => new FastPathDecoder(width!, height!), RangeError);
    }
  });
});

describe('fuzzing push()', () => {
  const WIDTH = 320;
  const HEIGHT = 200;
  /** What a decoder may hold for a 320×200 screen: see FastPathDecoder.retainedBytes. */
  const MEMORY_BOUND = WIDTH * HEIGHT * 4 + 3 * 4 * Math.max(WIDTH * HEIGHT, 65536) + (1 << 20) + 65536 + 9 * (1 << 20) + 32768;

  // A push that never returns fails the test by its timeout; how fast pushes are is the bench's to measure.
  const check = (decoder: FastPathDecoder, pdu: Uint8Array) => {
    let output: FastPathOutput | undefined;
    assert.doesNotThrow(() => {
      output = decoder.push(pdu);
    });
    noInternalErrors(output!, `fuzz ${Buffer.from(pdu.subarray(0, 64)).toString('hex')}`);
    assert.ok(decoder.retainedBytes <= MEMORY_BOUND, `${decoder.retainedBytes} bytes retained`);
    for (const r of output!.dirty) assert.ok(r.x >= 0 && r.y >= 0 && r.x + r.width <= WIDTH && r.y + r.height <= HEIGHT);
  };

  test('random bytes', () => {
    const decoder = new FastPathDecoder(WIDTH, HEIGHT);
    fc.assert(fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => check(decoder, bytes)), { numRuns: 1500 });
  });

  test('well-framed PDUs of random updates (any code, fragmentation, compression flags)', () => {
    const decoder = new FastPathDecoder(WIDTH, HEIGHT);
    const update = fc
      .record({
        code: fc.integer({ min: 0, max: 15 }),
        fragmentation: fc.integer({ min: 0, max: 3 }),
        compressionFlags: fc.option(fc.integer({ min: 0, max: 255 }), { nil: undefined }),
        data: fc.uint8Array({ maxLength: 400 }),
      })
      .map(({ code, fragmentation, compressionFlags, data }) => fpUpdate(code, data, compressionFlags === undefined ? { fragmentation } : { fragmentation, compressionFlags }));
    fc.assert(fc.property(fc.array(update, { minLength: 1, maxLength: 4 }), (updates) => check(decoder, fpPdu(...updates))), { numRuns: 1500 });
  });

  test('real PDUs with random bytes changed (framing kept or not)', () => {
    const pdus = [...readCapture('shadow-rfx').slice(0, 20), ...readCapture('shadow-planar32').slice(30, 45), ...readCapture('shadow-interleaved16').slice(90, 100), ...readCapture('xrdp-rfx').slice(0, 20)].filter(
      (pdu) => pdu.length < 9000,
    );
    const decoder = new FastPathDecoder(WIDTH, HEIGHT);
    const mutation = fc.record({
      pdu: fc.constantFrom(...pdus),
      edits: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }),
      keepHeader: fc.boolean(),
    });
    fc.assert(
      fc.property(mutation, ({ pdu, edits, keepHeader }) => {
        const bytes = Uint8Array.from(pdu);
        for (const [at, value] of edits) bytes[(keepHeader ? 3 : 0) + (at % (bytes.length - (keepHeader ? 3 : 0)))] = value;
        check(decoder, bytes);
      }),
      { numRuns: 400 },
    );
  });
});
