// End to end: the server's page (page/index.html) on the real recordings server (src/cli/serve.ts)
// with the demo's live sessions (demo/live-sessions.ts), started here on port 0 on a temporary
// folder holding copies of the two committed PNG-tile samples (so the list is known and live
// sessions write there), driven in headless Chromium (puppeteer-core).
// The list and its sorting, filters and pages; a recording chosen, played, paused and sought, its
// frame checked against a reference painted in the page from the file's own tiles; the player's
// copy-link reopening the page at the same frame; the websocket mode; a live session.
// It loads the built player (dist/): `npm test` builds first; alone, run `npm run build` first.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Browser, BrowserContext, Page } from 'puppeteer-core';
import { liveSessionsExtension } from '../../demo/live-sessions.js';
import { serve, type RecordingsServer } from '../../src/cli/serve.js';
import { chromiumMissing, launchChromium } from '../helpers/chromium.js';
import { FakeTime } from '../helpers/fake-time.js';
import { recordLive } from '../helpers/live-time.js';
import { loopbackUrl } from '../helpers/loopback.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

const HD = '9a7f3c21-0b4e-4f8a-8c3d-5e6f7a8b1080'; // bob@example.com → win-dc-01, 1920×1080, 1:31
const SD = '6c0e1e5a-8d6b-4a51-9a0c-2f4b1c7d0720'; // alice@example.com → win-dev-01, 1280×720
const SEEK_TO = 44;
const LIVE_MS = 3000;
/** The live session's time moves on by this much at a time. */
const LIVE_STEP_MS = 250;
/**
 * After a step, how long the test waits for the player to start before the session records the next one. The
 * player in the page runs on its own clock: it sees the live edge when data comes after its read of the file
 * waited a moment (80 ms), which a quiet desktop gives it.
 */
const LIVE_QUIET_MS = 250;

const PLAYER = 'desktop-recording-player';
/** Parts inside the player's open shadow root (`>>>` is puppeteer's deep combinator). */
const part = (name: string) => `${PLAYER} >>> [part~="${name}"]`;

type Logged = { name: string; time: number; src: string };

/** Logs the player's events (they do not bubble: caught on the way down) into `window.playerEvents`. */
function logPlayerEvents(): void {
  const names = ['loadstart', 'loadedmetadata', 'canplay', 'canplaythrough', 'play', 'playing', 'pause', 'waiting', 'seeking', 'seeked', 'ended', 'error', 'emptied'];
  const log: Logged[] = [];
  Object.assign(window, { playerEvents: log });
  for (const name of names) {
    window.addEventListener(name, (event) => {
      const target = event.target as HTMLElement & { currentTime: number; src: string };
      if (target.localName === 'desktop-recording-player') log.push({ name, time: target.currentTime, src: target.src });
    }, true);
  }
}

