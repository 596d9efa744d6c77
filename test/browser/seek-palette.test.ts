// An 8 bpp recording (RDP bitmaps whose pixels are palette indices) seeked past what the download in
// order has reached: an island paints only with palettes its own parts set. One whose visible
// bitmaps were painted with a palette set before it (maybe in the gap it skips) gives up, and the
// seek waits for the download in order (test/tools/paced-range-middleware.mjs holds it). An 8 bpp
// pointer (its colours palette entries too) set before the island's own palette is hidden instead.
// States and pixels are waited for, never time.
import { expect } from '@open-wc/testing';
import '../../src/define.js';
import { untilPointer } from '../helpers/pointer-layer.js';
import type { AuditEventInit } from '../../src/format/events.js';
import { encodeTdp } from '../../src/format/tdp.js';
import { UpdateCode, bitmapUpdate, colorPointer, newPointer, paletteUpdate, pduOf } from '../fixtures/rdp/build.js';
import type { DesktopRecordingPlayer } from '../../src/index.js';
import { nextEvent } from '../helpers/next-event.js';
import { expectSameScreen, loadedWhileHeld, wholeFileScreenAt } from '../helpers/range-serve.js';
import { desktopRecording, writeRecording } from '../helpers/recording-bytes.js';
import { seededRandom } from '../helpers/seeded-random.js';
import { readRecording } from '../../src/format/reader.js';

const WIDTH = 256;
const HEIGHT = 128;
/** The palette set at `seconds`: 256 colours, different for each. */
const paletteAt = (seconds: number): Array<[number, number, number]> =>
  Array.from({ length: 256 }, (_, i) => [(i * 7 + seconds * 29) & 0xff, (i * 3 + seconds * 71) & 0xff, (255 - i + seconds * 13) & 0xff]);

/**
 * Three minutes of an 8 bpp desktop: one 64×64 cell repainted every 200 ms with noise in palette
 * indices (uncompressed, so parts of about 64 KB hold about 3 s; 3.8 MB, so the moments below lie
 * past the download in order's first range); palettes set at 0 s and at 80 s, then re-sent before
 * every frame from 120 s on.
 */
function paletteRecording(): Uint8Array {
  const next = seededRandom(0x8bb);
  const events: AuditEventInit[] = [];
  const fastPath = (timeMs: number, pdu: Uint8Array) => events.push(desktopRecording(events.length, timeMs, encodeTdp({ kind: 'fastPathPdu', data: pdu })));
  const palette = (timeMs: number) => fastPath(timeMs, pduOf(UpdateCode.Palette, paletteUpdate(paletteAt(Math.floor(timeMs / 1000)))));
  events.push(desktopRecording(0, 0, encodeTdp({ kind: 'connectionActivated', ioChannelId: 1003, userChannelId: 1004, screenWidth: WIDTH, screenHeight: HEIGHT })));
  for (let frame = 0; frame < 900; frame++) {
    const timeMs = frame * 200;
    if (timeMs === 0 || timeMs === 80_000 || timeMs >= 120_000) palette(timeMs);
    const cell = frame % 8;
    const data = Uint8Array.from({ length: 64 * 64 }, () => Math.floor(next() * 256));
    fastPath(timeMs, pduOf(UpdateCode.Bitmap, bitmapUpdate([{ left: (cell % 4) * 64, top: (cell >> 2) * 64, width: 64, height: 64, bpp: 8, compressed: false, data }])));
  }
  return writeRecording(events, { partSize: 64 * 1024 });
}

/** Where the mouse is throughout the pointer recording (moved there at every frame). */
const AT = { x: 100, y: 50 };
/** The pointers: 8×8 squares of one palette entry, hotspot in the middle. */
const SIDE = 8;
const pointer8bpp = (slot: number, entry: number): Uint8Array =>
  pduOf(UpdateCode.NewPointer, newPointer(8, colorPointer({ cacheIndex: slot, hotspot: [SIDE / 2, SIDE / 2], width: SIDE, height: SIDE, xorMask: new Uint8Array(SIDE * SIDE).fill(entry), andMask: new Uint8Array(2 * SIDE) })));
const ENTRY_BEFORE = 5;
const ENTRY_AFTER = 9;

/**
 * Two and a half minutes of a desktop painted in 16 bpp (its screen needs no palette: one 64×64
 * cell of noise every 200 ms, parts of about 64 KB), the mouse at `AT`, and 8 bpp pointers, whose
 * colours are palette entries: palettes set at 0 s and 80 s, and before every frame from 120 s
 * on; a pointer of entry ENTRY_BEFORE (slot 1) set at every frame of 95–104.8 s (its palette the one
 * set at 80 s), one of entry ENTRY_AFTER (slot 2) at every frame of 120–129.8 s, after that frame's palette.
 */
