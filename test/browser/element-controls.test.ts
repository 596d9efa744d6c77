import { expect, fixture, html } from '@open-wc/testing';
import { resetMouse, sendKeys, sendMouse } from '@web/test-runner-commands';
import { HIDE_CONTROLS_AFTER_MS } from '../../src/element/controllers/auto-hide.js';
import type { DesktopRecordingPlayer } from '../../src/index.js';
import { T0 } from '../helpers/recording-bytes.js';
import {
  SESSION_ID,
  announcement,
  longRecording,
  nextEvent,
  part,
  player,
  press,
  pressAndSeek,
  recordAnnouncements,
  revokeUrls,
  richRecording,
  until,
  urlOf,
} from './element-fixtures.js';

let rich: string;
let long: string;

/** Page coordinates of the point `fraction` along the seek slider, on its middle line. */
function sliderPoint(element: DesktopRecordingPlayer, fraction: number): [number, number] {
  const rect = part(element, 'slider').getBoundingClientRect();
  return [Math.round(rect.left + rect.width * fraction), Math.round(rect.top + rect.height / 2)];
}

/** What a rendered marker tick stands for: its colour group and its position in %. */
function ticks(element: DesktopRecordingPlayer) {
  return [...element.shadowRoot!.querySelectorAll<HTMLElement>('[part~=tick]')].map((tick) => ({
    group: tick.getAttribute('part')!.split(' ')[1],
    left: Math.round(parseFloat(tick.style.left) * 100) / 100,
  }));
}

function controlsHidden(element: DesktopRecordingPlayer): boolean {
  return part(element, 'controls').classList.contains('controls--hidden');
}

/**
 * Holds the controls' hide timer (the page's timers of its delay): `elapse()` runs the hide
 * scheduled last, as if its delay had passed (failing when none is scheduled), so no test waits
 * out the delay. Other timers run as usual.
 */
function holdHideTimer() {
  const realSet = window.setTimeout;
  const realClear = window.clearTimeout;
  let scheduled: { id: number; hide: () => void } | undefined;
  let ids = 0;
  window.setTimeout = ((handler: TimerHandler, ms?: number, ...rest: unknown[]): number => {
    if (ms !== HIDE_CONTROLS_AFTER_MS || typeof handler !== 'function') return realSet(handler, ms, ...rest);
    // Ids below zero are never the browser's.
    scheduled = { id: --ids, hide: handler as () => void };
    return scheduled.id;
  }) as typeof window.setTimeout;
  window.clearTimeout = ((id?: number): void => {
    if (scheduled && scheduled.id === id) scheduled = undefined;
    else realClear(id);
  }) as typeof window.clearTimeout;
  return {
    elapse(): void {
      const due = scheduled;
      scheduled = undefined;
      if (!due) throw new Error('no hide is scheduled');
      due.hide();
    },
    restore(): void {
      window.setTimeout = realSet;
      window.clearTimeout = realClear;
    },
  };
}

