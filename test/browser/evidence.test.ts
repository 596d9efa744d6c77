// exportEvidence(): a bundle of a range of the 2-minute sample, unzipped here and checked file by
// file: every SHA256SUMS line against the bytes (and the recording's line against the sample this
// test fetched), the capture at each note against captureFrame() after seeking there, the event
// log against the recording's transfers, clipboard and markers; then cancel and bad ranges.
import { expect, fixture, html } from '@open-wc/testing';
import { unzipSync } from 'fflate';
import '../../src/define.js';
import '../../src/strings/de.js';
import type { DesktopRecordingPlayer, EvidenceNoteInput } from '../../src/index.js';
import { nextEvent } from '../helpers/next-event.js';
import { pixelsOf } from '../helpers/screen-recording.js';
import { player as loadedPlayer, richRecording, until, urlOf } from './element-fixtures.js';

const SESSION = '6c0e1e5a-8d6b-4a51-9a0c-2f4b1c7d0720';
const SAMPLE = `/demo/recordings/${SESSION}.tar`; // 1280×720, 2 min: report.pdf read at 0:25.715, clipboard at 0:51.333

async function sha256Hex(bytes: Uint8Array | ArrayBuffer): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes as BufferSource);
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, '0')).join('');
}

interface EvidenceTime {
  ms: number;
  recording: string;
  wallClock: string | null;
}

interface EvidenceEvent {
  kind: string;
  time: EvidenceTime;
  endTime?: EvidenceTime;
  type?: string;
  transfer?: { path: string; direction: string; bytes: number; count: number; operations: EvidenceEvent[] };
  note?: { id: string; severity: string; text: string; capture: string | null };
}

const notes: EvidenceNoteInput[] = [
  { id: 'n-1', time: 27.5, severity: 'warning', text: 'Reads report.pdf from the shared folder', created: '2026-12-07T01:00:00.000Z', author: 'reviewer@example.com' },
  { id: 'n-2', time: 40, endTime: 44, severity: 'critical', text: 'Types into the admin console', created: Date.UTC(2026, 11, 7, 1, 5) },
  // Outside the range: neither logged nor captured.
  { id: 'n-3', time: 90, severity: 'info', text: 'Later', created: '2026-12-07T01:10:00.000Z' },
];

