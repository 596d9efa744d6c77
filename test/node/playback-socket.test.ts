import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import WebSocket from 'ws';
import { LATE_TOLERANCE_MS, matchPlaybackPath } from '../../src/cli/playback-socket-server.js';
import { desktopRecordingJson, goString, goTime } from '../../src/format/playback-frames.js';
import { serve, type RecordingsServer } from '../../src/cli/serve.js';
import { readRecording } from '../../src/format/reader.js';
import { encodeTdp, encodeTdpb, type TdpMessage } from '../../src/format/tdp.js';
import { createRecorder, memorySink } from '../../src/recorder/index.js';
import { FakeTime } from '../helpers/fake-time.js';
import { portOf } from '../helpers/loopback.js';

const T0 = Date.UTC(2024, 0, 1, 0, 0, 0) + 1500;
const SAMPLE = '6c0e1e5a-8d6b-4a51-9a0c-2f4b1c7d0720';

interface Step {
  at: number;
  message: TdpMessage;
  tdpb?: boolean;
  from?: 'client' | 'server';
}

/** A recording made with the project's recorder: session start, the steps at their times, session end. */
async function makeRecording(steps: Step[], options: { clusterName?: string; partSize?: number } = {}): Promise<Uint8Array> {
  let now = T0;
  const sink = memorySink();
  const recorder = createRecorder({
    sink, now: () => now, ...(options.partSize && { partSize: options.partSize }),
    session: { sessionId: 's', clusterName: options.clusterName ?? 'c', user: 'u', desktopName: 'd', desktopAddr: '10.0.0.1:3389', windowsUser: 'w' },
  });
  await recorder.start();
  for (const step of steps) {
    now = T0 + step.at;
    await recorder.record(step.tdpb ? encodeTdpb(step.message) : encodeTdp(step.message), step.from ?? 'server');
  }
  await recorder.end();
  return sink.bytes();
}

const moves = (times: number[]): Step[] => times.map((at, i) => ({ at, message: { kind: 'mouseMove', x: i, y: i }, from: 'client' }));

interface Frame {
  binary: boolean;
  json: Record<string, unknown>;
}

