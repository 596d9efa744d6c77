// The player's pointer layer (`canvas.cursor`, never in captureFrame), read back by the pointer tests.
import { expect } from '@open-wc/testing';
import type { DesktopRecordingPlayer } from '../../src/index.js';

export type Rgb = readonly [number, number, number];

/** What the pointer layer shows: `null` for nothing at all, else the colour at `at` (screen pixels). */
export function pointerLayer(element: DesktopRecordingPlayer, at: { x: number; y: number }): Rgb | null {
  const layer = element.shadowRoot!.querySelector<HTMLCanvasElement>('canvas.cursor')!;
  const probe = new OffscreenCanvas(layer.width, layer.height).getContext('2d', { willReadFrequently: true })!;
  probe.drawImage(layer, 0, 0);
  const { data } = probe.getImageData(0, 0, layer.width, layer.height);
  if (!data.some((value, index) => index % 4 === 3 && value > 0)) return null;
  const offset = (at.y * layer.width + at.x) * 4;
  return [data[offset]!, data[offset + 1]!, data[offset + 2]!];
}

/** Waits (a frame at a time, as the layer's frames reach the page) until the pointer layer shows `expected` at `at`. */
export async function untilPointer(element: DesktopRecordingPlayer, at: { x: number; y: number }, expected: Rgb | null, what: string): Promise<void> {
  let shown = pointerLayer(element, at);
  for (let frame = 0; frame < 600 && JSON.stringify(shown) !== JSON.stringify(expected); frame++) {
    await new Promise(requestAnimationFrame);
    shown = pointerLayer(element, at);
  }
  expect(shown, what).to.deep.equal(expected);
}
