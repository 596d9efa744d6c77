import { expect, fixture, html } from '@open-wc/testing';
import '../../src/define.js';
import type { DesktopRecordingPlayer } from '../../src/index.js';
import { MediaEvent } from '../../src/playback-state.js';
import { T0 } from '../helpers/recording-bytes.js';
import { blobUrl, pixelsOf, screenRecording, type Rgb, type ScreenStep } from '../helpers/screen-recording.js';
import { eventually, nextEvent } from '../helpers/next-event.js';
import { engineCaughtUp, until } from './element-fixtures.js';
import { advanceUntil, PageClock, withEngineInPage } from '../helpers/page-clock.js';

const RED: Rgb = [255, 0, 0];
const GREEN: Rgb = [0, 255, 0];
const BLUE: Rgb = [0, 0, 255];
const YELLOW: Rgb = [255, 255, 0];
const BLACK: Rgb = [0, 0, 0];

/** 256×128 screen, 2 s: the tile at (0,0) turns red → blue, (64,0) green, (128,0) yellow at the end. */
const STEPS: ScreenStep[] = [
  { timeMs: 0, screen: { width: 256, height: 128 } },
  { timeMs: 0, tile: { left: 0, top: 0, color: RED } },
  { timeMs: 500, tile: { left: 64, top: 0, color: GREEN } },
  { timeMs: 700, clipboardSend: { length: 42 } },
  { timeMs: 1000, tile: { left: 0, top: 0, color: BLUE } },
  { timeMs: 1500, pointer: { x: 100, y: 30 } },
  { timeMs: 2000, tile: { left: 128, top: 0, color: YELLOW } },
];

const urls: string[] = [];
let sampleUrl: string;

function urlOf(bytes: Uint8Array): string {
  const url = blobUrl(bytes);
  urls.push(url);
  return url;
}


function recordEvents(target: EventTarget): string[] {
  const seen: string[] = [];
  for (const name of Object.values(MediaEvent)) target.addEventListener(name, () => seen.push(name));
  return seen;
}

async function player(src: string, attributes = ''): Promise<DesktopRecordingPlayer> {
  const element = await fixture<DesktopRecordingPlayer>(html`<desktop-recording-player style="width: 512px"></desktop-recording-player>`);
  for (const attribute of attributes.split(' ').filter(Boolean)) element.setAttribute(attribute, '');
  const loaded = nextEvent(element, 'canplaythrough');
  element.src = src;
  await loaded;
  return element;
}

async function seek(element: DesktopRecordingPlayer, seconds: number): Promise<void> {
  const seeked = nextEvent(element, 'seeked');
  element.currentTime = seconds;
  await seeked;
}

async function screenAt(element: DesktopRecordingPlayer) {
  return pixelsOf(await element.captureFrame());
}

/** The colour in the middle of the 64×64 tile whose top-left corner is (left, top). */
function tileColor(pixels: Awaited<ReturnType<typeof pixelsOf>>, left: number, top = 0): Rgb {
  const [r, g, b] = pixels.at(left + 32, top + 32);
  return [r, g, b];
}

/** Counts the page's fetches of `url` from now on, until `restore()`. */
function countFetches(url: string): { (): number; restore(): void } {
  const realFetch = window.fetch;
  let count = 0;
  window.fetch = (input: RequestInfo | URL, init?: RequestInit) => {
    if (String(input instanceof Request ? input.url : input) === url) count += 1;
    return realFetch.call(window, input, init);
  };
  return Object.assign(() => count, { restore: () => void (window.fetch = realFetch) });
}


