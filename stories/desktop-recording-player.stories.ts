import { html, nothing } from 'lit';
import { ref } from 'lit/directives/ref.js';
import type { Meta, StoryObj } from '@storybook/web-components-vite';
import 'media-chrome';
import '../src/index.js';
// German is opt-in (`desktop-recording-player/strings/de`); the stories offer it.
import '../src/strings/de.js';
import type { DesktopRecordingPlayer } from '../src/index.js';
import { blobUrlOf, encryptedRecording, resizeRecording } from './make-recordings.js';
import { sampleRecordings } from './recordings.js';

interface PlayerArgs {
  src: string;
  controls: boolean;
  autoplay: boolean;
  loop: boolean;
  playbackrate: number;
  fit: 'contain' | 'cover' | 'fill' | 'none';
  startAt: string;
  theme: '' | 'light' | 'dark';
  lang: string;
  wallClock: boolean;
  idleLimit: number;
}

/** The story's player, once the recording is ready (or failed). */
async function readyPlayer(canvasElement: HTMLElement): Promise<DesktopRecordingPlayer> {
  const element = canvasElement.querySelector('desktop-recording-player')!;
  if (element.readyState < 4 && !element.error) {
    await new Promise((resolve) => {
      element.addEventListener('canplaythrough', resolve, { once: true });
      element.addEventListener('error', resolve, { once: true });
    });
  }
  await element.updateComplete;
  return element;
}

/** Clicks one of the player's built-in buttons by its part name (e.g. `info-button`). */
function clickPart(element: DesktopRecordingPlayer, name: string): void {
  element.shadowRoot!.querySelector<HTMLElement>(`[part~='${name}']`)?.click();
}

const meta = {
  title: 'Player/desktop-recording-player',
  component: 'desktop-recording-player',
  args: {
    src: sampleRecordings[0]!.url,
    controls: true,
    autoplay: false,
    loop: false,
    playbackrate: 1,
    fit: 'contain',
    startAt: '',
    theme: '',
    lang: '',
    wallClock: false,
    idleLimit: 0,
  },
  argTypes: {
    src: { control: 'select', options: sampleRecordings.map((r) => r.url) },
    fit: { control: 'inline-radio', options: ['contain', 'cover', 'fill', 'none'] },
    playbackrate: { control: { type: 'select' }, options: [0.25, 0.5, 1, 2, 4, 8, 16, 32] },
    theme: { control: 'inline-radio', options: ['', 'light', 'dark'] },
    lang: { control: 'inline-radio', options: ['', 'en', 'de'] },
  },
  render: (args) => html`
    <desktop-recording-player
      style="width: 100%; max-width: 960px; aspect-ratio: 16 / 9; display: block"
      src=${args.src}
      ?controls=${args.controls}
      ?autoplay=${args.autoplay}
      ?loop=${args.loop}
      ?wall-clock=${args.wallClock}
      playbackrate=${args.playbackrate}
      fit=${args.fit}
      start-at=${args.startAt}
      idle-limit=${args.idleLimit}
      theme=${args.theme || nothing}
      lang=${args.lang || nothing}
    ></desktop-recording-player>
  `,
} satisfies Meta<PlayerArgs>;
export default meta;

type Story = StoryObj<PlayerArgs>;

/** A 1280×720 session with the built-in controls (colours follow the system's light or dark setting). */
export const Default: Story = {};

/** The built-in controls in their dark theme (`theme="dark"`), whatever the system setting. */
export const ControlsDark: Story = { args: { theme: 'dark' } };

/** The built-in controls in their light theme (`theme="light"`). */
export const ControlsLight: Story = { args: { theme: 'light' } };

/** Themed from the page with `--drp-*` custom properties and `::part()`. */
export const CustomTheme: Story = {
  render: (args) => html`
    <style>
      .branded {
        --drp-accent-color: #e8590c;
        --drp-controls-background: #1b1030e6;
        --drp-controls-color: #f3eefc;
        --drp-radius: 0;
        --drp-font: 14px/1.3 Georgia, serif;
        --drp-marker-clipboard: #fff;
      }
      .branded desktop-recording-player::part(play-button) {
        background: #e8590c;
        color: #fff;
      }
    </style>
    <div class="branded">${meta.render(args)}</div>
  `,
};

/**
 * Markers: clipboard, shared-directory and session events as coloured ticks on the timeline
 * (hover for label and time, click to seek, `[` / `]` to step), and the marker list open.
 */
export const Markers: Story = {
  play: async ({ canvasElement }) => clickPart(await readyPlayer(canvasElement), 'markers-button'),
};

