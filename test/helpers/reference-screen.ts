// The reference the player's pixels are checked against: every tile of a recording painted in
// time order, one at a time, with createImageBitmap — no index, no keyframes, no coalescing.
import { RecordingReader, pumpRecording } from '../../src/format/reader.js';
import { TimelineBuilder } from '../../src/format/timeline.js';

export type Tile = { timeMs: number; left: number; top: number; png: Uint8Array } | { timeMs: number; width: number; height: number };

/** The screen updates of a recording in file order (the reference reads them its own way). */
export async function screenUpdatesOf(bytes: Uint8Array): Promise<Tile[]> {
  const builder = new TimelineBuilder();
  const updates: Tile[] = [];
  const take = (placed: ReturnType<TimelineBuilder['add']>) => {
    for (const { timeMs, tdp } of placed) {
      if (tdp?.kind === 'pngFrame' || tdp?.kind === 'png2Frame') updates.push({ timeMs, left: tdp.left, top: tdp.top, png: tdp.png.slice() });
      else if (tdp?.kind === 'screenSpec') updates.push({ timeMs, width: tdp.width, height: tdp.height });
    }
  };
  await pumpRecording(new RecordingReader(), bytes, (events) => events.forEach((event) => take(builder.add(event))));
  take(builder.finish());
  return updates;
}

/** Paints the updates in order, one at a time, and reads the screen at each of `timesMs` (ascending). */
export async function referenceScreens(updates: Tile[], timesMs: number[]): Promise<ImageData[]> {
  const canvas = new OffscreenCanvas(1, 1);
  const context = canvas.getContext('2d', { alpha: false })!;
  const screens: ImageData[] = [];
  let next = 0;
  for (const timeMs of timesMs) {
    for (; next < updates.length && updates[next]!.timeMs <= timeMs; next++) {
      const update = updates[next]!;
      if ('width' in update) {
        canvas.width = update.width;
        canvas.height = update.height;
      } else {
        const bitmap = await createImageBitmap(new Blob([update.png as Uint8Array<ArrayBuffer>], { type: 'image/png' }));
        context.drawImage(bitmap, update.left, update.top);
        bitmap.close();
      }
    }
    screens.push(context.getImageData(0, 0, canvas.width, canvas.height));
  }
  return screens;
}

export async function imageDataOf(image: Blob): Promise<ImageData> {
  const bitmap = await createImageBitmap(image);
  const { width, height } = bitmap;
  const context = new OffscreenCanvas(width, height).getContext('2d')!;
  context.drawImage(bitmap, 0, 0);
  bitmap.close();
  return context.getImageData(0, 0, width, height);
}

/** How many pixels differ, and where the first one is. */
export function difference(actual: ImageData, expected: ImageData): { pixels: number; first?: string } {
  if (actual.width !== expected.width || actual.height !== expected.height) return { pixels: Infinity, first: `size ${actual.width}×${actual.height}` };
  let pixels = 0;
  let first: string | undefined;
  for (let offset = 0; offset < actual.data.length; offset += 4) {
    if (actual.data[offset] !== expected.data[offset] || actual.data[offset + 1] !== expected.data[offset + 1] || actual.data[offset + 2] !== expected.data[offset + 2]) {
      pixels += 1;
      first ??= `(${(offset / 4) % actual.width}, ${Math.floor(offset / 4 / actual.width)})`;
    }
  }
  return { pixels, first };
}