describe('the demo page, end to end', { skip: chromiumMissing }, () => {
  let dir = '';
  let server: RecordingsServer;
  let base = '';
  /** The time the live sessions play their desktop by: it stands still until the test moves it. */
  const liveTime = new FakeTime();
  let liveSessions: { readonly size: number };
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let referenceBundle = '';
  const pageErrors: string[] = [];
  /** The PNG `captureFrame()` gave on the main page at SEEK_TO. */
  let frameAtSeek = '';

  before(async () => {
    assert.ok(existsSync(join(root, 'dist/desktop-recording-player.js')), 'dist/ is not built: run `npm run build` first');
    dir = await mkdtemp(join(tmpdir(), 'drp-e2e-'));
    for (const sid of [HD, SD]) await copyFile(join(root, 'demo/recordings', `${sid}.tar`), join(dir, `${sid}.tar`));
    const live = liveSessionsExtension(dir, { defaultDurationMs: LIVE_MS, time: liveTime });
    liveSessions = live.sessions;
    server = await serve({ recordingsDir: dir, root, port: 0, host: '127.0.0.1', extension: live });
    base = loopbackUrl(server);
    // The reference the browser tests use: every tile of the file painted in order (no player code).
    const bundled = await build({
      entryPoints: [join(root, 'test/helpers/reference-screen.ts')],
      bundle: true, format: 'iife', globalName: 'referenceScreen', platform: 'browser', target: 'es2022', write: false, logLevel: 'warning',
    });
    referenceBundle = bundled.outputFiles[0]!.text;
    browser = await launchChromium({ defaultViewport: { width: 1280, height: 800 } });
    context = await browser.createBrowserContext();
    await context.overridePermissions(base, ['clipboard-read', 'clipboard-write']);
    page = await newPage();
  });

  after(async () => {
    await browser?.close();
    if (server) await new Promise((done) => server.close(done));
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function newPage(): Promise<Page> {
    const created = await context.newPage();
    await created.evaluateOnNewDocument(logPlayerEvents);
    created.on('pageerror', (error) => pageErrors.push(error instanceof Error ? error.message : String(error)));
    created.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(`console: ${message.text()}`);
    });
    return created;
  }

  const sidsShown = (on: Page = page) => on.$$eval('#rows tr[data-sid]', (trs) => trs.map((tr) => (tr as HTMLElement).dataset.sid));
  /** Waits until the list shows exactly these rows, in this order. */
  const rowsBecome = (sids: string[]) =>
    page.waitForFunction((wanted) => [...document.querySelectorAll('#rows tr[data-sid]')].map((tr) => (tr as HTMLElement).dataset.sid).join() === wanted.join(), {}, sids);
  const textOf = (selector: string, on: Page = page) => on.$eval(selector, (element) => element.textContent);
  const attributeOf = (selector: string, name: string, on: Page = page) => on.$eval(selector, (element, attribute) => element.getAttribute(attribute), name);
  /** Whether `selector` matches an element that is rendered with a size (missing counts as not visible). */
  const isVisible = (selector: string) =>
    page.evaluate((wanted) => {
      const element = document.querySelector(wanted);
      const box = element?.getBoundingClientRect();
      return !!element && !!box && box.width > 0 && box.height > 0 && element.checkVisibility({ visibilityProperty: true });
    }, selector);
  const isDisabled = (selector: string) => page.$eval(selector, (element) => (element as HTMLButtonElement).disabled);
  /** Clicks when the element is there, visible and enabled. */
  const click = (selector: string) => page.locator(selector).click();
  /** Replaces an input's text as a user does: select it all, then type over it (each key fires `input`) or delete it. */
  const fill = async (selector: string, value: string) => {
    await page.$eval(selector, (input) => {
      (input as HTMLInputElement).focus();
      (input as HTMLInputElement).select();
    });
    if (value) await page.keyboard.type(value);
    else await page.keyboard.press('Backspace');
  };
  const eventCount = (on: Page = page) => on.evaluate(() => (window as unknown as { playerEvents: Logged[] }).playerEvents.length);

  /** Waits for the player's `name` event after the first `since` logged ones. */
  async function playerEvent(name: string, since: number, on: Page = page, timeout = 15000): Promise<Logged> {
    try {
      const handle = await on.waitForFunction(
        ([wanted, from]) => (window as unknown as { playerEvents: Logged[] }).playerEvents.slice(from).find((event) => event.name === wanted),
        { timeout },
        [name, since] as const,
      );
      return (await handle.jsonValue()) as Logged;
    } catch (error) {
      const seen = await on.evaluate((from) => (window as unknown as { playerEvents: Logged[] }).playerEvents.slice(from), since).catch(() => []);
      throw new Error(`no ${name} event from the player within ${timeout} ms; it fired: ${seen.map((event) => `${event.name}@${event.time.toFixed(2)}s`).join(', ') || 'nothing'}`, { cause: error });
    }
  }

  const playerState = (on: Page = page) =>
    on.$eval(PLAYER, (element) => {
      const player = element as HTMLElement & { currentTime: number; duration: number; paused: boolean; seeking: boolean; readyState: number; error: unknown; src: string };
      return { currentTime: player.currentTime, duration: player.duration, paused: player.paused, seeking: player.seeking, readyState: player.readyState, error: player.error, src: player.src };
    });

  /** `captureFrame()` read back as PNG bytes (base64). */
  const captureFrame = (on: Page = page) =>
    on.$eval(PLAYER, async (element) => {
      const blob = await (element as HTMLElement & { captureFrame(): Promise<Blob> }).captureFrame();
      const bytes = new Uint8Array(await blob.arrayBuffer());
      let text = '';
      for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
      return btoa(text);
    });

  test('lists both samples, newest first, with their users, desktops and lengths', async () => {
    await page.goto(`${base}/`);
    await page.waitForSelector('#rows tr[data-sid]');
    assert.deepEqual(await sidsShown(), [HD, SD]);
    const text = await textOf('#rows');
    for (const expected of ['bob@example.com', 'CORP\\Administrator', 'win-dc-01', '10.20.0.2:3389', '1:31', 'alice@example.com', 'win-dev-01']) {
      assert.ok(text!.includes(expected), `the list shows ${expected}`);
    }
    assert.equal(await attributeOf('th[data-sort="start"]', 'aria-sort'), 'descending');
    assert.equal(await textOf('#count'), '2 recordings');
    assert.equal(await isVisible('#placeholder'), true, 'nothing plays before a row is chosen');
    assert.equal(await isVisible('#pager'), false, 'one page: no pager');
  });

  test('has no accessibility violations axe can find, in light and dark', async () => {
    await page.addScriptTag({ content: readFileSync(join(root, 'node_modules/axe-core/axe.min.js'), 'utf8') });
    for (const colorScheme of ['light', 'dark'] as const) {
      await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: colorScheme }]);
      const violations = await page.evaluate(async () => {
        const axe = (window as unknown as { axe: { run(context: Node): Promise<{ violations: { id: string; nodes: { target: string[] }[] }[] }> } }).axe;
        return (await axe.run(document)).violations.map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
      });
      assert.deepEqual(violations, [], `${colorScheme}: ${violations.join('; ')}`);
    }
    await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: '' }]);
  });

  test('sorts by a column header, filters and pages through the API', async () => {
    await click('th[data-sort="duration"] button');
    await rowsBecome([SD, HD]);
    assert.equal(await attributeOf('th[data-sort="duration"]', 'aria-sort'), 'descending');
    assert.equal(new URL(page.url()).searchParams.get('sort'), '-duration');
    await click('th[data-sort="duration"] button');
    await rowsBecome([HD, SD]);
    assert.equal(await attributeOf('th[data-sort="duration"]', 'aria-sort'), 'ascending');
    await click('th[data-sort="user"] button');
    await rowsBecome([SD, HD]);
    assert.equal(await attributeOf('th[data-sort="user"]', 'aria-sort'), 'ascending');
    assert.equal(await attributeOf('th[data-sort="duration"]', 'aria-sort'), null);

    await fill('#filter-user', 'ALICE');
    await rowsBecome([SD]);
    assert.equal(new URL(page.url()).searchParams.get('user'), 'ALICE');
    assert.equal(await textOf('#count'), '1 recording matches');
    await fill('#filter-user', '');
    await rowsBecome([SD, HD]);
    await fill('#filter-desktop', '10.20.0.2:');
    await rowsBecome([HD]);
    await fill('#filter-desktop', 'no-such-desktop');
    await page.waitForSelector('#rows .message-row');
    assert.match((await textOf('#rows'))!, /No recordings match/);
    await fill('#filter-desktop', '');
    await rowsBecome([SD, HD]);

    await page.goto(`${base}/?limit=1`);
    await page.waitForSelector('#rows tr[data-sid]');
    assert.equal(await isVisible('#pager'), true);
    assert.equal(await textOf('#page-info'), '1–1 of 2');
    assert.deepEqual(await sidsShown(), [HD]);
    assert.equal(await isDisabled('#prev-page'), true);
    await click('#next-page');
    await page.waitForFunction((sid) => document.querySelector('#rows tr[data-sid]')?.getAttribute('data-sid') === sid, {}, SD);
    assert.equal(await textOf('#page-info'), '2–2 of 2');
    assert.equal(new URL(page.url()).searchParams.get('offset'), '1');
    assert.equal(await isDisabled('#next-page'), true);
    await page.goto(`${base}/`);
    await page.waitForSelector('#rows tr[data-sid]');
  });

  test('plays the 1080p recording from its row: play, pause, seek, and the frame matches the file', async () => {
    const since = await eventCount();
    await click(`#rows tr[data-sid="${HD}"] td:nth-child(2)`);
    await playerEvent('canplay', since);
    assert.equal(new URL(page.url()).searchParams.get('sid'), HD);
    assert.equal(await attributeOf(`#rows tr[data-sid="${HD}"] a.play`, 'aria-current'), 'true');
    assert.equal(await textOf('#now-title'), 'bob@example.com on win-dc-01');
    // A row click plays; pause, then play and pause again with the player's own button.
    await page.waitForFunction(() => (document.querySelector('desktop-recording-player') as unknown as { currentTime: number }).currentTime > 0.5);
    let mark = await eventCount();
    await click(part('play-button'));
    await playerEvent('pause', mark);
    mark = await eventCount();
    await click(part('play-button'));
    await playerEvent('playing', mark);
    const playingFrom = (await playerState()).currentTime;
    await page.waitForFunction((from) => (document.querySelector('desktop-recording-player') as unknown as { currentTime: number }).currentTime > from + 1, {}, playingFrom);
    mark = await eventCount();
    await click(part('play-button'));
    await playerEvent('pause', mark);
    assert.equal((await playerState()).paused, true);

    mark = await eventCount();
    await page.$eval(PLAYER, (element, to) => ((element as unknown as { currentTime: number }).currentTime = to), SEEK_TO);
    await playerEvent('seeked', mark);
    await page.waitForFunction(() => !(document.querySelector('desktop-recording-player') as unknown as { seeking: boolean }).seeking);
    const state = await playerState();
    assert.equal(state.currentTime, SEEK_TO);
    assert.equal(state.error, null);

    frameAtSeek = await captureFrame();
    const png = Buffer.from(frameAtSeek, 'base64');
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'captureFrame() gives a PNG');
    assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [1920, 1080], 'at the recorded resolution');

    // The same moment painted from the file's tiles, in order, with no player code.
    await page.addScriptTag({ content: referenceBundle });
    const difference = await page.evaluate(async ({ url, png, timeMs }) => {
      const reference = (window as unknown as { referenceScreen: typeof import('../helpers/reference-screen.js') }).referenceScreen;
      const bytes = new Uint8Array(await (await fetch(url)).arrayBuffer());
      const [expected] = await reference.referenceScreens(await reference.screenUpdatesOf(bytes), [timeMs]);
      const frame = await reference.imageDataOf(new Blob([Uint8Array.from(atob(png), (c) => c.charCodeAt(0))], { type: 'image/png' }));
      return reference.difference(frame, expected!);
    }, { url: `/recordings/${HD}.tar`, png: frameAtSeek, timeMs: SEEK_TO * 1000 });
    assert.equal(difference.pixels, 0, `the frame at ${SEEK_TO} s differs from the reference in ${difference.pixels} pixels, first at ${difference.first}`);
  });

  test("the player's copy-link button gives a link to this page that reopens the recording at the same frame", async () => {
    await click(part('link-button'));
    const link = await page.evaluate(() => navigator.clipboard.readText()).catch(() => '')
      || await page.$eval(`${part('toast')} input`, (input) => (input as HTMLInputElement).value);
    assert.equal(link, `${base}/?sid=${HD}#t=${SEEK_TO}`);

    const second = await newPage();
    await second.goto(link);
    await second.waitForFunction(() => {
      const player = document.querySelector('desktop-recording-player') as unknown as { readyState: number; seeking: boolean };
      return player.readyState >= 2 && !player.seeking;
    });
    assert.equal(await attributeOf(PLAYER, 'start-at', second), String(SEEK_TO));
    const state = await playerState(second);
    assert.equal(state.currentTime, SEEK_TO);
    assert.equal(state.paused, true, 'a link opens paused at its time');
    assert.equal(await attributeOf(`#rows tr[data-sid="${HD}"] a.play`, 'aria-current', second), 'true');
    const frame = await captureFrame(second);
    await second.addScriptTag({ content: referenceBundle });
    const difference = await second.evaluate(async ([a, b]) => {
      const reference = (window as unknown as { referenceScreen: typeof import('../helpers/reference-screen.js') }).referenceScreen;
      // (No named functions in here: the test's transpiler would wrap them in a helper the page lacks.)
      const [left, right] = await Promise.all([a, b].map((png) => reference.imageDataOf(new Blob([Uint8Array.from(atob(png), (c) => c.charCodeAt(0))], { type: 'image/png' }))));
      return reference.difference(left!, right!);
    }, [frame, frameAtSeek] as const);
    assert.equal(difference.pixels, 0, `the reopened frame differs in ${difference.pixels} pixels, first at ${difference.first}`);
    await second.close();
  });

  test('switches to the playback websocket, continues from the same moment and plays', async () => {
    const since = await eventCount();
    await click('#mode label:has(input[value="ws"])');
    const loadstart = await playerEvent('loadstart', since);
    assert.equal(new URL(page.url()).searchParams.get('mode'), 'ws');
    assert.match(loadstart.src, new RegExp(`^ws://127\\.0\\.0\\.1:\\d+/webapi/sites/[^/]+/desktopplayback/${HD}/ws$`));
    assert.equal(await attributeOf(PLAYER, 'duration-hint'), '91.99');
    await playerEvent('canplay', since);
    let state = await playerState();
    assert.equal(state.currentTime, SEEK_TO, 'the websocket starts where the file was');
    assert.ok(Math.abs(state.duration - 91.99) < 0.01, `duration ${state.duration}`);

    const mark = await eventCount();
    await click(part('play-button'));
    await playerEvent('playing', mark);
    await page.waitForFunction((from) => (document.querySelector('desktop-recording-player') as unknown as { currentTime: number }).currentTime > from + 1.5, { timeout: 10000 }, SEEK_TO);
    state = await playerState();
    assert.equal(state.error, null);
    assert.equal(state.paused, false);
    await click(part('play-button'));
  });

  test('starts a live session: it tops the list with a live badge and plays while it is recorded', async () => {
    await click('#mode label:has(input[value="http"])');
    const since = await eventCount();
    await click('#start-live');
    await page.waitForSelector('#rows tr:first-child .badge--live');
    // How far it is, of the length it is planned to run.
    assert.equal((await textOf('#rows tr:first-child td.numeric .secondary'))?.trim(), 'of 0:03');
    const sid = new URL(page.url()).searchParams.get('sid')!;
    assert.ok(sid && sid !== HD && sid !== SD, `the live session is selected (${sid})`);
    assert.equal(await attributeOf('#rows tr:first-child', 'data-sid'), sid);
    // The session records as the test moves its time, a step at a time, each written before the next. Until the
    // player plays, each step is followed by a quiet moment in which it may start.
    let recordedMs = 0;
    const record = async () => {
      assert.ok(await recordLive(liveTime, liveSessions, LIVE_STEP_MS), 'the session wrote what was due');
      recordedMs += LIVE_STEP_MS;
    };
    const played = () => page.evaluate((from) => (window as unknown as { playerEvents: Logged[] }).playerEvents.slice(from).some((event) => event.name === 'playing'), since);
    while (!(await played())) {
      if (recordedMs >= LIVE_MS - 1000) throw new Error(`the player did not start within ${recordedMs} ms of the session's ${LIVE_MS}`);
      await record();
      await playerEvent('playing', since, page, LIVE_QUIET_MS).catch(() => undefined);
    }
    assert.equal(liveSessions.size, 1, 'the session is still live');
    const loadstart = (await page.evaluate(() => (window as unknown as { playerEvents: Logged[] }).playerEvents)).slice(since).filter((event) => event.name === 'loadstart').at(-1)!;
    assert.equal(loadstart.src, `/recordings/${sid}.tar`);
    // Recorded to 2.5 s, the player plays on to 2 s (it trails a live edge by half a second), while the session is live.
    while (recordedMs < 2500) await record();
    await page.waitForFunction(() => (document.querySelector('desktop-recording-player') as unknown as { currentTime: number }).currentTime > 1.5, { timeout: 10000 });
    assert.equal((await playerState()).error, null);
    assert.equal(liveSessions.size, 1, 'the session is still live');
    // When the session ends, the list says so (it is read again while something in it is live).
    while (liveSessions.size > 0) {
      if (recordedMs > 2 * LIVE_MS) throw new Error(`the session did not end within ${recordedMs} ms of its time`);
      await record();
    }
    await page.waitForFunction(() => document.querySelector('#rows .badge--live') === null, { timeout: LIVE_MS + 8000 });
    assert.equal((await playerState()).error, null);
    // The player read the file as it grew (live), and has the whole recording now.
    await page.waitForFunction(() => (document.querySelector('desktop-recording-player') as unknown as { live: boolean }).live === false);
    assert.ok(Math.abs((await playerState()).duration - LIVE_MS / 1000) < 0.6);
  });

  test('with a token, the page asks for it once; list, files and websocket then go by an HttpOnly cookie, and the token is in no URL', async () => {
    const TOKEN = 'e2e-token-7c1d-0b9e';
    const guarded = await serve({ recordingsDir: dir, root, port: 0, host: '127.0.0.1', token: TOKEN });
    const guardedBase = loopbackUrl(guarded);
    // Not newPage(): its refused requests (401) are expected here, so its errors are checked by this test alone.
    const signInPage = await context.newPage();
    await signInPage.evaluateOnNewDocument(logPlayerEvents);
    const errors: string[] = [];
    signInPage.on('pageerror', (error) => errors.push(error instanceof Error ? error.message : String(error)));
    // The refused requests (401) are logged by Chromium as failed loads: expected here.
    signInPage.on('console', (message) => {
      if (message.type() === 'error' && !/status of 401/.test(message.text())) errors.push(message.text());
    });
    const urls: string[] = [];
    signInPage.on('request', (request) => urls.push(request.url()));
    try {
      await signInPage.goto(`${guardedBase}/?sid=${SD}&mode=ws`);
      await signInPage.waitForSelector('#sign-in');
      assert.equal(await signInPage.$('#rows'), null, 'no list before signing in');
      await signInPage.addScriptTag({ content: readFileSync(join(root, 'node_modules/axe-core/axe.min.js'), 'utf8') });
      const violations = await signInPage.evaluate(async () => {
        const axe = (window as unknown as { axe: { run(context: Node): Promise<{ violations: { id: string }[] }> } }).axe;
        return (await axe.run(document)).violations.map((violation) => violation.id);
      });
      assert.deepEqual(violations, [], 'the sign-in page has no accessibility violations axe can find');
      await signInPage.locator('#token').fill('not-the-token');
      await signInPage.click('#sign-in button[type="submit"]');
      await signInPage.waitForSelector('#sign-in-error:not([hidden])');
      await signInPage.locator('#token').fill(TOKEN);
      await signInPage.click('#sign-in button[type="submit"]');
      // Signed in, the same address is the recordings list, and the recording plays from the websocket.
      await signInPage.waitForSelector(`#rows tr[data-sid="${SD}"]`);
      await playerEvent('canplay', 0, signInPage);
      assert.equal(await signInPage.evaluate(() => (document.querySelector('desktop-recording-player') as unknown as { error: unknown }).error), null);
      const cookies = await context.cookies();
      const session = cookies.find((cookie) => cookie.name === 'desktop-recording-session');
      assert.ok(session, 'a session cookie');
      assert.equal(session.httpOnly, true);
      assert.equal(session.sameSite, 'Strict');
      assert.equal(await signInPage.evaluate(() => document.cookie), '', 'page scripts cannot read it');
      // The websocket is opened by the player's worker, whose traffic the page's request events do not show: its URL is the player's source.
      const source = await signInPage.evaluate(() => (document.querySelector('desktop-recording-player') as unknown as { src: string }).src);
      assert.match(source, /^ws:\/\/.*\/desktopplayback\//, 'the websocket was used');
      urls.push(source);
      assert.deepEqual(urls.filter((url) => url.includes(TOKEN)), [], 'the token is in no URL');
      assert.deepEqual(errors, []);
    } finally {
      await context.deleteCookie(...(await context.cookies()));
      await signInPage.close();
      await new Promise((done) => guarded.close(done));
    }
  });

  test('?throttle=20mbit paces the recording as a slow link would; the player reads its end first, so the whole length is there at loadedmetadata', async () => {
    const slow = await newPage();
    try {
      const length = (await (await fetch(`${base}/webapi/sites/demo/sessionlength/${SD}`)).json()) as { durationMs: number };
      await slow.goto(`${base}/?sid=${SD}&throttle=20mbit`);
      const metadata = await playerEvent('loadedmetadata', 0, slow);
      assert.equal(metadata.src, `/recordings/${SD}.tar?throttle=20mbit`);
      const state = await playerState(slow);
      assert.equal(state.duration, length.durationMs / 1000, 'the final duration at loadedmetadata');
      const rangeReads = await slow.$eval(PLAYER, (element) => (element as unknown as { rangeReads: { status: string } }).rangeReads.status);
      assert.equal(rangeReads, 'used');
      assert.equal(new URL(slow.url()).searchParams.get('throttle'), '20mbit', 'the page address keeps the throttle');
    } finally {
      await slow.close();
    }
  });

  test('no page errors', () => {
    assert.deepEqual(pageErrors, []);
  });
});