/**
 * Transfers and clipboard as tracks: the 10 reads of report.pdf at 0:25 are one transfer marker
 * ("report.pdf — read 572 KB in 10 reads, 0:25–0:25"), drawn with the clipboard receive at 0:51 as
 * lanes under the rail (hover a bar for its label, click to seek); the marker list is open with the
 * transfer's reads shown under it. The lanes take the `--drp-lane-*` colours.
 */
export const TransfersAndClipboard: Story = {
  render: (args) => html`
    <style>
      .lanes-demo desktop-recording-player {
        --drp-lane-read: #e8590c;
        --drp-lane-receive: #1c7ed6;
      }
    </style>
    <div class="lanes-demo">${meta.render(args)}</div>
  `,
  play: async ({ canvasElement }) => {
    const element = await readyPlayer(canvasElement);
    clickPart(element, 'markers-button');
    await element.updateComplete;
    // The transfer rows come with the lanes' chunk.
    for (let tries = 0; tries < 100 && !element.shadowRoot!.querySelector('.marker-list__expand'); tries++) await new Promise(requestAnimationFrame);
    element.shadowRoot!.querySelector<HTMLButtonElement>('.marker-list__expand')?.click();
  },
};

/** Notes of a review of the 2-minute sample, as a `.review.json` sidecar would bring them. */
const reviewNotes = [
  { id: 'logon', time: 2, severity: 'info', text: 'Signs in; opens the file share.', created: '2026-12-07T09:00:00.000Z', author: 'reviewer@example.com' },
  { id: 'report', time: 25.2, endTime: 27, severity: 'critical', text: 'Reads report.pdf (572 KB) from the shared directory.', created: '2026-12-07T09:02:00.000Z', author: 'reviewer@example.com' },
  { id: 'clipboard', time: 51.3, severity: 'warning', text: 'Copies text out of the desktop.', created: '2026-12-07T09:03:00.000Z', author: 'reviewer@example.com' },
] as const;

/**
 * Imports a sidecar of this recording: the player's own (its SHA-256, session ID) with `notes` and
 * `coverage` in it, as a file saved from another player would be.
 */
async function importSidecar(element: DesktopRecordingPlayer, coverage: Array<[number, number]>): Promise<void> {
  const sidecar = await element.exportReviewNotes();
  await element.importReviewNotes(JSON.stringify({ ...sidecar, notes: reviewNotes, coverage }));
  await element.updateComplete;
}

/**
 * Review notes, loaded from a `.review.json` sidecar (tied to this file by its SHA-256): flags and
 * a range bar on the rail in the severity colours, the notes panel open (edit text and severity in
 * place, delete, Enter goes to a note). `B` adds a note at the current time, `Shift+B` ends it
 * there as a range, a Shift- or Alt-drag on the rail marks a range; "Save notes" downloads the sidecar.
 */
export const ReviewNotes: Story = {
  play: async ({ canvasElement }) => {
    const element = await readyPlayer(canvasElement);
    await importSidecar(element, [[0, 30]]);
    clickPart(element, 'notes-button');
  },
};

/**
 * Review coverage: the green band under the rail is what was on screen at 4× or slower with the
 * page visible (here from a sidecar: 0:00–0:40 and 1:20–1:45); the notes panel says how much of the
 * recording's active time that is. Idle stretches count for nothing either way. Colours from
 * `--drp-coverage-color` and `--drp-note-*`.
 */
export const ReviewCoverage: Story = {
  render: (args) => html`
    <style>
      .coverage-demo desktop-recording-player {
        --drp-coverage-color: #2f9e44;
        --drp-note-critical: #e03131;
      }
    </style>
    <div class="coverage-demo">${meta.render(args)}</div>
  `,
  play: async ({ canvasElement }) => {
    const element = await readyPlayer(canvasElement);
    await importSidecar(element, [
      [0, 40],
      [80, 105],
    ]);
    clickPart(element, 'notes-button');
  },
};

/** Review notes the "Evidence bundle" story bundles (seconds, like `currentTime`). */
const evidenceNotes = [
  { id: 'note-1', time: 25.8, severity: 'warning' as const, text: 'Reads report.pdf from the shared folder', created: '2026-12-07T09:00:00.000Z', author: 'reviewer@example.com' },
  { id: 'note-2', time: 51.4, endTime: 53, severity: 'critical' as const, text: 'Copies text out of the desktop', created: '2026-12-07T09:02:00.000Z', author: 'reviewer@example.com' },
];

/**
 * The evidence bundle: "Export evidence…" in the controls bundles the whole recording; the form
 * below calls `exportEvidence({ start, end, notes })` for a range with two review notes, shows its
 * progress (and cancels it), then lists the ZIP's files, unzipped in the page with fflate, and its
 * `SHA256SUMS`, with a link to download it. See docs/evidence-bundle.md.
 */
