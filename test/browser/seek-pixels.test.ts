// The player's screen against a straightforward reference: every tile of the recording painted in
// time order up to the same moment. After seeks both ways (from nothing, from keyframes and from
// snapshots left by earlier seeks) and after playing at several speeds (where tiles are
// coalesced), `captureFrame()` must equal it pixel for pixel, on the committed samples.
import { expect, fixture, html } from '@open-wc/testing';
import '../../src/define.js';
import type { DesktopRecordingPlayer } from '../../src/index.js';
import { difference, imageDataOf, referenceScreens, screenUpdatesOf } from '../helpers/reference-screen.js';
import { blobUrl, pixelsOf, screenRecording, type ScreenStep } from '../helpers/screen-recording.js';
import { eventually, nextEvent } from '../helpers/next-event.js';

const SAMPLES = [
  { file: '6c0e1e5a-8d6b-4a51-9a0c-2f4b1c7d0720.tar', seeks: [61.25, 118.4, 2.5, 95, 30.02, 61.25] },
  { file: '9a7f3c21-0b4e-4f8a-8c3d-5e6f7a8b1080.tar', seeks: [44.4, 88.8, 10, 70.5, 44.4] },
];
const PLAYED_AT = [4, 16, 32];


/** The player's position in whole recording milliseconds, as the worker holds it. */
const positionMs = (element: DesktopRecordingPlayer) => Math.round(element.currentTime * 1e6) / 1e3;

for (const sample of SAMPLES) {
  describe(`captureFrame() against the reference on ${sample.file}`, () => {
    it('matches after seeks both ways and after playing at several speeds', async () => {
      const url = `/demo/recordings/${sample.file}`;
      const bytes = new Uint8Array(await (await fetch(url)).arrayBuffer());
      const element = await fixture<DesktopRecordingPlayer>(html`<desktop-recording-player style="width: 480px"></desktop-recording-player>`);
      const loaded = nextEvent(element, 'canplaythrough');
      element.src = url;
      await loaded;
      const captures: Array<{ label: string; timeMs: number; frame: Blob }> = [];
      for (const seconds of sample.seeks) {
        const seeked = nextEvent(element, 'seeked');
        element.currentTime = seconds;
        await seeked;
        captures.push({ label: `seek to ${seconds} s`, timeMs: positionMs(element), frame: await element.captureFrame() });
      }
      for (const rate of PLAYED_AT) {
        const seeked = nextEvent(element, 'seeked');
        element.currentTime = 20;
        await seeked;
        element.playbackRate = rate;
        await element.play();
        // Play through at least a second of recording at this rate, whatever the machine's load.
        await eventually(element, 'timeupdate', () => element.currentTime >= 20 + rate, `playing at ${rate}× past ${20 + rate} s`);
        const paused = nextEvent(element, 'pause');
        element.pause();
        await paused;
        captures.push({ label: `played at ${rate}× to ${element.currentTime.toFixed(3)} s`, timeMs: positionMs(element), frame: await element.captureFrame() });
      }
      element.playbackRate = 1;
      const order = captures.map((_, index) => index).sort((a, b) => captures[a]!.timeMs - captures[b]!.timeMs);
      const references = await referenceScreens(await screenUpdatesOf(bytes), order.map((index) => captures[index]!.timeMs));
      const mismatches: string[] = [];
      for (const [rank, index] of order.entries()) {
        const { pixels, first } = difference(await imageDataOf(captures[index]!.frame), references[rank]!);
        if (pixels > 0) mismatches.push(`${captures[index]!.label}: ${pixels} pixels differ, first at ${first}`);
      }
      expect(mismatches).to.deep.equal([]);
    });
  });
}

