// Recordings with real screen content, for browser tests: PNG tiles drawn with OffscreenCanvas and
// written through the real RecordingWriter.
import { timestampOfMs, type AuditEventInit } from '../../src/format/events.js';
import { encodeTdp, type TdpMessage } from '../../src/format/tdp.js';
import type { WriterOptions } from '../../src/format/writer.js';
import { T0, desktopRecording, writeRecording } from './recording-bytes.js';

export const TILE = 64;

export type Rgb = readonly [number, number, number];

/** A 64×64 PNG of seeded noise (about 16 KB: it does not compress, so parts hold a few tiles each and files grow large). */
export async function noisePng(seed: number): Promise<Uint8Array> {
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

/** A solid-colour PNG of `width`×`height`, encoded by the browser. */
export async function solidPng([r, g, b]: Rgb, width = TILE, height = TILE): Promise<Uint8Array> {
  const canvas = new OffscreenCanvas(width, height);
  const context = canvas.getContext('2d')!;
  context.fillStyle = `rgb(${r} ${g} ${b})`;
  context.fillRect(0, 0, width, height);
  return new Uint8Array(await (await canvas.convertToBlob({ type: 'image/png' })).arrayBuffer());
}

/** One screen event of a test recording, at `timeMs`. */
export type ScreenStep =
  | { timeMs: number; screen: { width: number; height: number } }
  /** A solid tile; `png` replaces its image bytes (e.g. with bytes that are not an image). */
  | { timeMs: number; tile: { left: number; top: number; color: Rgb; width?: number; height?: number; png?: Uint8Array } }
  | { timeMs: number; pointer: { x: number; y: number } }
  /** A mouse button pressed (0 left, 1 middle, 2 right) where the pointer is. */
  | { timeMs: number; click: { button: number } }
  /** An audit event (a marker on the timeline): data sent to the desktop's clipboard. */
  | { timeMs: number; clipboardSend: { length: number } };

/** The TDP messages of the steps (tiles as PngFrame, type 2), in order; audit steps are skipped. */
export async function screenMessages(steps: ScreenStep[]): Promise<Array<{ timeMs: number; message: TdpMessage }>> {
  const messages: Array<{ timeMs: number; message: TdpMessage }> = [];
  for (const step of steps) {
    if ('clipboardSend' in step) continue;
    if ('screen' in step) {
      messages.push({ timeMs: step.timeMs, message: { kind: 'screenSpec', ...step.screen } });
    } else if ('pointer' in step) {
      messages.push({ timeMs: step.timeMs, message: { kind: 'mouseMove', ...step.pointer } });
    } else if ('click' in step) {
      messages.push({ timeMs: step.timeMs, message: { kind: 'mouseButton', button: step.click.button, pressed: true } });
    } else {
      const { left, top, color, width = TILE, height = TILE } = step.tile;
      const png = step.tile.png ?? (await solidPng(color, width, height));
      messages.push({ timeMs: step.timeMs, message: { kind: 'pngFrame', left, top, right: left + width, bottom: top + height, png } });
    }
  }
  return messages;
}

/** A recording file of the steps: screen steps as DesktopRecording events, in order. */
export async function screenRecording(steps: ScreenStep[], options: Partial<WriterOptions> = {}): Promise<Uint8Array> {
  const events: AuditEventInit[] = [];
  for (const step of steps) {
    const index = events.length;
    if ('clipboardSend' in step) {
      const metadata = { index: BigInt(index), type: 'desktop.clipboard.send', code: 'TDP02I', time: timestampOfMs(T0 + step.timeMs) };
      events.push({ case: 'desktopClipboardSend', value: { metadata, length: step.clipboardSend.length } });
    } else {
      const [{ message }] = await screenMessages([step]);
      events.push(desktopRecording(index, step.timeMs, encodeTdp(message!)));
    }
  }
  return writeRecording(events, options);
}

/** A `blob:` URL serving the bytes; revoke it when done. */
export function blobUrl(bytes: Uint8Array): string {
  return URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>]));
}

/** RGBA of one pixel of an image file (e.g. a `captureFrame()` result). */
export async function pixelsOf(image: Blob): Promise<{ width: number; height: number; at(x: number, y: number): [number, number, number, number] }> {
  const bitmap = await createImageBitmap(image);
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const context = canvas.getContext('2d')!;
  context.drawImage(bitmap, 0, 0);
  bitmap.close();
  const data = context.getImageData(0, 0, canvas.width, canvas.height).data;
  return {
    width: canvas.width,
    height: canvas.height,
    at: (x, y) => {
      const offset = (y * canvas.width + x) * 4;
      return [data[offset]!, data[offset + 1]!, data[offset + 2]!, data[offset + 3]!];
    },
  };
}

/** Four wallpaper colours, one a 64×64 cell. */
export const WALLPAPER = [
  [200, 40, 40],
  [40, 200, 40],
  [40, 40, 200],
  [200, 200, 40],
] as const;

/**
 * A 256×128 desktop whose bottom row (the wallpaper, four solid colours) is painted once, at the
 * start; noise tiles repaint the top row, one every 200 ms for a minute (about 4 MB of PNGs).
 */
export async function wallpaperOnceSteps(wallpaper: readonly Rgb[] = WALLPAPER): Promise<ScreenStep[]> {
  const pngs = await Promise.all(Array.from({ length: 9 }, (_, i) => noisePng(i + 31)));
  const steps: ScreenStep[] = [{ timeMs: 0, screen: { width: 256, height: 128 } }];
  for (let cell = 0; cell < 4; cell++) steps.push({ timeMs: 0, tile: { left: cell * 64, top: 64, color: wallpaper[cell]!, png: await solidPng(wallpaper[cell]!) } });
  for (let i = 0; i < 300; i++) steps.push({ timeMs: i * 200, tile: { left: (i % 4) * 64, top: 0, color: [0, 0, 0], png: pngs[i % pngs.length] } });
  return steps;
}
