// The built player (dist/; npm test builds it first) on pages with a strict Content-Security-Policy:
// nothing inline, no eval, workers and scripts from the page's origin only, no blob:. The pages come
// from test/tools/csp-page-plugin.mjs with the policy as a response header, in an iframe this
// (same-origin) test drives.
import { expect } from '@open-wc/testing';
import type { DesktopRecordingPlayer } from '../../src/index.js';
import { blobUrl, pixelsOf, screenRecording, type Rgb } from '../helpers/screen-recording.js';
import { eventually, nextEvent } from '../helpers/next-event.js';
import { until } from './element-fixtures.js';
import { twoScreens } from './text-recordings.js';

interface Violation {
  directive: string;
  blocked: string;
  sample: string;
}

type CspWindow = Window & typeof globalThis & { cspViolations: Violation[] };

const RED: Rgb = [200, 30, 30];
const BLUE: Rgb = [30, 30, 200];

let recordingUrl: string;
const frames: HTMLIFrameElement[] = [];

/** Opens /__csp/<variant>.html in an iframe; resolves once the player element is defined there. */
async function cspPage(variant: string): Promise<{ win: CspWindow; player: DesktopRecordingPlayer }> {
  const frame = document.createElement('iframe');
  frame.style.cssText = 'width: 680px; height: 420px; border: 0';
  const loaded = new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
  frame.src = `/__csp/${variant}.html`;
  document.body.append(frame);
  frames.push(frame);
  await loaded;
  const win = frame.contentWindow as CspWindow;
  await win.customElements.whenDefined('desktop-recording-player');
  const player = win.document.querySelector('desktop-recording-player')!;
  await player.updateComplete;
  return { win, player };
}


/** The policy is really in force on the page: no eval, no inline style attribute (both reported). */
async function expectStrictPolicy(win: CspWindow): Promise<void> {
  expect(() => win.eval('1 + 1'), 'eval is blocked').to.throw();
  const probe = win.document.createElement('div');
  probe.setAttribute('style', 'color: rgb(1, 2, 3)');
  win.document.body.append(probe);
  expect(win.getComputedStyle(probe).color, 'inline style attributes are blocked').not.to.equal('rgb(1, 2, 3)');
  probe.remove();
  expect((await violationsSoFar(win)).map(({ directive, blocked }) => `${directive} ${blocked}`)).to.deep.equal(['script-src eval', 'style-src-attr inline']);
}

const BARRIER_IMAGE = 'https://csp-barrier.invalid/';
let barriers = 0;

/**
 * The page's violation reports until now, taken from `win.cspViolations`. Reports arrive as events
 * after the fact, in the order the violations happened: this makes one more (an image from an origin
 * the policy does not allow, named nowhere else) and waits for its report, before which every
 * earlier one has arrived.
 */
async function violationsSoFar(win: CspWindow): Promise<Violation[]> {
  const isBarrier = (violation: Violation) => violation.directive === 'img-src' && violation.blocked.startsWith(BARRIER_IMAGE.slice(0, -1));
  const reported = eventually(win.document, 'securitypolicyviolation', () => win.cspViolations.some(isBarrier), 'the barrier image is reported');
  new win.Image().src = `${BARRIER_IMAGE}${++barriers}.png`;
  await reported;
  const barrier = win.cspViolations.findIndex(isBarrier);
  return win.cspViolations.splice(0).slice(0, barrier);
}

/** Lit's styles apply: constructable stylesheets (not <style> elements), and the template's style bindings. */
async function expectStylesWork(win: CspWindow, player: DesktopRecordingPlayer): Promise<void> {
  const root = player.shadowRoot!;
  expect(root.adoptedStyleSheets.length, 'adopted stylesheets').to.be.greaterThan(0);
  expect(root.querySelectorAll('style').length, 'no <style> elements').to.equal(0);
  expect(win.getComputedStyle(root.querySelector('[part~=controls]')!).position).to.equal('absolute');
  expect(win.getComputedStyle(player).aspectRatio).to.equal('16 / 9');
}