/** A real `ws` client that keeps every frame (pacing is checked by the `ms` in frames and the server's controlled time, never by arrival). */
class Client {
  readonly frames: Frame[] = [];
  readonly closed: Promise<number>;
  private waiters: (() => void)[] = [];

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data, binary) => {
      this.frames.push({ binary, json: JSON.parse(data.toString()) });
      for (const wake of this.waiters.splice(0)) wake();
    });
    this.closed = new Promise((resolve) => ws.on('close', (code) => {
      for (const wake of this.waiters.splice(0)) wake();
      resolve(code);
    }));
    ws.on('error', () => {});
  }

  static async open(url: string): Promise<Client> {
    const ws = new WebSocket(url);
    const client = new Client(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return client;
  }

  send(value: unknown): void {
    this.ws.send(JSON.stringify(value));
  }

  /** DesktopRecording frames. */
  get events(): Frame[] {
    return this.frames.filter((f) => f.json.event === 'desktop.recording');
  }

  /** Resolves with the first frame (from index `from`) that matches. */
  async waitFor(match: (frame: Frame) => boolean, timeoutMs = 20_000, from = 0): Promise<Frame> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const found = this.frames.slice(from).find(match);
      if (found) return found;
      if (this.ws.readyState === WebSocket.CLOSED) throw new Error(`closed before a matching frame; got ${JSON.stringify(this.frames.map((f) => f.json.ms ?? f.json))}`);
      const left = deadline - performance.now();
      if (left <= 0) throw new Error(`timed out; got ${JSON.stringify(this.frames.map((f) => f.json.ms ?? f.json))}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Resolves once the server has answered a ping: every frame it sent before is here. */
  roundTrip(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.ws.once('pong', () => resolve());
      this.ws.ping();
    });
  }

  /** The `ms` of the DesktopRecording frames so far, once everything the server has sent is here. */
  async msSoFar(): Promise<unknown[]> {
    await this.roundTrip();
    return this.events.map((f) => f.json.ms);
  }

  waitForEnd(timeoutMs?: number): Promise<Frame> {
    return this.waitFor((f) => f.json.message === 'end' || f.json.message === 'error', timeoutMs);
  }

  close(): void {
    this.ws.close();
  }
}

const eventAt = (ms: number) => (f: Frame) => f.json.event === 'desktop.recording' && f.json.ms === ms;
const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

const closeServer = (server: RecordingsServer) => new Promise<void>((resolve) => server.close(() => resolve()));

describe('playback websocket', () => {
  let dir = '';
  let server: RecordingsServer;
  let base = '';
  const files: Record<string, Uint8Array> = {};
  // The viewers pace by a time the tests move: schedules are checked by the events' `ms`, not by
  // arrival times on a busy machine.
  const time = new FakeTime();
  /** Plays the stream on (fake time) until the client has its end or error frame. */
  const playToEnd = async (client: Client) => {
    await time.runUntil(() => client.frames.some((f) => f.json.message === 'end' || f.json.message === 'error'));
    return client.waitForEnd();
  };

  const wsUrl = (sid: string, prefix = '') => `${base}${prefix}/webapi/sites/c/desktopplayback/${sid}/ws`;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'drp-ws-'));
    files.shape = await makeRecording(
      [
        { at: 0, message: { kind: 'screenSpec', width: 800, height: 600 }, from: 'client' },
        { at: 0, message: { kind: 'pngFrame', left: 0, top: 0, right: 64, bottom: 64, png: new Uint8Array(300).fill(7) } },
        { at: 50, message: { kind: 'clipboardData', data: new TextEncoder().encode('secret') }, from: 'client' },
        { at: 60, message: { kind: 'mouseMove', x: 3, y: 4 }, tdpb: true, from: 'client' },
        { at: 120, message: { kind: 'alert', message: 'hello', severity: 0 } },
      ],
      { clusterName: 'x<&>y' },
    );
    files.pacing = await makeRecording(moves([0, 200, 400]));
    files.ticks = await makeRecording(moves(Array.from({ length: 31 }, (_, i) => i * 100)));
    files.clamp = await makeRecording(moves([0, 100, 1700]));
    // Many small parts, cut in the middle of one: a damaged file.
    const tiles: Step[] = Array.from({ length: 40 }, (_, i) => ({ at: i, message: { kind: 'pngFrame', left: 0, top: 0, right: 64, bottom: 64, png: randomBytes(600) } }));
    const whole = await makeRecording(tiles, { partSize: 4096 });
    files.truncated = whole.subarray(0, Math.floor(whole.length * 0.6));
    for (const [name, bytes] of Object.entries(files)) await writeFile(join(dir, `${name}.tar`), bytes);
    await copyFile(join('demo', 'recordings', `${SAMPLE}.tar`), join(dir, `${SAMPLE}.tar`));
    server = await serve({ recordingsDir: dir, root: process.cwd(), port: 0, host: '127.0.0.1', authGraceMs: 100, playbackTime: time });
    base = `ws://127.0.0.1:${portOf(server)}`;
  });

  after(async () => {
    await closeServer(server);
    await rm(dir, { recursive: true, force: true });
  });

  test('frames are the Go JSON of each DesktopRecording event, with the TDP bytes of the file, then end', async () => {
    const client = await Client.open(wsUrl('shape'));
    await playToEnd(client);
    const { events } = await readRecording(files.shape!);
    const recorded = events.filter((e) => e.event.case === 'desktopRecording');
    assert.equal(client.events.length, recorded.length);
    assert.equal(client.frames.length, recorded.length + 1, 'only DesktopRecording events and the end frame');
    assert.ok(client.frames.every((f) => f.binary), 'binary frames');
    for (const [i, frame] of client.events.entries()) {
      const e = recorded[i]!;
      if (e.event.case !== 'desktopRecording') throw new Error('unreachable');
      const value = e.event.value;
      const tdpb = value.tdpbMessage.length > 0;
      assert.deepEqual(Object.keys(frame.json), ['ei', 'event', 'time', 'cluster_name', 'message', 'ms', ...(tdpb ? ['tdpb_message'] : [])]);
      assert.equal(frame.json.ei, e.index);
      assert.equal(frame.json.ms, Number(value.delayMilliseconds));
      assert.equal(frame.json.cluster_name, 'x<&>y');
      assert.equal(frame.json.time, new Date(e.timeMs!).toISOString().replace('.000Z', 'Z').replace(/(\.\d*?)0+Z$/, '$1Z'));
      if (tdpb) {
        assert.equal(frame.json.message, null);
        assert.deepEqual(Buffer.from(frame.json.tdpb_message as string, 'base64'), Buffer.from(value.tdpbMessage));
      } else {
        assert.deepEqual(Buffer.from(frame.json.message as string, 'base64'), Buffer.from(value.message));
      }
    }
    assert.equal(client.events[0]!.json.time, '2024-01-01T00:00:01.5Z');
    assert.deepEqual(client.frames.at(-1)!.json, { message: 'end' });
    assert.equal(client.ws.readyState, WebSocket.OPEN, 'the socket stays open after end');
    client.close();
  });

  test('a committed sample fast-forwarded end to end: every frame decodes to the bytes in the file', async () => {
    const client = await Client.open(wsUrl(SAMPLE, '/v1'));
    client.send({ action: 'seek', pos: 1e9 });
    await client.waitForEnd();
    const { events } = await readRecording(new Uint8Array(await import('node:fs/promises').then((fs) => fs.readFile(join(dir, `${SAMPLE}.tar`)))));
    const recorded = events.flatMap((e) => (e.event.case === 'desktopRecording' ? [e.event.value] : []));
    assert.equal(client.events.length, recorded.length);
    for (const [i, frame] of client.events.entries()) {
      assert.equal(frame.json.message, base64(recorded[i]!.message));
      assert.equal(frame.json.ms, Number(recorded[i]!.delayMilliseconds));
    }
    assert.deepEqual(client.frames.at(-1)!.json, { message: 'end' });
    client.close();
  });

  test('an unknown session id gets an error frame and a close', async () => {
    const client = await Client.open(wsUrl('no-such-session'));
    await time.advance(100); // the grace for a token message
    const frame = await client.waitFor(() => true);
    assert.equal(frame.json.message, 'error');
    assert.match(String(frame.json.errorText), /no-such-session.*not found/);
    assert.equal(await client.closed, 1000);
  });

  test('a path that cannot name a recording is refused at the upgrade', async () => {
    await assert.rejects(Client.open(wsUrl('..%2Fetc')), /404/);
    await assert.rejects(Client.open(`${base}/webapi/sites/c/elsewhere/ws`), /404/);
  });

  test('a truncated file: every event that decoded, then an error frame', async () => {
    const client = await Client.open(wsUrl('truncated'));
    client.send({ action: 'seek', pos: 1e9 });
    const last = await client.waitForEnd();
    const { events, error } = await readRecording(files.truncated!);
    assert.ok(error, 'the fixture is damaged');
    const decoded = events.filter((e) => e.event.case === 'desktopRecording');
    assert.ok(decoded.length > 5 && decoded.length < 40, `some but not all events decode (${decoded.length})`);
    assert.equal(client.events.length, decoded.length);
    assert.equal(last.json.message, 'error');
    assert.equal(last.json.errorText, error.message);
    assert.equal(last, client.frames.at(-1));
    client.close();
  });

  test('pacing at speed 1 and speed 2', async () => {
    // A silent client: the stream starts after the grace for a token message (100 ms here).
    const one = await Client.open(wsUrl('pacing'));
    await time.advance(99);
    assert.deepEqual(await one.msSoFar(), [], 'nothing during the grace');
    await time.advance(1);
    await one.waitFor(eventAt(0));
    await time.advance(199);
    assert.deepEqual(await one.msSoFar(), [0]);
    await time.advance(1);
    await one.waitFor(eventAt(200));
    await time.advance(199);
    assert.deepEqual(await one.msSoFar(), [0, 200]);
    await time.advance(1);
    await one.waitForEnd();
    assert.deepEqual(one.events.map((f) => f.json.ms), [0, 200, 400]);
    one.close();

    // A first message starts the stream at once, here at 2×: 200 ms of recording in 100 ms.
    const two = await Client.open(wsUrl('pacing'));
    two.send({ action: 'speed', speed: 2 });
    await two.waitFor(eventAt(0));
    await time.advance(99);
    assert.deepEqual(await two.msSoFar(), [0]);
    await time.advance(1);
    await two.waitFor(eventAt(200));
    await time.advance(100);
    await two.waitForEnd();
    assert.deepEqual(two.events.map((f) => f.json.ms), [0, 200, 400]);
    two.close();
  });

  test('pause holds before the next event; play resumes where it was', async () => {
    const client = await Client.open(wsUrl('pacing'));
    client.send({ action: 'speed', speed: 1 }); // a first message: the stream starts now
    await client.waitFor(eventAt(0));
    client.send({ action: 'play/pause' });
    await client.roundTrip();
    await time.advance(10_000);
    assert.deepEqual(await client.msSoFar(), [0], 'nothing while paused');
    client.send({ action: 'play/pause' });
    await client.roundTrip();
    await time.advance(199);
    assert.deepEqual(await client.msSoFar(), [0], 'resumed where it was: 200 ms to the next event');
    await time.advance(1);
    await client.waitFor(eventAt(200));
    await time.advance(200);
    await client.waitFor(eventAt(400));
    client.close();
  });

  test('speed is clamped to [0.25, 16]', async () => {
    const client = await Client.open(wsUrl('clamp'));
    client.send({ action: 'speed', speed: 0.01 });
    await client.waitFor(eventAt(0));
    await time.advance(399);
    assert.deepEqual(await client.msSoFar(), [0], 'speed 0.01 → 0.25: 100 ms take 400 ms');
    await time.advance(1);
    await client.waitFor(eventAt(100));
    client.send({ action: 'speed', speed: 100 });
    await client.roundTrip();
    await time.advance(99);
    assert.deepEqual(await client.msSoFar(), [0, 100], 'speed 100 → 16: 1600 ms take 100 ms');
    await time.advance(1);
    await client.waitFor(eventAt(1700));
    client.close();
  });

  test('a bad speed ({"speed": null}) changes nothing, and playback stays steerable', async () => {
    const client = await Client.open(wsUrl('clamp'));
    client.send({ action: 'speed', speed: null });
    await client.waitFor(eventAt(0));
    await time.advance(99);
    assert.deepEqual(await client.msSoFar(), [0], 'still 1×');
    await time.advance(1);
    await client.waitFor(eventAt(100));
    client.send({ action: 'seek', pos: 1e9 });
    await client.waitForEnd();
    assert.deepEqual(client.events.map((f) => f.json.ms), [0, 100, 1700]);
    client.close();
  });

  test('seek forward sends every event up to the position at once, then normal timing', async () => {
    const client = await Client.open(wsUrl('ticks'));
    client.send({ action: 'seek', pos: 2000 });
    await client.waitFor(eventAt(2000));
    assert.deepEqual(await client.msSoFar(), Array.from({ length: 21 }, (_, i) => i * 100), 'every event up to 2000, in order, with no time passing');
    await time.advance(99);
    assert.equal((await client.msSoFar()).length, 21);
    await time.advance(1);
    await client.waitFor(eventAt(2100));
    client.close();
  });

  test('seek backward restarts the stream from the beginning and fast-forwards to the position', async () => {
    const client = await Client.open(wsUrl('ticks'));
    client.send({ action: 'seek', pos: 500 });
    const at500 = await client.waitFor(eventAt(500));
    const index = client.frames.indexOf(at500);
    client.send({ action: 'seek', pos: 200 });
    await client.waitFor(eventAt(200), 2000, index + 1);
    await time.advance(99);
    await client.roundTrip();
    assert.deepEqual(client.frames.slice(index + 1).map((f) => f.json.ms), [0, 100, 200], 'replayed from the start, with no time passing');
    await time.advance(1);
    await client.waitFor(eventAt(300), 2000, index + 1);
    assert.deepEqual(client.frames.slice(index + 1).map((f) => f.json.ms), [0, 100, 200, 300], 'timing resumes from the position');
    assert.equal(server.playback.viewers.find((v) => v.sid === 'ticks')?.passes, 2);
    client.close();
  });

  test('after end, a backward seek plays again; a forward one repeats the end', async () => {
    const client = await Client.open(wsUrl('pacing'));
    client.send({ action: 'seek', pos: 1000 });
    await client.waitForEnd();
    const count = client.frames.length;
    client.send({ action: 'seek', pos: 5000 });
    await client.waitFor((f) => f.json.message === 'end', 2000, count);
    client.send({ action: 'seek', pos: 200 });
    await client.waitFor(eventAt(200), 2000, count + 1);
    await time.advance(200);
    await client.waitFor((f) => f.json.message === 'end', 2000, count + 1);
    assert.deepEqual(client.frames.slice(count).map((f) => f.json.ms ?? f.json.message), ['end', 0, 200, 400, 'end']);
    client.close();
  });

  test('any other action ends the receive loop: later actions are ignored', async () => {
    const client = await Client.open(wsUrl('pacing'));
    client.send({ action: 'rewind' });
    client.send({ action: 'play/pause' });
    await client.waitFor(eventAt(0));
    await time.advance(400);
    await client.waitForEnd();
    assert.deepEqual(client.events.map((f) => f.json.ms), [0, 200, 400], 'not paused: the schedule ran on');
    client.close();
  });

  test('a busy event loop does not slow playback down: late events are caught up', async () => {
    // The load check (200 viewers) left 1× viewers about a second behind real time: lateness over
    // a 50 ms tolerance was written off instead of caught up. Here the loop is blocked 250 ms at 500.
    const client = await Client.open(wsUrl('ticks'));
    client.send({ action: 'seek', pos: 500 });
    await client.waitFor(eventAt(500));
    await time.jump(250);
    await client.waitFor(eventAt(700));
    assert.deepEqual((await client.msSoFar()).slice(-3), [500, 600, 700], 'the events due meanwhile go out together');
    await time.advance(49);
    assert.equal((await client.msSoFar()).at(-1), 700);
    await time.advance(1);
    await client.waitFor(eventAt(800));
    assert.equal((await client.msSoFar()).at(-1), 800, 'and the next one is on its original schedule');
    client.close();
  });

  test(`a viewer more than ${LATE_TOLERANCE_MS} ms behind continues from where it is instead of bursting`, async () => {
    const client = await Client.open(wsUrl('ticks'));
    client.send({ action: 'seek', pos: 500 });
    await client.waitFor(eventAt(500));
    await time.jump(LATE_TOLERANCE_MS + 500);
    await client.waitFor(eventAt(600));
    assert.deepEqual((await client.msSoFar()).slice(-2), [500, 600], 'one late event, not a burst');
    await time.advance(99);
    assert.equal((await client.msSoFar()).at(-1), 600);
    await time.advance(1);
    await client.waitFor(eventAt(700));
    client.close();
  });

  test('two viewers of one recording at once, each with its own pacing', async () => {
    const [slow, fast] = await Promise.all([Client.open(wsUrl('pacing')), Client.open(wsUrl('pacing'))]);
    fast.send({ action: 'speed', speed: 2 });
    slow.send({ action: 'speed', speed: 1 });
    await Promise.all([slow.waitFor(eventAt(0)), fast.waitFor(eventAt(0))]);
    await time.advance(100);
    await fast.waitFor(eventAt(200));
    assert.deepEqual([await slow.msSoFar(), await fast.msSoFar()], [[0], [0, 200]]);
    await time.advance(100);
    await fast.waitForEnd();
    await slow.waitFor(eventAt(200));
    assert.deepEqual([await slow.msSoFar(), await fast.msSoFar()], [[0, 200], [0, 200, 400]]);
    await time.advance(200);
    await slow.waitForEnd();
    assert.deepEqual(slow.events.map((f) => f.json.ms), [0, 200, 400]);
    slow.close();
    fast.close();
  });

  test('without a token: {"token":…} is answered ok; a silent client still gets the stream', async () => {
    const talker = await Client.open(wsUrl('pacing'));
    talker.send({ token: 'anything' });
    await playToEnd(talker);
    assert.equal(talker.frames[0]!.binary, false);
    assert.deepEqual(talker.frames[0]!.json, { type: 'create_session_response', status: 'ok' });
    assert.equal(talker.events.length, 3);

    const silent = await Client.open(wsUrl('pacing'));
    await playToEnd(silent);
    assert.equal(silent.events.length, 3);
    talker.close();
    silent.close();
  });

  test('closing the socket stops the viewer (and its file reading)', async () => {
    const client = await Client.open(wsUrl('ticks'));
    client.send({ action: 'seek', pos: 100 });
    await client.waitFor(eventAt(100));
    assert.ok(server.playback.viewers.some((v) => v.sid === 'ticks'));
    client.close();
    await client.closed;
    const deadline = performance.now() + 20_000; // a deadline for a state, generous for a busy machine
    while (server.playback.viewers.some((v) => v.sid === 'ticks') && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.equal(server.playback.viewers.length, 0);
  });

  test('a client that does not read: the server stops reading the file instead of buffering it', async () => {
    // ~12 MB of incompressible screen data; the client never reads its socket.
    const big = await makeRecording(
      Array.from({ length: 200 }, (_, i) => ({ at: i, message: { kind: 'pngFrame', left: 0, top: 0, right: 64, bottom: 64, png: randomBytes(60_000) } as TdpMessage })),
      { partSize: 1024 * 1024 },
    );
    await writeFile(join(dir, 'big.tar'), big);
    const socket = connect(portOf(server), '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    socket.write(
      'GET /webapi/sites/c/desktopplayback/big/ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    );
    socket.write(maskedTextFrame(JSON.stringify({ action: 'seek', pos: 1e9 }))); // everything, as fast as it can go
    socket.pause();
    // Wait for the state, not a time: the server has as much queued as it allows, and is holding back.
    const blocked = () => server.playback.viewers.find((v) => v.sid === 'big' && v.queuedBytes > 1024 * 1024);
    const until = performance.now() + 20_000;
    while (!blocked() && performance.now() < until) await new Promise((resolve) => setTimeout(resolve, 10));
    const viewer = blocked();
    assert.ok(viewer, 'the viewer is connected and holding back');
    await new Promise((resolve) => setImmediate(resolve));
    assert.ok(viewer.fileBytes < big.length * 0.75, `read ${viewer.fileBytes} of ${big.length} bytes`);
    assert.ok(viewer.maxQueuedBytes < 1024 * 1024 + 128 * 1024, `queued at most ${viewer.maxQueuedBytes} bytes`);
    socket.destroy();
    const deadline = performance.now() + 20_000; // a deadline for a state, generous for a busy machine
    while (server.playback.viewers.some((v) => v.sid === 'big') && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.equal(server.playback.viewers.length, 0, 'the viewer is gone once the socket is');
  });

  test('frame encoding helpers', () => {
    assert.equal(goTime({ $typeName: 'google.protobuf.Timestamp', seconds: 1704067201n, nanos: 500_000_000 }), '2024-01-01T00:00:01.5Z');
    assert.equal(goTime({ $typeName: 'google.protobuf.Timestamp', seconds: 1704067200n, nanos: 0 }), '2024-01-01T00:00:00Z');
    assert.equal(goTime({ $typeName: 'google.protobuf.Timestamp', seconds: 1704067200n, nanos: 123 }), '2024-01-01T00:00:00.000000123Z');
    assert.equal(goTime(undefined), '0001-01-01T00:00:00Z');
    assert.equal(goString('a<b>&"c"'), '"a\\u003cb\\u003e\\u0026\\"c\\""');
    assert.equal(
      desktopRecordingJson({
        $typeName: 'events.DesktopRecording',
        metadata: { $typeName: 'events.Metadata', index: 5n, type: 'desktop.recording', id: '', code: '', clusterName: 'x', time: { $typeName: 'google.protobuf.Timestamp', seconds: 1704067201n, nanos: 500_000_000 } },
        message: encodeTdp({ kind: 'screenSpec', width: 1280, height: 720 }),
        delayMilliseconds: 1500n,
        tdpbMessage: new Uint8Array(0),
      }),
      '{"ei":5,"event":"desktop.recording","time":"2024-01-01T00:00:01.5Z","cluster_name":"x","message":"AQAABQAAAALQ","ms":1500}',
    );
    assert.deepEqual(matchPlaybackPath('/v1/webapi/sites/c/desktopplayback/abc/ws'), { site: 'c', sid: 'abc', legacy: false });
    assert.deepEqual(matchPlaybackPath('/webapi/sites/c/desktopplayback/abc'), { site: 'c', sid: 'abc', legacy: true });
    assert.equal(matchPlaybackPath('/webapi/sites/c/desktopplayback/abc/ws/more'), undefined);
  });
});

describe('playback websocket with a token', () => {
  let dir = '';
  let server: RecordingsServer;
  let base = '';

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'drp-ws-token-'));
    await writeFile(join(dir, 'pacing.tar'), await makeRecording(moves([0, 20, 40])));
    server = await serve({ recordingsDir: dir, root: process.cwd(), port: 0, host: '127.0.0.1', token: 'sekret', allowUrlToken: true });
    base = `ws://127.0.0.1:${portOf(server)}`;
  });

  after(async () => {
    await closeServer(server);
    await rm(dir, { recursive: true, force: true });
  });

  test('the right token: create_session_response ok, then the stream', async () => {
    const client = await Client.open(`${base}/v1/webapi/sites/c/desktopplayback/pacing/ws`);
    client.send({ token: 'sekret' });
    await client.waitForEnd();
    assert.deepEqual(client.frames[0]!.json, { type: 'create_session_response', status: 'ok' });
    assert.deepEqual(client.frames.slice(1).map((f) => f.json.ms ?? f.json.message), [0, 20, 40, 'end']);
    client.close();
  });

  test('a wrong token, or no token first: create_session_response error, then close', async () => {
    for (const first of [{ token: 'guess' }, { action: 'play/pause' }]) {
      const client = await Client.open(`${base}/webapi/sites/c/desktopplayback/pacing/ws`);
      client.send(first);
      assert.equal(await client.closed, 1008);
      assert.equal(client.frames.length, 1);
      assert.equal(client.frames[0]!.json.type, 'create_session_response');
      assert.equal(client.frames[0]!.json.status, 'error');
      assert.match(String(client.frames[0]!.json.message), first.token ? /invalid token/ : /authentication required/);
    }
  });

  test('the older path with ?access_token= needs no token message (opted in: allowUrlToken)', async () => {
    const client = await Client.open(`${base}/webapi/sites/c/desktopplayback/pacing?access_token=sekret`);
    await client.waitForEnd();
    assert.deepEqual(client.frames.map((f) => f.json.ms ?? f.json.message), [0, 20, 40, 'end']);
    client.close();
  });

  test('closing the server terminates its playback sockets', async () => {
    const client = await Client.open(`${base}/webapi/sites/c/desktopplayback/pacing/ws`);
    client.send({ token: 'sekret' });
    await client.waitForEnd();
    const closed = closeServer(server);
    assert.equal(await client.closed, 1006);
    await closed;
  });
});

/** A client → server text frame (clients must mask). */
function maskedTextFrame(text: string): Buffer {
  const payload = Buffer.from(text);
  assert.ok(payload.length < 126);
  const mask = randomBytes(4);
  const frame = Buffer.alloc(6 + payload.length);
  frame[0] = 0x81;
  frame[1] = 0x80 | payload.length;
  mask.copy(frame, 2);
  for (let i = 0; i < payload.length; i++) frame[6 + i] = payload[i]! ^ mask[i % 4]!;
  return frame;
}
