// The pointer after a seek composed from parts read out of order (random access, with the download
// in order held by test/tools/paced-range-middleware.mjs): it is drawn only when those parts set
// its shape; a shape set in the gap they skip is not guessed, and the download reaching the moment
// shows the recorded one. Read from the pointer layer's pixels, waiting for states, never for time.
import { expect } from '@open-wc/testing';
import '../../src/define.js';
import { untilPointer, type Rgb } from '../helpers/pointer-layer.js';
import type { DesktopRecordingPlayer } from '../../src/index.js';
import { encodeTdp, type TdpMessage } from '../../src/format/tdp.js';
import { Bytes, UpdateCode, pduOf } from '../fixtures/rdp/build.js';
import { nextEvent } from '../helpers/next-event.js';
import { newPointer32, qoizPdus, syntheticScreen } from '../helpers/qoiz.js';
import { loadedWhileHeld } from '../helpers/range-serve.js';
import { desktopRecording, writeRecording } from '../helpers/recording-bytes.js';
import { timestampOfMs, type AuditEventInit } from '../../src/format/events.js';
import { encodeTdpb } from '../../src/format/tdp.js';
import { noisePng } from '../helpers/screen-recording.js';
import { T0 } from '../helpers/recording-bytes.js';

const WIDTH = 256;
const HEIGHT = 128;
/** Where the mouse is throughout (moved there at every frame). */
const AT = { x: 100, y: 50 };
const RED: Rgb = [255, 0, 0];
const BLUE: Rgb = [0, 0, 255];
const GREEN: Rgb = [0, 255, 0];
/** The cursors: 8×8 squares of one colour, hotspot in the middle. */
const SIDE = 8;

/** A NewPointer update PDU writing a one-colour cursor to `slot` (and showing it). */
function cursorPdu(slot: number, [r, g, b]: Rgb): Uint8Array {
  const rgba = new Uint8Array(SIDE * SIDE * 4);
  for (let at = 0; at < rgba.length; at += 4) rgba.set([r, g, b, 255], at);
  return pduOf(UpdateCode.NewPointer, newPointer32(slot, [SIDE / 2, SIDE / 2], SIDE, SIDE, rgba));
}

const cachedPointerPdu = (slot: number): Uint8Array => pduOf(UpdateCode.CachedPointer, new Bytes().u16(slot).build());

/**
 * A minute of a 256×128 fast-path desktop, a full QOIZ frame every 200 ms (about 27 KB; parts of
 * about 64 KB, so any moment's screen is in the last part or two before it; 4.3 MB, so the
 * download in order asks for the front by several ranges), the mouse at `AT`:
 * the cursor red (slot 0) from the start, blue (slot 1, set at 20 s), red again (cached) at 21 s,
 * blue as a cached pointer at every frame of 30–39.8 s, green as a new pointer (slot 2) at every
 * frame of 40–49.8 s, and no pointer update after that.
 */
function pointerShapesRecording(): Uint8Array {
  const screens = [1, 2, 3, 4].map((seed) => qoizPdus(0, 0, WIDTH, HEIGHT, syntheticScreen(WIDTH, HEIGHT, seed)));
  const events: AuditEventInit[] = [];
  const add = (timeMs: number, message: TdpMessage) => events.push(desktopRecording(events.length, timeMs, encodeTdp(message)));
  const fastPath = (timeMs: number, pdu: Uint8Array) => add(timeMs, { kind: 'fastPathPdu', data: pdu });
  add(0, { kind: 'connectionActivated', ioChannelId: 1003, userChannelId: 1004, screenWidth: WIDTH, screenHeight: HEIGHT });
  fastPath(0, cursorPdu(0, RED));
  for (let frame = 0; frame < 300; frame++) {
    const timeMs = frame * 200;
    for (const pdu of screens[frame % screens.length]!) fastPath(timeMs, pdu);
    add(timeMs, { kind: 'mouseMove', ...AT });
    if (timeMs === 20_000) fastPath(timeMs, cursorPdu(1, BLUE));
    if (timeMs === 21_000) fastPath(timeMs, cachedPointerPdu(0));
    if (timeMs >= 30_000 && timeMs < 40_000) fastPath(timeMs, cachedPointerPdu(1));
    if (timeMs >= 40_000 && timeMs < 50_000) fastPath(timeMs, cursorPdu(2, GREEN));
  }
  return writeRecording(events, { partSize: 64 * 1024 });
}

/**
 * A minute of a Teleport 2026 (TDPB) 256×128 desktop whose screen is PNG frames, one 64×64 cell
 * repainted every 200 ms (parts of about 64 KB), the mouse at `AT` at every frame, and one pointer
 * update, fast-path, at 20 s: the red cursor (TDPB recordings carry server-drawn pointers).
 */
