import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { createCanvas, loadImage } from '@napi-rs/canvas';
import { FastPathDecoder } from '../../src/core/fastpath/index.js';
import { CAPTURES, readCapture, readShots, withoutColorChunks } from '../fixtures/rdp/captures.js';

// The real captures (test/fixtures/rdp/captures/README.md): every PDU up to each shot, then the
// framebuffer against the FreeRDP client's screenshot. Bitmap codecs must match exactly, RemoteFX
// (lossy) within PSNR > 50 dB; the integer decode here matches the client's bit for bit.

async function screenshot(run: string, file: string): Promise<Uint8ClampedArray> {
  const image = await loadImage(Buffer.from(withoutColorChunks(readFileSync(`${CAPTURES}/${run}/${file}`))));
  const canvas = createCanvas(image.width, image.height);
  const context = canvas.getContext('2d');
  context.drawImage(image, 0, 0);
  return context.getImageData(0, 0, image.width, image.height).data;
}

/** Differing pixels, largest channel difference and PSNR (dB, RGB) between two RGBA screens. */
function compare(actual: Uint8ClampedArray, expected: Uint8ClampedArray): { pixels: number; maxDelta: number; psnr: number } {
  let squared = 0;
  let pixels = 0;
  let maxDelta = 0;
  for (let i = 0; i < expected.length; i += 4) {
    let differs = false;
    for (let c = 0; c < 3; c++) {
      const delta = actual[i + c]! - expected[i + c]!;
      if (delta === 0) continue;
      differs = true;
      squared += delta * delta;
      maxDelta = Math.max(maxDelta, Math.abs(delta));
    }
    if (differs) pixels++;
  }
  const mse = squared / ((expected.length / 4) * 3);
  return { pixels, maxDelta, psnr: mse === 0 ? Infinity : 10 * Math.log10((255 * 255) / mse) };
}

const RUNS = [
  { run: 'shadow-rfx', exact: false },
  { run: 'xrdp-rfx', exact: false },
  { run: 'shadow-planar32', exact: true },
  { run: 'shadow-interleaved16', exact: true },
];

describe('FastPathDecoder on real captures', () => {
  for (const { run, exact } of RUNS) {
    test(`${run}: every shot matches the FreeRDP client's screen ${exact ? 'pixel for pixel' : 'with PSNR > 50 dB'}`, async (t) => {
      const pdus = readCapture(run);
      const shots = readShots(run);
      const meta = JSON.parse(readFileSync(`${CAPTURES}/${run}/meta.json`, 'utf8')) as { screen: [number, number] };
      const decoder = new FastPathDecoder(...meta.screen);
      let next = 0;
      for (const shot of shots) {
        for (; next < shot.fastpath_pdus_before; next++) {
          const output = decoder.push(pdus[next]!);
          assert.deepEqual(output.errors, [], `PDU ${next}`);
        }
        assert.equal(decoder.inFragment, false, `${shot.name} falls between updates`);
        const result = compare(decoder.framebuffer.pixels, await screenshot(run, shot.client));
        t.diagnostic(`${run} ${shot.name}: PSNR ${result.psnr === Infinity ? '∞' : result.psnr.toFixed(2)} dB, ${result.pixels} pixels differ, max delta ${result.maxDelta}`);
        if (exact) assert.equal(result.pixels, 0, `${shot.name}: ${result.pixels} pixels differ`);
        else assert.ok(result.psnr > 50, `${shot.name}: PSNR ${result.psnr}`);
      }
    });
  }

  test('every pixel a PDU changes lies in a rectangle it reports dirty', () => {
    for (const run of ['shadow-rfx', 'xrdp-rfx', 'shadow-planar32', 'shadow-interleaved16']) {
      const decoder = new FastPathDecoder(1024, 768);
      const screen = decoder.framebuffer.pixels;
      const before = Buffer.from(screen);
      const check = Buffer.alloc(screen.length);
      let reported = 0;
      for (const [index, pdu] of readCapture(run).entries()) {
        const { dirty } = decoder.push(pdu);
        reported += dirty.length;
        // Put back the old pixels inside the dirty rectangles: what is left must be unchanged.
        check.set(screen);
        for (const r of dirty) {
          assert.ok(r.x >= 0 && r.y >= 0 && r.width > 0 && r.height > 0 && r.x + r.width <= 1024 && r.y + r.height <= 768, JSON.stringify(r));
          for (let y = r.y; y < r.y + r.height; y++) check.set(before.subarray((y * 1024 + r.x) * 4, (y * 1024 + r.x + r.width) * 4), (y * 1024 + r.x) * 4);
        }
        assert.ok(check.equals(before), `${run} PDU ${index}: pixels changed outside ${JSON.stringify(dirty)}`);
        before.set(screen);
      }
      assert.ok(reported > 0);
    }
  });

  test('pointer updates: the shapes of each capture, then cached pointers from the cache', () => {
    const expected: Record<string, string[]> = {
      'shadow-rfx': ['16x16', '1x2', '9x16'],
      'xrdp-rfx': ['32x32'],
      'shadow-planar32': ['16x16', '1x2', '9x16'],
      'shadow-interleaved16': ['16x16', '1x2', '9x16'],
    };
    for (const [run, sizes] of Object.entries(expected)) {
      const decoder = new FastPathDecoder(1024, 768);
      const seen = new Set<string>();
      let cached = 0;
      for (const pdu of readCapture(run)) {
        const { pointer } = decoder.push(pdu);
        if (pointer?.kind !== 'shape') continue;
        const { image } = pointer;
        assert.equal(image.pixels.length, image.width * image.height * 4);
        assert.ok(image.hotspotX <= image.width && image.hotspotY <= image.height, `${run}: hotspot on the image`);
        // The shadow server's 1x2 cursor is fully transparent (its "no cursor" shape); the others show.
        const opaque = image.pixels.some((value, i) => i % 4 === 3 && value === 255);
        assert.equal(opaque, image.width * image.height > 2, `${run} ${image.width}x${image.height}: opaque pixels`);
        seen.add(`${image.width}x${image.height}`);
        if ((pdu[pdu[1]! & 0x80 ? 3 : 2]! & 0x0f) === 0x0a) cached++;
      }
      assert.deepEqual([...seen].sort(), [...sizes].sort(), run);
      assert.ok(cached > 0, `${run}: cached pointer updates`);
    }
  });
});
