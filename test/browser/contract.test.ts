// Items of the public contract (element API, events, errors, sources) checked against the element in Chromium, each
// the way a page uses it: in-memory sources (`srcObject`), `data:` URLs, `load()`, `fastSeek()`, the `progress`,
// `resize` and `emptied` events, `defaultPlaybackRate`, `preload="metadata"`, the error reasons a damaged file gives,
// and the playback token, which must never show in a URL or an attribute.
import { expect, fixture, html } from '@open-wc/testing';
import '../../src/define.js';
import { encodeAuditEvent } from '../../src/format/events.js';
import type { DesktopRecordingPlayer } from '../../src/index.js';
import { MediaEvent } from '../../src/playback-state.js';
import { concatBytes } from '../../src/format/bytes.js';
import { desktopRecording, multiPartGzipBomb, rawPart, records } from '../helpers/recording-bytes.js';
import { eventually, nextEvent } from '../helpers/next-event.js';
import { pixelsOf, screenMessages, screenRecording, type Rgb, type ScreenStep } from '../helpers/screen-recording.js';
import { encodeTdp } from '../../src/format/tdp.js';

const RED: Rgb = [255, 0, 0];
const GREEN: Rgb = [0, 255, 0];
const BLUE: Rgb = [0, 0, 255];

/** 2 s: a 128×64 screen, red at 0 s, green at 1 s; at 1.5 s the screen becomes 192×96, blue at 2 s. */
const STEPS: ScreenStep[] = [
  { timeMs: 0, screen: { width: 128, height: 64 } },
  { timeMs: 0, tile: { left: 0, top: 0, color: RED } },
  { timeMs: 1000, tile: { left: 0, top: 0, color: GREEN } },
  { timeMs: 1500, screen: { width: 192, height: 96 } },
  { timeMs: 2000, tile: { left: 0, top: 0, color: BLUE } },
];

let bytes: Uint8Array;

/** Every contract event the element fires, in order. */
function recordEvents(target: EventTarget): string[] {
  const seen: string[] = [];
  for (const name of Object.values(MediaEvent)) target.addEventListener(name, () => seen.push(name));
  return seen;
}

async function emptyPlayer(): Promise<DesktopRecordingPlayer> {
  return fixture<DesktopRecordingPlayer>(html`<desktop-recording-player style="width: 320px"></desktop-recording-player>`);
}

async function seekTo(element: DesktopRecordingPlayer, seconds: number): Promise<void> {
  const seeked = nextEvent(element, 'seeked');
  element.currentTime = seconds;
  await seeked;
}

/** The colour of the screen's top-left tile, as `captureFrame()` gives it. */
async function tileColor(element: DesktopRecordingPlayer): Promise<number[]> {
  return (await pixelsOf(await element.captureFrame())).at(8, 8).slice(0, 3);
}

/** Plays `source` in a fresh player and checks what the recording holds: length, screen, pixels. */
async function expectPlayable(assign: (element: DesktopRecordingPlayer) => void, label: string): Promise<DesktopRecordingPlayer> {
  const element = await emptyPlayer();
  const ready = nextEvent(element, 'canplaythrough');
  assign(element);
  await ready;
  expect(element.error, label).to.equal(null);
  expect(element.duration, label).to.equal(2);
  expect([element.videoWidth, element.videoHeight], label).to.deep.equal([128, 64]);
  expect(await tileColor(element), `${label} at 0 s`).to.deep.equal(RED);
  await seekTo(element, 1.2);
  expect(await tileColor(element), `${label} at 1.2 s`).to.deep.equal(GREEN);
  const ended = nextEvent(element, 'ended');
  element.playbackRate = 4;
  await element.play();
  await ended;
  expect(await tileColor(element), `${label} at the end`).to.deep.equal(BLUE);
  return element;
}

before(async () => {
  bytes = await screenRecording(STEPS);
});

