// A live session: the project's demo server (test/tools/playback-server-plugin.mjs, on loopback)
// records a synthetic desktop session while the player reads its growing file over HTTP. The
// player starts at the live edge, waits there instead of ending, seeks back and goes live again;
// when the session ends it becomes a whole recording that plays and seeks like any other.
// The session plays its desktop on a time the test moves (`recordMore`): it records nothing the
// test did not ask for, so a busy machine cannot end it before the player got somewhere. The player
// runs on a clock the test moves too (its engine in the page, `PageClock`), in turns with the session:
// the player's clock moves only once its read of the file holds every byte written and waits for more.
import { expect } from '@open-wc/testing';
import '../../src/define.js';
import type { DesktopRecordingPlayer } from '../../src/index.js';
import { concatBytes } from '../../src/format/bytes.js';
import { readRecording } from '../../src/format/reader.js';
import { firstEvent, nextEvent } from '../helpers/next-event.js';
import { PageClock, advanceUntil, withEngineInPage } from '../helpers/page-clock.js';
import { engineCaughtUp, until } from './element-fixtures.js';

/** Planned length of the session: long enough to look around while it is live, short for the run. */
const SESSION_MS = 8000;
/** The session's time moves on by this much at a time. */
const STEP_MS = 250;
/** How long (on the player's clock) a session stays quiet for the player to see its live edge (its file reads note one after 80 ms without data). */
const QUIET_MS = 250;

/** How far the test has moved the session's time. */
let recordedMs = 0;
/** The bytes the session had written when its time last moved (null once it ended). */
let writtenBytes: number | null = null;

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
  writtenBytes = committedBytes;
  return committedBytes;
}

interface LiveStart {
  base: string;
  url: string;
  sessionId: string;
  durationMs: number;
}

/**
 * The player's downloads of the live file, seen from the page: `fetch` hands the player a response whose
 * body (a byte stream, so the player reads it as it would the network's) counts what it passed on and
 * knows when the player's read waits for bytes the server has not sent yet.
 */
class WatchedDownloads {
  readonly #realFetch = window.fetch;
  /** Bytes of the live file the player's reads have been given, over every download of it. */
  delivered = 0;
  /** Reads of the player that wait for the server (every byte it sent before was taken). */
  waitingReads = 0;

