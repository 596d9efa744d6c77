// CanvasRenderer on its own: screen updates painted in time order on OffscreenCanvas layers, the
// pointer on a layer of its own, bad images skipped and reported, rebuilds that replace queued work.
import { expect } from '@open-wc/testing';
import { CanvasRenderer } from '../../src/core/renderer.js';
import type { ScreenUpdate } from '../../src/core/screen-timeline.js';
import { solidPng, type Rgb } from '../helpers/screen-recording.js';
import { PageClock } from '../helpers/page-clock.js';
import { until } from './element-fixtures.js';
import { UpdateCode, bitmapUpdate, pduOf } from '../fixtures/rdp/build.js';

const RED: Rgb = [220, 30, 30];
const GREEN: Rgb = [30, 200, 60];
const BLUE: Rgb = [30, 60, 220];

function colorAt(canvas: OffscreenCanvas, x: number, y: number): Rgb {
  const [r, g, b] = canvas.getContext('2d')!.getImageData(x, y, 1, 1).data;
  return [r!, g!, b!];
}

function alphaAt(canvas: OffscreenCanvas, x: number, y: number): number {
  return canvas.getContext('2d')!.getImageData(x, y, 1, 1).data[3]!;
}

const near = (color: Rgb, expected: Rgb) => color.every((value, index) => Math.abs(value - expected[index]!) <= 6);

async function tile(timeMs: number, left: number, top: number, color: Rgb, size = 64): Promise<ScreenUpdate> {
  return { kind: 'tile', timeMs, left, top, right: left + size, bottom: top + size, png: await solidPng(color, size, size) };
}

function renderer() {
  const screen = new OffscreenCanvas(1, 1);
  const cursor = new OffscreenCanvas(1, 1);
  const sizes: Array<[number, number]> = [];
  const imageErrors: number[] = [];
  const painter = new CanvasRenderer(screen, cursor, {
    onScreenSize: (width, height) => sizes.push([width, height]),
    onImageError: (timeMs) => imageErrors.push(timeMs),
  });
  return { painter, screen, cursor, sizes, imageErrors };
}

describe('CanvasRenderer', () => {
  it('paints tiles in time order (a later tile over an earlier one) and reports the screen size', async () => {
    const { painter, screen, sizes } = renderer();
    painter.enqueue([{ kind: 'resize', timeMs: 0, width: 256, height: 128 }, await tile(0, 0, 0, RED, 128), await tile(10, 64, 0, GREEN), await tile(20, 128, 64, BLUE)]);
    expect(painter.backlog).to.be.greaterThan(0);
    await painter.whenIdle();
    expect(painter.backlog).to.equal(0);
    expect(sizes).to.deep.equal([[256, 128]]);
    expect([screen.width, screen.height]).to.deep.equal([256, 128]);
    expect(near(colorAt(screen, 10, 10), RED), 'the first tile').to.equal(true);
    expect(near(colorAt(screen, 70, 10), GREEN), 'the later tile paints over it').to.equal(true);
    expect(near(colorAt(screen, 140, 70), BLUE)).to.equal(true);
    expect(near(colorAt(screen, 250, 10), [0, 0, 0]), 'unpainted screen is black').to.equal(true);
    expect(painter.paintedTiles).to.equal(3);
  });

  it('draws the pointer on its own layer: a captured frame never holds it', async () => {
    const { painter, screen, cursor } = renderer();
    painter.enqueue([{ kind: 'resize', timeMs: 0, width: 128, height: 128 }, await tile(0, 0, 0, RED, 128), { kind: 'pointer', timeMs: 5, x: 40, y: 40 }]);
    await painter.whenIdle();
    expect(alphaAt(cursor, 42, 48), 'the arrow is on the pointer layer').to.be.greaterThan(0);
    expect(alphaAt(cursor, 100, 100), 'nothing else is').to.equal(0);
    expect(near(colorAt(screen, 42, 48), RED), 'the screen layer under the arrow is the tile').to.equal(true);
    const captured = await createImageBitmap(await painter.capture());
    const copy = new OffscreenCanvas(captured.width, captured.height);
    copy.getContext('2d')!.drawImage(captured, 0, 0);
    expect(near(colorAt(copy, 42, 48), RED), 'the capture has no pointer').to.equal(true);
  });

  it('skips a tile whose image does not decode, reports its time, and paints the ones after it', async () => {
    const { painter, screen, imageErrors } = renderer();
    painter.enqueue([
      { kind: 'resize', timeMs: 0, width: 128, height: 64 },
      { kind: 'tile', timeMs: 300, left: 0, top: 0, right: 64, bottom: 64, png: new Uint8Array([1, 2, 3, 4]) },
      await tile(400, 64, 0, GREEN),
    ]);
    await painter.whenIdle();
    expect(imageErrors).to.deep.equal([300]);
    expect(near(colorAt(screen, 80, 10), GREEN)).to.equal(true);
    expect(painter.paintedTiles).to.equal(1);
  });

  it('a rebuild drops queued work, blanks the layers and paints the plan', async () => {
    const { painter, screen, cursor } = renderer();
    painter.enqueue([{ kind: 'resize', timeMs: 0, width: 128, height: 64 }, await tile(0, 0, 0, RED), await tile(0, 64, 0, RED), { kind: 'pointer', timeMs: 1, x: 10, y: 10 }]);
    await painter.rebuild({ keyframe: undefined, updates: [{ kind: 'resize', timeMs: 0, width: 128, height: 64 }, await tile(0, 64, 0, BLUE)] }, () => {
      throw new Error('no keyframe in this plan');
    });
    expect(near(colorAt(screen, 10, 10), [0, 0, 0]), 'the queued red tile was dropped').to.equal(true);
    expect(near(colorAt(screen, 80, 10), BLUE)).to.equal(true);
    expect(alphaAt(cursor, 12, 16), 'the pointer layer was blanked').to.equal(0);
  });
  it('draws a click ripple from its first radius when the clock steps back (no zero or negative radius)', async () => {
    const { painter, cursor } = renderer();
    const errors: string[] = [];
    const onError = (event: ErrorEvent) => errors.push(event.message);
    window.addEventListener('error', onError);
    const clock = PageClock.install();
    try {
      painter.enqueue([{ kind: 'resize', timeMs: 0, width: 128, height: 128 }, await tile(0, 0, 0, RED, 128), { kind: 'pointer', timeMs: 5, x: 40, y: 40 }, { kind: 'click', timeMs: 6, button: 0 }]);
      await painter.whenIdle();
      // The left button's amber ring, 4 px (the first radius) left of and above the pointer's tip, where the arrow is not.
      const ringAtFirstRadius = () => [[36, 40], [40, 36]].every(([x, y]) => alphaAt(cursor, x!, y!) > 100 && near(colorAt(cursor, x!, y!), [255, 196, 0]));
      expect(ringAtFirstRadius(), 'the ripple starts at its first radius').to.equal(true);
      // Back 100 ms (the radius the elapsed time gives is 0) and 200 ms (it is negative, which a canvas refuses):
      // the next frame of the ripple draws it at its first radius again.
      for (const backMs of [100, 200]) {
        clock.advance(-backMs);
        cursor.getContext('2d')!.clearRect(0, 0, 128, 128);
        await until(ringAtFirstRadius, `the ripple is drawn again ${backMs} ms back`);
      }
      expect(errors).to.deep.equal([]);
    } finally {
      clock.uninstall();
      window.removeEventListener('error', onError);
    }
  });
});

