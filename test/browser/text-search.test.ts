// Searching the text on the screen through the element, from a sidecar text index.
import { expect, fixture, html } from '@open-wc/testing';
import { serializeTextIndex, type IndexedWord } from '../../src/core/text-index/format.js';
import type { DesktopRecordingPlayer, TextIndexProgress } from '../../src/index.js';
import { nextEvent, player, revokeUrls, richRecording, urlOf } from './element-fixtures.js';

function word(text: string, startMs: number, endMs: number, x: number, line: number): IndexedWord {
  return { text, startMs, endMs, box: { x, y: 40, width: text.length * 7, height: 12 }, line, confidence: 90 };
}

/** A 60 s index: "ssh prod-db" from 2 s to 9 s, "Password Manager" from 12 s to the end. */
function indexUrl(coveredMs = 60_000): string {
  const json = serializeTextIndex({
    durationMs: 60_000, coveredMs, screen: { width: 640, height: 480 }, engine: 'test',
    words: [word('$', 2000, 9000, 4, 0), word('ssh', 2000, 9000, 20, 0), word('prod-db', 2000, 9000, 50, 0), word('Password', 12_000, 60_000, 4, 1), word('Manager', 12_000, 60_000, 70, 1)],
  });
  return URL.createObjectURL(new Blob([json], { type: 'application/json' }));
}

describe('search()', () => {
  afterEach(revokeUrls);

  it('finds words in the sidecar text index with their time range, line and box; tells the coverage once', async () => {
    const element = await player(urlOf(await richRecording()), { 'text-index': indexUrl() });
    const told: TextIndexProgress[] = [];
    element.addEventListener('textindexprogress', (event) => told.push(event.detail));
    const hits = await element.search('SSH prod-db');
    expect(hits).to.deep.equal([{ time: 2, endTime: 9, text: '$ ssh prod-db', box: { x: 20, y: 40, width: 79, height: 12 } }]);
    expect((await element.search('pasword')).map((hit) => [hit.time, hit.endTime])).to.deep.equal([[12, 60]], 'one typo in a long word');
    expect(await element.search('pasword', { exact: true })).to.deep.equal([]);
    expect(told).to.deep.equal([{ covered: 60, duration: 60, complete: true }]);
  });

  it('rejects without a text index, and with a clear error when the index cannot be read', async () => {
    const element = await fixture<DesktopRecordingPlayer>(html`<desktop-recording-player></desktop-recording-player>`);
    const missing = await element.search('x').catch((error: DOMException) => error);
    expect((missing as DOMException).name).to.equal('NotSupportedError');
    element.textIndex = URL.createObjectURL(new Blob(['{"format":"something else"}']));
    const bad = await element.search('x').catch((error: Error) => error);
    expect((bad as Error).message).to.match(/not a text index/);
    element.textIndex = indexUrl(30_000);
    const progress = nextEvent(element, 'textindexprogress') as Promise<CustomEvent<TextIndexProgress>>;
    expect(await element.search('manager')).to.have.length(1);
    expect((await progress).detail).to.deep.equal({ covered: 30, duration: 60, complete: false });
  });
});