function pointerPaletteRecording(): Uint8Array {
  const next = seededRandom(0x8b9);
  const events: AuditEventInit[] = [];
  const add = (timeMs: number, message: Parameters<typeof encodeTdp>[0]) => events.push(desktopRecording(events.length, timeMs, encodeTdp(message)));
  const fastPath = (timeMs: number, pdu: Uint8Array) => add(timeMs, { kind: 'fastPathPdu', data: pdu });
  add(0, { kind: 'connectionActivated', ioChannelId: 1003, userChannelId: 1004, screenWidth: WIDTH, screenHeight: HEIGHT });
  for (let frame = 0; frame < 750; frame++) {
    const timeMs = frame * 200;
    if (timeMs === 0 || timeMs === 80_000 || timeMs >= 120_000) fastPath(timeMs, pduOf(UpdateCode.Palette, paletteUpdate(paletteAt(Math.floor(timeMs / 1000)))));
    const cell = frame % 8;
    const data = Uint8Array.from({ length: 64 * 64 * 2 }, () => Math.floor(next() * 256));
    fastPath(timeMs, pduOf(UpdateCode.Bitmap, bitmapUpdate([{ left: (cell % 4) * 64, top: (cell >> 2) * 64, width: 64, height: 64, bpp: 16, compressed: false, data }])));
    add(timeMs, { kind: 'mouseMove', ...AT });
    if (timeMs >= 95_000 && timeMs < 105_000) fastPath(timeMs, pointer8bpp(1, ENTRY_BEFORE));
    if (timeMs >= 120_000 && timeMs < 130_000) fastPath(timeMs, pointer8bpp(2, ENTRY_AFTER));
  }
  return writeRecording(events, { partSize: 64 * 1024 });
}



/** Seeks and resolves with the screen as it was when `seeked` fired. */
function seekCapturing(element: HTMLElement & { currentTime: number; captureFrame(): Promise<Blob> }, seconds: number): Promise<Blob> {
  const frame = new Promise<Blob>((resolve) => element.addEventListener('seeked', () => resolve(element.captureFrame()), { once: true }));
  element.currentTime = seconds;
  return frame;
}

describe('an 8 bpp recording: a seek island and the palette', () => {
  it('an island whose parts set the palette of every bitmap that shows lands exactly; one whose palette was set before it waits for the download in order', async () => {
    const bytes = paletteRecording();
    const timed = (await readRecording(bytes)).events.flatMap(({ event, partOffset }) => (event.case === 'desktopRecording' ? [{ timeMs: Number(event.value.delayMilliseconds), partOffset }] : []));
    // A moment 1.7 s into the part holding 150 s: every cell shown was painted in that part, after a palette of its own.
    const holding = timed.filter(({ timeMs }) => timeMs <= 150_000).at(-1)!;
    const partStartMs = timed.find(({ partOffset }) => partOffset === holding.partOffset)!.timeMs;
    const composedAt = (partStartMs + 1700) / 1000;
    const { served, element, seen } = await loadedWhileHeld(bytes);
    expect(element.buffered.end(0), 'the download in order is held before the palette set at 80 s').to.be.below(10);

    // Composed from the parts read while the download is held: their palettes, pixel for pixel.
    const composed = await seekCapturing(element, composedAt);
    expect(element.buffered.end(0), 'landed from parts read by range').to.be.below(10);
    await expectSameScreen(composed, await wholeFileScreenAt(bytes, composedAt * 1000), composedAt * 1000);

    // At 100.5 s the bitmaps shown were painted with the palette set at 80 s, in the gap the island skips.
    const gapPaletteAt = 100.5;
    const partsRead = new Promise<void>((resolve) => element.addEventListener('progress', () => element.buffered.length === 3 && resolve()));
    const landed = seekCapturing(element, gapPaletteAt);
    await partsRead;
    expect(element.seeking, 'no island shown: it would paint with a palette it does not know').to.equal(true);
    await served.release();
    const screen = await landed;
    expect(element.currentTime).to.equal(gapPaletteAt);
    await expectSameScreen(screen, await wholeFileScreenAt(bytes, gapPaletteAt * 1000), gapPaletteAt * 1000);
    expect([element.error, seen.includes('error')]).to.deep.equal([null, false]);
  });

  it('an 8 bpp pointer an island sets before a palette of its own is hidden, not drawn with a palette it does not know; after its own palette it is exact', async () => {
    const bytes = pointerPaletteRecording();
    const { served, element, seen } = await loadedWhileHeld(bytes);
    expect(element.buffered.end(0), 'the download in order is held before the palette set at 80 s').to.be.below(10);

    // At 125.5 s the pointer was set at 125.4 s, after that frame's palette: the island knows its colour.
    const after = await seekCapturing(element, 125.5);
    expect(element.buffered.end(0), 'landed from parts read by range').to.be.below(10);
    await expectSameScreen(after, await wholeFileScreenAt(bytes, 125_500), 125_500);
    await untilPointer(element, AT, paletteAt(125)[ENTRY_AFTER]!, 'at 125.5 s, the pointer in the colour of the palette the island read');

    // At 100.5 s the pointer set in the island's parts takes its colour from the palette set at 80 s, in the gap: hidden.
    const gap = await seekCapturing(element, 100.5);
    expect(element.buffered.end(0), 'landed from parts read by range').to.be.below(10);
    await expectSameScreen(gap, await wholeFileScreenAt(bytes, 100_500), 100_500);
    await untilPointer(element, AT, null, 'at 100.5 s, the pointer whose palette is in the gap');

    // The download in order reaches the moment: the recorded pointer, in the palette set at 80 s.
    const complete = nextEvent(element, 'canplaythrough');
    await served.release();
    await complete;
    await untilPointer(element, AT, paletteAt(80)[ENTRY_BEFORE]!, 'at 100.5 s with the whole file');
    expect([element.error, seen.includes('error')]).to.deep.equal([null, false]);
  });
});
