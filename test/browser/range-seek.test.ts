// Navigable before downloaded: recordings served paced, with Range honoured, ignored or answered
// wrongly (test/tools/paced-range-middleware.mjs), and the whole-file download held partway so the
// target of a seek has certainly not arrived. The duration at loadedmetadata, currentTime right
// after the assignment, the event order while the seek waits, and the screen at the target pixel
// for pixel against the reference; never elapsed time.
import { expect, fixture, html } from '@open-wc/testing';
import '../../src/define.js';
import type { DesktopRecordingPlayer } from '../../src/index.js';
import { readRecording } from '../../src/format/reader.js';
import { TimelineBuilder } from '../../src/format/timeline.js';
import { difference, imageDataOf, referenceScreens, screenUpdatesOf } from '../helpers/reference-screen.js';
import { nextEvent } from '../helpers/next-event.js';
import { press } from './element-fixtures.js';
import { TILE, screenRecording, type ScreenStep } from '../helpers/screen-recording.js';
import { desktopRecording, writeRecording } from '../helpers/recording-bytes.js';
import type { AuditEventInit } from '../../src/format/events.js';

const PNG_SAMPLE = '6c0e1e5a-8d6b-4a51-9a0c-2f4b1c7d0720.tar';
const REMOTEFX_SAMPLE = '3b8e5d10-7c2a-4f61-9e0b-15a0c0de0003.tar';
/** 4 MB/s: the held download and the range reads both take real network time. */
const RATE = 4_000_000;
/** The whole-file download stops here until released: the screen size and a little more. */
const HOLD_BYTES = 96 * 1024;

type RangeMode = 'honest' | 'ignore' | 'wrong-range' | 'truncated' | '416';

interface Served {
  url: string;
  bytes: Uint8Array;
  durationMs: number;
  release(): Promise<void>;
  log(): Promise<Array<{ range: string | null; status: number; bytes: number }>>;
}

async function serve(file: string | Uint8Array, ranges: RangeMode, holdBytes = HOLD_BYTES): Promise<Served> {
  const bytes = typeof file === 'string' ? new Uint8Array(await (await fetch(`/demo/recordings/${file}`)).arrayBuffer()) : file;
  const response = await fetch(`/__paced?rate=${RATE}&hold=${holdBytes}&ranges=${ranges}`, { method: 'POST', body: new Blob([bytes as BlobPart]) });
  const { url } = (await response.json()) as { url: string };
  const timeline = new TimelineBuilder();
  for (const event of (await readRecording(bytes)).events) timeline.add(event);
  timeline.finish();
  return {
    url,
    bytes,
    durationMs: timeline.durationMs,
    release: async () => void (await fetch(`${url}/release`, { method: 'POST' })),
    log: async () => (await fetch(`${url}/log`)).json(),
  };
}

/** The byte ranges asked (`bytes=a-b`, `bytes=-n`) never overlap: no byte of the file is fetched twice by range. */
function expectNoByteTwice(ranges: Array<{ range: string | null }>, length: number): void {
  const spans = ranges.map(({ range }) => {
    const [, first, last] = /^bytes=(\d*)-(\d*)$/.exec(range!)!;
    return first === '' ? [length - Number(last), length] : [Number(first), Number(last) + 1];
  });
  spans.sort((a, b) => a[0]! - b[0]!);
  for (let i = 1; i < spans.length; i++) expect(spans[i]![0], `range ${spans[i]} overlaps ${spans[i - 1]}`).to.be.at.least(spans[i - 1]![1]!);
}

/** The media events of interest, in the order they fired. */
function recordEvents(element: DesktopRecordingPlayer): string[] {
  const seen: string[] = [];
  for (const name of ['loadedmetadata', 'durationchange', 'loadeddata', 'seeking', 'waiting', 'canplay', 'seeked', 'canplaythrough', 'error']) {
    element.addEventListener(name, () => seen.push(name));
  }
  return seen;
}

/**
 * The screen must be the recording's at `timeMs`: for PNG tiles the reference composition; for
 * fast-path, a player that had the whole file at hand and seeked there (the fast-path seeks are
 * checked against playing through in fastpath.test.ts).
 */
