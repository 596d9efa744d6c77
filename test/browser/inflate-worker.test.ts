// Parts inflated in helper workers, as the player worker does once a download is under way: the
// events are those of parts inflated on the reading thread, byte for byte and in order, whether one
// helper inflates every part or fresh helpers take over every MiB; a damaged gzip member fails the
// same way, after the same events; a helper that cannot start leaves every part to the reading thread.
import { expect } from '@open-wc/testing';
import { concatBytes } from '../../src/format/bytes.js';
import { RecordingWriter } from '../../src/format/writer.js';
import { desktopRecording } from '../helpers/recording-bytes.js';
import { seededRandom } from '../helpers/seeded-random.js';
import type { InflateRequest, InflateRun } from './workers/inflate-helper.worker.js';

function readInWorker(request: InflateRequest, query = ''): Promise<InflateRun> {
  const worker = new Worker(new URL(`./workers/inflate-helper.worker.ts${query}`, import.meta.url), { type: 'module' });
  return new Promise<InflateRun>((resolve, reject) => {
    worker.onmessage = (event: MessageEvent<InflateRun>) => resolve(event.data);
    worker.onerror = (event) => reject(new Error(`worker failed: ${event.message}`));
    worker.postMessage(request);
  }).finally(() => worker.terminate());
}

/**
 * Parts of 512 KiB (compressed) holding about 6 MB of screen messages: seeded bytes, half of each
 * message a run of one byte, so they compress about 2:1 as screen data does.
 */
function seededParts(seed: number): Uint8Array[] {
  const random = seededRandom(seed);
  const writer = new RecordingWriter({ partSize: 512 * 1024 });
  const parts: Uint8Array[] = [];
  for (let i = 0; i < 3000; i++) {
    const message = new Uint8Array(1000 + Math.floor(random() * 2000));
    const noisy = Math.floor(message.length / 2);
    for (let at = 0; at < noisy; at++) message[at] = Math.floor(random() * 256);
    message.fill(Math.floor(random() * 256), noisy);
    message[0] = 2; // a TDP PNG frame's type; the reader does not decode the message
    parts.push(...writer.write(desktopRecording(i, i * 40, message)));
  }
  parts.push(...writer.finish());
  return parts;
}

describe('parts inflated in helper workers', function () {
  this.timeout(60_000);
  const parts = seededParts(15);
  const file = concatBytes(parts);

  it('give the events of parts inflated on the reading thread, one helper inflating every part', async () => {
    const run = await readInWorker({ bytes: file, pieceBytes: 64 * 1024, replaceAfterBytes: 64 * 1024 * 1024 });
    expect(run.ready, 'the helper started').to.equal(true);
    expect(parts.length).to.be.greaterThan(5);
    expect(run.parts).to.equal(parts.length);
    expect(run.helperParts, 'every part inflated in the helper').to.equal(parts.length);
    expect(run.started).to.equal(1);
    expect(run.local.error).to.equal(null);
    expect(run.local.events.length).to.equal(3000);
    expect(run.helper).to.deep.equal(run.local);
  });

  for (const pieceBytes of [10_000, 200_000]) {
    it(`a fresh helper after every MiB of output loses and reorders nothing (pieces of ${pieceBytes} bytes)`, async () => {
      const run = await readInWorker({ bytes: file, pieceBytes, replaceAfterBytes: 1024 * 1024 });
      expect(run.ready).to.equal(true);
      // About 6 MB of output: a helper per MiB or so, each taking over at a part's start.
      expect(run.started).to.be.greaterThan(3);
      expect(run.helperParts).to.equal(parts.length);
      expect(run.local.events.length).to.equal(3000);
      expect(run.helper).to.deep.equal(run.local);
    });
  }

  it('a damaged gzip member (its CRC-32) fails with the same error after the same events', async () => {
    const damaged = parts.map((part) => part.slice());
    const victim = damaged[4]!;
    victim[victim.length - 6]! ^= 0xff; // inside the CRC-32 of the trailer
    const run = await readInWorker({ bytes: concatBytes(damaged), pieceBytes: 64 * 1024, replaceAfterBytes: 1024 * 1024 });
    expect(run.ready).to.equal(true);
    expect(run.helperParts).to.equal(5);
    expect(run.local.error?.reason).to.equal('corrupt');
    expect(run.local.events.length).to.be.greaterThan(0).and.lessThan(3000);
    expect(run.helper).to.deep.equal(run.local);
  });

  it('a helper that cannot start: every part is inflated on the reading thread, the same events', async () => {
    const run = await readInWorker({ bytes: file, pieceBytes: 64 * 1024, replaceAfterBytes: 1024 * 1024 }, '?inflating=broken');
    expect(run.ready).to.equal(false);
    expect(run.helperParts).to.equal(0);
    expect(run.helper).to.deep.equal(run.local);
  });
});
