// A recording with 100,000 markers: the timeline draws at most one tick per pixel column of its
// rail, the marker list renders only the rows in view, and every marker stays reachable by
// keyboard (Tab through the list) and by `[` / `]`.
import { expect } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { timestampOfMs, type AuditEventInit } from '../../src/format/events.js';
import { encodeTdp } from '../../src/format/tdp.js';
import type { DesktopRecordingPlayer } from '../../src/index.js';
import { T0, desktopRecording, writeRecording } from '../helpers/recording-bytes.js';
import { screenMessages } from '../helpers/screen-recording.js';
import { RED, nextEvent, part, player, pressAndSeek, revokeUrls, until, urlOf } from './element-fixtures.js';

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

/** A small seeded generator (mulberry32), so a failing run can be repeated. */
function seeded(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Until the element has rendered and asks for no further render (the list measures its rows once shown). */
async function settled(element: DesktopRecordingPlayer): Promise<void> {
  while (!(await element.updateComplete));
}

const rows = (panel: HTMLElement) => [...panel.querySelectorAll<HTMLButtonElement>('li button')];
/** The marker number a list row shows ("0:00 Warning: Alert 17" → 17). */
const rowNumber = (row: Element) => Number(/Alert (\d+)/.exec(row.textContent!)![1]);

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
    // Built once: reading the property again gives the same frozen list, not 100,000 new objects.
    expect(element.markers).to.equal(element.markers);
    expect(Object.isFrozen(element.markers)).to.equal(true);
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

  it('lists only the rows in view, and scrolling shows the others', async () => {
    part<HTMLButtonElement>(element, 'markers-button').click();
    await settled(element);
    const panel = part(element, 'markers-panel');
    const list = panel.querySelector('ol')!;
    const shown = rows(panel);
    expect(shown.length).to.be.greaterThan(0);
    expect(shown.length).to.be.below(200);
    expect(rowNumber(shown[0]!)).to.equal(0);
    // The list is as tall as all its rows: the scroll bar tells where in the list one is.
    const rowHeight = shown[0]!.closest('li')!.getBoundingClientRect().height;
    expect(list.scrollHeight).to.be.closeTo(rowHeight * MARKERS, rowHeight * 2);
    // Items tell their place in the whole list.
    expect(shown[0]!.closest('li')!.getAttribute('aria-posinset')).to.equal('1');
    expect(shown[0]!.closest('li')!.getAttribute('aria-setsize')).to.equal(String(MARKERS));
    for (const target of [50_000, MARKERS - 1, 12_345]) {
      panel.scrollTop = list.offsetTop + target * rowHeight;
      await until(() => rows(panel).some((row) => rowNumber(row) === target), `row ${target} is rendered`);
      expect(rows(panel).length).to.be.below(200);
    }
    // A row seeks to its marker.
    const seeked = nextEvent(element, 'seeked');
    rows(panel).find((row) => rowNumber(row) === 12_345)!.click();
    await seeked;
    expect(element.currentTime).to.be.closeTo((STEP_MS * 12_346) / 1000, 0.001);
  });

  it('Tab and Shift+Tab go through the list row by row, far past the rows first rendered', async () => {
    const panel = part(element, 'markers-panel');
    const random = seeded(12);
    for (const start of [0, Math.floor(random() * MARKERS), MARKERS - 150]) {
      panel.scrollTop = panel.querySelector('ol')!.offsetTop + start * rows(panel)[0]!.closest('li')!.getBoundingClientRect().height;
      await until(() => rows(panel).some((row) => rowNumber(row) === start), `row ${start} is rendered`);
      rows(panel).find((row) => rowNumber(row) === start)!.focus();
      const focused = () => rowNumber(element.shadowRoot!.activeElement!);
      for (let step = 1; step <= 120; step++) {
        await sendKeys({ press: 'Tab' });
        await settled(element);
        if (start + step === MARKERS) {
          // Past the last row, Tab leaves the list.
          expect(element.shadowRoot!.activeElement?.closest('li')).to.equal(null);
          break;
        }
        expect(focused(), `Tab ${step} from row ${start}`).to.equal(start + step);
      }
      if (start + 120 >= MARKERS) continue;
      await sendKeys({ down: 'Shift' });
      for (let step = 119; step >= 100; step--) {
        await sendKeys({ press: 'Tab' });
        await settled(element);
        expect(focused(), `Shift+Tab back to row ${start + step}`).to.equal(start + step);
      }
      await sendKeys({ up: 'Shift' });
    }
  });

  it('[ and ] still go from marker to marker', async () => {
    part<HTMLButtonElement>(element, 'close-button').click();
    await element.updateComplete;
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
