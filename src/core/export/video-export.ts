/**
 * Video export: renders a range of the recording offline, on canvases of its own, encodes it with
 * WebCodecs and muxes it with mediabunny (MP4 or WebM). Loaded with a dynamic `import()` the first
 * time a page exports, so neither this module nor mediabunny weighs on the player's worker bundle.
 * DOM-free apart from OffscreenCanvas and WebCodecs, which workers have.
 *
 * Frames: variable frame rate, capped at `fps`. A frame is emitted when the screen (or the pointer)
 * changed since the last one, stamped at the change's time, but never sooner than 1/fps after the
 * previous frame (changes in between show together in the next frame). The first frame is at 0,
 * and a last one repeats the screen 1/fps before the end, so the file lasts the whole range even
 * in players that ignore the last frame's duration. A screen recording is mostly still: an idle
 * hour costs one frame, where a constant rate would encode 108 000 copies of the same screen.
 * With an idle limit set, output time is the player's compressed time (IdleTimeMap).
 */
import { BufferTarget, EncodedPacket, EncodedVideoPacketSource, Mp4OutputFormat, Output, WebMOutputFormat } from 'mediabunny';
import { CanvasRenderer, type ReplaySource } from '../renderer.js';
import { Scheduler } from '../scheduler.js';
import type { ScreenUpdate } from '../screen-timeline.js';

/** What the export reads from the playback session; it never changes any of it. */
export interface ExportSource extends ReplaySource {
  /** Recording time ↔ output time (the session's IdleTimeMap; the identity when no idle limit is set). */
  timeMap: { toCompressed(mediaMs: number): number; toMedia(compressedMs: number): number };
  /** Hands the thread back for a moment (playback and requests go on while exporting). */
  yield(): Promise<void>;
}

export interface VideoExportSettings {
  /** Recording milliseconds; `startMs < endMs`, both loaded. */
  startMs: number;
  endMs: number;
  /** `video/mp4` (H.264, default), `video/webm` (VP9), `video/webm;codecs=av1`, … */
  type?: string;
  /** Output width in pixels (height keeps the aspect ratio; both even); default the recorded width. */
  width?: number;
  /** Frame-rate cap, default 30. */
  fps?: number;
}

export interface VideoExportProgress {
  /** 0–1, of the output duration. */
  fraction: number;
  /** Frames encoded so far. */
  frames: number;
}

export interface VideoExportHooks {
  signal: AbortSignal;
  onProgress(progress: VideoExportProgress): void;
}

/** A key frame at least this often (output time), so players seek in the file without decoding far. */
const KEYFRAME_INTERVAL_MS = 2000;
/** Frames waiting in the encoder above which rendering waits: memory stays bounded. */
const MAX_ENCODE_QUEUE = 4;
/** Progress reports at most this often. */
const PROGRESS_INTERVAL_MS = 100;
/** Rendering hands the thread back after this long (like reading: playback keeps going). */
const SLICE_MS = 8;
const DEFAULT_FPS = 30;
const MAX_FPS = 120;
const MAX_SIDE = 8192;

/** A container and codec, from a MIME type. */
interface Format {
  container: 'mp4' | 'webm';
  codec: 'avc' | 'vp9' | 'av1' | 'vp8';
}

/** `video/mp4` → H.264; `video/webm` → VP9; `codecs=` picks avc1 / vp9 / av1 / vp8 where the container has it. */
export function parseExportType(type: string): Format | undefined {
  const match = /^\s*video\/(mp4|webm)\s*(?:;\s*codecs\s*=\s*"?([^";,\s]+)[^;]*)?\s*$/i.exec(type);
  if (!match) return undefined;
  const container = match[1]!.toLowerCase() as Format['container'];
  const codecName = match[2]?.toLowerCase();
  const codec: Format['codec'] | undefined = !codecName
    ? container === 'mp4' ? 'avc' : 'vp9'
    : /^(avc1|avc3|h264)\b/.test(codecName) ? 'avc'
      : /^(vp9|vp09)\b/.test(codecName) ? 'vp9'
        : /^(av1|av01)\b/.test(codecName) ? 'av1'
          : /^(vp8)$/.test(codecName) ? 'vp8'
            : undefined;
  if (!codec || (container === 'webm' && codec === 'avc')) return undefined;
  return { container, codec };
}

