// While the approximate screen reads parts for a seek that waits (a PNG-era recording whose wallpaper
// is never repainted: the seek itself reads none), the download in order goes on: only a seek's own
// reads go first. The paced Range middleware (test/tools/paced-range-middleware.mjs) holds the
// download, then stalls every range asked past a point, so the preview's reads are certainly under
// way while the download is let go; states are waited for, never time.
import { expect } from '@open-wc/testing';
import '../../src/define.js';
import { nextEvent } from '../helpers/next-event.js';
import { expectNoByteTwice, expectScreenAt, partOffsets, player, rangeStart } from '../helpers/range-serve.js';
import { screenRecording, wallpaperOnceSteps } from '../helpers/screen-recording.js';
import { until } from './element-fixtures.js';

describe('the download in order while a preview reads parts', () => {
  it('goes on while the approximate screen reads (buffered grows), the far seek lands exact, and no byte is fetched twice', async () => {
    const bytes = await screenRecording(await wallpaperOnceSteps(), { partSize: 64 * 1024 });
    const offsets = partOffsets(bytes);
    // Held at the third part; every range asked from 60 % of the file on sends nothing until the stall is let go.
    const stallAt = offsets[Math.floor(offsets.length * 0.6)]!;
    const response = await fetch(`/__paced?rate=${4_000_000}&hold=${offsets[2]}&stall=${stallAt}`, { method: 'POST', body: new Blob([bytes as BlobPart]) });
    const { url } = (await response.json()) as { url: string };
    const log = async () => ((await (await fetch(`${url}/log`)).json()) as Array<{ range: string | null; status: number; bytes: number }>).filter(({ range }) => range !== null);
    const element = await player();
    const metadata = nextEvent(element, 'loadedmetadata');
    element.src = url;
    await metadata;
    await until(() => element.readyState >= 2, 'the first frame is painted');
    expect(stallAt, 'the stall lies past what the download has asked for (its first range, 1 MiB)').to.be.above(1024 * 1024);

    const target = Math.floor(element.duration * 900) / 1000;
    const seeked = nextEvent(element, 'seeked');
    element.currentTime = target;
    // The approximate screen's reads for the target: a range past the stall, asked while the download is held.
    const stalled = async () => (await log()).find(({ range }) => !range!.startsWith('bytes=-') && rangeStart(range!, bytes.length) >= stallAt);
    for (let polls = 0; !(await stalled()); polls++) {
      if (polls === 400) throw new Error('the approximate screen never read parts for the target');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(element.seeking).to.equal(true);
    const heldEdge = element.buffered.end(0);

    // Let the download go: it advances while the preview's read is still under way (nothing of it sent).
    await fetch(`${url}/release`, { method: 'POST' });
    await until(() => element.buffered.end(0) >= heldEdge + 10, 'the download in order goes on while the preview reads', 20_000);
    expect((await stalled())!.bytes, "the preview's read is still under way").to.equal(0);
    expect(element.seeking, 'the seek still waits for the download').to.equal(true);

    await fetch(`${url}/release-stall`, { method: 'POST' });
    await seeked;
    expect(element.currentTime).to.equal(target);
    await expectScreenAt(element, bytes, target * 1000);
    if (element.readyState !== 4) await nextEvent(element, 'canplaythrough');
    expect(element.error).to.equal(null);
    expectNoByteTwice(await log(), bytes.length);
  });
});
