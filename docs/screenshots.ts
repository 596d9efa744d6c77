// Screenshots of the player for the README (docs/*.png): paused with its controls, the hover
// thumbnail on the seek bar, a partly damaged recording, review notes and text search. They come
// from the built player (run `npm run build` first) on the demo server with the committed samples, in headless Chromium.
//   npx tsx docs/screenshots.ts
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import puppeteer, { type Page } from 'puppeteer-core';
import { serve } from '../src/cli/serve.js';
import { loopbackUrl } from '../test/helpers/loopback.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const { chromiumFlags, chromiumPath } = (await import(new URL('../test/tools/chromium.mjs', import.meta.url).href)) as {
  chromiumFlags: string[];
  chromiumPath(): string;
};
const HD = '9a7f3c21-0b4e-4f8a-8c3d-5e6f7a8b1080'; // bob@example.com → win-dc-01, 1920×1080, 1:31
const WALKTHROUGH = '6c0e1e5a-8d6b-4a51-9a0c-2f4b1c7d0720'; // 1280×720, 2:02: a file share read, a clipboard copy

const server = await serve({ recordingsDir: `${root}demo/recordings`, root, port: 0, host: '127.0.0.1' });
const base = loopbackUrl(server);
const browser = await puppeteer.launch({ executablePath: chromiumPath(), args: chromiumFlags, headless: true });
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));
try {
  const page = await browser.newPage();
  await page.setViewport({ width: 1000, height: 620, deviceScaleFactor: 1 });
  page.on('console', (message) => message.type() === 'error' && console.error(`console: ${message.text()}`));
  page.on('pageerror', (error) => console.error(`page error: ${error instanceof Error ? error.message : String(error)}`));
  // The demo server's page gives the origin (the player's worker must be same-origin); its list is
  // cleared and the built player loaded beside it. (No request interception: Chromium does not
  // always let a module worker's requests through it.)
  await page.goto(`${base}/`);
  await page.evaluate(async (player) => {
    document.body.replaceChildren();
    await import(player);
  }, `${base}/dist/desktop-recording-player.js`);
  await page.waitForFunction(() => customElements.get('desktop-recording-player') !== undefined);

  // 1. Paused mid-session, controls showing (markers on the bar, activity strip under it).
  await showPlayer(page, `${base}/recordings/${HD}.tar`);
  await seek(page, 44);
  await page.mouse.move(500, 300);
  await sleep(300);
  await shoot(page, 'player-paused.png');

  // 2. Hovering the seek bar: the time, the nearest marker, and a thumbnail of the screen there.
  const slider = await (await page.$('desktop-recording-player >>> [part~="slider"]'))?.boundingBox();
  if (!slider) throw new Error('no seek slider');
  await page.mouse.move(slider.x + slider.width * 0.7, slider.y + slider.height / 2);
  await page.waitForFunction(() => {
    const thumbnail = document.querySelector('desktop-recording-player')!.shadowRoot!.querySelector<HTMLCanvasElement>('[part~="thumbnail"]');
    return thumbnail !== null && !thumbnail.hidden && thumbnail.width > 0;
  });
  await sleep(200);
  await shoot(page, 'player-hover.png');

  // 3. A recording cut off in the middle: the error says what happened, the part before plays.
  const whole = await readFile(`${root}demo/recordings/${HD}.tar`);
  await page.evaluate(async (bytes) => {
    const cut = new Uint8Array(bytes).subarray(0, Math.floor(bytes.length * 0.55));
    Object.assign(window, { damagedUrl: URL.createObjectURL(new Blob([cut])) });
  }, [...whole]);
  await showPlayer(page, await page.evaluate(() => (window as unknown as { damagedUrl: string }).damagedUrl));
  await page.waitForFunction(() => document.querySelector<HTMLVideoElement>('desktop-recording-player')!.error !== null);
  await seek(page, 20);
  await page.mouse.move(500, 300);
  await sleep(300);
  await shoot(page, 'player-error.png');

  // 4. Review notes on the timeline and in their panel, with the review coverage band.
  await showPlayer(page, `${base}/recordings/${WALKTHROUGH}.tar`);
  await page.evaluate(async () => {
    type ReviewPlayer = HTMLElement & { exportReviewNotes(): Promise<object>; importReviewNotes(sidecar: object): Promise<void> };
    const player = document.querySelector('desktop-recording-player') as ReviewPlayer;
    const created = '2026-12-07T09:00:00.000Z';
    await player.importReviewNotes({
      ...(await player.exportReviewNotes()),
      notes: [
        { id: 'logon', time: 2, severity: 'info', text: 'Signs in; opens the file share.', created },
        { id: 'report', time: 25.2, endTime: 27, severity: 'critical', text: 'Reads report.pdf (572 KB) from the shared directory.', created },
        { id: 'clipboard', time: 51.3, severity: 'warning', text: 'Copies text out of the desktop.', created },
      ],
      coverage: [[0, 40], [80, 105]],
    });
  });
  await seek(page, 25.5);
  await page.mouse.move(500, 300);
  await clickPart(page, 'notes-button');
  await page.waitForFunction(() => document.querySelector('desktop-recording-player')!.shadowRoot!.querySelector('[part~="note-row"]') !== null);
  await sleep(300);
  await shoot(page, 'player-review.png');

  // 5. Searching the screen's text (from the index made ahead of time beside the recording).
  // The recordings server serves recordings only: the sidecar index comes to the page as a blob: URL.
  const index = await readFile(`${root}demo/recordings/${WALKTHROUGH}.text.json`, 'utf8');
  const indexUrl = await page.evaluate((json) => URL.createObjectURL(new Blob([json], { type: 'application/json' })), index);
  await showPlayer(page, `${base}/recordings/${WALKTHROUGH}.tar`, { 'text-search': '', 'text-index': indexUrl });
  await seek(page, 30);
  await page.mouse.move(500, 300);
  // The search code is a chunk: its button shows once it is in.
  await page.waitForFunction(() => document.querySelector('desktop-recording-player')!.shadowRoot!.querySelector('[part~="search-button"]') !== null);
  await clickPart(page, 'search-button');
  await page.waitForFunction(() => document.querySelector('desktop-recording-player')!.shadowRoot!.querySelector('[part~="search-input"]') !== null);
  await page.evaluate(() => {
    const input = document.querySelector('desktop-recording-player')!.shadowRoot!.querySelector<HTMLInputElement>('[part~="search-input"]')!;
    input.value = 'roadmap';
    input.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true }));
  });
  await page.waitForFunction(() => document.querySelector('desktop-recording-player')!.shadowRoot!.querySelector('[part~="search-result"]') !== null);
  await sleep(300);
  await shoot(page, 'player-search.png');
} finally {
  await browser.close();
  await new Promise<void>((done) => server.close(() => done()));
}