/**
 * WebCodecs codec strings for a frame size, best first: H.264 High, then Main and Baseline (a
 * level that fits the size: 1080p needs 4.0, a 4K screen 5.1); VP9 profile 0 and AV1 Main, 8-bit.
 */
function codecStrings(codec: Format['codec'], width: number, height: number): string[] {
  const pixels = width * height;
  if (codec === 'avc') {
    const macroblocks = Math.ceil(width / 16) * Math.ceil(height / 16);
    const level = macroblocks <= 3600 ? '1f' : macroblocks <= 8192 ? '28' : macroblocks <= 36864 ? '33' : '3c';
    return ['6400', '4d00', '42e0'].map((profile) => `avc1.${profile}${level}`);
  }
  if (codec === 'vp9') return [`vp09.00.${pixels <= 2_228_224 ? '41' : pixels <= 8_912_896 ? '51' : '61'}.08`];
  if (codec === 'av1') return [`av01.0.${pixels <= 2_228_224 ? '08' : pixels <= 8_912_896 ? '13' : '17'}M.08`];
  return ['vp8'];
}

/**
 * Quantizer per codec (constant quality, lower is better): screen text stays sharp, and a still
 * screen costs almost nothing whatever the frame rate, which a bitrate target would not give VFR.
 */
const QUANTIZER: Record<Format['codec'], number> = { avc: 24, vp9: 30, av1: 32, vp8: 30 };

// Only the H.264 option is in TypeScript's DOM lib yet.
type EncodeOptions = VideoEncoderEncodeOptions & { vp9?: { quantizer?: number }; av1?: { quantizer?: number } };

async function chooseEncoderConfig(format: Format, width: number, height: number, fps: number): Promise<{ config: VideoEncoderConfig; quantizer: boolean }> {
  if (typeof VideoEncoder === 'undefined' || typeof VideoFrame === 'undefined') {
    throw new DOMException('video export needs WebCodecs (VideoEncoder), which this browser does not have', 'NotSupportedError');
  }
  if (typeof OffscreenCanvas === 'undefined') throw new DOMException('video export needs OffscreenCanvas, which this browser does not have', 'NotSupportedError');
  for (const codec of codecStrings(format.codec, width, height)) {
    const base: VideoEncoderConfig = { codec, width, height, framerate: fps, latencyMode: 'quality', ...(format.codec === 'avc' ? { avc: { format: 'avc' } } : {}) };
    // Constant quality where the encoder offers it, else a variable bitrate of ~0.1 bit per pixel and frame.
    for (const [config, quantizer] of [
      [{ ...base, bitrateMode: 'quantizer' }, true],
      [{ ...base, bitrateMode: 'variable', bitrate: Math.round(width * height * fps * 0.1) }, false],
    ] as const) {
      const support = await VideoEncoder.isConfigSupported(config).catch(() => undefined);
      if (support?.supported) return { config: support.config ?? config, quantizer };
    }
  }
  throw new DOMException(`this browser cannot encode ${format.codec.toUpperCase()} video at ${width}×${height} (VideoEncoder.isConfigSupported said no)`, 'NotSupportedError');
}

function abortError(signal: AbortSignal): unknown {
  return signal.reason instanceof DOMException && signal.reason.name === 'AbortError' ? signal.reason : new DOMException('the export was cancelled', 'AbortError');
}

/** Even, at least 2: H.264 and VP9 in 4:2:0 need even sides. */
const even = (value: number): number => Math.max(2, Math.round(value / 2) * 2);

/** True for the updates that change what an exported frame shows (a click's ripple is not exported). */
export function changesFrame(update: ScreenUpdate): boolean {
  return update.kind !== 'click';
}

