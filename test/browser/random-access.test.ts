// Random access: a seek past what the download in order has reached reads the part holding the
// moment and the parts before it by range, until the screen there is covered, and paints it
// exactly while that download is held (test/tools/paced-range-middleware.mjs); what it fetched, and
// what it did not fetch twice, is read from the middleware's log; never elapsed time.
import { expect } from '@open-wc/testing';
import '../../src/define.js';
import { readRecording } from '../../src/format/reader.js';
import { nextEvent } from '../helpers/next-event.js';
import { repeatedFastPath, tdpbRecording } from '../helpers/multipart-recordings.js';
import { difference, imageDataOf } from '../helpers/reference-screen.js';
import { REMOTEFX_SAMPLE, expectNoByteTwice, expectScreenAt, partOffsets, player, rangeStart, recordEvents, serve, type Served } from '../helpers/range-serve.js';
import type { DesktopRecordingPlayer } from '../../src/index.js';
import { noisePng, screenRecording, type ScreenStep } from '../helpers/screen-recording.js';

/**
 * A 256×128 desktop (eight 64×64 cells) repainted cell by cell, one tile every 200 ms for a minute,
 * in parts of about 64 KB (4.8 MB): the screen at any moment is covered by the last parts before it.
 */
async function repaintingRecording(): Promise<Uint8Array> {
  return screenRecording(await repaintingSteps(), { partSize: 64 * 1024 });
}

/** The steps of `repaintingRecording`: a 256×128 desktop repainted cell by cell, a tile every 200 ms for a minute. */
async function repaintingSteps(): Promise<ScreenStep[]> {
  const pngs = await Promise.all(Array.from({ length: 9 }, (_, i) => noisePng(i + 1)));
  const steps: ScreenStep[] = [{ timeMs: 0, screen: { width: 256, height: 128 } }];
  for (let i = 0; i < 300; i++) {
    const cell = i % 8;
    steps.push({ timeMs: i * 200, tile: { left: (cell % 4) * 64, top: (cell >> 2) * 64, color: [0, 0, 0], png: pngs[i % pngs.length] } });
  }
  return steps;
}

/**
 * The same desktop with its bottom row (the wallpaper) painted once, at the start: later tiles
 * repaint only the top row, so no parts but the first cover the screen (the synthetic 1-hour PNG
 * samples are like that, and so are many PNG-era recordings).
 */
async function wallpaperOnceRecording(): Promise<Uint8Array> {
  const pngs = await Promise.all(Array.from({ length: 9 }, (_, i) => noisePng(i + 1)));
  const steps: ScreenStep[] = [{ timeMs: 0, screen: { width: 256, height: 128 } }];
  for (let cell = 4; cell < 8; cell++) steps.push({ timeMs: 0, tile: { left: (cell % 4) * 64, top: 64, color: [0, 0, 0], png: pngs[8 - cell]! } });
  for (let i = 0; i < 300; i++) {
    const cell = i % 4;
    steps.push({ timeMs: i * 200, tile: { left: cell * 64, top: 0, color: [0, 0, 0], png: pngs[i % pngs.length] } });
  }
  return screenRecording(steps, { partSize: 64 * 1024 });
}

/** A player that loaded `served` up to loadedmetadata, with the whole duration (`durationMs`: the file's, read past any damage). */
async function loadedPlayer(served: Served, durationMs = served.durationMs): Promise<DesktopRecordingPlayer> {
  const element = await player();
  const metadata = nextEvent(element, 'loadedmetadata');
  element.src = served.url;
  await metadata;
  expect(element.duration * 1000, 'the whole duration at loadedmetadata').to.equal(durationMs);
  return element;
}

/**
 * Serves `bytes` with the download in order held at the third part, loads them to loadedmetadata
 * and seeks to `targetOf(duration)` seconds: the seek lands exactly, from range reads alone (the
 * download is not released here), with `currentTime` the target right after the assignment.
 */