export const EvidenceBundle: Story = {
  render: (args) => {
    const story = (event: Event) => (event.target as Element).closest('.evidence-story')!;
    let controller: AbortController | undefined;
    const make = async (event: Event) => {
      const root = story(event);
      const player = root.querySelector('desktop-recording-player')!;
      const output = root.querySelector('output')!;
      const list = root.querySelector('pre')!;
      const value = (name: string) => Number(root.querySelector<HTMLInputElement>(`input[name=${name}]`)!.value);
      if (controller) return controller.abort();
      controller = new AbortController();
      list.textContent = '';
      try {
        const zip = await player.exportEvidence({
          start: value('start'),
          end: value('end'),
          notes: evidenceNotes,
          signal: controller.signal,
          onProgress: (fraction) => void (output.textContent = `Making the bundle… ${Math.floor(fraction * 100)} %`),
        });
        const { unzipSync } = await import('fflate');
        const files = unzipSync(new Uint8Array(await zip.arrayBuffer()));
        output.innerHTML = '';
        const link = Object.assign(document.createElement('a'), { href: URL.createObjectURL(zip), download: zip.name, textContent: `${zip.name} (${(zip.size / 1e6).toFixed(2)} MB)` });
        output.append(link);
        list.textContent = `${Object.entries(files).map(([name, bytes]) => `${name.padEnd(32)} ${bytes.length.toLocaleString()} bytes`).join('\n')}\n\nSHA256SUMS:\n${new TextDecoder().decode(files['SHA256SUMS'])}`;
      } catch (error) {
        output.textContent = `exportEvidence() rejected: ${(error as Error).name}: ${(error as Error).message}`;
      } finally {
        controller = undefined;
      }
    };
    return html`
      <div class="evidence-story" style=${storyLayout}>
        ${meta.render(args)}
        <div style="display: flex; flex-wrap: wrap; gap: 0.75em; align-items: center">
          <label>start <input name="start" type="number" value="20" min="0" style="width: 5em" /> s</label>
          <label>end <input name="end" type="number" value="60" min="0" style="width: 5em" /> s</label>
          <button type="button" @click=${make}>exportEvidence() / cancel</button>
        </div>
        <ul style="margin: 0">
          ${evidenceNotes.map((note) => html`<li>${note.time} s, ${note.severity}: ${note.text}</li>`)}
        </ul>
        <output></output>
        <pre style=${logStyle}></pre>
      </div>
    `;
  },
};

/** What the "Text search" story types: a word shown several times in the 1280×720 sample. */
const SEARCHED = 'roadmap';

/**
 * Searching what was on the screen (`text-search`), from the text index precomputed for this
 * recording with `desktop-recording index` (`text-index`, the sidecar beside it), so nothing is
 * recognised here: the search box (`/` or Ctrl+F) lists each place with its time and line, ↑/↓
 * move through them, Enter jumps there and outlines the words on the screen for a moment; the
 * hits show on the seek rail in `--drp-search-hit-color`. Without a sidecar the player would build
 * the index itself from the OCR files at `text-search-src`.
 */
export const TextSearch: Story = {
  render: (args) => html`
    <desktop-recording-player
      style="width: 100%; max-width: 960px; aspect-ratio: 16 / 9; display: block"
      src=${args.src}
      controls
      text-search
      text-index=${args.src.replace(/\.tar$/, '.text.json')}
      fit=${args.fit}
      theme=${args.theme || nothing}
      lang=${args.lang || nothing}
    ></desktop-recording-player>
  `,
  play: async ({ canvasElement }) => {
    const element = await readyPlayer(canvasElement);
    element.focus();
    element.dispatchEvent(new KeyboardEvent('keydown', { key: '/', bubbles: true, composed: true, cancelable: true }));
    await element.updateComplete;
    const input = element.shadowRoot!.querySelector<HTMLInputElement>('[part~=search-input]');
    if (!input) return;
    input.value = SEARCHED;
    input.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true }));
    // Jump to the first result once it is listed (Enter in the box does the same).
    const first = await new Promise<HTMLElement | null>((resolve) => {
      const look = () => element.shadowRoot!.querySelector<HTMLElement>('[part~=search-result]');
      const observer = new MutationObserver(() => look() && (observer.disconnect(), resolve(look())));
      observer.observe(element.shadowRoot!, { subtree: true, childList: true });
      if (look()) (observer.disconnect(), resolve(look()));
    });
    first?.click();
  },
};

/** The session info panel: user, desktop, Windows account, start and end, participants. */
export const InfoPanel: Story = {
  play: async ({ canvasElement }) => clickPart(await readyPlayer(canvasElement), 'info-button'),
};

