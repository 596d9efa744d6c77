// Text search in the element: off by default (nothing of it loaded), the search box and its keys,
// hits on the rail and the outline of the words jumped to, from a sidecar index (the index the
// player builds itself: element-text-index-build.test.ts).
import { expect } from '@open-wc/testing';
// axe-core's UMD file sets window.axe (see element-a11y.test.ts).
import 'axe-core';
import type AxeCore from 'axe-core';
import { serializeTextIndex, type IndexedWord } from '../../src/core/text-index/format.js';
import type { DesktopRecordingPlayer } from '../../src/index.js';
import { screenPlacement } from '../../src/element/text-search.js';
import { announcement, nextEvent, part, player, press, revokeUrls, richRecording, until, urlOf } from './element-fixtures.js';

/** A 6 s index of richRecording's 256×128 screen: "ssh prod-db" 1–2 s and 4–5 s, "Password Manager" from 3 s. */
function sidecarUrl(): string {
  const word = (text: string, startMs: number, endMs: number, x: number, line: number): IndexedWord => ({ text, startMs, endMs, box: { x, y: 40, width: text.length * 7, height: 12 }, line, confidence: 90 });
  const json = serializeTextIndex({
    durationMs: 6000, coveredMs: 6000, screen: { width: 256, height: 128 }, engine: 'test',
    words: [word('ssh', 1000, 2000, 20, 0), word('prod-db', 1000, 2000, 50, 0), word('Password', 3000, 6000, 4, 1), word('Manager', 3000, 6000, 70, 1), word('ssh', 4000, 5000, 20, 2), word('prod-db', 4000, 5000, 50, 2)],
  });
  return URL.createObjectURL(new Blob([json], { type: 'application/json' }));
}

const axe = (globalThis as unknown as { axe: typeof AxeCore }).axe;

const loadedUrls = () => performance.getEntriesByType('resource').map((entry) => entry.name);

/** Types into the search box as a user would (an input event per value). */
function type(input: HTMLInputElement, value: string): void {
  input.value = value;
  input.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true }));
}

describe('text search: off by default', () => {
  afterEach(revokeUrls);

  it('loads nothing of it: no search button, no chunk, no OCR file, no index worker; / and Ctrl+F stay the browser’s', async () => {
    performance.clearResourceTimings();
    const element = await player(urlOf(await richRecording()));
    expect(element.textSearch).to.equal(false);
    expect(element.shadowRoot!.querySelector('[part~=search-button]')).to.equal(null);
    expect(press(element, '/'), '/ is not taken').to.equal(false);
    expect(element.dispatchEvent(new KeyboardEvent('keydown', { key: 'f', ctrlKey: true, bubbles: true, cancelable: true })), 'Ctrl+F is not taken').to.equal(true);
    await element.updateComplete;
    const fetched = loadedUrls().filter((url) => /text-search|text-index|tesseract|traineddata/.test(url));
    expect(fetched).to.deep.equal([]);
  });
});

