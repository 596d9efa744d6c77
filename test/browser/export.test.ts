// exportVideo(): ranges of the committed samples rendered in the worker, encoded with WebCodecs and
// muxed by mediabunny, then demuxed and decoded again with mediabunny and checked against the
// recording: duration, frame count (the VFR rule), size, and pixels against captureFrame().
import { expect, fixture, html } from '@open-wc/testing';
import { ALL_FORMATS, BlobSource, EncodedPacketSink, Input, VideoSampleSink, type InputVideoTrack } from 'mediabunny';
import '../../src/define.js';
import type { DesktopRecordingPlayer } from '../../src/index.js';
import { RecordingReader, pumpRecording } from '../../src/format/reader.js';
import { TimelineBuilder } from '../../src/format/timeline.js';
import { nextEvent } from '../helpers/next-event.js';

const SAMPLE = '/demo/recordings/6c0e1e5a-8d6b-4a51-9a0c-2f4b1c7d0720.tar'; // 1280×720, 2 min

interface Change {
  timeMs: number;
  /** Set for pointer moves. */
  pointer?: { x: number; y: number };
}

/** Every moment the exported picture can change (tiles, screen size, pointer moves), in file order. */
async function changesOf(url: string): Promise<Change[]> {
  const bytes = new Uint8Array(await (await fetch(url)).arrayBuffer());
  const builder = new TimelineBuilder();
  const changes: Change[] = [];
  const take = (placed: ReturnType<TimelineBuilder['add']>) => {
    for (const { timeMs, tdp } of placed) {
      if (tdp?.kind === 'mouseMove') changes.push({ timeMs, pointer: { x: tdp.x, y: tdp.y } });
      else if (tdp && ['pngFrame', 'png2Frame', 'screenSpec', 'fastPathPdu', 'connectionActivated'].includes(tdp.kind)) changes.push({ timeMs });
    }
  };
  await pumpRecording(new RecordingReader(), bytes, (events) => events.forEach((event) => take(builder.add(event))));
  take(builder.finish());
  return changes;
}

/**
 * The frame times (ms from the range's start) the README's rule gives: one at 0; then one at each
 * change, but never within 1/fps of the previous frame (changes in between go in the next one);
 * and one 1/fps before the end when the last frame is earlier than that.
 */
function expectedFrameTimes(changes: Change[], startMs: number, endMs: number, fps: number): number[] {
  const interval = 1000 / fps;
  const durationMs = endMs - startMs;
  const times = [0];
  let last = 0;
  for (const { timeMs } of changes) {
    if (timeMs <= startMs || timeMs > endMs) continue;
    const change = timeMs - startMs;
    if (change <= last) continue;
    const time = Math.max(change, last + interval);
    if (time >= durationMs) break;
    times.push(time);
    last = time;
  }
  if (last < durationMs - interval) times.push(durationMs - interval);
  return times;
}

async function loadedPlayer(src: string, idleLimit = 0): Promise<DesktopRecordingPlayer> {
  const element = await fixture<DesktopRecordingPlayer>(html`<desktop-recording-player style="width: 480px" idle-limit=${idleLimit}></desktop-recording-player>`);
  const ready = nextEvent(element, 'canplaythrough');
  element.src = src;
  await ready;
  // A load that fails part way ends there too (canplaythrough after the error): the ranges exported here must have loaded.
  expect(element.error?.message ?? null, `the recording loaded whole (${element.buffered.end(0)} s)`).to.equal(null);
  return element;
}

interface Demuxed {
  input: Input;
  track: InputVideoTrack;
  /** The duration the file declares (MP4 `mvhd`, WebM Segment `Duration`), which players show. */
  durationS: number;
  /** The end of the last frame as the demuxer computes it from the packets (a WebM block carries no duration: its timestamp). */
  lastPacketEndS: number;
  timestampsS: number[];
  /** Packets in the file: as many as decoded frames, unless the decoder lost some. */
  packets: number;
  sink: VideoSampleSink;
}

async function demux(blob: Blob): Promise<Demuxed> {
  const input = new Input({ source: new BlobSource(blob), formats: ALL_FORMATS });
  const track = (await input.getPrimaryVideoTrack())!;
  const sink = new VideoSampleSink(track);
  const timestampsS: number[] = [];
  for await (const sample of sink.samples()) {
    timestampsS.push(sample.timestamp);
    sample.close();
  }
  let packets = 0;
  for await (const _ of new EncodedPacketSink(track).packets()) packets += 1;
  const lastPacketEndS = await input.computeDuration();
  return { input, track, durationS: (await input.getDurationFromMetadata()) ?? lastPacketEndS, lastPacketEndS, timestampsS, packets, sink };
}

/**
 * PSNR in dB of `actual` against `expected` over RGB, leaving out `mask` (the pointer, which the
 * export draws and captureFrame() leaves out).
 */
