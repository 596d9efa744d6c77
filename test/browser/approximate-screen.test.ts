// While a seek waits for the download (a PNG-era recording whose wallpaper is never repainted:
// no parts read out of order can compose its exact screen), an approximate screen shows above the
// real one, marked as such: the screen canvas keeps its exact pixels, `seeked` still means the exact
// screen, and the layer goes at `seeked`, a new seek or `emptied`. The download is held by the paced
// Range middleware (test/tools/paced-range-middleware.mjs); never elapsed time.
import { expect } from '@open-wc/testing';
import '../../src/define.js';
import type { DesktopRecordingPlayer } from '../../src/index.js';
import { nextEvent } from '../helpers/next-event.js';
import { difference, imageDataOf, referenceScreens, screenUpdatesOf } from '../helpers/reference-screen.js';
import { expectScreenAt, partOffsets, player, serve, wholeFileScreenAt } from '../helpers/range-serve.js';
import { tdpbRecording } from '../helpers/multipart-recordings.js';
import { WALLPAPER, screenRecording, wallpaperOnceSteps } from '../helpers/screen-recording.js';
import { until } from './element-fixtures.js';
import { readRecording } from '../../src/format/reader.js';
import type { AuditEventInit } from '../../src/format/events.js';
import { encodeTdp } from '../../src/format/tdp.js';
import { UpdateCode, bitmapUpdate, pduOf } from '../fixtures/rdp/build.js';
import { remoteFxWallpaperOnce } from '../helpers/remotefx-recordings.js';
import { desktopRecording, writeRecording } from '../helpers/recording-bytes.js';
import { RecordingWriter } from '../../src/format/writer.js';
import { seededRandom } from '../helpers/seeded-random.js';

/** Dark and light wallpaper cells, where a hatch of one tone vanishes on one or the other. */
const CONTRAST_WALLPAPER = [
  [18, 20, 32],
  [236, 236, 228],
  [40, 44, 52],
  [250, 250, 250],
] as const;

/** The media events of a seek that waits for the download, whether the approximate screen shows or not. */
const WAITING_SEEK_EVENTS = ['seeking', 'waiting', 'canplay', 'seeked'];
const SEEK_EVENTS = ['seeking', 'waiting', 'seeked', 'canplay', 'error'];

/**
 * The same desktop in RDP fast-path (Teleport 15+): the wallpaper row painted once by 16 bpp
 * bitmaps, a top-row cell repainted with 16 bpp noise every 200 ms for a minute, parts of about 64 KB.
 */
function fastPathWallpaperOnce(): Uint8Array {
  const next = seededRandom(0xfa57);
  const events: AuditEventInit[] = [];
  const fastPath = (timeMs: number, rect: { left: number; top: number; data: Uint8Array }) =>
    events.push(desktopRecording(events.length, timeMs, encodeTdp({ kind: 'fastPathPdu', data: pduOf(UpdateCode.Bitmap, bitmapUpdate([{ ...rect, width: 64, height: 64, bpp: 16, compressed: false }])) })));
  events.push(desktopRecording(0, 0, encodeTdp({ kind: 'connectionActivated', ioChannelId: 1003, userChannelId: 1004, screenWidth: 256, screenHeight: 128 })));
  const rgb565 = ([r, g, b]: readonly [number, number, number]) => ((r >> 3) << 11) | ((g >> 2) << 5) | (b >> 3);
  for (let cell = 0; cell < 4; cell++) {
    const pixel = rgb565(WALLPAPER[cell]!);
    const data = new Uint8Array(64 * 64 * 2);
    for (let at = 0; at < data.length; at += 2) data.set([pixel & 0xff, pixel >> 8], at);
    fastPath(0, { left: cell * 64, top: 64, data });
  }
  for (let frame = 0; frame < 300; frame++) {
    fastPath(frame * 200, { left: (frame % 4) * 64, top: 0, data: Uint8Array.from({ length: 64 * 64 * 2 }, () => Math.floor(next() * 256)) });
  }
  return writeRecording(events, { partSize: 64 * 1024 });
}

/**
 * A 256×128 fast-path desktop whose eight 64×64 cells are painted solid at the start (and again in
 * the next parts), then repainted with noise one cell a part, 16 bitmaps each (about 130 KB): the
 * part holding the target repaints cell 0, the one before it cell 1, and so on. A seek island there
 * needs those eight parts, read back one at a time. After the target, noise on cell 0 fills parts
 * that keep the end read (256 KiB) from reaching them.
 */
