// The seek slider's hover thumbnail: the screen at the time under the pointer, rendered by the
// engine on canvases of its own, so hovering changes nothing of playback.
import { expect, fixture, html } from '@open-wc/testing';
import { resetMouse, sendMouse } from '@web/test-runner-commands';
import type { DesktopRecordingPlayer } from '../../src/index.js';
import { pixelsOf, screenRecording, type Rgb } from '../helpers/screen-recording.js';
import { BLUE, RED, nextEvent, part, player, revokeUrls, until, urlOf } from './element-fixtures.js';

/** Page coordinates of the point `fraction` along the seek slider, on its middle line. */
function sliderPoint(element: DesktopRecordingPlayer, fraction: number): [number, number] {
  const rect = part(element, 'slider').getBoundingClientRect();
  return [Math.round(rect.left + rect.width * fraction), Math.round(rect.top + rect.height / 2)];
}

/** RGB of the thumbnail canvas at (`fx`, `fy`) of its size, read back through a 2D canvas. */
function thumbnailColor(canvas: HTMLCanvasElement, fx = 0.5, fy = 0.5): Rgb {
  const copy = new OffscreenCanvas(canvas.width, canvas.height);
  const context = copy.getContext('2d')!;
  context.drawImage(canvas, 0, 0);
  const [r, g, b] = context.getImageData(Math.floor(canvas.width * fx), Math.floor(canvas.height * fy), 1, 1).data;
  return [r!, g!, b!];
}

const near = (color: Rgb, expected: Rgb) => color.every((value, index) => Math.abs(value - expected[index]!) <= 8);

/** 8 s, 256×128: the whole screen red from 0 s, blue from 4 s; a small tile at 8 s ends it. */
async function redThenBlue(): Promise<Uint8Array> {
  return screenRecording([
    { timeMs: 0, screen: { width: 256, height: 128 } },
    { timeMs: 0, tile: { left: 0, top: 0, color: RED, width: 256, height: 128 } },
    { timeMs: 4000, tile: { left: 0, top: 0, color: BLUE, width: 256, height: 128 } },
    { timeMs: 8000, tile: { left: 192, top: 64, color: RED } },
  ]);
}

/** Serves `bytes` through the held-stream test server: the first `at` bytes now, the rest on release. */
async function heldStream(bytes: Uint8Array, at: number): Promise<{ url: string; release: () => Promise<void> }> {
  const response = await fetch(`/__held-stream?at=${at}`, { method: 'POST', body: new Blob([bytes as BlobPart]) });
  const { url } = (await response.json()) as { url: string };
  return { url, release: async () => void (await fetch(`${url}/release`, { method: 'POST' })) };
}

