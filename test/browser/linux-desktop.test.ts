// Teleport 2026 Linux desktop recordings: TDPB, QOIZ screen updates (zstd + QOI, fragment runs),
// 32 bpp cursors, Linux session events. The sample (test/fixtures/linux/build.ts) plays, and after
// seeks both ways the screen equals decoding every update in order; a screen update of a codec
// the player cannot draw is reported once and the rest plays.
import { expect, fixture, html } from '@open-wc/testing';
import '../../src/define.js';
import type { DesktopRecordingPlayer } from '../../src/index.js';
import { timestampOfMs, type AuditEventInit } from '../../src/format/events.js';
import { encodeTdpb, type TdpMessage } from '../../src/format/tdp.js';
import { sequentialScreens } from '../helpers/fastpath-reference.js';
import { nextEvent } from '../helpers/next-event.js';
import { T0, writeRecording } from '../helpers/recording-bytes.js';
import { difference, imageDataOf } from '../helpers/reference-screen.js';
import { blobUrl } from '../helpers/screen-recording.js';

const SESSION = '4c6f2a10-5d1e-4b7a-9c3f-8e2d0c0d2026';
const SAMPLE = `/test/fixtures/linux/${SESSION}.tar`;
const HOST = '0f6e8c52-3b1d-4e2a-a9c7-5d4b3a2f1e0d';

async function loaded(src: string): Promise<DesktopRecordingPlayer> {
  const element = await fixture<DesktopRecordingPlayer>(html`<desktop-recording-player style="width: 400px"></desktop-recording-player>`);
  const ready = nextEvent(element, 'canplaythrough');
  element.src = src;
  await ready;
  return element;
}

async function seekTo(element: DesktopRecordingPlayer, seconds: number): Promise<void> {
  const seeked = nextEvent(element, 'seeked');
  element.currentTime = seconds;
  await seeked;
}

describe('a Linux desktop recording (QOIZ)', () => {
  it('has its session: Linux metadata, start and end markers, a duration up to the session end', async () => {
    const element = await loaded(SAMPLE);
    expect([element.videoWidth, element.videoHeight]).to.deep.equal([800, 480]);
    expect(element.duration).to.equal(12);
    const { recording } = element;
    expect(recording.desktopKind).to.equal('linux');
    expect(recording.linuxUser).to.equal('alice');
    expect(recording.login).to.equal('alice');
    expect(recording.desktopName).to.equal(HOST);
    expect(recording.labels).to.deep.equal({ os: 'debian', env: 'lab' });
    expect(recording.participants).to.deep.equal(['alice@example.com']);
    expect(element.markers.map((marker) => [marker.time, marker.type])).to.deep.equal([
      [0, 'linux.desktop.session.start'],
      [12, 'linux.desktop.session.end'],
    ]);
    expect(element.error).to.equal(null);
  });

  it('after seeks both ways, equals decoding every update in order', async () => {
    const bytes = new Uint8Array(await (await fetch(SAMPLE)).arrayBuffer());
    const element = await loaded(SAMPLE);
    // The window drag, typing, the clock; the first full screen (a fragment run at 0); the idle tail.
    const targets = [6.3, 0, 2.5, 11.5, 5.52, 0.04, 7.01, 3.99, 9];
    const captures: Array<{ seconds: number; frame: Blob }> = [];
    for (const seconds of targets) {
      await seekTo(element, seconds);
      captures.push({ seconds, frame: await element.captureFrame() });
    }
    const order = captures.map((_, index) => index).sort((a, b) => captures[a]!.seconds - captures[b]!.seconds);
    const references = await sequentialScreens(bytes, order.map((index) => Math.round(captures[index]!.seconds * 1000)));
    const mismatches: string[] = [];
    for (const [rank, index] of order.entries()) {
      const { pixels, first } = difference(await imageDataOf(captures[index]!.frame), references[rank]!);
      if (pixels > 0) mismatches.push(`seek to ${captures[index]!.seconds} s: ${pixels} pixels differ, first at ${first}`);
    }
    expect(mismatches).to.deep.equal([]);
    expect(element.error).to.equal(null);
  });

  it('plays to the end and shows the last screen', async () => {
    const bytes = new Uint8Array(await (await fetch(SAMPLE)).arrayBuffer());
    const element = await loaded(SAMPLE);
    await seekTo(element, 8.5);
    element.playbackRate = 4;
    const ended = nextEvent(element, 'ended');
    await element.play();
    await ended;
    const [reference] = await sequentialScreens(bytes, [12000]);
    expect(difference(await imageDataOf(await element.captureFrame()), reference!).pixels).to.equal(0);
  });
});