describe('contract: sources', () => {
  it('plays a Blob, a File and an ArrayBuffer given as srcObject', async () => {
    await expectPlayable((element) => (element.srcObject = new Blob([bytes as Uint8Array<ArrayBuffer>])), 'Blob');
    await expectPlayable((element) => (element.srcObject = new File([bytes as Uint8Array<ArrayBuffer>], 'session.tar')), 'File');
    await expectPlayable((element) => (element.srcObject = bytes.slice().buffer), 'ArrayBuffer');
  });

  it('srcObject takes precedence over src; setting it to null unloads (emptied) and src plays again', async () => {
    const element = await emptyPlayer();
    element.src = `data:application/octet-stream;base64,${btoa('not a recording at all')}`;
    const ready = nextEvent(element, 'canplaythrough');
    element.srcObject = new Blob([bytes as Uint8Array<ArrayBuffer>]);
    await ready;
    expect(element.error).to.equal(null);
    expect(element.duration).to.equal(2);

    const emptied = nextEvent(element, 'emptied');
    const failed = nextEvent(element, 'error');
    element.srcObject = null;
    await emptied;
    await failed;
    expect(element.error?.reason, 'the src left is used: not a recording').to.equal('not-a-recording');
  });

  it('plays a data: URL', async () => {
    let binary = '';
    for (const byte of bytes) binary += String.fromCharCode(byte);
    await expectPlayable((element) => (element.src = `data:application/octet-stream;base64,${btoa(binary)}`), 'data: URL');
  });
});

describe('contract: methods', () => {
  it('load() unloads and loads the source again from the start: emptied, then loadstart and the load events', async () => {
    const element = await emptyPlayer();
    const ready = nextEvent(element, 'canplaythrough');
    element.srcObject = new Blob([bytes as Uint8Array<ArrayBuffer>]);
    await ready;
    await seekTo(element, 1.2);
    await element.play();
    const seen = recordEvents(element);
    const reloaded = nextEvent(element, 'canplaythrough');
    element.load();
    await reloaded;
    expect(seen.slice(0, 2)).to.deep.equal(['emptied', 'loadstart']);
    for (const name of ['loadedmetadata', 'loadeddata', 'canplay', 'canplaythrough']) expect(seen, name).to.include(name);
    expect(seen.indexOf('loadedmetadata')).to.be.lessThan(seen.indexOf('canplay'));
    expect(element.currentTime, 'back at the start').to.equal(0);
    expect(element.paused, 'paused, as after any load').to.equal(true);
    expect(await tileColor(element)).to.deep.equal(RED);
  });

  it('fastSeek(t) seeks like currentTime: seeking, then seeked with the screen at t', async () => {
    const element = await emptyPlayer();
    const ready = nextEvent(element, 'canplaythrough');
    element.srcObject = new Blob([bytes as Uint8Array<ArrayBuffer>]);
    await ready;
    const seen = recordEvents(element);
    const seeked = nextEvent(element, 'seeked');
    element.fastSeek(1.25);
    await seeked;
    expect(seen.filter((name) => name === 'seeking' || name === 'seeked')).to.deep.equal(['seeking', 'seeked']);
    expect(element.currentTime).to.equal(1.25);
    expect(await tileColor(element)).to.deep.equal(GREEN);
    expect(() => element.fastSeek(NaN)).to.throw(TypeError);
  });
});

