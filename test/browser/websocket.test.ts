// The element on a Teleport-style playback websocket: the project's demo server runs on loopback
// (test/tools/playback-server-plugin.mjs) and paces the events; the player indexes what arrives,
// so seeking back is local, and seeking ahead asks the server to fast-forward.
import { expect, fixture, html } from '@open-wc/testing';
import '../../src/define.js';
import type { DesktopRecordingPlayer } from '../../src/index.js';
import { difference, imageDataOf, referenceScreens, screenUpdatesOf } from '../helpers/reference-screen.js';
import { eventually, firstEvent, nextEvent } from '../helpers/next-event.js';
import { PageClock, withEngineInPage } from '../helpers/page-clock.js';
import { readRecording } from '../../src/format/reader.js';
import { engineCaughtUp, until } from './element-fixtures.js';

const SESSION = '9a7f3c21-0b4e-4f8a-8c3d-5e6f7a8b1080';
const DURATION_S = 92;
/** How far the edge test moves the server's and the player's clocks at a time (the engine's `timeupdate` interval). */
const STEP_MS = 250;
/** Where the edge test plays on: a stretch with a screen update every few tens of milliseconds. */
const EDGE_TEST_START_S = 49.7;

interface Servers {
  open: string;
  token: string;
  stepped: string;
  testToken: string;
}

let servers: Servers;
let referenceUpdates: Awaited<ReturnType<typeof screenUpdatesOf>>;
/** The times (ms) of the recording's screen data events, in file order, as the server sends them (DesktopRecording only). */
let eventTimesMs: number[];

/** The time of the last event the server sends by the position `ms`. */
const lastEventAtOrBefore = (ms: number) => Math.max(...eventTimesMs.filter((time) => time <= ms));


const socketUrl = (server: string) => `${server}/webapi/sites/demo/desktopplayback/${SESSION}/ws`;
const positionMs = (element: DesktopRecordingPlayer) => Math.round(element.currentTime * 1e6) / 1e3;

async function socketPlayer(src: string, token?: string): Promise<DesktopRecordingPlayer> {
  const element = await fixture<DesktopRecordingPlayer>(html`<desktop-recording-player style="width: 480px" duration-hint=${DURATION_S}></desktop-recording-player>`);
  element.authToken = token;
  element.src = src;
  return element;
}

/** The player's screen equals the reference at its current position. */
async function expectReferenceScreen(element: DesktopRecordingPlayer, label: string): Promise<void> {
  const timeMs = positionMs(element);
  const [reference] = await referenceScreens(referenceUpdates, [timeMs]);
  const { pixels, first } = difference(await imageDataOf(await element.captureFrame()), reference!);
  expect(pixels, `${label} at ${timeMs} ms: first difference at ${first}`).to.equal(0);
}

async function seekTo(element: DesktopRecordingPlayer, seconds: number): Promise<void> {
  const seeked = nextEvent(element, 'seeked');
  element.currentTime = seconds;
  await seeked;
}