describe('the engine under pressure', () => {
  const sample = `/demo/recordings/${SAMPLES[1]!.file}`;

  async function loaded(src: string): Promise<DesktopRecordingPlayer> {
    const element = await fixture<DesktopRecordingPlayer>(html`<desktop-recording-player style="width: 480px"></desktop-recording-player>`);
    const ready = nextEvent(element, 'canplaythrough');
    element.src = src;
    await ready;
    return element;
  }

  it('cancels stale seeks: only the last of a burst completes, and it shows its own time', async () => {
    const element = await loaded(sample);
    const seen: string[] = [];
    for (const name of ['seeking', 'seeked']) element.addEventListener(name, () => seen.push(name));
    const last = nextEvent(element, 'seeked');
    for (const seconds of [80, 5, 60, 33, 71.5]) element.currentTime = seconds;
    await last;
    // The capture is answered after every message the worker sent before it: a stale seek's
    // `seeked` would be in by then.
    const frame = await element.captureFrame();
    expect(seen.filter((name) => name === 'seeked')).to.have.length(1);
    expect(seen.filter((name) => name === 'seeking').length).to.be.greaterThan(1);
    expect(element.currentTime).to.equal(71.5);
    const bytes = new Uint8Array(await (await fetch(sample)).arrayBuffer());
    const [reference] = await referenceScreens(await screenUpdatesOf(bytes), [71500]);
    expect(difference(await imageDataOf(frame), reference!).pixels).to.equal(0);
  });

  // Whether the page stays free of long tasks meanwhile is timing: `npm run bench` counts them per phase (target 0).
  it('loads, plays at 16× and takes 20 seeks in a row, each answered by one seeked', async () => {
    const element = await loaded(`/demo/recordings/${SAMPLES[0]!.file}`);
    element.playbackRate = 16;
    await element.play();
    await eventually(element, 'timeupdate', () => element.currentTime >= 24, 'playing at 16× past 24 s');
    element.pause();
    for (let index = 0; index < 20; index++) {
      const seeked = nextEvent(element, 'seeked');
      element.currentTime = ((index * 37) % 120) + 0.5;
      await seeked;
    }
    expect(element.seeking).to.equal(false);
    expect(element.currentTime).to.equal(((19 * 37) % 120) + 0.5);
  });

  it('skips a tile that is not an image, reports image-decode once, and plays on', async () => {
    const garbage = new TextEncoder().encode('this is not a PNG image at all');
    const steps: ScreenStep[] = [
      { timeMs: 0, screen: { width: 128, height: 64 } },
      { timeMs: 0, tile: { left: 0, top: 0, color: [255, 0, 0] } },
      { timeMs: 100, tile: { left: 64, top: 0, color: [0, 0, 0], png: garbage } },
      { timeMs: 200, tile: { left: 64, top: 0, color: [0, 0, 0], png: garbage } },
      { timeMs: 300, tile: { left: 64, top: 0, color: [0, 255, 0] } },
    ];
    const url = blobUrl(await screenRecording(steps));
    const element = await fixture<DesktopRecordingPlayer>(html`<desktop-recording-player></desktop-recording-player>`);
    let errors = 0;
    element.addEventListener('error', () => (errors += 1));
    const ready = nextEvent(element, 'canplaythrough');
    element.src = url;
    await ready;
    // The bad tile's decode fails on its own schedule: ended may come first on a busy machine.
    const ended = nextEvent(element, 'ended');
    const failed = nextEvent(element, 'error');
    await element.play();
    await Promise.all([ended, failed]);
    // A capture is answered after every event the engine sent before it: a second error would be in.
    await element.captureFrame();
    expect(element.error).to.include({ reason: 'image-decode', partial: true, code: 3 });
    expect(element.error!.message).to.match(/0\.1 s/);
    expect(errors).to.equal(1);
    expect(element.getVideoPlaybackQuality().corruptedVideoFrames).to.be.at.least(2);
    const screen = await pixelsOf(await element.captureFrame());
    expect([screen.at(32, 32).slice(0, 3), screen.at(96, 32).slice(0, 3)]).to.deep.equal([[255, 0, 0], [0, 255, 0]]);
    URL.revokeObjectURL(url);
  });
});

