/// <reference lib="webworker" />
// Encodes keyframes where the player does, in a dedicated worker that starts its PNG helpers from
// its own script (this one): under KEYFRAME_PNG_WORKER_NAME it serves encoding, as
// recording.worker.ts does; with `?png=broken` in its URL that copy fails to start, with
// `?png=throw-at=K` it throws on the K-th screen it is sent. Otherwise it draws a seeded sequence
// of screens, keeps a keyframe of each (the canvas changes right after each capture) and posts,
// per keyframe, whether the screen decoded from its PNG copy equals the canvas when captured, and
// whether the bytes equal the canvas encoded in place.
import { encodeSurface } from '../../../src/core/canvas.js';
import { KeyframePngEncoder, servePngEncoding, type PngWorkerScope } from '../../../src/core/keyframe-png-helper.js';
import { KEYFRAME_PNG_WORKER_NAME, KeyframeStore } from '../../../src/core/keyframes.js';
import { seededRandom } from '../../helpers/seeded-random.js';

export interface PngRequest {
  seed: number;
  frames: number;
  width: number;
  height: number;
  replaceAfter: number;
}

export interface PngRun {
  /** Per keyframe: its PNG copy decodes to the captured screen; its bytes equal the in-place encoding. */
  pixelsEqual: boolean[];
  bytesEqual: boolean[];
  stats: KeyframePngEncoder['stats'];
}

const scope = self as unknown as DedicatedWorkerGlobalScope;
const options = new URL(self.location.href).searchParams.get('png') ?? '';

function pixels(source: ImageBitmap | OffscreenCanvas, width: number, height: number): Uint8ClampedArray {
  const canvas = new OffscreenCanvas(width, height);
  const context = canvas.getContext('2d', { alpha: false })!;
  context.drawImage(source, 0, 0);
  return context.getImageData(0, 0, width, height).data;
}

function same(a: Uint8Array | Uint8ClampedArray, b: Uint8Array | Uint8ClampedArray): boolean {
  return a.length === b.length && a.every((value, index) => value === b[index]);
}

if (self.name === KEYFRAME_PNG_WORKER_NAME) {
  if (options === 'broken') throw new Error('this PNG helper does not start');
  const throwAt = options.startsWith('throw-at=') ? Number(options.slice('throw-at='.length)) : Infinity;
  servePngEncoding(scope as unknown as PngWorkerScope);
  let received = 0;
  const serve = scope.onmessage!;
  scope.onmessage = (event) => {
    if ((received += 1) === throwAt) throw new Error('this PNG helper fails');
    serve.call(scope, event);
  };
} else {
  scope.onmessage = async ({ data }: MessageEvent<PngRequest>) => {
    const random = seededRandom(data.seed);
    const canvas = new OffscreenCanvas(data.width, data.height);
    const context = canvas.getContext('2d', { alpha: false })!;
    // Nothing decoded is kept once a PNG copy exists, so each keyframe is drawn from its PNG.
    const store = new KeyframeStore({ decodedBytes: 0, encodedBytes: 1e9 });
    const encoder = new KeyframePngEncoder({ replaceAfter: data.replaceAfter, idleMs: 60_000 });
    const expected: Uint8ClampedArray[] = [];
    const inPlace: Array<Promise<Blob>> = [];
    for (let frame = 0; frame < data.frames; frame++) {
      for (let rect = 0; rect < 40; rect++) {
        context.fillStyle = `rgb(${Math.floor(random() * 256)} ${Math.floor(random() * 256)} ${Math.floor(random() * 256)})`;
        context.fillRect(Math.floor(random() * data.width), Math.floor(random() * data.height), 1 + Math.floor(random() * 80), 1 + Math.floor(random() * 60));
      }
      const noise = context.getImageData(0, 0, 64, 64);
      for (let at = 0; at < noise.data.length; at++) if (at % 4 !== 3) noise.data[at] = Math.floor(random() * 256);
      context.putImageData(noise, Math.floor(random() * (data.width - 64)), Math.floor(random() * (data.height - 64)));
      expected.push(pixels(canvas, data.width, data.height));
      inPlace.push(encodeSurface(canvas, 'image/png'));
      store.capture(canvas, frame + 1, frame * 1000, undefined, () => encoder.encode(canvas));
    }
    const keyframes = expected.map((_, frame) => store.before(frame + 1, 0)!);
    // Waits for every PNG copy (a state, not a time).
    while (keyframes.some((keyframe) => keyframe.png === undefined)) await new Promise((resolve) => setTimeout(resolve, 5));
    const pixelsEqual: boolean[] = [];
    const bytesEqual: boolean[] = [];
    for (const [frame, keyframe] of keyframes.entries()) {
      const image = await store.acquire(keyframe);
      pixelsEqual.push(same(pixels(image as ImageBitmap, data.width, data.height), expected[frame]!));
      store.release(keyframe);
      const png = keyframe.png!;
      const bytes = 'home' in png ? await png.home.read(png.image) : new Uint8Array(await png.image.arrayBuffer());
      bytesEqual.push(same(bytes, new Uint8Array(await (await inPlace[frame]!).arrayBuffer())));
    }
    encoder.close();
    scope.postMessage({ pixelsEqual, bytesEqual, stats: { ...encoder.stats } } satisfies PngRun);
  };
}
