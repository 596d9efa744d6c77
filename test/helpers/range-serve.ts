// Recordings served paced for the browser tests (test/tools/paced-range-middleware.mjs): Range
// honoured, ignored or answered wrongly, the download in order held partway; and the checks those
// tests share (the screen at a moment against the reference, no byte fetched twice).
import { expect, fixture, html } from '@open-wc/testing';
import type { DesktopRecordingPlayer } from '../../src/index.js';
import { readRecording } from '../../src/format/reader.js';
import { TimelineBuilder } from '../../src/format/timeline.js';
import { difference, imageDataOf, referenceScreens, screenUpdatesOf } from './reference-screen.js';
import { nextEvent } from './next-event.js';

export const PNG_SAMPLE = '6c0e1e5a-8d6b-4a51-9a0c-2f4b1c7d0720.tar';
export const REMOTEFX_SAMPLE = '3b8e5d10-7c2a-4f61-9e0b-15a0c0de0003.tar';
/** 4 MB/s: the held download and the range reads both take real network time. */
const RATE = 4_000_000;
/** The whole-file download stops here until released: the screen size and a little more. */
const HOLD_BYTES = 96 * 1024;

export type RangeMode = 'honest' | 'ignore' | 'wrong-range' | 'truncated' | '416';

export interface Served {
  url: string;
  bytes: Uint8Array;
  durationMs: number;
  release(): Promise<void>;
  log(): Promise<Array<{ range: string | null; status: number; bytes: number }>>;
}

export async function serve(file: string | Uint8Array, ranges: RangeMode, holdBytes = HOLD_BYTES): Promise<Served> {
  const bytes = typeof file === 'string' ? new Uint8Array(await (await fetch(`/demo/recordings/${file}`)).arrayBuffer()) : file;
  const response = await fetch(`/__paced?rate=${RATE}&hold=${holdBytes}&ranges=${ranges}`, { method: 'POST', body: new Blob([bytes as BlobPart]) });
  const { url } = (await response.json()) as { url: string };
  const timeline = new TimelineBuilder();
  for (const event of (await readRecording(bytes)).events) timeline.add(event);
  timeline.finish();
  return {
    url,
    bytes,
    durationMs: timeline.durationMs,
    release: async () => void (await fetch(`${url}/release`, { method: 'POST' })),
    log: async () => (await fetch(`${url}/log`)).json(),
  };
}

/** Part offsets, by chaining headers from the front. */
export function partOffsets(bytes: Uint8Array): number[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const offsets: number[] = [];
  for (let at = 0; at < bytes.length; at += (view.getUint32(at + 4) === 2 ? 32 : 24) + view.getUint32(at + 12) + view.getUint32(at + 20)) offsets.push(at);
  return offsets;
}

/** Where a range asked (`bytes=a-b`, `bytes=-n`) starts in a file of `length` bytes. */
export function rangeStart(range: string, length: number): number {
  const [, first, last] = /^bytes=(\d*)-(\d*)$/.exec(range)!;
  return first === '' ? length - Number(last) : Number(first);
}

/** The bytes the server sent for each range (`bytes=a-b`, `bytes=-n`; cut short when the player stopped reading) never overlap: no byte of the file is fetched twice. */
export function expectNoByteTwice(ranges: Array<{ range: string | null; bytes: number }>, length: number): void {
  const spans = ranges.map(({ range, bytes }) => {
    const start = rangeStart(range!, length);
    return [start, start + bytes];
  });
  spans.sort((a, b) => a[0]! - b[0]!);
  for (let i = 1; i < spans.length; i++) expect(spans[i]![0], `range ${spans[i]} overlaps ${spans[i - 1]}`).to.be.at.least(spans[i - 1]![1]!);
}

/** The media events of interest, in the order they fired. */
export function recordEvents(element: DesktopRecordingPlayer): string[] {
  const seen: string[] = [];
  for (const name of ['loadedmetadata', 'durationchange', 'loadeddata', 'seeking', 'waiting', 'canplay', 'seeked', 'canplaythrough', 'error']) {
    element.addEventListener(name, () => seen.push(name));
  }
  return seen;
}

/**
 * The screen must be the recording's at `timeMs`: for PNG tiles the reference composition; for
 * fast-path, a player that had the whole file at hand and seeked there (the fast-path seeks are
 * checked against playing through in fastpath.test.ts).
 */
export async function expectScreenAt(element: DesktopRecordingPlayer, bytes: Uint8Array, timeMs: number, fastPath = false): Promise<void> {
  let reference: ImageData;
  if (fastPath) {
    const local = await player();
    const loaded = nextEvent(local, 'canplaythrough');
    local.srcObject = new Blob([bytes as BlobPart]);
    await loaded;
    const seeked = nextEvent(local, 'seeked');
    local.currentTime = timeMs / 1000;
    await seeked;
    reference = await imageDataOf(await local.captureFrame());
  } else {
    [reference] = (await referenceScreens(await screenUpdatesOf(bytes), [timeMs])) as [ImageData];
  }
  const { pixels, first } = difference(await imageDataOf(await element.captureFrame()), reference);
  expect(pixels, `the screen at ${timeMs} ms differs from the recording there (first at ${first})`).to.equal(0);
}

export async function player(): Promise<DesktopRecordingPlayer> {
  return fixture<DesktopRecordingPlayer>(html`<desktop-recording-player style="width: 480px"></desktop-recording-player>`);
}

