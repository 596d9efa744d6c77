// Navigable before downloaded: recordings served paced, with Range honoured, ignored or answered
// wrongly (test/tools/paced-range-middleware.mjs), and the whole-file download held partway so the
// target of a seek has certainly not arrived. The duration at loadedmetadata, currentTime right
// after the assignment, the event order while the seek waits, and the screen at the target pixel
// for pixel against the reference; never elapsed time.
import { expect, fixture, html } from '@open-wc/testing';
import '../../src/define.js';
import type { DesktopRecordingPlayer } from '../../src/index.js';
import { readRecording } from '../../src/format/reader.js';
import { TimelineBuilder } from '../../src/format/timeline.js';
import { nextEvent } from '../helpers/next-event.js';
import { PNG_SAMPLE, REMOTEFX_SAMPLE, expectNoByteTwice, expectScreenAt, player, recordEvents, serve } from '../helpers/range-serve.js';
import { press } from './element-fixtures.js';

describe('a recording whose server answers Range requests, on a paced link', () => {
  for (const file of [PNG_SAMPLE, REMOTEFX_SAMPLE]) {
    it(`${file}: the whole duration at loadedmetadata, and a seek past what arrived waits and lands exactly`, async () => {
      const served = await serve(file, 'honest');
      const element = await player();
      const seen = recordEvents(element);
      const metadata = nextEvent(element, 'loadedmetadata');
      element.src = served.url;
      await metadata;
      expect(element.duration * 1000, 'the final duration at loadedmetadata').to.equal(served.durationMs);
      expect(element.rangeReads.status).to.equal('used');
      const [, tailReads] = /its end was read first \(\d+ bytes in (\d+) requests?\)/.exec(element.rangeReads.detail) ?? [];
      expect(Number(tailReads), element.rangeReads.detail).to.be.within(1, 2);
      expect(element.seekable.end(0)).to.equal(element.duration);
      expect(element.recording.sessionEnd, 'the session end, read from the end of the file').to.be.instanceOf(Date);
      const endAtMetadata = { participants: element.recording.participants, sessionEnd: element.recording.sessionEnd?.getTime() };

      const target = Math.floor(served.durationMs * 0.9) / 1000;
      const waiting = nextEvent(element, 'waiting');
      const seeked = nextEvent(element, 'seeked');
      element.currentTime = target;
      expect(element.currentTime, 'currentTime reads the target right after the assignment').to.equal(target);
      expect(element.seeking, 'seeking is true right after the assignment').to.equal(true);
      await waiting;
      expect(element.seeking).to.equal(true);
      expect(element.currentTime).to.equal(target);
      expect(element.readyState, 'no data for the target yet').to.equal(1);
      expect(element.buffered.end(0), 'the target has not arrived').to.be.below(target);
      await served.release();
      await seeked;
      expect(element.currentTime).to.equal(target);
      expect(element.duration * 1000).to.equal(served.durationMs);
      const fromMetadata = seen.slice(seen.indexOf('loadedmetadata'));
      expect(fromMetadata.filter((name) => name === 'durationchange'), 'the duration never changed after loadedmetadata').to.deep.equal([]);
      expect(fromMetadata.filter((name) => ['seeking', 'waiting', 'seeked'].includes(name))).to.deep.equal(['seeking', 'waiting', 'seeked']);
      expect(seen).to.not.include('error');
      const complete = element.readyState === 4 ? Promise.resolve() : nextEvent(element, 'canplaythrough');
      await complete;
      expect(endAtMetadata, 'what the end said ahead is what the whole file says').to.deep.equal({ participants: element.recording.participants, sessionEnd: element.recording.sessionEnd?.getTime() });
      await expectScreenAt(element, served.bytes, target * 1000, file === REMOTEFX_SAMPLE);
      const ranges = (await served.log()).filter((request) => request.range !== null);
      expect(ranges.slice(0, Number(tailReads)).map((request) => request.range), 'the tail read first').to.satisfy((asked: string[]) => asked[0]!.startsWith('bytes=-'));
      expect(ranges.map((request) => request.status), 'every range answered').to.deep.equal(Array(ranges.length).fill(206));
      expectNoByteTwice(ranges, served.bytes.length);
    });
  }

  it('the keyboard: End past what arrived seeks to the whole duration, waits, and shows the last screen', async () => {
    const served = await serve(PNG_SAMPLE, 'honest');
    const element = await fixture<DesktopRecordingPlayer>(html`<desktop-recording-player controls style="width: 480px"></desktop-recording-player>`);
    const metadata = nextEvent(element, 'loadedmetadata');
    element.src = served.url;
    await metadata;
    const waiting = nextEvent(element, 'waiting');
    const seeked = nextEvent(element, 'seeked');
    expect(press(element, 'End'), 'End is handled').to.equal(true);
    expect(element.currentTime).to.equal(served.durationMs / 1000);
    await waiting;
    expect(element.seeking).to.equal(true);
    await served.release();
    await seeked;
    expect(element.currentTime).to.equal(served.durationMs / 1000);
    await expectScreenAt(element, served.bytes, served.durationMs);
  });

  it('start-at past what arrived: loadedmetadata at the start position with the whole duration, the first frame exactly there', async () => {
    const served = await serve(PNG_SAMPLE, 'honest');
    const element = await player();
    const startSeconds = 100;
    element.setAttribute('start-at', String(startSeconds));
    const metadata = nextEvent(element, 'loadedmetadata');
    const loaded = nextEvent(element, 'loadeddata');
    element.src = served.url;
    await metadata;
    expect(element.duration * 1000).to.equal(served.durationMs);
    expect(element.currentTime, 'never clamped to what arrived').to.equal(startSeconds);
    expect(element.readyState).to.equal(1);
    await served.release();
    await loaded;
    expect(element.currentTime).to.equal(startSeconds);
    await expectScreenAt(element, served.bytes, startSeconds * 1000);
  });
});