/** Replaces the page with one 960 px player on `src` (and `attributes`), loaded to its end. */
async function showPlayer(page: Page, src: string, attributes: Record<string, string> = {}): Promise<void> {
  await page.evaluate(async (url, extra) => {
    document.body.replaceChildren();
    document.body.style.cssText = 'margin: 0; padding: 20px; background: #1b1f24';
    const player = document.createElement('desktop-recording-player') as HTMLElement & { src: string };
    player.setAttribute('controls', '');
    for (const [name, value] of Object.entries(extra)) player.setAttribute(name, value);
    player.style.width = '960px';
    document.body.append(player);
    const loaded = new Promise((resolve) => {
      player.addEventListener('canplaythrough', resolve, { once: true });
      player.addEventListener('error', resolve, { once: true });
    });
    player.src = url;
    await loaded;
  }, src, attributes);
}

async function clickPart(page: Page, name: string): Promise<void> {
  await page.evaluate((part) => document.querySelector('desktop-recording-player')!.shadowRoot!.querySelector<HTMLElement>(`[part~="${part}"]`)!.click(), name);
}

async function seek(page: Page, seconds: number): Promise<void> {
  await page.evaluate(async (time) => {
    const player = document.querySelector<HTMLVideoElement>('desktop-recording-player')!;
    const seeked = new Promise((resolve) => player.addEventListener('seeked', resolve, { once: true }));
    player.currentTime = time;
    await seeked;
  }, seconds);
}

async function shoot(page: Page, name: string): Promise<void> {
  const player = await page.$('desktop-recording-player');
  if (!player) throw new Error('no player on the page');
  await player.screenshot({ path: `${root}docs/${name}` });
  console.log(`docs/${name}`);
}