async function tdpbPngRecording(): Promise<Uint8Array> {
  const pngs = await Promise.all(Array.from({ length: 9 }, (_, i) => noisePng(i + 1)));
  const messages: Array<{ timeMs: number; message: TdpMessage }> = [{ timeMs: 0, message: { kind: 'screenSpec', width: WIDTH, height: HEIGHT } }];
  for (let frame = 0; frame < 300; frame++) {
    const timeMs = frame * 200;
    const cell = frame % 8;
    const [left, top] = [(cell % 4) * 64, (cell >> 2) * 64];
    messages.push({ timeMs, message: { kind: 'pngFrame', left, top, right: left + 64, bottom: top + 64, png: pngs[frame % pngs.length]! } });
    messages.push({ timeMs, message: { kind: 'mouseMove', ...AT } });
    if (timeMs === 20_000) messages.push({ timeMs, message: { kind: 'fastPathPdu', data: cursorPdu(0, RED) } });
  }
  const events: AuditEventInit[] = messages.map(({ timeMs, message }, index) => ({
    case: 'desktopRecording',
    value: { metadata: { index: BigInt(index), type: 'desktop.recording', time: timestampOfMs(T0 + timeMs) }, tdpbMessage: encodeTdpb(message), delayMilliseconds: BigInt(timeMs) },
  }));
  return writeRecording(events, { partSize: 64 * 1024 });
}


async function seekTo(element: DesktopRecordingPlayer, seconds: number): Promise<void> {
  const seeked = nextEvent(element, 'seeked');
  element.currentTime = seconds;
  await seeked;
  expect(element.currentTime).to.equal(seconds);
}

describe('the pointer after a seek composed from parts read out of order', () => {
  it('shows only a shape those parts set; a cached shape set in the gap, or none, hides it until the download in order brings the recorded one', async () => {
    const bytes = pointerShapesRecording();
    const { served, element, seen } = await loadedWhileHeld(bytes);
    expect(element.buffered.end(0), 'the download in order is held near the start').to.be.below(10);

    // The green cursor's image is in the parts read for 45.5 s: it shows, where the mouse is.
    await seekTo(element, 45.5);
    await untilPointer(element, AT, GREEN, 'at 45.5 s, the cursor set in the parts read');
    // At 35.5 s the cursor is a cached one (blue) whose image was set at 20 s, in the gap not read:
    // hidden, not the red one the front last showed, nor an arrow.
    await seekTo(element, 35.5);
    await untilPointer(element, AT, null, 'at 35.5 s, the cursor cached in the gap');
    // At 55.5 s no part read sets a shape (the last one, green, was set at 49.8 s): hidden too.
    await seekTo(element, 45.5);
    await untilPointer(element, AT, GREEN, 'back at 45.5 s');
    await seekTo(element, 55.5);
    await untilPointer(element, AT, null, 'at 55.5 s, no shape in the parts read');
    // The screen came from range reads alone, and nothing in them was reported as undecodable.
    expect(element.buffered.end(0)).to.be.below(10);
    expect([element.error, seen.includes('error')]).to.deep.equal([null, false]);

    // The download in order reaches the moments: the recorded cursors show.
    const complete = nextEvent(element, 'canplaythrough');
    await served.release();
    await complete;
    await untilPointer(element, AT, GREEN, 'at 55.5 s with the whole file: the green cursor set at 49.8 s');
    await seekTo(element, 35.5);
    await untilPointer(element, AT, BLUE, 'at 35.5 s with the whole file: the blue cursor cached at 20 s');
    expect([element.error, seen.includes('error')]).to.deep.equal([null, false]);
  });

  it('TDPB with PNG frames: an island with no fast-path update, after a front with none, hides the pointer as fast-path recordings do', async () => {
    const bytes = await tdpbPngRecording();
    const { served, element, seen } = await loadedWhileHeld(bytes);
    expect(element.buffered.end(0), 'the download in order is held before the pointer update at 20 s').to.be.below(10);

    // At 45.5 s the parts read hold PNG frames and mouse moves only: the shape was set in the gap.
    await seekTo(element, 45.5);
    await untilPointer(element, AT, null, 'at 45.5 s, no shape in the parts read: hidden, not an arrow');
    // The red cursor's image is in the parts read for 20.5 s: it shows.
    await seekTo(element, 20.5);
    await untilPointer(element, AT, RED, 'at 20.5 s, the cursor set in the parts read');
    await seekTo(element, 45.5);
    await untilPointer(element, AT, null, 'back at 45.5 s: hidden again');
    expect(element.buffered.end(0)).to.be.below(10);
    expect([element.error, seen.includes('error')]).to.deep.equal([null, false]);

    // The download in order reaches the moment: the recorded cursor shows.
    const complete = nextEvent(element, 'canplaythrough');
    await served.release();
    await complete;
    await untilPointer(element, AT, RED, 'at 45.5 s with the whole file: the red cursor set at 20 s');
  });
});