describe('a Linux desktop recording over the playback websocket', () => {
  it('streams (TDPB messages), and seeks ahead and back show the screens decoded in order', async () => {
    const bytes = new Uint8Array(await (await fetch(SAMPLE)).arrayBuffer());
    const { linux } = (await (await fetch('/__playback-servers')).json()) as { linux: string };
    const element = await fixture<DesktopRecordingPlayer>(html`<desktop-recording-player style="width: 400px" duration-hint="12"></desktop-recording-player>`);
    const canplay = nextEvent(element, 'canplay');
    element.src = `${linux}/webapi/sites/example/desktopplayback/${SESSION}/ws`;
    await canplay;
    expect([element.videoWidth, element.videoHeight]).to.deep.equal([800, 480]);
    // Ahead: the server fast-forwards; then back, and forward within what arrived.
    const targets = [8.2, 1.5, 6.3];
    const captures: Blob[] = [];
    for (const seconds of targets) {
      await seekTo(element, seconds);
      captures.push(await element.captureFrame());
    }
    // The reference takes its times in ascending order.
    const ascending = [...targets].sort((a, b) => a - b);
    const references = await sequentialScreens(bytes, ascending.map((seconds) => seconds * 1000));
    for (const [i, seconds] of targets.entries()) {
      const { pixels, first } = difference(await imageDataOf(captures[i]!), references[ascending.indexOf(seconds)]!);
      expect(pixels, `seek to ${seconds} s: first difference at ${first}`).to.equal(0);
    }
    expect(element.error).to.equal(null);
  });
});

describe('a screen update of a codec the player cannot draw', () => {
  /** Teleport's 1×1 QOIZ vector (a white pixel), drawn at (left, 0). */
  const whitePixelAt = (left: number): Uint8Array => {
    const pdu = Uint8Array.from([
      0, 59, 4, 54, 0, 1, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 11, 1, 0, 1, 0, 32, 0, 0, 0, 40, 181, 47, 253, 0, 88, 185, 0, 0, 113, 111, 105, 102,
      0, 0, 0, 1, 0, 0, 0, 1, 3, 0, 85, 0, 0, 0, 0, 0, 0, 0, 1,
    ]);
    pdu[7] = left; // destLeft
    pdu[11] = left + 1; // destRight
    return pdu;
  };
  /** Surface bits of codec 0x0C over the whole 4×4 screen. */
  const codec0C = Uint8Array.from([0, 31, 4, 26, 0, 1, 0, 0, 0, 0, 0, 4, 0, 4, 0, 0, 0, 0, 12, 4, 0, 4, 0, 4, 0, 0, 0, 1, 2, 3, 4]);

  function recording(): Uint8Array {
    const events: AuditEventInit[] = [];
    const screen = (timeMs: number, message: TdpMessage) =>
      events.push({
        case: 'desktopRecording',
        value: { metadata: { index: BigInt(events.length), type: 'desktop.recording', time: timestampOfMs(T0 + timeMs) }, tdpbMessage: encodeTdpb(message), delayMilliseconds: BigInt(timeMs) },
      });
    screen(0, { kind: 'connectionActivated', ioChannelId: 0, userChannelId: 0, screenWidth: 4, screenHeight: 4 });
    screen(0, { kind: 'fastPathPdu', data: whitePixelAt(0) });
    screen(1000, { kind: 'fastPathPdu', data: codec0C });
    screen(2000, { kind: 'fastPathPdu', data: whitePixelAt(2) });
    screen(3000, { kind: 'mouseMove', x: 1, y: 1 });
    return writeRecording(events);
  }

  it('is reported once (image-decode, partial, naming the codec and the time), hides nothing, and the rest plays', async () => {
    const element = await fixture<DesktopRecordingPlayer>(html`<desktop-recording-player></desktop-recording-player>`);
    let errors = 0;
    element.addEventListener('error', () => (errors += 1));
    const ready = nextEvent(element, 'canplaythrough');
    const url = blobUrl(recording());
    element.src = url;
    await ready;
    expect(element.error).to.include({ reason: 'image-decode', partial: true });
    expect(element.error!.message).to.contain('at 1 s').and.contain('codec id 0x0C');
    // Seeks across it, both ways, and playing over it: still one.
    for (const seconds of [2.5, 0.5, 1.5, 3]) {
      await seekTo(element, seconds);
      const screen = await imageDataOf(await element.captureFrame());
      const white = (x: number) => [...screen.data.subarray(x * 4, x * 4 + 4)];
      expect(white(0), `(0,0) at ${seconds} s`).to.deep.equal([255, 255, 255, 255]);
      expect(white(2), `(2,0) at ${seconds} s`).to.deep.equal(seconds >= 2 ? [255, 255, 255, 255] : [0, 0, 0, 255]);
    }
    await seekTo(element, 0);
    const ended = nextEvent(element, 'ended');
    element.playbackRate = 4;
    await element.play();
    await ended;
    expect(errors).to.equal(1);
    expect(element.getVideoPlaybackQuality().corruptedVideoFrames).to.equal(1);
    URL.revokeObjectURL(url);
  });
});
