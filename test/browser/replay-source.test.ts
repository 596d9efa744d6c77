// What a renderer of its own (video export, hover thumbnail, keyframe build) reads from the session:
// the replay source of one load. Its work can still be running when a new load starts (an export
// decodes its next tile before it sees the cancel); it must then read its own load's tile bytes,
// never the same place in the new load's store, which holds another recording's tiles.
import { expect } from '@open-wc/testing';
import { PlaybackSession } from '../../src/core/session.js';
import type { ReplaySource } from '../../src/core/renderer.js';
import type { ScreenUpdate } from '../../src/core/screen-timeline.js';
import { Preload } from '../../src/playback-state.js';
import { screenRecording, type Rgb } from '../helpers/screen-recording.js';

const RED: Rgb = [220, 30, 30];
const BLUE: Rgb = [30, 60, 220];

/** Recordings laid out alike (the same tiles at the same times, so at the same places in their stores), in different colours. */
const recordingIn = (color: Rgb) =>
  screenRecording([
    { timeMs: 0, screen: { width: 128, height: 64 } },
    { timeMs: 0, tile: { left: 0, top: 0, color } },
    { timeMs: 500, tile: { left: 64, top: 0, color } },
  ]);

async function colorOf(decoded: CanvasImageSource & { close(): void }): Promise<Rgb> {
  const context = new OffscreenCanvas(64, 64).getContext('2d', { willReadFrequently: true })!;
  context.drawImage(decoded, 0, 0);
  decoded.close();
  const [r, g, b] = context.getImageData(10, 10, 1, 1).data;
  return [r!, g!, b!];
}

const near = (color: Rgb, expected: Rgb) => color.every((value, index) => Math.abs(value - expected[index]!) <= 6);

describe('a load\'s replay source', () => {
  it('decodes that load\'s tiles after a new load started, never the new recording\'s', async () => {
    let loaded: (() => void) | undefined;
    const session = new PlaybackSession({ emit: (name) => name === 'canplaythrough' && loaded?.() });
    const load = async (bytes: Uint8Array) => {
      const done = new Promise<void>((resolve) => (loaded = resolve));
      session.load({ source: bytes, preload: Preload.Auto, autoplay: false, loop: false, startAtMs: 0, playbackRate: 1, idleLimitMs: 0, durationHintMs: 0 });
      await done;
    };
    // The session hands its replay source only to the renderers of exports, thumbnails and keyframe builds.
    const replaySource = () => (session as unknown as { replaySource(): ReplaySource }).replaySource();
    const firstTile = (source: ReplaySource) => source.timeline.at(1) as Extract<ScreenUpdate, { kind: 'tile' }>;
    try {
      // (A blue tile's PNG is a few bytes longer than a red one's: the blue load's first tile, read at the red
      // load's store, would be the red PNG and the start of the next one, which decodes as red.)
      await load(await recordingIn(BLUE));
      const first = replaySource();
      const tileOfFirst = firstTile(first);
      expect(tileOfFirst.kind).to.equal('tile');
      expect(near(await colorOf(await first.decodeTile(tileOfFirst.png)), BLUE), 'the first load\'s tile, while it is current').to.equal(true);

      await load(await recordingIn(RED));
      const second = replaySource();
      const tileOfSecond = firstTile(second);
      expect(near(await colorOf(await second.decodeTile(tileOfSecond.png)), RED), 'the new load\'s own tile').to.equal(true);
      expect(tileOfSecond.png, 'the new load\'s tile is where the first load\'s was in its store').to.deep.include({ segment: 0, offset: 0 });
      expect(tileOfFirst.png).to.deep.include({ segment: 0, offset: 0 });
      // The first load's bytes went with it: its tile is its own colour or cannot be read, never the new one's.
      const late = await first.decodeTile(tileOfFirst.png).then(colorOf, () => 'unreadable' as const);
      expect(late === 'unreadable' || near(late, BLUE), `the first load's tile read after the new load started: ${late}`).to.equal(true);
    } finally {
      session.dispose();
    }
  });
});
