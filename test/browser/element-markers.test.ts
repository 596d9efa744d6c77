// A recording with 100,000 markers: the timeline draws at most one tick per pixel column of its
// rail, and every marker stays reachable by `[` / `]`.
import { expect } from '@open-wc/testing';
import { timestampOfMs, type AuditEventInit } from '../../src/format/events.js';
import { encodeTdp } from '../../src/format/tdp.js';
import type { DesktopRecordingPlayer } from '../../src/index.js';
import { T0, desktopRecording, writeRecording } from '../helpers/recording-bytes.js';
import { screenMessages } from '../helpers/screen-recording.js';
import { RED, nextEvent, player, pressAndSeek, revokeUrls, until, urlOf } from './element-fixtures.js';

const MARKERS = 100_000;
/** The alerts come every 36 ms: one hour of recording. */
const STEP_MS = 36;

/** 128×64, a red tile, then `MARKERS` alerts `Alert 0`, `Alert 1`, …, one every STEP_MS. */
async function alertStorm(): Promise<Uint8Array> {
  const screen = await screenMessages([{ timeMs: 0, screen: { width: 128, height: 64 } }, { timeMs: 0, tile: { left: 0, top: 0, color: RED } }]);
  const events = screen.map(({ message }, index) => desktopRecording(index, 0, encodeTdp(message)));
  for (let i = 0; i < MARKERS; i++) {
    events.push(desktopRecording(events.length, STEP_MS * (i + 1), encodeTdp({ kind: 'alert', message: `Alert ${i}`, severity: 1 })));
  }
  return writeRecording(events);
}

describe('<desktop-recording-player> with 100,000 markers', function () {
  this.timeout(120_000);
  let url: string;
  let element: DesktopRecordingPlayer;

  before(async () => {
    url = urlOf(await alertStorm());
    // Not a fixture (those are removed after each test): the tests below share this one player.
    element = document.createElement('desktop-recording-player') as DesktopRecordingPlayer;
    element.controls = true;
    element.style.width = '640px';
    document.body.append(element);
    const loaded = nextEvent(element, 'canplaythrough', 60_000);
    element.src = url;
    await loaded;
    await element.updateComplete;
  });
  after(() => {
    element.remove();
    revokeUrls();
  });

  it('has every marker, and at most one tick per pixel column of the rail', async () => {
    expect(element.markers.length).to.equal(MARKERS);
    const rail = element.shadowRoot!.querySelector<HTMLElement>('.ticks')!;
    const ticks = element.shadowRoot!.querySelectorAll<HTMLElement>('[part~=tick]');
    expect(ticks.length).to.be.greaterThan(0);
    expect(ticks.length).to.be.at.most(Math.ceil(rail.getBoundingClientRect().width));
    // One hour, evenly covered: every column of the rail has its tick.
    expect(ticks.length).to.be.at.least(Math.floor(rail.getBoundingClientRect().width) - 1);
    const columns = new Set([...ticks].map((tick) => Math.floor((parseFloat(tick.style.left) / 100) * rail.getBoundingClientRect().width)));
    expect(columns.size).to.equal(ticks.length);
  });

  it('ticks follow the rail: a narrower player has fewer', async () => {
    const wide = element.shadowRoot!.querySelectorAll('[part~=tick]').length;
    element.style.width = '320px';
    await until(() => element.shadowRoot!.querySelectorAll('[part~=tick]').length < wide, 'the ticks follow the narrower rail');
    const rail = element.shadowRoot!.querySelector<HTMLElement>('.ticks')!;
    expect(element.shadowRoot!.querySelectorAll('[part~=tick]').length).to.be.at.most(Math.ceil(rail.getBoundingClientRect().width));
    const narrow = element.shadowRoot!.querySelectorAll('[part~=tick]').length;
    element.style.width = '640px';
    await until(() => element.shadowRoot!.querySelectorAll('[part~=tick]').length > narrow, 'the ticks follow the wider rail again');
  });

  it('[ and ] still go from marker to marker', async () => {
    element.currentTime = 100;
    await nextEvent(element, 'seeked');
    await pressAndSeek(element, ']');
    expect(element.currentTime).to.be.closeTo(100.008, 0.0005);
    await pressAndSeek(element, ']');
    expect(element.currentTime).to.be.closeTo(100.044, 0.0005);
    // Back: to the marker before, a little before the position (so `[` can go on back).
    await pressAndSeek(element, '[');
    expect(element.currentTime).to.be.closeTo(99.792, 0.0005);
  });
});

describe('<desktop-recording-player> marker ticks of one recording after another', () => {
  after(revokeUrls);

  /** 128×64, 3 s: markers at 1 s and 2 s, alerts or clipboard events, then the screen changes at 3 s. */
  async function twoMarkers(kind: 'alert' | 'clipboard'): Promise<Uint8Array> {
    const screen = await screenMessages([
      { timeMs: 0, screen: { width: 128, height: 64 } },
      { timeMs: 0, tile: { left: 0, top: 0, color: RED } },
    ]);
    const events: AuditEventInit[] = screen.map(({ message }, index) => desktopRecording(index, 0, encodeTdp(message)));
    for (const timeMs of [1000, 2000]) {
      events.push(
        kind === 'alert'
          ? desktopRecording(events.length, timeMs, encodeTdp({ kind: 'alert', message: 'Low disk space', severity: 1 }))
          : { case: 'desktopClipboardSend', value: { metadata: { index: BigInt(events.length), type: 'desktop.clipboard.send', code: 'TDP02I', time: timestampOfMs(T0 + timeMs), clusterName: 'example' }, length: 7 } },
      );
    }
    events.push(desktopRecording(events.length, 3000, encodeTdp(screen[1]!.message)));
    return writeRecording(events);
  }

  it('are those of the new recording, even with as many markers over the same length', async () => {
    const groups = (element: DesktopRecordingPlayer) => [...element.shadowRoot!.querySelectorAll('[part~=tick]')].map((tick) => tick.getAttribute('part'));
    const element = await player(urlOf(await twoMarkers('alert')));
    expect(groups(element)).to.deep.equal(['tick tick-alert', 'tick tick-alert']);
    const loaded = nextEvent(element, 'canplaythrough');
    element.src = urlOf(await twoMarkers('clipboard'));
    await loaded;
    await element.updateComplete;
    expect(element.duration).to.equal(3);
    expect(groups(element)).to.deep.equal(['tick tick-clipboard', 'tick tick-clipboard']);
  });
});
