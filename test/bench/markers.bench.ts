// Runs in headless Chromium (see test/tools/bench.mjs): loads a recording with many alert markers
// into the built player, against a recording of the same screen and length without them, and
// times `loadedmetadata` and `canplaythrough`. Node samples the renderer's memory meanwhile.
import { encodeTdp } from '../../src/format/tdp.js';
import { desktopRecording, mouseMove, writeRecording } from '../helpers/recording-bytes.js';
import { screenMessages } from '../helpers/screen-recording.js';
import { createPlayer, epochNow, once } from './bench-util.js';

/** As in the element's 100,000-marker test: one alert every 36 ms, one hour. */
const STEP_MS = 36;

export interface MarkerLoad {
  /** Epoch ms: `src` set, `loadedmetadata`, `canplaythrough`. */
  srcSetAt: number;
  loadedMetadataAt: number;
  canPlayThroughAt: number;
  markers: number;
  durationS: number;
  bytes: number;
}

const made = new Map<number, { url: string; bytes: number }>();

/**
 * A 128×64 screen with one tile, then `alerts` alerts one every STEP_MS, or (with 0) nothing but
 * one pointer move at `lengthAlerts` × STEP_MS: the same length. Call before `runMarkerLoad`, so
 * making it counts in neither its time nor its memory.
 */
export async function makeMarkerRecording(alerts: number, lengthAlerts: number): Promise<number> {
  const lengthMs = STEP_MS * lengthAlerts;
  const screen = await screenMessages([{ timeMs: 0, screen: { width: 128, height: 64 } }, { timeMs: 0, tile: { left: 0, top: 0, color: [200, 0, 0] } }]);
  const events = screen.map(({ message }, index) => desktopRecording(index, 0, encodeTdp(message)));
  for (let i = 0; i < alerts; i++) events.push(desktopRecording(events.length, STEP_MS * (i + 1), encodeTdp({ kind: 'alert', message: `Alert ${i}`, severity: 1 })));
  if (alerts === 0) events.push(desktopRecording(events.length, lengthMs, mouseMove(1, 1)));
  const bytes = writeRecording(events);
  made.set(alerts, { url: URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>])), bytes: bytes.length });
  return bytes.length;
}

/** Loads the recording `makeMarkerRecording` made into a new player and waits for `canplaythrough`. */
export async function runMarkerLoad(alerts: number): Promise<MarkerLoad> {
  const recording = made.get(alerts);
  if (!recording) throw new Error(`no recording with ${alerts} alerts: call makeMarkerRecording first`);
  const { url, bytes } = recording;
  const player = await createPlayer();
  const metadata = once(player, 'loadedmetadata', 120_000).then(epochNow);
  const canPlayThrough = once(player, 'canplaythrough', 120_000).then(epochNow);
  const srcSetAt = epochNow();
  player.src = url;
  const [loadedMetadataAt, canPlayThroughAt] = await Promise.all([metadata, canPlayThrough]);
  const markers = (player as unknown as { markers: unknown[] }).markers.length;
  return { srcSetAt, loadedMetadataAt, canPlayThroughAt, markers, durationS: player.duration, bytes };
}

Object.assign(globalThis, { makeMarkerRecording, runMarkerLoad });
