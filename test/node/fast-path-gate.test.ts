import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { carriesFastPath, fastPathGate } from '../../src/core/fast-path-gate.js';
import type { FeedSink } from '../../src/core/feeds/feed.js';
import type { RecordedEvent } from '../../src/format/events.js';
import { encodeTdpb } from '../../src/format/tdp.js';
import { encodeAuditEvent } from '../../src/format/events.js';
import { decodeAuditEvent } from '../../src/format/wire/audit-events.js';
import { T0, desktopRecording } from '../helpers/recording-bytes.js';
import { screenEvent } from '../helpers/scripted-session.js';

const png = Uint8Array.of(1, 2, 3);
const pngEvents = (): RecordedEvent[] => [
  screenEvent(0, { kind: 'screenSpec', width: 64, height: 64 }),
  screenEvent(10, { kind: 'pngFrame', left: 0, top: 0, right: 64, bottom: 64, png }),
];
const fastPathEvent = (timeMs: number): RecordedEvent => screenEvent(timeMs, { kind: 'fastPathPdu', data: Uint8Array.of(0, 3, 0) });

/** A sink that writes down what reaches it, in order. */
function recordingSink(): { sink: FeedSink; seen: string[] } {
  const seen: string[] = [];
  const sink: FeedSink = {
    events: (events) => void seen.push(`events ${events.map((event) => event.timeMs! - T0).join(',')}`),
    ready: () => undefined,
    duration: (ms) => void seen.push(`duration ${ms}`),
    sessionEnds: (events) => void seen.push(`sessionEnds ${events.length}`),
    rangeReads: (status) => void seen.push(`rangeReads ${status}`),
    live: () => void seen.push('live'),
    caughtUp: () => void seen.push('caughtUp'),
    end: () => void seen.push('end'),
    fail: (error) => void seen.push(`fail ${(error as Error).message}`),
  };
  return { sink, seen };
}

/** A load the test settles by hand. */
function manualLoad(): { load: () => Promise<unknown>; calls: () => number; resolve(): void; reject(error: Error): void } {
  let calls = 0;
  let settle!: { resolve(): void; reject(error: Error): void };
  const promise = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
  return { load: () => ((calls += 1), promise), calls: () => calls, resolve: () => settle.resolve(), reject: (error) => settle.reject(error) };
}

describe('fastPathGate', () => {
  test('tells fast-path and TDPB batches from PNG-era ones', () => {
    assert.equal(carriesFastPath(pngEvents()), false);
    assert.equal(carriesFastPath([...pngEvents(), fastPathEvent(20)]), true);
    const init = desktopRecording(7, 0, new Uint8Array(0));
    assert.ok(init.case === 'desktopRecording');
    const tdpb = decodeAuditEvent(encodeAuditEvent({ ...init, value: { ...init.value, tdpbMessage: encodeTdpb({ kind: 'screenSpec', width: 8, height: 8 }) } }))!;
    assert.equal(carriesFastPath([{ event: tdpb, index: 7, timeMs: 0, partOffset: 0, recordOffset: 0 }]), true);
  });

  test('a PNG-era recording passes straight through and never loads the chunk', () => {
    const { sink, seen } = recordingSink();
    const load = manualLoad();
    const gate = fastPathGate(sink, load.load);
    gate.rangeReads('local', '');
    gate.events(pngEvents());
    assert.equal(gate.ready(), undefined);
    gate.end();
    assert.deepEqual(seen, ['rangeReads local', 'events 0,10', 'end']);
    assert.equal(load.calls(), 0);
  });

  test('the first fast-path batch and every report after it wait for the load, then arrive in order', async () => {
    const { sink, seen } = recordingSink();
    const load = manualLoad();
    const gate = fastPathGate(sink, load.load);
    gate.events(pngEvents());
    gate.events([fastPathEvent(20)]);
    const ready = gate.ready();
    assert.ok(ready instanceof Promise, 'a feed reading as fast as it can waits');
    gate.events([fastPathEvent(30)]);
    gate.duration(40);
    gate.caughtUp();
    gate.end();
    assert.deepEqual(seen, ['events 0,10']);
    assert.equal(load.calls(), 1);
    load.resolve();
    await ready;
    assert.deepEqual(seen, ['events 0,10', 'events 20', 'events 30', 'duration 40', 'caughtUp', 'end']);
    gate.events([fastPathEvent(50)]);
    assert.equal(seen.at(-1), 'events 50', 'once loaded, nothing waits');
    assert.equal(load.calls(), 1);
  });

  test('reports the sink takes while the held ones drain queue behind them', async () => {
    const seen: string[] = [];
    const load = manualLoad();
    let gate!: FeedSink;
    const { sink } = recordingSink();
    gate = fastPathGate(
      {
        ...sink,
        // A feed that answers a batch at once with the next one (steered from inside the sink).
        events: (events) => {
          seen.push(`events ${events[0]!.timeMs! - T0}`);
          if (events[0]!.timeMs! - T0 === 20) gate.events([fastPathEvent(25)]);
        },
        end: () => void seen.push('end'),
      },
      load.load,
    );
    gate.events([fastPathEvent(20)]);
    gate.end();
    load.resolve();
    await gate.ready();
    assert.deepEqual(seen, ['events 20', 'end', 'events 25']);
  });

  test('a chunk that cannot load fails the load with why, and nothing else arrives', async () => {
    const { sink, seen } = recordingSink();
    const load = manualLoad();
    const gate = fastPathGate(sink, load.load);
    gate.events(pngEvents());
    gate.events([fastPathEvent(20)]);
    gate.end();
    load.reject(new TypeError('Failed to fetch dynamically imported module'));
    await gate.ready();
    gate.events([fastPathEvent(30)]);
    assert.deepEqual(seen, ['events 0,10', 'fail the fast-path decoder could not be loaded (Failed to fetch dynamically imported module)']);
  });
});