/** Loads the test recording, plays it through, and checks the screen the worker painted. */
async function expectPlays(player: DesktopRecordingPlayer): Promise<void> {
  const loaded = nextEvent(player, 'canplaythrough');
  player.src = recordingUrl;
  await loaded;
  expect([player.duration, player.videoWidth, player.videoHeight]).to.deep.equal([1, 128, 64]);
  const ended = nextEvent(player, 'ended');
  await player.play();
  expect(player.paused).to.equal(false);
  await ended;
  expect(player.currentTime).to.equal(1);
  const frame = await pixelsOf(await player.captureFrame());
  expect(frame.at(32, 32).slice(0, 3)).to.deep.equal(RED);
  expect(frame.at(96, 32).slice(0, 3)).to.deep.equal(BLUE);
  // The slider's position is a style binding (set through CSSOM, which the policy allows).
  await player.updateComplete;
  const slider = player.shadowRoot!.querySelector<HTMLElement>('[part~=slider]')!;
  expect(slider.style.getPropertyValue('--played')).to.equal('100%');
}

describe('the built player under a strict Content-Security-Policy', () => {
  before(async () => {
    recordingUrl = blobUrl(
      await screenRecording([
        { timeMs: 0, screen: { width: 128, height: 64 } },
        { timeMs: 0, tile: { left: 0, top: 0, color: RED } },
        { timeMs: 1000, tile: { left: 64, top: 0, color: BLUE } },
      ]),
    );
  });
  after(() => URL.revokeObjectURL(recordingUrl));
  afterEach(() => frames.splice(0).forEach((frame) => frame.remove()));

  const playing = [
    ['esm', 'ESM bundle: its worker starts from the same origin, and it plays'],
    ['iife-worker-src', 'one-file script with worker-src="…/recording.worker.js": plays'],
  ] as const;
  for (const [page, title] of playing) {
    it(title, async () => {
      const { win, player } = await cspPage(page);
      await expectStrictPolicy(win);
      await expectStylesWork(win, player);
      await expectPlays(player);
      expect(player.error).to.equal(null);
      expect(await violationsSoFar(win)).to.deep.equal([]);
    });
  }

  // A recording longer than the 2 MiB after which the player worker starts the worker that hashes.
  const hashed = [
    ['esm', 'the recording’s SHA-256 is the file’s, taken in a worker the player worker starts'],
    ['no-nested-workers', 'a player worker whose own policy forbids workers hashes the recording on its own thread: the same SHA-256'],
  ] as const;
  for (const [page, title] of hashed) {
    it(title, async () => {
      const { win, player } = await cspPage(page);
      await expectStrictPolicy(win);
      // From the page's origin: the player worker's connect-src allows no blob:.
      const url = new URL('/demo/recordings/9a7f3c21-0b4e-4f8a-8c3d-5e6f7a8b1080.tar', location.href).href;
      const bytes = await (await fetch(url)).arrayBuffer();
      expect(bytes.byteLength).to.be.above(3 * 1024 * 1024);
      const fileSha256 = await sha256Hex(bytes);
      const loaded = nextEvent(player, 'canplaythrough', 120_000);
      player.src = url;
      await loaded;
      expect(player.recordingSha256).to.equal(fileSha256);
      expect(player.error).to.equal(null);
      expect(await violationsSoFar(win), 'the page itself blocked nothing').to.deep.equal([]);
    });
  }

  it('one-file script without worker-src: blob: worker and in-page engine are blocked, and it says so clearly', async () => {
    const { win, player } = await cspPage('iife');
    await expectStrictPolicy(win);
    await expectStylesWork(win, player);
    // The inlined worker can only start from a blob: URL, and the in-page fallback can only import
    // that same blob: (the engine is a string in this file). The policy blocks both: an error that
    // says what to do, not a silent hang.
    const failed = nextEvent(player, 'error');
    player.src = recordingUrl;
    await failed;
    expect(player.error).to.include({ code: 2, reason: 'network', partial: false });
    expect(player.error!.message).to.contain('Content-Security-Policy').and.contain('worker-src').and.contain('recording.worker.js');
    await player.updateComplete;
    const shown = player.shadowRoot!.querySelector<HTMLElement>('[part~=error]')!;
    expect(shown.hidden).to.equal(false);
    expect(shown.textContent).to.contain('worker-src');
    expect(win.getComputedStyle(shown).display).to.equal('grid');
    const blocked = (await violationsSoFar(win)).map(({ directive, blocked }) => `${directive} ${blocked}`);
    expect(blocked).to.include('worker-src blob');
    expect(blocked.some((line) => /^script-src(-elem)? blob$/.test(line)), blocked.join(', ')).to.equal(true);
    expect(blocked.filter((line) => line.startsWith('style')), 'no style was blocked').to.deep.equal([]);
    await expectPlaysRejected(player);
  });
});

