// The element on a Teleport-style playback websocket: the project's demo server runs on loopback
// (test/tools/playback-server-plugin.mjs) and paces the events; the player indexes what arrives,
// so seeking back is local, and seeking ahead asks the server to fast-forward. Every test that plays,
// seeks ahead or starts at a moment runs on the stepped server and the page clock (`SteppedPlayback`),
// which only the test moves: each checks an end state and the order of events, never a duration.
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

async function socketPlayer(src: string, token?: string, startAt?: number): Promise<DesktopRecordingPlayer> {
  const element = await fixture<DesktopRecordingPlayer>(html`<desktop-recording-player style="width: 480px" duration-hint=${DURATION_S}></desktop-recording-player>`);
  if (startAt !== undefined) element.setAttribute('start-at', String(startAt));
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

/** The page's playback sockets: what each received (counted once every listener of a message ran, the player's too). */
class CountedSockets {
  readonly #realWebSocket = window.WebSocket;
  readonly sockets: Array<{ received: number; closed: boolean }> = [];

  constructor() {
    const sockets = this.sockets;
    window.WebSocket = class extends this.#realWebSocket {
      constructor(url: string | URL, protocols?: string | string[]) {
        super(url, protocols);
        const counted = { received: 0, closed: false };
        sockets.push(counted);
        this.addEventListener('message', ({ data }: MessageEvent) => {
          const size = typeof data === 'string' ? new TextEncoder().encode(data).length : (data as ArrayBuffer).byteLength;
          setTimeout(() => (counted.received += size));
        });
        this.addEventListener('close', () => setTimeout(() => (counted.closed = true)));
      }
    };
  }

  /**
   * Bytes received on the sockets still open, and on the newest even once it closed: the player
   * closes its socket at the stream's end, which can come before the test reads the count.
   */
  get receivedOpen(): number {
    const newest = this.sockets.at(-1);
    return this.sockets.reduce((sum, socket) => sum + (socket.closed && socket !== newest ? 0 : socket.received), 0);
  }

  restore(): void {
    window.WebSocket = this.#realWebSocket;
  }
}

interface SteppedViewers {
  nowMs: number;
  idle?: boolean;
  viewers: Array<{ bytesSent: number; passes: number }>;
}

const steppedViewers = async () => (await (await fetch('/__playback-servers/stepped/viewers')).json()) as SteppedViewers;

/**
 * A player of the stepped server whose engine runs in the page, and the two clocks the test moves in turns:
 * the server's by a step, then (once the page has every byte the server sent by then) the player's by as much.
 */
class SteppedPlayback {
  private constructor(
    readonly element: DesktopRecordingPlayer,
    readonly clock: PageClock,
    readonly sockets: CountedSockets,
  ) {}

  /** `startAt`: the player's `start-at` (the server fast-forwards there). */
  static async start(startAt?: number): Promise<SteppedPlayback> {
    // Byte counts compare the page's open sockets with the server's viewers: an earlier test's viewer must be gone.
    await until(async () => (await steppedViewers()).viewers.length === 0, 'no viewer of an earlier test is left on the stepped server');
    const sockets = new CountedSockets();
    try {
      const element = await withEngineInPage(() => socketPlayer(socketUrl(servers.stepped), undefined, startAt));
      // Its socket is open on the server before the server's time moves (whose answers then wait for the viewer).
      await until(async () => (await steppedViewers()).viewers.length === 1, 'the player is a viewer of the stepped server');
      return new SteppedPlayback(element, PageClock.install(), sockets);
    } catch (error) {
      sockets.restore();
      throw error;
    }
  }

