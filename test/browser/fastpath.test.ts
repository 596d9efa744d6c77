// Teleport 15+ recordings: the demo samples made from real RDP fast-path captures
// (demo/generate-rdp-samples.ts) play in the element, and after seeking both ways the captured
// screen equals the RDP client's own screenshot at that point (test/fixtures/rdp/captures).
import { expect, fixture, html } from '@open-wc/testing';
import '../../src/define.js';
import type { DesktopRecordingPlayer } from '../../src/index.js';
import { sequentialScreens } from '../helpers/fastpath-reference.js';
import { difference, imageDataOf } from '../helpers/reference-screen.js';
import { eventually, nextEvent } from '../helpers/next-event.js';
import { watchKeyframes } from '../helpers/engine-messages.js';
import { until } from './element-fixtures.js';

const RECORDINGS = [
  { run: 'shadow-rfx', sessionId: '3b8e5d10-7c2a-4f61-9e0b-15a0c0de0003', tolerance: 2 },
  { run: 'xrdp-rfx', sessionId: '7d41c2e8-0f3b-4a95-8b6c-24b0c0de0003', tolerance: 2 },
  { run: 'shadow-planar32', sessionId: 'a5f09e37-61d4-4c28-9d7a-33c0c0de0001', tolerance: 0 },
  { run: 'shadow-interleaved16', sessionId: 'c2d7b8a4-95e3-4b1f-8a60-42d0c0de0001', tolerance: 0 },
];

interface Shot {
  name: string;
  client: string;
  fastpath_pdus_before: number;
}


/** Times of the capture's PDUs, as the recording holds them (whole ms since the first PDU). */
async function pduTimes(run: string): Promise<number[]> {
  const response = await fetch(`/test/fixtures/rdp/captures/${run}/fastpath.jsonl.gz`);
  const text = await new Response(response.body!.pipeThrough(new DecompressionStream('gzip'))).text();
  return text.trim().split('\n').map((line) => Math.round((JSON.parse(line) as { t_ms: number }).t_ms));
}

/** A screenshot's pixels as stored: its gAMA/cHRM/iCCP/sRGB chunks would make the browser change them. */
async function groundTruth(path: string): Promise<ImageData> {
  const png = new Uint8Array(await (await fetch(path)).arrayBuffer());
  const view = new DataView(png.buffer);
  const kept: Uint8Array[] = [png.subarray(0, 8)];
  for (let at = 8; at + 8 <= png.length; ) {
    const end = at + 12 + view.getUint32(at);
    const type = String.fromCharCode(...png.subarray(at + 4, at + 8));
    if (!['gAMA', 'cHRM', 'iCCP', 'sRGB'].includes(type)) kept.push(png.subarray(at, end));
    at = end;
  }
  return imageDataOf(new Blob(kept as Uint8Array<ArrayBuffer>[], { type: 'image/png' }));
}

/** Pixels whose colour differs by more than `tolerance` in some channel. */
function pixelsOff(actual: ImageData, expected: ImageData, tolerance: number): number {
  expect([actual.width, actual.height]).to.deep.equal([expected.width, expected.height]);
  let off = 0;
  for (let at = 0; at < actual.data.length; at += 4) {
    for (let channel = 0; channel < 3; channel++) {
      if (Math.abs(actual.data[at + channel]! - expected.data[at + channel]!) > tolerance) {
        off += 1;
        break;
      }
    }
  }
  return off;
}

