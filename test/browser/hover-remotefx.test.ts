// The hover thumbnail over time not read yet on a RemoteFX recording (RDP fast-path): composed in
// the worker from at most two parts read by range for that moment (the RemoteFX header blocks from
// what was read in order), it must be the recording's screen there, scaled as every thumbnail is.
// The download in order is held by the paced Range middleware (test/tools/paced-range-middleware.mjs).
import { expect, fixture, html } from '@open-wc/testing';
import { resetMouse, sendMouse } from '@web/test-runner-commands';
import '../../src/define.js';
import type { DesktopRecordingPlayer } from '../../src/index.js';
import { repeatedFastPath } from '../helpers/multipart-recordings.js';
import { nextEvent } from '../helpers/next-event.js';
import { REMOTEFX_SAMPLE, partOffsets, serve, wholeFileScreenAt } from '../helpers/range-serve.js';
import { part, until } from './element-fixtures.js';

/** A canvas's pixels, read back through a 2D canvas. */
function pixelsOfCanvas(canvas: HTMLCanvasElement): ImageData {
  const copy = new OffscreenCanvas(canvas.width, canvas.height);
  const context = copy.getContext('2d')!;
  context.drawImage(canvas, 0, 0);
  return context.getImageData(0, 0, canvas.width, canvas.height);
}

/** The screen a player with the whole file at hand shows at `timeMs`, scaled to `width`×`height` the way the engine scales thumbnails (`core/thumbnails.ts`). */
async function referenceThumbnail(bytes: Uint8Array, timeMs: number, width: number, height: number): Promise<ImageData> {
  const screen = await createImageBitmap(await wholeFileScreenAt(bytes, timeMs));
  const output = new OffscreenCanvas(width, height);
  const context = output.getContext('2d', { alpha: false })!;
  context.imageSmoothingQuality = 'high';
  context.drawImage(screen, 0, 0, width, height);
  return context.getImageData(0, 0, width, height);
}

describe('the hover thumbnail over time not read yet, RemoteFX', () => {
  afterEach(() => resetMouse());

  it('is the recording\'s screen at that moment, scaled as thumbnails are, from a few parts read for it', async () => {
    // The sample four times in a row, in parts of about 64 KB; the download in order held at the third part.
    const { bytes, periodMs } = await repeatedFastPath(REMOTEFX_SAMPLE, 4);
    const served = await serve(bytes, 'honest', partOffsets(bytes)[2]!);
    const element = await fixture<DesktopRecordingPlayer>(html`<desktop-recording-player controls style="width: 640px"></desktop-recording-player>`);
    const metadata = nextEvent(element, 'loadedmetadata');
    element.src = served.url;
    await metadata;
    await until(() => element.readyState >= 2, 'the first frame is painted');
    // 0.7 s into the third repeat, which starts with a full frame and an update at 0.256 s, then
    // nothing until 1.255 s: the screen is the same a slider pixel either side.
    const momentMs = 2 * periodMs + 700;
    expect(momentMs / 1000, 'the moment has not been read in order').to.be.above(element.buffered.end(0));

    const slider = part(element, 'slider').getBoundingClientRect();
    const x = Math.round(slider.left + (slider.width * momentMs) / 1000 / element.duration);
    await sendMouse({ type: 'move', position: [x, Math.round(slider.top + slider.height / 2)] });
    const thumbnail = part<HTMLCanvasElement>(element, 'thumbnail');
    await until(() => !thumbnail.hidden, 'a thumbnail composed from parts read for it');
    // The time the tooltip asked for: the slider's pixel under the pointer (`controllers/thumbnails.ts`).
    const perPixel = element.duration / slider.width;
    const askedMs = Math.round(Math.round(((x - slider.left) / slider.width) * element.duration / perPixel) * perPixel * 1000);
    expect(askedMs - 2 * periodMs, 'within the quiet stretch').to.be.within(300, 1200);
    expect(element.buffered.end(0), 'still not read in order').to.be.below(askedMs / 1000);

    const shown = pixelsOfCanvas(thumbnail);
    const reference = await referenceThumbnail(bytes, askedMs, thumbnail.width, thumbnail.height);
    expect([shown.width, shown.height]).to.deep.equal([160 * devicePixelRatio, (160 * devicePixelRatio * 768) / 1024]);
    let differing = 0;
    for (let i = 0; i < shown.data.length; i += 4) if (shown.data[i] !== reference.data[i] || shown.data[i + 1] !== reference.data[i + 1] || shown.data[i + 2] !== reference.data[i + 2]) differing += 1;
    expect(differing, 'pixels of the thumbnail that differ from the reference composition, scaled the same way').to.equal(0);
    expect(element.currentTime, 'hovering changed nothing of playback').to.equal(0);
    const fetched = (await served.log()).reduce((sum, entry) => sum + entry.bytes, 0);
    expect(fetched, 'parts for the moment, not the file up to it').to.be.below((bytes.length * momentMs) / (4 * periodMs) / 2);
    await served.release();
  });
});