/** The SHA-256 of `bytes` in lowercase hex, as sha256sum gives it. */
async function sha256Hex(bytes: ArrayBuffer): Promise<string> {
  return Array.from(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes)), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** play() rejects once the engine could not start. */
async function expectPlaysRejected(player: DesktopRecordingPlayer): Promise<void> {
  let rejected: unknown;
  await player.play().catch((error: unknown) => (rejected = error));
  // A DOMException of the page's realm, not this one's.
  expect((rejected as DOMException | undefined)?.name, 'play() rejects').to.equal('NotSupportedError');
}

describe('text search under a strict Content-Security-Policy', function () {
  // OCR of two small screens, on a loaded machine.
  this.timeout(180_000);
  let recording: string;
  /** The recording file's SHA-256, as sha256sum gives it. */
  let fileSha256: string;

  before(async () => {
    // From the page's origin, like a deployment's recordings (a paced test file, sent at once).
    const body = await twoScreens();
    fileSha256 = await sha256Hex(await new Response(body).arrayBuffer());
    recording = ((await (await fetch('/__paced?ranges=honest', { method: 'POST', body })).json()) as { url: string }).url;
  });
  afterEach(() => frames.splice(0).forEach((frame) => frame.remove()));

  it("builds the index from self-hosted OCR files with 'wasm-unsafe-eval' added to script-src, every worker under the policy too", async () => {
    const { win, player } = await cspPage('text-search');
    await expectStrictPolicy(win);
    const complete = new Promise<void>((resolve) => player.addEventListener('textindexprogress', (event) => event.detail.complete && resolve()));
    player.src = new URL(recording, location.href).href;
    await complete;
    expect((await player.search('invoices')).map((hit) => [hit.time, hit.endTime])).to.deep.equal([[0, 3]]);
    // The recording's hash (WebAssembly, allowed here) is the file's.
    await until(() => player.recordingSha256 !== null, 'the recording SHA-256');
    expect(player.recordingSha256).to.equal(fileSha256);
    expect(await violationsSoFar(win)).to.deep.equal([]);
  });

  it('without it, the OCR engine cannot compile its WebAssembly: search() and the search box say why', async () => {
    const { win, player } = await cspPage('text-search-strict');
    player.src = new URL(recording, location.href).href;
    await until(() => !!player.shadowRoot!.querySelector('[part~=search-button]'), 'the search button');
    (player.shadowRoot!.querySelector('[part~=search-button]') as HTMLElement).click();
    await player.updateComplete;
    const status = () => player.shadowRoot!.querySelector('[part~=search-status]')!.textContent!;
    await until(() => status().includes('could not be read'), 'the search box says the build failed', 170_000);
    expect(status()).to.match(/WebAssembly|wasm/i);
    const failure = await player.search('invoices').then(() => undefined, (error: Error) => error);
    expect(failure?.message).to.match(/text index could not be built.*(WebAssembly|wasm)/i);
    // The recording's hash needs no WebAssembly: without it, the JavaScript one gives the same.
    await until(() => player.recordingSha256 !== null, 'the recording SHA-256');
    expect(player.recordingSha256).to.equal(fileSha256);
    expect(await violationsSoFar(win), 'the page itself blocked nothing').to.deep.equal([]);
  });
});