for (const recording of RECORDINGS) {
  describe(`Teleport 15+ recording ${recording.run}`, () => {
    it('plays, and after seeks both ways (from keyframes) shows the RDP client’s screens', async () => {
      const shots = (await (await fetch(`/test/fixtures/rdp/captures/${recording.run}/shots.jsonl`)).text())
        .trim().split('\n').map((line) => JSON.parse(line) as Shot).filter((shot) => shot.name !== 't00_initial');
      const times = await pduTimes(recording.run);
      const element = await fixture<DesktopRecordingPlayer>(html`<desktop-recording-player style="width: 512px"></desktop-recording-player>`);
      const ready = nextEvent(element, 'canplaythrough');
      const keyframes = watchKeyframes();
      element.src = `/demo/recordings/${recording.sessionId}.tar`;
      await ready;
      keyframes.stop();
      expect([element.videoWidth, element.videoHeight]).to.deep.equal([1024, 768]);
      element.playbackRate = 16;
      await element.play();
      await eventually(element, 'timeupdate', () => element.currentTime >= 8, 'playing at 16× past 8 s');
      element.pause();
      // The background keyframes (decoder state + screen every 24 updates) cover the whole
      // recording: the seeks below start from them, not from the first update.
      await until(() => keyframes.progress.caughtUp && element.readyState === 4, 'keyframes cover the recording', 60_000);
      expect(keyframes.progress.count).to.be.greaterThan(0);
      // Latest shot first, then back to the earlier one: both directions.
      for (const shot of [...shots].reverse()) {
        const seeked = nextEvent(element, 'seeked');
        element.currentTime = times[shot.fastpath_pdus_before - 1]! / 1000;
        await seeked;
        const screen = await imageDataOf(await element.captureFrame());
        const off = pixelsOff(screen, await groundTruth(`/test/fixtures/rdp/captures/${recording.run}/${shot.client}`), recording.tolerance);
        expect(off, `${shot.name}: pixels off by more than ${recording.tolerance}`).to.equal(0);
      }
      expect(element.error).to.equal(null);
    });

    it('after seeks both ways, right after loading and once keyframes exist, equals replaying every update', async () => {
      const url = `/demo/recordings/${recording.sessionId}.tar`;
      const bytes = new Uint8Array(await (await fetch(url)).arrayBuffer());
      const element = await fixture<DesktopRecordingPlayer>(html`<desktop-recording-player style="width: 512px"></desktop-recording-player>`);
      const ready = nextEvent(element, 'canplaythrough');
      const keyframes = watchKeyframes();
      element.src = url;
      await ready;
      keyframes.stop();
      // Targets fall anywhere: inside fragment runs, between RemoteFX frame begin/end PDUs, on pointer updates.
      const rounds = [
        { label: 'right after loading', targets: [17.3, 3.05, 12.71, 19.9, 0.4, 8.23, 15.02] },
        { label: 'with keyframes', targets: [18.61, 6.5, 13.33, 1.2, 19.4, 9.97] },
      ];
      const captures: Array<{ label: string; timeMs: number; frame: Blob }> = [];
      for (const [round, { label, targets }] of rounds.entries()) {
        if (round === 1) {
          // The background keyframes (decoder state + screen every 24 updates) cover the whole recording.
          await until(() => keyframes.progress.caughtUp && element.readyState === 4, 'keyframes cover the recording', 60_000);
          expect(keyframes.progress.count).to.be.greaterThan(0);
        }
        for (const seconds of targets) {
          const seeked = nextEvent(element, 'seeked');
          element.currentTime = seconds;
          await seeked;
          captures.push({ label: `${label}: seek to ${seconds} s`, timeMs: Math.round(element.currentTime * 1e6) / 1e3, frame: await element.captureFrame() });
        }
      }
      const order = captures.map((_, index) => index).sort((a, b) => captures[a]!.timeMs - captures[b]!.timeMs);
      const references = await sequentialScreens(bytes, order.map((index) => captures[index]!.timeMs));
      const mismatches: string[] = [];
      for (const [rank, index] of order.entries()) {
        const { pixels, first } = difference(await imageDataOf(captures[index]!.frame), references[rank]!);
        if (pixels > 0) mismatches.push(`${captures[index]!.label}: ${pixels} pixels differ, first at ${first}`);
      }
      expect(mismatches).to.deep.equal([]);
      expect(element.error).to.equal(null);
    });
  });
}
