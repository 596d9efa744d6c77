// The built Storybook (storybook-static/; `npm test` builds it before the node tests) served by a
// small static server here, every story of its index.json loaded in headless Chromium
// (puppeteer-core), one page reused: no page errors, no console errors but the expected ones, a
// player on the page, and each player either playing (readyState ≥ 2, no error) or, in the error
// stories, failing with the expected `error.reason`. The "Streaming" story gets the demo server
// (src/cli/serve.ts, started here on port 0) through its `port` arg in the URL; the "Strict CSP"
// story's player is in its iframe, whose page must report no CSP violation.
import assert from 'node:assert/strict';
import { createReadStream, existsSync } from 'node:fs';
import { copyFile, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize, sep } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Browser, ConsoleMessage, Page } from 'puppeteer-core';
import { contentTypes, serve, type DemoServer } from '../../src/cli/serve.js';
import { chromiumMissing, launchChromium } from '../helpers/chromium.js';
import { loopbackUrl, portOf } from '../helpers/loopback.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const staticDir = join(root, 'storybook-static');
const built = existsSync(join(staticDir, 'index.json')) && existsSync(join(staticDir, 'iframe.html'));
const skip = chromiumMissing
  ? chromiumMissing
  : !built
    ? 'storybook-static/ is missing: run `npm run build && npm run build-storybook` first (npm test builds both)'
    : false;

/** The session the "Streaming" story plays over the playback websocket. */
const STREAMED = '6c0e1e5a-8d6b-4a51-9a0c-2f4b1c7d0720';

interface Expectation {
  /** The `error.reason` every player on the page ends with; without it, they play with no error. */
  error?: string;
  /** An error story whose player still plays what came before the damage (readyState ≥ 2). */
  plays?: boolean;
  /**
   * Console errors the story may cause on purpose: the browser's "Failed to load resource" line for
   * the failed request (Chromium logs none for a worker's fetch today, but would for the in-page engine).
   */
  console?: RegExp;
}

/** By story id (after `--`); stories not listed must play. */
const expectations: Record<string, Expectation> = {
  'not-a-recording': { error: 'not-a-recording' },
  'partly-damaged': { error: 'truncated', plays: true },
  encrypted: { error: 'encrypted' },
  'not-found': { error: 'http-status', console: /Failed to load resource: .*404/ },
  unreachable: { error: 'network', console: /Failed to load resource: net::ERR_CONNECTION_REFUSED/ },
};

