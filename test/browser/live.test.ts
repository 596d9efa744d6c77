// A live session: the project's demo server (test/tools/playback-server-plugin.mjs, on loopback)
// records a synthetic desktop session while the player reads its growing file over HTTP. The
// player starts at the live edge, waits there instead of ending, seeks back and goes live again;
// when the session ends it becomes a whole recording that plays and seeks like any other.
// The session plays its desktop on a time the test moves (`recordMore`): it records nothing the
// test did not ask for, so a busy machine cannot end it before the player got somewhere.
import { expect } from '@open-wc/testing';
import '../../src/define.js';
import type { DesktopRecordingPlayer } from '../../src/index.js';
import { concatBytes } from '../../src/format/bytes.js';
import { readRecording } from '../../src/format/reader.js';
import { nextEvent } from '../helpers/next-event.js';
import { until } from './element-fixtures.js';

/** Planned length of the session: long enough to look around while it is live, short for the run. */
const SESSION_MS = 8000;
/** The session's time moves on by this much at a time. */
const STEP_MS = 250;
/** Real time a session stays quiet for the player to see its live edge (its file reads note one after 80 ms without data). */
const QUIET_MS = 250;

/** How far the test has moved the session's time. */
let recordedMs = 0;

/** Moves session `sid`'s time on by `ms` (in steps), answering once what is due by then is written: the bytes it has written while live. */
async function recordMore(sid: string, ms: number): Promise<number | null> {
  let committedBytes: number | null = null;
  for (let done = 0; done < ms; done += STEP_MS) {
    const answer = await fetch(`/__playback-servers/live/advance?ms=${Math.min(STEP_MS, ms - done)}&sid=${sid}`);
    expect(answer.status).to.equal(200);
    const state = (await answer.json()) as { idle: boolean; committedBytes: number | null };
    expect(state.idle, 'the session wrote what was due').to.equal(true);
    committedBytes = state.committedBytes;
  }
  recordedMs += ms;
  return committedBytes;
}

interface LiveStart {
  base: string;
  url: string;
  sessionId: string;
  durationMs: number;
}

const badge = (element: DesktopRecordingPlayer) => element.shadowRoot!.querySelector<HTMLButtonElement>('[part~="live"]');
const announced = (element: DesktopRecordingPlayer) => element.shadowRoot!.querySelector('[role="status"]')!.textContent!.trim();

async function seekTo(element: DesktopRecordingPlayer, seconds: number): Promise<void> {
  const seeked = nextEvent(element, 'seeked');
  element.currentTime = seconds;
  await seeked;
}