/** The keyboard shortcut help (`?`); Escape closes it. */
export const KeyboardHelp: Story = {
  play: async ({ canvasElement }) => {
    const element = await readyPlayer(canvasElement);
    element.focus();
    element.dispatchEvent(new KeyboardEvent('keydown', { key: '?', bubbles: true, composed: true, cancelable: true }));
  },
};

/** German texts, from `lang="de"` (the element's or an ancestor's), with the time of day shown. */
export const German: Story = { args: { lang: 'de', wallClock: true } };

/** The 1920×1080 sample, playing at once at 4×. */
export const FullHdFast: Story = { args: { src: sampleRecordings[1]!.url, autoplay: true, playbackrate: 4 } };

/** Starts at 1:00 (`start-at`), like a link to a moment of the session. */
export const StartAt: Story = { args: { startAt: '1:00' } };

/** Idle skipping on: quiet stretches play in 2 s (the skip-idle button shows pressed). */
export const SkipIdle: Story = { args: { idleLimit: 2 } };

/**
 * The activity heatmap under the seek slider (`::part(activity)`): per second, how much of the
 * screen changed, in 64×64 cells; the more, the more opaque. The stretch from 0:55 to 1:18 where
 * only the caret blinks (and the clock ticks once) stays empty; `,` / `.` (paused) and
 * `idle-limit` use the same measure. Below the player, the page reads `activity` on
 * `activitychange`; the second player's heatmap is coloured with `--drp-activity-color`.
 */
export const ActivityHeatmap: Story = {
  render: (args) => html`
    <style>
      .heatmap-demo {
        display: grid;
        gap: 1em;
        max-width: 960px;
        font: 13px system-ui, sans-serif;
      }
      .heatmap-demo .branded {
        --drp-activity-color: #e8590c;
      }
    </style>
    <div class="heatmap-demo">
      ${meta.render(args)}
      <output>Waiting for the activity track…</output>
      <div class="branded">${meta.render({ ...args, theme: 'light', src: sampleRecordings[1]!.url })}</div>
    </div>
  `,
  play: async ({ canvasElement }) => {
    const element = await readyPlayer(canvasElement);
    const output = canvasElement.querySelector('output')!;
    const describe = (): void => {
      const seconds = element.activity;
      const shown = seconds.filter((value) => value > 0).length;
      const peak = seconds.reduce((max, value) => Math.max(max, value), 0);
      output.textContent = `activity: ${seconds.length} seconds, ${shown} with screen changes, busiest ${Math.round(peak * 100)} % of the screen`;
    };
    element.addEventListener('activitychange', describe);
    describe();
    element.currentTime = 60;
  },
};

/** No built-in controls: the canvas only, for an outside skin. */
export const NoControls: Story = { args: { controls: false, autoplay: true, loop: true } };

/** Events the "No controls + API" and "Streaming" stories log (`timeupdate` and `progress` only update the readout). */
const loggedEvents = ['loadstart', 'loadedmetadata', 'loadeddata', 'canplay', 'canplaythrough', 'play', 'playing', 'pause', 'waiting', 'seeking', 'seeked', 'ratechange', 'resize', 'ended', 'error', 'marker'];

const describers = new WeakMap<DesktopRecordingPlayer, (player: DesktopRecordingPlayer) => string>();

/**
 * Calls `describe(player)` into the story's `<output>` on every state change, and logs the player's
 * events (newest first) into its `<ol>`; used as a lit `ref` on the player, so none is missed.
 */
function watchPlayer(describe: (player: DesktopRecordingPlayer) => string) {
  return ref((element) => {
    if (!element) return;
    const player = element as DesktopRecordingPlayer;
    // A re-render (new args) calls this again with the same element: keep its listeners, use the new text.
    const watched = describers.has(player);
    describers.set(player, describe);
    if (watched) return;
    const story = player.parentElement!;
    const update = (): void => void (story.querySelector('output')!.textContent = describers.get(player)!(player));
    for (const name of [...loggedEvents, 'timeupdate', 'progress', 'durationchange']) {
      player.addEventListener(name, (event) => {
        update();
        if (!loggedEvents.includes(name)) return;
        const item = document.createElement('li');
        const detail = name === 'error' ? `: ${player.error?.reason}, ${player.error?.message}` : name === 'marker' ? `: ${(event as CustomEvent<{ label: string }>).detail.label}` : '';
        item.textContent = `${player.currentTime.toFixed(1)} s  ${name}${detail}`;
        const log = story.querySelector('ol')!;
        log.prepend(item);
        while (log.children.length > 12) log.lastElementChild!.remove();
      });
    }
  });
}

/** A duration for the readouts: NaN until the recording's metadata is known. */
const seconds = (value: number): string => (Number.isFinite(value) ? `${value.toFixed(1)} s` : '?');