async function expectScreenAt(element: DesktopRecordingPlayer, bytes: Uint8Array, timeMs: number, fastPath = false): Promise<void> {
  let reference: ImageData;
  if (fastPath) {
    const local = await player();
    const loaded = nextEvent(local, 'canplaythrough');
    local.srcObject = new Blob([bytes as BlobPart]);
    await loaded;
    const seeked = nextEvent(local, 'seeked');
    local.currentTime = timeMs / 1000;
    await seeked;
    reference = await imageDataOf(await local.captureFrame());
  } else {
    [reference] = (await referenceScreens(await screenUpdatesOf(bytes), [timeMs])) as [ImageData];
  }
  const { pixels, first } = difference(await imageDataOf(await element.captureFrame()), reference);
  expect(pixels, `the screen at ${timeMs} ms differs from the recording there (first at ${first})`).to.equal(0);
}

async function player(): Promise<DesktopRecordingPlayer> {
  return fixture<DesktopRecordingPlayer>(html`<desktop-recording-player style="width: 480px"></desktop-recording-player>`);
}

describe('a recording whose server answers Range requests, on a paced link', () => {
  for (const file of [PNG_SAMPLE, REMOTEFX_SAMPLE]) {
    it(`${file}: the whole duration at loadedmetadata, and a seek past what arrived waits and lands exactly`, async () => {
      const served = await serve(file, 'honest');
      const element = await player();
      const seen = recordEvents(element);
      const metadata = nextEvent(element, 'loadedmetadata');
      element.src = served.url;
      await metadata;
      expect(element.duration * 1000, 'the final duration at loadedmetadata').to.equal(served.durationMs);
      expect(element.rangeReads.status).to.equal('used');
      const [, tailReads] = /its end was read first \(\d+ bytes in (\d+) requests?\)/.exec(element.rangeReads.detail) ?? [];
      expect(Number(tailReads), element.rangeReads.detail).to.be.within(1, 2);
      expect(element.seekable.end(0)).to.equal(element.duration);
      expect(element.recording.sessionEnd, 'the session end, read from the end of the file').to.be.instanceOf(Date);
      const endAtMetadata = { participants: element.recording.participants, sessionEnd: element.recording.sessionEnd?.getTime() };

      const target = Math.floor(served.durationMs * 0.9) / 1000;
      const waiting = nextEvent(element, 'waiting');
      const seeked = nextEvent(element, 'seeked');
      element.currentTime = target;
      expect(element.currentTime, 'currentTime reads the target right after the assignment').to.equal(target);
      expect(element.seeking, 'seeking is true right after the assignment').to.equal(true);
      await waiting;
      expect(element.seeking).to.equal(true);
      expect(element.currentTime).to.equal(target);
      expect(element.readyState, 'no data for the target yet').to.equal(1);
      expect(element.buffered.end(0), 'the target has not arrived').to.be.below(target);
      await served.release();
      await seeked;
      expect(element.currentTime).to.equal(target);
      expect(element.duration * 1000).to.equal(served.durationMs);
      const fromMetadata = seen.slice(seen.indexOf('loadedmetadata'));
      expect(fromMetadata.filter((name) => name === 'durationchange'), 'the duration never changed after loadedmetadata').to.deep.equal([]);
      expect(fromMetadata.filter((name) => ['seeking', 'waiting', 'seeked'].includes(name))).to.deep.equal(['seeking', 'waiting', 'seeked']);
      expect(seen).to.not.include('error');
      const complete = element.readyState === 4 ? Promise.resolve() : nextEvent(element, 'canplaythrough');
      await complete;
      expect(endAtMetadata, 'what the end said ahead is what the whole file says').to.deep.equal({ participants: element.recording.participants, sessionEnd: element.recording.sessionEnd?.getTime() });
      await expectScreenAt(element, served.bytes, target * 1000, file === REMOTEFX_SAMPLE);
      const ranges = (await served.log()).filter((request) => request.range !== null);
      expect(ranges.slice(0, Number(tailReads)).map((request) => request.range), 'the tail read first').to.satisfy((asked: string[]) => asked[0]!.startsWith('bytes=-'));
      expect(ranges.map((request) => request.status), 'every range answered').to.deep.equal(Array(ranges.length).fill(206));
      expectNoByteTwice(ranges, served.bytes.length);
    });
  }

  it('the keyboard: End past what arrived seeks to the whole duration, waits, and shows the last screen', async () => {
    const served = await serve(PNG_SAMPLE, 'honest');
    const element = await fixture<DesktopRecordingPlayer>(html`<desktop-recording-player controls style="width: 480px"></desktop-recording-player>`);
    const metadata = nextEvent(element, 'loadedmetadata');
    element.src = served.url;
    await metadata;
    const waiting = nextEvent(element, 'waiting');
    const seeked = nextEvent(element, 'seeked');
    expect(press(element, 'End'), 'End is handled').to.equal(true);
    expect(element.currentTime).to.equal(served.durationMs / 1000);
    await waiting;
    expect(element.seeking).to.equal(true);
    await served.release();
    await seeked;
    expect(element.currentTime).to.equal(served.durationMs / 1000);
    await expectScreenAt(element, served.bytes, served.durationMs);
  });

  it('start-at past what arrived: loadedmetadata at the start position with the whole duration, the first frame exactly there', async () => {
    const served = await serve(PNG_SAMPLE, 'honest');
    const element = await player();
    const startSeconds = 100;
    element.setAttribute('start-at', String(startSeconds));
    const metadata = nextEvent(element, 'loadedmetadata');
    const loaded = nextEvent(element, 'loadeddata');
    element.src = served.url;
    await metadata;
    expect(element.duration * 1000).to.equal(served.durationMs);
    expect(element.currentTime, 'never clamped to what arrived').to.equal(startSeconds);
    expect(element.readyState).to.equal(1);
    await served.release();
    await loaded;
    expect(element.currentTime).to.equal(startSeconds);
    await expectScreenAt(element, served.bytes, startSeconds * 1000);
  });
});