function fastPathCellPerPart(): { bytes: Uint8Array; targetMs: number } {
  const next = seededRandom(0xce11);
  const writer = new RecordingWriter({ partSize: 1 << 30 });
  const parts: Uint8Array[] = [];
  let index = 0;
  const write = (timeMs: number, message: Uint8Array) => parts.push(...writer.write(desktopRecording(index++, timeMs, message)));
  const bitmap = (timeMs: number, cell: number, data: Uint8Array) =>
    write(timeMs, encodeTdp({ kind: 'fastPathPdu', data: pduOf(UpdateCode.Bitmap, bitmapUpdate([{ left: (cell % 4) * 64, top: Math.floor(cell / 4) * 64, width: 64, height: 64, bpp: 16, compressed: false, data }])) }));
  const solid = (cell: number, shade: number) => {
    const [r, g, b] = WALLPAPER[cell % 4]!.map((level) => Math.min(255, level + shade)) as [number, number, number];
    const pixel = ((r >> 3) << 11) | ((g >> 2) << 5) | (b >> 3);
    const data = new Uint8Array(64 * 64 * 2);
    for (let at = 0; at < data.length; at += 2) data.set([pixel & 0xff, pixel >> 8], at);
    return data;
  };
  const noise = () => Uint8Array.from({ length: 64 * 64 * 2 }, () => Math.floor(next() * 256));
  write(0, encodeTdp({ kind: 'connectionActivated', ioChannelId: 1003, userChannelId: 1004, screenWidth: 256, screenHeight: 128 }));
  for (let round = 0; round < 4; round++) {
    for (let cell = 0; cell < 8; cell++) bitmap(round * 1000, cell, solid(cell, round * 10));
    parts.push(...writer.flush());
  }
  let targetMs = 0;
  for (let cell = 7; cell >= 0; cell--) {
    for (let frame = 0; frame < 16; frame++) bitmap((targetMs = 10_000 + (7 - cell) * 2000 + frame * 100), cell, noise());
    parts.push(...writer.flush());
  }
  for (let part = 0; part < 4; part++) {
    for (let frame = 0; frame < 10; frame++) bitmap(targetMs + 1000 + part * 1000 + frame * 100, 0, noise());
    parts.push(...writer.flush());
  }
  parts.push(...writer.finish());
  const bytes = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  parts.reduce((at, part) => (bytes.set(part, at), at + part.length), 0);
  return { bytes, targetMs };
}

const layerOf = (element: DesktopRecordingPlayer) => element.shadowRoot!.querySelector<HTMLElement>('[part~="approximate"]');
const labelOf = (element: DesktopRecordingPlayer) => element.shadowRoot!.querySelector<HTMLElement>('[part~="approximate-label"]')?.textContent ?? '';

/** The approximate screen's pixels (its canvas, at the recording's resolution). */
function approximatePixels(element: DesktopRecordingPlayer): ImageData {
  const canvas = element.shadowRoot!.querySelector<HTMLCanvasElement>('[part~="approximate-screen"]')!;
  return canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
}

/** The pixels of a 64×64 cell of `image` (column, row) equal those of `reference`. */
function cellEquals(image: ImageData, reference: ImageData, column: number, row: number): boolean {
  for (let y = row * 64; y < row * 64 + 64; y++) {
    for (let x = column * 64; x < column * 64 + 64; x++) {
      const at = (y * image.width + x) * 4;
      for (let c = 0; c < 3; c++) if (image.data[at + c] !== reference.data[at + c]) return false;
    }
  }
  return true;
}

/** The mean brightness of a cell. */
function cellBrightness(image: ImageData, column: number, row: number): number {
  let sum = 0;
  for (let y = row * 64; y < row * 64 + 64; y++) for (let x = column * 64; x < column * 64 + 64; x++) for (let c = 0; c < 3; c++) sum += image.data[(y * image.width + x) * 4 + c]!;
  return sum / (64 * 64 * 3);
}

