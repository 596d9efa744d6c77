// The activity track on a real sample recording (alice, 1280×720, 2 min: typing, window work, a
// 24 s stretch where only the caret blinks and the taskbar clock ticks once): the values the
// worker measures, the heatmap the controls draw from them, the `,`/`.` step and idle skipping,
// which use the same measure.
import { expect, fixture, html } from '@open-wc/testing';
import '../../src/define.js';
import type { DesktopRecordingPlayer } from '../../src/index.js';
import { advanceUntil, PageClock, withEngineInPage } from '../helpers/page-clock.js';
import { nextEvent, part, pressAndSeek, until } from './element-fixtures.js';

const SAMPLE = '/demo/recordings/6c0e1e5a-8d6b-4a51-9a0c-2f4b1c7d0720.tar';
const OTHER = '/demo/recordings/9a7f3c21-0b4e-4f8a-8c3d-5e6f7a8b1080.tar';
/** Seconds in which nothing but the caret blinks (and, at 57 s, the clock ticks). */
const QUIET = { from: 55, to: 78 };

/** A 640 px wide player with controls and the dark theme, once the sample has loaded; `changes` counts `activitychange`. */
async function loaded(src = SAMPLE): Promise<{ element: DesktopRecordingPlayer; changes: number[] }> {
  const element = await fixture<DesktopRecordingPlayer>(html`<desktop-recording-player controls theme="dark" style="width: 640px"></desktop-recording-player>`);
  const changes: number[] = [];
  element.addEventListener('activitychange', () => changes.push(element.activity.length));
  const ready = nextEvent(element, 'canplaythrough');
  element.src = src;
  await ready;
  await element.updateComplete;
  return { element, changes };
}

/** The heatmap canvas's pixels: the alpha and colour of the middle row at a recording time. */
function heatmap(element: DesktopRecordingPlayer) {
  const canvas = part<HTMLCanvasElement>(element, 'activity');
  const { width, height } = canvas;
  const data = canvas.getContext('2d')!.getImageData(0, 0, width, height).data;
  const at = (x: number) => [...data.subarray((Math.floor(height / 2) * width + x) * 4, (Math.floor(height / 2) * width + x) * 4 + 4)];
  const columnOf = (seconds: number) => Math.floor((seconds / element.duration) * width);
  return { canvas, width, at, columnOf, alphaAt: (seconds: number) => at(columnOf(seconds))[3]! };
}

describe('activity track', () => {
  it('is measured in the worker from changed screen area: typing shows, a blinking caret and a lone clock tick do not', async () => {
    const { element, changes } = await loaded();
    const activity = element.activity;
    expect(activity).to.be.instanceOf(Float32Array);
    expect(activity.length, 'one value a second').to.equal(Math.ceil(element.duration));
    expect(changes.length, 'activitychange fired').to.be.greaterThan(0);
    expect(changes.at(-1), 'the final track came before canplaythrough').to.equal(activity.length);
    for (let second = 4; second <= 17; second++) expect(activity[second], `typing at ${second} s`).to.be.within(0.005, 0.05);
    expect(activity[21], 'a window opening').to.be.greaterThan(0.5);
    for (let second = QUIET.from; second < QUIET.to; second++) expect(activity[second], `caret only at ${second} s`).to.equal(0);
  });

  it('is drawn under the seek slider as a heatmap, aligned with it, beneath the marker ticks, hidden from assistive technology', async () => {
    const { element } = await loaded();
    const { canvas, width, alphaAt, at, columnOf } = heatmap(element);
    expect(canvas.getAttribute('aria-hidden')).to.equal('true');
    expect(width, 'device pixels').to.equal(Math.round(canvas.getBoundingClientRect().width * devicePixelRatio));
    const slider = part(element, 'slider').getBoundingClientRect();
    const strip = canvas.getBoundingClientRect();
    expect([strip.left, strip.right]).to.deep.equal([slider.left, slider.right]);
    expect(strip.height).to.be.within(4, 8);
    expect(strip.top, 'below the middle of the slider (its rail)').to.be.greaterThan(slider.top + slider.height / 2);
    // The ticks come after it in the timeline, so they paint over it.
    const ticks = element.shadowRoot!.querySelector('.ticks')!;
    expect(canvas.compareDocumentPosition(ticks) & Node.DOCUMENT_POSITION_FOLLOWING).to.not.equal(0);

    expect(alphaAt(21.5), 'a window opening: full strength').to.equal(255);
    expect(alphaAt(10.5), 'typing: faint but visible').to.be.within(40, 160);
    for (let x = columnOf(QUIET.from) + 1; x < columnOf(QUIET.to); x++) expect(at(x)[3], `column ${x}`).to.equal(0);
    // The dark theme's text colour (white) by default; --drp-activity-color sets it.
    expect(at(columnOf(21.5)).slice(0, 3)).to.deep.equal([255, 255, 255]);
    element.style.setProperty('--drp-activity-color', 'rgb(255, 0, 0)');
    element.requestUpdate();
    await element.updateComplete;
    expect(heatmap(element).at(columnOf(21.5))).to.deep.equal([255, 0, 0, 255]);
  });

  it('is redrawn when the player is resized', async () => {
    const { element } = await loaded();
    const before = heatmap(element).width;
    element.style.width = '400px';
    await until(() => part<HTMLCanvasElement>(element, 'activity').width !== before, 'the canvas was resized');
    const { width, alphaAt } = heatmap(element);
    expect(width).to.equal(Math.round(part(element, 'slider').getBoundingClientRect().width * devicePixelRatio));
    expect(alphaAt(21.5)).to.equal(255);
    expect(alphaAt(60)).to.equal(0);
  });

  it('empties when another recording loads, then fills with that one', async () => {
    const { element, changes } = await loaded();
    changes.length = 0;
    const ready = nextEvent(element, 'canplaythrough');
    element.src = OTHER;
    await ready;
    expect(changes[0], 'emptied first').to.equal(0);
    expect(element.activity.length).to.equal(Math.ceil(element.duration));
  });
});

describe('screen-change step and idle skipping use the activity measure', () => {
  it(', and . skip the blinking caret and the clock tick: they stop only at changes the track shows', async () => {
    const { element } = await loaded();
    const seeked = nextEvent(element, 'seeked');
    element.currentTime = 56;
    await seeked;
    await pressAndSeek(element, '.');
    expect(element.currentTime, 'the next change that shows').to.be.within(QUIET.to, QUIET.to + 2);
    expect(element.activity[Math.floor(element.currentTime)]).to.be.greaterThan(0);
    await pressAndSeek(element, ',');
    expect(element.currentTime, 'back before the quiet stretch').to.be.within(52, QUIET.from);
    await element.stepScreenChange(1);
    expect(element.currentTime).to.be.within(QUIET.to, QUIET.to + 2);
  });

  it('idle-limit plays the caret-only stretch in the limit', async () => {
    const { element } = await withEngineInPage(() => loaded());
    const seeked = nextEvent(element, 'seeked');
    element.currentTime = 56;
    await seeked;
    element.idleLimit = 1;
    await element.updateComplete;
    const clock = PageClock.install();
    let took: number;
    try {
      await element.play();
      took = await advanceUntil(clock, element, () => element.currentTime >= QUIET.to, 'playback passed the quiet stretch');
      element.pause();
    } finally {
      clock.uninstall();
    }
    // 22 s of recording (56 → 78), all of it quiet, in the 1 s limit.
    expect(took, 'clock milliseconds').to.equal(1000);
  });
});
