// custom-elements.json (made by the build from the element's JSDoc) against the element itself:
// every attribute, public property and method, event, CSS part and custom property is documented.
import { expect } from '@open-wc/testing';
import { DesktopRecordingPlayer } from '../../src/index.js';
import { MediaEvent } from '../../src/playback-state.js';
import { searchStyles } from '../../src/element/text-search.js';
import { serializeTextIndex } from '../../src/core/text-index/format.js';
import { reviewStyles } from '../../src/element/review-tools.js';
import { trackStyles } from '../../src/element/transfer-tracks.js';
import { part, player, revokeUrls, richRecording, until, urlOf } from './element-fixtures.js';

interface Documented {
  name: string;
  description?: string;
  privacy?: string;
  kind?: string;
}

interface ElementDeclaration {
  tagName: string;
  attributes: Documented[];
  members: Documented[];
  events: Documented[];
  cssParts: Documented[];
  cssProperties: Documented[];
}

let declaration: ElementDeclaration;

const names = (entries: Documented[]) => entries.map((entry) => entry.name).sort();
const undocumented = (entries: Documented[]) => entries.filter((entry) => !entry.description?.trim()).map((entry) => entry.name);

describe('custom-elements.json', () => {
  before(async () => {
    const manifest = (await (await fetch('/custom-elements.json')).json()) as { modules: Array<{ declarations?: Array<Partial<ElementDeclaration>> }> };
    declaration = manifest.modules.flatMap((module) => module.declarations ?? []).find((entry) => entry.tagName === 'desktop-recording-player') as ElementDeclaration;
  });
  after(revokeUrls);

  it('has the element, its observed attributes, each described', () => {
    expect(declaration, 'the element is in the manifest').to.exist;
    expect(names(declaration.attributes)).to.deep.equal([...DesktopRecordingPlayer.observedAttributes].sort());
    expect(undocumented(declaration.attributes)).to.deep.equal([]);
  });

  it('has every public property and method (no internals), each described', () => {
    const internal = new Set(['constructor', 'render', 'updated', 'firstUpdated', 'connectedCallback', 'disconnectedCallback', 'attributeChangedCallback']);
    const state = Object.entries(DesktopRecordingPlayer.properties).filter(([, options]) => options.state).map(([name]) => name);
    const onPrototype = Object.getOwnPropertyNames(DesktopRecordingPlayer.prototype).filter((name) => !internal.has(name) && !state.includes(name));
    // Plain fields (no accessor on the prototype) are instance properties.
    const fields = ['authToken', 'defaultPlaybackRate'];
    // The one static method of the API (lit's own statics are lit's).
    const statics = ['registerStrings'];
    expect(DesktopRecordingPlayer.registerStrings).to.be.a('function');
    expect(names(declaration.members)).to.deep.equal([...onPrototype, ...fields, ...statics].sort());
    expect(declaration.members.filter((member) => member.privacy === 'private')).to.deep.equal([]);
    expect(undocumented(declaration.members)).to.deep.equal([]);
  });

  it('has every media event and marker, activitychange and textindexprogress, each described', () => {
    expect(names(declaration.events)).to.deep.equal([...Object.values(MediaEvent), 'activitychange', 'textindexprogress', 'reviewnoteschange'].sort());
    expect(undocumented(declaration.events)).to.deep.equal([]);
  });

  it('has every --drp-* custom property the styles read, each described', () => {
    // With the styles of the lazy chunks: the transfer and clipboard lanes, text search, the review tools.
    const styles = [DesktopRecordingPlayer.styles, trackStyles, searchStyles, reviewStyles].flat().map((style) => String((style as { cssText: string }).cssText)).join('\n');
    const read = [...new Set(styles.match(/--drp-[\w-]+/g))].sort();
    expect(names(declaration.cssProperties)).to.deep.equal(read);
    expect(undocumented(declaration.cssProperties)).to.deep.equal([]);
  });

  it('has every part the shadow DOM shows, each described', async () => {
    // Text search on, with a sidecar index: its button, box, results, rail hits and outline (a chunk too).
    const index = serializeTextIndex({ durationMs: 6000, coveredMs: 6000, screen: { width: 256, height: 128 }, engine: 'test', words: [{ text: 'invoices', startMs: 1000, endMs: 3000, box: { x: 10, y: 10, width: 50, height: 12 }, line: 0, confidence: 90 }] });
    const element = await player(urlOf(await richRecording()), {
      poster: 'data:image/gif;base64,R0lGODlhAQABAAAAACw=',
      'text-search': '',
      'text-index': urlOf(new TextEncoder().encode(index)),
    });
    const seen = new Set<string>();
    const collect = () => element.shadowRoot!.querySelectorAll('[part]').forEach((node) => node.getAttribute('part')!.split(/\s+/).forEach((name) => seen.add(name)));
    // Its clipboard send brings the lanes (a chunk, loaded once the recording has such a marker).
    await until(() => !!element.shadowRoot!.querySelector('[part~=lanes]'), 'the lanes');
    // The evidence button is a chunk too, loaded once the recording shows.
    await until(() => !!element.shadowRoot!.querySelector('[part~=evidence-button]'), 'the evidence button');
    // Notes of each severity, one over a range, and coverage (from a sidecar of this recording).
    const created = '2026-12-07T00:00:00.000Z';
    await element.importReviewNotes({
      ...(await element.exportReviewNotes()),
      notes: [
        { id: '1', time: 1, severity: 'info', text: 'a', created },
        { id: '2', time: 2, severity: 'warning', text: 'b', created },
        { id: '3', time: 3, endTime: 4, severity: 'critical', text: 'c', created },
      ],
      coverage: [[0, 2]],
    });
    await element.updateComplete;
    collect();
    for (const panel of ['markers', 'notes', 'info', 'help']) {
      part<HTMLButtonElement>(element, `${panel}-button`).click();
      await element.updateComplete;
      collect();
    }
    await until(() => !!element.shadowRoot!.querySelector('[part~=search-button]'), 'the search button');
    part<HTMLButtonElement>(element, 'search-button').click();
    await element.updateComplete;
    const input = part<HTMLInputElement>(element, 'search-input');
    input.value = 'invoices';
    input.dispatchEvent(new InputEvent('input'));
    await until(() => !!element.shadowRoot!.querySelector('[part~=search-result]'), 'a result');
    element.shadowRoot!.querySelector<HTMLElement>('[part~=search-result]')!.click();
    await element.updateComplete;
    collect();
    const documented = new Set(names(declaration.cssParts));
    expect([...seen].filter((name) => !documented.has(name))).to.deep.equal([]);
    // The ones this run cannot show (poster before load, dismiss of a damaged recording, the live
    // badge, a running export's progress and its cancel button, lane bars of the kinds it has none
    // of: files read or written, clipboard received; a range being marked on the rail; the hover
    // tooltip's "not loaded yet", over time not read; the approximate screen of a seek that waits for
    // the download, which approximate-screen.test.ts shows) are documented too.
    expect([...documented].filter((name) => !seen.has(name)).sort()).to.deep.equal([
      'approximate',
      'approximate-label',
      'approximate-screen',
      'cancel-button',
      'dismiss-button',
      'export-progress',
      'lane-bar-read',
      'lane-bar-receive',
      'lane-bar-write',
      'live',
      'note-selection',
      'poster',
      'thumbnail-unloaded',
    ]);
    expect(undocumented(declaration.cssParts)).to.deep.equal([]);
  });
});
