// A seek whose bytes lie inside a range the download in order has already asked for, but not yet
// received: the seek reads them by ranges of its own at once (its bytes first), instead of waiting
// for that range to stream up to them. The download in order is held partway through its first
// range (test/tools/paced-range-middleware.mjs) and never released before `seeked`, so the seek
// can land only from its own reads; states are waited for, never time.
import { expect } from '@open-wc/testing';
import '../../src/define.js';
import { readRecording } from '../../src/format/reader.js';
import { nextEvent } from '../helpers/next-event.js';
import { repeatedFastPath } from '../helpers/multipart-recordings.js';
import { REMOTEFX_SAMPLE, expectNoByteTwice, expectScreenAt, loadedWhileHeld, partOffsets, rangeStart } from '../helpers/range-serve.js';

describe('a seek whose bytes the download in order has asked for but not received', () => {
  it('RemoteFX: lands exactly while that range is held before them, from its own range reads', async () => {
    const { bytes, periodMs } = await repeatedFastPath(REMOTEFX_SAMPLE, 4);
    const offsets = partOffsets(bytes);
    // Two seconds into the second repeat: its first frames cover the screen.
    const targetMs = periodMs + 2000;
    const holding = (await readRecording(bytes)).events.filter(({ event }) => event.case === 'desktopRecording' && Number(event.value.delayMilliseconds) <= targetMs).at(-1)!;
    const { served, element, seen } = await loadedWhileHeld(bytes, offsets[2]!);
    expect(element.duration * 1000).to.equal(served.durationMs);

    // Seek once the server has sent all it will before the hold: on a busy machine it may still be
    // writing the last bytes before it, which a seek that cuts the range would then never receive.
    for (let polls = 0; ; polls++) {
      const sent = (await served.log()).find(({ range }) => range !== null && /^bytes=0-\d+$/.test(range))?.bytes;
      if (sent === offsets[2]) break;
      if (polls === 800) throw new Error(`the download in order never reached the hold (${sent} of ${offsets[2]} bytes sent)`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    const target = targetMs / 1000;
    const seeked = nextEvent(element, 'seeked');
    element.currentTime = target;
    expect([element.currentTime, element.seeking]).to.deep.equal([target, true]);
    // Never released before seeked: the range that holds the target's part is stuck at the third part.
    await seeked;
    expect(element.currentTime).to.equal(target);
    expect(seen.filter((name) => ['seeking', 'waiting', 'seeked', 'error'].includes(name))).to.deep.equal(['seeking', 'waiting', 'seeked']);
    const log = await served.log();
    const ranges = log.filter((request) => request.range !== null);
    // The download in order had asked for the target's part before the seek: its first range from byte 0 reaches past it.
    const inOrder = ranges.find(({ range }) => /^bytes=0-\d+$/.test(range!))!;
    const inOrderEnd = Number(/-(\d+)$/.exec(inOrder.range!)![1]) + 1;
    expect(inOrderEnd, 'the range asked for in order holds the target\'s part').to.be.above(holding.partOffset);
    expect(inOrder.bytes, 'that range is held at the third part').to.equal(offsets[2]);
    expect(ranges.some(({ range }) => rangeStart(range!, bytes.length) > offsets[2]! && rangeStart(range!, bytes.length) < inOrderEnd), 'the seek read inside that range by its own requests').to.equal(true);
    await expectScreenAt(element, served.bytes, targetMs, true);

    // The download in order goes on after the seek's bytes (those ranges start past the hold) and
    // takes over at the target: the same screen, the whole file, and no byte fetched twice (the held
    // range was cut where it had arrived).
    const complete = element.readyState === 4 ? Promise.resolve() : nextEvent(element, 'canplaythrough');
    await served.release();
    await complete;
    expect(element.error).to.equal(null);
    await expectScreenAt(element, served.bytes, targetMs, true);
    expectNoByteTwice((await served.log()).filter((request) => request.range !== null), bytes.length);
  });
});