describe('a server that ignores Range (200 with the whole file), on a paced link', () => {
  it('streams: the duration grows with durationchange, and fastSeek past the loaded edge waits and lands exactly, never clamped', async () => {
    const served = await serve(PNG_SAMPLE, 'ignore');
    const element = await player();
    const seen = recordEvents(element);
    const metadata = nextEvent(element, 'loadedmetadata');
    element.src = served.url;
    await metadata;
    expect(element.rangeReads.status).to.equal('unsupported');
    expect(element.rangeReads.detail).to.match(/ignores Range/);
    const target = Math.floor(served.durationMs * 0.8) / 1000;
    expect(element.duration, 'only what arrived is known').to.be.below(target);

    const waiting = nextEvent(element, 'waiting');
    const seeked = nextEvent(element, 'seeked');
    element.fastSeek(target);
    expect(element.currentTime, 'past the duration so far, not clamped to it').to.equal(target);
    await waiting;
    expect(element.seeking).to.equal(true);
    const complete = nextEvent(element, 'canplaythrough');
    await served.release();
    await seeked;
    expect(element.currentTime).to.equal(target);
    expect(seen.slice(seen.indexOf('seeking'), seen.indexOf('seeked')).filter((name) => name === 'durationchange').length, 'the duration grew while the seek waited').to.be.above(0);
    expect(seen).to.not.include('error');
    await expectScreenAt(element, served.bytes, target * 1000);
    await complete;
    expect(element.duration * 1000).to.equal(served.durationMs);
  });
});

describe('a server that answers a range wrongly', () => {
  for (const [mode, said] of [
    ['wrong-range', /Content-Range "bytes \d+-\d+\/\d+"/],
    ['truncated', /cut .* short/],
    ['416', /answered 416/],
  ] as const) {
    it(`${mode}: detected and reported once (rangeReads), never an error event; the file streams and plays to its end`, async () => {
      const served = await serve(PNG_SAMPLE, mode);
      const element = await player();
      const seen = recordEvents(element);
      const metadata = nextEvent(element, 'loadedmetadata');
      element.src = served.url;
      await metadata;
      expect(element.rangeReads.status).to.equal('unreliable');
      expect(element.rangeReads.detail).to.match(said);
      expect(element.rangeReads.detail).to.match(/streamed from its start instead/);
      const complete = nextEvent(element, 'canplaythrough');
      await served.release();
      await complete;
      expect(element.duration * 1000).to.equal(served.durationMs);
      expect(element.error).to.equal(null);
      expect(seen).to.not.include('error');
      const log = await served.log();
      expect(log.filter((request) => request.range !== null).length, 'one range request, then no more').to.equal(1);
    });
  }
});

