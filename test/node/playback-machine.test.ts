import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { PlaybackMachine, Phase, TRANSITIONS, Transition } from '../../src/core/playback-machine.js';
import { ReadyState, initialSnapshot, type MediaEvent } from '../../src/playback-state.js';

/** A machine whose effects are recorded: the events in order, and whether the clock runs. */
function machine() {
  const state = initialSnapshot();
  const events: string[] = [];
  const clock = { running: false, runs: 0, awaited: 0 };
  const m = new PlaybackMachine(state, {
    emit: (name: MediaEvent) => events.push(name),
    run: () => {
      clock.running = true;
      clock.runs += 1;
    },
    halt: (keepClock) => {
      if (!keepClock) clock.running = false;
    },
    awaitData: () => void (clock.awaited += 1),
  });
  const take = (): string[] => events.splice(0);
  return { m, state, clock, take };
}

/** Loaded to the first frame, paused. */
function ready() {
  const it = machine();
  it.m.load(true, false);
  it.m.metadata();
  it.m.firstFrame();
  it.take();
  return it;
}

const settled = async (promise: Promise<void>): Promise<string> => {
  const marker = Symbol('pending');
  const outcome = await Promise.race([promise.then(() => 'resolved', (error: DOMException) => `rejected ${error.name}`), Promise.resolve().then(() => marker)]);
  return outcome === marker ? 'pending' : (outcome as string);
};