/**
 * Renders `settings.startMs`–`endMs` of the recording into a video file. Rejects with a
 * `NotSupportedError` DOMException where WebCodecs cannot encode the format, and with an
 * `AbortError` one when `hooks.signal` aborts.
 */
export async function exportVideo(source: ExportSource, settings: VideoExportSettings, hooks: VideoExportHooks): Promise<Blob> {
  const { signal } = hooks;
  const type = settings.type ?? 'video/mp4';
  const format = parseExportType(type);
  if (!format) throw new DOMException(`cannot export "${type}": the player writes video/mp4 (H.264, AV1, VP9) and video/webm (VP9, AV1, VP8)`, 'NotSupportedError');
  const fps = Math.min(MAX_FPS, Math.max(1, settings.fps ?? DEFAULT_FPS));
  const { timeline, timeMap } = source;
  const startEnd = timeline.indexAfter(settings.startMs);
  const screen = timeline.lastResizeBefore(startEnd)?.update ?? timeline.firstScreen;
  if (!screen) throw new DOMException('the recording has no screen size to export', 'InvalidStateError');
  const width = even(Math.min(MAX_SIDE, settings.width ?? screen.width));
  const height = even(Math.min(MAX_SIDE, (width * screen.height) / screen.width));
  const { config, quantizer } = await chooseEncoderConfig(format, width, height, fps);
  if (signal.aborted) throw abortError(signal);

  const originMs = timeMap.toCompressed(settings.startMs);
  const durationMs = timeMap.toCompressed(settings.endMs) - originMs;
  const interval = 1000 / fps;

  // The export's own screen: a renderer on canvases of its own (as the keyframe builder has), so
  // playback's screen, queue and pointer are never touched. Its pointer layer is composited in.
  const renderer = new CanvasRenderer(new OffscreenCanvas(1, 1), new OffscreenCanvas(1, 1), {
    decodeTile: source.decodeTile,
    readBytes: source.readBytes,
  });
  const scheduler = new Scheduler(timeline, source.keyframes);
  const output = new OffscreenCanvas(width, height);
  const context = output.getContext('2d', { alpha: false })!;
  context.imageSmoothingQuality = 'high';

  // Muxing: our own VideoEncoder feeding encoded packets, rather than mediabunny's CanvasSource:
  // exact VFR timestamps, key frames where we say, and backpressure read from `encodeQueueSize`.
  // It also keeps mediabunny's encoder wrapper out of the chunk.
  const target = new BufferTarget();
  const muxer = new Output({ format: format.container === 'mp4' ? new Mp4OutputFormat({ fastStart: 'in-memory' }) : new WebMOutputFormat(), target });
  const packets = new EncodedVideoPacketSource(format.codec);
  muxer.addVideoTrack(packets);
  await muxer.start();

  let failure: unknown;
  let muxing = Promise.resolve();
  // Each packet waits for the next one: its duration runs to the next frame (to the end for the last).
  let held: { packet: EncodedPacket; meta: EncodedVideoChunkMetadata | undefined } | undefined;
  const release = (nextTimestampS: number): void => {
    if (!held) return;
    const { packet, meta } = held;
    held = undefined;
    const timed = packet.clone({ duration: Math.max(1e-6, nextTimestampS - packet.timestamp) });
    muxing = muxing.then(() => packets.add(timed, meta));
    muxing.catch((error: unknown) => (failure ??= error));
  };
  let dequeued: (() => void) | undefined;
  const encoder = new VideoEncoder({
    output: (chunk, meta) => {
      const packet = EncodedPacket.fromEncodedChunk(chunk);
      release(packet.timestamp);
      held = { packet, meta };
    },
    error: (error) => {
      failure ??= error;
      dequeued?.();
    },
  });
  encoder.addEventListener('dequeue', () => dequeued?.());
  encoder.configure(config);

  let frames = 0;
  let lastKeyMs = -Infinity;
  let lastProgressAt = -Infinity;
  const encodeOptions = (keyFrame: boolean): EncodeOptions => {
    if (!quantizer) return { keyFrame };
    const value = QUANTIZER[format.codec];
    return format.codec === 'avc' ? { keyFrame, avc: { quantizer: value } } : format.codec === 'vp9' ? { keyFrame, vp9: { quantizer: value } } : format.codec === 'av1' ? { keyFrame, av1: { quantizer: value } } : { keyFrame };
  };
  const report = (fraction: number, force = false): void => {
    const now = performance.now();
    if (!force && now - lastProgressAt < PROGRESS_INTERVAL_MS) return;
    lastProgressAt = now;
    hooks.onProgress({ fraction: Math.min(1, Math.max(0, fraction)), frames });
  };

  /** Composites the export's screen and pointer layers into the output frame and encodes it at `timeMs` (output time). */
  const encodeFrame = async (timeMs: number): Promise<void> => {
    await renderer.whenIdle();
    context.fillStyle = '#000';
    context.fillRect(0, 0, width, height);
    if (renderer.width > 0 && renderer.height > 0) {
      // A screen that changed size mid-range is fitted in, centred.
      const scale = Math.min(width / renderer.width, height / renderer.height);
      const w = renderer.width * scale;
      const h = renderer.height * scale;
      renderer.drawLayers(context, (width - w) / 2, (height - h) / 2, w, h);
    }
    while (encoder.encodeQueueSize >= MAX_ENCODE_QUEUE && !failure && !signal.aborted) await new Promise<void>((resolve) => (dequeued = resolve));
    if (failure) throw failure;
    if (signal.aborted) throw abortError(signal);
    const keyFrame = timeMs - lastKeyMs >= KEYFRAME_INTERVAL_MS;
    if (keyFrame) lastKeyMs = timeMs;
    const frame = new VideoFrame(output, { timestamp: Math.round(timeMs * 1000) });
    try {
      encoder.encode(frame, encodeOptions(keyFrame));
    } finally {
      frame.close();
    }
    frames += 1;
    report(durationMs > 0 ? timeMs / durationMs : 1);
  };

  try {
    // The start: the same rebuild as a seek (nearest keyframe, then the tiles still visible).
    const plan = scheduler.seek(settings.startMs);
    await renderer.rebuild({ ...plan, updates: plan.updates.filter(changesFrame) }, (keyframe) => source.restoreStep(keyframe));
    await encodeFrame(0);

    let lastMs = 0;
    let sliceStart = performance.now();
    for (let index = scheduler.nextIndex; ; ) {
      if (signal.aborted) throw abortError(signal);
      while (index < timeline.length && !changesFrame(timeline.at(index))) index += 1;
      if (index >= timeline.length) break;
      const changeAt = timeline.at(index).timeMs;
      if (changeAt > settings.endMs) break;
      const changeMs = timeMap.toCompressed(changeAt) - originMs;
      const frameMs = Math.max(changeMs, lastMs + interval);
      if (frameMs >= durationMs) break;
      // Everything due by the frame's time shows in it (the scheduler drops what later tiles cover).
      const dueAt = frameMs === changeMs ? changeAt : Math.max(changeAt, timeMap.toMedia(frameMs + originMs));
      renderer.enqueue(scheduler.advance(Math.min(dueAt, settings.endMs)).filter(changesFrame));
      await encodeFrame(frameMs);
      lastMs = frameMs;
      index = scheduler.nextIndex;
      if (performance.now() - sliceStart > SLICE_MS) {
        await source.yield();
        sliceStart = performance.now();
      }
    }
    if (lastMs < durationMs - interval) await encodeFrame(durationMs - interval);
    await encoder.flush();
    release(durationMs / 1000);
    await muxing;
    if (failure) throw failure;
    await muxer.finalize();
    report(1, true);
    return new Blob([target.buffer!], { type: `video/${format.container}` });
  } catch (error) {
    held = undefined;
    if (encoder.state !== 'closed') encoder.close();
    await muxer.cancel().catch(() => {});
    throw signal.aborted ? abortError(signal) : error;
  } finally {
    if (encoder.state !== 'closed') encoder.close();
    renderer.clear();
  }
}