/** A static file server for `dir` on 127.0.0.1 (GET and HEAD; a folder serves its index.html; anything else 404). */
async function serveStatic(dir: string): Promise<Server> {
  const server = createServer(async (request, response) => {
    try {
      let pathname = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname);
      // The browser asks for /favicon.ico by itself; Storybook ships an SVG one.
      if (pathname === '/favicon.ico') pathname = '/favicon.svg';
      let path = normalize(join(dir, pathname));
      if (path !== dir && !path.startsWith(dir + sep)) throw new Error('outside');
      if ((await stat(path)).isDirectory()) path = join(path, 'index.html');
      const { size } = await stat(path);
      response.writeHead(200, { 'content-type': contentTypes[extname(path)] ?? 'application/octet-stream', 'content-length': size, 'cache-control': 'no-store' });
      if (request.method === 'HEAD') response.end();
      else createReadStream(path).pipe(response);
    } catch {
      response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found');
    }
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return server;
}

interface PlayerState {
  readyState: number | undefined;
  error: { reason: string; message: string; partial: boolean } | null | undefined;
  src: string;
  buffered: number;
  cspViolations: string[] | undefined;
}

/** Every player of the story, on the page and in its (same-origin) iframes. Runs in the page. */
function playerStates(): PlayerState[] {
  type Player = HTMLElement & { readyState?: number; error?: PlayerState['error']; src?: string; buffered?: TimeRanges };
  type CspWindow = Window & { cspViolations?: Array<{ directive: string; blocked: string }> };
  const documents = [document, ...[...document.querySelectorAll('iframe')].map((frame) => frame.contentDocument)].filter((doc): doc is Document => doc !== null);
  return documents.flatMap((doc) =>
    [...doc.querySelectorAll<Player>('desktop-recording-player')].map((player) => ({
      readyState: player.readyState,
      error: player.error && { reason: player.error.reason, message: player.error.message, partial: player.error.partial },
      src: player.src ?? '',
      buffered: player.buffered?.length ? player.buffered.end(0) : 0,
      cspViolations: doc === document ? undefined : ((doc.defaultView as CspWindow | null)?.cspViolations ?? []).map(({ directive, blocked }) => `${directive} ${blocked}`),
    })),
  );
}

describe('Storybook: every story in headless Chromium', { skip }, () => {
  let server: Server;
  let demoDir = '';
  let demo: DemoServer;
  let browser: Browser;
  let page: Page;
  let base = '';
  let stories: Array<{ id: string; name: string }> = [];
  let pageErrors: string[] = [];
  let consoleErrors: string[] = [];
  /** Console texts the test logs itself, each with what to call when it arrives. */
  const barriers = new Map<string, () => void>();

  before(async () => {
    server = await serveStatic(staticDir);
    base = loopbackUrl(server);
    demoDir = await mkdtemp(join(tmpdir(), 'drp-storybook-'));
    await copyFile(join(root, 'demo/recordings', `${STREAMED}.tar`), join(demoDir, `${STREAMED}.tar`));
    // The "Partly loaded" story reads a recording file from it: Storybook's origin may (CORS).
    demo = await serve({ recordingsDir: demoDir, root, port: 0, host: '127.0.0.1', corsOrigin: base });
    const index = JSON.parse(await readFile(join(staticDir, 'index.json'), 'utf8')) as { entries: Record<string, { id: string; name: string; type: string }> };
    stories = Object.values(index.entries).filter((entry) => entry.type === 'story');
    browser = await launchChromium({ defaultViewport: { width: 1100, height: 900 } });
    page = await browser.newPage();
    await page.evaluateOnNewDocument(`window.playerStates = ${playerStates.toString()}`);
    page.on('pageerror', (error) => pageErrors.push(error instanceof Error ? error.message : String(error)));
    const onConsole = (message: ConsoleMessage): void => {
      if (message.type() !== 'error') return;
      const text = message.text();
      if (barriers.has(text)) barriers.get(text)!();
      else consoleErrors.push(text);
    };
    page.on('console', onConsole);
    page.on('workercreated', (worker) => worker.on('console', onConsole)); // the players' engines
  });

  after(async () => {
    await browser?.close();
    if (demo) await new Promise((done) => demo.close(done));
    if (server) await new Promise((done) => server.close(done));
    if (demoDir) await rm(demoDir, { recursive: true, force: true });
  });

  test('index.json lists the stories of the issue', () => {
    const ids = stories.map(({ id }) => id.split('--')[1]);
    for (const wanted of ['default', 'controls-dark', 'custom-theme', 'markers', 'full-hd-fast', 'skip-idle', 'no-controls', 'api-only', 'resize-mid-session', 'rdp-fast-path', 'streaming', 'partly-loaded', 'with-media-chrome', 'strict-csp', 'partly-damaged', 'not-a-recording', 'encrypted', 'not-found', 'unreachable']) {
      assert.ok(ids.includes(wanted), `story ${wanted} is in index.json (${ids.join(', ')})`);
    }
  });

  /**
   * Waits until the page has rendered twice after the players settled and every error the page and its
   * players' engines logged until then has reached the test: each logs a barrier, which the browser
   * reports after whatever that page or worker logged before it.
   */
  async function reportsSettled(): Promise<void> {
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
    /** Logs a barrier in `where`; resolves to its arrival (undefined when `where` has ended and `mayHaveEnded`). */
    const logBarrier = async (where: { evaluate(f: (text: string) => void, text: string): Promise<unknown> }, name: string, mayHaveEnded = false): Promise<Promise<void> | undefined> => {
      const text = `barrier ${name} ${Math.random()}`;
      const arrival = new Promise<void>((resolve) => barriers.set(text, resolve));
      try {
        await where.evaluate((barrier) => console.error(barrier), text);
        return arrival;
      } catch (error) {
        barriers.delete(text);
        if (mayHaveEnded) return undefined;
        throw error;
      }
    };
    // An engine that ended meanwhile logs nothing more: only the ones still running get a barrier.
    const arrivals = await Promise.all([logBarrier(page, 'page'), ...page.workers().map((worker, i) => logBarrier(worker, `worker ${i}`, true))]);
    await Promise.all(arrivals);
    barriers.clear();
  }

  /** Opens the story, waits until every player plays or fails as expected, and returns their states. */
  async function loadStory(id: string, expectation: Expectation, args = ''): Promise<PlayerState[]> {
    pageErrors = [];
    consoleErrors = [];
    await page.goto(`${base}/iframe.html?id=${encodeURIComponent(id)}&viewMode=story${args}`);
    try {
      await page.waitForFunction(
        ({ error, plays }) => {
          const players = (window as unknown as { playerStates(): PlayerState[] }).playerStates();
          return players.length > 0 && players.every((player) => (error ? player.error?.reason === error && (!plays || player.readyState! >= 2) : player.readyState! >= 2 || player.error));
        },
        { timeout: 20000, polling: 100 },
        { error: expectation.error, plays: expectation.plays },
      );
    } catch (error) {
      const states = await page.evaluate(() => (window as unknown as { playerStates(): PlayerState[] }).playerStates()).catch(() => []);
      throw new Error(`${id}: the players did not get there in 20 s: ${JSON.stringify(states)}; page errors: ${[...pageErrors, ...consoleErrors].join(' | ') || 'none'}`, { cause: error });
    }
    await reportsSettled();
    return page.evaluate(() => (window as unknown as { playerStates(): PlayerState[] }).playerStates());
  }

  /** No page errors; no console errors but the expected ones. */
  function assertQuiet(id: string, expectation: Expectation): void {
    assert.deepEqual(pageErrors, [], `${id}: page errors`);
    const unexpected = consoleErrors.filter((text) => !expectation.console?.test(text));
    assert.deepEqual(unexpected, [], `${id}: console errors`);
  }

  test('every story renders its player, and it plays or fails as the story says', { timeout: 600_000 }, async () => {
    for (const { id } of stories) {
      const key = id.split('--')[1]!;
      if (key === 'streaming' || key === 'partly-loaded') continue; // their own tests, with the demo server
      const expectation = expectations[key] ?? {};
      const states = await loadStory(id, expectation);
      assertQuiet(id, expectation);
      for (const state of states) {
        if (expectation.error) {
          assert.equal(state.error?.reason, expectation.error, `${id}: error reason (${state.error?.message})`);
          if (expectation.plays) assert.ok(state.readyState! >= 2, `${id}: plays what came before the damage`);
        } else {
          assert.equal(state.error, null, `${id}: no error (${JSON.stringify(state.error)})`);
          assert.ok(state.readyState! >= 2, `${id}: readyState ${state.readyState}`);
        }
        if (state.cspViolations) assert.deepEqual(state.cspViolations, [], `${id}: CSP violations in the iframe`);
      }
      if (key === 'strict-csp') assert.equal(states.length, 1, 'the strict-CSP page holds the player');
    }
  });

  test('Streaming: plays from the demo server\'s playback websocket, its buffered range growing', async () => {
    const id = stories.find((story) => story.id.endsWith('--streaming'))!.id;
    const port = portOf(demo);
    const [first] = await loadStory(id, {}, `&args=port:${port}`);
    assertQuiet(id, {});
    assert.equal(first!.src, `ws://127.0.0.1:${port}/webapi/sites/teleport.example.com/desktopplayback/${STREAMED}/ws`, 'the story took the port from its args');
    assert.equal(first!.error, null);
    assert.match(await page.$eval('.streaming-note', (note) => note.textContent ?? ''), /npm start/, 'the note says the story needs the demo server');
    // Server-paced: what has arrived grows in real time.
    await page.waitForFunction((from) => (window as unknown as { playerStates(): PlayerState[] }).playerStates()[0]!.buffered > from + 1, { timeout: 10000 }, first!.buffered);
  });

  test('Partly loaded: a paced file from the demo server, hatched past what was read, its seek near the end approximate until seeked', async () => {
    const id = stories.find((story) => story.id.endsWith('--partly-loaded'))!.id;
    const port = portOf(demo);
    pageErrors = [];
    consoleErrors = [];
    // Not through loadStory, which waits for a frame: the story seeks at its first frame, and the seek is what this test watches.
    await page.goto(`${base}/iframe.html?id=${encodeURIComponent(id)}&viewMode=story&args=port:${port};throttle:2mbit`);
    const player = 'document.querySelector("desktop-recording-player")';
    // The seek near the end waits for the download, its approximate screen shown.
    await page.waitForFunction(`${player}?.seeking && !!${player}.shadowRoot.querySelector('[part~="approximate"]')?.isConnected`, { timeout: 30000, polling: 50 });
    const shown = (await page.evaluate(`({
      src: ${player}.src,
      duration: ${player}.duration,
      read: ${player}.buffered.end(0),
      label: ${player}.shadowRoot.querySelector('[part~="approximate-label"]').textContent,
      rail: getComputedStyle(${player}.shadowRoot.querySelector('[part~="slider"]')).backgroundSize,
      note: document.querySelector('.partly-loaded-note').textContent,
    })`)) as { src: string; duration: number; read: number; label: string; rail: string; note: string };
    assert.equal(shown.src, `http://127.0.0.1:${port}/recordings/${STREAMED}.tar?throttle=2mbit`, 'the story took the port and the rate from its args');
    assert.match(shown.note, /npm start -- --cors-origin http:\/\/127\.0\.0\.1:\d+/, 'the note says how to start the demo server for this page');
    assert.ok(Math.abs(shown.duration - 122) < 1, `the whole duration while the file loads (${shown.duration} s)`);
    assert.ok(shown.read < shown.duration * 0.85, `not read up to the seek's target yet (${shown.read} s)`);
    assert.match(shown.label, /^Approximate screen — loading the exact one: \d+\.\d (of \d+\.\d MB|MB read)$/);
    assert.ok(parseFloat(shown.rail) > 0, `the timeline is hatched past what was read (${shown.rail})`);
    // The download gets there: the exact screen, the layer gone.
    await page.waitForFunction(`!${player}.seeking && ${player}.readyState >= 2`, { timeout: 60000 });
    assert.equal(await page.evaluate(`${player}.shadowRoot.querySelector('[part~="approximate"]')?.isConnected ?? false`), false, 'the approximate screen is gone once seeked');
    assert.equal(await page.evaluate(`${player}.error`), null);
    assertQuiet(id, {});
  });
});
