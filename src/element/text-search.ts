import { css, html, nothing, svg, type ReactiveController, type TemplateResult } from 'lit';
import { ReadyState } from '../playback-state.js';
import type { TextSearchHit, TextSearchOptions } from '../worker/protocol.js';
import { TextIndexClient } from '../worker/text-index-client.js';
import { textSearchAssets, type TextIndexBuildProgress } from '../worker/text-index-protocol.js';
import { playerEngineUrl } from '../worker/worker-factory.js';
import type { DesktopRecordingPlayer } from './desktop-recording-player.js';
import type { PlayerView } from './templates/view.js';
import { formatClock } from './format-time.js';
import type { TextIndexProgress } from './player-types.js';
import { fill } from './strings.js';
import { button } from './templates/button.js';
import { searchStringsFor, type SearchStrings } from './text-search-strings.js';

/** How long the matched words stay outlined after a jump. */
const OUTLINE_MS = 2500;
/** Recognition goes on this long after the player paused or the last seek ended, if it stayed so. */
const QUIET_MS = 1500;
/** Results listed at most (the rail shows them all). */
const LISTED = 200;
/** The name of the text index worker, beside the player's worker. */
const WORKER_FILE = 'text-index.worker.js';

const searchIcon = svg`<svg viewBox="0 0 16 16" aria-hidden="true"><path d="M7 2a5 5 0 1 0 0 10A5 5 0 0 0 7 2zM10.5 10.5l4 4" /></svg>`;

/**
 * Text search of a player with `text-search` (a chunk, loaded when that is first on): the index —
 * the sidecar at `text-index`, else one built here by `text-index.worker.js` after
 * `canplaythrough`, held while the page seeks, ended by a new recording — and the search box, its
 * results, the hits on the seek rail and the outline of the words jumped to.
 */
