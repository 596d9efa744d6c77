// The reference for fast-path recordings: one decoder fed every PDU in order, nothing skipped,
// no index, no keyframes — what the player's seeks are checked against.
import { FastPathDecoder } from '../../src/core/fastpath/index.js';
import { RecordingReader, pumpRecording } from '../../src/format/reader.js';
import { TimelineBuilder } from '../../src/format/timeline.js';

/** The recording's fast-path PDUs and screen size, read the reference's own way. */
export async function pdusOf(bytes: Uint8Array): Promise<{ width: number; height: number; pdus: Array<{ timeMs: number; data: Uint8Array }> }> {
  const builder = new TimelineBuilder();
  const pdus: Array<{ timeMs: number; data: Uint8Array }> = [];
  let screen = { width: 0, height: 0 };
  const take = (placed: ReturnType<TimelineBuilder['add']>) => {
    for (const { timeMs, tdp } of placed) {
      if (tdp?.kind === 'fastPathPdu') pdus.push({ timeMs, data: tdp.data.slice() });
      else if (tdp?.kind === 'connectionActivated' && screen.width === 0) screen = { width: tdp.screenWidth, height: tdp.screenHeight };
    }
  };
  await pumpRecording(new RecordingReader(), bytes, (events) => events.forEach((event) => take(builder.add(event))));
  take(builder.finish());
  return { ...screen, pdus };
}

/** The reference: one decoder fed every PDU up to each time (ascending), nothing skipped. */
export async function sequentialScreens(bytes: Uint8Array, timesMs: number[]): Promise<ImageData[]> {
  const { width, height, pdus } = await pdusOf(bytes);
  const decoder = new FastPathDecoder(width, height);
  const screens: ImageData[] = [];
  let next = 0;
  for (const timeMs of timesMs) {
    for (; next < pdus.length && pdus[next]!.timeMs <= timeMs; next++) decoder.push(pdus[next]!.data);
    screens.push(new ImageData(decoder.framebuffer.pixels.slice(), width, height));
  }
  return screens;
}
