// EngineClient on its own (no element): requests matched to responses, errors rebuilt with their
// kinds, event snapshots put back together with the recording's metadata, in a worker and in-page.
import { expect } from '@open-wc/testing';
import { EngineClient } from '../../src/worker/worker-client.js';
import { RequestMethod, type EventMessage, type LoadParams } from '../../src/worker/protocol.js';
import { Preload } from '../../src/playback-state.js';
import { encodeTdp } from '../../src/format/tdp.js';
import type { AuditEventInit } from '../../src/format/events.js';
import { desktopRecording, writeRecording } from '../helpers/recording-bytes.js';
import { screenRecording } from '../helpers/screen-recording.js';
import { nextEvent } from '../helpers/next-event.js';

async function recording(): Promise<ArrayBuffer> {
  const bytes = await screenRecording([
    { timeMs: 0, screen: { width: 128, height: 64 } },
    { timeMs: 0, tile: { left: 0, top: 0, color: [200, 0, 0] } },
    { timeMs: 1000, clipboardSend: { length: 12 } },
    { timeMs: 2000, tile: { left: 64, top: 0, color: [0, 0, 200] } },
  ]);
  return bytes.slice().buffer as ArrayBuffer;
}

const load = (source: ArrayBuffer): LoadParams => ({ source, preload: Preload.Auto, autoplay: false, loop: false, startAtMs: 0, playbackRate: 1, idleLimitMs: 0, durationHintMs: 0 });

function client(inPage: boolean) {
  const events: EventMessage[] = [];
  const target = new EventTarget();
  const failures: Error[] = [];
  const engine = new EngineClient({
    inPage,
    onEvent: (message) => {
      events.push(message);
      target.dispatchEvent(new Event(message.name));
    },
    onFailure: (error) => failures.push(error),
  });
  return { engine, events, target, failures };
}

for (const inPage of [false, true]) {
  describe(`EngineClient (${inPage ? 'in-page' : 'worker'})`, () => {
    it('answers requests by id; every event carries the whole snapshot, metadata included', async () => {
      const { engine, events, target } = client(inPage);
      const loaded = nextEvent(target, 'canplaythrough');
      await engine.request(RequestMethod.Load, load(await recording()));
      await loaded;
      expect(engine.started).to.equal(true);
      const names = events.map((event) => event.name).filter((name) => name !== 'progress');
      expect(names).to.deep.equal(['loadstart', 'durationchange', 'resize', 'loadedmetadata', 'loadeddata', 'canplay', 'canplaythrough']);
      const last = events.at(-1)!.state;
      expect(last.durationMs).to.equal(2000);
      expect(last.markers.map((marker) => marker.type)).to.deep.equal(['desktop.clipboard.send']);
      expect(last.recording).to.be.an('object');
      expect(last.startDateMs, 'the start date comes with the events').to.be.a('number');
      for (const event of events) expect(Array.isArray(event.state.markers), `${event.name} has markers`).to.equal(true);

      await engine.request(RequestMethod.Seek, { timeMs: 1500 });
      const seeked = events.at(-1)!;
      expect(seeked.name).to.equal('seeked');
      expect(seeked.state.currentTimeMs).to.equal(1500);
      expect(seeked.state.markers, 'unchanged metadata is the same object').to.equal(last.markers);
      engine.terminate();
    });

    it('markers that arrive over the load add up to the whole list, in order; a snapshot handed out keeps its own', async () => {
      const count = 50_000;
      const events: AuditEventInit[] = [desktopRecording(0, 0, encodeTdp({ kind: 'screenSpec', width: 128, height: 64 }))];
      for (let i = 0; i < count; i++) events.push(desktopRecording(events.length, 36 * (i + 1), encodeTdp({ kind: 'alert', message: `Alert ${i}`, severity: 1 })));
      const { engine, events: seen, target } = client(inPage);
      const loaded = nextEvent(target, 'canplaythrough', 60_000);
      await engine.request(RequestMethod.Load, load(writeRecording(events).slice().buffer as ArrayBuffer));
      await loaded;
      // What each event's snapshot had when it came: the list only grows, and an earlier one is not changed later.
      const lengths = seen.map((event) => event.state.markers.length);
      expect(lengths.some((length) => length > 0 && length < count), 'markers arrived over several events').to.equal(true);
      const markers = seen.at(-1)!.state.markers;
      expect(markers.length).to.equal(count);
      markers.forEach((marker, i) => {
        if (marker.timeMs !== 36 * (i + 1) || marker.label !== `Warning: Alert ${i}`) expect.fail(`marker ${i}: ${marker.timeMs} ms, ${marker.label}`);
      });
      seen.forEach((event, i) => {
        expect(event.state.markers.length, `${event.name} keeps its markers`).to.equal(lengths[i]);
        expect(event.state.markers.every((marker, j) => marker.label === markers[j]!.label), `${event.name}: a prefix of the whole list`).to.equal(true);
      });
      engine.terminate();
    });

    it('rebuilds errors with their kinds, and rejects everything once terminated', async () => {
      const { engine } = client(inPage);
      const seek = await engine.request(RequestMethod.Seek, { timeMs: NaN }).catch((error: unknown) => error);
      expect(seek).to.be.instanceOf(TypeError);
      const rate = await engine.request(RequestMethod.SetRate, { rate: 500 }).catch((error: unknown) => error);
      expect(rate).to.be.instanceOf(DOMException);
      expect((rate as DOMException).name).to.equal('NotSupportedError');
      const aborted = new AbortController();
      aborted.abort();
      const exported = await engine.exportVideo({}, undefined, aborted.signal).catch((error: unknown) => error);
      expect((exported as DOMException).name).to.equal('AbortError');

      const pending = engine.request(RequestMethod.Load, load(await recording())).catch((error: unknown) => error);
      engine.terminate();
      expect(((await pending) as DOMException).name).to.equal('AbortError');
      const late = await engine.request(RequestMethod.Pause, undefined).catch((error: unknown) => error);
      expect((late as DOMException).name).to.equal('InvalidStateError');
    });
  });
}

describe('EngineClient failures', () => {
  it('an engine that cannot start reports the failure and rejects what was asked of it', async () => {
    const failures: Error[] = [];
    const failed = new Promise<void>((resolve) => {
      const engine = new EngineClient({
        workerSrc: new URL('/no-such-worker.js', location.href).href,
        onEvent: () => {},
        onFailure: (error) => {
          failures.push(error);
          resolve();
        },
      });
      void engine.request(RequestMethod.Pause, undefined).catch((error: unknown) => failures.push(error as Error));
    });
    await failed;
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(failures.length).to.equal(2);
    expect(failures[0]!.message).to.match(/player worker failed/);
  });
});