describe('CanvasRenderer, fast-path PDUs read from a store that reuses its buffer', () => {
  it('reads each PDU right before decoding it: a reader answering every PDU in one buffer, filled again by the next read, paints what copies paint', async () => {
    const rgb565 = ([r, g, b]: Rgb) => ((r >> 3) << 11) | ((g >> 2) << 5) | (b >> 3);
    // Eight 64×64 bitmaps, one for each cell of a 256×128 screen (a PDU says where it paints).
    const pdus = Array.from({ length: 8 }, (_, index) => {
      const pixel = rgb565([40 + index * 25, 200 - index * 20, 60 + index * 18]);
      const data = new Uint8Array(64 * 64 * 2);
      for (let at = 0; at < data.length; at += 2) data.set([pixel & 0xff, pixel >> 8], at);
      return pduOf(UpdateCode.Bitmap, bitmapUpdate([{ left: (index % 4) * 64, top: Math.floor(index / 4) * 64, width: 64, height: 64, bpp: 16, compressed: false, data }]));
    });
    const updates: ScreenUpdate[] = [
      { kind: 'resize', timeMs: 0, width: 256, height: 128 },
      ...pdus.map((_, index): ScreenUpdate => ({ kind: 'fastpath', timeMs: index, pdu: { segment: 0, offset: index, length: pdus[index]!.length } })),
    ];
    const paint = async (readBytes: (index: number) => Uint8Array) => {
      const screen = new OffscreenCanvas(1, 1);
      const painter = new CanvasRenderer(screen, new OffscreenCanvas(1, 1), { readBytes: (ref) => readBytes((ref as { offset: number }).offset), onScreenSize: () => {}, onImageError: () => {} });
      painter.enqueue(updates);
      await painter.whenIdle();
      return screen.getContext('2d')!.getImageData(0, 0, 256, 128).data;
    };
    const copies = await paint((index) => pdus[index]!.slice());
    const scratch = new Uint8Array(64 * 1024);
    const transient = await paint((index) => {
      scratch.fill(0xa5);
      scratch.set(pdus[index]!);
      return scratch.subarray(0, pdus[index]!.length);
    });
    for (let cell = 0; cell < 8; cell++) expect(near(colorAt2(copies, 256, (cell % 4) * 64 + 10, Math.floor(cell / 4) * 64 + 10), [0, 0, 0]), `the copies paint cell ${cell}`).to.equal(false);
    expect(Array.from(transient).every((value, index) => value === copies[index]), 'the same pixels').to.equal(true);
  });
});

function colorAt2(pixels: Uint8ClampedArray, width: number, x: number, y: number): Rgb {
  const at = (y * width + x) * 4;
  return [pixels[at]!, pixels[at + 1]!, pixels[at + 2]!];
}
