import type { RecordedEvent } from '../format/events.js';
import { TdpMessageType, isTdpb } from '../format/tdp.js';
import type { FeedSink } from './feeds/feed.js';
import { loadFastPathDecoder } from './fastpath/load.js';

/** Whether a batch holds an RDP fast-path update, or a TDPB message (which carry them). */
export function carriesFastPath(events: readonly RecordedEvent[]): boolean {
  for (const { event } of events) {
    if (event.case !== 'desktopRecording') continue;
    const { message, tdpbMessage } = event.value;
    if (tdpbMessage.length > 0 || isTdpb(message) || message[0] === TdpMessageType.RdpFastPathPdu) return true;
  }
  return false;
}

/**
 * A feed's sink that takes nothing fast-path before the fast-path chunk (header scan and decoder,
 * `fastpath/load.ts`) has loaded: the first batch that needs it starts the load, and that batch and
 * every report after it wait, in order, until it is in. `ready()` waits for it too, so a feed that
 * reads as fast as it can pauses meanwhile. A recording of PNG tiles never waits and never loads it.
 */
export function fastPathGate(sink: FeedSink, load: () => Promise<unknown> = loadFastPathDecoder): FeedSink {
  let loaded = false;
  let failed = false;
  /** Reports waiting for the load, in arrival order; undefined when none wait. */
  let held: Array<() => void> | undefined;
  let loading: Promise<void> | undefined;
  const deliver = (report: () => void): void => {
    if (failed) return;
    if (held) held.push(report);
    else report();
  };
  // Drained one at a time: a report may make the feed deliver more at once, which queues behind.
  const release = (): void => {
    loading = undefined;
    for (let report = held?.shift(); report; report = held?.shift()) report();
    held = undefined;
  };
  const events = (batch: RecordedEvent[]): void => {
    if (held || loaded || failed || !carriesFastPath(batch)) return deliver(() => sink.events(batch));
    held = [() => sink.events(batch)];
    loading = load().then(
      () => {
        loaded = true;
        release();
      },
      (error: unknown) => {
        // Without the chunk nothing fast-path can be indexed: the load ends there, saying why.
        failed = true;
        held = [() => sink.fail(new Error(`the fast-path decoder could not be loaded (${error instanceof Error ? error.message : String(error)})`, { cause: error }))];
        release();
      },
    );
  };
  return {
    events,
    ready: () => loading?.then(() => sink.ready()) ?? sink.ready(),
    duration: (ms) => deliver(() => sink.duration(ms)),
    sessionEnds: (batch) => deliver(() => sink.sessionEnds(batch)),
    rangeReads: (status, detail) => deliver(() => sink.rangeReads(status, detail)),
    live: () => deliver(() => sink.live()),
    caughtUp: () => deliver(() => sink.caughtUp()),
    end: (fileSha256) => deliver(() => sink.end(fileSha256)),
    fail: (error) => deliver(() => sink.fail(error)),
    // A seek's parts read out of order answer at once (whether more are wanted); they are composed apart from the ingest.
    seekPart: sink.seekPart?.bind(sink),
    seekBytesDropped: sink.seekBytesDropped?.bind(sink),
    lastParts: sink.lastParts?.bind(sink),
    seekPartFailed: sink.seekPartFailed?.bind(sink),
  };
}
