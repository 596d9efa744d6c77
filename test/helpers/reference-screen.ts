// The reference the player's pixels are checked against: every tile of a recording painted in
// time order, one at a time, with createImageBitmap — no index, no keyframes, no coalescing. The file
// is read here its own way too (parts, gzip, records, OneOf, TDP), with fflate and the generated
// protobuf code only: none of the player's reader, timeline or TDP decoder, so a fault there cannot
// hide in the reference as well.
import { fromBinary } from '@bufbuild/protobuf';
import { gunzipSync } from 'fflate';
import { EnvelopeSchema } from '../../src/gen/teleport/desktop/v1/tdpb_pb.js';
import { OneOfSchema } from '../../src/gen/teleport/legacy/types/events/events_pb.js';

export type Tile = { timeMs: number; left: number; top: number; png: Uint8Array } | { timeMs: number; width: number; height: number };

/**
 * The screen updates (screen sizes and PNG tiles: legacy TDP types 1, 2 and 27, TDPB screen specs
 * and PNG frames) of a recording in file order, at their DelayMilliseconds, never earlier than the
 * one before (Teleport plays a late delay at once). Throws on anything it cannot read: the
 * reference is only ever built from good files.
 */
export async function screenUpdatesOf(bytes: Uint8Array): Promise<Tile[]> {
  const updates: Tile[] = [];
  const file = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u64 = (at: number) => Number(file.getBigUint64(at));
  let lastMs = 0;
  for (let at = 0; at < bytes.length; ) {
    const version = u64(at);
    if (version !== 1) throw new Error(`reference: part at byte ${at} has version ${version}`);
    const partSize = u64(at + 8), paddingSize = u64(at + 16);
    const records = partSize ? gunzipSync(bytes.subarray(at + 24, at + 24 + partSize)) : new Uint8Array(0);
    at += 24 + partSize + paddingSize;
    const view = new DataView(records.buffer, records.byteOffset, records.byteLength);
    for (let offset = 0; offset < records.length; ) {
      const length = view.getUint32(offset);
      const oneOf = fromBinary(OneOfSchema, records.subarray(offset + 4, offset + 4 + length));
      offset += 4 + length;
      if (oneOf.event.case !== 'desktopRecording') continue;
      const { delayMilliseconds, message, tdpbMessage } = oneOf.event.value;
      const timeMs = (lastMs = Math.max(lastMs, Number(delayMilliseconds)));
      const update = tdpbMessage.length ? tdpbUpdate(tdpbMessage) : message[0] === 0 ? tdpbUpdate(message) : legacyUpdate(message);
      if (update) updates.push({ timeMs, ...update });
    }
  }
  return updates;
}

type Update = { left: number; top: number; png: Uint8Array } | { width: number; height: number };

function legacyUpdate(message: Uint8Array): Update | undefined {
  const view = new DataView(message.buffer, message.byteOffset, message.byteLength);
  const u32 = (at: number) => view.getUint32(at);
  switch (message[0]) {
    case 1: // ClientScreenSpec: width, height
      return { width: u32(1), height: u32(5) };
    case 2: // PNGFrame: left, top, right, bottom, png (the rest)
      return { left: u32(1), top: u32(5), png: message.slice(17) };
    case 27: // PNG2Frame: png length, left, top, right, bottom, png
      return { left: u32(5), top: u32(9), png: message.slice(21, 21 + u32(1)) };
    default:
      return undefined;
  }
}

/** A TDPB message: u32 BE length, then an Envelope. */
function tdpbUpdate(message: Uint8Array): Update | undefined {
  const length = new DataView(message.buffer, message.byteOffset, message.byteLength).getUint32(0);
  const { payload } = fromBinary(EnvelopeSchema, message.subarray(4, 4 + length));
  if (payload.case === 'clientScreenSpec') return { width: payload.value.width, height: payload.value.height };
  if (payload.case === 'pngFrame') return { left: payload.value.coordinates?.left ?? 0, top: payload.value.coordinates?.top ?? 0, png: payload.value.data.slice() };
  return undefined;
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
