// A PlaybackSession in Node: a hand-driven clock and timers, and a feed the test scripts.
import { PlaybackSession, type SessionTiming } from '../../src/core/session.js';
import type { FeedSink, FeedSteering, RecordingFeed } from '../../src/core/feeds/index.js';
import { decodeAuditEvent } from '../../src/format/wire/audit-events.js';
import { encodeAuditEvent, timestampOfMs, timestampToMs, type AuditEventInit, type RecordedEvent } from '../../src/format/events.js';
import { encodeTdp, type TdpMessage } from '../../src/format/tdp.js';
import { Preload, type MediaEvent } from '../../src/playback-state.js';
import type { LoadOptions } from '../../src/core/session.js';
import { T0, desktopRecording } from './recording-bytes.js';

/** Timers that fire only when the test moves time on. */
export class FakeTime implements SessionTiming {
  private current = 0;
  private timers: Array<{ at: number; order: number; callback: () => void }> = [];
  private order = 0;

  now = (): number => this.current;

  schedule = (callback: () => void, delayMs: number): (() => void) => {
    const timer = { at: this.current + delayMs, order: this.order++, callback };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((t) => t !== timer);
    };
  };

  yield = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

  /** Moves time on by `ms`, firing the timers that fall due in order (and what they schedule), settling promises between. */
  async advance(ms: number): Promise<void> {
    const end = this.current + ms;
    for (;;) {
      await settle();
      const due = this.timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at || a.order - b.order)[0];
      if (!due) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.current = Math.max(this.current, due.at);
      due.callback();
    }
    this.current = end;
    await settle();
  }
}

/** Lets every pending promise chain run (no timers: those are the fake clock's). */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** A feed the test drives: it delivers what the test says, when it says, and records what the player asked of it. */
export class ScriptedFeed implements RecordingFeed {
  sink: FeedSink | undefined;
  readonly steering: FeedSteering[] = [];
  readonly wanted: number[] = [];
  closed = false;

  constructor(readonly paced = false) {}

  start(sink: FeedSink): void {
    this.sink = sink;
  }

  steer(playback: FeedSteering): void {
    this.steering.push({ ...playback });
  }

  want(timeMs: number): void {
    this.wanted.push(timeMs);
  }

  close(): void {
    this.closed = true;
  }

  deliver(events: RecordedEvent[]): void {
    if (!this.closed) this.sink!.events(events);
  }
}

let nextIndex = 0;

/** A DesktopRecording event carrying `message` at `timeMs`. */
export function screenEvent(timeMs: number, message: TdpMessage): RecordedEvent {
  return recorded(desktopRecording(nextIndex, timeMs, encodeTdp(message)));
}

/** A clipboard marker at `timeMs`. */
export function clipboardEvent(timeMs: number, length: number): RecordedEvent {
  const metadata = { index: BigInt(nextIndex), type: 'desktop.clipboard.send', code: 'TDP02I', time: timestampOfMs(T0 + timeMs) };
  return recorded({ case: 'desktopClipboardSend', value: { metadata, length } });
}

function recorded(init: AuditEventInit): RecordedEvent {
  const index = nextIndex++;
  const event = decodeAuditEvent(encodeAuditEvent(init))!;
  return { event, index, timeMs: timestampToMs(event.value?.metadata?.time), partOffset: 0, recordOffset: 0 };
}

/** A 1024×768 screen with a tile (not a real PNG: nothing is painted in Node) every `everyMs` up to `untilMs`. */
export function screenEvents(fromMs: number, untilMs: number, everyMs = 500): RecordedEvent[] {
  const events: RecordedEvent[] = fromMs === 0 ? [screenEvent(0, { kind: 'screenSpec', width: 1024, height: 768 })] : [];
  for (let at = fromMs; at <= untilMs; at += everyMs) {
    const left = (at / everyMs) % 8 * 64;
    events.push(screenEvent(at, { kind: 'pngFrame', left, top: 0, right: left + 64, bottom: 64, png: new Uint8Array([at & 0xff, 1, 2, 3]) }));
  }
  return events;
}

/** A session on a fake clock, the feeds it opened, and the events it fired. */
export function scriptedSession(paced = false) {
  const time = new FakeTime();
  const feeds: ScriptedFeed[] = [];
  const events: Array<{ name: MediaEvent; detail?: unknown }> = [];
  const activity: Float32Array[] = [];
  const session = new PlaybackSession(
    { emit: (name, detail) => events.push(detail === undefined ? { name } : { name, detail }), activity: (seconds) => activity.push(seconds) },
    time,
    () => {
      const feed = new ScriptedFeed(paced);
      feeds.push(feed);
      return feed;
    },
  );
  const load = (options: Partial<LoadOptions> = {}): ScriptedFeed => {
    session.load({ source: 'scripted:', preload: Preload.Auto, autoplay: false, loop: false, startAtMs: 0, playbackRate: 1, idleLimitMs: 0, durationHintMs: 0, ...options });
    return feeds[feeds.length - 1]!;
  };
  /** The names fired since the last call. */
  const take = (): string[] => events.splice(0).map((event) => event.name);
  return { session, time, feeds, events, activity, load, take, state: session.snapshot() };
}
