// Runs in headless Chromium (see test/tools/bench.mjs): video export of the built player on the
// committed 1080p sample — H.264 at the recorded 1920×1080, the whole recording and a 1-minute
// clip — against the baseline, measured in the same run, of a bare VideoEncoder encoding the very
// frames the export produced (decoded back from its file), with the same codec and backpressure.
import { ALL_FORMATS, BlobSource, Input, VideoSampleSink } from 'mediabunny';
import { createPlayer, once, removePlayers, round, type Player } from './bench-util.js';

type ExportingPlayer = Player & {
  exportVideo(options: { start?: number; end?: number; type?: string; width?: number; fps?: number; onProgress?: (fraction: number, frames: number) => void }): Promise<Blob>;
};

export interface ExportRun {
  startS: number;
  endS: number;
  ms: number;
  bytes: number;
  frames: number;
  /** Recording seconds exported per wall second. */
  timesRealTime: number;
}

export interface ExportBench {
  width: number;
  height: number;
  durationS: number;
  whole: ExportRun;
  minute: ExportRun;
  /** Baseline: the whole export's frames through a bare VideoEncoder (decode time subtracted). */
  rawEncoder: { codec: string; frames: number; decodeMs: number; decodeEncodeMs: number; encodeFramesPerS: number };
  exportFramesPerS: number;
}

async function timedExport(player: ExportingPlayer, startS: number, endS: number): Promise<{ run: ExportRun; blob: Blob }> {
  let frames = 0;
  const started = performance.now();
  const blob = await player.exportVideo({ start: startS, end: endS, type: 'video/mp4', onProgress: (_, count) => (frames = count) });
  const ms = performance.now() - started;
  return { blob, run: { startS, endS, ms: round(ms), bytes: blob.size, frames, timesRealTime: round((endS - startS) / (ms / 1000), 1) } };
}

/** Decodes every frame of `blob` (optionally handing each to `encode`) and returns how long it took. */
async function walkFrames(blob: Blob, encode?: (frame: VideoFrame) => Promise<void>): Promise<{ ms: number; frames: number; codec: string }> {
  const input = new Input({ source: new BlobSource(blob), formats: ALL_FORMATS });
  const track = (await input.getPrimaryVideoTrack())!;
  const codec = (await track.getCodecParameterString()) ?? 'avc1.640028';
  const sink = new VideoSampleSink(track);
  let frames = 0;
  const started = performance.now();
  for await (const sample of sink.samples()) {
    if (encode) {
      const frame = sample.toVideoFrame();
      await encode(frame);
      frame.close();
    }
    sample.close();
    frames += 1;
  }
  const ms = performance.now() - started;
  input.dispose();
  return { ms, frames, codec };
}

/** The export's frames through a bare VideoEncoder: the same codec string and quantizer mode, a key frame every 2 s, 4 frames in flight at most. */
async function rawEncode(blob: Blob, width: number, height: number): Promise<ExportBench['rawEncoder']> {
  const decodeOnly = await walkFrames(blob);
  let dequeued: (() => void) | undefined;
  const encoder = new VideoEncoder({ output: () => {}, error: (error) => console.error(error) });
  encoder.addEventListener('dequeue', () => dequeued?.());
  const config: VideoEncoderConfig = { codec: decodeOnly.codec, width, height, framerate: 30, latencyMode: 'quality', bitrateMode: 'quantizer', avc: { format: 'avc' } };
  encoder.configure((await VideoEncoder.isConfigSupported(config)).supported ? config : { ...config, bitrateMode: 'variable', bitrate: 6e6 });
  let lastKeyUs = -Infinity;
  const both = await walkFrames(blob, async (frame) => {
    while (encoder.encodeQueueSize >= 4) await new Promise<void>((resolve) => (dequeued = resolve));
    const keyFrame = frame.timestamp - lastKeyUs >= 2e6;
    if (keyFrame) lastKeyUs = frame.timestamp;
    encoder.encode(frame, { keyFrame, avc: { quantizer: 24 } });
  });
  const flushStarted = performance.now();
  await encoder.flush();
  encoder.close();
  const decodeEncodeMs = both.ms + (performance.now() - flushStarted);
  const encodeMs = Math.max(1, decodeEncodeMs - decodeOnly.ms);
  return { codec: decodeOnly.codec, frames: both.frames, decodeMs: round(decodeOnly.ms), decodeEncodeMs: round(decodeEncodeMs), encodeFramesPerS: round(both.frames / (encodeMs / 1000)) };
}

/** Loads `url` in a new player, exports it whole and a 1-minute clip of it, then runs the baseline. */
export async function runExportBench(url: string): Promise<ExportBench> {
  const player = (await createPlayer()) as ExportingPlayer;
  const ready = once(player, 'canplaythrough', 120_000);
  player.src = url;
  await ready;
  const durationS = player.duration;
  const width = (player as unknown as { videoWidth: number }).videoWidth;
  const height = (player as unknown as { videoHeight: number }).videoHeight;
  // A warm-up: the export chunk (and mediabunny) load on the first export.
  await player.exportVideo({ start: 0, end: 1, width: 320 });
  const whole = await timedExport(player, 0, durationS);
  const minute = await timedExport(player, 0, Math.min(60, durationS));
  removePlayers();
  const rawEncoder = await rawEncode(whole.blob, width, height);
  return { width, height, durationS: round(durationS, 1), whole: whole.run, minute: minute.run, rawEncoder, exportFramesPerS: round(whole.run.frames / (whole.run.ms / 1000)) };
}

Object.assign(globalThis, { runExportBench });
