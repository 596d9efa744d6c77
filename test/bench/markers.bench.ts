// Runs in headless Chromium (see test/tools/bench.mjs): loads a recording with many alert markers
// into the built player, against a recording of the same screen and length without them, and
// times `loadedmetadata` and `canplaythrough`. Node samples the renderer's memory meanwhile.
import { encodeTdp } from '../../src/format/tdp.js';
import { desktopRecording, mouseMove, writeRecording } from '../helpers/recording-bytes.js';
import { screenMessages } from '../helpers/screen-recording.js';
import { createPlayer, epochNow, once, type Player } from './bench-util.js';

/** As in the element's 100,000-marker test: one alert every 36 ms, one hour. */
const STEP_MS = 36;

export interface MarkerLoad {
  /** Epoch ms: `src` set, `loadedmetadata`, `canplaythrough`. */
  srcSetAt: number;
  loadedMetadataAt: number;
  canPlayThroughAt: number;
  durationS: number;
}

/** The player the last `runMarkerLoad` loaded. */
let loaded: Player | undefined;

/**
 * A 128×64 screen with one tile, then `alerts` alerts one every STEP_MS, or (with 0) nothing but
 * one pointer move at `lengthAlerts` × STEP_MS: the same length; in base64. With `moves`, pointer
 * moves instead of the alerts: as many events, none a marker. The bench serves it as a file to
 * pages that never made it, so making it counts in neither the load's time nor its memory.
 */
export async function makeMarkerRecording(alerts: number, lengthAlerts: number, moves = false): Promise<string> {
  const lengthMs = STEP_MS * lengthAlerts;
  const screen = await screenMessages([{ timeMs: 0, screen: { width: 128, height: 64 } }, { timeMs: 0, tile: { left: 0, top: 0, color: [200, 0, 0] } }]);
  const events = screen.map(({ message }, index) => desktopRecording(index, 0, encodeTdp(message)));
  for (let i = 0; i < alerts; i++) {
    events.push(desktopRecording(events.length, STEP_MS * (i + 1), moves ? mouseMove(i % 128, i % 64) : encodeTdp({ kind: 'alert', message: `Alert ${i}`, severity: 1 })));
  }
  if (alerts === 0) events.push(desktopRecording(events.length, lengthMs, mouseMove(1, 1)));
  const bytes = writeRecording(events);
  let binary = '';
  for (let at = 0; at < bytes.length; at += 0x8000) binary += String.fromCharCode(...bytes.subarray(at, at + 0x8000));
  return btoa(binary);
}

/** Loads the recording at `url` (one `makeMarkerRecording` made) into a new player and waits for `canplaythrough`. */
export async function runMarkerLoad(url: string): Promise<MarkerLoad> {
  const player = await createPlayer();
  const metadata = once(player, 'loadedmetadata', 120_000).then(epochNow);
  const canPlayThrough = once(player, 'canplaythrough', 120_000).then(epochNow);
  const srcSetAt = epochNow();
  player.src = url;
  const [loadedMetadataAt, canPlayThroughAt] = await Promise.all([metadata, canPlayThrough]);
  loaded = player;
  return { srcSetAt, loadedMetadataAt, canPlayThroughAt, durationS: player.duration };
}

/** The first read of `markers` of the player `runMarkerLoad` loaded (it builds every marker the page sees): its count and time. */
export function readMarkers(): { markers: number; ms: number } {
  const started = performance.now();
  const markers = (loaded as unknown as { markers: readonly unknown[] }).markers.length;
  return { markers, ms: performance.now() - started };
}

Object.assign(globalThis, { makeMarkerRecording, runMarkerLoad, readMarkers });