const storyLayout = 'display: grid; gap: 0.6em; max-width: 960px; font: 14px system-ui, sans-serif';
const logStyle = 'margin: 0; padding-left: 1.5em; font: 12px ui-monospace, monospace; min-height: 12em';
const playerStyle = 'width: 100%; aspect-ratio: 16 / 9; display: block';

/**
 * No built-in controls, driven from the page through its `<video>`-like API: the buttons call
 * `play()` and `pause()` and set `currentTime` and `playbackRate`; below them, the state the
 * element reports and its events, newest first.
 */
export const ApiOnly: Story = {
  name: 'No controls + API',
  args: { controls: false },
  render: (args) => {
    const player = (event: Event) => (event.target as Element).closest('.api-story')!.querySelector('desktop-recording-player')!;
    const play = (event: Event) => void player(event).play().catch((error: Error) => console.info(`play() rejected: ${error.message}`));
    const step = (by: number) => (event: Event) => void (player(event).currentTime += by);
    return html`
      <div class="api-story" style=${storyLayout}>
        <desktop-recording-player
          style=${playerStyle}
          src=${args.src}
          fit=${args.fit}
          idle-limit=${args.idleLimit}
          ?autoplay=${args.autoplay}
          ?loop=${args.loop}
          lang=${args.lang || nothing}
          ${watchPlayer((p) => `currentTime ${p.currentTime.toFixed(2)} s of ${seconds(p.duration)} · ${p.paused ? 'paused' : 'playing'} · playbackRate ${p.playbackRate} · readyState ${p.readyState} · ${p.videoWidth}×${p.videoHeight}`)}
        ></desktop-recording-player>
        <div style="display: flex; flex-wrap: wrap; gap: 0.5em; align-items: center">
          <button type="button" @click=${play}>play()</button>
          <button type="button" @click=${(event: Event) => player(event).pause()}>pause()</button>
          <button type="button" @click=${step(-10)}>currentTime −= 10</button>
          <button type="button" @click=${step(10)}>currentTime += 10</button>
          <button type="button" @click=${(event: Event) => void (player(event).currentTime = 60)}>currentTime = 60</button>
          <label>
            playbackRate
            <select @change=${(event: Event) => void (player(event).playbackRate = Number((event.target as HTMLSelectElement).value))}>
              ${[0.5, 1, 2, 4, 8, 16].map((rate) => html`<option value=${rate} ?selected=${rate === 1}>${rate}×</option>`)}
            </select>
          </label>
        </div>
        <output>Loading…</output>
        <ol reversed style=${logStyle}></ol>
      </div>
    `;
  },
};

/**
 * The remote screen changes size mid-session (TDP ClientScreenSpec, as when the viewer's window is
 * resized): 800×450, then 1280×720 at 0:05, then 640×480 at 0:10. The element fires `resize` and
 * `videoWidth`/`videoHeight` follow; the screen is scaled to fit (`fit`). The recording is made in
 * the page with the project's writer and TDP encoder (`stories/make-recordings.ts`).
 */
export const ResizeMidSession: Story = {
  args: { autoplay: true, loop: true },
  loaders: [async () => ({ url: blobUrlOf(await resizeRecording()) })],
  render: (args, { loaded }) => html`
    <div style=${storyLayout}>
      ${meta.render({ ...args, src: (loaded as { url: string }).url })}
      <output>Screen size: waiting for the recording…</output>
    </div>
  `,
  play: async ({ canvasElement }) => {
    const element = canvasElement.querySelector('desktop-recording-player')!;
    const output = canvasElement.querySelector('output')!;
    const sizes: string[] = [];
    const show = (): void => {
      sizes.push(`${element.videoWidth} × ${element.videoHeight} at ${element.currentTime.toFixed(1)} s`);
      output.textContent = `Screen size (videoWidth × videoHeight): ${sizes.slice(-6).join(' → ')}`;
    };
    element.addEventListener('loadedmetadata', show);
    element.addEventListener('resize', show);
    if (element.readyState > 0) show();
  },
};

/** Teleport 15+: RDP fast-path screen data (RemoteFX), from a real capture of FreeRDP's shadow server. */
export const RdpFastPath: Story = {
  name: 'Teleport 15+ (RDP fast-path)',
  args: { src: sampleRecordings[2]!.url, autoplay: true },
};

/**
 * Teleport 2026: a Linux desktop. TDPB envelopes whose screen updates are QOIZ (zstd-compressed QOI
 * images of the X damage rectangles, fragmented across events), 32 bpp cursors, and the Linux session
 * events (the info panel shows the Linux account; the desktop is named by its host id).
 */
export const LinuxDesktop: Story = {
  name: 'Teleport 2026 (Linux desktop, QOIZ)',
  args: { src: sampleRecordings[4]!.url, autoplay: true },
};