  /** Moves the server's time, then waits until the page has every byte it sent and the engine has taken them in. */
  async advanceServer(ms: number, idle = false): Promise<{ idle?: boolean }> {
    const answer = await fetch(`/__playback-servers/stepped/advance?ms=${ms}${idle ? '&idle=1' : ''}`);
    expect(answer.status, 'the stepped server moved its time').to.equal(200);
    const { nowMs, viewers, ...rest } = (await answer.json()) as SteppedViewers;
    const sent = viewers.reduce((sum, viewer) => sum + viewer.bytesSent, 0);
    await until(() => this.sockets.receivedOpen >= sent, `the page has the ${sent} bytes the server sent by ${nowMs} ms (it has ${this.sockets.receivedOpen})`, 20_000);
    await engineCaughtUp(this.element);
    return rest;
  }

  /** Moves the server's time (the player's stands still) until the player can play; each step once the server waits for its next event's time. */
  async untilReady(): Promise<void> {
    for (let steps = 0; this.element.readyState < 3; steps++) {
      if (steps >= 40) throw new Error(`not ready to play within ${40 * STEP_MS} ms of the server's time`);
      await this.advanceServer(STEP_MS, true);
    }
  }

  /**
   * Seeks beyond what arrived: the server fast-forwards there, and the player has sought once an event past the
   * target arrives, which needs the server's time to move (the player's stands still).
   */
  async seekAhead(seconds: number): Promise<void> {
    let sought = false;
    const seeked = nextEvent(this.element, 'seeked').then(() => (sought = true));
    this.element.currentTime = seconds;
    for (let steps = 0; !sought; steps++) {
      if (steps >= 40) throw new Error(`no seeked at ${seconds} s within ${40 * STEP_MS} ms of the server's time`);
      await this.advanceServer(STEP_MS, true);
    }
    await seeked;
  }

  /** One turn: the server's time by `ms`, then the player's. */
  async turn(ms: number, idle = false): Promise<{ idle?: boolean }> {
    const server = await this.advanceServer(ms, idle);
    // Playing, the engine's next tick sees the clock moved and says so; waiting at the edge, its clock runs on unseen.
    const ticked = this.element.readyState >= 3 && !this.element.paused ? firstEvent(this.element, ['timeupdate', 'waiting', 'ended']) : undefined;
    this.clock.advance(ms);
    await ticked;
    await engineCaughtUp(this.element);
    return server;
  }

  /**
   * Turns until `done()` holds, failing after `maxSteps`. With `idle`, each server step ends once the server waits for its
   * next event's time again (it has read and sent what was due): for a stream that does not reach its end meanwhile.
   */
  async turnUntil(done: () => boolean, what: string, maxSteps = 80, idle = false): Promise<void> {
    for (let step = 0; !done(); step++) {
      if (step >= maxSteps) throw new Error(`${what}: not within ${maxSteps * STEP_MS} ms of the clocks (at ${positionMs(this.element)} ms)`);
      await this.turn(STEP_MS, idle);
    }
  }

  stop(): void {
    this.element.pause();
    this.clock.uninstall();
    this.sockets.restore();
  }
}

/** The media events `element` fires from now on, with its position then. */
function eventLog(element: DesktopRecordingPlayer, names: string[]): Array<{ name: string; timeMs: number }> {
  const log: Array<{ name: string; timeMs: number }> = [];
  for (const name of names) element.addEventListener(name, () => log.push({ name, timeMs: positionMs(element) }));
  return log;
}

