import { expect, fixture, html } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import type { DesktopRecordingPlayer } from '../../src/index.js';
import { engineCaughtUp, longRecording, nextEvent, part, player, press, pressAndSeek, revokeUrls, richRecording, urlOf } from './element-fixtures.js';

let rich: string;
let long: string;

describe('<desktop-recording-player> keyboard', () => {
  before(async () => {
    rich = urlOf(await richRecording());
    long = urlOf(await longRecording());
  });
  after(revokeUrls);

  it('Space and k play and pause', async () => {
    const element = await player(rich);
    for (const key of [' ', 'k']) {
      const playing = nextEvent(element, 'playing');
      expect(press(element, key), key).to.equal(true);
      await playing;
      const paused = nextEvent(element, 'pause');
      press(element, key);
      await paused;
    }
    expect(element.paused).to.equal(true);
  });

  it('← → step 5 s, j l step 10 s, Home and End go to the ends, and repeated keys add up', async () => {
    const element = await player(long);
    const steps: Array<[string, number]> = [
      ['ArrowRight', 5],
      ['l', 15],
      ['ArrowLeft', 10],
      ['j', 0],
      ['End', 720],
      ['l', 720],
      ['Home', 0],
      ['ArrowLeft', 0],
    ];
    for (const [key, expected] of steps) {
      await pressAndSeek(element, key);
      expect(element.currentTime, key).to.equal(expected);
    }
    // Three presses before the engine answers: each goes on from where the last one asked for.
    const seeks: number[] = [];
    element.addEventListener('seeking', () => seeks.push(element.currentTime));
    press(element, 'ArrowRight');
    press(element, 'ArrowRight');
    press(element, 'ArrowRight');
    while (element.currentTime !== 15 || element.seeking) await nextEvent(element, 'seeked');
    expect(seeks.at(-1)).to.equal(15);
  });

  it('0–9 jump to 0 %–90 %', async () => {
    const element = await player(long);
    for (const [key, expected] of [['3', 216], ['9', 648], ['0', 0]] as const) {
      await pressAndSeek(element, key);
      expect(element.currentTime, key).to.equal(expected);
    }
  });

  it(', and . step through screen changes while paused', async () => {
    const element = await player(rich);
    await pressAndSeek(element, '.');
    expect(element.currentTime).to.equal(2);
    await pressAndSeek(element, '.');
    expect(element.currentTime).to.equal(5);
    await pressAndSeek(element, ',');
    expect(element.currentTime).to.equal(2);
  });

  it('< and > step through the speeds', async () => {
    const element = await player(rich);
    for (const [key, rate] of [['<', 0.5], ['<', 0.25], ['>', 0.5], ['>', 1], ['>', 1.5]] as const) {
      const changed = nextEvent(element, 'ratechange');
      press(element, key);
      await changed;
      expect(element.playbackRate, key).to.equal(rate);
    }
    element.playbackRate = 0.25;
    await nextEvent(element, 'ratechange');
    let rateChanges = 0;
    element.addEventListener('ratechange', () => rateChanges++);
    expect(press(element, '<'), 'at the slowest, < does nothing').to.equal(true);
    await engineCaughtUp(element);
    expect(element.playbackRate).to.equal(0.25);
    expect(rateChanges, 'no ratechange').to.equal(0);
  });

  it('[ and ] go to markers (see element-controls for positions)', async () => {
    const element = await player(long);
    await pressAndSeek(element, ']');
    expect(element.currentTime).to.equal(65);
    await pressAndSeek(element, ']');
    expect(element.currentTime).to.equal(400);
    await pressAndSeek(element, '[');
    expect(element.currentTime).to.equal(65);
  });

  it('f toggles full screen, and so does its button', async () => {
    const element = await player(rich);
    element.focus();
    const entered = nextEvent(element, 'fullscreenchange');
    await sendKeys({ press: 'f' });
    await entered;
    expect(document.fullscreenElement).to.equal(element);
    await element.updateComplete;
    const button = part<HTMLButtonElement>(element, 'fullscreen-button');
    expect([button.getAttribute('aria-label'), button.getAttribute('aria-pressed')]).to.deep.equal(['Exit full screen', 'true']);
    const left = nextEvent(element, 'fullscreenchange');
    await sendKeys({ press: 'f' });
    await left;
    expect(document.fullscreenElement).to.equal(null);
    await element.updateComplete;
    expect(button.getAttribute('aria-label')).to.equal('Full screen');
  });

  it('? opens the shortcut help dialog; Escape closes it and focus comes back', async () => {
    const element = await player(rich);
    element.focus();
    expect(press(element, '?')).to.equal(true);
    await element.updateComplete;
    const dialog = part(element, 'help-panel');
    expect(dialog.getAttribute('role')).to.equal('dialog');
    expect(element.shadowRoot!.activeElement).to.equal(dialog);
    const keys = [...dialog.querySelectorAll('kbd')].map((kbd) => kbd.textContent);
    expect(keys).to.include.members(['Space / K', '← / →', 'J / L', 'Home / End', '0 … 9', ', / .', '< / >', '[ / ]', 'F', '?', 'Esc']);
    expect(press(dialog, 'Escape')).to.equal(true);
    await element.updateComplete;
    expect(element.shadowRoot!.querySelector('[part~=help-panel]')).to.equal(null);
    expect(document.activeElement).to.equal(element);
    expect(element.shadowRoot!.activeElement).to.equal(null);
  });

  it('works without the built-in controls too', async () => {
    const element = await player(rich);
    element.controls = false;
    await element.updateComplete;
    await pressAndSeek(element, ']');
    expect(element.currentTime).to.equal(1);
  });

  it('leaves keys alone when the player is not focused, and in its speed menu', async () => {
    const element = await player(long);
    const outside = await fixture<HTMLInputElement>(html`<input aria-label="elsewhere" />`);
    outside.focus();
    const seen: string[] = [];
    for (const name of ['play', 'seeking', 'ratechange']) element.addEventListener(name, () => seen.push(name));
    await sendKeys({ type: 'k l' });
    await sendKeys({ press: 'ArrowRight' });
    await engineCaughtUp(element);
    expect(outside.value).to.equal('k l');
    expect([element.paused, element.currentTime]).to.deep.equal([true, 0]);
    expect(seen).to.deep.equal([]);

    // Inside the speed menu, arrows and letters belong to the menu.
    const select = part<HTMLSelectElement>(element, 'speed');
    expect(press(select, 'ArrowRight')).to.equal(false);
    expect(press(select, 'k')).to.equal(false);
    // A button keeps Space and Enter for itself.
    expect(press(part(element, 'info-button'), ' ')).to.equal(false);
  });
});