export class TextSearch implements ReactiveController {
  #host: DesktopRecordingPlayer;
  #view: PlayerView;
  /** `text-search` as of the last update (turning it off ends indexing and closes the box). */
  #on = false;
  #client: TextIndexClient | undefined;
  /** The sidecar could not be read: the index is built here instead. */
  #sidecarFailed = false;
  /** Why the sidecar could not be read. */
  #sidecarError = '';
  #progress: TextIndexProgress | undefined;
  /** What stopped the index built here: searches reject with it. */
  #failure: Error | undefined;
  /** What the search box says went wrong. */
  #error = '';
  /** The search box is open. */
  open = false;
  #query = '';
  #hits: TextSearchHit[] = [];
  /** The result the arrow keys are on, -1 for none. */
  #active = -1;
  /** Newest search wins: answers of older ones are dropped. */
  #searchId = 0;
  #outline: { box: TextSearchHit['box']; width: number; height: number } | undefined;
  #outlineTimer: ReturnType<typeof setTimeout> | undefined;
  #resumeTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(view: PlayerView) {
    const host = (this.#host = view.host);
    this.#view = view;
    view.textSearch = this;
    const root = host.shadowRoot!;
    root.adoptedStyleSheets = [...root.adoptedStyleSheets, searchStyles.styleSheet!];
    // Its button and rail hits show at once, also on a paused player that would not render again.
    host.requestUpdate();
    host.addEventListener('canplaythrough', () => void this.#start());
    host.addEventListener('loadstart', () => this.#reset());
    host.addEventListener('emptied', () => this.#reset());
    // Playback and seeks come first: recognition waits between two regions while the player plays
    // or seeks, and goes on a moment after it paused or the last seek ended (a user scrubbing or
    // stepping seeks again soon; a region being read then would slow that seek down).
    for (const busy of ['play', 'seeking']) host.addEventListener(busy, () => this.#hold());
    for (const idle of ['pause', 'ended', 'seeked']) host.addEventListener(idle, () => this.#hold(QUIET_MS));
    host.addEventListener('textindexprogress', (event) => this.#told((event as CustomEvent<TextIndexProgress>).detail));
    host.addController(this);
    host.requestUpdate();
  }

  hostConnected(): void {
    void this.#start();
  }

  hostDisconnected(): void {
    this.#stop();
  }

  hostUpdated(): void {
    if (this.#host.textSearch === this.#on) return;
    this.#on = this.#host.textSearch;
    if (this.#on) void this.#start();
    else {
      this.#reset();
      this.open = false;
    }
  }

  /**
   * `search()` of the element while text search is on: the sidecar (`sidecar()` searches it through
   * the player's worker) while it reads, else what is indexed here so far.
   */
  async search(query: string, options: TextSearchOptions, sidecar: () => Promise<TextSearchHit[]>): Promise<TextSearchHit[]> {
    if (this.#host.textIndex && !this.#sidecarFailed) {
      try {
        return await sidecar();
      } catch (error) {
        if (error instanceof DOMException && error.name === 'NotSupportedError') throw error;
        this.#sidecarFailed = true;
        this.#sidecarError = error instanceof Error ? error.message : String(error);
        void this.#start();
      }
    }
    if (this.#playsFromSocket()) throw new DOMException(this.#needsFile(), 'NotSupportedError');
    if (!this.#host.textSearchSrc) throw new DOMException(this.#s().needsSrc, 'NotSupportedError');
    if (this.#failure) throw this.#failure;
    return this.#client ? (await this.#client.search(query, options)).hits : [];
  }

  /** Opens the search box and puts focus in it (`/`, Ctrl+F). */
  openBox(): boolean {
    if (!this.#host.textSearch || !this.#host.controls) return false;
    this.#view.panels.close();
    this.open = true;
    this.#host.requestUpdate();
    void this.#host.updateComplete.then(() => this.#input()?.focus());
    return true;
  }

  /** The keyboard help's row, while text search is on. */
  help(): string | undefined {
    return this.#host.textSearch && this.#host.controls ? this.#s().helpSearch : undefined;
  }

  /** The search button of the controls' bar. */
  button(): TemplateResult | typeof nothing {
    if (!this.#host.textSearch) return nothing;
    return button('search', this.#s().search, searchIcon, () => (this.open ? this.#close() : this.openBox()), { expanded: this.open });
  }

  /** The search box with its results, above the timeline. */
  box(): TemplateResult | typeof nothing {
    if (!this.#host.textSearch || !this.open) return nothing;
    const s = this.#s();
    const listed = this.#hits.slice(0, LISTED);
    const count = this.#query.trim() ? (this.#hits.length === 0 ? s.noResults : this.#hits.length === 1 ? s.oneResult : fill(s.manyResults, String(this.#hits.length))) : '';
    const active = this.#active >= 0 && this.#active < listed.length ? `search-hit-${this.#active}` : undefined;
    return html`<div class="search" part="search">
      <input
        id="search-input"
        class="search__input"
        part="search-input"
        type="search"
        role="combobox"
        autocomplete="off"
        spellcheck="false"
        aria-label=${s.searchLabel}
        aria-controls="search-results"
        aria-autocomplete="list"
        aria-expanded=${listed.length > 0 ? 'true' : 'false'}
        aria-activedescendant=${active ?? nothing}
        aria-describedby="search-status"
        placeholder=${s.searchPlaceholder}
        .value=${this.#query}
        @input=${(event: Event) => this.#type((event.target as HTMLInputElement).value)}
        @keydown=${this.#key}
      />
      <div id="search-status" class="search__status" part="search-status">${[count, this.#coverage(s)].filter(Boolean).join(' · ')}</div>
      <ul id="search-results" class="search__results" part="search-results" role="listbox" aria-label=${s.results} ?hidden=${listed.length === 0}>
        ${listed.map(
          (hit, index) =>
            html`<li
              id="search-hit-${index}"
              class="search__hit"
              part="search-result"
              role="option"
              aria-selected=${index === this.#active ? 'true' : 'false'}
              @pointerdown=${(event: Event) => event.preventDefault()}
              @click=${() => this.#jump(index)}
            >
              <span class="search__time">${this.#view.actions.clockAt(hit.time)}</span>
              <span class="search__line">${marked(hit.text, this.#query)}</span>
            </li>`,
        )}
      </ul>
    </div>`;
  }

  /** The hits on the seek rail: at most one mark a pixel column, a hit's whole time on the screen. */
  railHits(durationMs: number, columns: number): TemplateResult | typeof nothing {
    if (!this.#host.textSearch || !this.#hits.length || !(durationMs > 0)) return nothing;
    columns ||= screen.width;
    const column = (seconds: number) => Math.max(0, Math.min(columns - 1, Math.floor(((seconds * 1000) / durationMs) * columns)));
    const spans: Array<[from: number, to: number, index: number]> = [];
    this.#hits.forEach((hit, index) => {
      const from = column(hit.time);
      const to = column(Math.max(hit.time, hit.endTime - 0.001));
      const last = spans.at(-1);
      if (last && from <= last[1] + 1) last[1] = Math.max(last[1], to);
      else spans.push([from, to, index]);
    });
    return html`<div class="search-hits" part="search-hits" aria-hidden="true">
      ${spans.map(
        ([from, to, index]) =>
          html`<span class="search-hits__hit" part="search-hit" data-hit=${index} .style=${`left:${(from / columns) * 100}%;width:${((to - from + 1) / columns) * 100}%`} @click=${() => this.#jump(index)}></span>`,
      )}
    </div>`;
  }

  /** The matched words outlined over the screen for a moment after a jump, placed as `fit` places the screen. */
  outline(): TemplateResult | typeof nothing {
    const outline = this.#outline;
    if (!outline) return nothing;
    const place = screenPlacement(this.#host.fit, this.#host.clientWidth, this.#host.clientHeight, outline.width, outline.height);
    const { x, y, width, height } = outline.box;
    const pad = 3;
    const style = `left:${place.x + x * place.scaleX - pad}px;top:${place.y + y * place.scaleY - pad}px;width:${width * place.scaleX + 2 * pad}px;height:${height * place.scaleY + 2 * pad}px`;
    return html`<div class="search-outline" part="search-outline" aria-hidden="true" .style=${style}></div>`;
  }

  #s(): SearchStrings {
    return searchStringsFor(this.#host.closest('[lang]')?.getAttribute('lang') ?? '');
  }

  #input(): HTMLInputElement | null {
    return this.#host.shadowRoot!.querySelector('#search-input');
  }

  #coverage(s: SearchStrings): string {
    if (this.#error) return this.#error;
    const progress = this.#progress;
    if (progress?.complete) return '';
    if (!progress && !this.#client) {
      if ((!this.#host.textIndex || this.#sidecarFailed) && this.#playsFromSocket()) return this.#needsFile();
      return this.#host.textSearchSrc || this.#host.textIndex ? fill(s.indexing, '0 %') : s.needsSrc;
    }
    const percent = progress && progress.duration > 0 ? Math.floor((progress.covered / progress.duration) * 100) : 0;
    // Reading waits while the player plays (the index worker is told so): the status says why it stands still.
    return fill(this.#client && !this.#host.paused ? s.searchedPlaying : s.searched, `${percent} %`);
  }

  /** Starts indexing once the recording is loaded: the sidecar if it reads, else a build here. */
  async #start(): Promise<void> {
    const host = this.#host;
    if (!host.textSearch || !host.isConnected || host.readyState < ReadyState.HaveEnoughData || this.#client || this.#progress?.complete || this.#error) return;
    if (host.textIndex && !this.#sidecarFailed) {
      // Reads the sidecar (the element fires its coverage); one that fails is not read again, and the index is built here.
      await host.search('').catch(() => {});
      if (!this.#sidecarFailed) return;
    }
    const source = host.srcObject ?? (host.src ? new URL(host.src, document.baseURI).href : null);
    if (!source || this.#client) return;
    if (this.#playsFromSocket()) {
      this.#error = this.#needsFile();
      host.requestUpdate();
      return;
    }
    if (!host.textSearchSrc) {
      this.#error = this.#s().needsSrc;
      host.requestUpdate();
      return;
    }
    let workerUrl: URL;
    try {
      // Beside the player's worker: dist/ holds both (the one-file script needs worker-src for it).
      workerUrl = new URL(WORKER_FILE, playerEngineUrl(host.workerSrc ? new URL(host.workerSrc, document.baseURI).href : undefined));
    } catch {
      this.#fail(new Error(`${WORKER_FILE} could not be located: set worker-src to the URL of recording.worker.js, with ${WORKER_FILE} beside it`));
      return;
    }
    const client = (this.#client = new TextIndexClient((progress) => this.#built(client, progress), workerUrl));
    if (!this.#idle()) client.pause(true);
    // In ms as the recording has it (seconds × 1000 can come out a hair short: rounded to the microsecond).
    const durationMs = Number.isFinite(host.duration) ? Math.round(host.duration * 1e6) / 1e3 : undefined;
    client.build(source, textSearchAssets(new URL(host.textSearchSrc, document.baseURI).href), durationMs).catch((error: Error) => {
      if (client === this.#client && error.name !== 'AbortError') this.#fail(error);
    });
  }

  /**
   * The recording comes from a playback websocket: there is no file for the index worker to read
   * (it would have to play the session through), so only a sidecar can be searched.
   */
  #playsFromSocket(): boolean {
    const { srcObject, src } = this.#host;
    if (srcObject || !src) return false;
    try {
      return /^wss?:$/.test(new URL(src, document.baseURI).protocol);
    } catch {
      return false;
    }
  }

  #needsFile(): string {
    const s = this.#s();
    return s.needsFile + (this.#sidecarError ? fill(s.sidecarFailed, this.#sidecarError) : '');
  }

  #built(client: TextIndexClient, { coveredMs, durationMs }: TextIndexBuildProgress): void {
    // The last progress comes again with the end of the build: told once.
    if (client !== this.#client || this.#progress?.complete) return;
    const detail: TextIndexProgress = { covered: coveredMs / 1000, duration: durationMs / 1000, complete: coveredMs >= durationMs };
    this.#host.dispatchEvent(new CustomEvent('textindexprogress', { detail }));
  }

  /** Progress of whichever index search reads: results appear as indexing proceeds. */
  #told(progress: TextIndexProgress): void {
    this.#progress = progress;
    if (this.open && this.#query.trim()) void this.#run(false);
    this.#host.requestUpdate();
  }

  /** Holds recognition; with `resumeAfterMs`, lets it go on after that long if the player is idle then. */
  #hold(resumeAfterMs?: number): void {
    clearTimeout(this.#resumeTimer);
    const client = this.#client;
    client?.pause(true);
    if (resumeAfterMs !== undefined) this.#resumeTimer = setTimeout(() => this.#idle() && client?.pause(false), resumeAfterMs);
  }

  /** Neither playing nor seeking: recognition may run. */
  #idle(): boolean {
    return this.#host.paused && !this.#host.seeking;
  }

  #fail(error: Error): void {
    this.#failure = new Error(`the text index could not be built: ${error.message}`);
    this.#error = fill(this.#s().failed, error.message);
    this.#stop();
    this.#host.requestUpdate();
  }

  #stop(): void {
    clearTimeout(this.#resumeTimer);
    this.#client?.terminate();
    this.#client = undefined;
  }

  /** A new recording (or none): what was indexed and found belonged to the old one. */
  #reset(): void {
    this.#stop();
    this.#sidecarFailed = false;
    this.#sidecarError = '';
    this.#progress = undefined;
    this.#failure = undefined;
    this.#error = '';
    this.#hits = [];
    this.#active = -1;
    this.#hideOutline();
    this.#host.requestUpdate();
  }

  #type(query: string): void {
    this.#query = query;
    this.#active = -1;
    void this.#run(true);
  }

  /** Searches the box's query; `announce`: the count is said (typing), not on every progress step. */
  async #run(announce: boolean): Promise<void> {
    const id = ++this.#searchId;
    const query = this.#query;
    let hits: TextSearchHit[] = [];
    if (query.trim()) {
      try {
        hits = await this.#host.search(query);
      } catch (error) {
        if (id === this.#searchId) this.#error ||= (error as Error).message;
      }
    }
    if (id !== this.#searchId) return;
    const grew = hits.length !== this.#hits.length;
    this.#hits = hits;
    if (this.#active >= hits.length) this.#active = hits.length - 1;
    this.#host.requestUpdate();
    if (query.trim() && (announce || grew)) {
      const s = this.#s();
      this.#view.announcer.say(hits.length === 0 ? s.noResults : hits.length === 1 ? s.oneResult : fill(s.manyResults, String(hits.length)));
    }
  }

  #key = (event: KeyboardEvent): void => {
    const count = Math.min(this.#hits.length, LISTED);
    let handled = true;
    switch (event.key) {
      case 'ArrowDown':
        this.#moveTo(count ? (this.#active + 1) % count : -1);
        break;
      case 'ArrowUp':
        this.#moveTo(count ? (this.#active <= 0 ? count - 1 : this.#active - 1) : -1);
        break;
      case 'Enter':
        if (count) this.#jump(Math.max(0, this.#active));
        break;
      case 'Escape':
        this.#close();
        break;
      default:
        handled = false;
    }
    // The player's own keys (Escape closes panels) leave a key handled here alone.
    if (handled) event.preventDefault();
  };

  #moveTo(index: number): void {
    this.#active = index;
    this.#host.requestUpdate();
    void this.#host.updateComplete.then(() => this.#host.shadowRoot!.querySelector(`#search-hit-${index}`)?.scrollIntoView({ block: 'nearest' }));
  }

  /** To a hit: the position where it appeared, and its words outlined there for a moment. */
  #jump(index: number): void {
    const hit = this.#hits[index];
    if (!hit) return;
    this.#active = index;
    this.#view.actions.seekWithin(hit.time);
    this.#hideOutline();
    this.#outline = { box: hit.box, width: this.#host.videoWidth, height: this.#host.videoHeight };
    this.#outlineTimer = setTimeout(() => this.#hideOutline(), OUTLINE_MS);
    this.#host.requestUpdate();
  }

  #hideOutline(): void {
    clearTimeout(this.#outlineTimer);
    if (!this.#outline) return;
    this.#outline = undefined;
    this.#host.requestUpdate();
  }

  #close(): void {
    this.open = false;
    this.#host.requestUpdate();
    void this.#host.updateComplete.then(() => this.#host.shadowRoot!.querySelector<HTMLElement>('[part~=search-button]')?.focus());
  }
}

/** Where `fit` puts a `width`×`height` screen in a `boxWidth`×`boxHeight` element (as CSS object-fit, centred). */
export function screenPlacement(fit: string, boxWidth: number, boxHeight: number, width: number, height: number): { x: number; y: number; scaleX: number; scaleY: number } {
  if (!(width > 0 && height > 0)) return { x: 0, y: 0, scaleX: 1, scaleY: 1 };
  if (fit === 'fill') return { x: 0, y: 0, scaleX: boxWidth / width, scaleY: boxHeight / height };
  const scale = fit === 'none' ? 1 : fit === 'cover' ? Math.max(boxWidth / width, boxHeight / height) : Math.min(boxWidth / width, boxHeight / height);
  return { x: (boxWidth - width * scale) / 2, y: (boxHeight - height * scale) / 2, scaleX: scale, scaleY: scale };
}

/** A result's line with the query's words marked (case-insensitive, as typed). */
function marked(line: string, query: string): Array<TemplateResult | string> {
  const terms = query.toLowerCase().split(/\s+/).filter(Boolean);
  return line.split(/(\s+)/).map((word) => (terms.some((term) => word.toLowerCase().includes(term)) ? html`<mark>${word}</mark>` : word));
}

export const searchStyles = css`
  .search {
    display: grid;
    gap: 0.25em;
    padding: 0.5em 0.25em 0.25em;
  }
  .search__input {
    font: inherit;
    color: inherit;
    background: transparent;
    border: 1px solid currentColor;
    border-radius: var(--_radius);
    padding: 0.3em 0.5em;
  }
  .search__status {
    opacity: 0.8;
    font-size: 0.9em;
  }
  .search__results {
    list-style: none;
    margin: 0;
    padding: 0;
    max-height: 9.5em;
    overflow: auto;
  }
  .search__hit {
    display: flex;
    gap: 0.75em;
    padding: 0.25em 0.4em;
    border-radius: var(--_radius);
    cursor: pointer;
  }
  .search__hit[aria-selected='true'] {
    outline: 2px solid var(--_ring);
    outline-offset: -2px;
  }
  .search__time {
    font-variant-numeric: tabular-nums;
    flex: none;
  }
  .search__line {
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .search__line mark {
    color: inherit;
    background: var(--drp-search-hit-color, #f9c800);
    background: color-mix(in srgb, var(--drp-search-hit-color, #f9c800) 45%, transparent);
  }
  .search-hits {
    position: absolute;
    inset: auto 6px 0;
    height: 4px;
  }
  .search-hits__hit {
    position: absolute;
    top: 0;
    bottom: 0;
    min-width: 3px;
    background: var(--drp-search-hit-color, #f9c800);
    cursor: pointer;
  }
  .search-outline {
    position: absolute;
    box-sizing: border-box;
    border: 2px solid var(--drp-search-hit-color, #f9c800);
    border-radius: 3px;
    box-shadow: 0 0 0 2px #0008;
    pointer-events: none;
  }
`;