describe('text search: the search box', () => {
  afterEach(revokeUrls);

  async function searchable(attributes: Record<string, string> = {}): Promise<DesktopRecordingPlayer> {
    const element = await player(urlOf(await richRecording()), { 'text-search': '', 'text-index': sidecarUrl(), ...attributes });
    await until(() => !!element.shadowRoot!.querySelector('[part~=search-button]'), 'the search button shows');
    return element;
  }

  it('opens with / and Ctrl+F, lists results with their time and line, moves with the arrows, jumps with Enter, closes with Escape', async () => {
    const element = await searchable();
    expect(press(element, '/'), '/ opens the search').to.equal(true);
    await element.updateComplete;
    const input = part<HTMLInputElement>(element, 'search-input');
    await until(() => element.shadowRoot!.activeElement === input, 'focus is in the search box');
    expect(input.getAttribute('role')).to.equal('combobox');
    expect(part(element, 'search-button').getAttribute('aria-expanded')).to.equal('true');

    type(input, 'ssh prod-db');
    await until(() => element.shadowRoot!.querySelectorAll('[part~=search-result]').length === 2, 'two results are listed');
    const rows = [...element.shadowRoot!.querySelectorAll<HTMLElement>('[part~=search-result]')];
    expect(rows.map((row) => row.textContent!.replace(/\s+/g, ' ').trim())).to.deep.equal(['0:01 ssh prod-db', '0:04 ssh prod-db']);
    expect(rows.map((row) => row.getAttribute('role'))).to.deep.equal(['option', 'option']);
    expect(part(element, 'search-results').getAttribute('role')).to.equal('listbox');
    expect(part(element, 'search-status').textContent).to.contain('2 results');
    await until(() => announcement(element) === '2 results', 'the count is announced');

    press(input, 'ArrowDown');
    press(input, 'ArrowDown');
    await element.updateComplete;
    expect(input.getAttribute('aria-activedescendant')).to.equal(rows[1]!.id);
    expect(rows[1]!.getAttribute('aria-selected')).to.equal('true');
    press(input, 'ArrowDown');
    await element.updateComplete;
    expect(input.getAttribute('aria-activedescendant'), 'wraps around').to.equal(rows[0]!.id);
    press(input, 'ArrowUp');
    await element.updateComplete;

    const seeked = nextEvent(element, 'seeked');
    expect(press(input, 'Enter')).to.equal(true);
    await seeked;
    expect(element.currentTime).to.equal(4);

    expect(press(input, 'Escape')).to.equal(true);
    await element.updateComplete;
    expect(element.shadowRoot!.querySelector('[part~=search-input]'), 'closed').to.equal(null);
    await until(() => element.shadowRoot!.activeElement === part(element, 'search-button'), 'focus goes back to the search button');

    element.focus();
    expect(element.dispatchEvent(new KeyboardEvent('keydown', { key: 'f', ctrlKey: true, bubbles: true, composed: true, cancelable: true })), 'Ctrl+F is taken').to.equal(false);
    await until(() => element.shadowRoot!.activeElement === element.shadowRoot!.querySelector('[part~=search-input]'), 'Ctrl+F opens it again');
  });

  it('draws the hits on the seek rail, where they showed, and lists the keys in the help', async () => {
    const element = await searchable();
    press(element, '/');
    await element.updateComplete;
    type(part<HTMLInputElement>(element, 'search-input'), 'prod-db');
    await until(() => element.shadowRoot!.querySelectorAll('[part~=search-hit]').length === 2, 'two hits on the rail');
    const rail = part(element, 'search-hits').getBoundingClientRect();
    const hits = [...element.shadowRoot!.querySelectorAll<HTMLElement>('[part~=search-hit]')].map((hit) => hit.getBoundingClientRect());
    // 1–2 s and 4–5 s of 6 s.
    for (const [hit, [from, to]] of hits.map((hit, index) => [hit, [[1, 2], [4, 5]][index]!] as const)) {
      expect((hit.left - rail.left) / rail.width).to.be.closeTo(from / 6, 0.01);
      expect((hit.right - rail.left) / rail.width).to.be.closeTo(to / 6, 0.01);
    }
    expect(getComputedStyle(element.shadowRoot!.querySelector('[part~=search-hit]')!).backgroundColor).to.equal('rgb(249, 200, 0)');
    element.style.setProperty('--drp-search-hit-color', 'rgb(1, 2, 3)');
    expect(getComputedStyle(element.shadowRoot!.querySelector('[part~=search-hit]')!).backgroundColor).to.equal('rgb(1, 2, 3)');

    const seeked = nextEvent(element, 'seeked');
    element.shadowRoot!.querySelectorAll<HTMLElement>('[part~=search-hit]')[1]!.click();
    await seeked;
    expect(element.currentTime, 'a hit on the rail jumps to it').to.equal(4);

    press(element, '?');
    await element.updateComplete;
    expect(part(element, 'help-panel').textContent).to.contain('/ · Ctrl+F').and.contain('Search the text on the screen');
  });

  for (const fit of ['contain', 'cover', 'fill', 'none'] as const) {
    it(`outlines the words jumped to at their box on the screen (fit ${fit}), for a moment`, async () => {
      const element = await searchable({ fit });
      element.style.height = '400px';
      press(element, '/');
      await element.updateComplete;
      type(part<HTMLInputElement>(element, 'search-input'), 'password manager');
      await until(() => element.shadowRoot!.querySelectorAll('[part~=search-result]').length === 1, 'one result');
      const seeked = nextEvent(element, 'seeked');
      element.shadowRoot!.querySelector<HTMLElement>('[part~=search-result]')!.click();
      await seeked;
      await element.updateComplete;
      expect(element.currentTime).to.equal(3);
      const outline = part(element, 'search-outline').getBoundingClientRect();
      const host = element.getBoundingClientRect();
      const place = screenPlacement(fit, host.width, host.height, 256, 128);
      // "Password Manager": x 4 to 4 + 7 × 7 = 53 … 70 + 49 = 119, y 40, 12 high; 3 px around it.
      expect(outline.left - host.left).to.be.closeTo(place.x + 4 * place.scaleX - 3, 0.5);
      expect(outline.top - host.top).to.be.closeTo(place.y + 40 * place.scaleY - 3, 0.5);
      expect(outline.width).to.be.closeTo(115 * place.scaleX + 6, 0.5);
      expect(outline.height).to.be.closeTo(12 * place.scaleY + 6, 0.5);
      await until(() => !element.shadowRoot!.querySelector('[part~=search-outline]'), 'the outline goes after a moment', 20_000);
    });
  }

  for (const theme of ['dark', 'light'] as const) {
    it(`is accessible: axe finds nothing with results listed and one active (${theme} theme)`, async () => {
      const element = await searchable({ theme });
      press(element, '/');
      await element.updateComplete;
      const input = part<HTMLInputElement>(element, 'search-input');
      type(input, 'ssh prod-db');
      await until(() => element.shadowRoot!.querySelectorAll('[part~=search-result]').length === 2, 'two results are listed');
      press(input, 'ArrowDown');
      await element.updateComplete;
      const results = await axe.run(element, { resultTypes: ['violations'] });
      expect(results.violations.map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' > ')).join(', ')}`)).to.deep.equal([]);
    });
  }

  it('speaks German where the element does', async () => {
    const element = await searchable({ lang: 'de' });
    expect(part(element, 'search-button').getAttribute('aria-label')).to.equal('Text auf dem Bildschirm suchen');
    press(element, '/');
    await element.updateComplete;
    type(part<HTMLInputElement>(element, 'search-input'), 'manager');
    await until(() => part(element, 'search-status').textContent!.includes('1 Treffer'), 'the count in German');
  });
});