describe('a server that ignores Range (200 with the whole file), on a paced link', () => {
  it('streams: the duration grows with durationchange, and fastSeek past the loaded edge waits and lands exactly, never clamped', async () => {
    const served = await serve(PNG_SAMPLE, 'ignore');
    const element = await player();
    const seen = recordEvents(element);
    const metadata = nextEvent(element, 'loadedmetadata');
    element.src = served.url;
    await metadata;
    expect(element.rangeReads.status).to.equal('unsupported');
    expect(element.rangeReads.detail).to.match(/ignores Range/);
    const target = Math.floor(served.durationMs * 0.8) / 1000;
    expect(element.duration, 'only what arrived is known').to.be.below(target);

    const waiting = nextEvent(element, 'waiting');
    const seeked = nextEvent(element, 'seeked');
    element.fastSeek(target);
    expect(element.currentTime, 'past the duration so far, not clamped to it').to.equal(target);
    await waiting;
    expect(element.seeking).to.equal(true);
    const complete = nextEvent(element, 'canplaythrough');
    await served.release();
    await seeked;
    expect(element.currentTime).to.equal(target);
    expect(seen.slice(seen.indexOf('seeking'), seen.indexOf('seeked')).filter((name) => name === 'durationchange').length, 'the duration grew while the seek waited').to.be.above(0);
    expect(seen).to.not.include('error');
    await expectScreenAt(element, served.bytes, target * 1000);
    await complete;
    expect(element.duration * 1000).to.equal(served.durationMs);
  });
});

describe('a server that answers a range wrongly', () => {
  for (const [mode, said] of [
    ['wrong-range', /Content-Range "bytes \d+-\d+\/\d+"/],
    ['truncated', /cut .* short/],
    ['416', /answered 416/],
  ] as const) {
    it(`${mode}: detected and reported once (rangeReads), never an error event; the file streams and plays to its end`, async () => {
      const served = await serve(PNG_SAMPLE, mode);
      const element = await player();
      const seen = recordEvents(element);
      const metadata = nextEvent(element, 'loadedmetadata');
      element.src = served.url;
      await metadata;
      expect(element.rangeReads.status).to.equal('unreliable');
      expect(element.rangeReads.detail).to.match(said);
      expect(element.rangeReads.detail).to.match(/streamed from its start instead/);
      const complete = nextEvent(element, 'canplaythrough');
      await served.release();
      await complete;
      expect(element.duration * 1000).to.equal(served.durationMs);
      expect(element.error).to.equal(null);
      expect(seen).to.not.include('error');
      const log = await served.log();
      expect(log.filter((request) => request.range !== null).length, 'one range request, then no more').to.equal(1);
    });
  }
});

describe('local sources', () => {
  it('a Blob (srcObject), a blob: URL and a data: URL: the whole duration at loadedmetadata, rangeReads local', async () => {
    const bytes = new Uint8Array(await (await fetch(`/demo/recordings/${REMOTEFX_SAMPLE}`)).arrayBuffer());
    const timeline = new TimelineBuilder();
    for (const event of (await readRecording(bytes)).events) timeline.add(event);
    timeline.finish();
    const blob = new Blob([bytes as BlobPart]);
    const dataUrl = await new Promise<string>((resolve) => {
      const reader = new FileReader();
      reader.onload = () => resolve(reader.result as string);
      reader.readAsDataURL(blob);
    });
    for (const assign of [
      (element: DesktopRecordingPlayer) => (element.srcObject = blob),
      (element: DesktopRecordingPlayer) => (element.src = URL.createObjectURL(blob)),
      (element: DesktopRecordingPlayer) => (element.src = dataUrl),
    ]) {
      const element = await player();
      const metadata = nextEvent(element, 'loadedmetadata');
      assign(element);
      await metadata;
      expect(element.duration * 1000).to.equal(timeline.durationMs);
      expect(element.rangeReads.status).to.equal('local');
    }
  });
});

