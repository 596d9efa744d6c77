/**
 * The evidence bundle: one ZIP that someone without access to the portal can check and read — the
 * video of a range, the screen at each review note, the events of the range, the session's
 * metadata, a README, and `SHA256SUMS` over every file plus the original recording. Loaded with a
 * dynamic `import()` on the first bundle (with fflate's ZIP writer and the SHA-256), so none of it
 * weighs on the worker a player starts with. DOM-free apart from OffscreenCanvas.
 */
import { Zip, ZipDeflate, ZipPassThrough, type ZipInputFile } from 'fflate';
import type { Marker, RecordingInfo } from '../../format/timeline.js';
import { createOffscreenSurface } from '../canvas.js';
import { readSource, type RecordingSource } from '../feeds/file-feed.js';
import { startFileHasher } from '../feeds/file-hash.js';
import { createSha256 } from '../feeds/sha256.js';
import { CanvasRenderer, type ReplaySource } from '../renderer.js';
import { Scheduler } from '../scheduler.js';
import { paintsScreen } from '../thumbnails.js';
import {
  EVIDENCE_FORMAT_VERSION,
  captureFileName,
  captureTimeOf,
  eventLog,
  evidenceFileName,
  evidenceTime,
  notesInRange,
  readmeText,
  recordingFileName,
  sessionInfo,
  sha256Sums,
  type EvidenceNote,
} from './evidence-log.js';
import { abortErrorOf, type EvidenceExportRequest, type ExportContext, type ExportRequests } from './export-requests.js';
import type { ExportSource, VideoExportProgress } from './video-export.js';

/** What a bundle reads of the loaded recording; it changes none of it. */
export interface EvidenceSource {
  markers: readonly Marker[];
  recording: RecordingInfo;
  /** Wall-clock Unix ms of time 0, when the recording says. */
  startDateMs: number | null;
  durationMs: number;
  replay: ReplaySource;
  /** The SHA-256 the player took while reading the whole file (known at its end), if it could. */
  loadedSha256?: string | null;
  /** The recording's file, read again in order for its SHA-256 when neither the page nor the load gave it; null where it cannot be (`originalMissing` says why). */
  original: RecordingSource | null;
  originalMissing?: string;
  /** Hands the thread back for a moment (playback and requests go on meanwhile). */
  yield(): Promise<void>;
}

export interface EvidenceRequest {
  /** Recording milliseconds, `startMs < endMs`, within what has loaded. */
  startMs: number;
  endMs: number;
  notes: readonly EvidenceNote[];
  /** The recording's SHA-256 (hex) when the page already has it; else the bundle hashes the file. */
  recordingSha256?: string;
}

export interface EvidenceHooks {
  signal: AbortSignal;
  /** `fraction`: 0–1 of the whole bundle; `frames`: the video's frames encoded so far. */
  onProgress(progress: VideoExportProgress): void;
}

/** Hashing and zipping hand the thread back after this long. */
const SLICE_MS = 8;
/** The video goes into the ZIP in pieces this large, so a cancel is heard in between. */
const ZIP_PIECE_BYTES = 1 << 20;
const VIDEO_FILE = 'video.mp4';
/**
 * Captures in one bundle at most (the earliest moments): full-size PNGs of a 1080p screen are up
 * to about 1 MB each, and the whole bundle is made in memory. Notes past it have no capture.
 */
export const MAX_CAPTURES = 100;

/** Relative work of the steps, for one progress fraction: the video dominates. */
const WEIGHTS = { hash: 0.2, captures: 0.15, video: 0.6, zip: 0.05 };

interface BundleFile {
  name: string;
  bytes: Uint8Array;
  /** Stored as it is (PNG and MP4 are compressed already), or deflated (text). */
  store: boolean;
  /** For the manifest. */
  description?: string;
}

/**
 * `exportEvidence` of the session (`ExportRequests.runEvidence`): checks that the recording can be
 * had whole (not while a playback websocket still sends it), waits for all of it, and makes the
 * bundle of the range.
 */
