// <desktop-recording-player> as the media of media-chrome's <media-controller>: media-chrome's own
// controls drive the element (play, seek, speed, full screen, keys) and show its state.
import { expect, fixture, html } from '@open-wc/testing';
import { resetMouse, sendKeys, sendMouse } from '@web/test-runner-commands';
import 'media-chrome';
import type { DesktopRecordingPlayer } from '../../src/index.js';
import { eventually } from '../helpers/next-event.js';
import { advanceUntil, PageClock, withEngineInPage } from '../helpers/page-clock.js';
import { engineCaughtUp, longRecording, nextEvent, revokeUrls, until, urlOf } from './element-fixtures.js';

let long: string;

/** A media-controller around a player of the 12-minute recording, once media-chrome shows its duration. */
async function skin({ engineInPage = false } = {}): Promise<{ controller: HTMLElement; element: DesktopRecordingPlayer; control: (name: string) => HTMLElement }> {
  const make = () => fixture<HTMLElement>(html`
    <media-controller style="width: 640px; aspect-ratio: 16 / 9; display: block">
      <desktop-recording-player slot="media"></desktop-recording-player>
      <media-control-bar>
        <media-play-button></media-play-button>
        <media-time-range></media-time-range>
        <media-time-display showduration></media-time-display>
        <media-playback-rate-button></media-playback-rate-button>
        <media-mute-button></media-mute-button>
        <media-fullscreen-button></media-fullscreen-button>
      </media-control-bar>
    </media-controller>
  `);
  const controller = engineInPage ? await withEngineInPage(make) : await make();
  const element = controller.querySelector('desktop-recording-player')!;
  const loaded = nextEvent(element, 'canplaythrough');
  element.src = long;
  await loaded;
  const control = (name: string) => controller.querySelector<HTMLElement>(name)!;
  await until(() => control('media-time-range').getAttribute('mediaduration') === '720', 'media-chrome shows the duration');
  return { controller, element, control };
}

/** The middle of an element, or a point `fraction` of the way along it, in page pixels. */
function pointIn(target: Element, fraction = 0.5): [number, number] {
  const rect = target.getBoundingClientRect();
  return [Math.round(rect.left + rect.width * fraction), Math.round(rect.top + rect.height / 2)];
}

async function click(target: Element, fraction?: number): Promise<void> {
  await sendMouse({ type: 'click', position: pointIn(target, fraction) });
}

/** The part of <media-time-range> that takes the pointer: its range input. */
function rangeInput(timeRange: HTMLElement): HTMLInputElement {
  return timeRange.shadowRoot!.querySelector<HTMLInputElement>('input[type=range]')!;
}

