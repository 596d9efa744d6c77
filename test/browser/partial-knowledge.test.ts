// Honest partial knowledge: markers, activity and idle time are known only for what the download in
// order has read. While it is held partway (test/tools/paced-range-middleware.mjs: a deterministic
// state, never a sleep), the rail hatches the rest, the slider and the marker list say up to when
// they are known, and skipping idle time never jumps over time not read yet; all of it fills in
// once the download goes on.
import { expect, fixture, html } from '@open-wc/testing';
import { resetMouse, sendMouse } from '@web/test-runner-commands';
import '../../src/define.js';
import type { DesktopRecordingPlayer } from '../../src/index.js';
import { describeDuration, describePosition, formatClock } from '../../src/element/format-time.js';
import { readRecording } from '../../src/format/reader.js';
import { TimelineBuilder } from '../../src/format/timeline.js';
import { expectNoByteTwice, expectScreenAt, partOffsets, serve, type Served } from '../helpers/range-serve.js';
import { nextEvent } from '../helpers/next-event.js';
import { noisePng, screenRecording, type ScreenStep } from '../helpers/screen-recording.js';
import { part, until } from './element-fixtures.js';

/** Where the player's knowledge stops when the download in order holds at `offset` (a part boundary): the last time the parts before it reach. */
async function edgeAt(bytes: Uint8Array, offset: number): Promise<number> {
  const builder = new TimelineBuilder();
  for (const event of (await readRecording(bytes.subarray(0, offset))).events) builder.add(event);
  return builder.durationMs / 1000;
}

/** Serves `bytes` with the download in order held at the first part boundary at or after `seconds` of recording; with the time it stops at. */
async function heldAt(bytes: Uint8Array, seconds: number): Promise<{ served: Served; edge: number }> {
  for (const offset of partOffsets(bytes)) {
    const edge = await edgeAt(bytes, offset);
    if (edge >= seconds) return { served: await serve(bytes, 'honest', offset), edge };
  }
  throw new Error(`no part boundary after ${seconds} s`);
}

async function controlledPlayer(attributes = ''): Promise<DesktopRecordingPlayer> {
  const element = await fixture<DesktopRecordingPlayer>(html`<desktop-recording-player controls style="width: 640px"></desktop-recording-player>`);
  if (attributes) element.setAttribute('idle-limit', attributes);
  return element;
}

/** The width of the hatched band at the slider's right end, as a fraction of the slider. */
function hatchedFraction(slider: HTMLElement): number {
  const style = getComputedStyle(slider);
  expect(style.backgroundImage, 'the band is a hatching').to.contain('repeating-linear-gradient');
  expect(style.backgroundPosition, 'at the right end').to.equal('100% 50%');
  return parseFloat(style.backgroundSize) / 100;
}

/** Page coordinates of the moment `seconds` on the seek slider, on its middle line. */
function sliderPoint(element: DesktopRecordingPlayer, seconds: number): [number, number] {
  const rect = part(element, 'slider').getBoundingClientRect();
  return [Math.round(rect.left + (rect.width * seconds) / element.duration), Math.round(rect.top + rect.height / 2)];
}

/** The thumbnail canvas's pixels. */
function pixelsOfCanvas(canvas: HTMLCanvasElement): Uint8ClampedArray {
  const copy = new OffscreenCanvas(canvas.width, canvas.height);
  const context = copy.getContext('2d')!;
  context.drawImage(canvas, 0, 0);
  return context.getImageData(0, 0, canvas.width, canvas.height).data;
}

/**
 * A 256×128 desktop (eight 64×64 cells) repainted cell by cell with noise, a tile every 200 ms for
 * a minute, in parts of about 128 KB (4.8 MB): two parts cover the screen at any moment.
 */
async function repaintingRecording(): Promise<Uint8Array> {
  const pngs = await Promise.all(Array.from({ length: 9 }, (_, i) => noisePng(i + 21)));
  const steps: ScreenStep[] = [{ timeMs: 0, screen: { width: 256, height: 128 } }];
  for (let i = 0; i < 300; i++) steps.push({ timeMs: i * 200, tile: { left: (i % 4) * 64, top: ((i >> 2) % 2) * 64, color: [0, 0, 0], png: pngs[i % pngs.length] } });
  return screenRecording(steps, { partSize: 128 * 1024 });
}