  constructor(url: string) {
    const realFetch = this.#realFetch;
    window.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
      const response = await realFetch(input, init);
      const requested = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      return requested === url && response.body ? this.#watched(response) : response;
    };
  }

  #watched(response: Response): Response {
    const source = response.body!.getReader();
    this.delivered = 0;
    const body = new ReadableStream({
      type: 'bytes',
      // Called only while a read of the player finds nothing queued: it waits for the server.
      pull: async (controller: ReadableByteStreamController) => {
        this.waitingReads += 1;
        try {
          const { value, done } = await source.read();
          if (done) {
            controller.close();
            controller.byobRequest?.respond(0);
            return;
          }
          this.delivered += value.length;
          controller.enqueue(value as Uint8Array<ArrayBuffer>);
        } finally {
          this.waitingReads -= 1;
        }
      },
      cancel: (reason: unknown) => source.cancel(reason),
    });
    return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
  }

  /** The player's read holds the `written` bytes and waits for more. */
  async readerWaits(written: number, also: () => boolean = () => false): Promise<void> {
    await until(() => also() || (this.delivered >= written && this.waitingReads > 0), `the player read the ${written} bytes written and waits for more (it has ${this.delivered})`, 20_000);
  }

  restore(): void {
    window.fetch = this.#realFetch;
  }
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
  /** The player's clock (its engine runs in the page). */
  let clock: PageClock | undefined;
  let downloads: WatchedDownloads | undefined;

  /** One turn: the session records a step, the player reads all of it, then its clock moves by as much (and it shows that). */
  async function followStep(): Promise<void> {
    const written = await recordMore(live.sessionId, STEP_MS);
    if (written !== null) await downloads!.readerWaits(written);
    await engineCaughtUp(element);
    // Playing, the engine's next tick sees the clock moved and says so; waiting at the edge, its clock runs on unseen.
    const ticked = element.readyState >= 3 ? firstEvent(element, ['timeupdate', 'waiting', 'ended']) : undefined;
    clock!.advance(STEP_MS);
    await ticked;
    await engineCaughtUp(element);
  }

  before(async () => {
    live = (await (await fetch(`/__playback-servers/live?durationMs=${SESSION_MS}`)).json()) as LiveStart;
    expect(live.durationMs).to.equal(SESSION_MS);
  });
  // One player through every step (a fixture() would be removed after each).
  after(() => {
    element?.remove();
    clock?.uninstall();
    downloads?.restore();
  });

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
    downloads = new WatchedDownloads(`${live.base}${live.url}`);
    element = await withEngineInPage(async () => {
      const created = Object.assign(document.createElement('desktop-recording-player'), { controls: true, autoplay: true });
      created.style.width = '480px';
      document.body.append(created);
      await created.updateComplete;
      return created;
    });
    element.addEventListener('durationchange', () => {
      liveAtDurationChange.push(element.live);
      if (!element.live) saidAtEnd ??= element.updateComplete.then(() => announced(element));
    });
    let started = false;
    const playing = nextEvent(element, 'playing', 60_000).then(() => void (started = true));
    const waits: Array<{ readyState: number; ended: boolean; paused: boolean }> = [];
    element.addEventListener('waiting', () => waits.push({ readyState: element.readyState, ended: element.ended, paused: element.paused }));
    clock = PageClock.install();
    element.src = `${live.base}${live.url}`;
    // The player knows it reached the live edge when data comes after its read of the file waited a moment: once it
    // holds every byte written so far and waits for more, its clock moves on by a quiet period, then the session
    // records a little more. Until then it holds its first frame, whatever time the backlog took to read.
    let written = writtenBytes!;
    await downloads.readerWaits(written, () => started);
    expect(started, 'no start before the player saw the live edge').to.equal(false);
    // One quiet period, then data: the player sees the edge and starts there.
    clock.advance(QUIET_MS);
    // The session records until it has written something for the waiting read.
    for (const before = written; written <= before; written = (await recordMore(live.sessionId, STEP_MS))!) {
      if (recordedMs >= SESSION_MS / 2) throw new Error(`the session wrote nothing more within ${recordedMs} ms of its time`);
    }
    await playing;
    expect(element.live, 'live').to.equal(true);
    expect(element.currentTime, 'started at the live edge').to.be.greaterThan(1.5);
    expect(element.duration - element.currentTime).to.be.lessThan(1);

    // At the newest moment there is nothing ahead: it waits there, playing, instead of ending (once its clock moves on).
    // The newest moment is where the player has read every byte written: the session's last step may still be arriving.
    await downloads.readerWaits(writtenBytes!);
    await engineCaughtUp(element);
    await seekTo(element, element.duration);
    expect(waits, 'no wait before the clock moved').to.deep.equal([]);
    // Bytes of the last step taken in during the seek move the edge on by at most a step: the clock moves until it is reached.
    for (let step = 1; waits.length === 0; step++) {
      if (step > 2) throw new Error(`no waiting at the edge after ${2 * STEP_MS} ms of the clock: at ${element.currentTime} s of ${element.duration} s`);
      const ticked = firstEvent(element, ['timeupdate', 'waiting', 'ended']);
      clock.advance(STEP_MS);
      await ticked;
      await engineCaughtUp(element);
      expect(element.ended, 'not ended at the live edge').to.equal(false);
    }
    for (const wait of waits) expect(wait, 'waiting at the edge: HAVE_CURRENT_DATA, neither ended nor paused').to.deep.equal({ readyState: 2, ended: false, paused: false });
    expect(element.ended).to.equal(false);
    expect(element.paused).to.equal(false);
    await element.updateComplete;
    expect(badge(element)?.textContent?.trim()).to.equal('Live');
    expect(badge(element)?.getAttribute('aria-disabled')).to.equal('true');
    const status = element.shadowRoot!.querySelector<HTMLElement>('[part~="status"]')!;
    expect(status.hidden, 'no buffering indicator at the live edge').to.equal(true);

    // It follows the edge: the duration grows with the data, and the position with it, in turns: the session
    // records a step, the player reads it, then its clock moves as far.
    const before = { duration: element.duration, time: element.currentTime };
    for (let step = 1; !(element.duration > before.duration + 1 && element.currentTime > before.time + 1); step++) {
      if (step > 16) throw new Error(`playback did not follow the growing edge 1 s on within ${16 * STEP_MS} ms of the clocks`);
      await followStep();
      expect(element.live).to.equal(true);
      expect(element.paused).to.equal(false);
      expect(element.duration - element.currentTime, 'trailing the edge by at most the live lag and a step').to.be.within(0, 0.5 + STEP_MS / 1000);
    }
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
    while (writtenBytes !== null) {
      if (recordedMs > 2 * SESSION_MS) throw new Error(`the session did not end within ${recordedMs} ms of its time`);
      await followStep();
    }
    // The player reads the rest of the file, then plays what it trailed by on its clock.
    await until(() => !element.live, 'the player read the end of the session');
    await advanceUntil(clock!, element, () => element.ended, 'playing to the end of the finished session', { maxMs: 2 * SESSION_MS });
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
    await advanceUntil(clock!, element, () => element.ended, 'playing the last second at 4×', { maxMs: 1000 });
    await ended;
    expect(element.currentTime).to.equal(element.duration);
    expect(element.live).to.equal(false);
  });
});