interface StreamingArgs extends PlayerArgs {
  /** Port of the demo server (`npm start`) on 127.0.0.1. */
  port: number;
}

/**
 * Streaming: the recording arrives over the network while it plays, paced in real time by the demo
 * server's Teleport-compatible playback websocket (`ws://…/desktopplayback/<session>/ws`, with
 * `duration-hint` for the length the server does not send up front). The seek bar's buffered range
 * grows as events arrive; a jump past what has arrived waits (`waiting`) until the server has sent
 * that far, then goes on. It needs the demo server: `npm start` (127.0.0.1:8080; the `port` arg for
 * another port).
 */
export const Streaming: StoryObj<StreamingArgs> = {
  args: { port: 8080, autoplay: true },
  argTypes: { src: { table: { disable: true } }, port: { control: 'number' } },
  render: (args) => {
    const sid = '6c0e1e5a-8d6b-4a51-9a0c-2f4b1c7d0720';
    const src = `ws://127.0.0.1:${args.port}/webapi/sites/teleport.example.com/desktopplayback/${sid}/ws`;
    const jump = (event: Event) => {
      const player = (event.target as Element).closest('.streaming-story')!.querySelector('desktop-recording-player')!;
      player.currentTime = player.buffered.length ? player.buffered.end(0) + 20 : 20;
    };
    return html`
      <div class="streaming-story" style=${storyLayout}>
        <p class="streaming-note" style="margin: 0; padding: 0.5em 0.75em; border-left: 4px solid #e8590c; background: #e8590c1a">
          Needs the demo server: run <code>npm start</code> in a terminal (it listens on 127.0.0.1:8080; set the
          <code>port</code> arg for another port). The player reads <code>${src}</code>.
        </p>
        <desktop-recording-player
          style=${playerStyle}
          src=${src}
          duration-hint="122"
          controls
          ?autoplay=${args.autoplay}
          playbackrate=${args.playbackrate}
          theme=${args.theme || nothing}
          ${watchPlayer((p) => {
            if (p.error) return `Failed (${p.error.reason}): is the demo server running (npm start)?`;
            const received = p.buffered.length ? p.buffered.end(0) : 0;
            const state = p.paused ? 'paused' : p.readyState < 3 ? 'waiting for data' : 'playing';
            return `received 0–${received.toFixed(1)} s of ${seconds(p.duration)} · at ${p.currentTime.toFixed(1)} s · ${state} · readyState ${p.readyState}`;
          })}
        ></desktop-recording-player>
        <div><button type="button" @click=${jump}>Jump 20 s past what has arrived</button></div>
        <output>Connecting…</output>
        <ol reversed style=${logStyle}></ol>
      </div>
    `;
  },
};

interface PartlyLoadedArgs extends StreamingArgs {
  /** The link the demo server paces the file through (its `?throttle=`), e.g. `2mbit`. */
  throttle: string;
  /** Where the story seeks once the first frame is painted, as a fraction of the duration. */
  seekTo: number;
}

/** Players the "Partly loaded" story has seeked already (a re-render with new args keeps the element). */
const seekedOnce = new WeakSet<DesktopRecordingPlayer>();

/**
 * Partly loaded: a recording read over a slow link (2 Mbit/s by default: the demo server paces the
 * file, and answers Range requests, through `?throttle=`). The whole duration is known at once (the
 * player reads the file's end first); past what has been read in order the timeline is hatched,
 * the marker list says up to when markers are known, and a hover there says "Not loaded yet", then
 * shows the screen composed from a few parts read for that moment. The story seeks near the end once
 * the first frame is painted: this PNG-era recording cannot show the exact screen there before the
 * download gets there, so an approximate screen shows meanwhile, marked as such, until `seeked`.
 * It needs the demo server, readable from this page: `npm start -- --cors-origin <this page's
 * origin>` (127.0.0.1:8080; the `port` arg for another port).
 */