export async function exportEvidence(
  context: ExportContext,
  requests: ExportRequests,
  request: EvidenceExportRequest,
  onProgress: (progress: VideoExportProgress) => void,
  signal: AbortSignal,
): Promise<File> {
  const paced = context.paced();
  if (paced && !context.ingest()?.finished) {
    throw new DOMException(
      'the playback websocket is still sending the recording (in real time): an evidence bundle needs all of it; wait for the end, or load the recording from its file',
      'InvalidStateError',
    );
  }
  // The bundle names the whole session and hashes the whole file: it waits for all of it (a live
  // recording, for the session's end).
  const { ingest, startMs, endMs } = await requests.range(request, signal, true);
  return makeEvidenceBundle(
    {
      markers: ingest.markers,
      recording: ingest.recording,
      startDateMs: ingest.startDateMs,
      durationMs: context.durationMs(),
      replay: context.replaySource(),
      // The bundle waited for the whole file: its hash, taken while reading it, is known by now.
      loadedSha256: context.recordingSha256(),
      original: paced ? null : context.source(),
      ...(paced ? { originalMissing: 'the recording was played from a playback websocket, which sends its events, not its file' } : {}),
      yield: context.yield,
    },
    { startMs, endMs, notes: request.notes ?? [], recordingSha256: request.recordingSha256 },
    { signal, onProgress },
  );
}

/**
 * Makes the evidence bundle of `request.startMs`–`endMs`, named
 * `<session-id>-evidence-<hh-mm-ss>-<hh-mm-ss>.zip`. Rejects with an `AbortError` DOMException
 * when `hooks.signal` aborts. Where WebCodecs cannot encode H.264 the bundle is made without the
 * video, and the manifest and README say why.
 */
export async function makeEvidenceBundle(source: EvidenceSource, request: EvidenceRequest, hooks: EvidenceHooks): Promise<File> {
  const { signal } = hooks;
  const { startMs, endMs } = request;
  const created = new Date();
  const time = (ms: number) => evidenceTime(ms, source.startDateMs);
  const checkAbort = (): void => {
    if (signal.aborted) throw abortErrorOf(signal);
  };
  // Progress runs through the steps in order, each its share of the whole.
  const knownSha256 = request.recordingSha256 ?? source.loadedSha256 ?? undefined;
  const hashing = knownSha256 === undefined && source.original !== null;
  const steps = (hashing ? WEIGHTS.hash : 0) + WEIGHTS.captures + WEIGHTS.video + WEIGHTS.zip;
  let done = 0;
  let frames = 0;
  const report = (fraction: number): void => hooks.onProgress({ fraction: Math.min(1, fraction), frames });
  const progress = (weight: number) => (fraction: number) => report((done + weight * Math.min(1, Math.max(0, fraction))) / steps);
  const finish = (weight: number): void => {
    done += weight;
    report(done / steps);
  };

  try {
    report(0);
    const { sessionId } = source.recording;
    const recordingName = recordingFileName(sessionId);
    let recordingSha256: string | null = knownSha256 ?? null;
    let hashedBy: 'player' | 'bundle' | null = recordingSha256 ? 'player' : null;
    if (hashing) {
      recordingSha256 = await hashRecording(source.original!, signal, source.yield, progress(WEIGHTS.hash));
      hashedBy = recordingSha256 ? 'bundle' : null;
      finish(WEIGHTS.hash);
    }

    const notes = notesInRange(request.notes, startMs, endMs);
    const captures = await captureNotes(source, notes, startMs, endMs, signal, progress(WEIGHTS.captures));
    finish(WEIGHTS.captures);

    let video: { file: string } | { missing: string };
    let videoBytes: Uint8Array | undefined;
    try {
      const videoProgress = progress(WEIGHTS.video);
      videoBytes = await renderVideo(source, startMs, endMs, signal, (video) => {
        frames = video.frames;
        videoProgress(video.fraction);
      });
      video = { file: VIDEO_FILE };
    } catch (error) {
      checkAbort();
      if (!(error instanceof DOMException && error.name === 'NotSupportedError')) throw error;
      video = { missing: `No video: ${error.message}.` };
    }
    finish(WEIGHTS.video);

    const capturedAt = new Set(captures.map((capture) => capture.timeMs));
    const events = eventLog(source.markers, notes, startMs, endMs, source.startDateMs, (timeMs) => capturedAt.has(timeMs));
    const range = { start: time(startMs), end: time(endMs) };
    const recordingHashMissing = recordingSha256 ? undefined : (source.originalMissing ?? (hashing ? 'its SHA-256 could not be taken' : 'the recording could not be read again'));
    const json = (value: unknown): Uint8Array => new TextEncoder().encode(`${JSON.stringify(value, null, 2)}\n`);
    const files: BundleFile[] = [];
    const add = (name: string, bytes: Uint8Array, store: boolean, description: string): void => void files.push({ name, bytes, store, description });
    add(
      'README.txt',
      new TextEncoder().encode(
        readmeText({
          bundleName: evidenceFileName(sessionId, startMs, endMs),
          recordingName,
          recordingSha256,
          recordingHashMissing,
          range,
          video,
          captures: captures.length,
          events: events.length,
          sessionId,
          user: source.recording.user,
          desktop: source.recording.desktopName ?? source.recording.desktopAddr,
        }),
      ),
      false,
      'What the files are and how to verify them.',
    );
    add('session.json', json(sessionInfo(source.recording, source.durationMs, source.startDateMs)), false, 'The session: ids, user, desktop, participants, start and end.');
    add(
      'events.json',
      json({ format: 'desktop-recording-evidence/events', version: EVIDENCE_FORMAT_VERSION, sessionId: sessionId ?? null, range, events }),
      false,
      'Every event in the range, with recording and wall-clock times.',
    );
    for (const capture of captures) add(capture.file, capture.bytes, true, `The screen at ${capture.time.recording}, without the mouse pointer.`);
    if (videoBytes) add(VIDEO_FILE, videoBytes, true, 'The range as H.264 video in recording time, the mouse pointer drawn in.');
    // The manifest describes every file but itself and SHA256SUMS, both listed by name.
    const manifest = {
      format: 'desktop-recording-evidence',
      version: EVIDENCE_FORMAT_VERSION,
      created: created.toISOString(),
      sessionId: sessionId ?? null,
      recording: { file: recordingName, sha256: recordingSha256, hashedBy, ...(recordingHashMissing ? { missing: recordingHashMissing } : {}) },
      range,
      video: 'file' in video ? { file: video.file, type: 'video/mp4', codec: 'H.264', pointer: true, idleSkipping: false } : { file: null, reason: video.missing },
      captures: captures.map(({ file, time: at, noteIds }) => ({ file, time: at, notes: noteIds, pointer: false })),
      ...(captures.length === MAX_CAPTURES ? { capturesLimit: `at most ${MAX_CAPTURES} captures are made, of the earliest notes; later notes have none (capture: null in events.json)` } : {}),
      notes: notes.length,
      events: events.length,
      files: [
        ...files.map(({ name, bytes, description }) => ({ name, bytes: bytes.length, description })),
        { name: 'manifest.json', description: 'This file.' },
        { name: 'SHA256SUMS', description: 'SHA-256 of every other file and of the original recording (sha256sum -c format).' },
      ],
    };
    files.splice(1, 0, { name: 'manifest.json', bytes: json(manifest), store: false });
    checkAbort();

    // SHA256SUMS: every file above, then the original recording.
    const sums = (hashes: Array<{ name: string; sha256: string }>): Uint8Array =>
      new TextEncoder().encode(sha256Sums(recordingSha256 ? [...hashes, { name: recordingName, sha256: recordingSha256 }] : hashes));
    const zipped = await zipFiles(files, sums, created, signal, source.yield, progress(WEIGHTS.zip));
    finish(WEIGHTS.zip);
    return new File(zipped as BlobPart[], evidenceFileName(sessionId, startMs, endMs), { type: 'application/zip', lastModified: created.getTime() });
  } catch (error) {
    checkAbort();
    throw error;
  }
}

