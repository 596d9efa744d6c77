// While a preview reads parts for a moment past what has arrived (the approximate screen of a seek
// that waits, a hover thumbnail), the download in order goes on: only a seek's own reads go first.
// The recording is PNG-era with a wallpaper painted once, so a seek reads no parts of its own. The
// paced Range middleware (test/tools/paced-range-middleware.mjs) holds the download, then stalls
// every range asked past a point, so the preview's read is certainly under way while the download is
// let go; states are waited for, never time.
import { expect, fixture, html } from '@open-wc/testing';
import { resetMouse, sendMouse } from '@web/test-runner-commands';
import '../../src/define.js';
import type { DesktopRecordingPlayer } from '../../src/index.js';
import { nextEvent } from '../helpers/next-event.js';
import { expectNoByteTwice, expectScreenAt, partOffsets, rangeStart } from '../helpers/range-serve.js';
import { screenRecording, wallpaperOnceSteps } from '../helpers/screen-recording.js';
import { part, until } from './element-fixtures.js';

type LogEntry = { range: string | null; status: number; bytes: number };

/**
 * The recording served at 4 MB/s, the download in order held at its third part, and every range
 * asked from 60 % of the file on stalled; a player with controls loaded to its first frame.
 */
async function stalledLoad() {
  const bytes = await screenRecording(await wallpaperOnceSteps(), { partSize: 64 * 1024 });
  const offsets = partOffsets(bytes);
  const stallAt = offsets[Math.floor(offsets.length * 0.6)]!;
  const response = await fetch(`/__paced?rate=${4_000_000}&hold=${offsets[2]}&stall=${stallAt}`, { method: 'POST', body: new Blob([bytes as BlobPart]) });
  const { url } = (await response.json()) as { url: string };
  const log = async () => ((await (await fetch(`${url}/log`)).json()) as LogEntry[]).filter(({ range }) => range !== null);
  const element = await fixture<DesktopRecordingPlayer>(html`<desktop-recording-player controls style="width: 640px"></desktop-recording-player>`);
  const metadata = nextEvent(element, 'loadedmetadata');
  element.src = url;
  await metadata;
  await until(() => element.readyState >= 2, 'the first frame is painted');
  expect(stallAt, 'the stall lies past what the download has asked for (its first range, 1 MiB)').to.be.above(1024 * 1024);
  /** The preview's read past the stall, once asked (the download is held before it). */
  const stalled = async () => (await log()).find(({ range }) => !range!.startsWith('bytes=-') && rangeStart(range!, bytes.length) >= stallAt);
  return {
    bytes,
    element,
    log,
    /** Waits for a preview's read past the stall, then lets the download go: it must advance while that read sends nothing. */
    async downloadGoesOnWhilePreviewReads(what: string): Promise<void> {
      await until(async () => (await stalled()) !== undefined, `${what} reads parts`, 20_000);
      const heldEdge = element.buffered.end(0);
      await fetch(`${url}/release`, { method: 'POST' });
      await until(() => element.buffered.end(0) >= heldEdge + 10, `the download in order goes on while ${what} reads`, 20_000);
      expect((await stalled())!.bytes, `${what}'s read is still under way`).to.equal(0);
      await fetch(`${url}/release-stall`, { method: 'POST' });
    },
  };
}

describe('the download in order while a preview reads parts', () => {
  afterEach(() => resetMouse());

  it('goes on while the approximate screen reads (buffered grows), the far seek lands exact, and no byte is fetched twice', async () => {
    const { bytes, element, log, downloadGoesOnWhilePreviewReads } = await stalledLoad();
    const target = Math.floor(element.duration * 900) / 1000;
    const seeked = nextEvent(element, 'seeked');
    element.currentTime = target;
    await downloadGoesOnWhilePreviewReads('the approximate screen');
    await seeked;
    expect(element.currentTime).to.equal(target);
    await expectScreenAt(element, bytes, target * 1000);
    if (element.readyState !== 4) await nextEvent(element, 'canplaythrough');
    expect(element.error).to.equal(null);
    expectNoByteTwice(await log(), bytes.length);
  });

  it('goes on while a hover thumbnail reads parts for a moment not loaded, and the load completes with no byte fetched twice', async () => {
    const { bytes, element, log, downloadGoesOnWhilePreviewReads } = await stalledLoad();
    const slider = part(element, 'slider').getBoundingClientRect();
    await sendMouse({ type: 'move', position: [Math.round(slider.left + slider.width * 0.9), Math.round(slider.top + slider.height / 2)] });
    await downloadGoesOnWhilePreviewReads('the hover thumbnail');
    expect([element.currentTime, element.seeking], 'hovering changed nothing of playback').to.deep.equal([0, false]);
    if (element.readyState !== 4) await nextEvent(element, 'canplaythrough');
    expect(element.error).to.equal(null);
    expectNoByteTwice(await log(), bytes.length);
  });
});