describe('contract: events', () => {
  it('progress follows the download over HTTP, and buffered with it', async () => {
    // A large file (many 64 KiB parts), held after its first half: progress fires for each half.
    const big = await screenRecording(Array.from({ length: 120 }, (_, i): ScreenStep => (i === 0 ? STEPS[0]! : { timeMs: i * 50, tile: { left: (i % 2) * 64, top: 0, color: i % 3 ? RED : GREEN } })), { partSize: 2048 });
    const held = (await (await fetch(`/__held-stream?at=${Math.floor(big.length / 2)}`, { method: 'POST', body: new Blob([big as Uint8Array<ArrayBuffer>]) })).json()) as { url: string };
    const length = 5.95;
    const element = await emptyPlayer();
    const ends: number[] = [];
    element.addEventListener('progress', () => ends.push(element.buffered.length ? element.buffered.end(element.buffered.length - 1) : 0));
    const metadata = nextEvent(element, 'loadedmetadata');
    element.src = held.url;
    await metadata;
    await eventually(element, 'progress', () => ends.length > 0 && ends.at(-1)! > 0, 'progress with something buffered');
    const beforeRelease = ends.length;
    expect(element.buffered.end(element.buffered.length - 1), 'half the file buffered').to.be.lessThan(length);
    const done = nextEvent(element, 'canplaythrough');
    await fetch(`${held.url}/release`, { method: 'POST' });
    await done;
    expect(ends.length, 'progress after the rest arrived').to.be.greaterThan(beforeRelease);
    expect(ends.at(-1), 'the last progress: all of it').to.equal(length);
    expect(element.duration).to.equal(length);
    for (let i = 1; i < ends.length; i++) expect(ends[i]!, 'buffered never shrinks').to.be.at.least(ends[i - 1]!);
  });

  it('resize fires each time the remote screen size changes, seeking or playing across the change', async () => {
    const element = await emptyPlayer();
    const ready = nextEvent(element, 'canplaythrough');
    element.srcObject = new Blob([bytes as Uint8Array<ArrayBuffer>]);
    await ready;
    const sizes: string[] = [];
    element.addEventListener('resize', () => sizes.push(`${element.videoWidth}×${element.videoHeight}`));
    await seekTo(element, 1.8);
    expect(sizes).to.deep.equal(['192×96']);
    expect((await pixelsOf(await element.captureFrame())).width, 'captured at the new size').to.equal(192);
    await seekTo(element, 0.5);
    expect(sizes).to.deep.equal(['192×96', '128×64']);
    const ended = nextEvent(element, 'ended');
    element.playbackRate = 4;
    await element.play();
    await ended;
    expect(sizes).to.deep.equal(['192×96', '128×64', '192×96']);
  });

  // Contract §3: events with the semantics of HTMLMediaElement, which fires resize when the size first becomes known.
  it('resize fires when the remote screen size first becomes known: after durationchange, before loadedmetadata', async () => {
    const element = await emptyPlayer();
    const sizes: string[] = [];
    element.addEventListener('resize', () => sizes.push(`${element.videoWidth}×${element.videoHeight} readyState ${element.readyState}`));
    const seen = recordEvents(element);
    const ready = nextEvent(element, 'canplaythrough');
    element.srcObject = new Blob([bytes as Uint8Array<ArrayBuffer>]);
    await ready;
    expect(sizes).to.deep.equal(['128×64 readyState 1']);
    expect(seen.filter((name) => ['durationchange', 'resize', 'loadedmetadata'].includes(name))).to.deep.equal(['durationchange', 'resize', 'loadedmetadata']);
  });

  it('emptied fires when a loaded source is replaced, before the new loadstart, with the state reset', async () => {
    const element = await emptyPlayer();
    const ready = nextEvent(element, 'canplaythrough');
    element.srcObject = new Blob([bytes as Uint8Array<ArrayBuffer>]);
    await ready;
    const seen = recordEvents(element);
    let atEmptied: { readyState: number; duration: number; currentTime: number } | undefined;
    element.addEventListener('emptied', () => (atEmptied = { readyState: element.readyState, duration: element.duration, currentTime: element.currentTime }), { once: true });
    const again = nextEvent(element, 'canplaythrough');
    element.srcObject = new Blob([bytes as Uint8Array<ArrayBuffer>]);
    await again;
    expect(seen.slice(0, 2)).to.deep.equal(['emptied', 'loadstart']);
    expect(atEmptied?.readyState).to.equal(0);
    expect(atEmptied?.duration).to.be.NaN;
    expect(atEmptied?.currentTime).to.equal(0);
  });
});