describe('local sources', () => {
  it('a Blob (srcObject), a blob: URL and a data: URL: the whole duration at loadedmetadata, rangeReads local', async () => {
    const bytes = new Uint8Array(await (await fetch(`/demo/recordings/${REMOTEFX_SAMPLE}`)).arrayBuffer());
    const timeline = new TimelineBuilder();
    for (const event of (await readRecording(bytes)).events) timeline.add(event);
    timeline.finish();
    const blob = new Blob([bytes as BlobPart]);
    const dataUrl = await new Promise<string>((resolve) => {
      const reader = new FileReader();
      reader.onload = () => resolve(reader.result as string);
      reader.readAsDataURL(blob);
    });
    for (const assign of [
      (element: DesktopRecordingPlayer) => (element.srcObject = blob),
      (element: DesktopRecordingPlayer) => (element.src = URL.createObjectURL(blob)),
      (element: DesktopRecordingPlayer) => (element.src = dataUrl),
    ]) {
      const element = await player();
      const metadata = nextEvent(element, 'loadedmetadata');
      assign(element);
      await metadata;
      expect(element.duration * 1000).to.equal(timeline.durationMs);
      expect(element.rangeReads.status).to.equal('local');
    }
  });
});

/** Part offsets by chaining headers from the front. */
function partOffsets(bytes: Uint8Array): number[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const offsets: number[] = [];
  for (let at = 0; at < bytes.length; at += (view.getUint32(at + 4) === 2 ? 32 : 24) + view.getUint32(at + 12) + view.getUint32(at + 20)) offsets.push(at);
  return offsets;
}

/** A 64×64 PNG of seeded noise (about 16 KB: it does not compress, so parts hold a few tiles each). */
async function noisePng(seed: number): Promise<Uint8Array> {
  const canvas = new OffscreenCanvas(TILE, TILE);
  const context = canvas.getContext('2d')!;
  const image = context.createImageData(TILE, TILE);
  for (let i = 0; i < image.data.length; i++) {
    seed = (Math.imul(seed, 1103515245) + 12345) | 0;
    image.data[i] = i % 4 === 3 ? 255 : (seed >>> 16) & 0xff;
  }
  context.putImageData(image, 0, 0);
  return new Uint8Array(await (await canvas.convertToBlob({ type: 'image/png' })).arrayBuffer());
}

/**
 * A 256×128 desktop (eight 64×64 cells) repainted cell by cell, one tile every 200 ms for a minute,
 * in parts of about 64 KB (4.8 MB): the screen at any moment is covered by the last parts before it.
 */
async function repaintingRecording(): Promise<Uint8Array> {
  const pngs = await Promise.all(Array.from({ length: 9 }, (_, i) => noisePng(i + 1)));
  const steps: ScreenStep[] = [{ timeMs: 0, screen: { width: 256, height: 128 } }];
  for (let i = 0; i < 300; i++) {
    const cell = i % 8;
    steps.push({ timeMs: i * 200, tile: { left: (cell % 4) * 64, top: (cell >> 2) * 64, color: [0, 0, 0], png: pngs[i % pngs.length] } });
  }
  return screenRecording(steps, { partSize: 64 * 1024 });
}

/**
 * A fast-path sample's screen updates played `times` times in a row (the screen size once, at the
 * start), in parts of about 64 KB: each repeat starts with full frames, whose RemoteFX frames need
 * the header blocks of the first.
 */
async function repeatedFastPath(file: string, times: number): Promise<Uint8Array> {
  const sample = new Uint8Array(await (await fetch(`/demo/recordings/${file}`)).arrayBuffer());
  const updates = (await readRecording(sample)).events.flatMap(({ event }) => (event.case === 'desktopRecording' ? [{ delayMs: Number(event.value.delayMilliseconds), message: event.value.message }] : []));
  const periodMs = updates.at(-1)!.delayMs + 1000;
  const events: AuditEventInit[] = [];
  for (let repeat = 0; repeat < times; repeat++) {
    for (const { delayMs, message } of updates) {
      // TDP 31 ConnectionActivated sets the screen size: once.
      if (repeat > 0 && message[0] === 31) continue;
      events.push(desktopRecording(events.length, repeat * periodMs + delayMs, message));
    }
  }
  return writeRecording(events, { partSize: 64 * 1024 });
}

