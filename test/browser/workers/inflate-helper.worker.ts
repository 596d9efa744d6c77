/// <reference lib="webworker" />
// Reads a recording where the player does, in a dedicated worker, twice: with parts inflated on its
// own thread, and with parts inflated in helper workers started from its own script (this one),
// which under INFLATE_WORKER_NAME serve inflating as recording.worker.ts does (with
// `?inflating=broken` in its URL, that copy fails to start instead). Posts what each read gave.
import { INFLATE_WORKER_NAME } from '../../../src/core/feeds/helper-workers.js';
import { InflateHelpers, serveInflating, type InflateWorkerScope } from '../../../src/core/feeds/inflate-worker.js';
import { RecordingReader } from '../../../src/format/reader.js';
import type { RecordedEvent } from '../../../src/format/events.js';

export interface InflateRequest {
  bytes: Uint8Array;
  /** The file is pushed in pieces of this size. */
  pieceBytes: number;
  /** Output after which a fresh helper takes the next part. */
  replaceAfterBytes: number;
}

export interface ReadSummary {
  /** One line per event: index, time, case, and a hash of its screen message read when its batch came. */
  events: string[];
  error: { reason: string; message: string; atByte: number } | null;
}

export interface InflateRun {
  local: ReadSummary;
  helper: ReadSummary;
  /** Whether the first helper became ready; helpers started; parts they inflated; parts in the file. */
  ready: boolean;
  started: number;
  helperParts: number;
  parts: number;
}

function fnv1a(bytes: Uint8Array): number {
  let hash = 0x811c9dc5;
  for (const byte of bytes) hash = Math.imul(hash ^ byte, 0x01000193);
  return hash >>> 0;
}

function describe(recorded: RecordedEvent): string {
  const { event } = recorded;
  const screen = event.case === 'desktopRecording' ? ` ${event.value.message.length}:${fnv1a(event.value.message)}` : '';
  return `${recorded.index} ${recorded.timeMs} ${event.case}${screen}`;
}

async function read(reader: RecordingReader, request: InflateRequest, afterBatch: () => void, beforePush: () => Promise<void> = async () => {}): Promise<ReadSummary> {
  const events: string[] = [];
  let error: ReadSummary['error'] = null;
  const take = (result: Awaited<ReturnType<RecordingReader['push']>>): void => {
    events.push(...result.events.map(describe));
    if (result.error && !error) error = { reason: result.error.reason, message: result.error.message, atByte: result.error.atByte };
  };
  for (let at = 0; at < request.bytes.length && !error; at += request.pieceBytes) {
    await beforePush();
    take(await reader.push(request.bytes.subarray(at, at + request.pieceBytes)));
    // The batch's events were read: the buffers the batch before viewed are lent again (as the file feed does once the sink took it).
    afterBatch();
  }
  if (!error) take(await reader.end());
  return { events, error };
}

if (self.name === INFLATE_WORKER_NAME) {
  if (new URL(self.location.href).searchParams.get('inflating') === 'broken') throw new Error('this inflating worker does not start');
  serveInflating(self as unknown as InflateWorkerScope);
} else {
  self.onmessage = async ({ data }: MessageEvent<InflateRequest>) => {
    const local = await read(new RecordingReader({ inflate: 'native' }), data, () => {});
    const helpers = new InflateHelpers(self.location.href, data.replaceAfterBytes);
    const ready = await helpers.ready;
    const reader = new RecordingReader({ inflate: 'native', nativeInflater: () => helpers.inflater() });
    // Each push waits for a helper that is starting to take over, so every replacement due happens.
    const helper = await read(reader, data, () => helpers.taken(), () => helpers.successor());
    const run: InflateRun = { local, helper, ready, started: helpers.started, helperParts: helpers.parts, parts: reader.stats.parts };
    helpers.close();
    self.postMessage(run);
  };
}