/** A cell's median brightness, and the share of its pixels at least 32 levels brighter or darker than that (the marking). */
function cellMarking(image: ImageData, column: number, row: number): { median: number; marked: number } {
  const levels: number[] = [];
  for (let y = row * 64; y < row * 64 + 64; y++) {
    for (let x = column * 64; x < column * 64 + 64; x++) {
      const at = (y * image.width + x) * 4;
      levels.push((image.data[at]! + image.data[at + 1]! + image.data[at + 2]!) / 3);
    }
  }
  const median = [...levels].sort((a, b) => a - b)[levels.length >> 1]!;
  return { median, marked: levels.filter((level) => Math.abs(level - median) >= 32).length / levels.length };
}

/** Loads `bytes` held at the third part, to the moment the download in order stopped there. */
async function heldPlayer(bytes: Uint8Array) {
  const served = await serve(bytes, 'honest', partOffsets(bytes)[2]!);
  const element = await player();
  const metadata = nextEvent(element, 'loadedmetadata');
  element.src = served.url;
  await metadata;
  await until(() => element.readyState >= 2, 'the first frame is painted');
  return { served, element };
}

describe('the approximate screen while a seek waits for the download', () => {
  for (const kind of ['PNG tiles', 'TDPB'] as const) {
    it(`${kind}: shown above the exact screen with the unknown cells marked and a label, gone at seeked, which paints the exact screen`, async () => {
      const steps = await wallpaperOnceSteps();
      const bytes = kind === 'TDPB' ? await tdpbRecording(steps) : await screenRecording(steps, { partSize: 64 * 1024 });
      const { served, element } = await heldPlayer(bytes);
      const before = element.currentTime * 1000;
      const target = Math.floor(served.durationMs * 0.9 + 50) / 1000;
      const [screenBefore, screenAtTarget] = await referenceScreens(await screenUpdatesOf(bytes), [before, target * 1000]);

      const events: string[] = [];
      for (const name of SEEK_EVENTS) element.addEventListener(name, () => events.push(name));
      const waiting = nextEvent(element, 'waiting');
      element.currentTime = target;
      await waiting;
      await until(() => !!layerOf(element)?.isConnected, 'the approximate screen shows');
      // At once the screen where the download stopped, every cell marked; then with the parts read for the target, which say how many bytes it needs.
      await until(() => / of /.test(labelOf(element)), 'the approximate screen with the parts read for the target');
      expect(element.seeking, 'the seek still waits for the exact screen').to.equal(true);
      expect(labelOf(element)).to.match(/^Approximate screen — loading the exact one: \d+\.\d of \d+\.\d MB$/);
      const [, loaded, needed] = /(\d+\.\d) of (\d+\.\d)/.exec(labelOf(element))!;
      expect(Number(loaded), 'what the download in order has read').to.equal(Number((partOffsets(bytes)[2]! / 1e6).toFixed(1)));
      expect(Number(needed) * 1e6, 'the bytes up to the target').to.be.within(bytes.length * 0.85, bytes.length + 1e5);
      await until(() => element.shadowRoot!.querySelector('[role="status"][aria-live="polite"]')!.textContent === 'Approximate screen — loading the exact one', 'the live region says it once');

      // The screen itself keeps the exact pixels it had: captureFrame never sees the approximation.
      const frame = await imageDataOf(await element.captureFrame());
      expect(difference(frame, screenBefore!).pixels, 'the screen canvas still shows the exact screen of before').to.equal(0);
      // The top row, which the parts read before the target paint, is the recording's there; the wallpaper row is dimmed and hatched.
      const approximate = approximatePixels(element);
      expect([approximate.width, approximate.height]).to.deep.equal([256, 128]);
      for (let column = 0; column < 4; column++) {
        expect(cellEquals(approximate, screenAtTarget!, column, 0), `cell ${column} of the top row is the recording's at the target`).to.equal(true);
        expect(cellBrightness(approximate, column, 1), `cell ${column} of the wallpaper is marked as possibly changed`).to.be.below(cellBrightness(screenAtTarget!, column, 1) * 0.7);
      }

      let goneAtSeeked: boolean | undefined;
      element.addEventListener('seeked', () => (goneAtSeeked = !layerOf(element)?.isConnected), { once: true });
      const seeked = nextEvent(element, 'seeked');
      await served.release();
      await seeked;
      expect(goneAtSeeked, 'the layer is gone when seeked fires').to.equal(true);
      expect(events, 'the events of a seek that waits').to.deep.equal(WAITING_SEEK_EVENTS);
      expect(element.currentTime).to.equal(target);
      await expectScreenAt(element, served.bytes, target * 1000);
    });
  }

  for (const theme of ['light', 'dark'] as const) {
    it(`${theme} theme: the cells that may have changed are marked visibly on dark and on light cells, and stay readable`, async () => {
      const steps = await wallpaperOnceSteps(CONTRAST_WALLPAPER);
      const bytes = await screenRecording(steps, { partSize: 64 * 1024 });
      const served = await serve(bytes, 'honest', partOffsets(bytes)[2]!);
      const element = await player();
      element.setAttribute('theme', theme);
      const metadata = nextEvent(element, 'loadedmetadata');
      element.src = served.url;
      await metadata;
      await until(() => element.readyState >= 2, 'the first frame is painted');
      const target = Math.floor(served.durationMs * 0.9 + 50) / 1000;
      const [screenAtTarget] = await referenceScreens(await screenUpdatesOf(bytes), [target * 1000]);
      element.currentTime = target;
      await until(() => / of /.test(labelOf(element)), 'the approximate screen with the parts read for the target');
      const approximate = approximatePixels(element);
      for (let column = 0; column < 4; column++) {
        const { median, marked } = cellMarking(approximate, column, 1);
        const original = cellBrightness(screenAtTarget!, column, 1);
        const what = `${theme} theme, ${original < 128 ? 'dark' : 'light'} wallpaper cell ${column}`;
        // The hatch: a good share of the cell's pixels stand out from it, clearly, but most of the cell is its content, dimmed.
        expect(marked, `${what}: pixels the hatch marks`).to.be.within(0.08, 0.5);
        expect(median, `${what}: dimmed`).to.be.below(original * 0.7 + 1);
        if (original >= 128) expect(median, `${what}: still readable`).to.be.above(original * 0.3);
      }
      await served.release();
    });
  }

  it("RDP fast-path: an island that composes for more than ISLAND_PATIENCE_MS shows the cells it already covers, exact, the rest marked; seeked lands exact", async () => {
    const { bytes, targetMs } = fastPathCellPerPart();
    const offsets = partOffsets(bytes);
    // 64 KB/s, the download in order held at the third part: the island's eight parts of about 130 KB take at least 16 s.
    const response = await fetch(`/__paced?rate=${64 * 1024}&hold=${offsets[2]}`, { method: 'POST', body: new Blob([bytes as BlobPart]) });
    const { url } = (await response.json()) as { url: string };
    const element = await player();
    const metadata = nextEvent(element, 'loadedmetadata');
    element.src = url;
    await metadata;
    await until(() => element.readyState >= 2, 'the first frame is painted', 30_000);
    const reference = await wholeFileScreenAt(bytes, targetMs);
    const events: string[] = [];
    for (const name of SEEK_EVENTS) element.addEventListener(name, () => events.push(name));
    element.currentTime = targetMs / 1000;
    // The layer waits ISLAND_PATIENCE_MS while the island composes; then each part the island reads shows.
    const known = () => {
      if (!layerOf(element)?.isConnected || !element.seeking) return [];
      const approximate = approximatePixels(element);
      return Array.from({ length: 8 }, (_, cell) => cellEquals(approximate, reference, cell % 4, Math.floor(cell / 4)));
    };
    await until(() => known().some(Boolean), 'the approximate screen shows cells the island covers', 40_000);
    const approximate = approximatePixels(element);
    const cells = known();
    expect(element.seeking, 'the seek still waits for the island').to.equal(true);
    for (let cell = 0; cell < 8; cell++) {
      if (cells[cell]) continue;
      // Not covered yet: the screen where the download stopped (solid), dimmed and hatched.
      expect(cellBrightness(approximate, cell % 4, Math.floor(cell / 4)), `cell ${cell}, not covered yet, is marked as possibly changed`).to.be.below(0.7 * (WALLPAPER[cell % 4]!.reduce((sum, level) => sum + level, 0) / 3 + 10));
    }
    expect(cells[0], 'the part holding the target, read first, covers cell 0').to.equal(true);
    const seeked = nextEvent(element, 'seeked');
    await fetch(`${url}/release`, { method: 'POST' });
    await seeked;
    expect(layerOf(element)?.isConnected ?? false).to.equal(false);
    expect(events, 'the events of a seek that waits').to.deep.equal(WAITING_SEEK_EVENTS);
    await expectScreenAt(element, bytes, targetMs, true);
  });

  for (const [kind, recording] of [
    ['RDP fast-path bitmaps', fastPathWallpaperOnce],
    ['RemoteFX', remoteFxWallpaperOnce],
  ] as const) {
    it(`${kind}: once an island misses (a wallpaper painted once), the approximate screen shows, its known cells the recording's at the target; the download brings the exact screen, events in <video> order`, async () => {
      const bytes = recording();
      const { served, element } = await heldPlayer(bytes);
      const target = Math.floor(served.durationMs * 0.9 + 50) / 1000;
      const reference = await wholeFileScreenAt(bytes, target * 1000);
      const events: string[] = [];
      for (const name of SEEK_EVENTS) element.addEventListener(name, () => events.push(name));
      const waiting = nextEvent(element, 'waiting');
      element.currentTime = target;
      await waiting;
      // The seek's island reads parts that paint only the top row: it misses, and the seek waits for the download in order.
      await until(() => / of /.test(labelOf(element)) || !element.seeking, 'the approximate screen with the parts read for the target, or the seek landing');
      expect(element.seeking, 'the island missed: the seek waits for the download in order').to.equal(true);
      expect(element.currentTime).to.equal(target);
      const approximate = approximatePixels(element);
      for (let column = 0; column < 4; column++) {
        expect(cellEquals(approximate, reference, column, 0), `cell ${column} of the top row is the recording's at the target`).to.equal(true);
        expect(cellBrightness(approximate, column, 1), `cell ${column} of the wallpaper is marked as possibly changed`).to.be.below(cellBrightness(reference, column, 1) * 0.7);
      }
      const seeked = nextEvent(element, 'seeked');
      await served.release();
      await seeked;
      expect(events, 'the events of a seek that waits').to.deep.equal(WAITING_SEEK_EVENTS);
      expect(element.currentTime).to.equal(target);
      expect(layerOf(element)?.isConnected ?? false).to.equal(false);
      await expectScreenAt(element, bytes, target * 1000, true);
    });
  }

  it('a server that ignores Range: nothing is read out of order, the screen where the download stopped shows with every cell marked', async () => {
    const bytes = await screenRecording(await wallpaperOnceSteps(), { partSize: 64 * 1024 });
    const served = await serve(bytes, 'ignore', partOffsets(bytes)[2]!);
    const element = await player();
    const loaded = nextEvent(element, 'loadeddata');
    element.src = served.url;
    await loaded;
    const target = Math.floor(element.buffered.end(0) * 1000 + 5000) / 1000;
    const [screenAtTarget] = await referenceScreens(await screenUpdatesOf(bytes), [target * 1000]);
    element.currentTime = target;
    await until(() => !!layerOf(element)?.isConnected, 'the approximate screen shows');
    expect(labelOf(element)).to.match(/^Approximate screen — loading the exact one: \d+\.\d MB read$/);
    const approximate = approximatePixels(element);
    for (let row = 0; row < 2; row++) {
      for (let column = 0; column < 4; column++) {
        expect(cellBrightness(approximate, column, row), `cell ${column},${row} is marked as possibly changed`).to.be.below(cellBrightness(screenAtTarget!, column, row) * 0.7);
      }
    }
    const seeked = nextEvent(element, 'seeked');
    await served.release();
    await seeked;
    expect(layerOf(element)?.isConnected ?? false).to.equal(false);
    await expectScreenAt(element, served.bytes, target * 1000);
  });

  it('a new seek removes it at once, and the next wait shows it again, in German with the German table', async () => {
    const bytes = await screenRecording(await wallpaperOnceSteps(), { partSize: 64 * 1024 });
    const { served, element } = await heldPlayer(bytes);
    element.currentTime = Math.floor(served.durationMs * 0.9) / 1000;
    await until(() => !!layerOf(element)?.isConnected, 'the approximate screen shows');
    await import('../../src/strings/de.js');
    element.lang = 'de';
    let goneAtSeeking: boolean | undefined;
    element.addEventListener('seeking', () => (goneAtSeeking = !layerOf(element)?.isConnected), { once: true });
    const seeking = nextEvent(element, 'seeking');
    element.currentTime = Math.floor(served.durationMs * 0.6) / 1000;
    await seeking;
    expect(goneAtSeeking, 'gone when the new seek starts').to.equal(true);
    await until(() => !!layerOf(element)?.isConnected, 'the approximate screen of the new target shows');
    expect(labelOf(element)).to.match(/^Ungefähres Bild — das genaue wird geladen: \d+,\d (von \d+,\d MB|MB gelesen)$/);
    await until(() => / von /.test(labelOf(element)), 'the parts read for the new target say how many bytes it needs');
    expect(labelOf(element)).to.match(/^Ungefähres Bild — das genaue wird geladen: \d+,\d von \d+,\d MB$/);
    const emptied = nextEvent(element, 'emptied');
    element.removeAttribute('src');
    element.load();
    await emptied;
    expect(layerOf(element)?.isConnected ?? false, 'gone with the recording').to.equal(false);
    await served.release();
  });

  it('a seek the download reaches soon after it starts waiting never shows it; the events are those of any waiting seek', async () => {
    const bytes = await screenRecording(await wallpaperOnceSteps(), { partSize: 64 * 1024 });
    const offsets = partOffsets(bytes);
    // 256 KB/s, held at the third part: once let go, the target three parts on takes well under a second.
    const response = await fetch(`/__paced?rate=${256 * 1024}&hold=${offsets[2]}`, { method: 'POST', body: new Blob([bytes as BlobPart]) });
    const { url } = (await response.json()) as { url: string };
    const element = await player();
    const added: string[] = [];
    const observer = new MutationObserver((records) => {
      for (const record of records) for (const node of record.addedNodes) if (node instanceof HTMLElement && node.part.contains('approximate')) added.push(node.outerHTML);
    });
    observer.observe(element.shadowRoot!, { childList: true, subtree: true });
    const metadata = nextEvent(element, 'loadedmetadata');
    element.src = url;
    await metadata;
    await until(() => element.readyState >= 2, 'the first frame is painted');
    const events: string[] = [];
    for (const name of SEEK_EVENTS) element.addEventListener(name, () => events.push(name));
    const timed = (await readRecording(bytes)).events.flatMap(({ event, partOffset }) => (event.case === 'desktopRecording' ? [{ timeMs: Number(event.value.delayMilliseconds), partOffset }] : []));
    const target = timed.find(({ partOffset }) => partOffset === offsets[5])!.timeMs / 1000;
    const waiting = nextEvent(element, 'waiting');
    const seeked = nextEvent(element, 'seeked');
    element.currentTime = target;
    await waiting;
    await fetch(`${url}/release`, { method: 'POST' });
    await seeked;
    observer.disconnect();
    expect(added, 'the approximate screen never showed').to.deep.equal([]);
    expect(events, 'the events of a seek that waits, as when the approximate screen shows').to.deep.equal(WAITING_SEEK_EVENTS);
    expect(element.currentTime).to.equal(target);
    await expectScreenAt(element, bytes, target * 1000);
  });

  it('a seek that lands without waiting for the download never shows it', async () => {
    const bytes = await screenRecording(await wallpaperOnceSteps(), { partSize: 64 * 1024 });
    const element = await player();
    const added: string[] = [];
    const observer = new MutationObserver((records) => {
      for (const record of records) for (const node of record.addedNodes) if (node instanceof HTMLElement && node.part.contains('approximate')) added.push(node.outerHTML);
    });
    observer.observe(element.shadowRoot!, { childList: true, subtree: true });
    let waited = 0;
    element.addEventListener('waiting', () => (waited += 1));
    const loaded = nextEvent(element, 'canplaythrough');
    element.srcObject = new Blob([bytes as BlobPart]);
    await loaded;
    for (const fraction of [0.9, 0.2, 0.6]) {
      const seeked = nextEvent(element, 'seeked');
      element.currentTime = Math.floor(element.duration * fraction * 1000) / 1000;
      await seeked;
      await expectScreenAt(element, bytes, element.currentTime * 1000);
    }
    observer.disconnect();
    expect(waited, 'no seek waited').to.equal(0);
    expect(added, 'the approximate screen never showed').to.deep.equal([]);
  });
});