function psnr(actual: ImageData, expected: ImageData, mask?: { left: number; top: number; right: number; bottom: number }): number {
  let squares = 0;
  let count = 0;
  for (let y = 0; y < actual.height; y++) {
    for (let x = 0; x < actual.width; x++) {
      if (mask && x >= mask.left && x < mask.right && y >= mask.top && y < mask.bottom) continue;
      const offset = (y * actual.width + x) * 4;
      for (let channel = 0; channel < 3; channel++) squares += (actual.data[offset + channel]! - expected.data[offset + channel]!) ** 2;
      count += 3;
    }
  }
  return squares === 0 ? Infinity : 10 * Math.log10((255 * 255 * count) / squares);
}

/** What `draw` paints on a `width`×`height` canvas, scaled the way the export scales the screen. */
function pixels(width: number, height: number, draw: (context: OffscreenCanvasRenderingContext2D) => void): ImageData {
  const context = new OffscreenCanvas(width, height).getContext('2d', { willReadFrequently: true })!;
  context.imageSmoothingQuality = 'high';
  draw(context);
  return context.getImageData(0, 0, width, height);
}

describe('exportVideo()', () => {
  let changes: Change[];
  before(async () => {
    changes = await changesOf(SAMPLE);
  });

  it('renders a range to H.264 in MP4: duration, VFR frame count, width, and pixels matching captureFrame()', async () => {
    const element = await loadedPlayer(SAMPLE);
    const [start, end, fps, width] = [18, 26, 30, 640];
    const fractions: number[] = [];
    const blob = await element.exportVideo({ start, end, width, fps, onProgress: (fraction) => fractions.push(fraction) });
    expect(blob.type).to.equal('video/mp4');
    expect(fractions.length).to.be.greaterThan(1);
    expect(fractions.at(-1)).to.equal(1);
    expect([...fractions].sort((a, b) => a - b)).to.deep.equal(fractions);

    const video = await demux(blob);
    expect(await video.track.getCodec()).to.equal('avc');
    expect([video.track.displayWidth, video.track.displayHeight]).to.deep.equal([640, 360]);
    expect(video.durationS).to.be.closeTo(end - start, 0.002);
    expect(video.lastPacketEndS).to.be.closeTo(end - start, 0.002);
    const expected = expectedFrameTimes(changes, start * 1000, end * 1000, fps);
    expect(video.timestampsS.length).to.equal(expected.length);
    // Timestamps at the change times (to the container's time scale), never closer than 1/fps.
    for (const [index, timestamp] of video.timestampsS.entries()) expect(timestamp * 1000).to.be.closeTo(expected[index]!, 0.1);
    // VFR, not a constant rate: far fewer frames than 30 a second over this range.
    expect(expected.length).to.be.lessThan((end - start) * fps);

    // Frames stamped at a change (whole milliseconds): the player shows the same moment after a seek there.
    const atChanges = expected.map((timeMs, index) => ({ timeMs, index })).filter(({ timeMs }) => Number.isInteger(timeMs) && timeMs > 0);
    const picks = [atChanges[Math.floor(atChanges.length / 3)]!, atChanges[Math.floor((2 * atChanges.length) / 3)]!];
    for (const { timeMs } of picks) {
      const seeked = nextEvent(element, 'seeked');
      element.currentTime = start + timeMs / 1000;
      await seeked;
      const frame = await createImageBitmap(await element.captureFrame());
      const reference = pixels(640, 360, (context) => context.drawImage(frame, 0, 0, 640, 360));
      frame.close();
      // Half a millisecond on: the container may round the timestamp (frames are ≥ 33 ms apart).
      const sample = (await video.sink.getSample(timeMs / 1000 + 0.0005))!;
      const decoded = pixels(640, 360, (context) => sample.draw(context, 0, 0, 640, 360));
      sample.close();
      // The arrow (tip at the last pointer position, 16×23 px at full size) is in the export only.
      const pointer = changes.filter((change) => change.pointer && change.timeMs <= start * 1000 + timeMs).at(-1)?.pointer;
      const mask = pointer && { left: Math.floor((pointer.x - 4) / 2), top: Math.floor((pointer.y - 4) / 2), right: Math.ceil((pointer.x + 18) / 2), bottom: Math.ceil((pointer.y + 25) / 2) };
      const db = psnr(decoded, reference, mask);
      console.log(`PSNR at ${start + timeMs / 1000} s: ${db.toFixed(1)} dB`);
      expect(db).to.be.greaterThan(30);
    }
    video.input.dispose();
  });

  it('writes VP9 in WebM where asked', async () => {
    const element = await loadedPlayer(SAMPLE);
    const [start, end] = [80, 83];
    const loadedWhenAsked = element.buffered.end(0);
    const blob = await element.exportVideo({ start, end, width: 320, type: 'video/webm;codecs=vp9' });
    expect(blob.type).to.equal('video/webm');
    const video = await demux(blob);
    expect(await video.track.getCodec()).to.equal('vp9');
    expect([video.track.displayWidth, video.track.displayHeight]).to.deep.equal([320, 180]);
    expect(video.durationS).to.be.closeTo(end - start, 0.002);
    // The last frame repeats the screen 1/fps before the end.
    expect(video.timestampsS.at(-1)).to.be.closeTo(end - start - 1 / 30, 0.002);
    // Once, under load, only the first and last frames came out: say where it went wrong if it does again.
    const frames = `${video.packets} packets, ${video.timestampsS.length} decoded, ${loadedWhenAsked} s loaded when asked`;
    expect(video.timestampsS.length, frames).to.equal(expectedFrameTimes(changes, start * 1000, end * 1000, 30).length);
    video.input.dispose();
  });

  it('shortens quiet gaps as playback does when idle-limit is set', async () => {
    const element = await loadedPlayer(SAMPLE, 1);
    const blob = await element.exportVideo({ start: 55, end: 75, width: 160, fps: 10 });
    const video = await demux(blob);
    // 20 s of an almost still screen (a caret blinking) play in far less.
    expect(video.durationS).to.be.greaterThan(0.5);
    expect(video.durationS).to.be.lessThan(10);
    video.input.dispose();
  });

  it('is cancelled through its AbortSignal: it rejects with an AbortError', async () => {
    const element = await loadedPlayer(SAMPLE);
    const controller = new AbortController();
    const exporting = element.exportVideo({ width: 320, signal: controller.signal, onProgress: () => controller.abort() });
    const error = await exporting.then(() => undefined, (reason: unknown) => reason);
    expect(error).to.be.instanceOf(DOMException);
    expect((error as DOMException).name).to.equal('AbortError');
    // The player plays on, and the next export works.
    const blob = await element.exportVideo({ start: 1, end: 2, width: 160 });
    expect(blob.size).to.be.greaterThan(0);
  });

  it('exports from the controls with progress shown, here a fast-path (RemoteFX) recording', async () => {
    const element = await fixture<DesktopRecordingPlayer>(html`<desktop-recording-player controls style="width: 480px"></desktop-recording-player>`);
    const ready = nextEvent(element, 'canplaythrough');
    element.src = '/demo/recordings/3b8e5d10-7c2a-4f61-9e0b-15a0c0de0003.tar';
    await ready;
    await element.updateComplete;
    const part = (name: string) => element.shadowRoot!.querySelector<HTMLElement>(`[part~='${name}']`);
    const until = async (holds: () => boolean) => {
      for (let waited = 0; !holds(); waited += 20) {
        if (waited > 60_000) throw new Error('timed out');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    };
    part('export-button')!.click();
    await until(() => part('export-progress') !== null);
    expect(part('export-button')!.getAttribute('aria-pressed')).to.equal('true');
    await until(() => part('export-progress') === null);
    expect(part('toast')!.textContent!.trim()).to.equal('Video exported');
  });

  it('refuses a range past where a load that failed part way stopped, and exports one before it', async () => {
    // Damaged in the middle: the load stops there with a partial error, while the end of the file still gives the whole length.
    const bytes = new Uint8Array(await (await fetch(SAMPLE)).arrayBuffer());
    for (let offset = 0; offset < 64; offset++) bytes[Math.floor(bytes.length / 2) + offset]! ^= 0x5a;
    const element = await fixture<DesktopRecordingPlayer>(html`<desktop-recording-player style="width: 480px"></desktop-recording-player>`);
    const ended = nextEvent(element, 'canplaythrough');
    const url = URL.createObjectURL(new Blob([bytes]));
    element.src = url;
    await ended;
    URL.revokeObjectURL(url);
    expect(element.error?.partial, 'a partial error').to.equal(true);
    expect([element.buffered.end(0) < 80, element.duration > 83], 'loaded short of the range, which the known length holds').to.deep.equal([true, true]);
    const refused = await element.exportVideo({ start: 80, end: 83, width: 160 }).then((blob) => `a video of ${blob.size} bytes`, (error: unknown) => error);
    expect((refused as DOMException).name, String(refused)).to.equal('InvalidStateError');
    expect((refused as DOMException).message).to.match(/could not be loaded past/);
    const video = await demux(await element.exportVideo({ start: 1, end: 2, width: 160 }));
    expect(video.durationS).to.be.closeTo(1, 0.002);
    video.input.dispose();
  });

  it('rejects a type it cannot write with a NotSupportedError', async () => {
    const element = await loadedPlayer(SAMPLE);
    for (const type of ['video/x-flv', 'video/mp4;codecs=theora', 'video/webm;codecs=avc1']) {
      const error = await element.exportVideo({ start: 0, end: 1, type }).then(() => undefined, (reason: unknown) => reason);
      expect((error as DOMException | undefined)?.name, type).to.equal('NotSupportedError');
    }
  });
});