/**
 * The SHA-256 of the recording's file, read again from the start (a URL mostly from the browser's
 * cache), when the load could not take it. In the player's worker the hashing worker takes it, as
 * it does while loading (`file-hash.ts`), so playback keeps this thread; the reading waits for it.
 */
async function hashRecording(original: RecordingSource, signal: AbortSignal, yieldThread: () => Promise<void>, onProgress: (fraction: number) => void): Promise<string | null> {
  const hasher = startFileHasher(signal, 0);
  try {
    const total = original instanceof Blob ? original.size : typeof original === 'string' ? 0 : original.byteLength;
    let read = 0;
    let sliceStart = performance.now();
    for await (const chunk of readSource(original, signal)) {
      hasher.update(chunk);
      await hasher.room();
      read += chunk.length;
      if (total > 0) onProgress(read / total);
      if (performance.now() - sliceStart > SLICE_MS) {
        await yieldThread();
        sliceStart = performance.now();
      }
    }
    return (await hasher.digest()) ?? null;
  } finally {
    hasher.close();
  }
}

interface Capture {
  timeMs: number;
  file: string;
  time: ReturnType<typeof evidenceTime>;
  noteIds: string[];
  bytes: Uint8Array;
}

/**
 * The screen at each note, as PNG at the recorded size, rebuilt on canvases of its own the way a
 * seek does (nearest keyframe, then the updates still visible): the same pixels `captureFrame()`
 * gives after seeking there. The pointer is left out, as in `captureFrame()`; notes at one moment
 * share one capture.
 */
