import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FastPathDecoder, type PointerUpdate } from '../../src/core/fastpath/index.js';
import { ScreenTimeline, planReplay, type ScreenUpdate } from '../../src/core/screen-timeline.js';
import { UpdateCode, bitmapUpdate, fragmentedPdus, pduOf } from '../fixtures/rdp/build.js';
import { readCapture } from '../fixtures/rdp/captures.js';
import { loadFastPathDecoder } from '../../src/core/fastpath/load.js';

// Seek plans for fast-path recordings (planReplay culling painted-over updates), replayed on a
// decoder, against replaying every PDU in order: the same pixels, pointer shape and position, the
// same decoder state afterwards (so playback after the seek goes on exactly alike), at every PDU
// of every capture, from the start and from keyframes.

const RUNS = ['shadow-rfx', 'xrdp-rfx', 'shadow-planar32', 'shadow-interleaved16'];
const WIDTH = 1024;
const HEIGHT = 768;

function timelineOf(pdus: Uint8Array[], resizeAt: number[] = []): ScreenTimeline {
  const timeline = new ScreenTimeline();
  timeline.add({ kind: 'resize', timeMs: 0, width: WIDTH, height: HEIGHT });
  pdus.forEach((pdu, i) => {
    if (resizeAt.includes(i)) timeline.add({ kind: 'resize', timeMs: i + 1, width: WIDTH, height: HEIGHT });
    timeline.add(timeline.fastPath(i + 1, pdu, pdu));
  });
  return timeline;
}

interface Screen {
  decoder: FastPathDecoder;
  shape: PointerUpdate | undefined;
  position: PointerUpdate | undefined;
  pushed: number;
  painted: number;
}

function apply(screen: Screen, update: ScreenUpdate): void {
  if (update.kind === 'resize') {
    screen.decoder.reset(update.width, update.height);
    return;
  }
  if (update.kind !== 'fastpath') return;
  const output = screen.decoder.push(update.pdu as Uint8Array, { paint: !update.stateOnly, covered: update.covered });
  screen.pushed += 1;
  if (!update.stateOnly) screen.painted += 1;
  for (const pointer of output.pointers) {
    if (pointer.kind === 'position') screen.position = pointer;
    else screen.shape = pointer;
  }
}

const fresh = (): Screen => ({ decoder: new FastPathDecoder(WIDTH, HEIGHT), shape: undefined, position: undefined, pushed: 0, painted: 0 });

function assertSameScreen(actual: Screen, expected: Screen, where: string): void {
  // Buffer.compare: fast, and a failure names the place rather than dumping 3 MB.
  assert.equal(Buffer.compare(Buffer.from(actual.decoder.framebuffer.pixels), Buffer.from(expected.decoder.framebuffer.pixels)), 0, `${where}: pixels differ`);
  assert.deepEqual(actual.shape && describePointer(actual.shape), expected.shape && describePointer(expected.shape), `${where}: pointer shape`);
  assert.deepEqual(actual.position, expected.position, `${where}: pointer position`);
  assert.equal(actual.decoder.inFragment, expected.decoder.inFragment, `${where}: fragment run`);
  const a = actual.decoder.saveState();
  const e = expected.decoder.saveState();
  assert.deepEqual(a.remoteFx, e.remoteFx, `${where}: RemoteFX state`);
  assert.deepEqual(new Map(a.pointers), new Map(e.pointers), `${where}: pointer cache`);
}

const describePointer = (p: PointerUpdate) => (p.kind === 'shape' ? { kind: p.kind, cacheIndex: p.cacheIndex, pixels: Buffer.from(p.image.pixels).toString('base64') } : p);

// The timeline indexes fast-path updates with the scan from the decoder's chunk, loaded first as a player does.
await loadFastPathDecoder();