describe('contract: properties', () => {
  it('defaultPlaybackRate is the rate a load starts with when the page set no playbackRate', async () => {
    const element = await emptyPlayer();
    element.defaultPlaybackRate = 2;
    const ready = nextEvent(element, 'canplaythrough');
    element.srcObject = new Blob([bytes as Uint8Array<ArrayBuffer>]);
    await ready;
    expect(element.defaultPlaybackRate).to.equal(2);
    expect(element.playbackRate).to.equal(2);
    const ended = nextEvent(element, 'ended');
    await element.play();
    await ended;
    expect(element.playbackRate, 'still 2 at the end').to.equal(2);
  });

  // Contract §2: preload none / metadata / auto.
  it('preload="metadata" reads what loadedmetadata needs, and the rest only once playback starts', async () => {
    const big = await screenRecording(Array.from({ length: 120 }, (_, i): ScreenStep => (i === 0 ? STEPS[0]! : { timeMs: i * 50, tile: { left: (i % 2) * 64, top: 0, color: i % 3 ? RED : GREEN } })), { partSize: 2048 });
    const url = URL.createObjectURL(new Blob([big as Uint8Array<ArrayBuffer>]));
    const element = await fixture<DesktopRecordingPlayer>(html`<desktop-recording-player preload="metadata" style="width: 320px"></desktop-recording-player>`);
    const seen = recordEvents(element);
    const metadata = nextEvent(element, 'loadedmetadata');
    element.src = url;
    await metadata;
    expect([element.videoWidth, element.videoHeight]).to.deep.equal([128, 64]);
    // captureFrame is answered after every event the engine sent before it.
    await element.captureFrame().catch(() => undefined);
    expect(seen, 'not read through').not.to.include('canplaythrough');
    const ended = nextEvent(element, 'ended');
    element.playbackRate = 16;
    await element.play();
    await ended;
    expect(element.currentTime).to.equal(element.duration);
    URL.revokeObjectURL(url);
  });
});

// Contract §3: "currentTime reads the target at once"; HTMLMediaElement also sets seeking at once.
it('a seek shows at once: currentTime reads the target and seeking is true before any event', async () => {
  const element = await emptyPlayer();
  const ready = nextEvent(element, 'canplaythrough');
  element.srcObject = new Blob([bytes as Uint8Array<ArrayBuffer>]);
  await ready;
  const seeked = nextEvent(element, 'seeked');
  element.currentTime = 1.25;
  expect([element.currentTime, element.seeking]).to.deep.equal([1.25, true]);
  await seeked;
  expect([element.currentTime, element.seeking]).to.deep.equal([1.25, false]);
});