export const PartlyLoaded: StoryObj<PartlyLoadedArgs> = {
  args: { port: 8080, throttle: '2mbit', seekTo: 0.85 },
  argTypes: { src: { table: { disable: true } }, port: { control: 'number' }, throttle: { control: 'text' }, seekTo: { control: { type: 'range', min: 0, max: 1, step: 0.05 } } },
  render: (args) => {
    const sid = '6c0e1e5a-8d6b-4a51-9a0c-2f4b1c7d0720';
    const src = `http://127.0.0.1:${args.port}/recordings/${sid}.tar?throttle=${encodeURIComponent(args.throttle)}`;
    const seekOnce = (event: Event) => {
      const player = event.target as DesktopRecordingPlayer;
      if (seekedOnce.has(player)) return;
      seekedOnce.add(player);
      player.currentTime = Math.round(player.duration * args.seekTo);
    };
    return html`
      <div class="partly-loaded-story" style=${storyLayout}>
        <p class="partly-loaded-note" style="margin: 0; padding: 0.5em 0.75em; border-left: 4px solid #e8590c; background: #e8590c1a">
          Needs the demo server, readable from this page: run <code>npm start -- --cors-origin ${location.origin}</code> in a
          terminal (it listens on 127.0.0.1:8080; set the <code>port</code> arg for another port). The player reads
          <code>${src}</code>. Hover the hatched part of the timeline, and open the marker list.
        </p>
        <desktop-recording-player
          style=${playerStyle}
          src=${src}
          controls
          playbackrate=${args.playbackrate}
          theme=${args.theme || nothing}
          lang=${args.lang || nothing}
          @loadeddata=${seekOnce}
          ${watchPlayer((p) => {
            if (p.error) return `Failed (${p.error.reason}): is the demo server running with --cors-origin ${location.origin}?`;
            const read = p.buffered.length ? p.buffered.end(0) : 0;
            const approximate = p.shadowRoot?.querySelector('[part~="approximate"]')?.isConnected ? ' · approximate screen shown' : '';
            return `read in order 0–${read.toFixed(1)} s of ${seconds(p.duration)} · at ${p.currentTime.toFixed(1)} s${p.seeking ? ' (seeking)' : ''}${approximate}`;
          })}
        ></desktop-recording-player>
        <output>Connecting…</output>
        <ol reversed style=${logStyle}></ol>
      </div>
    `;
  },
};

/**
 * media-chrome's controls instead of the built-in ones: the player is the `slot="media"` of a
 * `<media-controller>`, whose play button, time range, time display, speed button and full-screen
 * button drive it and show its state (it answers media-chrome like a `<video>`; being silent, it
 * reads as muted). Space, K, arrows, J, L, F, `<`, `>` and `?` are media-chrome's; the player adds
 * Home, End, 0–9, `,` `.` and `[` `]`.
 */
export const WithMediaChrome: Story = {
  name: 'With media-chrome',
  args: { controls: false },
  render: (args) => html`
    <media-controller style="width: 100%; max-width: 960px; aspect-ratio: 16 / 9; display: block">
      <desktop-recording-player
        slot="media"
        src=${args.src}
        ?autoplay=${args.autoplay}
        ?loop=${args.loop}
        playbackrate=${args.playbackrate}
        fit=${args.fit}
        start-at=${args.startAt}
        idle-limit=${args.idleLimit}
        lang=${args.lang || nothing}
      ></desktop-recording-player>
      <media-loading-indicator slot="centered-chrome" noautohide></media-loading-indicator>
      <media-control-bar>
        <media-play-button></media-play-button>
        <media-time-range></media-time-range>
        <media-time-display showduration></media-time-display>
        <media-playback-rate-button rates="0.5 1 2 4 8 16"></media-playback-rate-button>
        <media-fullscreen-button></media-fullscreen-button>
      </media-control-bar>
    </media-controller>
  `,
};

/**
 * Video export: `exportVideo()` renders the chosen range in the worker (WebCodecs, muxed by
 * mediabunny) with progress and cancellation; the result plays below. The controls' own "Export
 * video…" button exports the whole recording as MP4 and downloads it.
 */
export const Export: Story = {
  args: { src: sampleRecordings[1]!.url },
  render: (args) => {
    let controller: AbortController | undefined;
    const field = (root: Element, name: string) => root.querySelector<HTMLInputElement | HTMLSelectElement>(`[name='${name}']`)!.value;
    const run = async (event: Event) => {
      const root = (event.target as Element).closest('.export-story')!;
      const player = root.querySelector('desktop-recording-player')!;
      const progress = root.querySelector('progress')!;
      const status = root.querySelector('output')!;
      const video = root.querySelector('video')!;
      controller?.abort();
      controller = new AbortController();
      const started = performance.now();
      status.textContent = 'Exporting…';
      try {
        const blob = await player.exportVideo({
          start: Number(field(root, 'start')),
          end: Number(field(root, 'end')) || undefined,
          type: field(root, 'type'),
          width: Number(field(root, 'width')) || undefined,
          signal: controller.signal,
          onProgress: (fraction, frames) => {
            progress.value = fraction;
            status.textContent = `${Math.round(fraction * 100)} % (${frames} frames)`;
          },
        });
        URL.revokeObjectURL(video.src);
        video.src = URL.createObjectURL(blob);
        status.textContent = `${blob.type}, ${(blob.size / 1e6).toFixed(2)} MB in ${((performance.now() - started) / 1000).toFixed(1)} s`;
      } catch (error) {
        status.textContent = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      }
    };
    return html`
      <div class="export-story" style="display: grid; gap: 0.75em; max-width: 960px; font: 14px system-ui, sans-serif">
        ${meta.render(args)}
        <div style="display: flex; flex-wrap: wrap; gap: 0.75em; align-items: center">
          <label>From <input name="start" type="number" min="0" value="0" style="width: 5em" /> s</label>
          <label>to <input name="end" type="number" min="0" value="30" style="width: 5em" /> s</label>
          <label>Width <input name="width" type="number" min="16" value="1280" style="width: 6em" /></label>
          <select name="type">
            <option value="video/mp4">MP4, H.264</option>
            <option value="video/webm;codecs=vp9">WebM, VP9</option>
            <option value="video/webm;codecs=av1">WebM, AV1</option>
          </select>
          <button type="button" @click=${run}>Export</button>
          <button type="button" @click=${() => controller?.abort()}>Cancel</button>
          <progress max="1" value="0"></progress>
          <output></output>
        </div>
        <video controls style="width: 100%; background: #000"></video>
      </div>
    `;
  },
};