describe('fast-path seek plans (planReplay) against replaying every PDU', () => {
  for (const run of RUNS) {
    test(`${run}: from the start, to every PDU, then playing on`, () => {
      const pdus = readCapture(run);
      const timeline = timelineOf(pdus);
      const sequential = fresh();
      let pushed = 0;
      let painted = 0;
      for (let end = 1; end <= timeline.length; end++) {
        apply(sequential, timeline.at(end - 1));
        // Every 3rd position (and the last ones) keeps the run time reasonable; each is a full replay.
        if (end % 3 !== 0 && end < timeline.length - 3) continue;
        const seeked = fresh();
        for (const update of planReplay(timeline, 0, end, 0, 0)) apply(seeked, update);
        assertSameScreen(seeked, sequential, `${run} after ${end} updates`);
        pushed += seeked.pushed;
        painted += seeked.painted;
        // Playing on from there: the next few PDUs give the same screens (fragment runs, pointer cache, RemoteFX context).
        if (end % 30 === 0) {
          const reference = fresh();
          for (let i = 0; i < end; i++) apply(reference, timeline.at(i));
          for (let i = end; i < Math.min(end + 12, timeline.length); i++) {
            apply(seeked, timeline.at(i));
            apply(reference, timeline.at(i));
          }
          assertSameScreen(seeked, reference, `${run} playing on from ${end}`);
        }
      }
      assert.ok(painted < pushed);
    });

    test(`${run}: from keyframes (decoder state and pixels saved), forwards`, () => {
      const pdus = readCapture(run);
      const timeline = timelineOf(pdus);
      const sequential = fresh();
      const keyframes: Array<{ end: number; pixels: Uint8ClampedArray; state: ReturnType<FastPathDecoder['saveState']>; shape: PointerUpdate | undefined; position: PointerUpdate | undefined }> = [];
      for (let end = 1; end <= timeline.length; end++) {
        apply(sequential, timeline.at(end - 1));
        if (end % 24 === 0 && !sequential.decoder.inFragment) {
          keyframes.push({ end, pixels: sequential.decoder.framebuffer.pixels.slice(), state: sequential.decoder.saveState(), shape: sequential.shape, position: sequential.position });
        }
        const keyframe = [...keyframes].reverse().find((k) => k.end < end);
        if (!keyframe) continue;
        const seeked = fresh();
        seeked.decoder.restoreState(keyframe.state);
        seeked.decoder.framebuffer.pixels.set(keyframe.pixels);
        seeked.position = keyframe.position;
        const plan = planReplay(timeline, keyframe.end, end, WIDTH, HEIGHT);
        // The shape from before the keyframe (Scheduler.seek replays the last one; a plan's own shape updates come after).
        seeked.shape = keyframe.shape;
        for (const update of plan) apply(seeked, update);
        assertSameScreen(seeked, sequential, `${run} after ${end} updates from the keyframe at ${keyframe.end}`);
      }
    });
  }

  test('a resize in the range: state before it is kept, pixels are not', () => {
    const pdus = readCapture('shadow-rfx');
    const timeline = timelineOf(pdus, [80]);
    const sequential = fresh();
    for (let i = 0; i < timeline.length; i++) apply(sequential, timeline.at(i));
    const seeked = fresh();
    const plan = planReplay(timeline, 0, timeline.length, 0, 0);
    for (const update of plan) apply(seeked, update);
    assertSameScreen(seeked, sequential, 'after the resize');
    // The RemoteFX header message before the resize comes back for its state only.
    const resize = plan.findIndex((u) => u.kind === 'resize' && u.timeMs > 1);
    assert.ok(plan.slice(0, resize).every((u) => u.kind !== 'fastpath' || u.stateOnly));
  });

  test('a fragment run is kept or dropped whole, and an open one at the target is kept', () => {
    const bitmap = (left: number, top: number, size: number, value: number) =>
      bitmapUpdate([{ left, top, width: size, height: size, bpp: 32, compressed: false, data: new Uint8Array(size * size * 4).fill(value) }]);
    const small = pduOf(UpdateCode.Bitmap, bitmap(0, 0, 64, 0x40));
    const run = fragmentedPdus(UpdateCode.Bitmap, bitmap(0, 0, 128, 0x80), 4000);
    const cover = pduOf(UpdateCode.Bitmap, bitmap(64, 0, 64, 0xc0));
    const timeline = timelineOf([small, ...run, cover]);
    const plan = planReplay(timeline, 0, timeline.length, 0, 0);
    // The run paints (0,0)–(128,128); the small bitmap under it is dropped; the run is kept whole.
    const kept = plan.filter((u) => u.kind === 'fastpath' && !u.stateOnly).map((u) => u.timeMs);
    assert.deepEqual(kept, [...run.map((_, i) => i + 2), run.length + 2]);
    // Seeking into the middle of the run: its first fragments are kept (stateOnly: they paint nothing yet).
    const middle = planReplay(timeline, 0, 1 + 1 + 2, 0, 0).filter((u) => u.kind === 'fastpath');
    assert.equal(middle.length, 3);
    assert.ok(middle.slice(1).every((u) => u.kind === 'fastpath' && u.stateOnly));
  });
  test('a PDU\'s bytes may be reused once push returns (the keyframe builder reads PDUs into one buffer): the same screens and state as pushing copies', () => {
    // Varied bitmaps in fragment runs (their fragments must outlive the PDUs that carry them), between whole updates.
    const bitmap = (left: number, size: number, seed: number) =>
      bitmapUpdate([{ left, top: 0, width: size, height: size, bpp: 32, compressed: false, data: Uint8Array.from({ length: size * size * 4 }, (_, i) => (i * 31 + seed * 17) & 0xff) }]);
    const fragmented = [
      pduOf(UpdateCode.Bitmap, bitmap(0, 64, 1)),
      ...fragmentedPdus(UpdateCode.Bitmap, bitmap(64, 128, 2), 3000),
      pduOf(UpdateCode.Bitmap, bitmap(200, 32, 3)),
      ...fragmentedPdus(UpdateCode.Bitmap, bitmap(300, 96, 4), 1000),
    ];
    for (const [name, pdus] of [...RUNS.map((run) => [run, readCapture(run)] as const), ['fragment runs', fragmented] as const]) {
      const copies = fresh();
      const reused = fresh();
      let buffer = new Uint8Array(0);
      pdus.forEach((pdu, index) => {
        copies.decoder.push(pdu.slice());
        if (buffer.length < pdu.length) buffer = new Uint8Array(pdu.length);
        buffer.set(pdu);
        reused.decoder.push(buffer.subarray(0, pdu.length));
        // The next read fills the buffer again.
        buffer.fill(0xa5);
        assert.equal(reused.decoder.inFragment, copies.decoder.inFragment, `${name}: fragment run after PDU ${index}`);
      });
      assertSameScreen(reused, copies, `${name} after ${pdus.length} PDUs`);
    }
  });
});