describe('<desktop-recording-player> on a playback websocket', () => {
  before(async () => {
    servers = (await (await fetch('/__playback-servers')).json()) as Servers;
    const bytes = new Uint8Array(await (await fetch(`/demo/recordings/${SESSION}.tar`)).arrayBuffer());
    referenceUpdates = await screenUpdatesOf(bytes);
    eventTimesMs = (await readRecording(bytes)).events.flatMap((e) => (e.event.case === 'desktopRecording' ? [Number(e.event.value.delayMilliseconds)] : []));
  });

  it('plays the server-paced stream, with the duration hint until the end is known', async () => {
    const element = await socketPlayer(socketUrl(servers.open));
    await nextEvent(element, 'canplay');
    expect(element.duration).to.equal(DURATION_S);
    expect(element.videoWidth).to.equal(1920);
    element.playbackRate = 8;
    await element.play();
    await eventually(element, 'timeupdate', () => element.currentTime > 2, 'playing past 2 s');
    const paused = nextEvent(element, 'pause');
    element.pause();
    await paused;
    expect(element.currentTime).to.be.greaterThan(2);
    await expectReferenceScreen(element, 'after playing at 8×');
  });

  it('seeks ahead (the server fast-forwards) and back (from what arrived), both exact', async () => {
    const element = await socketPlayer(socketUrl(servers.open));
    await nextEvent(element, 'canplay');
    await seekTo(element, 70);
    expect(element.currentTime).to.equal(70);
    expect(element.buffered.end(0)).to.be.at.least(70);
    await expectReferenceScreen(element, 'seek ahead');
    await seekTo(element, 12.5);
    await expectReferenceScreen(element, 'seek back');
    await seekTo(element, 69);
    await expectReferenceScreen(element, 'seek forward within what arrived');
  });

  it('plays on at the edge of what arrived, a little behind it, without stopping at every message', async () => {
    // The server and the player each on a clock the test moves, in turns: the server's by a quarter
    // second, then (once the page has every byte the server sent by then) the player's by as much.
    let receivedBytes = 0;
    const RealWebSocket = window.WebSocket;
    let clock: PageClock | undefined;
    try {
      window.WebSocket = class extends RealWebSocket {
        constructor(url: string | URL, protocols?: string | string[]) {
          super(url, protocols);
          // Counted once every listener of the message ran (the player's too).
          this.addEventListener('message', ({ data }: MessageEvent) => {
            const size = typeof data === 'string' ? new TextEncoder().encode(data).length : (data as ArrayBuffer).byteLength;
            setTimeout(() => (receivedBytes += size));
          });
        }
      };
      const element = await withEngineInPage(() => socketPlayer(socketUrl(servers.stepped)));
      /** Moves the server's time, then waits until the page has every byte it sent and the engine has taken them in. */
      const advanceServer = async (ms: number, idle = false) => {
        const answer = await fetch(`/__playback-servers/stepped/advance?ms=${ms}${idle ? '&idle=1' : ''}`);
        expect(answer.status, 'the stepped server moved its time').to.equal(200);
        const { nowMs, viewers, ...rest } = (await answer.json()) as { nowMs: number; idle: boolean; viewers: Array<{ bytesSent: number }> };
        const sent = viewers.reduce((sum, viewer) => sum + viewer.bytesSent, 0);
        await until(() => receivedBytes >= sent, `the page has the ${sent} bytes the server sent by ${nowMs} ms (it has ${receivedBytes})`, 20_000);
        await engineCaughtUp(element);
        return rest;
      };
      clock = PageClock.install();
      for (let steps = 0; element.readyState < 3; steps++) {
        if (steps >= 40) throw new Error(`not ready to play within ${40 * STEP_MS} ms of the server's time`);
        await advanceServer(STEP_MS);
      }
      await element.play();
      // Past what has arrived, while playing: the server fast-forwards there, then sends in real time
      // (here a message every few tens of milliseconds of recording).
      await seekTo(element, EDGE_TEST_START_S);
      const startMs = positionMs(element);
      // Nothing has arrived beyond the target yet: the player waits there, playing.
      await until(() => element.readyState === 2, 'the player waits at the edge');
      expect([positionMs(element), element.paused], 'waiting at the edge, playing').to.deep.equal([EDGE_TEST_START_S * 1000, false]);
      let waits = 0;
      element.addEventListener('waiting', () => (waits += 1));
      /** How far behind the newest event the server had sent the player was, after each step. */
      const trail: number[] = [];
      for (let step = 1; positionMs(element) < startMs + 2000; step++) {
        if (step > 20) throw new Error(`not 2 s on at the edge within ${20 * STEP_MS} ms of the clocks (at ${positionMs(element)} ms)`);
        expect((await advanceServer(STEP_MS, true)).idle, 'the server waits for its next event').to.equal(true);
        // Playing, the engine's next tick sees the clock moved and says so; waiting at the edge, its clock runs on unseen.
        const ticked = element.readyState >= 3 ? firstEvent(element, ['timeupdate', 'waiting']) : undefined;
        clock.advance(STEP_MS);
        await ticked;
        await engineCaughtUp(element);
        trail.push(lastEventAtOrBefore(startMs + step * STEP_MS) - positionMs(element));
      }
      // Once data came in beyond the edge, it plays on a little behind it and does not wait again.
      expect(waits, 'waiting events over 2 s after the first').to.equal(0);
      expect(element.paused).to.equal(false);
      // Behind by at most the player's live lag (500 ms), never ahead of what arrived.
      for (const [step, behindMs] of trail.entries()) expect(behindMs, `trailing the edge after ${(step + 1) * STEP_MS} ms`).to.be.within(0, 500);
      element.pause();
    } finally {
      clock?.uninstall();
      window.WebSocket = RealWebSocket;
    }
  });

  it('plays to the end: ended fires and the duration becomes the real one', async () => {
    const element = await socketPlayer(socketUrl(servers.open));
    await nextEvent(element, 'canplay');
    await seekTo(element, 88);
    const ended = nextEvent(element, 'ended', 30000);
    element.playbackRate = 16;
    await element.play();
    await ended;
    // The hint stands: the stream has screen events only, and the session's idle tail is in the hint.
    expect(element.duration).to.equal(DURATION_S);
    expect(element.currentTime).to.equal(DURATION_S);
    expect(element.error).to.equal(null);
  });

  it('sends the auth token first; a wrong one is refused with a server error', async () => {
    const good = await socketPlayer(socketUrl(servers.token), servers.testToken);
    await nextEvent(good, 'canplay');
    expect(good.error).to.equal(null);

    const bad = await socketPlayer(socketUrl(servers.token), 'not-the-token');
    await nextEvent(bad, 'error');
    expect(bad.error).to.include({ reason: 'server', partial: false });
    expect(bad.error!.message).to.match(/refused/);
  });

  it('reconnects when the socket drops and resumes where the events stopped', async () => {
    const element = await socketPlayer(socketUrl(servers.open));
    await nextEvent(element, 'canplay');
    element.playbackRate = 8;
    await element.play();
    await eventually(element, 'timeupdate', () => element.currentTime > 1, 'playing past 1 s');
    const droppedAt = element.currentTime;
    await fetch('/__playback-servers/disconnect');
    // Playing on well past where the socket dropped needs the events of a new connection.
    await eventually(element, 'timeupdate', () => element.currentTime > Math.max(6, droppedAt + 4), 'playing on after the drop');
    const paused = nextEvent(element, 'pause');
    element.pause();
    await paused;
    expect(element.error).to.equal(null);
    expect(element.currentTime).to.be.greaterThan(6);
    await expectReferenceScreen(element, 'after a reconnect');
  });

  it('starts at start-at by having the server fast-forward there', async () => {
    const element = await fixture<DesktopRecordingPlayer>(html`<desktop-recording-player style="width: 480px" duration-hint=${DURATION_S} start-at="60"></desktop-recording-player>`);
    const ready = nextEvent(element, 'canplay', 10000);
    element.src = socketUrl(servers.open);
    await ready;
    expect(element.currentTime).to.equal(60);
    await expectReferenceScreen(element, 'start-at');
  });

  it('reports a websocket error when the server cannot be reached', async () => {
    const element = await fixture<DesktopRecordingPlayer>(html`<desktop-recording-player></desktop-recording-player>`);
    const failed = nextEvent(element, 'error', 30000);
    element.src = 'ws://127.0.0.1:9/webapi/sites/demo/desktopplayback/nothing/ws';
    await failed;
    expect(element.error).to.include({ reason: 'websocket', partial: false });
  });
});
