// The WebAssembly gzip member inflater against Node's zlib (a separate, native implementation):
// the same bytes for any input, level, strategy and split; damage is a `corrupt` error, never a
// crash, a hang or a wrong byte handed out.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { constants, deflateRawSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import '../helpers/property-seed.js';
import { RecordingError } from '../../src/format/errors.js';
import { WasmMemberInflater, wasmInflateAvailable } from '../../src/format/wasm-inflater.js';
import { crc32 } from '../../src/format/fflate-inflater.js';

async function inflateSplit(member: Uint8Array, pieces: number[]): Promise<Uint8Array> {
  const inflater = new WasmMemberInflater();
  const out: Uint8Array[] = [];
  let at = 0;
  for (const size of pieces) {
    if (at >= member.length) break;
    out.push(...(await inflater.push(member.subarray(at, at + size))));
    at += size;
  }
  if (at < member.length) out.push(...(await inflater.push(member.subarray(at))));
  out.push(...(await inflater.finish()));
  return Buffer.concat(out);
}

/** Bytes of a chosen texture: random, text-like with repeats, long runs, or a mix (all deflate paths). */
const payload = fc.oneof(
  fc.uint8Array({ maxLength: 70_000, size: 'max' }),
  fc.array(fc.constantFrom('screen ', 'tile ', 'alice ', '\x00\x00\x00\x00', 'ab', 'x'), { maxLength: 20_000, size: 'max' }).map((words) => Buffer.from(words.join(''))),
  fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 300_000 })).map(([byte, length]) => new Uint8Array(length).fill(byte)),
  fc.array(fc.tuple(fc.uint8Array({ maxLength: 300, size: 'max' }), fc.integer({ min: 1, max: 40 })), { maxLength: 200, size: 'max' }).map((runs) =>
    Buffer.concat(runs.flatMap(([bytes, times]) => Array.from({ length: times }, () => bytes))),
  ),
);

const STRATEGIES = [constants.Z_DEFAULT_STRATEGY, constants.Z_FILTERED, constants.Z_HUFFMAN_ONLY, constants.Z_RLE, constants.Z_FIXED];

