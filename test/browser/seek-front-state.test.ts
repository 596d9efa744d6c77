// A seek issued right after loadedmetadata, when the download in order has given the screen size
// but none of the fast-path updates after it (the RemoteFX header blocks, the first frame): the
// island for it must not be judged or composed without that state (the fast-path decoder that
// indexes its parts loads with the front's first fast-path update). The download in order is held
// first just past the screen size, until the part holding the moment was read, then at the third
// part (test/tools/paced-range-middleware.mjs), so the seek can land only from parts read by range;
// states are waited for, never time.
import { expect } from '@open-wc/testing';
import '../../src/define.js';
import { carriesFastPath } from '../../src/core/fast-path-gate.js';
import { RecordingReader } from '../../src/format/reader.js';
import { nextEvent } from '../helpers/next-event.js';
import { repeatedFastPath } from '../helpers/multipart-recordings.js';
import { REMOTEFX_SAMPLE, expectNoByteTwice, expectScreenAt, loadedWhileHeld, partOffsets } from '../helpers/range-serve.js';

/** The shortest start of `bytes` from which the reader gives the screen size (TDP 31), and no fast-path update yet. */
async function screenSizeOnly(bytes: Uint8Array): Promise<number> {
  for (let length = 64; length < bytes.length; length += 16) {
    const reader = new RecordingReader();
    const { events } = await reader.push(bytes.slice(0, length));
    reader.cancel();
    const sized = events.some(({ event }) => event.case === 'desktopRecording' && event.value.message[0] === 31);
    if (!sized) continue;
    expect(carriesFastPath(events), `the first ${length} bytes give the screen size and no fast-path update`).to.equal(false);
    return length;
  }
  throw new Error('no screen size in the recording');
}

describe('a seek right after loadedmetadata, before the download in order has any fast-path update', () => {
  it('RemoteFX: the island waits for the front\'s first paint (its header blocks), then lands exactly from range reads', async () => {
    const { bytes } = await repeatedFastPath(REMOTEFX_SAMPLE, 4);
    const sizeOnly = await screenSizeOnly(bytes);
    const { served, element, seen } = await loadedWhileHeld(bytes, [sizeOnly, partOffsets(bytes)[2]!]);
    expect(element.duration * 1000, 'the whole duration at loadedmetadata').to.equal(served.durationMs);
    // Two seconds into the last repeat: its first frames cover the screen.
    const target = Math.floor(served.durationMs * 0.75 + 2000) / 1000;
    const seeked = nextEvent(element, 'seeked');
    const partsRead = new Promise<void>((resolve) => element.addEventListener('progress', () => element.buffered.length === 2 && resolve()));
    element.currentTime = target;
    expect([element.currentTime, element.seeking]).to.deep.equal([target, true]);
    // The part holding the moment is read while the front has no fast-path update (it is buffered then).
    await partsRead;
    expect(element.seeking).to.equal(true);
    // The download in order goes on to the third part only: the target comes from range reads or not at all.
    await served.release();
    await seeked;
    expect(element.currentTime).to.equal(target);
    expect(seen.filter((name) => ['seeking', 'waiting', 'seeked', 'error'].includes(name))).to.deep.equal(['seeking', 'waiting', 'seeked']);
    expect(element.buffered.length, 'from 0, and the parts read for the seek').to.equal(2);
    const ranges = (await served.log()).filter((request) => request.range !== null);
    expectNoByteTwice(ranges, bytes.length);
    await expectScreenAt(element, served.bytes, target * 1000, true);
    // The download in order takes over at the target: the same screen.
    const complete = nextEvent(element, 'canplaythrough');
    await served.release();
    await complete;
    await expectScreenAt(element, served.bytes, target * 1000, true);
  });
});