/**
 * The one-file script on a page with a strict Content-Security-Policy (README, "Embedding"): a
 * static page (`stories/csp-page/strict-csp.html`, in the iframe) whose `<meta>` policy allows nothing inline, no eval, and
 * scripts, styles and workers from its origin only. It loads the built one-file script with a plain
 * `<script src>` and points `worker-src` at `recording.worker.js` beside it (served from `dist/` at
 * `/player/`: run `npm run build` before building Storybook). Below it, the player's state and the
 * page's CSP violation reports.
 */
export const StrictCsp: Story = {
  name: 'Strict CSP (script tag)',
  render: () => html`
    <div style=${storyLayout}>
      <iframe src="csp-page/strict-csp.html" title="The player on a page with a strict Content-Security-Policy" style="${playerStyle}; border: 0"></iframe>
      <output>Loading the page…</output>
    </div>
  `,
  play: async ({ canvasElement }) => {
    const frame = canvasElement.querySelector('iframe')!;
    const output = canvasElement.querySelector('output')!;
    const started = performance.now();
    const timer = setInterval(() => {
      const win = frame.contentWindow as (Window & { cspViolations?: Array<{ directive: string; blocked: string }> }) | null;
      const player = frame.contentDocument?.querySelector('desktop-recording-player') as DesktopRecordingPlayer | null | undefined;
      if (!frame.isConnected) return clearInterval(timer);
      if (!win?.customElements.get('desktop-recording-player')) {
        if (performance.now() - started > 5000) output.textContent = 'The player did not load in the page: is dist/ built (npm run build) and served at /player/?';
        return;
      }
      const violations = win.cspViolations?.map(({ directive, blocked }) => `${directive} ${blocked}`).join(', ') || 'none';
      const state = player?.error ? `error (${player.error.reason}): ${player.error.message}` : `readyState ${player?.readyState}`;
      output.textContent = `Player: ${state} · CSP violations reported: ${violations}`;
      if (player?.error || player?.readyState === 4) clearInterval(timer);
    }, 250);
  },
};

/** A file that is not a recording: the error state explains what happened. */
export const NotARecording: Story = { args: { src: 'recordings/README.md' } };

/**
 * A recording made with Teleport's recording encryption (protostream V2 part with the encrypted
 * flag, built in the page): it can only be played where the cluster's keys are, and the player
 * says so (`error.reason` `encrypted`).
 */
export const Encrypted: Story = {
  loaders: [async () => ({ url: blobUrlOf(encryptedRecording()) })],
  render: (args, { loaded }) => meta.render({ ...args, src: (loaded as { url: string }).url }),
};

/** The server answers 404 for the recording (`error.reason` `http-status`). */
export const NotFound: Story = { args: { src: 'recordings/no-such-session.tar' } };

/** The recording's server cannot be reached (nothing listens on port 2 here): `error.reason` `network`. */
export const Unreachable: Story = { args: { src: 'http://127.0.0.1:2/recordings/6c0e1e5a-8d6b-4a51-9a0c-2f4b1c7d0720.tar' } };

/**
 * A recording cut off part-way (the first 40 % of the sample): the message says the part before
 * the damage plays, and can be dismissed.
 */
export const PartlyDamaged: Story = {
  args: { src: '' },
  loaders: [
    async () => {
      const bytes = await (await fetch(sampleRecordings[0]!.url)).arrayBuffer();
      return { truncated: URL.createObjectURL(new Blob([bytes.slice(0, Math.floor(bytes.byteLength * 0.4))])) };
    },
  ],
  render: (args, context) => meta.render({ ...args, src: (context.loaded as { truncated: string }).truncated }),
};