describe('contract: errors', () => {
  const part = async (steps: ScreenStep[], firstIndex = 0) =>
    records((await screenMessages(steps)).map(({ timeMs, message }, i) => encodeAuditEvent(desktopRecording(firstIndex + i, timeMs, encodeTdp(message)))));

  /** Loads `file` and resolves with the error the element reports (its `error` event must fire once). */
  async function failed(file: Uint8Array): Promise<{ element: DesktopRecordingPlayer; error: NonNullable<DesktopRecordingPlayer['error']> }> {
    const element = await emptyPlayer();
    let errors = 0;
    element.addEventListener('error', () => errors++);
    const error = nextEvent(element, 'error');
    element.srcObject = new Blob([file as Uint8Array<ArrayBuffer>]);
    await error;
    await element.captureFrame().catch(() => undefined);
    expect(errors, 'one error event').to.equal(1);
    return { element, error: element.error! };
  }

  it('a part of an unknown format version: unsupported-version (code 4), what came before stays playable', async () => {
    const good = rawPart(await part(STEPS.slice(0, 3)));
    const { element, error } = await failed(concatBytes([good, rawPart(await part(STEPS.slice(3), 3), { version: 3 })]));
    expect(error).to.include({ reason: 'unsupported-version', code: 4, partial: true });
    expect(error.message).to.match(/version 3/);
    expect(element.duration).to.equal(1);
    await seekTo(element, 1);
    expect(await tileColor(element)).to.deep.equal(GREEN);
  });

  it('damaged gzip data: corrupt (code 3)', async () => {
    const file = rawPart(await part(STEPS));
    // Flip bytes inside the deflate data (after the 24-byte part header and the 10-byte gzip header).
    for (let at = 40; at < file.length - 12; at += 7) file[at] ^= 0xa5;
    const { error } = await failed(file);
    expect(error).to.include({ reason: 'corrupt', code: 3 });
    expect(error.message).to.match(/byte|damaged/);
  });

  it('a gzip bomb spread over parts, each under the part limit: corrupt (code 3) once the whole file inflates past its bound', async () => {
    const { element, error } = await failed(multiPartGzipBomb());
    expect(error).to.include({ reason: 'corrupt', code: 3, partial: true });
    expect(error.message).to.match(/gzip bomb/);
    expect(element.readyState, 'what came before is loaded').to.be.at.least(1);
  });

  it('a record over the 64 KiB limit: record-too-large (code 3), the records before it stay playable', async () => {
    const before = await part(STEPS.slice(0, 3));
    const huge = new Uint8Array(4 + 70_000);
    new DataView(huge.buffer).setUint32(0, 70_000);
    const { element, error } = await failed(concatBytes([rawPart(before), rawPart(huge)]));
    expect(error).to.include({ reason: 'record-too-large', code: 3, partial: true });
    expect(error.message).to.match(/70000 bytes/);
    await seekTo(element, 1);
    expect(await tileColor(element)).to.deep.equal(GREEN);
  });

  /**
   * A player in a frame whose engine runs in the page (no module workers there), so its downloads go
   * through the frame's fetch, which the frame's own layer can cancel (an AbortError, as a browser's
   * stop gives where it reports one). The player loads `url`.
   */
  async function playerInFrame(url: string): Promise<{ element: DesktopRecordingPlayer; page: Window & typeof globalThis; cancel: AbortController; seen: string[]; frame: HTMLIFrameElement }> {
    const frame = document.createElement('iframe');
    document.body.append(frame);
    const page = frame.contentWindow! as Window & typeof globalThis;
    (page as { Worker?: unknown }).Worker = undefined;
    const cancel = new page.AbortController();
    const pageFetch = page.fetch.bind(page);
    page.fetch = (input, init) => pageFetch(input, { ...init, signal: init?.signal ? page.AbortSignal.any([init.signal, cancel.signal]) : cancel.signal });
    const script = page.document.createElement('script');
    script.type = 'module';
    script.src = '/src/define.ts';
    page.document.head.append(script);
    await page.customElements.whenDefined('desktop-recording-player');
    const element = page.document.createElement('desktop-recording-player') as DesktopRecordingPlayer;
    page.document.body.append(element);
    const seen = recordEvents(element);
    element.src = new URL(url, location.href).href;
    return { element, page, cancel, seen, frame };
  }

  it('a download cancelled from outside the player before anything arrived: aborted (code 1), an abort event and no error event', async () => {
    // The server holds its answer back.
    const held = (await (await fetch('/__held-stream?headers=held', { method: 'POST', body: new Blob([bytes as Uint8Array<ArrayBuffer>]) })).json()) as { url: string };
    const { element, page, cancel, seen, frame } = await playerInFrame(held.url);
    try {
      await fetch(`${held.url}/requested`);
      const aborted = nextEvent(element, 'abort');
      cancel.abort();
      await aborted;
      expect(element.error).to.include({ code: 1, reason: 'aborted', partial: false });
      expect(element.readyState).to.equal(0);
      expect(seen).to.deep.equal(['loadstart', 'abort']);
      let rejected: unknown;
      await element.play().catch((error: unknown) => (rejected = error));
      expect(rejected).to.be.instanceOf(page.DOMException);
    } finally {
      await fetch(`${held.url}/release`, { method: 'POST' });
      frame.remove();
    }
  });

  it('a download cancelled from outside the player partway: aborted (code 1), an abort event, what arrived plays', async () => {
    // In small parts; the first half arrives (the red screen at least), the rest is held back.
    const parts = await screenRecording(STEPS, { partSize: 256 });
    const held = (await (await fetch(`/__held-stream?at=${Math.floor(parts.length / 2)}`, { method: 'POST', body: new Blob([parts as Uint8Array<ArrayBuffer>]) })).json()) as { url: string };
    const { element, cancel, seen, frame } = await playerInFrame(held.url);
    try {
      await nextEvent(element, 'loadedmetadata');
      const aborted = nextEvent(element, 'abort');
      cancel.abort();
      await aborted;
      expect(element.error).to.include({ code: 1, reason: 'aborted', partial: true });
      expect(seen).not.to.include('error');
      await seekTo(element, 0.2);
      expect(await tileColor(element)).to.deep.equal(RED);
    } finally {
      await fetch(`${held.url}/release`, { method: 'POST' });
      frame.remove();
    }
  });

  it('a load replaced by another is abandoned without an error', async () => {
    const held = (await (await fetch(`/__held-stream?at=${Math.floor(bytes.length / 2)}`, { method: 'POST', body: new Blob([bytes as Uint8Array<ArrayBuffer>]) })).json()) as { url: string };
    const element = await emptyPlayer();
    const seen = recordEvents(element);
    const started = nextEvent(element, 'loadstart');
    element.src = held.url;
    await started;
    const ready = nextEvent(element, 'canplaythrough');
    element.srcObject = new Blob([bytes as Uint8Array<ArrayBuffer>]);
    await ready;
    await fetch(`${held.url}/release`, { method: 'POST' });
    await element.captureFrame();
    expect(seen).not.to.include('error');
    expect(element.error).to.equal(null);
    expect(seen.filter((name) => name === 'emptied')).to.have.length(1);
  });
});

