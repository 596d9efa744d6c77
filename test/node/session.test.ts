import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ErrorReason, MediaErrorCode, RecordingError, mediaErrorCodeOf } from '../../src/format/errors.js';
import { Preload, ReadyState } from '../../src/playback-state.js';
import { clipboardEvent, screenEvent, screenEvents, scriptedSession, settle } from '../helpers/scripted-session.js';

/** Event names without the ones that depend on pacing (progress, timeupdate while playing). */
const significant = (names: string[]): string[] => names.filter((name) => name !== 'progress' && name !== 'timeupdate');

describe('PlaybackSession with a scripted feed and a fake clock', () => {
  test('a whole recording: loadstart, metadata, first frame, canplaythrough; play to the end: pause, ended', async () => {
    const { session, time, load, take, state } = scriptedSession();
    const feed = load();
    assert.deepEqual(take(), ['loadstart']);
    feed.deliver(screenEvents(0, 3000));
    feed.sink!.end();
    await settle();
    assert.deepEqual(significant(take()), ['durationchange', 'resize', 'loadedmetadata', 'loadeddata', 'canplay', 'canplaythrough']);
    assert.equal(state.durationMs, 3000);
    assert.equal(state.readyState, ReadyState.HaveEnoughData);
    assert.deepEqual([state.videoWidth, state.videoHeight], [1024, 768]);

    const played = session.play();
    await settle();
    await played;
    assert.deepEqual(take(), ['play', 'playing']);
    await time.advance(1000);
    assert.ok(state.currentTimeMs >= 900 && state.currentTimeMs <= 1000, `played about a second: ${state.currentTimeMs}`);
    assert.ok(take().every((name) => name === 'timeupdate'), 'only timeupdates while playing');
    await time.advance(2100);
    assert.deepEqual(take().slice(-3), ['timeupdate', 'pause', 'ended']);
    assert.equal(state.currentTimeMs, 3000);
    assert.equal(state.ended, true);

    // play() from the end starts over: seeking first.
    void session.play();
    await settle();
    assert.deepEqual(significant(take()), ['seeking', 'play', 'waiting', 'seeked', 'playing']);
    assert.equal(state.currentTimeMs, 0);
  });

  test('a file still loading: playing into the loaded edge waits (readyState 2), data resumes it with canplay, playing', async () => {
    const { session, time, load, take, state } = scriptedSession();
    const feed = load();
    feed.deliver(screenEvents(0, 1000));
    await settle();
    void session.play();
    await settle();
    take();
    await time.advance(1200);
    assert.deepEqual(take().slice(-2), ['timeupdate', 'waiting']);
    assert.equal(state.readyState, ReadyState.HaveCurrentData);
    assert.equal(state.currentTimeMs, 1000);
    await time.advance(500);
    assert.equal(state.currentTimeMs, 1000, 'the clock stands at the edge of a file');

    feed.deliver(screenEvents(1500, 2000));
    await settle();
    assert.deepEqual(significant(take()), ['durationchange', 'canplay', 'playing']);
    assert.equal(state.readyState, ReadyState.HaveFutureData);
    await time.advance(300);
    assert.ok(state.currentTimeMs > 1000 && state.currentTimeMs <= 1300);
  });

  test('seeks: seeking, timeupdate, seeked; a seek during a seek fires seeking twice and one seeked, at the last target', async () => {
    const { session, load, take, state } = scriptedSession();
    const feed = load();
    feed.deliver(screenEvents(0, 5000));
    feed.sink!.end();
    await settle();
    take();
    const first = session.seek(1000);
    const second = session.seek(4000);
    await Promise.all([first, second]);
    assert.deepEqual(take(), ['seeking', 'seeking', 'timeupdate', 'seeked']);
    assert.equal(state.currentTimeMs, 4000);
    assert.equal(state.seeking, false);
    await session.seek(99_000);
    assert.equal(state.currentTimeMs, 5000, 'a seek past the end lands on the end');
    await assert.rejects(session.seek(NaN), TypeError);
  });

  test('a seek while playing keeps playing: no pause, no second playing', async () => {
    const { session, time, load, take, state } = scriptedSession();
    const feed = load();
    feed.deliver(screenEvents(0, 5000));
    feed.sink!.end();
    await settle();
    await session.play();
    take();
    await session.seek(3000);
    assert.deepEqual(significant(take()), ['seeking', 'seeked']);
    await time.advance(500);
    assert.ok(state.currentTimeMs > 3000, 'playing goes on from the target');
    assert.equal(state.paused, false);
  });

  test('markers fire as playback crosses them', async () => {
    const { session, time, load, events } = scriptedSession();
    const feed = load();
    feed.deliver([...screenEvents(0, 2000), clipboardEvent(700, 42)]);
    feed.sink!.end();
    await settle();
    assert.equal(session.snapshot().markers.length, 1);
    await session.play();
    await time.advance(1000);
    const markers = events.filter((event) => event.name === 'marker');
    assert.equal(markers.length, 1);
    assert.equal((markers[0]!.detail as { timeMs: number }).timeMs, 700);
  });

  test('markers out of time order and at equal times fire as playback crosses each, equal times in list order', async () => {
    const { session, time, load, events } = scriptedSession();
    const feed = load();
    feed.deliver([...screenEvents(0, 2000), clipboardEvent(900, 1), clipboardEvent(700, 2), clipboardEvent(700, 3)]);
    await settle();
    feed.deliver([clipboardEvent(1200, 4), clipboardEvent(300, 5)]);
    feed.sink!.end();
    await settle();
    await session.play();
    await time.advance(1500);
    const crossed = events.filter((event) => event.name === 'marker').map((event) => (event.detail as { detail: { length: number } }).detail.length);
    assert.deepEqual(crossed, [5, 2, 3, 1, 4]);
  });

  test('a failure after some data: error with partial, what decoded plays to the end', async () => {
    const { session, time, load, take, state } = scriptedSession();
    const feed = load();
    feed.deliver(screenEvents(0, 2000));
    await settle();
    take();
    feed.sink!.fail(new RecordingError(ErrorReason.Corrupt, 'part 3 is damaged'));
    await settle();
    assert.deepEqual(significant(take()), ['error', 'canplaythrough']);
    assert.deepEqual(state.error, { reason: ErrorReason.Corrupt, message: 'part 3 is damaged', partial: true });
    assert.equal(state.durationMs, 2000);
    assert.equal(feed.closed, true);
    await session.play();
    await time.advance(2500);
    assert.equal(state.ended, true);
  });

  test('a failure with nothing decoded: error, readyState 0, play() rejects with NotSupportedError', async () => {
    const { session, load, take, state } = scriptedSession();
    const feed = load();
    const played = session.play().catch((error: unknown) => error);
    feed.sink!.fail(new TypeError('Failed to fetch'));
    await settle();
    assert.deepEqual(take(), ['loadstart', 'play', 'waiting', 'error']);
    assert.equal(state.error?.reason, ErrorReason.Network);
    assert.equal(state.error?.partial, false);
    assert.equal(state.readyState, ReadyState.HaveNothing);
    assert.ok(Number.isNaN(state.durationMs));
    assert.equal(((await played) as DOMException).name, 'NotSupportedError');
    await assert.rejects(session.play(), { name: 'NotSupportedError' });
  });

  test('a download cancelled from outside after some data: abort (not error), aborted with partial, what decoded plays', async () => {
    const { session, time, load, take, state } = scriptedSession();
    const feed = load();
    feed.deliver(screenEvents(0, 2000));
    await settle();
    take();
    feed.sink!.fail(new DOMException('The user aborted a request.', 'AbortError'));
    await settle();
    assert.deepEqual(significant(take()), ['abort', 'canplaythrough']);
    assert.equal(state.error?.reason, ErrorReason.Aborted);
    assert.equal(state.error?.partial, true);
    assert.equal(mediaErrorCodeOf[state.error!.reason], MediaErrorCode.Aborted);
    await session.play();
    await time.advance(2500);
    assert.equal(state.ended, true);
  });

  test('a download cancelled from outside before any data: abort, readyState 0, play() rejects', async () => {
    const { session, load, take, state } = scriptedSession();
    const feed = load();
    feed.sink!.fail(new DOMException('The user aborted a request.', 'AbortError'));
    await settle();
    assert.deepEqual(take(), ['loadstart', 'abort']);
    assert.deepEqual(state.error, { reason: ErrorReason.Aborted, message: 'loading the recording failed: The user aborted a request.', partial: false });
    assert.equal(state.readyState, ReadyState.HaveNothing);
    await assert.rejects(session.play(), { name: 'NotSupportedError' });
  });

  test('a screen larger than the player allows fails the load with screen-too-large', async () => {
    const { load, state } = scriptedSession();
    const feed = load();
    feed.deliver([screenEvent(0, { kind: 'screenSpec', width: 9000, height: 9000 })]);
    await settle();
    assert.equal(state.error?.reason, ErrorReason.ScreenTooLarge);
    assert.equal(feed.closed, true);
  });

  test('a new load closes the old feed, fires emptied and loadstart, and rejects a pending play()', async () => {
    const { session, load, take, feeds } = scriptedSession();
    load();
    const played = session.play();
    take();
    const second = load();
    assert.equal(feeds[0]!.closed, true);
    assert.equal(second.closed, false);
    assert.deepEqual(take(), ['emptied', 'loadstart']);
    await assert.rejects(played, { name: 'AbortError' });
    // The closed feed's late events change nothing.
    feeds[0]!.sink!.events(screenEvents(0, 1000));
    await settle();
    assert.deepEqual(take(), []);
  });

  test('preload="none" opens the feed only at the first play()', async () => {
    const { session, load, feeds } = scriptedSession();
    session.load({ source: 'scripted:', preload: 'none', autoplay: false, loop: false, startAtMs: 0, playbackRate: 1, idleLimitMs: 0, durationHintMs: 0 });
    assert.equal(feeds.length, 0);
    void session.play();
    assert.equal(feeds.length, 1);
    void load;
  });

  test('preload="metadata": reading waits after the first frame until play(), a seek, or a new load', async () => {
    const { session, load } = scriptedSession();
    const feed = load({ preload: Preload.Metadata });
    assert.equal(feed.sink!.ready(), undefined, 'nothing held before the first frame');
    feed.deliver(screenEvents(0, 1000));
    await settle();
    const held = (ready: Promise<void> | undefined): Promise<boolean> =>
      Promise.race([ready!.then(() => false), settle().then(() => true)]);
    const afterFirstFrame = feed.sink!.ready();
    assert.ok(afterFirstFrame, 'reading waits once the first frame is painted');
    assert.equal(await held(afterFirstFrame), true, 'and keeps waiting while nothing needs more');
    void session.play().catch(() => {});
    assert.equal(await held(afterFirstFrame), false, 'play() lets it go on');
    assert.equal(feed.sink!.ready(), undefined);

    const second = load({ preload: Preload.Metadata });
    second.deliver(screenEvents(0, 1000));
    await settle();
    const waiting = second.sink!.ready();
    assert.equal(await held(waiting), true);
    void session.seek(500);
    assert.equal(await held(waiting), false, 'a seek lets it go on');

    const third = load({ preload: Preload.Metadata, autoplay: true });
    third.deliver(screenEvents(0, 1000));
    await settle();
    assert.equal(third.sink!.ready(), undefined, 'autoplay reads on');
  });

  test('a paced feed: steered by play, pause and rate; asked for a start position and for a seek past its edge', async () => {
    const { session, time, load, take, state } = scriptedSession(true);
    const feed = load({ startAtMs: 20_000, durationHintMs: 60_000 });
    assert.deepEqual(feed.wanted, [20_000]);
    feed.deliver(screenEvents(0, 1000));
    await settle();
    assert.equal(state.durationMs, 60_000, 'the duration hint stands for the length');
    feed.deliver(screenEvents(20_000, 21_000));
    await settle();
    await session.play();
    assert.equal(feed.steering.at(-1)!.playing, true);
    session.setPlaybackRate(2);
    assert.equal(feed.steering.at(-1)!.rate, 2);
    session.pause();
    assert.equal(feed.steering.at(-1)!.playing, false);
    take();

    const seek = session.seek(40_000);
    await settle();
    assert.deepEqual(feed.wanted, [20_000, 40_000]);
    assert.equal(state.seeking, true);
    assert.equal(state.currentTimeMs, 40_000, 'currentTime reads the target at once');
    feed.deliver(screenEvents(40_000, 41_000));
    await seek;
    assert.deepEqual(significant(take()), ['seeking', 'waiting', 'canplay', 'seeked']);
    assert.equal(state.currentTimeMs, 40_000);
    void time;
  });

  test("a paced feed's edge: the clock runs on while waiting, and playing resumes behind the newest data", async () => {
    const { session, time, load, take, state } = scriptedSession(true);
    const feed = load();
    feed.deliver(screenEvents(0, 1000));
    await settle();
    await session.play();
    await time.advance(1500);
    assert.equal(take().at(-1), 'waiting');
    await time.advance(1000);
    feed.deliver(screenEvents(2500, 4000));
    await settle();
    assert.deepEqual(significant(take()), ['durationchange', 'canplay', 'playing']);
    assert.equal(state.currentTimeMs, 2500, 'the clock ran on from the edge while waiting');
    feed.deliver(screenEvents(4500, 4500));
    await time.advance(7000);
    assert.equal(take().at(-1), 'waiting');
    feed.deliver(screenEvents(5000, 9000));
    await settle();
    assert.equal(state.currentTimeMs, 8500, 'after a long wait it resumes half a second behind the newest data');
  });

  test('a feed that knows the length before the data (a random-access feed): duration at metadata, and a seek past the delivered edge asks it and waits', async () => {
    const { session, load, take, state } = scriptedSession();
    const feed = load();
    feed.sink!.duration(NaN);
    feed.sink!.duration(-5);
    feed.sink!.duration(3_600_000);
    feed.deliver(screenEvents(0, 2000));
    await settle();
    assert.equal(state.durationMs, 3_600_000, 'the whole length at loadedmetadata');
    take();
    const seek = session.seek(3_000_000);
    await settle();
    assert.deepEqual(feed.wanted, [3_000_000]);
    assert.equal(state.currentTimeMs, 3_000_000, 'never clamped to what has arrived');
    assert.equal(state.seeking, true);
    assert.equal(state.readyState, ReadyState.HaveMetadata, 'no data for the position yet');
    feed.deliver(screenEvents(3_000_000, 3_001_000));
    await seek;
    assert.deepEqual(significant(take()), ['seeking', 'waiting', 'canplay', 'seeked']);
    assert.equal(state.readyState, ReadyState.HaveFutureData);
    assert.equal(state.currentTimeMs, 3_000_000);
    assert.equal(state.durationMs, 3_600_000);
  });

  test('a file whose length is not known yet: a seek past the loaded edge is not clamped, waits while the duration grows, and lands exactly', async () => {
    const { session, load, take, state } = scriptedSession();
    const feed = load();
    feed.deliver(screenEvents(0, 2000));
    await settle();
    assert.equal(state.durationMs, 2000, 'the loaded length stands for the duration');
    take();
    const seek = session.seek(9000);
    assert.equal(state.currentTimeMs, 9000, 'currentTime reads the target at once, past the duration so far');
    assert.equal(state.seeking, true);
    feed.deliver(screenEvents(2500, 6000));
    await settle();
    assert.equal(state.seeking, true, 'still short of the target');
    assert.equal(state.currentTimeMs, 9000);
    feed.deliver(screenEvents(6500, 12_000));
    await seek;
    assert.deepEqual(significant(take()), ['seeking', 'waiting', 'durationchange', 'durationchange', 'canplay', 'seeked']);
    assert.equal(state.currentTimeMs, 9000);
    assert.equal(state.durationMs, 12_000);
  });

  test('a file whose length grows as it is read: durationchange goes out with progress, at most once an interval, the last length at once at the end', async () => {
    const { time, load, take, state } = scriptedSession();
    const feed = load();
    feed.deliver(screenEvents(0, 2000));
    await settle();
    await time.advance(400);
    take();
    // Ten pieces within one interval, each longer: one durationchange (with the progress the
    // first piece is due), the length of the later ones held back.
    for (let piece = 1; piece <= 10; piece++) {
      feed.deliver(screenEvents(2000 + piece * 500, 2000 + piece * 500));
      await settle();
    }
    assert.deepEqual(take(), ['durationchange', 'progress']);
    assert.equal(state.durationMs, 2500);
    assert.equal(state.bufferedMs, 7000, 'what is buffered is known at once');
    // The interval is up: the longest length, then progress, even though nothing more was read.
    await time.advance(350);
    assert.deepEqual(take(), ['durationchange', 'progress']);
    assert.equal(state.durationMs, 7000);
    feed.deliver(screenEvents(7500, 8000));
    await settle();
    feed.sink!.end();
    await settle();
    assert.deepEqual(significant(take()), ['durationchange', 'canplaythrough'], 'the end says its length at once');
    assert.equal(state.durationMs, 8000);
  });

  test('a length held back goes out at once when playback could reach it before the next progress', async () => {
    const { session, time, load, take, state } = scriptedSession();
    const feed = load();
    feed.deliver(screenEvents(0, 2000));
    await settle();
    await time.advance(400);
    session.setPlaybackRate(8);
    await session.play();
    take();
    // Playing at 8× from 0, an interval (350 ms) reaches 2800 ms: past the 2000 ms end, and past 2500.
    feed.deliver(screenEvents(2500, 2500));
    await settle();
    feed.deliver(screenEvents(3000, 3000));
    await settle();
    assert.deepEqual(take().filter((name) => name === 'durationchange'), ['durationchange', 'durationchange']);
    assert.equal(state.durationMs, 3000);
    // Out of that reach: held back until the interval is up, then the longest length at once.
    feed.deliver(screenEvents(3500, 9000));
    await settle();
    feed.deliver(screenEvents(9500, 12_000));
    await settle();
    assert.deepEqual(take().filter((name) => name === 'durationchange'), []);
    assert.equal(state.durationMs, 3000);
    await time.advance(350);
    assert.deepEqual(take().filter((name) => name === 'durationchange'), ['durationchange']);
    assert.equal(state.durationMs, 12_000);
  });

  test('the position never passes the length said: one held back goes out before playing passes the last one (a seek to the end, "Go live")', async () => {
    const { session, time, load, take, state } = scriptedSession();
    const feed = load();
    feed.deliver(screenEvents(0, 2000));
    await settle();
    await time.advance(400);
    await session.play();
    // Far behind the end, a longer length is held back until the interval is up (the first piece goes out with its progress).
    feed.deliver(screenEvents(2500, 3000));
    await settle();
    feed.deliver(screenEvents(3500, 9000));
    await settle();
    assert.equal(state.durationMs, 3000);
    take();
    // A seek to the end said: playing goes on into what arrived beyond it, and says the longer length first.
    await session.seek(state.durationMs);
    for (let elapsed = 0; elapsed < 1000; elapsed += 16) {
      await time.advance(16);
      assert.ok(state.currentTimeMs <= state.durationMs, `at ${state.currentTimeMs} ms of ${state.durationMs} ms`);
    }
    assert.ok(state.currentTimeMs > 3000, 'it played on');
    assert.equal(state.durationMs, 9000);
    const names = take();
    assert.ok(names.indexOf('durationchange') < names.lastIndexOf('timeupdate'), 'the length goes out before the position passes the old one');
  });

  test('a seek past the end of a recording still loading lands on its end once it is complete; playing through waits, then plays', async () => {
    const { session, load, take, state } = scriptedSession();
    const feed = load();
    feed.deliver(screenEvents(0, 2000));
    await settle();
    await session.play();
    take();
    const seek = session.seek(60_000);
    assert.equal(state.currentTimeMs, 60_000);
    feed.deliver(screenEvents(2500, 5000));
    feed.sink!.end();
    await seek;
    assert.equal(state.currentTimeMs, 5000, 'clamped to the final duration only');
    assert.deepEqual(significant(take()), ['seeking', 'waiting', 'durationchange', 'canplay', 'seeked', 'playing', 'canplaythrough']);
  });

  test('exporting past what a paced feed delivered is refused with a reason', async () => {
    const { session, load } = scriptedSession(true);
    const feed = load();
    feed.deliver(screenEvents(0, 1000));
    await settle();
    await assert.rejects(session.exportVideo({ endMs: 5000 }, () => {}, new AbortController().signal), /only what has arrived can be exported/);
  });

  test('autoplay: play and playing follow the first frame; loop: the end seeks to 0 and plays on without pause or ended', async () => {
    const { time, load, take, state } = scriptedSession();
    const feed = load({ autoplay: true, loop: true });
    feed.deliver(screenEvents(0, 1000));
    feed.sink!.end();
    await settle();
    assert.deepEqual(significant(take()), ['loadstart', 'durationchange', 'resize', 'loadedmetadata', 'loadeddata', 'canplay', 'canplaythrough', 'play', 'playing']);
    await time.advance(1100);
    const looped = significant(take());
    assert.deepEqual(looped, ['seeking', 'seeked']);
    assert.equal(state.paused, false);
    assert.equal(state.ended, false);
    assert.ok(state.currentTimeMs < 200, `playing again from the start: ${state.currentTimeMs}`);
  });

  test('a seek before metadata sets the start position; start-at past the end lands on the end', async () => {
    const { session, load, state } = scriptedSession();
    const feed = load();
    await session.seek(1500);
    assert.equal(state.seeking, false, 'no seek before metadata');
    feed.deliver(screenEvents(0, 2000));
    await settle();
    assert.equal(state.currentTimeMs, 1500);

    const { load: loadOther, state: other } = scriptedSession();
    const short = loadOther({ startAtMs: 60_000 });
    short.deliver(screenEvents(0, 2000));
    short.sink!.end();
    await settle();
    assert.equal(other.currentTimeMs, 2000);
  });

  test('the activity track goes to the host empty at a load and once complete at the end', async () => {
    const { load, activity } = scriptedSession();
    const feed = load();
    assert.equal(activity.at(-1)!.length, 0);
    feed.deliver(screenEvents(0, 4000));
    feed.sink!.end();
    await settle();
    assert.ok(activity.at(-1)!.length >= 4, 'a second per entry, to the end');
  });
});