async function captureNotes(source: EvidenceSource, notes: readonly EvidenceNote[], startMs: number, endMs: number, signal: AbortSignal, onProgress: (fraction: number) => void): Promise<Capture[]> {
  const byTime = new Map<number, string[]>();
  for (const note of notes) {
    const at = captureTimeOf(note, startMs, endMs);
    const ids = byTime.get(at);
    if (ids) ids.push(note.id);
    else if (byTime.size < MAX_CAPTURES) byTime.set(at, [note.id]);
  }
  const screen = createOffscreenSurface();
  const cursor = createOffscreenSurface();
  if (byTime.size === 0 || !screen || !cursor) return [];
  const { replay } = source;
  const renderer = new CanvasRenderer(screen, cursor, { decodeTile: (png) => replay.decodeTile(png), readBytes: (bytes) => replay.readBytes(bytes) });
  const scheduler = new Scheduler(replay.timeline, replay.keyframes);
  const captures: Capture[] = [];
  let rendered = 0;
  try {
    for (const [timeMs, noteIds] of byTime) {
      if (signal.aborted) throw abortErrorOf(signal);
      // Before the first screen there is nothing to show.
      if (replay.timeline.lastResizeBefore(replay.timeline.indexAfter(timeMs))) {
        const plan = scheduler.seek(timeMs);
        await renderer.rebuild({ ...plan, updates: plan.updates.filter(paintsScreen) }, (keyframe) => replay.restoreStep(keyframe));
        const image = await renderer.capture('image/png');
        captures.push({ timeMs, file: captureFileName(timeMs), time: evidenceTime(timeMs, source.startDateMs), noteIds, bytes: new Uint8Array(await image.arrayBuffer()) });
      }
      onProgress(++rendered / byTime.size);
    }
  } finally {
    renderer.clear();
  }
  return captures;
}

/** The range as H.264 MP4 by the video export (its own chunk), in recording time: evidence skips no idle time. */
async function renderVideo(source: EvidenceSource, startMs: number, endMs: number, signal: AbortSignal, onProgress: (progress: VideoExportProgress) => void): Promise<Uint8Array> {
  // Named with its folder: the one-file build replaces the module it finds at `/export/video-export.js`.
  const { exportVideo } = await import('../export/video-export.js');
  const identity = (ms: number): number => ms;
  const exportSource: ExportSource = { ...source.replay, timeMap: { toCompressed: identity, toMedia: identity }, yield: source.yield };
  const blob = await exportVideo(exportSource, { startMs, endMs, type: 'video/mp4' }, { signal, onProgress });
  return new Uint8Array(await blob.arrayBuffer());
}

/**
 * The files into one ZIP with fflate's streaming writer (text deflated, PNG and MP4 stored),
 * hashing each as it goes, then `SHA256SUMS` (made by `sums` from those hashes) last. Big files go
 * in pieces, with the thread handed back in between.
 */
async function zipFiles(
  files: readonly BundleFile[],
  sums: (hashes: Array<{ name: string; sha256: string }>) => Uint8Array,
  mtime: Date,
  signal: AbortSignal,
  yieldThread: () => Promise<void>,
  onProgress: (fraction: number) => void,
): Promise<Uint8Array[]> {
  const chunks: Uint8Array[] = [];
  let failure: unknown;
  const zip = new Zip((error, chunk) => {
    if (error) failure ??= error;
    else chunks.push(chunk);
  });
  const total = files.reduce((sum, file) => sum + file.bytes.length, 0) || 1;
  let written = 0;
  const hashes: Array<{ name: string; sha256: string }> = [];
  const write = async ({ name, bytes, store }: BundleFile): Promise<string> => {
    const entry: ZipInputFile & { push(chunk: Uint8Array, final?: boolean): void } = store ? new ZipPassThrough(name) : new ZipDeflate(name, { level: 9 });
    entry.mtime = mtime;
    zip.add(entry);
    const hash = await createSha256();
    if (bytes.length === 0) entry.push(bytes, true);
    for (let at = 0; at < bytes.length; at += ZIP_PIECE_BYTES) {
      if (signal.aborted) {
        zip.terminate();
        throw abortErrorOf(signal);
      }
      const piece = bytes.subarray(at, at + ZIP_PIECE_BYTES);
      hash.update(piece);
      entry.push(piece, at + piece.length >= bytes.length);
      written += piece.length;
      onProgress(written / total);
      await yieldThread();
    }
    if (failure) throw failure;
    return hash.hex();
  };
  for (const file of files) hashes.push({ name: file.name, sha256: await write(file) });
  await write({ name: 'SHA256SUMS', bytes: sums(hashes), store: false });
  zip.end();
  if (failure) throw failure;
  return chunks;
}
