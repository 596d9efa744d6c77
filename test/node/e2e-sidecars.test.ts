// End to end: the server's page (page/index.html) on the real recordings server with a recording's
// sidecars beside it — its text index (committed beside the 1280×720 sample) and review notes
// saved for it — driven in headless Chromium (puppeteer-core). The page gives the player the text
// index the list advertises, for the file and for the playback websocket, and loads the notes.
// It loads the built player (dist/): `npm test` builds first; alone, run `npm run build` first.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'puppeteer-core';
import { serve, type RecordingsServer } from '../../src/cli/serve.js';
import { chromiumMissing, launchChromium } from '../helpers/chromium.js';
import { loopbackUrl } from '../helpers/loopback.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const SD = '6c0e1e5a-8d6b-4a51-9a0c-2f4b1c7d0720';
const HD = '9a7f3c21-0b4e-4f8a-8c3d-5e6f7a8b1080';

type PlayerElement = HTMLElement & {
  textSearch: boolean;
  textIndex?: string;
  readyState: number;
  reviewNotes: Array<{ text: string }>;
  search(query: string): Promise<Array<{ time: number; text: string }>>;
};

describe('the server page with sidecars', { skip: chromiumMissing }, () => {
  let dir = '';
  let server: RecordingsServer;
  let base = '';
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  before(async () => {
    assert.ok(existsSync(join(root, 'dist/desktop-recording-player.js')), 'dist/ is not built: run `npm run build` first');
    dir = await mkdtemp(join(tmpdir(), 'drp-e2e-sidecars-'));
    for (const sid of [SD, HD]) await copyFile(join(root, 'demo/recordings', `${sid}.tar`), join(dir, `${sid}.tar`));
    await copyFile(join(root, 'demo/recordings', `${SD}.text.json`), join(dir, `${SD}.text.json`));
    const sha256 = createHash('sha256').update(await readFile(join(dir, `${SD}.tar`))).digest('hex');
    const note = { id: 'n1', time: 12, severity: 'warning', text: 'downloads folder opened', created: '2026-12-07T02:00:00.000Z' };
    await writeFile(join(dir, `${SD}.review.json`), JSON.stringify({ format: 'desktop-recording-review', version: 1, sessionId: SD, recordingSha256: sha256, notes: [note], coverage: [[0, 10]] }));
    server = await serve({ recordingsDir: dir, root, port: 0, host: '127.0.0.1' });
    base = loopbackUrl(server);
    browser = await launchChromium({ defaultViewport: { width: 1280, height: 800 } });
    page = await browser.newPage();
    page.on('pageerror', (error) => pageErrors.push(error instanceof Error ? error.message : String(error)));
  });

  after(async () => {
    await browser?.close();
    if (server) await new Promise((done) => server.close(done));
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const player = () => page.$eval('desktop-recording-player', (element) => {
    const p = element as PlayerElement;
    return { textSearch: p.textSearch, textIndex: p.getAttribute('text-index'), src: p.getAttribute('src') ?? (p as unknown as { src: string }).src };
  });
  const search = (query: string) => page.$eval('desktop-recording-player', (element, q) => (element as PlayerElement).search(q), query);

  test('a recording with a text index: the page sets text-index from the list, search works, and the review notes are loaded', async () => {
    await page.goto(`${base}/?sid=${SD}`);
    await page.waitForFunction(() => (document.querySelector('desktop-recording-player') as PlayerElement | null)?.getAttribute('text-index'));
    assert.deepEqual({ ...(await player()), src: undefined }, { textSearch: true, textIndex: `/recordings/${SD}.text.json`, src: undefined });
    const hits = await search('Downloads');
    assert.ok(hits.length > 0 && hits[0]!.text.includes('Downloads'), JSON.stringify(hits.slice(0, 2)));
    await page.waitForFunction(() => (document.querySelector('desktop-recording-player') as PlayerElement).reviewNotes.length === 1, { timeout: 30_000 });
    assert.equal(await page.$eval('desktop-recording-player', (element) => (element as PlayerElement).reviewNotes[0]!.text), 'downloads folder opened');
  });

  test('played from the playback websocket, the same sidecar is searched', async () => {
    await page.goto(`${base}/?sid=${SD}&mode=ws`);
    await page.waitForFunction(() => (document.querySelector('desktop-recording-player') as unknown as { src: string } | null)?.src.startsWith('ws'));
    assert.equal((await player()).textIndex, `/recordings/${SD}.text.json`);
    const hits = await search('Downloads');
    assert.ok(hits.length > 0, 'hits from the sidecar');
  });

  test('a recording without a text index: text search stays off, and the previous index is not kept', async () => {
    await page.goto(`${base}/?sid=${SD}`);
    await page.waitForFunction(() => (document.querySelector('desktop-recording-player') as PlayerElement | null)?.textSearch === true);
    await page.locator(`#rows tr[data-sid="${HD}"] a.play`).click();
    await page.waitForFunction((hd) => (document.querySelector('desktop-recording-player') as unknown as { src: string }).src.includes(hd), {}, HD);
    assert.deepEqual({ ...(await player()), src: undefined }, { textSearch: false, textIndex: null, src: undefined });
    assert.deepEqual(pageErrors, []);
  });
});