describe('<desktop-recording-player> in media-chrome', () => {
  before(async () => {
    long = urlOf(await longRecording(12));
  });
  after(revokeUrls);
  afterEach(async () => {
    await resetMouse();
    if (document.fullscreenElement) await document.exitFullscreen();
  });

  it('shows the element state in media-chrome: duration, time, paused, silent, size', async () => {
    const { controller, element, control } = await skin();
    expect(control('media-play-button').hasAttribute('mediapaused')).to.equal(true);
    expect(control('media-time-display').getAttribute('mediaduration')).to.equal('720');
    expect(control('media-time-display').textContent + control('media-time-display').shadowRoot!.textContent).to.contain('12:00');
    // A recording is silent: muted, volume 0, and media-chrome's mute button says so.
    expect([element.muted, element.volume]).to.deep.equal([true, 0]);
    expect(control('media-mute-button').getAttribute('mediavolumelevel')).to.equal('off');
    expect(control('media-playback-rate-button').getAttribute('mediaplaybackrate')).to.equal('1');
    expect(control('media-fullscreen-button').hasAttribute('mediafullscreenunavailable')).to.equal(false);
    // No text or audio tracks, no renditions: media-chrome leaves those controls out.
    expect('textTracks' in element || 'audioTracks' in element).to.equal(false);
    expect(controller.hasAttribute('mediaerrorcode')).to.equal(false);
  });

  it('plays and pauses from media-play-button', async () => {
    const { element, control } = await skin();
    const button = control('media-play-button');
    const playing = nextEvent(element, 'playing');
    await click(button);
    await playing;
    expect(element.paused).to.equal(false);
    await until(() => !button.hasAttribute('mediapaused'), 'the play button shows playing');
    await eventually(element, 'timeupdate', () => element.currentTime > 0.2, 'time advances past 0.2 s');
    await until(() => Number(control('media-time-range').getAttribute('mediacurrenttime')) > 0, 'the time range follows');

    const paused = nextEvent(element, 'pause');
    await click(button);
    await paused;
    expect(element.paused).to.equal(true);
    await until(() => button.hasAttribute('mediapaused'), 'the play button shows paused');
  });

  it('seeks from media-time-range, by a click and by dragging', async () => {
    const { element, control } = await skin();
    const timeRange = control('media-time-range');
    const range = rangeInput(timeRange);
    const secondsPerPixel = 720 / range.getBoundingClientRect().width;

    let seeked = nextEvent(element, 'seeked');
    await click(range, 0.5);
    await seeked;
    await until(() => !element.seeking, 'the seek is done');
    expect(element.currentTime).to.be.closeTo(360, 12 * secondsPerPixel);
    await until(() => Number(timeRange.getAttribute('mediacurrenttime')) === element.currentTime, 'the time range shows the new time');

    // Dragging seeks along the way (media-chrome sends a seek per input event) and lands where released.
    const seeks: number[] = [];
    element.addEventListener('seeking', () => seeks.push(element.currentTime));
    await sendMouse({ type: 'move', position: pointIn(range, 0.2) });
    await sendMouse({ type: 'down' });
    // media-chrome turns each move into an input event and a seek request: wait for that seek.
    for (const fraction of [0.3, 0.4, 0.6]) {
      const before = seeks.length;
      await sendMouse({ type: 'move', position: pointIn(range, fraction) });
      await until(() => seeks.length > before, `the move to ${fraction} seeks`);
      expect(seeks.at(-1)).to.be.closeTo(720 * fraction, 12 * secondsPerPixel);
    }
    seeked = nextEvent(element, 'seeked');
    await sendMouse({ type: 'move', position: pointIn(range, 0.75) });
    await sendMouse({ type: 'up' });
    await seeked;
    await until(() => !element.seeking, 'the last seek is done');
    expect(seeks.length).to.be.greaterThan(2);
    expect(element.currentTime).to.be.closeTo(540, 12 * secondsPerPixel);
    await until(() => Number(timeRange.getAttribute('mediacurrenttime')) === element.currentTime, 'the time range shows where the drag ended');
  });

  it('changes the speed from media-playback-rate-button', async () => {
    const { element, control } = await skin({ engineInPage: true });
    const button = control('media-playback-rate-button');
    const rates: number[] = [];
    element.addEventListener('ratechange', () => rates.push(element.playbackRate));
    for (const expected of [1.2, 1.5, 1.7, 2, 1]) {
      const changed = nextEvent(element, 'ratechange');
      await click(button);
      await changed;
      expect(element.playbackRate).to.equal(expected);
      await until(() => button.getAttribute('mediaplaybackrate') === String(expected), `the button shows ${expected}`);
    }
    expect(rates).to.deep.equal([1.2, 1.5, 1.7, 2, 1]);

    // The speed holds while playing: on a clock the test moves, playback covers twice the clock's time.
    for (let i = 0; i < 4; i++) await click(button);
    await until(() => element.playbackRate === 2, 'the rate is 2');
    const clock = PageClock.install();
    try {
      await element.play();
      const start = element.currentTime;
      const took = await advanceUntil(clock, element, () => element.currentTime - start >= 2, 'playing 2 s of the recording');
      element.pause();
      expect(took, 'clock milliseconds to play 2 s at 2×').to.equal(1000);
      expect(element.currentTime - start).to.be.closeTo(2, 1e-6);
    } finally {
      clock.uninstall();
    }
  });

  it('takes the mute button without changing: nothing to hear, no volumechange', async () => {
    const { element, control } = await skin();
    let volumeChanges = 0;
    element.addEventListener('volumechange', () => volumeChanges++);
    // The button asks the controller to unmute (the player says it is muted); the controller sets
    // the player's muted (and volume) as the request reaches it. Any volumechange the player fired
    // for that would come before the engine answers a later request.
    const requested = new Promise<string>((resolve) => {
      for (const name of ['mediaunmuterequest', 'mediamuterequest']) control('media-mute-button').addEventListener(name, () => resolve(name), { once: true });
    });
    await click(control('media-mute-button'));
    expect(await requested).to.equal('mediaunmuterequest');
    await engineCaughtUp(element);
    element.muted = false;
    element.volume = 1;
    await engineCaughtUp(element);
    expect([element.muted, element.volume, volumeChanges]).to.deep.equal([true, 0, 0]);
    expect(control('media-mute-button').getAttribute('mediavolumelevel')).to.equal('off');
  });

  it('goes full screen with the controller (so the skin stays visible)', async () => {
    const { controller, control } = await skin();
    const button = control('media-fullscreen-button');
    await click(button);
    await until(() => document.fullscreenElement !== null, 'full screen');
    expect(document.fullscreenElement).to.equal(controller);
    await until(() => button.hasAttribute('mediaisfullscreen'), 'the button shows full screen');
  });

  it('keys act once: media-chrome takes its own, the element keeps its additions', async () => {
    const { element, control } = await skin();
    element.focus();
    // Space: played once (media-chrome), not toggled twice (by the element too).
    const toggles: string[] = [];
    for (const name of ['play', 'pause']) element.addEventListener(name, () => toggles.push(name));
    const playing = nextEvent(element, 'playing');
    await sendKeys({ press: 'Space' });
    await playing;
    await engineCaughtUp(element);
    expect(element.paused).to.equal(false);
    expect(toggles, 'Space: one play').to.deep.equal(['play']);
    const paused = nextEvent(element, 'pause');
    await sendKeys({ press: 'k' });
    await paused;
    await engineCaughtUp(element);
    expect(element.paused).to.equal(true);
    expect(toggles, 'k: one pause').to.deep.equal(['play', 'pause']);

    // Home is the element's (media-chrome has no Home key); → is media-chrome's 10 s step.
    element.currentTime = 100;
    await nextEvent(element, 'seeked');
    let seeked = nextEvent(element, 'seeked');
    await sendKeys({ press: 'Home' });
    await seeked;
    expect(element.currentTime).to.equal(0);
    seeked = nextEvent(element, 'seeked');
    let seeks = 0;
    const countSeek = () => seeks++;
    element.addEventListener('seeking', countSeek);
    await sendKeys({ press: 'ArrowRight' });
    await seeked;
    await engineCaughtUp(element);
    element.removeEventListener('seeking', countSeek);
    expect(element.currentTime).to.equal(10);
    expect(seeks, '→: one seek').to.equal(1);
    // 5 is the element's: 50 %.
    seeked = nextEvent(element, 'seeked');
    await sendKeys({ press: '5' });
    await seeked;
    expect(element.currentTime).to.equal(360);
    await until(() => control('media-time-range').getAttribute('mediacurrenttime') === '360', 'the time range follows keys');
  });
});
