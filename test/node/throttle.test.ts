import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import { serve, type DemoServer } from '../../src/cli/serve.js';
import { PacedLink, parseRate } from '../../src/cli/throttle.js';
import { loopbackUrl } from '../helpers/loopback.js';

describe('the demo throttle', () => {
  test('parseRate(): bits and bytes per second, and a message for anything else', () => {
    assert.equal(parseRate('20mbit'), 2_500_000);
    assert.equal(parseRate('512kbit'), 64_000);
    assert.equal(parseRate('1.5Mbps'), 187_500);
    assert.equal(parseRate('2mb'), 2_000_000);
    assert.equal(parseRate('100k'), 100_000);
    assert.equal(parseRate('8 mbit/s'), 1_000_000);
    for (const bad of ['', 'fast', '0mbit', '-5mbit', '20 furlongs', '1e99mbit']) assert.match(String(parseRate(bad)), /a rate like 20mbit/, bad);
  });

  test('a link passes bytes at its rate, one sender after another, on a controlled clock', async () => {
    let nowMs = 0;
    const sleeps: number[] = [];
    const link = new PacedLink(16_384, {
      now: () => nowMs,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
    });
    await link.pass(16_384);
    await Promise.all([link.pass(8192), link.pass(8192)]);
    assert.deepEqual(sleeps, [1000, 1500, 2000], 'each waits for what was asked before it');
    nowMs = 10_000;
    await link.pass(1);
    await link.pass(16_384);
    assert.deepEqual(sleeps.slice(3), [1000 + 1000 / 16_384], 'an idle link starts afresh: the one byte passes at once');
  });

  describe('serve --throttle', () => {
    let server: DemoServer;
    let base = '';
    const name = '3b8e5d10-7c2a-4f61-9e0b-15a0c0de0003.tar';
    let file: Uint8Array = new Uint8Array(0);

    before(async () => {
      file = new Uint8Array(await readFile(`demo/recordings/${name}`));
      server = await serve({ recordingsDir: 'demo/recordings', root: process.cwd(), port: 0, host: '127.0.0.1', throttleBytesPerSecond: 50_000_000 });
      base = loopbackUrl(server);
    });
    after(() => new Promise<void>((done) => server.close(() => done())));

    test('paced recordings are the same bytes: whole, a Range, a suffix Range, and with a rate in the URL', async () => {
      const whole = await fetch(`${base}/recordings/${name}`);
      assert.equal(whole.status, 200);
      assert.equal(whole.headers.get('accept-ranges'), 'bytes');
      assert.deepEqual(new Uint8Array(await whole.arrayBuffer()), file);

      const range = await fetch(`${base}/recordings/${name}`, { headers: { range: 'bytes=100000-299999' } });
      assert.equal(range.status, 206);
      assert.equal(range.headers.get('content-range'), `bytes 100000-299999/${file.length}`);
      assert.deepEqual(new Uint8Array(await range.arrayBuffer()), file.subarray(100_000, 300_000));

      const suffix = await fetch(`${base}/recordings/${name}`, { headers: { range: 'bytes=-1000' } });
      assert.deepEqual(new Uint8Array(await suffix.arrayBuffer()), file.subarray(file.length - 1000));

      const asked = await fetch(`${base}/recordings/${name}?throttle=400mbit`);
      assert.deepEqual(new Uint8Array(await asked.arrayBuffer()), file);
    });

    test('a throttle in the URL that is no rate is refused with the reason; a client that goes away ends its download', async () => {
      const bad = await fetch(`${base}/recordings/${name}?throttle=warp9`);
      assert.equal(bad.status, 400);
      assert.match(((await bad.json()) as { error: string }).error, /throttle: a rate like 20mbit/);

      const abort = new AbortController();
      const slow = await fetch(`${base}/recordings/${name}?throttle=80kbit`, { signal: abort.signal });
      const reader = slow.body!.getReader();
      assert.ok((await reader.read()).value!.length > 0);
      abort.abort();
      await assert.rejects(reader.read());
      // The server still answers at once afterwards.
      assert.equal((await fetch(`${base}/recordings/${name}`, { headers: { range: 'bytes=0-0' } })).status, 206);
    });
  });
});