describe('<desktop-recording-player> on a playback websocket', () => {
  before(async () => {
    servers = (await (await fetch('/__playback-servers')).json()) as Servers;
    const bytes = new Uint8Array(await (await fetch(`/demo/recordings/${SESSION}.tar`)).arrayBuffer());
    referenceUpdates = await screenUpdatesOf(bytes);
    eventTimesMs = (await readRecording(bytes)).events.flatMap((e) => (e.event.case === 'desktopRecording' ? [Number(e.event.value.delayMilliseconds)] : []));
  });

  it('plays the server-paced stream, with the duration hint until the end is known', async () => {
    // On the stepped server and the page clock, in turns: the same positions however busy the machine.
    const playback = await SteppedPlayback.start();
    try {
      const { element } = playback;
      await playback.untilReady();
      expect(element.duration).to.equal(DURATION_S);
      expect(element.videoWidth).to.equal(1920);
      const log = eventLog(element, ['play', 'playing', 'pause', 'ended', 'error', 'emptied']);
      element.playbackRate = 8;
      const played = element.play();
      await playback.turnUntil(() => element.currentTime > 2, 'playing past 2 s at 8×', 80, true);
      await played;
      const paused = nextEvent(element, 'pause');
      element.pause();
      await paused;
      expect(element.currentTime).to.be.greaterThan(2);
      expect(element.error).to.equal(null);
      const names = log.map((event) => event.name);
      expect([names[0], names.at(-1)], 'play first, the pause asked for last').to.deep.equal(['play', 'pause']);
      expect(names.filter((name) => name !== 'play' && name !== 'playing'), 'no end, error or reload before the pause').to.deep.equal(['pause']);
      const times = log.map((event) => event.timeMs);
      for (let at = 1; at < times.length; at++) expect(times[at]!, `position at ${log[at]!.name}`).to.be.at.least(times[at - 1]!);
      await expectReferenceScreen(element, 'after playing at 8×');
    } finally {
      playback.stop();
    }
  });

  it('seeks ahead (the server fast-forwards) and back (from what arrived), both exact', async () => {
    // On the stepped server: nothing arrives but what the server fast-forwards through, so "what arrived" is known.
    const playback = await SteppedPlayback.start();
    try {
      const { element } = playback;
      await playback.untilReady();
      const arrivedBeforeMs = element.buffered.end(0) * 1000;
      expect(arrivedBeforeMs, 'the server sent the start only').to.be.below(70_000);
      await playback.seekAhead(70);
      expect(element.currentTime).to.equal(70);
      expect(element.buffered.end(0)).to.be.at.least(70);
      await expectReferenceScreen(element, 'seek ahead');
      await seekTo(element, 12.5);
      expect(element.currentTime).to.equal(12.5);
      await expectReferenceScreen(element, 'seek back');
      await seekTo(element, 69);
      expect(element.currentTime).to.equal(69);
      await expectReferenceScreen(element, 'seek forward within what arrived');
      expect((await steppedViewers()).viewers[0]!.passes, 'seeking back and forward again came from what arrived: the server never restarted').to.equal(1);
    } finally {
      playback.stop();
    }
  });

  it('plays on at the edge of what arrived, a little behind it, without stopping at every message', async () => {
    // The server and the player each on a clock the test moves, in turns: the server's by a quarter
    // second, then (once the page has every byte the server sent by then) the player's by as much.
    const playback = await SteppedPlayback.start();
    try {
      const { element } = playback;
      await playback.untilReady();
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
        expect((await playback.turn(STEP_MS, true)).idle, 'the server waits for its next event').to.equal(true);
        trail.push(lastEventAtOrBefore(startMs + step * STEP_MS) - positionMs(element));
      }
      // Once data came in beyond the edge, it plays on a little behind it and does not wait again.
      expect(waits, 'waiting events over 2 s after the first').to.equal(0);
      expect(element.paused).to.equal(false);
      // Behind by at most the player's live lag (500 ms), never ahead of what arrived.
      for (const [step, behindMs] of trail.entries()) expect(behindMs, `trailing the edge after ${(step + 1) * STEP_MS} ms`).to.be.within(0, 500);
    } finally {
      playback.stop();
    }
  });

  it('plays to the end: ended fires and the duration becomes the real one', async () => {
    // On the stepped server and the page clock, in turns: however busy the machine, the same events in the same order.
    const playback = await SteppedPlayback.start();
    try {
      const { element } = playback;
      await playback.untilReady();
      await seekTo(element, 88);
      const log = eventLog(element, ['play', 'playing', 'waiting', 'pause', 'ended', 'error', 'emptied', 'durationchange']);
      let ended = false;
      element.addEventListener('ended', () => (ended = true));
      element.playbackRate = 16;
      // Playing starts once data beyond the position arrives, which needs the server's time to move.
      const played = element.play();
      await playback.turnUntil(() => ended, 'playing to the end at 16×', 40);
      await played;
      // The hint stands: the stream has screen events only, and the session's idle tail is in the hint.
      expect(element.duration).to.equal(DURATION_S);
      expect(element.currentTime).to.equal(DURATION_S);
      expect(element.error).to.equal(null);
      const names = log.map((event) => event.name);
      expect(names[0], 'play first').to.equal('play');
      expect(names.slice(-2), 'pause, then ended, last').to.deep.equal(['pause', 'ended']);
      expect(names.filter((name) => name === 'ended' || name === 'pause' || name === 'error' || name === 'emptied' || name === 'durationchange'), 'one pause and one ended; no error, reload or duration change').to.deep.equal(['pause', 'ended']);
      // Playing and waiting alternate at the edge of what arrived, starting with playing.
      const edge = names.filter((name) => name === 'playing' || name === 'waiting');
      expect(edge[0]).to.equal('playing');
      for (let at = 1; at < edge.length; at++) expect(edge[at], `${edge.join(', ')}`).to.not.equal(edge[at - 1]);
      const times = log.map((event) => event.timeMs);
      for (let at = 1; at < times.length; at++) expect(times[at]!, `position at ${log[at]!.name}`).to.be.at.least(times[at - 1]!);
    } finally {
      playback.stop();
    }
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
    // On the stepped server and the page clock, in turns; the player's own retry waits are real time (it waits for its new socket).
    const playback = await SteppedPlayback.start();
    try {
      const { element, sockets } = playback;
      await playback.untilReady();
      element.playbackRate = 8;
      const played = element.play();
      await playback.turnUntil(() => element.currentTime > 1, 'playing past 1 s', 80, true);
      await played;
      const droppedAt = element.currentTime;
      const log = eventLog(element, ['pause', 'ended', 'error', 'emptied', 'loadstart', 'abort']);
      expect(sockets.sockets.length, 'one socket before the drop').to.equal(1);
      await fetch('/__playback-servers/disconnect?server=stepped');
      await until(() => sockets.sockets[0]!.closed, 'the page saw its socket drop');
      await until(() => sockets.sockets.length === 2, 'the player opened a new socket', 20_000);
      await until(async () => (await steppedViewers()).viewers.length === 1, 'the new socket is a viewer of the server');
      // Playing on well past where the socket dropped needs the events of the new connection.
      await playback.turnUntil(() => element.currentTime > Math.max(6, droppedAt + 4), 'playing on after the drop', 80, true);
      const paused = nextEvent(element, 'pause');
      element.pause();
      await paused;
      expect(element.error).to.equal(null);
      expect(element.currentTime).to.be.greaterThan(6);
      expect(log.map((event) => event.name), 'the drop is not seen: no error, no new load; only the pause asked for').to.deep.equal(['pause']);
      expect(sockets.sockets.length, 'one reconnect').to.equal(2);
      await expectReferenceScreen(element, 'after a reconnect');
    } finally {
      playback.stop();
    }
  });

  it('starts at start-at by having the server fast-forward there', async () => {
    // On the stepped server: the player is ready at 60 s having moved the server's time only past its start.
    const playback = await SteppedPlayback.start(60);
    try {
      const { element } = playback;
      const serverStartMs = (await steppedViewers()).nowMs;
      await playback.untilReady();
      expect(element.currentTime).to.equal(60);
      expect((await steppedViewers()).nowMs - serverStartMs, 'the server fast-forwarded: less than a second of its time').to.be.below(1000);
      await expectReferenceScreen(element, 'start-at');
    } finally {
      playback.stop();
    }
  });

  it('reports a websocket error when the server cannot be reached', async () => {
    const element = await fixture<DesktopRecordingPlayer>(html`<desktop-recording-player></desktop-recording-player>`);
    const failed = nextEvent(element, 'error', 30000);
    element.src = 'ws://127.0.0.1:9/webapi/sites/demo/desktopplayback/nothing/ws';
    await failed;
    expect(element.error).to.include({ reason: 'websocket', partial: false });
  });
});