describe('random access: a seek past what arrived reads only the parts that moment needs', () => {
  it('PNG tiles: the seek lands exactly while the download in order is held, from far fewer bytes than lie before the target', async () => {
    const bytes = await repaintingRecording();
    const offsets = partOffsets(bytes);
    expect(offsets.length, 'many small parts').to.be.above(20);
    const served = await serve(bytes, 'honest', offsets[2]!);
    const element = await player();
    const seen = recordEvents(element);
    const metadata = nextEvent(element, 'loadedmetadata');
    element.src = served.url;
    await metadata;
    expect(element.duration * 1000).to.equal(served.durationMs);
    const target = Math.floor(served.durationMs * 0.9 + 50) / 1000;
    const seeked = nextEvent(element, 'seeked');
    element.currentTime = target;
    expect([element.currentTime, element.seeking]).to.deep.equal([target, true]);
    // Never released: only range reads can bring the target.
    await seeked;
    expect(element.currentTime).to.equal(target);
    expect(seen.slice(seen.indexOf('seeking'))).to.deep.equal(['seeking', 'waiting', 'seeked']);
    await expectScreenAt(element, served.bytes, target * 1000);
    const log = await served.log();
    const ranges = log.filter((request) => request.range !== null);
    expectNoByteTwice(ranges, bytes.length);
    const rangeBytes = ranges.reduce((sum, request) => sum + request.bytes, 0);
    const beforeTarget = Math.floor(bytes.length * 0.85);
    expect(rangeBytes, `${rangeBytes} bytes by range (tail read included) against ${beforeTarget} before the target`).to.be.below(beforeTarget / 4);

    // The download in order takes over at the target: playing goes on from there, to the end.
    const complete = nextEvent(element, 'canplaythrough');
    await served.release();
    await complete;
    await expectScreenAt(element, served.bytes, target * 1000);
    const ended = nextEvent(element, 'ended');
    element.playbackRate = 16;
    await element.play();
    await ended;
    expect(element.currentTime * 1000).to.equal(served.durationMs);
    await expectScreenAt(element, served.bytes, served.durationMs);
  });

  it('RemoteFX: the seek lands exactly with the decoder state the front gave (RemoteFX headers), from far fewer bytes than lie before the target', async () => {
    const bytes = await repeatedFastPath(REMOTEFX_SAMPLE, 4);
    const served = await serve(bytes, 'honest', partOffsets(bytes)[2]!);
    const element = await player();
    const metadata = nextEvent(element, 'loadedmetadata');
    element.src = served.url;
    await metadata;
    expect(element.duration * 1000).to.equal(served.durationMs);
    // Two seconds into the last repeat: its first frames cover the screen.
    const target = Math.floor(served.durationMs * 0.75 + 2000) / 1000;
    const seeked = nextEvent(element, 'seeked');
    element.currentTime = target;
    await seeked;
    expect(element.currentTime).to.equal(target);
    const ranges = (await served.log()).filter((request) => request.range !== null);
    expectNoByteTwice(ranges, bytes.length);
    const rangeBytes = ranges.reduce((sum, request) => sum + request.bytes, 0);
    expect(rangeBytes, `${rangeBytes} bytes by range against ${Math.floor(bytes.length * 0.75)} before the target`).to.be.below(bytes.length * 0.75 * 0.4);
    const captured = await imageDataOf(await element.captureFrame());
    await served.release();
    await expectScreenAt(element, served.bytes, target * 1000, true);
    const { pixels } = difference(captured, await imageDataOf(await element.captureFrame()));
    expect(pixels, 'the screen the island showed is the one the whole file gives').to.equal(0);
  });

  it('a damaged part read by a seek: error with partial true, and what decoded stays playable', async () => {
    const bytes = await repaintingRecording();
    const offsets = partOffsets(bytes);
    // The part holding a moment 62 % of the way in: a seek there reads it first.
    const targetMs = 36_100;
    const holding = (await readRecording(bytes)).events.find(({ event }) => event.case === 'desktopRecording' && Number(event.value.delayMilliseconds) >= targetMs)!;
    const damagedPart = offsets.indexOf(holding.partOffset);
    expect(damagedPart, 'the part holding the target').to.be.above(2);
    const intact = bytes.slice();
    for (let at = offsets[damagedPart]! + 24 + 20; at < offsets[damagedPart + 1]! - 8; at += 3) bytes[at] ^= 0x5a;
    const served = await serve(bytes, 'honest', offsets[2]!);
    const element = await player();
    const metadata = nextEvent(element, 'loadedmetadata');
    element.src = served.url;
    await metadata;
    const error = nextEvent(element, 'error');
    const target = targetMs / 1000;
    element.currentTime = target;
    await error;
    expect(element.error).to.include({ partial: true });
    expect(element.seeking, 'the seek waits for the download in order').to.equal(true);
    const seeked = nextEvent(element, 'seeked');
    await served.release();
    await seeked;
    // What decoded before the damage plays.
    const early = nextEvent(element, 'seeked');
    element.currentTime = 5;
    await early;
    await expectScreenAt(element, intact, 5000);
  });
});
