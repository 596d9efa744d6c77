import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { ByteCache } from '../../src/core/feeds/byte-cache.js';
import { readFrontByRanges } from '../../src/core/feeds/front-reads.js';
import { loopbackUrl } from '../helpers/loopback.js';

/** 3 MiB of seeded bytes: the first range (1 MiB) and at least one more. */
const file = new Uint8Array(3 * 1024 * 1024);
for (let i = 0, x = 0x5eed; i < file.length; i++) file[i] = (x = (Math.imul(x, 1103515245) + 12345) >>> 0) >>> 24;
const FIRST_RANGE = 1024 * 1024;

describe('readFrontByRanges: the download in order', () => {
  let server: Server;
  let url: string;
  /** The ranges asked for, in order of arrival at the server. */
  const asked: string[] = [];
  let onAsked: () => void = () => {};

  before(async () => {
    server = createServer((request, response) => {
      const range = /^bytes=(\d+)-(\d+)$/.exec(request.headers.range ?? '');
      if (!range) {
        response.writeHead(400).end();
        return;
      }
      asked.push(request.headers.range!);
      onAsked();
      const start = Number(range[1]);
      const end = Math.min(file.length - 1, Number(range[2]));
      response.writeHead(206, { 'content-range': `bytes ${start}-${end}/${file.length}`, 'content-length': end + 1 - start });
      response.end(file.subarray(start, end + 1));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `${loopbackUrl(server)}/file`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const cacheOf = () => new ByteCache(async () => new Uint8Array(0), file.length);

  test('asks for the next range once the reader has taken half of the current one, and gives every byte once, in order', async () => {
    asked.length = 0;
    const requested: number[] = [];
    const pieces = readFrontByRanges(url, cacheOf(), new AbortController().signal, { turn: () => undefined, requested: (end) => requested.push(end) });
    let taken = 0;
    // Up to half of the first range: only it was asked for.
    while (taken < FIRST_RANGE / 2 - 64 * 1024) taken += (await pieces.next()).value!.length;
    assert.deepEqual(requested, [FIRST_RANGE]);
    const secondAsked = new Promise<void>((resolve) => (onAsked = () => asked.length === 2 && resolve()));
    while (taken < FIRST_RANGE / 2) taken += (await pieces.next()).value!.length;
    // Past half: the second range is asked for before the reader takes the rest of the first.
    assert.equal(requested.length, 2);
    assert.equal(requested[0], FIRST_RANGE);
    await secondAsked;
    assert.equal(asked[1], `bytes=${FIRST_RANGE}-${requested[1]! - 1}`);
    const received: Uint8Array[] = [];
    for (let result = await pieces.next(); !result.done; result = await pieces.next()) received.push(result.value);
    const rest = Buffer.concat(received);
    assert.equal(taken + rest.length, file.length);
    assert.ok(Buffer.from(file.subarray(taken)).equals(rest), 'the bytes in order');
    // Ranges end to end: each starts where the one before ended.
    const spans = asked.map((range) => /^bytes=(\d+)-(\d+)$/.exec(range)!.slice(1).map(Number) as [number, number]);
    spans.forEach(([start], i) => assert.equal(start, i === 0 ? 0 : spans[i - 1]![1] + 1, asked.join(', ')));
    assert.equal(spans.at(-1)![1], file.length - 1);
  });

  test('while a seek reads, nothing is asked ahead: the next range waits for its turn', async () => {
    asked.length = 0;
    const requested: number[] = [];
    let seekReading: Promise<void> | undefined;
    const pieces = readFrontByRanges(url, cacheOf(), new AbortController().signal, { turn: () => seekReading, requested: (end) => requested.push(end) });
    let taken = (await pieces.next()).value!.length;
    // A seek starts reading parts out of order.
    let seekDone!: () => void;
    seekReading = new Promise<void>((resolve) => (seekDone = resolve));
    while (taken < FIRST_RANGE) taken += (await pieces.next()).value!.length;
    assert.equal(taken, FIRST_RANGE);
    assert.deepEqual(requested, [FIRST_RANGE], 'nothing asked ahead while the seek reads');
    const next = pieces.next();
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(requested, [FIRST_RANGE], 'the next range waits for the seek');
    seekReading = undefined;
    seekDone();
    assert.ok((await next).value!.length > 0);
    assert.equal(requested.length, 2);
    await pieces.return(undefined);
  });
});
