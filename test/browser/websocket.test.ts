// The element on a Teleport-style playback websocket: the project's demo server runs on loopback
// (test/tools/playback-server-plugin.mjs) and paces the events; the player indexes what arrives,
// so seeking back is local, and seeking ahead asks the server to fast-forward.
import { expect, fixture, html } from '@open-wc/testing';
import '../../src/define.js';
import type { DesktopRecordingPlayer } from '../../src/index.js';
import { difference, imageDataOf, referenceScreens, screenUpdatesOf } from '../helpers/reference-screen.js';
import { eventually, nextEvent } from '../helpers/next-event.js';

const SESSION = '9a7f3c21-0b4e-4f8a-8c3d-5e6f7a8b1080';
const DURATION_S = 92;

interface Servers {
  open: string;
  token: string;
  testToken: string;
}

let servers: Servers;
let referenceUpdates: Awaited<ReturnType<typeof screenUpdatesOf>>;


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
    referenceUpdates = await screenUpdatesOf(new Uint8Array(await (await fetch(`/demo/recordings/${SESSION}.tar`)).arrayBuffer()));
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
    const element = await socketPlayer(socketUrl(servers.open));
    await nextEvent(element, 'canplay');
    await element.play();
    // Past what has arrived, while playing: the server fast-forwards there, then sends in real time.
    await seekTo(element, element.buffered.end(0) + 20);
    let waits = 0;
    element.addEventListener('waiting', () => (waits += 1));
    const started = element.currentTime;
    // The server sends in real time from here, a message every few hundred milliseconds of recording.
    await eventually(element, 'timeupdate', () => element.currentTime >= started + 2, 'playing 2 s on at the edge');
    // The player waits once at the edge, then trails it.
    expect(waits, 'waiting events over 2 s at the edge').to.be.at.most(2);
    expect(element.paused).to.equal(false);
    expect(element.buffered.end(0) - element.currentTime, 'trailing the edge').to.be.within(0, 1.5);
    element.pause();
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
