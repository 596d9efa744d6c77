// Text search of a recording played from a playback websocket (the project's recordings server on
// loopback, test/tools/playback-server-plugin.mjs): its sidecar index is searched as for a file;
// without one the player cannot build an index (there is no file to read), and says so.
import { expect, fixture, html } from '@open-wc/testing';
import '../../src/define.js';
import type { DesktopRecordingPlayer, TextIndexProgress } from '../../src/index.js';
import { nextEvent } from '../helpers/next-event.js';
import { part, press, until } from './element-fixtures.js';

const SESSION = '6c0e1e5a-8d6b-4a51-9a0c-2f4b1c7d0720';
const SIDECAR = `/demo/recordings/${SESSION}.text.json`;

let socketUrl = '';

async function socketPlayer(attributes: { textIndex?: string }): Promise<DesktopRecordingPlayer> {
  const element = await fixture<DesktopRecordingPlayer>(html`<desktop-recording-player controls style="width: 480px" duration-hint="122"></desktop-recording-player>`);
  element.textSearch = true;
  element.textSearchSrc = '/text-search/';
  if (attributes.textIndex) element.textIndex = attributes.textIndex;
  element.src = socketUrl;
  await nextEvent(element, 'loadedmetadata');
  return element;
}

/** The rejection of `promise` (fails when it resolves). */
async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('it resolved');
}

const ocrRequested = () => performance.getEntriesByType('resource').some(({ name }) => /text-index\.worker|tesseract|traineddata/.test(name));

describe('text search on a playback websocket', function () {
  this.timeout(60_000);

  before(async () => {
    const servers = (await (await fetch('/__playback-servers')).json()) as { open: string };
    socketUrl = `${servers.open}/webapi/sites/demo/desktopplayback/${SESSION}/ws`;
  });

  it('searches the sidecar at text-index, as for a file, and tells its coverage', async () => {
    const told: TextIndexProgress[] = [];
    const element = await fixture<DesktopRecordingPlayer>(html`<desktop-recording-player controls style="width: 480px" duration-hint="122"></desktop-recording-player>`);
    element.addEventListener('textindexprogress', (event) => told.push(event.detail));
    element.textSearch = true;
    element.textIndex = SIDECAR;
    element.src = socketUrl;
    const hits = await element.search('Downloads');
    expect(hits.length).to.be.greaterThan(0);
    expect(hits[0]!.text).to.contain('Downloads');
    expect(hits[0]!.time).to.equal(1.1);
    expect(told[0]).to.deep.equal({ covered: 121.9, duration: 121.9, complete: true });
    press(element, '/');
    await until(() => !!element.shadowRoot!.querySelector('[part~=search-status]'), 'the search box');
    expect(part(element, 'search-status').textContent).not.to.contain('websocket');
  });

  it('without a sidecar: search() rejects with a NotSupportedError saying why, the box says it, and no OCR is loaded', async () => {
    const element = await socketPlayer({});
    const error = await rejection(element.search('Downloads'));
    expect(error.name).to.equal('NotSupportedError');
    expect(error.message).to.contain('playback websocket').and.contain('text-index');
    press(element, '/');
    await until(() => !!element.shadowRoot!.querySelector('[part~=search-status]'), 'the search box');
    expect(part(element, 'search-status').textContent).to.equal(error.message);
    expect(ocrRequested(), 'no index worker or OCR file was fetched').to.equal(false);
  });

  it('with a sidecar that cannot be read: the same reason, and what went wrong with the sidecar', async () => {
    const element = await socketPlayer({ textIndex: '/no/such/index.text.json' });
    const error = await rejection(element.search('Downloads'));
    expect(error.name).to.equal('NotSupportedError');
    expect(error.message).to.contain('playback websocket').and.contain('The text index could not be read');
    press(element, '/');
    await until(() => element.shadowRoot!.querySelector('[part~=search-status]')?.textContent === error.message, 'the box says the same');
    expect(ocrRequested()).to.equal(false);
  });
});