describe('WebAssembly gzip member inflater', () => {
  test('compiles here', async () => {
    assert.equal(await wasmInflateAvailable(), true);
  });

  test('inflates exactly what zlib inflates, for any bytes, level (stored blocks included), strategy and split (seeded)', async () => {
    await fc.assert(
      fc.asyncProperty(
        payload,
        fc.integer({ min: 0, max: 9 }),
        fc.constantFrom(...STRATEGIES),
        fc.array(fc.integer({ min: 1, max: 70_000 }), { minLength: 1, maxLength: 12, size: 'max' }),
        async (data, level, strategy, pieces) => {
          const member = gzipSync(data, { level, strategy });
          const inflated = await inflateSplit(member, pieces);
          assert.equal(Buffer.compare(inflated, Buffer.from(data)), 0);
        },
      ),
      { numRuns: 150 },
    );
  });

  test('a member fed one byte at a time resumes inside block headers, codes and stored blocks', async () => {
    const data = Buffer.concat([Buffer.from('hello hello hello '.repeat(300)), Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7919) & 0xff))]);
    for (const level of [0, 1, 9]) {
      const member = gzipSync(data, { level });
      const inflated = await inflateSplit(member, Array.from({ length: member.length }, () => 1));
      assert.equal(Buffer.compare(inflated, data), 0, `level ${level}`);
    }
  });

  test('a stored block after a Huffman block, and a Huffman block after it, come out exact (look-ahead bits dropped)', async () => {
    // Built by hand at byte boundaries: fixed-Huffman blocks ended by a sync flush, a stored block
    // of 0xff bytes (what a decoder that kept stale look-ahead bits would OR into the next header),
    // then a whole compressed stream with the final block.
    const first = Buffer.from('the quick brown fox jumps over the lazy dog; '.repeat(50));
    const stored = Buffer.alloc(3000, 0xff);
    const last = Buffer.from('and then some more text, compressed again. '.repeat(40));
    const storedHeader = Buffer.from([0, stored.length & 0xff, stored.length >> 8, ~stored.length & 0xff, (~stored.length >> 8) & 0xff]);
    const deflated = Buffer.concat([
      deflateRawSync(first, { strategy: constants.Z_FIXED, finishFlush: constants.Z_SYNC_FLUSH }),
      storedHeader,
      stored,
      deflateRawSync(last),
    ]);
    const data = Buffer.concat([first, stored, last]);
    const trailer = Buffer.alloc(8);
    trailer.writeUInt32LE(crc32(data), 0);
    trailer.writeUInt32LE(data.length, 4);
    const member = Buffer.concat([Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]), deflated, trailer]);
    for (const pieces of [[member.length], [4093], [1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233, 377]]) {
      assert.equal(Buffer.compare(await inflateSplit(member, pieces), data), 0, `pieces ${pieces.slice(0, 3).join(', ')}`);
    }
  });

  test('output far past its window (a highly compressible part) comes out whole, in order', async () => {
    const data = Buffer.alloc(5 * 1024 * 1024);
    for (let i = 0; i < data.length; i += 4096) data.write(`block ${i} `, i);
    const inflated = await inflateSplit(gzipSync(data), [64 * 1024]);
    assert.equal(Buffer.compare(inflated, data), 0);
  });

  test('header fields (extra, name, comment, header CRC) are skipped however the header is split', async () => {
    const deflated = deflateRawSync(Buffer.from('the body'));
    const trailer = Buffer.alloc(8);
    trailer.writeUInt32LE(crc32(Buffer.from('the body')), 0);
    trailer.writeUInt32LE(8, 4);
    const header = Buffer.concat([Buffer.from([0x1f, 0x8b, 8, 2 | 4 | 8 | 16, 0, 0, 0, 0, 0, 3]), Buffer.from([3, 0, 1, 2, 3]), Buffer.from('name\0comment\0'), Buffer.from([0xaa, 0xbb])]);
    const member = Buffer.concat([header, deflated, trailer]);
    for (const first of [1, 5, 11, 15, 20, header.length]) {
      assert.equal((await inflateSplit(member, [first, 3])).toString(), 'the body');
    }
  });

  test('bytes after the trailer are ignored (a hidden second member is never decoded)', async () => {
    const member = Buffer.concat([gzipSync('first'), gzipSync('second'), Buffer.alloc(100)]);
    assert.equal((await inflateSplit(member, [7, 9])).toString(), 'first');
  });

  test('a wrong CRC-32 or size in the trailer is damage; a trailer cut short is not', async () => {
    const good = gzipSync(Buffer.from('check me '.repeat(100)));
    for (const at of [good.length - 8, good.length - 1]) {
      const bad = Buffer.from(good);
      bad[at]! ^= 1;
      await assert.rejects(inflateSplit(bad, [good.length]), (error: unknown) => error instanceof RecordingError && error.reason === 'corrupt' && /CRC-32|size/.test(error.message));
    }
    assert.equal((await inflateSplit(good.subarray(0, good.length - 3), [good.length])).toString(), 'check me '.repeat(100));
  });

  test('a member cut inside its DEFLATE stream or its header is `corrupt`', async () => {
    const member = gzipSync(Buffer.from(Array.from({ length: 20_000 }, (_, i) => (i * 31) & 0xff)));
    for (const cut of [3, 12, 200, member.length - 9]) {
      await assert.rejects(inflateSplit(member.subarray(0, cut), [cut]), (error: unknown) => error instanceof RecordingError && error.reason === 'corrupt');
    }
  });

  test('random damage gives `corrupt`, never a crash, a hang or wrong bytes that pass the trailer (seeded)', async () => {
    const data = Buffer.from(Array.from({ length: 40_000 }, (_, i) => ((i * i) >> 5) & 0xff));
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 9 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 6 }),
        async (level, flips) => {
          const member = Buffer.from(gzipSync(data, { level }));
          for (const [at, mask] of flips) member[10 + (at % (member.length - 10))]! ^= mask;
          try {
            const inflated = await inflateSplit(member, [4096]);
            assert.equal(Buffer.compare(inflated, data), 0, 'damage that passes the CRC-32 and size must not change a byte');
          } catch (error) {
            if (!(error instanceof RecordingError)) throw error;
            assert.ok(error instanceof RecordingError && error.reason === 'corrupt', String(error));
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  test('decoders go back to a small pool: thousands of members, finished or cancelled, make at most the pool\'s four', async () => {
    const seen = (globalThis as { WebAssembly: typeof WebAssembly }).WebAssembly;
    const original = seen.instantiate;
    // Count the decoders made; the pool gives the same ones back.
    let made = 0;
    seen.instantiate = (async (...args: Parameters<typeof original>) => {
      made += 1;
      return (original as (...a: unknown[]) => Promise<unknown>)(...args);
    }) as typeof original;
    try {
      const member = gzipSync('x'.repeat(1000));
      for (let i = 0; i < 2000; i++) await inflateSplit(member, [member.length]);
      const open = Array.from({ length: 3 }, () => new WasmMemberInflater());
      for (const inflater of open) await inflater.push(member.subarray(0, 20));
      for (const inflater of open) inflater.cancel();
    } finally {
      seen.instantiate = original;
    }
    assert.ok(made <= 4, `${made} decoders made`);
  });
});