describe('contract: the playback token', () => {
  it('is sent as the first websocket message, never in a URL or an attribute', async () => {
    const servers = (await (await fetch('/__playback-servers')).json()) as { token: string; testToken: string };
    const session = '9a7f3c21-0b4e-4f8a-8c3d-5e6f7a8b1080';
    const src = `${servers.token}/webapi/sites/demo/desktopplayback/${session}/ws`;
    // Without module workers the engine runs in the page, where its websocket can be watched.
    const RealWorker = window.Worker;
    const RealWebSocket = window.WebSocket;
    const opened: string[] = [];
    const sent: string[] = [];
    let element: DesktopRecordingPlayer;
    try {
      (window as { Worker?: unknown }).Worker = undefined;
      window.WebSocket = class extends RealWebSocket {
        constructor(url: string | URL, protocols?: string | string[]) {
          super(url, protocols);
          opened.push(String(url));
        }
        override send(data: Parameters<WebSocket['send']>[0]): void {
          sent.push(typeof data === 'string' ? data : '<binary>');
          super.send(data);
        }
      };
      element = await fixture<DesktopRecordingPlayer>(html`<desktop-recording-player duration-hint="92" style="width: 320px"></desktop-recording-player>`);
      element.authToken = servers.testToken;
      const playable = nextEvent(element, 'canplay');
      element.src = src;
      await playable;
    } finally {
      window.Worker = RealWorker;
      window.WebSocket = RealWebSocket;
    }
    expect(element.error).to.equal(null);
    expect(opened).to.deep.equal([src]);
    expect(opened.join(' ')).not.to.include(servers.testToken);
    expect(JSON.parse(sent[0]!), 'the token first').to.deep.equal({ token: servers.testToken });
    expect(element.src).to.equal(src);
    for (const { name, value } of element.attributes) expect(value, `attribute ${name}`).not.to.include(servers.testToken);
    for (const node of element.shadowRoot!.querySelectorAll('*')) {
      for (const { name, value } of node.attributes) expect(value, `shadow attribute ${name}`).not.to.include(servers.testToken);
    }
    element.pause();
  });
});