describe('playback state machine', () => {
  test('a load fires loadstart; metadata, then the first frame, fire the <video> order and leave it ready and paused', () => {
    const { m, state, take } = machine();
    assert.equal(m.phase, Phase.Idle);
    m.load(true, false);
    assert.deepEqual(take(), ['loadstart']);
    assert.equal(m.phase, Phase.Loading);
    m.metadata();
    assert.deepEqual(take(), ['durationchange', 'loadedmetadata']);
    assert.equal(state.readyState, ReadyState.HaveMetadata);
    m.firstFrame();
    assert.deepEqual(take(), ['loadeddata', 'canplay']);
    assert.equal(state.readyState, ReadyState.HaveFutureData);
    assert.equal(m.phase, Phase.Ready);
    assert.equal(state.paused, true);
    m.enoughData();
    assert.deepEqual(take(), ['canplaythrough']);
    m.enoughData();
    assert.deepEqual(take(), [], 'canplaythrough fires once');
  });

  test('metadata with a screen size: resize between durationchange and loadedmetadata, readyState already HAVE_METADATA (HTML order)', () => {
    const state = initialSnapshot();
    const seen: Array<[string, number]> = [];
    const m = new PlaybackMachine(state, { emit: (name: MediaEvent) => seen.push([name, state.readyState]), run: () => {}, halt: () => {}, awaitData: () => {} });
    m.load(true, false);
    Object.assign(state, { durationMs: 3000, videoWidth: 128, videoHeight: 64 });
    m.metadata();
    assert.deepEqual(seen, [['loadstart', ReadyState.HaveNothing], ['durationchange', ReadyState.HaveMetadata], ['resize', ReadyState.HaveMetadata], ['loadedmetadata', ReadyState.HaveMetadata]]);
  });

  test('play() before the first frame waits, then plays once the frame is painted, and resolves then', async () => {
    const { m, clock, take } = machine();
    m.load(true, false);
    take();
    const played = m.play();
    assert.deepEqual(take(), ['play', 'waiting']);
    assert.equal(await settled(played), 'pending');
    m.metadata();
    m.firstFrame();
    assert.deepEqual(take(), ['durationchange', 'loadedmetadata', 'loadeddata', 'canplay', 'playing']);
    assert.equal(m.phase, Phase.Playing);
    assert.equal(clock.running, true);
    assert.equal(await settled(played), 'resolved');
  });

  test('play and pause: play, playing; timeupdate, pause; a second play() while playing resolves at once', async () => {
    const { m, state, clock, take } = ready();
    const played = m.play();
    assert.deepEqual(take(), ['play', 'playing']);
    assert.equal(await settled(played), 'resolved');
    assert.equal(await settled(m.play()), 'resolved');
    assert.deepEqual(take(), []);
    m.pause();
    assert.deepEqual(take(), ['timeupdate', 'pause']);
    assert.equal(state.paused, true);
    assert.equal(clock.running, false);
    m.pause();
    assert.deepEqual(take(), [], 'pausing a paused player fires nothing');
  });

  test('pause() rejects a pending play() with an AbortError', async () => {
    const { m, take } = machine();
    m.load(true, false);
    take();
    const played = m.play();
    m.pause();
    assert.deepEqual(take(), ['play', 'waiting', 'timeupdate', 'pause']);
    assert.equal(await settled(played), 'rejected AbortError');
  });

  test('a stall at the loaded edge: timeupdate, waiting (readyState 2); data: canplay, playing', () => {
    const { m, state, clock, take } = ready();
    m.play();
    take();
    m.stall(false);
    assert.deepEqual(take(), ['timeupdate', 'waiting']);
    assert.equal(m.phase, Phase.Waiting);
    assert.equal(state.readyState, ReadyState.HaveCurrentData);
    assert.equal(clock.running, false);
    m.unstall();
    assert.deepEqual(take(), ['canplay', 'playing']);
    assert.equal(m.phase, Phase.Playing);
    assert.equal(clock.running, true);
  });

  test("a real-time source's edge keeps the clock running while waiting, and play() at a paused edge starts it", () => {
    const { m, clock, take } = ready();
    m.play();
    m.stall(true);
    assert.equal(clock.running, true);
    m.pause();
    assert.equal(clock.running, false);
    take();
    m.play();
    assert.deepEqual(take(), ['play', 'waiting']);
    assert.equal(clock.awaited, 1);
    assert.equal(m.phase, Phase.Waiting);
  });

  test('paused at the edge, data fires canplay and stays paused', () => {
    const { m, take } = ready();
    m.play();
    m.stall(false);
    m.pause();
    take();
    m.unstall();
    assert.deepEqual(take(), ['canplay']);
    assert.equal(m.phase, Phase.Ready);
  });

  test('a seek while playing: seeking, timeupdate, seeked, and playing goes on without a second playing', () => {
    const { m, state, clock, take } = ready();
    m.play();
    take();
    m.seek();
    assert.equal(state.seeking, true);
    assert.equal(clock.running, true, 'the clock runs on through a seek while playing');
    m.seeked();
    assert.deepEqual(take(), ['seeking', 'timeupdate', 'seeked']);
    assert.equal(state.seeking, false);
    assert.equal(m.phase, Phase.Playing);
  });

  test('a seek during a seek: seeking twice, one seeked', () => {
    const { m, take } = ready();
    m.seek();
    m.seek();
    m.seeked();
    assert.deepEqual(take(), ['seeking', 'seeking', 'timeupdate', 'seeked']);
    assert.equal(m.phase, Phase.Ready);
  });

  test('play() during a paused seek: play, waiting; after seeked, playing, and the play() resolves', async () => {
    const { m, take } = ready();
    m.seek();
    const played = m.play();
    assert.equal(await settled(played), 'pending');
    m.seeked();
    assert.deepEqual(take(), ['seeking', 'play', 'waiting', 'timeupdate', 'seeked', 'playing']);
    assert.equal(await settled(played), 'resolved');
  });

  test('pause() during a seek while playing: the seek ends paused, the clock stopped', () => {
    const { m, clock, take } = ready();
    m.play();
    take();
    m.seek();
    m.pause();
    m.seeked();
    assert.deepEqual(take(), ['seeking', 'timeupdate', 'pause', 'timeupdate', 'seeked']);
    assert.equal(m.phase, Phase.Ready);
    assert.equal(clock.running, false);
  });

  test('a seek that leaves the loaded edge fires canplay after seeking', () => {
    const { m, state, take } = ready();
    m.play();
    m.stall(false);
    take();
    m.seek();
    assert.deepEqual(take(), ['seeking', 'canplay']);
    assert.equal(state.readyState, ReadyState.HaveFutureData);
    m.seeked();
    assert.deepEqual(take(), ['timeupdate', 'seeked', 'playing']);
  });

  test('a seek before the first frame returns to loading; the first frame then resumes', () => {
    const { m, take } = machine();
    m.load(true, false);
    m.metadata();
    m.play();
    m.seek();
    m.seeked();
    assert.equal(m.phase, Phase.Loading);
    m.firstFrame();
    assert.deepEqual(take(), ['loadstart', 'durationchange', 'loadedmetadata', 'play', 'waiting', 'seeking', 'timeupdate', 'seeked', 'loadeddata', 'canplay', 'playing']);
  });

  test('the first frame painted during a seek fires loadeddata and canplay; playing waits for seeked', () => {
    const { m, take } = machine();
    m.load(true, false);
    m.metadata();
    m.play();
    m.seek();
    m.firstFrame();
    assert.equal(m.phase, Phase.Seeking);
    m.seeked();
    assert.deepEqual(take().slice(-6), ['seeking', 'loadeddata', 'canplay', 'timeupdate', 'seeked', 'playing']);
  });

  test('the end: pause, ended; a seek then leaves ended', () => {
    const { m, state, clock, take } = ready();
    m.play();
    take();
    m.end();
    assert.deepEqual(take(), ['pause', 'ended']);
    assert.equal(state.paused, true);
    assert.equal(state.ended, true);
    assert.equal(clock.running, false);
    m.seek();
    assert.equal(state.ended, false);
    assert.equal(m.phase, Phase.Seeking);
  });

  test('a failure with nothing playable: error, readyState 0, pending play() rejects with NotSupportedError', async () => {
    const { m, state, take } = machine();
    m.load(true, false);
    const played = m.play();
    m.fail('the file is not a recording');
    assert.deepEqual(take(), ['loadstart', 'play', 'waiting', 'error']);
    assert.equal(m.phase, Phase.Errored);
    assert.equal(state.readyState, ReadyState.HaveNothing);
    assert.equal(await settled(played), 'rejected NotSupportedError');
    assert.equal(m.can(Transition.Play), false);
    m.pause();
    assert.deepEqual(take(), ['timeupdate', 'pause']);
  });

  test('a new load: emptied, loadstart; a pending play() rejects with an AbortError; no source leaves it idle', async () => {
    const { m, take } = ready();
    const played = m.play();
    m.stall(false);
    const waiting = m.play();
    m.load(true, true);
    assert.deepEqual(take(), ['play', 'playing', 'timeupdate', 'waiting', 'emptied', 'loadstart']);
    assert.equal(await settled(played), 'resolved');
    assert.equal(await settled(waiting), 'rejected AbortError');
    m.load(false, true);
    assert.deepEqual(take(), ['emptied']);
    assert.equal(m.phase, Phase.Idle);
  });

  test('close() rejects pending plays and stops the clock', async () => {
    const { m, clock } = ready();
    m.play();
    m.stall(true);
    const waiting = m.play();
    m.close();
    assert.equal(await settled(waiting), 'rejected AbortError');
    assert.equal(clock.running, false);
  });

  test('transitions missing from the table are refused', () => {
    const { m } = ready();
    assert.throws(() => m.stall(false), /cannot take "stall" while ready/);
    assert.throws(() => m.seeked(), /cannot take "seeked" while ready/);
    assert.throws(() => m.end(), /cannot take "end" while ready/);
    for (const phase of Object.values(Phase)) assert.ok(TRANSITIONS[phase].load === Phase.Loading || phase === Phase.Idle, `${phase} takes a load`);
  });

  test('random sequences of allowed transitions keep the snapshot and the clock consistent with the phase (seeded)', () => {
    let seed = 0x2545f491;
    const random = (): number => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return (seed >>> 0) / 2 ** 32;
    };
    const actions = ['play', 'pause', 'seek', 'seeked', 'stall', 'unstall', 'end', 'fail', 'load', 'metadata', 'firstFrame', 'enoughData'] as const;
    for (let run = 0; run < 200; run++) {
      const { m, state, clock, take } = machine();
      let seeks = 0;
      for (let step = 0; step < 60; step++) {
        const action = actions[Math.floor(random() * actions.length)]!;
        if (action === 'load') m.load(true, m.phase !== Phase.Idle);
        else if (action === 'play') {
          if (m.phase === Phase.Idle || m.phase === Phase.Errored || m.phase === Phase.Ended) continue;
          void m.play().catch(() => {});
        } else if (action === 'pause') m.pause();
        else if (action === 'enoughData') m.enoughData();
        else if (action === 'unstall') m.unstall();
        else if (action === 'metadata') {
          if (!m.can(Transition.Metadata) || state.readyState !== ReadyState.HaveNothing) continue;
          m.metadata();
        } else if (action === 'seek') {
          if (!m.can(Transition.Seek) || state.readyState === ReadyState.HaveNothing) continue;
          m.seek();
          seeks += 1;
        } else if (action === 'firstFrame') {
          if (!m.can(Transition.FirstFrame) || m.hasFrame || state.readyState === ReadyState.HaveNothing) continue;
          m.firstFrame();
        } else if (action === 'stall') {
          if (!m.can(Transition.Stall)) continue;
          m.stall(random() < 0.5);
        } else if (action === 'fail') {
          if (!m.can(Transition.Fail) || m.hasFrame) continue;
          m.fail('broken');
        } else {
          if (!m.can(action)) continue;
          m[action]();
        }
        const events = take();
        assert.equal(state.seeking, m.phase === Phase.Seeking, `seeking flag in ${m.phase}`);
        assert.equal(state.ended, m.phase === Phase.Ended, `ended flag in ${m.phase}`);
        if (m.phase === Phase.Ready || m.phase === Phase.Ended || m.phase === Phase.Idle) assert.equal(state.paused, true, `paused in ${m.phase}`);
        if (m.phase === Phase.Playing || m.phase === Phase.Waiting) assert.equal(state.paused, false, `playing intent in ${m.phase}`);
        if (m.phase === Phase.Playing) assert.equal(clock.running, true, 'the clock runs while playing');
        if (m.phase === Phase.Ready || m.phase === Phase.Ended || m.phase === Phase.Errored) assert.equal(clock.running, false, `the clock stands in ${m.phase}`);
        if (events.includes('playing')) assert.equal(state.paused, false, 'playing fires only when not paused');
        const seeking = events.indexOf('seeking');
        const seeked = events.indexOf('seeked');
        if (seeked >= 0) assert.equal(events[seeked - 1], 'timeupdate', 'seeked follows a timeupdate');
        if (seeking >= 0 && seeked >= 0) assert.ok(seeking < seeked);
      }
      assert.ok(seeks >= 0);
    }
  });
});