describe('<desktop-recording-player controls>', () => {
  before(async () => {
    rich = urlOf(await richRecording());
    long = urlOf(await longRecording());
  });
  after(revokeUrls);
  afterEach(() => resetMouse());

  describe('seek slider', () => {
    it('follows the APG slider pattern: role, value attributes, spoken value, and its keys', async () => {
      const element = await player(long);
      const slider = part(element, 'slider');
      expect(slider.getAttribute('role')).to.equal('slider');
      expect(slider.getAttribute('aria-label')).to.equal('Seek');
      expect(slider.tabIndex).to.equal(0);
      expect([slider.getAttribute('aria-valuemin'), slider.getAttribute('aria-valuemax'), slider.getAttribute('aria-valuenow')]).to.deep.equal(['0', '720', '0']);
      expect(slider.getAttribute('aria-valuetext')).to.equal('0 seconds of 12 minutes');

      element.currentTime = 65;
      await nextEvent(element, 'seeked');
      await element.updateComplete;
      expect(slider.getAttribute('aria-valuenow')).to.equal('65');
      expect(slider.getAttribute('aria-valuetext')).to.equal('1 minute 5 seconds of 12 minutes');

      const steps: Array<[string, number]> = [
        ['ArrowRight', 70],
        ['ArrowLeft', 65],
        ['ArrowUp', 70],
        ['ArrowDown', 65],
        ['PageUp', 125],
        ['PageDown', 65],
        ['End', 720],
        ['Home', 0],
      ];
      for (const [key, expected] of steps) {
        await pressAndSeek(element, key, slider);
        expect(element.currentTime, key).to.equal(expected);
        expect(slider.getAttribute('aria-valuenow'), key).to.equal(String(expected));
      }
    });

    it('seeks while dragged and lands where it is released', async () => {
      const element = await player(long);
      const seeks: number[] = [];
      let released = false;
      const seekingWhileDragging = () => seeks.length;
      element.addEventListener('seeking', () => !released && seeks.push(element.currentTime));
      await sendMouse({ type: 'move', position: sliderPoint(element, 0.25) });
      await sendMouse({ type: 'down' });
      // Each move is followed by the state it produces: the thumb under the pointer. Seeks go out at
      // most one per interval while dragging, the last one queued meanwhile once the interval is over.
      const played = () => parseFloat(part(element, 'slider').style.getPropertyValue('--played'));
      for (const fraction of [0.3, 0.4, 0.5, 0.6, 0.75]) {
        await sendMouse({ type: 'move', position: sliderPoint(element, fraction) });
        await element.updateComplete;
        // The thumb follows the pointer while dragging.
        expect(played(), `thumb at ${fraction}`).to.be.closeTo(fraction * 100, 1);
      }
      await until(() => seekingWhileDragging() >= 2, 'the drag seeks more than once');
      await until(() => seeks.at(-1)! > 500, 'the drag seeks where the pointer is');
      await element.updateComplete;
      expect(played()).to.be.closeTo(75, 1);
      const seeked = nextEvent(element, 'seeked');
      released = true;
      await sendMouse({ type: 'up' });
      await seeked;
      await until(() => !element.seeking, 'the last seek is done');
      const pixel = 720 / part(element, 'slider').getBoundingClientRect().width;
      expect(element.currentTime).to.be.closeTo(540, 2 * pixel);
      expect(seeks[0]).to.be.closeTo(180, 2 * pixel);
    });

    it('draws the buffered range and shows the time under the pointer', async () => {
      const element = await player(long);
      const slider = part(element, 'slider');
      expect(slider.style.getPropertyValue('--buffered')).to.equal('100%');
      const tooltip = part(element, 'tooltip');
      expect(tooltip.hidden).to.equal(true);
      await sendMouse({ type: 'move', position: sliderPoint(element, 0.5) });
      await element.updateComplete;
      expect(tooltip.hidden).to.equal(false);
      expect(tooltip.textContent!.trim()).to.match(/^(5:5\d|6:0\d)$/);
    });
  });

  describe('markers', () => {
    it('are ticks by kind; hovering one names it, clicking one seeks to it', async () => {
      const element = await player(rich);
      expect(ticks(element)).to.deep.equal([
        { group: 'tick-session', left: 0 },
        { group: 'tick-clipboard', left: 16.67 },
        { group: 'tick-directory', left: 50 },
        { group: 'tick-alert', left: 66.67 },
        { group: 'tick-session', left: 100 },
      ]);
      const clipboard = element.shadowRoot!.querySelectorAll<HTMLElement>('[part~=tick]')[1]!;
      const rect = clipboard.getBoundingClientRect();
      await sendMouse({ type: 'move', position: [Math.round(rect.left + rect.width / 2), Math.round(rect.top + rect.height / 2)] });
      await element.updateComplete;
      expect(part(element, 'tooltip').textContent!.trim()).to.equal('Clipboard sent to the desktop (42 bytes) · 0:01');
      const seeked = nextEvent(element, 'seeked');
      await sendMouse({ type: 'click', position: [Math.round(rect.left + rect.width / 2), Math.round(rect.top + rect.height / 2)] });
      await seeked;
      expect(element.currentTime).to.equal(1);
    });

    it('[ and ] go to the previous and next marker', async () => {
      const element = await player(rich);
      for (const expected of [1, 3, 4]) {
        await pressAndSeek(element, ']');
        expect(element.currentTime).to.equal(expected);
      }
      await pressAndSeek(element, '[');
      expect(element.currentTime).to.equal(3);
      await pressAndSeek(element, '[');
      expect(element.currentTime).to.equal(1);
    });

    it('are listed in a panel that seeks on click and closes with Escape, focus going back to its button', async () => {
      const element = await player(rich);
      const button = part<HTMLButtonElement>(element, 'markers-button');
      expect(button.getAttribute('aria-expanded')).to.equal('false');
      button.focus();
      button.click();
      await element.updateComplete;
      const panel = part(element, 'markers-panel');
      expect(panel.getAttribute('role')).to.equal('dialog');
      expect(element.shadowRoot!.getElementById(panel.getAttribute('aria-labelledby')!)!.textContent).to.equal('Markers');
      expect(button.getAttribute('aria-expanded')).to.equal('true');
      expect(element.shadowRoot!.activeElement).to.equal(panel);
      const items = [...panel.querySelectorAll('li button')].map((item) => item.textContent!.replace(/\s+/g, ' ').trim());
      expect(items).to.deep.equal([
        '0:00 Session started by alice@example.com on win-dev-01',
        '0:01 Clipboard sent to the desktop (42 bytes)',
        '0:03 Directory “Shared” shared',
        '0:04 Warning: Low disk space',
        '0:06 Session ended',
      ]);
      const seeked = nextEvent(element, 'seeked');
      panel.querySelectorAll<HTMLButtonElement>('li button')[3]!.click();
      await seeked;
      expect(element.currentTime).to.equal(4);
      expect(press(panel, 'Escape')).to.equal(true);
      await element.updateComplete;
      expect(element.shadowRoot!.querySelector('[part~=panel]')).to.equal(null);
      expect(element.shadowRoot!.activeElement).to.equal(button);
    });
  });

  it('announces markers and state changes in a polite live region, not every frame', async () => {
    const element = await player(rich);
    const region = element.shadowRoot!.querySelector('[aria-live=polite]')!;
    expect(region.getAttribute('role')).to.equal('status');
    const said = recordAnnouncements(element);
    element.playbackRate = 4;
    await nextEvent(element, 'ratechange');
    const ended = nextEvent(element, 'ended', 10_000);
    await element.play();
    await ended;
    await element.updateComplete;
    expect(said[0]).to.equal('Playing');
    expect(said).to.include('Clipboard sent to the desktop (42 bytes), at 0:01');
    expect(said).to.include('Warning: Low disk space, at 0:04');
    expect(said.at(-1)).to.equal('Ended');
    expect(said).not.to.include('Paused');
    expect(said.length, said.join(' | ')).to.be.at.most(8);

    await pressAndSeek(element, '2');
    expect(announcement(element)).to.equal('At 0:01');
    await element.play();
    await element.updateComplete;
    expect(announcement(element)).to.equal('Playing');
    const paused = nextEvent(element, 'pause');
    element.pause();
    await paused;
    await element.updateComplete;
    expect(announcement(element)).to.equal('Paused');
  });

  it('switches the time display to the time of day, and keeps that choice for the next recording', async () => {
    const element = await player(rich);
    const time = part<HTMLButtonElement>(element, 'time-button');
    await pressAndSeek(element, '5');
    expect(time.textContent!.trim()).to.equal('0:03 / 0:06');
    time.click();
    await element.updateComplete;
    expect(element.wallClock).to.equal(true);
    expect(element.hasAttribute('wall-clock')).to.equal(true);
    const at = new Date(T0 + 3000);
    const offset = -at.getTimezoneOffset();
    const zone = offset === 0 ? 'UTC' : `UTC${offset > 0 ? '+' : '-'}${Math.floor(Math.abs(offset) / 60)}${Math.abs(offset) % 60 ? `:${String(Math.abs(offset) % 60).padStart(2, '0')}` : ''}`;
    const clock = [at.getHours(), at.getMinutes(), at.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
    expect(time.textContent!.trim()).to.equal(`${clock} ${zone}`);

    const loaded = nextEvent(element, 'canplaythrough');
    element.src = long;
    await loaded;
    await element.updateComplete;
    expect(time.textContent!.trim()).to.match(/^\d\d:\d\d:\d\d UTC/);
    time.click();
    await element.updateComplete;
    expect(time.textContent!.trim()).to.equal('0:00 / 12:00');
  });

  it('changes speed from its menu and with < and >', async () => {
    const element = await player(rich);
    const select = part<HTMLSelectElement>(element, 'speed');
    expect(select.labels![0]!.textContent).to.contain('Playback speed');
    expect([...select.options].map((option) => option.value)).to.deep.equal(['0.25', '0.5', '1', '1.5', '2', '4', '8', '16', '32']);
    select.value = '4';
    const changed = nextEvent(element, 'ratechange');
    select.dispatchEvent(new Event('change'));
    await changed;
    expect(element.playbackRate).to.equal(4);
    for (const [key, rate] of [['>', 8], ['>', 16], ['>', 32], ['<', 16]] as const) {
      const next = nextEvent(element, 'ratechange');
      press(element, key);
      await next;
      expect(element.playbackRate).to.equal(rate);
    }
    await element.updateComplete;
    expect(select.value).to.equal('16');
  });

  it('turns idle skipping on and off, keeping the idle-limit the page set', async () => {
    const element = await player(rich);
    const button = part<HTMLButtonElement>(element, 'idle-button');
    expect(button.getAttribute('aria-pressed')).to.equal('false');
    button.click();
    await element.updateComplete;
    expect([element.idleLimit, button.getAttribute('aria-pressed')]).to.deep.equal([2, 'true']);
    button.click();
    await element.updateComplete;
    expect([element.idleLimit, button.getAttribute('aria-pressed')]).to.deep.equal([0, 'false']);

    const paged = await player(rich, { 'idle-limit': '5' });
    const toggle = part<HTMLButtonElement>(paged, 'idle-button');
    expect(toggle.getAttribute('aria-pressed')).to.equal('true');
    toggle.click();
    await paged.updateComplete;
    expect(paged.idleLimit).to.equal(0);
    toggle.click();
    await paged.updateComplete;
    expect(paged.getAttribute('idle-limit')).to.equal('5');
  });

  it('downloads the current frame as <sessionId>-<hh-mm-ss>.png', async () => {
    const clicked: Array<{ name: string; href: string }> = [];
    const click = HTMLAnchorElement.prototype.click;
    HTMLAnchorElement.prototype.click = function (this: HTMLAnchorElement) {
      clicked.push({ name: this.download, href: this.href });
    };
    try {
      const element = await player(rich);
      await pressAndSeek(element, '9');
      part<HTMLButtonElement>(element, 'capture-button').click();
      await until(() => clicked.length === 1, 'the download starts');
      expect(clicked[0]!.name).to.equal(`${SESSION_ID}-00-00-05.png`);
      const image = await (await fetch(clicked[0]!.href)).blob();
      expect(image.type).to.equal('image/png');

      const anonymous = await player(long);
      await pressAndSeek(anonymous, '5');
      part<HTMLButtonElement>(anonymous, 'capture-button').click();
      await until(() => clicked.length === 2, 'the second download starts');
      expect(clicked[1]!.name).to.equal('recording-00-06-00.png');
    } finally {
      HTMLAnchorElement.prototype.click = click;
    }
  });

  describe('copy link', () => {
    // Headless Chromium grants no clipboard permission to a test page, so the clipboard is
    // replaced here: once by one that records what it is given, once by one that refuses.
    let writeText: PropertyDescriptor | undefined;
    beforeEach(() => (writeText = Object.getOwnPropertyDescriptor(navigator.clipboard, 'writeText')));
    afterEach(() => {
      if (writeText) Object.defineProperty(navigator.clipboard, 'writeText', writeText);
      else delete (navigator.clipboard as Partial<Clipboard>).writeText;
    });

    it('copies the page address with #t=<seconds> and says so', async () => {
      const copied: string[] = [];
      Object.defineProperty(navigator.clipboard, 'writeText', { configurable: true, value: async (text: string) => void copied.push(text) });
      const element = await player(long);
      element.currentTime = 65.7;
      await nextEvent(element, 'seeked');
      part<HTMLButtonElement>(element, 'link-button').click();
      await until(() => copied.length === 1, 'the link is copied');
      expect(copied[0]).to.equal(`${location.href.split('#')[0]}#t=65`);
      await element.updateComplete;
      const toast = part(element, 'toast');
      expect([toast.hidden, toast.textContent!.trim()]).to.deep.equal([false, 'Link copied']);
      expect(announcement(element)).to.equal('Link copied');
    });

    it('without clipboard access, shows the link selected to copy by hand', async () => {
      Object.defineProperty(navigator.clipboard, 'writeText', { configurable: true, value: () => Promise.reject(new DOMException('denied', 'NotAllowedError')) });
      const element = await player(long);
      part<HTMLButtonElement>(element, 'link-button').click();
      await until(() => !part(element, 'toast').hidden, 'the link is shown');
      await element.updateComplete;
      const input = part(element, 'toast').querySelector('input')!;
      expect(input.value).to.equal(`${location.href.split('#')[0]}#t=0`);
      expect(input.labels![0]!.textContent).to.contain('Copy this link:');
      expect([input.selectionStart, input.selectionEnd]).to.deep.equal([0, input.value.length]);
      expect(element.shadowRoot!.activeElement).to.equal(input);
      press(input, 'Escape');
      await element.updateComplete;
      expect(part(element, 'toast').hidden).to.equal(true);
      expect(element.shadowRoot!.activeElement).to.equal(part(element, 'link-button'));
    });
  });

  it('shows the session info from the recording in a panel', async () => {
    const element = await player(rich);
    part<HTMLButtonElement>(element, 'info-button').click();
    await element.updateComplete;
    const panel = part(element, 'info-panel');
    expect(panel.getAttribute('role')).to.equal('dialog');
    const rows = Object.fromEntries([...panel.querySelectorAll('dt')].map((term) => [term.textContent, term.nextElementSibling!.textContent]));
    expect(rows).to.include({
      User: 'alice@example.com',
      Login: 'alice',
      Desktop: 'win-dev-01',
      Address: '10.0.0.5:3389',
      'Windows user': 'alice',
      'Windows domain': 'CORP',
      Participants: 'alice@example.com, bob@example.com',
      Recorded: 'Yes',
      'Session ID': SESSION_ID,
    });
    expect(rows['Session start']).to.contain('2026').and.contain(String(new Date(T0).getMinutes()).padStart(2, '0'));
    expect(rows['Session end']).to.contain('2026');
    part<HTMLButtonElement>(element, 'close-button').click();
    await element.updateComplete;
    expect(element.shadowRoot!.querySelector('[part~=info-panel]')).to.equal(null);
  });

  describe('states', () => {
    it('shows loading, then seeking, with text', async () => {
      const element = await fixture<DesktopRecordingPlayer>(html`<desktop-recording-player controls></desktop-recording-player>`);
      const status = () => part(element, 'status');
      const loading = new Promise<string>((resolve) =>
        element.addEventListener('loadstart', async () => {
          await element.updateComplete;
          resolve(status().hidden ? '' : status().textContent!.trim());
        }, { once: true }),
      );
      element.src = rich;
      expect(await loading).to.equal('Loading recording…');
      await nextEvent(element, 'canplaythrough');
      await element.updateComplete;
      expect(status().hidden).to.equal(true);
      const seeking = new Promise<string>((resolve) =>
        element.addEventListener('seeking', async () => {
          await element.updateComplete;
          resolve(status().hidden ? '' : status().textContent!.trim());
        }, { once: true }),
      );
      element.currentTime = 4;
      expect(await seeking).to.equal('Seeking…');
    });

    it('with preload="none" shows the poster, not a spinner, until play', async () => {
      const element = await fixture<DesktopRecordingPlayer>(html`<desktop-recording-player controls preload="none"></desktop-recording-player>`);
      element.src = rich;
      await nextEvent(element, 'loadstart');
      await element.updateComplete;
      expect(part(element, 'status').hidden).to.equal(true);
    });

    it('explains an error with its message', async () => {
      const element = await fixture<DesktopRecordingPlayer>(html`<desktop-recording-player controls></desktop-recording-player>`);
      const failed = nextEvent(element, 'error');
      element.src = urlOf(new TextEncoder().encode('Hello, this is a text file and certainly not a session recording.'));
      await failed;
      await element.updateComplete;
      const box = part(element, 'error');
      expect(box.hidden).to.equal(false);
      expect(box.textContent).to.contain('This recording cannot be played').and.contain(element.error!.message);
      expect(box.querySelector('button')).to.equal(null);
      expect(part(element, 'status').hidden).to.equal(true);
      expect(announcement(element)).to.equal(`Error: ${element.error!.message}`);
    });

    it('says the part before a damaged spot plays, and can be dismissed', async () => {
      const bytes = await longRecording(40, { partSize: 600 });
      const element = await fixture<DesktopRecordingPlayer>(html`<desktop-recording-player controls></desktop-recording-player>`);
      const failed = nextEvent(element, 'error');
      element.src = urlOf(bytes.subarray(0, Math.floor(bytes.length * 0.6)));
      await failed;
      await element.updateComplete;
      expect(element.error!.partial).to.equal(true);
      const box = part(element, 'error');
      expect(box.textContent).to.contain('Part of this recording could not be read').and.contain('Everything before the damaged part can be played.');
      part<HTMLButtonElement>(element, 'dismiss-button').click();
      await element.updateComplete;
      expect(box.hidden).to.equal(true);
      await element.play();
      element.pause();
    });
  });

  describe('auto-hide', () => {
    let hideTimer: ReturnType<typeof holdHideTimer>;
    beforeEach(() => (hideTimer = holdHideTimer()));
    afterEach(() => hideTimer.restore());

    /** The hide delay passes; resolves once the element rendered what follows. */
    const inactivityPasses = async (element: DesktopRecordingPlayer): Promise<void> => {
      hideTimer.elapse();
      await element.updateComplete;
    };

    it('hides the controls while playing without activity; pointer, keys and taps bring them back', async () => {
      const element = await player(long, { loop: '' });
      await element.play();
      await element.updateComplete;
      expect(controlsHidden(element), 'not before the delay').to.equal(false);
      await inactivityPasses(element);
      expect(controlsHidden(element), 'the controls hide').to.equal(true);
      expect(part(element, 'controls').getBoundingClientRect().height, 'still laid out (fades only)').to.be.greaterThan(0);

      element.dispatchEvent(new PointerEvent('pointermove', { bubbles: true, composed: true }));
      await element.updateComplete;
      expect(controlsHidden(element), 'after a pointer move').to.equal(false);
      await inactivityPasses(element);
      expect(controlsHidden(element), 'the controls hide again').to.equal(true);

      press(element, 'x');
      await element.updateComplete;
      expect(controlsHidden(element), 'after a key').to.equal(false);
      await inactivityPasses(element);
      expect(controlsHidden(element), 'the controls hide once more').to.equal(true);

      const screen = part(element, 'screen');
      screen.dispatchEvent(new PointerEvent('pointerdown', { pointerType: 'touch', bubbles: true, composed: true }));
      await element.updateComplete;
      expect(controlsHidden(element), 'a tap shows them').to.equal(false);
      screen.dispatchEvent(new PointerEvent('pointerdown', { pointerType: 'touch', bubbles: true, composed: true }));
      await element.updateComplete;
      expect(controlsHidden(element), 'another tap hides them').to.equal(true);

      const paused = nextEvent(element, 'pause');
      element.pause();
      await paused;
      await element.updateComplete;
      expect(controlsHidden(element), 'paused').to.equal(false);
    });

    it('never hides them while a panel is open', async () => {
      const element = await player(long, { loop: '' });
      await element.play();
      part<HTMLButtonElement>(element, 'help-button').click();
      await element.updateComplete;
      await inactivityPasses(element);
      expect(controlsHidden(element)).to.equal(false);
      element.pause();
    });

    it('never hides them while keyboard focus is in them', async () => {
      const element = await player(long, { loop: '' });
      element.focus();
      await sendKeys({ press: 'Tab' });
      expect(element.shadowRoot!.activeElement).to.equal(part(element, 'slider'));
      await element.play();
      await inactivityPasses(element);
      expect(controlsHidden(element)).to.equal(false);
      element.pause();
    });

    it('keeps 40×40 px touch targets', async () => {
      const element = await player(rich);
      for (const button of element.shadowRoot!.querySelectorAll<HTMLElement>('.bar button, .bar select')) {
        const { width, height } = button.getBoundingClientRect();
        expect(Math.min(width, height), button.getAttribute('part')!).to.be.at.least(40);
      }
    });
  });
});
