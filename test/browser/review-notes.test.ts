// Review notes, review coverage and the recording's SHA-256 on the 2-minute sample (alice, 1280×720:
// typing, window work, a quiet stretch of caret blinks, report.pdf read at 0:25, clipboard at 0:51).
import { expect, fixture, html } from '@open-wc/testing';
// axe-core sets `window.axe` (one UMD file, served unbundled).
import 'axe-core';
import type AxeCore from 'axe-core';
import { resetMouse, sendKeys, sendMouse } from '@web/test-runner-commands';
import '../../src/define.js';
import type { DesktopRecordingPlayer, ReviewNote, ReviewNotesChangeDetail, ReviewSidecar } from '../../src/index.js';
import { advanceUntil, PageClock, withEngineInPage } from '../helpers/page-clock.js';
import { nextEvent, part, player, until } from './element-fixtures.js';

const SAMPLE = '/demo/recordings/6c0e1e5a-8d6b-4a51-9a0c-2f4b1c7d0720.tar';

/** The sha256sum of the sample, from its bytes (WebCrypto digests a whole buffer). */
async function sha256Of(url: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', await (await fetch(url)).arrayBuffer());
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** Every `reviewnoteschange` detail from now on. */
function changesOf(element: DesktopRecordingPlayer): ReviewNotesChangeDetail[] {
  const changes: ReviewNotesChangeDetail[] = [];
  element.addEventListener('reviewnoteschange', (event) => changes.push(event.detail));
  return changes;
}

/** A key pressed in the player (Shift held for an upper-case letter). */
function key(element: DesktopRecordingPlayer, name: string, target: EventTarget = element): boolean {
  const event = new KeyboardEvent('keydown', { key: name, shiftKey: name !== name.toLowerCase(), bubbles: true, composed: true, cancelable: true });
  return !target.dispatchEvent(event);
}

async function seekTo(element: DesktopRecordingPlayer, seconds: number): Promise<void> {
  const seeked = nextEvent(element, 'seeked');
  element.currentTime = seconds;
  await seeked;
  await element.updateComplete;
}

function sliderPoint(element: DesktopRecordingPlayer, seconds: number): [number, number] {
  const rect = part(element, 'slider').getBoundingClientRect();
  return [Math.round(rect.left + (rect.width * seconds) / element.duration), Math.round(rect.top + rect.height / 2)];
}

const axe = (globalThis as unknown as { axe: typeof AxeCore }).axe;

const rows = (element: DesktopRecordingPlayer) => [...element.shadowRoot!.querySelectorAll<HTMLLIElement>("[part~='note-row']")];

describe('recording SHA-256', function () {
  this.timeout(60_000);

  it('is null until the file is read, then the sha256sum of its bytes', async () => {
    const element = await fixture<DesktopRecordingPlayer>(html`<desktop-recording-player></desktop-recording-player>`);
    expect(element.recordingSha256).to.equal(null);
    const loaded = nextEvent(element, 'canplaythrough');
    element.src = SAMPLE;
    await nextEvent(element, 'loadedmetadata');
    expect(element.recordingSha256, 'not before the whole file was read').to.equal(null);
    await loaded;
    expect(element.recordingSha256).to.equal(await sha256Of(SAMPLE));
  });
});

describe('review notes', function () {
  this.timeout(60_000);
  let element: DesktopRecordingPlayer;

  beforeEach(async () => {
    element = await player(SAMPLE);
  });

  afterEach(async () => {
    await resetMouse();
  });

  it('B adds a note at the current time and opens it for editing; text and severity are edited in place, and it is deleted', async () => {
    const changes = changesOf(element);
    await seekTo(element, 30);
    const before = new Date().toISOString();
    expect(key(element, 'b')).to.equal(true);
    await until(() => changes.length === 1, 'the note was added');
    const after = new Date().toISOString();
    expect(changes[0]!.change.type).to.equal('add');
    const [note] = element.reviewNotes;
    expect(note).to.include({ time: 30, severity: 'info', text: '' });
    expect(note!.endTime).to.equal(undefined);
    // Made when the key was pressed: between the moments before and after (ISO times order as strings).
    expect(note!.created >= before && note!.created <= after, `${before} ≤ ${note!.created} ≤ ${after}`).to.equal(true);
    // The panel is open with the focus in the note's text.
    await element.updateComplete;
    expect(part(element, 'notes-panel').getAttribute('role')).to.equal('dialog');
    await until(() => element.shadowRoot!.activeElement instanceof HTMLTextAreaElement, 'the focus is in the note text');
    const text = element.shadowRoot!.activeElement as HTMLTextAreaElement;
    // Keys typed there are text, not shortcuts (k would play).
    await sendKeys({ type: 'opens report.pdf' });
    expect(element.paused).to.equal(true);
    expect(element.reviewNotes[0]!.text).to.equal('opens report.pdf');
    text.dispatchEvent(new Event('change', { bubbles: true }));
    expect(changes[1]!.change).to.deep.include({ type: 'update' });
    expect(changes[1]!.notes[0]!.text).to.equal('opens report.pdf');
    const severity = rows(element)[0]!.querySelector('select')!;
    severity.value = 'critical';
    severity.dispatchEvent(new Event('change', { bubbles: true }));
    expect(changes[2]!.change.note).to.include({ severity: 'critical', text: 'opens report.pdf' });
    await element.updateComplete;
    // On the rail: a critical note at 0:30, named for assistive technology.
    const flag = part(element, 'note-critical');
    expect(flag.getAttribute('aria-label')).to.equal('Critical note at 0:30: opens report.pdf');
    const rail = part(element, 'slider').getBoundingClientRect();
    expect((flag.getBoundingClientRect().left + flag.getBoundingClientRect().width / 2 - rail.left) / rail.width).to.be.closeTo(30 / element.duration, 0.01);
    part<HTMLButtonElement>(element, 'delete-note-button').click();
    expect(changes[3]!.change).to.deep.include({ type: 'delete' });
    expect(changes[3]!.notes).to.deep.equal([]);
    expect(element.reviewNotes).to.deep.equal([]);
    await element.updateComplete;
    expect(element.shadowRoot!.querySelector("[part~='note']")).to.equal(null);
  });

  it('the notes button opens the panel, whose button adds a note; Enter on a note goes to its time', async () => {
    await seekTo(element, 12);
    part<HTMLButtonElement>(element, 'notes-button').click();
    await element.updateComplete;
    expect(part(element, 'notes-button').getAttribute('aria-expanded')).to.equal('true');
    part<HTMLButtonElement>(element, 'add-note-button').click();
    await element.updateComplete;
    await seekTo(element, 90);
    const time = rows(element)[0]!.querySelector<HTMLButtonElement>('.review__time')!;
    expect(time.getAttribute('aria-label')).to.equal('Go to 0:12');
    time.focus();
    const seeked = nextEvent(element, 'seeked');
    await sendKeys({ press: 'Enter' });
    await seeked;
    expect(element.currentTime).to.equal(12);
  });

  it('B at the start and Shift+B at the end make a range note; the help lists the keys', async () => {
    const changes = changesOf(element);
    await seekTo(element, 20);
    key(element, 'b');
    await until(() => changes.length === 1, 'the note was added');
    await seekTo(element, 27.5);
    key(element, 'B');
    await until(() => changes.length === 2, 'the note was ended');
    expect(changes[1]!.change.type).to.equal('update');
    expect(element.reviewNotes).to.have.length(1);
    expect(element.reviewNotes[0]).to.include({ time: 20, endTime: 27.5 });
    await element.updateComplete;
    expect(part(element, 'note-range').getAttribute('aria-label')).to.equal('Info note, 0:20 to 0:27: (no text)');
    key(element, '?');
    await element.updateComplete;
    expect(part(element, 'help-panel').textContent).to.contain('B / Shift+B').and.contain('Add a note here');
  });

  it('a Shift-drag on the rail marks a range for a note; a plain drag still seeks', async () => {
    const changes = changesOf(element);
    await sendMouse({ type: 'move', position: sliderPoint(element, 30) });
    await sendKeys({ down: 'Shift' });
    await sendMouse({ type: 'down' });
    await sendMouse({ type: 'move', position: sliderPoint(element, 45) });
    await element.updateComplete;
    expect(part(element, 'note-selection')).to.exist;
    await sendMouse({ type: 'move', position: sliderPoint(element, 60) });
    await sendMouse({ type: 'up' });
    await sendKeys({ up: 'Shift' });
    await until(() => changes.length === 1, 'a note was added');
    const pixel = element.duration / part(element, 'slider').getBoundingClientRect().width;
    const [note] = element.reviewNotes;
    expect(note!.time).to.be.closeTo(30, 2 * pixel);
    expect(note!.endTime).to.be.closeTo(60, 2 * pixel);
    expect(element.currentTime, 'marking a range does not seek').to.equal(0);
    expect(element.shadowRoot!.querySelector("[part~='note-selection']")).to.equal(null);
  });

  it('reviewNotes replaces the notes, sorted, without an event; a note that is not one is refused', async () => {
    const changes = changesOf(element);
    const notes: ReviewNote[] = [
      { id: 'n2', time: 70, severity: 'warning', text: 'second', created: '2026-12-07T02:00:00.000Z', author: 'rev@example.com' },
      { id: 'n1', time: 25, endTime: 26, severity: 'critical', text: 'first', created: '2026-12-07T02:00:00.000Z' },
    ];
    element.reviewNotes = notes;
    expect(element.reviewNotes.map(({ id }) => id)).to.deep.equal(['n1', 'n2']);
    expect(changes).to.deep.equal([]);
    await element.updateComplete;
    expect([...element.shadowRoot!.querySelectorAll("[part~='note']")].map((note) => note.getAttribute('part'))).to.deep.equal(['note note-critical note-range', 'note note-warning']);
    expect(() => (element.reviewNotes = [{ ...notes[0]!, severity: 'urgent' as 'info' }])).to.throw(TypeError, /reviewNotes\[0\] has the severity "urgent"/);
    expect(element.reviewNotes).to.have.length(2);
  });

  it('the sidecar round trip: export, a new player of the same file, import: the same notes and coverage', async () => {
    element.reviewNotes = [
      { id: 'a', time: 25.7, endTime: 25.9, severity: 'critical', text: 'report.pdf read', created: '2026-12-07T02:00:00.000Z' },
      { id: 'b', time: 51.3, severity: 'info', text: 'clipboard', created: '2026-12-07T02:01:00.000Z' },
    ];
    const sidecar = await element.exportReviewNotes();
    expect(sidecar).to.include({ format: 'desktop-recording-review', version: 1, recordingSha256: await sha256Of(SAMPLE) });
    expect(sidecar.sessionId).to.be.a('string');
    const other = await player(SAMPLE);
    const changes = changesOf(other);
    await other.importReviewNotes(JSON.stringify(sidecar));
    expect(other.reviewNotes).to.deep.equal(element.reviewNotes);
    expect(changes).to.have.length(1);
    expect(changes[0]!.change).to.deep.equal({ type: 'import' });
    expect(await other.exportReviewNotes()).to.deep.equal(sidecar);
  });

  it('refuses a sidecar of another recording file, and changes nothing', async () => {
    const sidecar: ReviewSidecar = { ...(await element.exportReviewNotes()), notes: [{ id: 'x', time: 1, severity: 'info', text: 'elsewhere', created: '2026-12-07T02:00:00.000Z' }] };
    const wrong = { ...sidecar, recordingSha256: '0'.repeat(64) };
    const refused = await element.importReviewNotes(wrong).then(
      () => undefined,
      (error: Error) => error,
    );
    expect(refused?.message).to.contain('belong to another recording file').and.contain('0'.repeat(64));
    expect(element.reviewNotes).to.deep.equal([]);
    // The panel's import says why, in words.
    part<HTMLButtonElement>(element, 'notes-button').click();
    await element.updateComplete;
    const input = part(element, 'import-notes-button').querySelector('input')!;
    const transfer = new DataTransfer();
    transfer.items.add(new File([JSON.stringify(wrong)], 'other.review.json', { type: 'application/json' }));
    input.files = transfer.files;
    input.dispatchEvent(new Event('change', { bubbles: true }));
    await until(() => !!part(element, 'notes-panel').querySelector('[role=status]')?.textContent, 'the import was answered');
    expect(part(element, 'notes-panel').querySelector('[role=status]')!.textContent).to.contain('The notes could not be loaded').and.contain('another recording file');
  });

  it('speaks German in the notes panel and on the rail with lang="de"', async () => {
    const german = await player(SAMPLE, { lang: 'de' });
    german.reviewNotes = [{ id: 'a', time: 25, severity: 'critical', text: 'Bericht gelesen', created: '2026-12-07T02:00:00.000Z' }];
    part<HTMLButtonElement>(german, 'notes-button').click();
    await german.updateComplete;
    expect(part(german, 'notes-button').getAttribute('aria-label')).to.equal('Prüfnotizen');
    expect(part(german, 'notes-panel').textContent).to.contain('Prüfnotizen').and.contain('Notiz hier hinzufügen').and.contain('Geprüft: 0');
    expect(part(german, 'note-critical').getAttribute('aria-label')).to.equal('Notiz (Kritisch) bei 0:25: Bericht gelesen');
  });

  it('has no accessibility violations with notes on the rail, coverage under it and the notes panel open', async () => {
    const sidecar = await element.exportReviewNotes();
    const created = '2026-12-07T02:00:00.000Z';
    await element.importReviewNotes({
      ...sidecar,
      notes: [
        { id: 'a', time: 3, severity: 'info', text: 'signs in', created },
        { id: 'b', time: 25, endTime: 27, severity: 'critical', text: 'report.pdf', created },
        { id: 'c', time: 51, severity: 'warning', text: '', created },
      ],
      coverage: [[0, 40]],
    });
    part<HTMLButtonElement>(element, 'notes-button').click();
    await element.updateComplete;
    const results = await axe.run(element, { resultTypes: ['violations'] });
    expect(results.violations.map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' > ')).join(', ')}`)).to.deep.equal([]);
  });

  it('names the transfer and clipboard lanes and their bars', async () => {
    await until(() => !!element.shadowRoot!.querySelector("[part~='lanes']"), 'the lanes are drawn');
    expect(part(element, 'lane-transfers').getAttribute('aria-label')).to.equal('File transfers');
    expect(part(element, 'lane-clipboard').getAttribute('aria-label')).to.equal('Clipboard');
    expect(part(element, 'lane-bar-read').getAttribute('aria-label')).to.equal('report.pdf — read 572 KB in 10 reads, 0:25–0:25');
    expect(part(element, 'lane-bar-read').getAttribute('role')).to.equal('img');
  });
});

describe('review coverage', function () {
  this.timeout(60_000);

  it('counts what played at 4× or slower on a visible page, over the active seconds only', async () => {
    const element = await withEngineInPage(() => player(SAMPLE));
    expect(element.reviewCoverage).to.equal(0);
    const active = [...element.activity].filter((value) => value > 0).length;
    const activeIn = (from: number, to: number) => [...element.activity.subarray(from, to)].filter((value) => value > 0).length;
    expect(activeIn(0, 10), 'the first 10 s are busy').to.be.greaterThan(0);
    let coveredEnd = 0;
    const clock = PageClock.install();
    try {
      await element.play();
      await advanceUntil(clock, element, () => element.currentTime >= 10, 'played 10 s at 1×');
      element.pause();
      await nextEvent(element, 'pause');
      // 0–10 s on screen at 1×: exactly the active seconds among them.
      const covered = (await element.exportReviewNotes()).coverage;
      expect(covered).to.have.length(1);
      expect(covered[0]![0]).to.equal(0);
      expect(covered[0]![1]).to.equal(element.currentTime);
      const end = element.currentTime;
      coveredEnd = end;
      const expected = (activeIn(0, Math.floor(end)) + (element.activity[Math.floor(end)]! > 0 ? end - Math.floor(end) : 0)) / active;
      expect(element.reviewCoverage).to.be.closeTo(expected, 1e-9);
      // Paused, time passes: a paused frame covers nothing more.
      clock.advance(5000);
      await element.updateComplete;
      expect(element.reviewCoverage).to.be.closeTo(expected, 1e-9);
      // At 8×: not review.
      await seekTo(element, 30);
      element.playbackRate = 8;
      await element.play();
      await advanceUntil(clock, element, () => element.currentTime >= 50, 'played 30–50 s at 8×');
      element.pause();
      await nextEvent(element, 'pause');
      expect(element.reviewCoverage).to.be.closeTo(expected, 1e-9);
      // A hidden page (another tab in front): not on screen.
      element.playbackRate = 1;
      await seekTo(element, 80);
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
      document.dispatchEvent(new Event('visibilitychange'));
      try {
        await element.play();
        await advanceUntil(clock, element, () => element.currentTime >= 90, 'played 80–90 s, hidden');
        element.pause();
        await nextEvent(element, 'pause');
      } finally {
        delete (document as { visibilityState?: unknown }).visibilityState;
        document.dispatchEvent(new Event('visibilitychange'));
      }
      expect(element.reviewCoverage).to.be.closeTo(expected, 1e-9);
      expect((await element.exportReviewNotes()).coverage).to.deep.equal(covered);
    } finally {
      clock.uninstall();
    }
    await element.updateComplete;
    // The band under the rail: from 0 to the 10 s played.
    const band = part(element, 'coverage');
    expect(band.getAttribute('aria-label')).to.match(/^Reviewed: \d+% of the active time$/);
    const span = band.querySelector('span')!.getBoundingClientRect();
    const rail = part(element, 'slider').getBoundingClientRect();
    expect(band.querySelectorAll('span')).to.have.length(1);
    expect((span.left - rail.left) / rail.width).to.be.closeTo(0, 0.005);
    expect((span.right - rail.left) / rail.width).to.be.closeTo(coveredEnd / element.duration, 0.005);
  });
});
