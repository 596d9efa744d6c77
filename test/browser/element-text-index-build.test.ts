// The text index built by the element itself (text-search without a readable sidecar), from the
// OCR files at text-search-src (here /text-search/, the installed packages): after canplaythrough,
// only while the player is paused and not seeking, ended by a new recording.
import { expect, fixture, html } from '@open-wc/testing';
import type { DesktopRecordingPlayer, TextIndexProgress } from '../../src/index.js';
import { nextEvent, part, player, press, revokeUrls, richRecording, until, urlOf } from './element-fixtures.js';
import { textRecording, twoScreens } from './text-recordings.js';

describe('text search: the index built by the player', function () {
  // OCR of a few small screens on a loaded machine.
  this.timeout(180_000);
  afterEach(revokeUrls);

  it('builds it after canplaythrough from the self-hosted OCR files when the sidecar cannot be read, tells its progress, and searches it', async () => {
    const told: TextIndexProgress[] = [];
    const element = await fixture<DesktopRecordingPlayer>(html`<desktop-recording-player controls style="width: 640px"></desktop-recording-player>`);
    element.addEventListener('textindexprogress', (event) => told.push(event.detail));
    element.textSearch = true;
    element.textSearchSrc = '/text-search/';
    element.textIndex = '/no/such/index.text.json';
    const complete = new Promise<void>((resolve) => element.addEventListener('textindexprogress', (event) => event.detail.complete && resolve()));
    element.src = urlOf(new Uint8Array(await (await twoScreens()).arrayBuffer()));
    await complete;
    expect(told.at(-1)).to.deep.equal({ covered: 6, duration: 6, complete: true });
    expect(told.every(({ duration }) => duration === 6)).to.equal(true);
    expect((await element.search('invoices')).map((hit) => [hit.time, hit.endTime])).to.deep.equal([[0, 3]]);
    expect((await element.search('termnal connected')).map((hit) => hit.text)).to.deep.equal(['Terminal connected']);
  });

  it('reads nothing while the player plays (the status says so), and goes on once it paused', async () => {
    const element = await player(urlOf(new Uint8Array(await (await twoScreens()).arrayBuffer())), { 'text-search-src': '/text-search/' });
    const told: Array<TextIndexProgress & { paused: boolean }> = [];
    element.addEventListener('textindexprogress', (event) => told.push({ ...event.detail, paused: element.paused }));
    await element.play();
    // Turned on while playing: the index worker starts held.
    element.textSearch = true;
    await until(() => !!element.shadowRoot!.querySelector('[part~=search-button]'), 'the search button');
    press(element, '/');
    await until(() => !!element.shadowRoot!.querySelector('[part~=search-status]'), 'the search box');
    await until(() => part(element, 'search-status').textContent!.includes('read while playback is paused'), 'the status says why');
    await nextEvent(element, 'ended', 30_000);
    expect(told, 'nothing was read while playing').to.deep.equal([]);
    await until(() => told.some(({ complete }) => complete), 'indexed once paused', 120_000);
    expect(told.every(({ paused }) => paused)).to.equal(true);
  });

  it('a new src ends the indexing of the old recording and indexes the new one', async () => {
    const long = await textRecording(
      Array.from({ length: 12 }, (_, index) => [index * 1000, `Invoice number ${index + 1} approved`] as [number, string]),
      12_000,
    );
    const element = await fixture<DesktopRecordingPlayer>(html`<desktop-recording-player controls text-search text-search-src="/text-search/"></desktop-recording-player>`);
    const told: TextIndexProgress[] = [];
    element.addEventListener('textindexprogress', (event) => told.push(event.detail));
    const first = nextEvent(element, 'textindexprogress');
    element.src = urlOf(new Uint8Array(await long.arrayBuffer()));
    await first;
    expect(told.at(-1)!.complete, 'still indexing the 12 s recording').to.equal(false);

    const loadstart = nextEvent(element, 'loadstart');
    element.src = urlOf(new Uint8Array(await (await twoScreens()).arrayBuffer()));
    await loadstart;
    told.length = 0;
    await until(() => told.some(({ complete }) => complete), 'the new recording is indexed', 170_000);
    expect(told.map(({ duration }) => duration), 'nothing more of the old one').to.satisfy((durations: number[]) => durations.every((duration) => duration === 6));
    expect(await element.search('invoice number'), 'the old words are gone').to.deep.equal([]);
    expect(await element.search('invoices')).to.have.length(1);
  });

  it('text-search-src where there are no OCR files: the build fails at once, and says so', async () => {
    const element = await player(urlOf(await richRecording()), { 'text-search': '', 'text-search-src': '/no/ocr/here/' });
    press(element, '/');
    await until(() => !!element.shadowRoot!.querySelector('[part~=search-status]'), 'the search box');
    await until(() => part(element, 'search-status').textContent!.includes('could not be read'), 'the failure is shown', 60_000);
    const error = await element.search('x').catch((e: Error) => e);
    expect((error as Error).message).to.contain('the text index could not be built');
  });

  it('search() without text-search-src or a sidecar says what is missing', async () => {
    const element = await player(urlOf(await richRecording()), { 'text-search': '' });
    const error = await element.search('x').catch((e: DOMException) => e);
    expect((error as DOMException).name).to.equal('NotSupportedError');
    expect((error as DOMException).message).to.contain('text-search-src');
    press(element, '/');
    await element.updateComplete;
    expect(part(element, 'search-status').textContent).to.contain('text-search-src');
  });
});