async function seekPastHeldDownload(bytes: Uint8Array, targetOf: (durationMs: number) => number): Promise<{ served: Served; element: DesktopRecordingPlayer; target: number }> {
  const served = await serve(bytes, 'honest', partOffsets(bytes)[2]!);
  const element = await loadedPlayer(served);
  const seen = recordEvents(element);
  const target = targetOf(served.durationMs);
  const seeked = nextEvent(element, 'seeked');
  element.currentTime = target;
  expect([element.currentTime, element.seeking]).to.deep.equal([target, true]);
  // Never released: only range reads can bring the target.
  await seeked;
  expect(element.currentTime).to.equal(target);
  expect(seen.slice(seen.indexOf('seeking')).filter((name) => ['seeking', 'waiting', 'seeked', 'error'].includes(name))).to.deep.equal(['seeking', 'waiting', 'seeked']);
  await expectScreenAt(element, served.bytes, target * 1000);
  return { served, element, target };
}

describe('random access: a seek past what arrived reads only the parts that moment needs', () => {
  it('PNG tiles: the seek lands exactly while the download in order is held, from far fewer bytes than lie before the target', async () => {
    const bytes = await repaintingRecording();
    const offsets = partOffsets(bytes);
    expect(offsets.length, 'many small parts').to.be.above(20);
    const { served, element, target } = await seekPastHeldDownload(bytes, (durationMs) => Math.floor(durationMs * 0.9 + 50) / 1000);
    // What was read for the seek is buffered too: a second range, holding the target.
    expect(element.buffered.length, 'buffered: from 0, and the parts read for the seek').to.equal(2);
    expect([element.buffered.start(1) <= target, element.buffered.end(1) >= target]).to.deep.equal([true, true]);
    const second = Math.floor(served.durationMs * 0.5 + 50) / 1000;
    const seekedAgain = nextEvent(element, 'seeked');
    element.currentTime = second;
    await seekedAgain;
    await expectScreenAt(element, served.bytes, second * 1000);
    expect(element.buffered.length, 'a third range for the second seek').to.equal(3);
    expect(element.buffered.start(1) <= second && element.buffered.end(1) >= second, 'in time order').to.equal(true);
    const log = await served.log();
    const ranges = log.filter((request) => request.range !== null);
    expectNoByteTwice(ranges, bytes.length);
    // The download in order asks by range too, from the start: held at the hold, it is not the seeks'.
    const rangeBytes = ranges.filter((request) => rangeStart(request.range!, bytes.length) >= offsets[2]!).reduce((sum, request) => sum + request.bytes, 0);
    const beforeTargets = Math.floor(bytes.length * (0.85 + 0.45));
    expect(rangeBytes, `${rangeBytes} bytes by range for both seeks (tail read included) against ${beforeTargets} before their targets`).to.be.below(beforeTargets / 4);

    // The download in order takes over at the target: playing goes on from there, to the end.
    const complete = nextEvent(element, 'canplaythrough');
    await served.release();
    await complete;
    await expectScreenAt(element, served.bytes, second * 1000);
    expect(element.buffered.length, 'all of it, one range').to.equal(1);
    const ended = nextEvent(element, 'ended');
    element.playbackRate = 16;
    await element.play();
    await ended;
    expect(element.currentTime * 1000).to.equal(served.durationMs);
    await expectScreenAt(element, served.bytes, served.durationMs);
  });

  it('PNG tiles whose wallpaper is painted once: the seek reads no part (the end read showed none would cover) and lands exactly with the download in order', async () => {
    const bytes = await wallpaperOnceRecording();
    const offsets = partOffsets(bytes);
    const served = await serve(bytes, 'honest', offsets[2]!);
    const element = await loadedPlayer(served);
    const seen = recordEvents(element);
    const target = Math.floor(served.durationMs * 0.9 + 50) / 1000;
    const waiting = nextEvent(element, 'waiting');
    const seeked = nextEvent(element, 'seeked');
    element.currentTime = target;
    await waiting;
    await served.release();
    await seeked;
    expect(element.currentTime).to.equal(target);
    expect(seen.filter((name) => ['seeking', 'waiting', 'seeked', 'error'].includes(name))).to.deep.equal(['seeking', 'waiting', 'seeked']);
    await expectScreenAt(element, served.bytes, target * 1000);
    const ranges = (await served.log()).filter((request) => request.range !== null);
    expectNoByteTwice(ranges, bytes.length);
    // Besides the end read first, only the download in order: ranges that each start where the one before ended.
    const [tailRead, ...inOrder] = ranges;
    expect(tailRead!.range).to.match(/^bytes=-/);
    let at = 0;
    for (const { range, bytes: sent } of inOrder) {
      if (at >= rangeStart(tailRead!.range!, bytes.length)) break;
      expect(rangeStart(range!, bytes.length), `${range}: the download in order, not a seek's read`).to.equal(at);
      at += sent;
    }
  });

  it('TDPB (Teleport 2026): a seek right after loadedmetadata past the loaded edge lands pixel-exact, from parts read by range', async () => {
    const bytes = await tdpbRecording(await repaintingSteps());
    const { served, element, target } = await seekPastHeldDownload(bytes, (durationMs) => Math.floor(durationMs * 0.8 + 70) / 1000);
    const ranges = (await served.log()).filter((request) => request.range !== null);
    expectNoByteTwice(ranges, bytes.length);
    const rangeBytes = ranges.reduce((sum, request) => sum + request.bytes, 0);
    expect(rangeBytes, `${rangeBytes} bytes by range against ${Math.floor(bytes.length * 0.8)} before the target`).to.be.below(bytes.length * 0.8 * 0.4);
    // The download in order takes over at the target: the same screen.
    const complete = nextEvent(element, 'canplaythrough');
    await served.release();
    await complete;
    await expectScreenAt(element, served.bytes, target * 1000);
  });

  it('a screen size change between what loaded and the seek\'s parts: the island sees tiles outside the screen it knows and the seek waits for the download in order', async () => {
    // 256×128 for 20 s, 320×192 until 40 s, then 256×128 again (so the end read shows islands compose).
    const pngs = await Promise.all(Array.from({ length: 9 }, (_, i) => noisePng(i + 1)));
    const steps: ScreenStep[] = [];
    for (const [fromMs, width, height] of [[0, 256, 128], [20_000, 320, 192], [40_000, 256, 128]] as const) {
      steps.push({ timeMs: fromMs, screen: { width, height } });
      // The cells of the first size alternate with the ones outside it, so every part read back paints some of the first.
      const inside: Array<[number, number]> = [];
      const outside: Array<[number, number]> = [];
      for (let top = 0; top < height; top += 64) for (let left = 0; left < width; left += 64) (left < 256 && top < 128 ? inside : outside).push([left, top]);
      const cells = inside.flatMap((cell, i) => (outside[i] ? [cell, outside[i]!] : [cell]));
      for (let i = 0; i < 100; i++) {
        const [left, top] = cells[i % cells.length]!;
        steps.push({ timeMs: fromMs + i * 200, tile: { left, top, color: [0, 0, 0], png: pngs[i % pngs.length] } });
      }
    }
    const bytes = await screenRecording(steps, { partSize: 64 * 1024 });
    const served = await serve(bytes, 'honest', partOffsets(bytes)[2]!);
    const element = await loadedPlayer(served);
    const target = 35.1;
    const partsRead = new Promise<void>((resolve) => element.addEventListener('progress', () => element.buffered.length === 2 && resolve()));
    const seeked = nextEvent(element, 'seeked');
    element.currentTime = target;
    // The island was tried (a part was read for it) and gave up: the seek still waits.
    await partsRead;
    expect(element.seeking, 'no island shown').to.equal(true);
    await served.release();
    await seeked;
    expect(element.currentTime).to.equal(target);
    const screen = await imageDataOf(await element.captureFrame());
    expect([screen.width, screen.height]).to.deep.equal([320, 192]);
    await expectScreenAt(element, served.bytes, target * 1000);
  });

  it('RemoteFX: the seek lands exactly with the decoder state the front gave (RemoteFX headers), from far fewer bytes than lie before the target', async () => {
    const { bytes } = await repeatedFastPath(REMOTEFX_SAMPLE, 4);
    const served = await serve(bytes, 'honest', partOffsets(bytes)[2]!);
    const element = await loadedPlayer(served);
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
    // The end read gives the length past the damage: the last tile's time.
    const element = await loadedPlayer(served, 299 * 200);
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