describe('exportEvidence()', function () {
  this.timeout(180_000);

  it('bundles a range: every SHA256SUMS line checks out, captures equal captureFrame(), events.json holds the range with its times', async () => {
    const player = await loadedPlayer(SAMPLE);
    const fractions: number[] = [];
    const zip = await player.exportEvidence({ start: 25, end: 52, notes, onProgress: (fraction) => fractions.push(fraction) });
    expect(zip.name).to.equal(`${SESSION}-evidence-00-00-25-00-00-52.zip`);
    expect(zip.type).to.equal('application/zip');
    expect(fractions.length).to.be.greaterThan(1);
    expect(fractions.every((fraction, index) => fraction >= 0 && fraction <= 1 && (index === 0 || fraction >= fractions[index - 1]!))).to.equal(true);
    expect(fractions.at(-1)).to.equal(1);

    const compression: Record<string, number> = {};
    const files = unzipSync(new Uint8Array(await zip.arrayBuffer()), { filter: (file) => ((compression[file.name] = file.compression), true) });
    const names = Object.keys(files).sort();
    const captures = ['captures/00-00-27.500.png', 'captures/00-00-40.000.png'];
    expect(names).to.deep.equal(['README.txt', 'SHA256SUMS', ...captures, 'events.json', 'manifest.json', 'session.json', 'video.mp4'].sort());
    // Already compressed: stored. Text: deflated.
    for (const name of [...captures, 'video.mp4']) expect(compression[name], name).to.equal(0);
    for (const name of ['README.txt', 'events.json', 'manifest.json', 'session.json', 'SHA256SUMS']) expect(compression[name], name).to.equal(8);

    // SHA256SUMS: `sha256sum -c` lines for every other file, and the original recording.
    const sums = new TextDecoder().decode(files['SHA256SUMS']);
    const lines = sums.trimEnd().split('\n');
    const listed = new Map(lines.map((line) => {
      const match = /^([0-9a-f]{64}) {2}(\S.*)$/.exec(line);
      expect(match, line).to.not.equal(null);
      return [match![2]!, match![1]!] as const;
    }));
    expect([...listed.keys()].sort()).to.deep.equal([...names.filter((name) => name !== 'SHA256SUMS'), `${SESSION}.tar`].sort());
    for (const name of names) if (name !== 'SHA256SUMS') expect(listed.get(name), name).to.equal(await sha256Hex(files[name]!));
    const original = await (await fetch(SAMPLE)).arrayBuffer();
    expect(listed.get(`${SESSION}.tar`)).to.equal(await sha256Hex(original));

    const manifest = JSON.parse(new TextDecoder().decode(files['manifest.json']));
    // The player hashed the file while reading it; the bundle uses that hash (it hashes the source itself only without one).
    expect(player.recordingSha256).to.equal(await sha256Hex(original));
    expect(manifest.recording).to.deep.include({ file: `${SESSION}.tar`, sha256: await sha256Hex(original), hashedBy: 'player' });
    expect(manifest.video).to.deep.include({ file: 'video.mp4', type: 'video/mp4' });
    expect(manifest.captures.map((capture: { file: string; notes: string[] }) => [capture.file, capture.notes])).to.deep.equal([[captures[0], ['n-1']], [captures[1], ['n-2']]]);
    // The video is an MP4 (ISO BMFF: `ftyp` at byte 4).
    expect(new TextDecoder().decode(files['video.mp4']!.subarray(4, 8))).to.equal('ftyp');

    const session = JSON.parse(new TextDecoder().decode(files['session.json']));
    expect(session).to.deep.include({ sessionId: SESSION, user: 'alice@example.com', desktopName: 'win-dev-01' });
    expect(session.recordingStart).to.equal(player.startDate!.toISOString());

    // events.json: the transfer with its reads, the clipboard, the notes in the range; nothing outside.
    const log = JSON.parse(new TextDecoder().decode(files['events.json'])) as { range: { start: EvidenceTime; end: EvidenceTime }; events: EvidenceEvent[] };
    const startDateMs = player.startDate!.getTime();
    const wall = (ms: number) => new Date(startDateMs + ms).toISOString();
    expect(log.range.start).to.deep.equal({ ms: 25_000, recording: '00:00:25.000', wallClock: wall(25_000) });
    expect(log.range.end).to.deep.equal({ ms: 52_000, recording: '00:00:52.000', wallClock: wall(52_000) });
    expect(log.events.map((event) => event.kind)).to.deep.equal(['transfer', 'note', 'note', 'clipboard']);
    const [transfer, first, second, clipboard] = log.events;
    const marker = player.markers.find((candidate) => candidate.transfer)!;
    expect(transfer!.time).to.deep.equal({ ms: 25_715, recording: '00:00:25.715', wallClock: wall(25_715) });
    expect(transfer!.endTime!.ms).to.equal(Math.round(marker.transfer!.end * 1000));
    expect(transfer!.transfer).to.deep.include({ path: marker.transfer!.path, direction: 'read', bytes: 585_256, count: 10 });
    expect(transfer!.transfer!.operations.map((operation) => operation.time.ms)).to.deep.equal(marker.transfer!.operations.map((operation) => Math.round(operation.time * 1000)));
    for (const operation of transfer!.transfer!.operations) expect(operation.time.wallClock).to.equal(wall(operation.time.ms));
    expect(first!.note).to.deep.include({ id: 'n-1', severity: 'warning', capture: captures[0] });
    expect(second!.note).to.deep.include({ id: 'n-2', severity: 'critical', capture: captures[1] });
    expect(second!.endTime!.recording).to.equal('00:00:44.000');
    expect(clipboard!).to.deep.include({ type: 'desktop.clipboard.receive' });
    expect(clipboard!.time).to.deep.equal({ ms: 51_333, recording: '00:00:51.333', wallClock: wall(51_333) });

    // Each capture is the screen captureFrame() gives at its moment: full size, pixel for pixel.
    for (const [index, time] of [27.5, 40].entries()) {
      const seeked = nextEvent(player, 'seeked');
      player.currentTime = time;
      await seeked;
      const expected = await pixelsOf(await player.captureFrame());
      const actual = await pixelsOf(new Blob([files[captures[index]!]! as BlobPart], { type: 'image/png' }));
      expect([actual.width, actual.height]).to.deep.equal([1280, 720]);
      let differing = 0;
      for (let y = 0; y < 720; y++) for (let x = 0; x < 1280; x++) if (actual.at(x, y).some((value, channel) => value !== expected.at(x, y)[channel])) differing += 1;
      expect(differing, `pixels differing at ${time} s`).to.equal(0);
    }
  });

  it('asked for before the player has the hash (the file still arriving): waits for the whole file and uses the hash the player took while reading it', async () => {
    const original = new Uint8Array(await (await fetch(SAMPLE)).arrayBuffer());
    // The held-stream server sends the first half now and the rest when the test lets it go.
    const response = await fetch(`/__held-stream?at=${Math.floor(original.length / 2)}`, { method: 'POST', body: new Blob([original as BlobPart]) });
    const { url } = (await response.json()) as { url: string };
    const element = await fixture<DesktopRecordingPlayer>(html`<desktop-recording-player style="width: 640px"></desktop-recording-player>`);
    const canPlay = nextEvent(element, 'canplay');
    element.src = url;
    await canPlay;
    expect(element.recordingSha256, 'no hash before the whole file was read').to.equal(null);
    const bundle = element.exportEvidence({ start: 1, end: 3 });
    await fetch(`${url}/release`, { method: 'POST' });
    const files = unzipSync(new Uint8Array(await (await bundle).arrayBuffer()));
    const expected = await sha256Hex(original);
    expect(element.recordingSha256).to.equal(expected);
    const manifest = JSON.parse(new TextDecoder().decode(files['manifest.json']));
    expect(manifest.recording).to.deep.include({ sha256: expected, hashedBy: 'player' });
    expect(new TextDecoder().decode(files['SHA256SUMS'])).to.contain(`${expected}  ${SESSION}.tar\n`);
  });

  it('uses the recording hash the player has, and rejects: AbortError when cancelled, RangeError outside the recording, TypeError for a bad note', async () => {
    const player = await loadedPlayer(SAMPLE);
    // A hash the player computed (the review notes' `recordingSha256`) goes into SHA256SUMS as it is.
    const given = 'ab'.repeat(32);
    Object.defineProperty(player, 'recordingSha256', { value: given, configurable: true });
    const small = unzipSync(new Uint8Array(await (await player.exportEvidence({ start: 1, end: 2 })).arrayBuffer()));
    expect(new TextDecoder().decode(small['SHA256SUMS'])).to.contain(`${given}  ${SESSION}.tar\n`);
    expect(Object.keys(small).some((name) => name.startsWith('captures/'))).to.equal(false);

    const controller = new AbortController();
    const cancelled = await player
      .exportEvidence({ start: 0, end: 10, signal: controller.signal, onProgress: () => controller.abort() })
      .then(() => undefined, (error: unknown) => error as Error);
    expect(cancelled?.name).to.equal('AbortError');

    const outside = await player.exportEvidence({ start: 500, end: 600 }).then(() => undefined, (error: unknown) => error as Error);
    expect(outside).to.be.instanceOf(RangeError);

    const badNote = await player
      .exportEvidence({ notes: [{ id: 'x', time: Number.NaN, severity: 'info', text: '', created: '' }] })
      .then(() => undefined, (error: unknown) => error as Error);
    expect(badNote).to.be.instanceOf(TypeError);
    expect(badNote?.message).to.contain('review note 1 (x)');
  });

  it('is made from the controls: "Export evidence…" shows progress, then says the bundle was saved; German where the player speaks it', async () => {
    const element = await loadedPlayer('/demo/recordings/4c6f2a10-5d1e-4b7a-9c3f-8e2d0c0d2026.tar'); // 12 s
    const part = (name: string) => element.shadowRoot!.querySelector<HTMLElement>(`[part~='${name}']`);
    // The button's code is a chunk, loaded once the recording shows.
    await until(() => part('evidence-button') !== null, 'the evidence button is there');
    expect(part('evidence-button')!.getAttribute('aria-label')).to.equal('Export evidence…');
    part('evidence-button')!.click();
    await until(() => part('export-progress') !== null, 'the progress shows');
    expect(part('evidence-button')!.getAttribute('aria-pressed')).to.equal('true');
    expect(part('export-progress')!.textContent).to.contain('Making the evidence bundle…');
    // One export at a time: the video export waits.
    expect(part('export-button')?.hasAttribute('disabled') ?? true).to.equal(true);
    await until(() => part('export-progress') === null, 'the bundle is made', 60_000);
    expect(part('toast')!.textContent!.trim()).to.equal('Evidence bundle saved');
    element.lang = 'de';
    await element.updateComplete;
    expect(part('evidence-button')!.getAttribute('aria-label')).to.equal('Beweispaket exportieren…');
  });

  it('refuses with an InvalidStateError while a playback websocket still sends the recording', async () => {
    const servers = (await (await fetch('/__playback-servers')).json()) as { open: string };
    const element = await fixture<DesktopRecordingPlayer>(html`<desktop-recording-player style="width: 480px"></desktop-recording-player>`);
    element.src = `${servers.open}/webapi/sites/demo/desktopplayback/9a7f3c21-0b4e-4f8a-8c3d-5e6f7a8b1080/ws`;
    await nextEvent(element, 'canplay');
    const refused = await element.exportEvidence({ start: 0, end: 1 }).then(() => undefined, (error: unknown) => error as DOMException);
    expect(refused?.name).to.equal('InvalidStateError');
    expect(refused?.message).to.contain('playback websocket');
  });

  it('makes at most 100 captures, of the earliest notes; the later ones say capture: null', async () => {
    const player = await loadedPlayer(urlOf(await richRecording())); // 6 s, 256×128
    const many: EvidenceNoteInput[] = Array.from({ length: 101 }, (_, index) => ({ id: `n${index}`, time: 0.5 + index * 0.05, severity: 'info', text: `${index}`, created: 0 }));
    const files = unzipSync(new Uint8Array(await (await player.exportEvidence({ notes: many })).arrayBuffer()));
    expect(Object.keys(files).filter((name) => name.startsWith('captures/')).length).to.equal(100);
    const log = JSON.parse(new TextDecoder().decode(files['events.json'])) as { events: EvidenceEvent[] };
    const captures = log.events.filter((event) => event.kind === 'note').map((event) => event.note!.capture);
    expect(captures.slice(0, 100).every((capture) => capture !== null && capture in files)).to.equal(true);
    expect(captures[100]).to.equal(null);
    expect(JSON.parse(new TextDecoder().decode(files['manifest.json'])).capturesLimit).to.contain('at most 100');
  });
});