describe('<desktop-recording-player>', () => {
  before(async () => {
    sampleUrl = urlOf(await screenRecording(STEPS));
  });
  after(() => urls.forEach((url) => URL.revokeObjectURL(url)));

  it('fires the load events in HTMLMediaElement order and reports metadata', async () => {
    const element = await fixture<DesktopRecordingPlayer>(html`<desktop-recording-player></desktop-recording-player>`);
    expect(element.duration).to.be.NaN;
    expect(element.readyState).to.equal(0);
    const seen = recordEvents(element);
    const loaded = nextEvent(element, 'canplaythrough');
    element.src = sampleUrl;
    await loaded;
    const order = ['loadstart', 'durationchange', 'resize', 'loadedmetadata', 'loadeddata', 'canplay', 'canplaythrough'];
    expect(seen.filter((name) => order.includes(name))).to.deep.equal(order);
    expect(element.duration).to.equal(2);
    expect([element.videoWidth, element.videoHeight]).to.deep.equal([256, 128]);
    expect(element.readyState).to.equal(4);
    expect(element.paused).to.equal(true);
    expect(element.currentTime).to.equal(0);
    expect(element.error).to.equal(null);
    expect(element.startDate?.getTime()).to.equal(T0);
    expect(element.markers).to.have.length(1);
    expect(element.markers[0]).to.include({ time: 0.7, type: 'desktop.clipboard.send', code: 'TDP02I' });
    expect([element.buffered.length, element.buffered.end(0)]).to.deep.equal([1, 2]);
  });

  it('plays: play() resolves, play and playing fire, time advances; pause stops it', async () => {
    const element = await player(sampleUrl);
    const seen = recordEvents(element);
    await element.play();
    expect(seen.slice(0, 2)).to.deep.equal(['play', 'playing']);
    expect(element.paused).to.equal(false);
    await eventually(element, 'timeupdate', () => element.currentTime > 0.2, 'time advances past 0.2 s');
    const paused = nextEvent(element, 'pause');
    element.pause();
    await paused;
    const stoppedAt = element.currentTime;
    expect(element.paused).to.equal(true);
    await engineCaughtUp(element);
    expect(element.currentTime).to.equal(stoppedAt);
  });

  it('paused stays put however long the clock runs, and playing on starts where it stopped', async () => {
    const element = await withEngineInPage(() => player(sampleUrl));
    const clock = PageClock.install();
    try {
      await element.play();
      await advanceUntil(clock, element, () => element.currentTime >= 0.5, 'playing 0.5 s');
      const paused = nextEvent(element, 'pause');
      element.pause();
      await paused;
      const stoppedAt = element.currentTime;
      const timeUpdates: number[] = [];
      element.addEventListener('timeupdate', () => timeUpdates.push(element.currentTime));
      // Paused: ten seconds of clock pass, and the engine answers a later request.
      clock.advance(10_000);
      await engineCaughtUp(element);
      expect([element.paused, element.currentTime, timeUpdates]).to.deep.equal([true, stoppedAt, []]);
      // Playing on counts only the clock from then on.
      await element.play();
      expect(element.currentTime).to.equal(stoppedAt);
      const took = await advanceUntil(clock, element, () => element.currentTime >= stoppedAt + 0.5, 'playing 0.5 s more');
      expect(took, 'clock milliseconds to play 0.5 s after the pause').to.equal(500);
      element.pause();
    } finally {
      clock.uninstall();
    }
  });

  it('seeking forward and backward shows the screen at the target time', async () => {
    const element = await player(sampleUrl);
    expect(tileColor(await screenAt(element), 0)).to.deep.equal(RED);

    await seek(element, 1.2);
    expect(element.currentTime).to.equal(1.2);
    let screen = await screenAt(element);
    expect([tileColor(screen, 0), tileColor(screen, 64), tileColor(screen, 128)]).to.deep.equal([BLUE, GREEN, BLACK]);

    await seek(element, 0.2);
    screen = await screenAt(element);
    expect([tileColor(screen, 0), tileColor(screen, 64), tileColor(screen, 128)]).to.deep.equal([RED, BLACK, BLACK]);

    await seek(element, 2);
    screen = await screenAt(element);
    expect([tileColor(screen, 0), tileColor(screen, 64), tileColor(screen, 128)]).to.deep.equal([BLUE, GREEN, YELLOW]);
  });

  it('steps to the previous and next screen change', async () => {
    const element = await player(sampleUrl);
    await seek(element, 0.6);
    await element.stepScreenChange(1);
    expect(element.currentTime).to.equal(1);
    expect(tileColor(await screenAt(element), 0)).to.deep.equal(BLUE);
    await element.stepScreenChange(-1);
    await element.stepScreenChange(-1);
    expect(element.currentTime).to.equal(0);
    expect([tileColor(await screenAt(element), 0), tileColor(await screenAt(element), 64)]).to.deep.equal([RED, BLACK]);
  });

  it('captureFrame() returns the full-size screen without the pointer', async () => {
    const element = await player(sampleUrl);
    await seek(element, 1.8);
    const screen = await screenAt(element);
    expect([screen.width, screen.height]).to.deep.equal([256, 128]);
    // The pointer's arrow is drawn at (100, 30) on its own layer, over the green tile.
    for (const [x, y] of [[100, 30], [101, 35], [102, 40], [104, 42]] as const) {
      expect(screen.at(x, y), `pixel (${x}, ${y})`).to.deep.equal([...GREEN, 255]);
    }
    const jpeg = await element.captureFrame({ type: 'image/jpeg', quality: 0.9 });
    expect(jpeg.type).to.equal('image/jpeg');
  });

  it('shows a click as a ripple on the pointer layer, never in captured frames', async () => {
    const steps: ScreenStep[] = [
      { timeMs: 0, screen: { width: 256, height: 128 } },
      { timeMs: 0, tile: { left: 64, top: 0, color: GREEN } },
      { timeMs: 0, pointer: { x: 96, y: 32 } },
      { timeMs: 300, click: { button: 0 } },
      { timeMs: 2000, tile: { left: 0, top: 0, color: RED } },
    ];
    // The engine in the page, on a clock the test moves: the ripple, drawn from the clock, stays
    // at its start until the clock moves on.
    const url = urlOf(await screenRecording(steps));
    const element = await withEngineInPage(() => player(url));
    const layer = element.shadowRoot!.querySelector<HTMLCanvasElement>('canvas.cursor')!;
    const probe = new OffscreenCanvas(256, 128).getContext('2d', { willReadFrequently: true })!;
    // A ring of the left button's amber colour, somewhere 4–22 px from the pointer's tip.
    const rippleVisible = () => {
      probe.clearRect(0, 0, 256, 128);
      probe.drawImage(layer, 0, 0);
      const { data } = probe.getImageData(70, 6, 52, 52);
      for (let offset = 0; offset < data.length; offset += 4) {
        if (data[offset + 3]! > 40 && data[offset]! > 200 && data[offset + 1]! > 120 && data[offset + 1]! < 220 && data[offset + 2]! < 60) return true;
      }
      return false;
    };
    expect(rippleVisible(), 'no ripple before the click').to.equal(false);
    const clock = PageClock.install();
    try {
      await element.play();
      await advanceUntil(clock, element, () => element.currentTime >= 0.3, 'playing past the click');
      const paused = nextEvent(element, 'pause');
      element.pause();
      await paused;
      // The layer shows what was drawn on it once the page renders.
      await until(rippleVisible, 'a ripple is drawn after the click');
      // It fades out over 450 ms of the clock.
      clock.advance(450);
      await until(() => !rippleVisible(), 'the ripple is gone 450 ms after it started');
    } finally {
      clock.uninstall();
    }
    const frame = await screenAt(element);
    for (const [x, y] of [[96 + 10, 32], [96, 32 + 12], [96 - 12, 32]] as const) {
      expect(frame.at(x, y), `captured pixel (${x}, ${y})`).to.deep.equal(x >= 64 && y < 64 ? [...GREEN, 255] : [...BLACK, 255]);
    }
  });

  it('changes playbackRate through the worker and fires ratechange', async () => {
    const element = await player(sampleUrl);
    const changed = nextEvent(element, 'ratechange');
    element.playbackRate = 2;
    await changed;
    expect(element.playbackRate).to.equal(2);
    expect(() => (element.playbackRate = 100)).to.throw(DOMException, /not supported/);
    element.setAttribute('playbackrate', '0.25');
    await nextEvent(element, 'ratechange');
    expect(element.playbackRate).to.equal(0.25);
  });

  it('fires ended (after pause) at the end, crossing the marker on the way', async () => {
    const element = await player(sampleUrl);
    await seek(element, 0.5);
    const rate = nextEvent(element, 'ratechange');
    element.playbackRate = 4;
    await rate;
    const seen = recordEvents(element);
    const marker = nextEvent(element, 'marker');
    const ended = nextEvent(element, 'ended');
    await element.play();
    expect(((await marker) as CustomEvent).detail).to.include({ time: 0.7, code: 'TDP02I' });
    await ended;
    expect(element.ended).to.equal(true);
    expect(element.paused).to.equal(true);
    expect(element.currentTime).to.equal(2);
    expect(seen.slice(-3)).to.deep.equal(['timeupdate', 'pause', 'ended']);
    // play() after the end starts over.
    const restarted = nextEvent(element, 'seeked');
    await element.play();
    await restarted;
    expect(element.ended).to.equal(false);
    element.pause();
  });

  it('keeps what decoded of a truncated recording playable and seekable', async () => {
    const colors = [RED, GREEN, BLUE, YELLOW];
    const steps: ScreenStep[] = [{ timeMs: 0, screen: { width: 128, height: 64 } }];
    for (let i = 0; i < 40; i++) steps.push({ timeMs: i * 100, tile: { left: 0, top: 0, color: colors[i % 4]! } });
    const bytes = await screenRecording(steps, { partSize: 600 });
    const element = await fixture<DesktopRecordingPlayer>(html`<desktop-recording-player></desktop-recording-player>`);
    const failed = nextEvent(element, 'error');
    const loaded = nextEvent(element, 'canplaythrough');
    element.src = urlOf(bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    await failed;
    expect(element.error).to.include({ reason: 'truncated', partial: true, code: 3 });
    expect(element.error!.message).to.match(/ends early/);
    await loaded;
    expect(element.duration).to.be.greaterThan(0.5).and.lessThan(3.9);
    await seek(element, 0.3);
    expect(tileColor(await screenAt(element), 0)).to.deep.equal(YELLOW);
    await seek(element, 0.1);
    expect(tileColor(await screenAt(element), 0)).to.deep.equal(GREEN);
    await element.play();
    element.pause();
  });

  it('reports a file that is not a recording; play() rejects', async () => {
    const element = await fixture<DesktopRecordingPlayer>(html`<desktop-recording-player></desktop-recording-player>`);
    const failed = nextEvent(element, 'error');
    element.src = urlOf(new TextEncoder().encode('Hello, this is a text file and certainly not a session recording.'));
    await failed;
    expect(element.error).to.include({ reason: 'not-a-recording', partial: false, code: 4 });
    expect(element.readyState).to.equal(0);
    expect(element.duration).to.be.NaN;
    let rejection: unknown;
    await element.play().catch((error: unknown) => (rejection = error));
    expect(rejection).to.be.instanceOf(DOMException);
    expect((rejection as DOMException).name).to.equal('NotSupportedError');
  });

  it('reports an HTTP error status as http-status', async () => {
    const element = await fixture<DesktopRecordingPlayer>(html`<desktop-recording-player></desktop-recording-player>`);
    const failed = nextEvent(element, 'error');
    element.src = '/no-such-recording-here.rec';
    await failed;
    expect(element.error).to.include({ reason: 'http-status', partial: false, code: 2 });
    expect(element.error!.message).to.contain('404');
  });

  it('refuses a screen over 8192×8192 before allocating it', async () => {
    const bytes = await screenRecording([
      { timeMs: 0, screen: { width: 9000, height: 9000 } },
      { timeMs: 10, tile: { left: 0, top: 0, color: RED } },
    ]);
    const element = await fixture<DesktopRecordingPlayer>(html`<desktop-recording-player></desktop-recording-player>`);
    const failed = nextEvent(element, 'error');
    element.src = urlOf(bytes);
    await failed;
    expect(element.error).to.include({ reason: 'screen-too-large', partial: false, code: 3 });
    expect(element.error!.message).to.contain('9000×9000');
    expect(element.videoWidth).to.equal(0);
  });

  it('has labelled built-in controls and keyboard shortcuts', async () => {
    const element = await player(sampleUrl, 'controls');
    const root = element.shadowRoot!;
    const button = root.querySelector('[part~=play-button]')!;
    const slider = root.querySelector('[role=slider]')!;
    const speed = root.querySelector('select')!;
    expect(button.getAttribute('aria-label')).to.equal('Play');
    expect(slider.getAttribute('aria-label')).to.equal('Seek');
    expect(speed.labels?.[0]?.textContent).to.contain('Playback speed');
    await seek(element, 1);
    await element.updateComplete;
    expect(slider.getAttribute('aria-valuetext')).to.equal('1 second of 2 seconds');
    expect(root.querySelector('.time')!.textContent!.trim()).to.equal('0:01 / 0:02');

    element.focus();
    const playing = nextEvent(element, 'playing');
    element.dispatchEvent(new KeyboardEvent('keydown', { key: ' ', bubbles: true, composed: true }));
    await playing;
    await element.updateComplete;
    expect(button.getAttribute('aria-label')).to.equal('Pause');
    const paused = nextEvent(element, 'pause');
    element.dispatchEvent(new KeyboardEvent('keydown', { key: 'k', bubbles: true, composed: true }));
    await paused;
    const seeked = nextEvent(element, 'seeked');
    element.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowLeft', bubbles: true, composed: true }));
    await seeked;
    expect(element.currentTime).to.equal(0);
  });

  it('starts at start-at or a #t= fragment, start-at winning', async () => {
    const fragment = await player(`${sampleUrl}#t=0:01.2`);
    expect(fragment.currentTime).to.equal(1.2);
    expect(tileColor(await screenAt(fragment), 0)).to.deep.equal(BLUE);
    const element = await fixture<DesktopRecordingPlayer>(html`<desktop-recording-player start-at="0:00.6"></desktop-recording-player>`);
    const loaded = nextEvent(element, 'loadeddata');
    element.src = `${sampleUrl}#t=1.2`;
    await loaded;
    expect(element.currentTime).to.equal(0.6);
    const screen = await screenAt(element);
    expect([tileColor(screen, 0), tileColor(screen, 64)]).to.deep.equal([RED, GREEN]);
  });

  it('with preload="none" reads the file only on play(); autoplay and loop play on their own', async () => {
    // Engines in the page, so their reads are the page's fetches. A load's first read starts as the
    // engine takes the load: by the time it answers a later request, the read has been asked for.
    const reads = countFetches(sampleUrl);
    try {
      const eager = await withEngineInPage(() => fixture<DesktopRecordingPlayer>(html`<desktop-recording-player preload="metadata"></desktop-recording-player>`));
      eager.src = sampleUrl;
      await engineCaughtUp(eager);
      expect(reads(), 'preload="metadata" reads at once').to.equal(1);

      const lazy = await withEngineInPage(() => fixture<DesktopRecordingPlayer>(html`<desktop-recording-player preload="none"></desktop-recording-player>`));
      const seen = recordEvents(lazy);
      lazy.src = sampleUrl;
      await nextEvent(lazy, 'loadstart');
      await engineCaughtUp(lazy);
      expect(reads(), 'preload="none" reads nothing before play()').to.equal(1);
      expect(seen).to.deep.equal(['loadstart']);
      expect(lazy.readyState).to.equal(0);
      await lazy.play();
      expect(reads()).to.equal(2);
      expect(lazy.readyState).to.be.at.least(3);
      lazy.pause();
    } finally {
      reads.restore();
    }

    const looping = await fixture<DesktopRecordingPlayer>(html`<desktop-recording-player autoplay loop playbackrate="8" start-at="1.5"></desktop-recording-player>`);
    const looped = recordEvents(looping);
    const playing = nextEvent(looping, 'playing');
    looping.src = sampleUrl;
    await playing;
    await nextEvent(looping, 'seeked');
    expect(looping.paused).to.equal(false);
    expect(looped).to.include('seeking').and.not.include('ended');
    looping.pause();
  });

  it('fits the screen with object-fit from the fit attribute', async () => {
    const element = await fixture<DesktopRecordingPlayer>(html`<desktop-recording-player fit="cover"></desktop-recording-player>`);
    const [screen, cursor] = element.shadowRoot!.querySelectorAll('canvas');
    expect(getComputedStyle(screen!).objectFit).to.equal('cover');
    expect(getComputedStyle(cursor!).objectFit).to.equal('cover');
    element.removeAttribute('fit');
    expect(getComputedStyle(screen!).objectFit).to.equal('contain');
  });

  it('with idle-limit plays a quiet stretch (a blinking caret only) in the limit, time updating throughout', async () => {
    // 1 s of activity, then 30 s in which only a 64×64 caret blinks, then a change at 31 s.
    const steps: ScreenStep[] = [
      { timeMs: 0, screen: { width: 256, height: 128 } },
      { timeMs: 0, tile: { left: 0, top: 0, color: RED } },
      { timeMs: 1000, tile: { left: 0, top: 0, color: BLUE } },
    ];
    for (let t = 1500; t < 31_000; t += 500) steps.push({ timeMs: t, tile: { left: 192, top: 64, color: t % 1000 ? BLACK : GREEN } });
    steps.push({ timeMs: 31_000, tile: { left: 0, top: 0, width: 256, height: 64, color: YELLOW } });
    const url = urlOf(await screenRecording(steps));
    const element = await withEngineInPage(() => player(url));
    element.setAttribute('idle-limit', '1');
    const times: number[] = [];
    element.addEventListener('timeupdate', () => times.push(element.currentTime));
    const clock = PageClock.install();
    let took: number;
    try {
      await element.play();
      took = await advanceUntil(clock, element, () => element.ended, 'playing to the end');
    } finally {
      clock.uninstall();
    }
    // 1 s of activity, the caret's first two blinks (which count as activity) to 2 s, then the 29 s gap in 1 s.
    expect(took, 'clock milliseconds to play 31 s').to.equal(3000);
    expect(element.duration).to.be.closeTo(31, 0.01);
    const inGap = times.filter((t) => t > 3 && t < 30);
    expect(inGap.length, 'timeupdate fires while the gap plays').to.be.greaterThan(1);
  });

  it('shows the poster until the first frame is painted', async () => {
    const element = await fixture<DesktopRecordingPlayer>(html`<desktop-recording-player poster="data:image/gif;base64,R0lGODlhAQABAAAAACw="></desktop-recording-player>`);
    const poster = () => element.shadowRoot!.querySelector('img.poster');
    expect(poster(), 'before any source').to.exist;
    const painted = nextEvent(element, 'loadeddata');
    element.src = sampleUrl;
    await painted;
    await element.updateComplete;
    expect(poster(), 'after the first frame').to.equal(null);
  });
});