describe('<desktop-recording-player controls> hover thumbnail', () => {
  after(revokeUrls);
  afterEach(() => resetMouse());

  it('shows the screen at the time under the pointer, and leaves playback as it was', async () => {
    const element = await player(urlOf(await redThenBlue()));
    const thumbnail = part<HTMLCanvasElement>(element, 'thumbnail');
    const tooltip = part(element, 'tooltip');
    expect(thumbnail.tagName).to.equal('CANVAS');
    expect(thumbnail.hidden, 'no empty box before a thumbnail came').to.equal(true);
    expect(tooltip.contains(thumbnail)).to.equal(true);
    const before = await pixelsOf(await element.captureFrame());
    expect(before.at(128, 64).slice(0, 3)).to.deep.equal([...RED]);

    await sendMouse({ type: 'move', position: sliderPoint(element, 0.25) });
    await until(() => !thumbnail.hidden, 'the thumbnail at 2 s is shown');
    expect(near(thumbnailColor(thumbnail), RED), `red at 2 s, got ${thumbnailColor(thumbnail)}`).to.equal(true);
    // 160 CSS px wide, the recording's aspect ratio (2:1), at the display's pixel density.
    expect(thumbnail.width).to.equal(Math.round(160 * devicePixelRatio));
    expect(thumbnail.height).to.equal(Math.round(80 * devicePixelRatio));
    expect([thumbnail.clientWidth, thumbnail.clientHeight], 'inside its border').to.deep.equal([160, 80]);
    // Above the time, inside the timeline.
    expect(tooltip.textContent!.trim()).to.match(/^0:0[12]$/);
    const timeline = part(element, 'timeline').getBoundingClientRect();
    const tip = tooltip.getBoundingClientRect();
    expect(tip.left).to.be.at.least(timeline.left - 0.5);
    expect(tip.right).to.be.at.most(timeline.right + 0.5);

    await sendMouse({ type: 'move', position: sliderPoint(element, 0.75) });
    await until(() => near(thumbnailColor(thumbnail), BLUE), 'the thumbnail at 6 s is blue');
    expect(thumbnail.hidden, 'the last thumbnail stays while the next one renders').to.equal(false);
    await sendMouse({ type: 'move', position: sliderPoint(element, 0.1) });
    await until(() => near(thumbnailColor(thumbnail), RED), 'back at 0.8 s, red again (from the cache)');

    // Hovering changed nothing of playback: position, paused, the screen.
    expect(element.currentTime).to.equal(0);
    expect(element.paused).to.equal(true);
    expect(element.seeking).to.equal(false);
    const after = await pixelsOf(await element.captureFrame());
    expect(after.at(128, 64).slice(0, 3)).to.deep.equal([...RED]);

    // Leaving the timeline hides it; hovering again shows one only once it came.
    const elementBox = element.getBoundingClientRect();
    await sendMouse({ type: 'move', position: [Math.round(elementBox.left + 20), Math.round(elementBox.top + 20)] });
    await element.updateComplete;
    expect(tooltip.hidden).to.equal(true);
    expect(thumbnail.hidden).to.equal(true);
    await sendMouse({ type: 'move', position: sliderPoint(element, 0.75) });
    await until(() => !thumbnail.hidden, 'the thumbnail is shown again');
    expect(near(thumbnailColor(thumbnail), BLUE)).to.equal(true);

    // While dragging, the screen itself shows the position: no thumbnail.
    await sendMouse({ type: 'down' });
    await sendMouse({ type: 'move', position: sliderPoint(element, 0.6) });
    await element.updateComplete;
    expect(thumbnail.hidden).to.equal(true);
    const seeked = nextEvent(element, 'seeked');
    await sendMouse({ type: 'up' });
    await seeked;
  });

  it('shows none past the end of what has arrived', async () => {
    // 12 s: a full-screen tile each second, in small parts so the download stalls in the middle.
    const steps: Parameters<typeof screenRecording>[0] = [{ timeMs: 0, screen: { width: 256, height: 128 } }];
    for (let second = 0; second <= 12; second++) steps.push({ timeMs: second * 1000, tile: { left: 0, top: 0, color: [second * 20, 100, 200], width: 256, height: 128 } });
    const bytes = await screenRecording(steps, { partSize: 400 });
    const { url, release } = await heldStream(bytes, Math.floor(bytes.length / 2));
    // The hint makes the slider 12 s long while only part of it has loaded.
    const element = await fixture<DesktopRecordingPlayer>(html`<desktop-recording-player controls duration-hint="12" style="width: 640px"></desktop-recording-player>`);
    const canPlay = nextEvent(element, 'canplay');
    element.src = url;
    await canPlay;
    await element.updateComplete;
    const edge = element.buffered.end(0);
    expect(edge, 'only part of the recording arrived').to.be.above(1).and.below(11);
    expect(element.duration).to.equal(12);

    const thumbnail = part<HTMLCanvasElement>(element, 'thumbnail');
    await sendMouse({ type: 'move', position: sliderPoint(element, 0.5 / 12) });
    await until(() => !thumbnail.hidden, 'a thumbnail within what arrived');
    await sendMouse({ type: 'move', position: sliderPoint(element, (edge + 12) / 2 / 12) });
    await until(() => thumbnail.hidden === true, 'no thumbnail past the loaded edge');
    expect(part(element, 'tooltip').hidden, 'the time is still shown').to.equal(false);
    // Not "nothing there": the time is not read yet, and the tooltip says so at once (this server
    // answers no Range requests, so nothing is fetched for it).
    await element.updateComplete;
    const unloaded = part(element, 'thumbnail-unloaded');
    expect(unloaded.textContent!.trim()).to.equal('Not loaded yet');
    expect(unloaded.getBoundingClientRect().width, 'as wide as a thumbnail').to.equal(160);
    expect(unloaded.getBoundingClientRect().height, 'as high as a thumbnail of this screen').to.equal(80);
    await sendMouse({ type: 'move', position: sliderPoint(element, 0.5 / 12) });
    await until(() => !thumbnail.hidden, 'the thumbnail within what arrived again');
    await element.updateComplete;
    expect(element.shadowRoot!.querySelector('[part~=thumbnail-unloaded]'), 'only over time not read').to.equal(null);
    await release();
    await nextEvent(element, 'canplaythrough');
  });
});