describe('without module workers', () => {
  it('runs the same engine in the page: it plays, seeks both ways and captures the same pixels', async () => {
    const sample = SAMPLES[0]!;
    const url = `/demo/recordings/${sample.file}`;
    const realWorker = window.Worker;
    let element: DesktopRecordingPlayer;
    try {
      (window as { Worker?: unknown }).Worker = undefined;
      element = await fixture<DesktopRecordingPlayer>(html`<desktop-recording-player style="width: 480px"></desktop-recording-player>`);
    } finally {
      window.Worker = realWorker;
    }
    // Sharing the page's thread, the engine works in slices. Its reading hands the thread back
    // every few milliseconds (a new task through a MessageChannel, counted here), and the page's
    // own tasks (a chain of them, counted in turns) get their turn during loading and every seek:
    // no seek holds the thread from its start to its end.
    const RealMessageChannel = window.MessageChannel;
    let engineYields = 0;
    window.MessageChannel = class extends RealMessageChannel {
      constructor() {
        super();
        engineYields += 1;
      }
    };
    let pageTurns = 0;
    let turning = true;
    const pageTasks = new RealMessageChannel();
    pageTasks.port1.onmessage = () => {
      pageTurns += 1;
      if (turning) pageTasks.port2.postMessage(null);
    };
    pageTasks.port2.postMessage(null);
    const turnsDuring = async (work: () => Promise<unknown>): Promise<{ turns: number; yields: number }> => {
      const [turns, yields] = [pageTurns, engineYields];
      await work();
      return { turns: pageTurns - turns, yields: engineYields - yields };
    };
    const slices: Record<string, { turns: number; yields: number }> = {};
    try {
      slices.loading = await turnsDuring(() => {
        const ready = nextEvent(element, 'canplaythrough');
        element.src = url;
        return ready;
      });
      await element.play();
      await eventually(element, 'timeupdate', () => element.currentTime >= 0.3, 'playing past 0.3 s');
      element.pause();
      for (const seconds of [40, 100, 3]) {
        slices[`seek to ${seconds} s`] = await turnsDuring(() => {
          const seeked = nextEvent(element, 'seeked');
          element.currentTime = seconds;
          return seeked;
        });
      }
    } finally {
      turning = false;
      window.MessageChannel = RealMessageChannel;
    }
    expect(slices.loading!.yields, 'the engine yields while reading').to.be.greaterThan(0);
    for (const [stretch, { turns }] of Object.entries(slices)) expect(turns, `the page's tasks run during ${stretch}`).to.be.at.least(1);
    // Captures encode a PNG on the page's thread (asked for, so outside the observed stretch).
    const captures: Array<{ timeMs: number; frame: Blob }> = [];
    for (const seconds of [90, 12.5]) {
      const seeked = nextEvent(element, 'seeked');
      element.currentTime = seconds;
      await seeked;
      captures.push({ timeMs: seconds * 1000, frame: await element.captureFrame() });
    }
    const bytes = new Uint8Array(await (await fetch(url)).arrayBuffer());
    const references = await referenceScreens(await screenUpdatesOf(bytes), [12500, 90000]);
    expect(difference(await imageDataOf(captures[1]!.frame), references[0]!).pixels).to.equal(0);
    expect(difference(await imageDataOf(captures[0]!.frame), references[1]!).pixels).to.equal(0);
  });
});

describe('without OffscreenCanvas', () => {
  it('paints on the page canvas in the page: it plays, seeks both ways and captures the same pixels', async () => {
    const sample = SAMPLES[1]!;
    const url = `/demo/recordings/${sample.file}`;
    const realOffscreenCanvas = globalThis.OffscreenCanvas;
    const realTransfer = HTMLCanvasElement.prototype.transferControlToOffscreen;
    const captures: Array<{ timeMs: number; frame: Blob }> = [];
    try {
      (globalThis as { OffscreenCanvas?: unknown }).OffscreenCanvas = undefined;
      delete (HTMLCanvasElement.prototype as { transferControlToOffscreen?: unknown }).transferControlToOffscreen;
      const element = await fixture<DesktopRecordingPlayer>(html`<desktop-recording-player style="width: 480px"></desktop-recording-player>`);
      const ready = nextEvent(element, 'canplaythrough');
      element.src = url;
      await ready;
      element.playbackRate = 4;
      await element.play();
      await eventually(element, 'timeupdate', () => element.currentTime >= 1.2, 'playing at 4× past 1.2 s');
      element.pause();
      for (const seconds of [70.5, 10]) {
        const seeked = nextEvent(element, 'seeked');
        element.currentTime = seconds;
        await seeked;
        captures.push({ timeMs: seconds * 1000, frame: await element.captureFrame() });
      }
    } finally {
      globalThis.OffscreenCanvas = realOffscreenCanvas;
      HTMLCanvasElement.prototype.transferControlToOffscreen = realTransfer;
    }
    const bytes = new Uint8Array(await (await fetch(url)).arrayBuffer());
    const [at10, at70] = await referenceScreens(await screenUpdatesOf(bytes), [10000, 70500]);
    expect(difference(await imageDataOf(captures[1]!.frame), at10!).pixels).to.equal(0);
    expect(difference(await imageDataOf(captures[0]!.frame), at70!).pixels).to.equal(0);
  });
});

