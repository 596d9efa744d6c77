// Generated RemoteFX recordings (Teleport 15+ desktops with RemoteFX), for seeks whose islands
// cannot cover the screen.
import type { AuditEventInit } from '../../src/format/events.js';
import { encodeTdp } from '../../src/format/tdp.js';
import { UpdateCode, flatCoefficients, frameMarker, pduOf, rfxFrameBegin, rfxFrameEnd, rfxHeaders, rfxRegion, rfxTileset, surfaceBits } from '../fixtures/rdp/build.js';
import { desktopRecording, writeRecording } from './recording-bytes.js';
import { seededRandom } from './seeded-random.js';

/**
 * A 256×128 RemoteFX desktop: the header blocks and a frame of eight tiles in the session's first
 * message (the wallpaper row flat greys), then a top-row tile of random coefficients every 200 ms
 * for a minute, in parts of about 64 KB; the wallpaper is repainted once, lighter, at 20 s, and
 * never again. An island past 20 s reads parts that paint only the top row: it misses (and the
 * first message, which it replays for the header blocks, must not count for the wallpaper).
 */
export function remoteFxWallpaperOnce(): Uint8Array {
  const next = seededRandom(0x4f0c);
  const events: AuditEventInit[] = [];
  const rfx = (timeMs: number, frame: number, message: Uint8Array) =>
    events.push(
      desktopRecording(
        events.length,
        timeMs,
        encodeTdp({ kind: 'fastPathPdu', data: pduOf(UpdateCode.SurfaceCommands, concat(frameMarker(0, frame), surfaceBits({ left: 0, top: 0, width: 256, height: 128, codecId: 3, data: message }), frameMarker(1, frame))) }),
      ),
    );
  const zeros = () => new Int16Array(4096);
  const tile = (x: number, y: number, coefficients: () => ArrayLike<number>) => ({ x, y, y_: coefficients(), cb: coefficients(), cr: coefficients() });
  const randomCoefficients = () => Int16Array.from({ length: 4096 }, () => Math.round((next() - 0.5) * 24));
  const frameOf = (frame: number, tiles: ReturnType<typeof tile>[]) =>
    concat(rfxFrameBegin(frame), rfxRegion(tiles.map(({ x, y }) => [x * 64, y * 64, 64, 64])), rfxTileset(tiles), rfxFrameEnd());
  events.push(desktopRecording(0, 0, encodeTdp({ kind: 'connectionActivated', ioChannelId: 1003, userChannelId: 1004, screenWidth: 256, screenHeight: 128 })));
  const wallpaper = (lighter: number) => [0, 1, 2, 3].map((x) => ({ x, y: 1, y_: flatCoefficients(-8 + x * 30 + lighter), cb: zeros(), cr: zeros() }));
  rfx(0, 0, concat(rfxHeaders(256, 128), frameOf(0, [...wallpaper(0), ...[0, 1, 2, 3].map((x) => tile(x, 0, zeros))])));
  for (let frame = 1; frame <= 300; frame++) {
    rfx(frame * 200, frame, frameOf(frame, [tile((frame - 1) % 4, 0, randomCoefficients)]));
    if (frame === 100) rfx(frame * 200, frame, frameOf(frame, wallpaper(20)));
  }
  return writeRecording(events, { partSize: 64 * 1024 });
}

const concat = (...chunks: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.length, 0));
  chunks.reduce((at, chunk) => (out.set(chunk, at), at + chunk.length), 0);
  return out;
};