describe('<desktop-recording-player> on a live recording', () => {
  let live: LiveStart;
  let element: DesktopRecordingPlayer;
  /** `live` at each `durationchange`. */
  const liveAtDurationChange: boolean[] = [];
  /** What the polite live region said when the session ended. */
  let saidAtEnd: Promise<string> | undefined;

  before(async () => {
    live = (await (await fetch(`/__playback-servers/live?durationMs=${SESSION_MS}`)).json()) as LiveStart;
    expect(live.durationMs).to.equal(SESSION_MS);
  });
  // One player through every step (a fixture() would be removed after each).
  after(() => element?.remove());

  it('starts at the live edge, marked live, and waits there instead of ending', async () => {
    // Some of the session is recorded before the player opens it: it starts at the newest moment, not at 0.
    // Record until the growing file holds 2 s of screen data (a quiet desktop sends nothing for a while).
    // The session's file exists once its time first moved: it has then set up its recording and waits for its next step.
    expect(await recordMore(live.sessionId, STEP_MS), 'the session is live').to.not.equal(null);
    const response = await fetch(`${live.base}${live.url}`);
    expect([response.status, response.headers.get('x-recording-live')]).to.deep.equal([200, 'true']);
    const reader = response.body!.getReader();
    const chunks: Uint8Array[] = [];
    let receivedBytes = 0;
    let readToEnd = false;
    const reading = (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return void (readToEnd = true);
        chunks.push(value);
        receivedBytes += value.length;
      }
    })();
    const screenDataMs = async () => {
      const { events } = await readRecording(concatBytes(chunks));
      return Math.max(0, ...events.map((e) => (e.event.case === 'desktopRecording' ? Number(e.event.value.delayMilliseconds) : 0)));
    };
    while ((await screenDataMs()) < 2000) {
      if (recordedMs >= SESSION_MS / 2) throw new Error(`no 2 s of screen data in the first ${recordedMs} ms of the session`);
      const written = await recordMore(live.sessionId, STEP_MS);
      expect(written, 'the session is live').to.not.equal(null);
      await until(() => receivedBytes >= written! || readToEnd, `the ${written} bytes written so far are read (${receivedBytes} are)`, 20_000);
      expect(readToEnd, 'the live file is still being written').to.equal(false);
    }
    await reader.cancel();
    await reading;
    element = Object.assign(document.createElement('desktop-recording-player'), { controls: true, autoplay: true });
    element.style.width = '480px';
    document.body.append(element);
    await element.updateComplete;
    element.addEventListener('durationchange', () => {
      liveAtDurationChange.push(element.live);
      if (!element.live) saidAtEnd ??= element.updateComplete.then(() => announced(element));
    });
    let started = false;
    const playing = nextEvent(element, 'playing', 60_000).then(() => (started = true));
    const waits: Array<{ readyState: number; ended: boolean; paused: boolean }> = [];
    element.addEventListener('waiting', () => waits.push({ readyState: element.readyState, ended: element.ended, paused: element.paused }));
    element.src = `${live.base}${live.url}`;
    // The player knows it reached the live edge when data comes after its read of the file waited a moment: the
    // session stays quiet for a quarter second (real time), then records a little more, until the player starts.
    while (!started) {
      await Promise.race([playing, new Promise((resolve) => setTimeout(resolve, QUIET_MS))]);
      if (started) break;
      if (recordedMs >= SESSION_MS / 2) throw new Error(`the player did not start within ${recordedMs} ms of the session`);
      await recordMore(live.sessionId, STEP_MS);
    }
    expect(element.live, 'live').to.equal(true);
    expect(element.currentTime, 'started at the live edge').to.be.greaterThan(1.5);
    expect(element.duration - element.currentTime).to.be.lessThan(1);

    // At the newest moment there is nothing ahead: it waits there, playing, instead of ending.
    const waiting = nextEvent(element, 'waiting');
    element.currentTime = element.duration;
    await waiting;
    expect(waits.length).to.be.greaterThan(0);
    for (const wait of waits) expect(wait, 'waiting at the edge: HAVE_CURRENT_DATA, neither ended nor paused').to.deep.equal({ readyState: 2, ended: false, paused: false });
    expect(element.ended).to.equal(false);
    expect(element.paused).to.equal(false);
    await element.updateComplete;
    expect(badge(element)?.textContent?.trim()).to.equal('Live');
    expect(badge(element)?.getAttribute('aria-disabled')).to.equal('true');
    const status = element.shadowRoot!.querySelector<HTMLElement>('[part~="status"]')!;
    expect(status.hidden, 'no buffering indicator at the live edge').to.equal(true);

    // It follows the edge: the duration grows with the data, and the position with it.
    const before = { duration: element.duration, time: element.currentTime };
    await recordMore(live.sessionId, 1500);
    await until(() => element.duration > before.duration + 1 && element.currentTime > before.time + 1, 'playback follows the growing edge', 30_000);
    expect(element.live).to.equal(true);
    expect(element.seekable.end(0)).to.equal(element.duration);
  });

  it('seeks back while live, and "Go live" returns to the edge', async () => {
    await seekTo(element, 0.5);
    expect(element.currentTime).to.be.closeTo(0.5, 0.3);
    await element.updateComplete;
    expect(badge(element)?.textContent?.trim()).to.equal('Go live');
    expect(badge(element)?.getAttribute('aria-disabled')).to.equal('false');

    const seeked = nextEvent(element, 'seeked');
    badge(element)!.click();
    await seeked;
    expect(element.duration - element.currentTime, 'back at the live edge').to.be.lessThan(1);
    await element.updateComplete;
    expect(badge(element)?.textContent?.trim()).to.equal('Live');
    expect(element.paused).to.equal(false);
  });

  it('ends with the session: live turns false, the duration is final, then ended', async () => {
    const ended = nextEvent(element, 'ended', 60_000);
    // (The session's time starts when it has set up its recording, which may be after the test first moved it.)
    while ((await recordMore(live.sessionId, STEP_MS)) !== null) {
      if (recordedMs > 2 * SESSION_MS) throw new Error(`the session did not end within ${recordedMs} ms of its time`);
    }
    await ended;
    expect(element.live).to.equal(false);
    expect(liveAtDurationChange.at(-1), 'a durationchange says the duration is final').to.equal(false);
    expect(element.duration).to.be.closeTo(SESSION_MS / 1000, 0.6);
    expect(element.currentTime).to.equal(element.duration);
    expect(element.seekable.end(0)).to.equal(element.duration);
    expect(element.readyState).to.equal(4);
    await element.updateComplete;
    expect(badge(element), 'no badge after the session').to.equal(null);
    expect(await saidAtEnd).to.equal('The live session ended');
    // The server now serves it as a finished file.
    const finished = await fetch(`${live.base}${live.url}`);
    expect(finished.headers.get('x-recording-live')).to.equal(null);
    await finished.arrayBuffer();
  });

  it('then plays and seeks like any recording', async () => {
    await seekTo(element, 1);
    expect(element.currentTime).to.be.closeTo(1, 0.01);
    const frame = await element.captureFrame();
    expect(frame.size).to.be.greaterThan(1000);
    element.playbackRate = 4;
    const ended = nextEvent(element, 'ended');
    await element.play();
    await seekTo(element, element.duration - 1);
    await ended;
    expect(element.currentTime).to.equal(element.duration);
    expect(element.live).to.equal(false);
  });
});