describe('partial knowledge: time not read yet', () => {
  afterEach(() => resetMouse());

  it('is hatched on the rail, named in the slider and the marker list, and fills in when the download goes on', async () => {
    // 60 s: a noise tile every 200 ms (about 4.8 MB in 64 KB parts), clipboard markers at 10, 30 and 50 s.
    const pngs = await Promise.all(Array.from({ length: 9 }, (_, i) => noisePng(i + 1)));
    const steps: ScreenStep[] = [{ timeMs: 0, screen: { width: 256, height: 128 } }];
    for (let i = 0; i < 300; i++) {
      steps.push({ timeMs: i * 200, tile: { left: (i % 4) * 64, top: ((i >> 2) % 2) * 64, color: [0, 0, 0], png: pngs[i % pngs.length] } });
      if (i % 100 === 50) steps.push({ timeMs: i * 200, clipboardSend: { length: 10 + i } });
    }
    const bytes = await screenRecording(steps, { partSize: 64 * 1024 });
    const { served, edge } = await heldAt(bytes, 20);
    expect(edge, 'the hold falls between the first and the second marker').to.be.above(10).and.below(30);

    const element = await controlledPlayer();
    const metadata = nextEvent(element, 'loadedmetadata');
    element.src = served.url;
    await metadata;
    expect(element.duration).to.equal(served.durationMs / 1000);
    await until(() => element.buffered.end(0) === edge, `the download in order reached the hold (${edge} s)`);
    await element.updateComplete;

    const slider = part(element, 'slider');
    expect(hatchedFraction(slider), 'the band runs from what was read to the end').to.be.closeTo(1 - edge / element.duration, 0.001);
    // Its words come with a chunk, loaded the first time there is time not read.
    const note = `${describePosition(0, element.duration)}; markers and activity known up to ${describeDuration(edge)}`;
    await until(() => slider.getAttribute('aria-valuetext') === note, 'the slider says up to when markers and activity are known');
    expect(element.markers.map((marker) => marker.time), 'only the markers of what was read').to.deep.equal([10]);
    expect(element.shadowRoot!.querySelectorAll('.ticks .tick').length).to.equal(1);
    expect(element.activity.length, 'activity is measured only for what was read').to.be.at.most(Math.ceil(edge));

    part(element, 'markers-button').click();
    await element.updateComplete;
    const panel = part(element, 'markers-panel');
    expect(panel.querySelector('.panel__known')?.textContent).to.equal(`Markers known up to ${formatClock(edge)}; the rest of the recording is still loading.`);
    expect(panel.querySelectorAll('.marker-list li').length).to.equal(1);

    // In German (its words come with the same chunk, not with the German table).
    await import('../../src/strings/de.js');
    element.lang = 'de';
    await element.updateComplete;
    expect(slider.getAttribute('aria-valuetext')).to.match(/; Markierungen und Aktivität bekannt bis \d+ Sekunden$/);
    expect(panel.querySelector('.panel__known')?.textContent).to.equal(`Markierungen bekannt bis ${formatClock(edge)}; der Rest der Aufzeichnung wird noch geladen.`);
    element.removeAttribute('lang');
    await element.updateComplete;

    const loaded = nextEvent(element, 'canplaythrough');
    await served.release();
    await loaded;
    await element.updateComplete;
    expect(hatchedFraction(slider), 'everything was read: no band').to.equal(0);
    expect(slider.getAttribute('aria-valuetext')).to.equal(describePosition(0, element.duration));
    expect(element.markers.map((marker) => marker.time), 'the markers of the held part appear').to.deep.equal([10, 30, 50]);
    expect(element.shadowRoot!.querySelectorAll('.ticks .tick').length).to.equal(3);
    expect(panel.querySelector('.panel__known'), 'the list is complete').to.equal(null);
    expect(panel.querySelectorAll('.marker-list li').length).to.equal(3);
  });

  it('skipping idle time never jumps over time not read yet', async () => {
    // 0–5 s busy; 5–30 s a blinking caret only (ambient: no activity, but bytes); 30–36 s busy.
    // The download holds inside the caret's stretch: that quiet stretch has no known end yet.
    const pngs = await Promise.all(Array.from({ length: 9 }, (_, i) => noisePng(i + 11)));
    const steps: ScreenStep[] = [{ timeMs: 0, screen: { width: 256, height: 128 } }];
    for (let i = 0; i < 25; i++) steps.push({ timeMs: i * 200, tile: { left: (i % 4) * 64, top: 64, color: [0, 0, 0], png: pngs[i % pngs.length] } });
    for (let t = 5000; t < 30_000; t += 250) steps.push({ timeMs: t, tile: { left: 0, top: 0, color: [0, 0, 0], png: pngs[(t / 250) % 2] } });
    for (let i = 0; i < 30; i++) steps.push({ timeMs: 30_000 + i * 200, tile: { left: (i % 4) * 64, top: 64, color: [0, 0, 0], png: pngs[2 + (i % 7)] } });
    const bytes = await screenRecording(steps, { partSize: 64 * 1024 });
    const { served, edge } = await heldAt(bytes, 14);
    expect(edge, 'the hold falls in the quiet stretch').to.be.above(10).and.below(20);

    const element = await controlledPlayer('1');
    const ready = nextEvent(element, 'canplay');
    element.src = served.url;
    await ready;
    await until(() => element.buffered.end(0) === edge, `the download in order reached the hold (${edge} s)`);
    // Every position shown is one that was read.
    let furthest = 0;
    let beyondRead = 0;
    element.addEventListener('timeupdate', () => {
      furthest = Math.max(furthest, element.currentTime);
      if (element.currentTime > element.buffered.end(0) + 1e-6) beyondRead = element.currentTime;
    });
    element.playbackRate = 8;
    const waiting = nextEvent(element, 'waiting');
    await element.play();
    await waiting;
    expect(beyondRead, 'no position past what was read').to.equal(0);
    expect(element.currentTime, 'playback waits at the edge of what was read').to.be.closeTo(edge, 0.5);
    expect(element.ended).to.equal(false);

    const ended = nextEvent(element, 'ended');
    await served.release();
    await ended;
    expect(beyondRead, 'no position past what was read').to.equal(0);
    expect(furthest).to.equal(element.duration);
  });

  it('a hover thumbnail there says "not loaded yet" at once, then shows the screen composed from a few parts read for it; a seek goes first', async () => {
    const bytes = await repaintingRecording();
    const { served, edge } = await heldAt(bytes, 8);
    const element = await controlledPlayer();
    const metadata = nextEvent(element, 'loadedmetadata');
    element.src = served.url;
    await metadata;
    await until(() => element.buffered.end(0) === edge, `the download in order reached the hold (${edge} s)`);
    const thumbnail = part<HTMLCanvasElement>(element, 'thumbnail');
    const before = (await served.log()).reduce((sum, entry) => sum + entry.bytes, 0);

    await sendMouse({ type: 'move', position: sliderPoint(element, 45) });
    await element.updateComplete;
    expect(part(element, 'thumbnail-unloaded').textContent!.trim(), 'at once').to.equal('Not loaded yet');
    expect(thumbnail.hidden).to.equal(true);
    await until(() => !thumbnail.hidden, 'a thumbnail composed from parts read for it');
    await element.updateComplete;
    expect(element.shadowRoot!.querySelector('[part~=thumbnail-unloaded]'), 'the thumbnail took its place').to.equal(null);
    const composed = pixelsOfCanvas(thumbnail);
    const fetched = (await served.log()).reduce((sum, entry) => sum + entry.bytes, 0) - before;
    const bytesBefore45 = bytes.length * (45 / element.duration);
    console.log(`hover thumbnail at 45 s: ${fetched} bytes fetched (the parts and their search), ${Math.round(bytesBefore45)} before the moment`);
    expect(fetched, 'a few parts, not the file up to there').to.be.below(bytesBefore45 / 4);
    expect(element.currentTime, 'hovering changed nothing of playback').to.equal(0);
    expect(element.seeking).to.equal(false);

    // A seek right after a hover over another moment not read: the seek goes first, and lands exactly.
    await sendMouse({ type: 'move', position: sliderPoint(element, 30) });
    const seeked = nextEvent(element, 'seeked');
    element.currentTime = 52;
    await seeked;
    expect(element.currentTime).to.equal(52);
    await expectScreenAt(element, bytes, 52_000);

    const loaded = nextEvent(element, 'canplaythrough');
    await served.release();
    await loaded;
    expectNoByteTwice((await served.log()).filter((entry) => entry.range !== null), bytes.length);
    // The same moment's thumbnail from the whole recording: the same pixels as the composed one.
    await sendMouse({ type: 'move', position: sliderPoint(element, 5) });
    await until(() => !thumbnail.hidden && pixelsOfCanvas(thumbnail).some((value, index) => value !== composed[index]), 'another thumbnail');
    await sendMouse({ type: 'move', position: sliderPoint(element, 45) });
    await until(() => pixelsOfCanvas(thumbnail).every((value, index) => value === composed[index]), 'the thumbnail at 45 s read in order is the composed one');
  });
});
