import { expect, fixture, html } from '@open-wc/testing';
import { emulateMedia } from '@web/test-runner-commands';
// axe-core ships one UMD file; served as a module unbundled, it has no default export but sets
// `window.axe` (the test runner has no CommonJS transform).
import 'axe-core';
import type AxeCore from 'axe-core';
import type { DesktopRecordingPlayer, PlayerMarker } from '../../src/index.js';
import { de, en } from '../../src/element/strings.js';
import { enPanels } from '../../src/element/templates/panel-strings.js';
// German is opt-in (not in the player's bundle): registered by this module.
import '../../src/strings/de.js';
import { nextEvent, part, player, press, pressAndSeek, revokeUrls, richRecording, until, urlOf } from './element-fixtures.js';

const axe = (globalThis as unknown as { axe: typeof AxeCore }).axe;

/** axe's violations inside the player (its shadow root included), as readable lines. */
async function violations(element: DesktopRecordingPlayer): Promise<string[]> {
  const results = await axe.run(element, { resultTypes: ['violations'] });
  return results.violations.map((violation) => `${violation.id}: ${violation.help} (${violation.nodes.map((node) => node.target.join(' > ')).join(', ')})`);
}

let rich: string;

describe('<desktop-recording-player> accessibility and languages', () => {
  before(async () => {
    rich = urlOf(await richRecording());
  });
  after(revokeUrls);

  describe('axe', () => {
    it('finds no violations in the player with controls', async () => {
      const element = await player(rich);
      expect(await violations(element)).to.deep.equal([]);
    });

    it('finds none with each panel open', async () => {
      const element = await player(rich);
      for (const panel of ['markers', 'notes', 'info', 'help']) {
        part<HTMLButtonElement>(element, `${panel}-button`).click();
        await element.updateComplete;
        expect(element.shadowRoot!.querySelector(`[part~=${panel}-panel]`), panel).to.exist;
        expect(await violations(element), panel).to.deep.equal([]);
      }
    });

    it('finds none in the error state, in the light theme, or in German', async () => {
      const element = await fixture<DesktopRecordingPlayer>(html`<desktop-recording-player controls theme="light" style="width: 640px"></desktop-recording-player>`);
      const failed = nextEvent(element, 'error');
      element.src = urlOf(new TextEncoder().encode('not a recording'));
      await failed;
      await element.updateComplete;
      expect(part(element, 'error').hidden).to.equal(false);
      expect(await violations(element)).to.deep.equal([]);
      const german = await player(rich, { lang: 'de' });
      expect(await violations(german)).to.deep.equal([]);
    });
  });

  it('labels every control, in tab order along the bar', async () => {
    const element = await player(rich);
    // The evidence button is a chunk, loaded once the recording shows.
    await until(() => !!element.shadowRoot!.querySelector('[part~=evidence-button]'), 'the evidence button');
    const focusable = [...element.shadowRoot!.querySelectorAll<HTMLElement>('[tabindex="0"], button:not([disabled]), select')];
    const names = focusable.map((node) => (node instanceof HTMLSelectElement ? node.labels[0]!.textContent : (node.getAttribute('aria-label') ?? node.textContent))!.trim());
    expect(names).to.deep.equal(['Seek', 'Play', '0:00 / 0:06', 'Playback speed', 'Skip idle time', 'Markers', 'Review notes', 'Session info', 'Save this frame as PNG', 'Export video…', 'Export evidence…', 'Copy a link to this time', 'Keyboard shortcuts', 'Full screen']);
  });

  describe('strings', () => {
    it('has a German table with every key of the English one, each translated', () => {
      // English is split: the element's own texts, and the panels' (in their chunk).
      const english = { ...en, ...enPanels };
      expect(Object.keys(de)).to.deep.equal(Object.keys(english));
      const same = Object.keys(english).filter((key) => de[key as keyof typeof english] === english[key as keyof typeof english]);
      // Words German borrows unchanged.
      expect(same).to.deep.equal(['live', 'markerInfo', 'desktop', 'cluster', 'keyEsc']);
    });

    it('labels markers in the element language, in the property, the list and the events', async () => {
      const element = await player(rich);
      const english = element.markers.map((marker) => marker.label);
      expect(english).to.deep.equal([
        'Session started by alice@example.com on win-dev-01',
        'Clipboard sent to the desktop (42 bytes)',
        'Directory “Shared” shared',
        'Warning: Low disk space',
        'Session ended',
      ]);
      const englishList = element.markers;
      element.lang = 'de';
      await element.updateComplete;
      expect(element.markers, 'a new list in the new language').to.not.equal(englishList);
      expect(element.markers.map((marker) => marker.label)).to.deep.equal([
        'Sitzung von alice@example.com auf win-dev-01 gestartet',
        'Zwischenablage an den Desktop gesendet (42 Byte)',
        'Verzeichnis „Shared“ freigegeben',
        'Warnung: Low disk space',
        'Sitzung beendet',
      ]);
      part<HTMLButtonElement>(element, 'markers-button').click();
      await element.updateComplete;
      expect(part(element, 'markers-panel').textContent).to.contain('Zwischenablage an den Desktop gesendet (42 Byte)');
      const crossed = nextEvent(element, 'marker');
      await element.play();
      const { detail } = (await crossed) as CustomEvent<PlayerMarker>;
      element.pause();
      const index = element.markers.findIndex((marker) => marker.time === detail.time);
      expect(detail.label).to.equal(element.markers[index]!.label);
      expect(detail.label).to.not.equal(english[index]);
    });

    it('follows the lang of the element, then of its nearest ancestor', async () => {
      const element = await player(rich);
      const play = part(element, 'play-button');
      const slider = part(element, 'slider');
      expect(play.getAttribute('aria-label')).to.equal('Play');
      element.lang = 'de-AT';
      await element.updateComplete;
      expect(play.getAttribute('aria-label')).to.equal('Wiedergeben');
      expect(slider.getAttribute('aria-label')).to.equal('Position');
      expect(slider.getAttribute('aria-valuetext')).to.equal('0 Sekunden von 6 Sekunden');
      await pressAndSeek(element, '5');
      expect(slider.getAttribute('aria-valuetext')).to.equal('3 Sekunden von 6 Sekunden');
      expect(element.shadowRoot!.querySelector('[aria-live=polite]')!.textContent!.trim()).to.equal('Bei 0:03');
      element.removeAttribute('lang');
      await element.updateComplete;
      expect(play.getAttribute('aria-label')).to.equal('Play');

      const wrapper = await fixture<HTMLDivElement>(html`<div lang="de"><desktop-recording-player controls></desktop-recording-player></div>`);
      const nested = wrapper.querySelector('desktop-recording-player')!;
      await nested.updateComplete;
      expect((part(nested, 'speed') as HTMLSelectElement).labels[0]!.textContent).to.contain('Wiedergabegeschwindigkeit');
      nested.lang = 'en';
      await nested.updateComplete;
      expect((part(nested, 'speed') as HTMLSelectElement).labels[0]!.textContent).to.contain('Playback speed');
      nested.lang = 'fr';
      await nested.updateComplete;
      expect((part(nested, 'speed') as HTMLSelectElement).labels[0]!.textContent, 'no French table: English').to.contain('Playback speed');
    });

    it('shows German in panels too', async () => {
      const element = await player(rich, { lang: 'de' });
      press(element, '?');
      await element.updateComplete;
      const dialog = part(element, 'help-panel');
      expect(dialog.textContent).to.contain('Tastenkürzel').and.contain('Leertaste / K').and.contain('Wiedergeben oder pausieren');
      part<HTMLButtonElement>(element, 'info-button').click();
      await element.updateComplete;
      expect(part(element, 'info-panel').textContent).to.contain('Sitzungsdetails').and.contain('Teilnehmer').and.contain('Aufgezeichnet');
      // Not a valid language tag, but clear enough: German texts, dates in the browser's format.
      element.lang = 'de_DE';
      await element.updateComplete;
      expect(part(element, 'info-panel').textContent).to.contain('Sitzungsbeginn').and.contain('2026');
    });
  });

  describe('theme', () => {
    const controlsColor = (element: DesktopRecordingPlayer) => getComputedStyle(part(element, 'controls')).color;

    it('follows prefers-color-scheme, and the theme attribute overrides it', async () => {
      await emulateMedia({ colorScheme: 'dark' });
      const element = await player(rich);
      const dark = controlsColor(element);
      await emulateMedia({ colorScheme: 'light' });
      const light = controlsColor(element);
      expect(light).not.to.equal(dark);
      element.theme = 'dark';
      await element.updateComplete;
      expect(controlsColor(element)).to.equal(dark);
      await emulateMedia({ colorScheme: 'dark' });
      element.theme = 'light';
      await element.updateComplete;
      expect(controlsColor(element)).to.equal(light);
      element.style.setProperty('--drp-controls-color', 'rgb(1, 2, 3)');
      expect(controlsColor(element)).to.equal('rgb(1, 2, 3)');
    });

    it('names its parts for ::part() styling', async () => {
      const element = await player(rich);
      await until(() => !!element.shadowRoot!.querySelector('[part~=evidence-button]'), 'the evidence button');
      for (const name of ['screen', 'controls', 'timeline', 'slider', 'tooltip', 'tick', 'play-button', 'time-button', 'speed', 'idle-button', 'markers-button', 'notes-button', 'info-button', 'capture-button', 'export-button', 'evidence-button', 'link-button', 'help-button', 'fullscreen-button', 'activity', 'status', 'error', 'toast']) {
        expect(() => part(element, name), name).not.to.throw();
      }
      expect(element.shadowRoot!.querySelectorAll('[part~=button]').length).to.equal(12);
    });
  });

  it('types the marker event (a compile-time check, run for real)', async () => {
    const element = await player(rich);
    const seen: PlayerMarker[] = [];
    // `event.detail` is typed PlayerMarker through the element's event map and HTMLElementEventMap.
    element.addEventListener('marker', (event) => seen.push(event.detail));
    document.body.addEventListener('marker', (event) => seen.push(event.detail));
    const tagged: DesktopRecordingPlayer = document.createElement('desktop-recording-player');
    expect(tagged).to.be.instanceOf(customElements.get('desktop-recording-player')!);
    element.currentTime = 0.9;
    await nextEvent(element, 'seeked');
    const crossed = nextEvent(element, 'marker');
    await element.play();
    await crossed;
    element.pause();
    expect(seen[0]!.label).to.equal('Clipboard sent to the desktop (42 bytes)');
  });
});
