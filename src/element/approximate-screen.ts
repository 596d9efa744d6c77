/**
 * What a reviewer sees while a seek waits for the download: once a seek has waited a moment and is
 * expected to wait long still (`approximate-wait.ts`: never for one about to land), an
 * approximate screen above the real one (`core/approximate-screen.ts`: the screen at the loaded
 * edge with, over it, what the last parts before the target paint), the cells those parts did not
 * paint dimmed and hatched as possibly changed, and a label saying it is approximate and how far
 * the download is. Never on the screen canvas: `captureFrame`, exports and pixel checks only ever
 * see the exact screen. It goes the moment the exact screen is painted (`seeked`), and on a new
 * seek, `emptied` or an error. A chunk of its own, loaded at the player's first `waiting`; its texts
 * come with it in English and German (a page may give its own as `approximateScreen`: the label
 * with both byte counts, and with only the bytes read, separated by `|`).
 */
import { ReadyState } from '../playback-state.js';
import { RequestMethod, type ApproximateScreen } from '../worker/protocol.js';
import { SeekWait } from './approximate-wait.js';
import { en, fill, stringsFor } from './strings.js';
import type { PlayerView } from './templates/view.js';

/** How often (ms) a waiting seek asks how far the download is, until the layer shows or the seek lands. */
const POLL_MS = 250;

const TEXTS = {
  en: 'Approximate screen — loading the exact one: {0} of {1} MB|Approximate screen — loading the exact one: {0} MB read',
  de: 'Ungefähres Bild — das genaue wird geladen: {0} von {1} MB|Ungefähres Bild — das genaue wird geladen: {0} MB gelesen',
};

/** Events that end what the layer shows (capturing, so it is gone before a page's own `seeked` listener runs). */
const ENDS = ['seeking', 'seeked', 'emptied', 'loadstart', 'error', 'abort'] as const;

const layers = new WeakMap<PlayerView, ApproximateLayer>();

/** The player's layer, made at its first seek that waits (it follows the player's events from then on). */
export function approximateLayer(view: PlayerView): ApproximateLayer {
  let layer = layers.get(view);
  if (!layer) layers.set(view, (layer = new ApproximateLayer(view)));
  return layer;
}

export class ApproximateLayer {
  #view: PlayerView;
  #layer: HTMLDivElement | undefined;
  #label: HTMLDivElement | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** The seek waiting, until the layer shows for it (`approximate-wait.ts` decides when). */
  #wait: SeekWait | undefined;
  /** Bumped by each end: an answer to an older request is dropped. */
  #generation = 0;
  /** The seek's moment (ms) while asked or shown; -1: nothing. */
  #targetMs = -1;
  /** The last answer came back empty (a seek reading parts): the next `progress` asks again. */
  #again = false;
  #neededBytes: number | undefined;
  #loadedBytes = 0;

  constructor(view: PlayerView) {
    this.#view = view;
    const host = view.host;
    for (const name of ENDS) host.addEventListener(name, () => this.#end(), true);
    // A seek made while another waits fires no second `waiting`.
    for (const name of ['seeking', 'waiting']) host.addEventListener(name, () => this.#waiting());
    host.addEventListener('progress', () => this.#progress());
    this.#waiting();
  }

  /** Shown now (the layer is in the shadow root). */
  get shown(): boolean {
    return !!this.#layer?.isConnected;
  }

  #waiting(): void {
    const { seeking, readyState, currentTimeMs } = this.#view.engine.snapshot;
    if (!seeking || readyState >= ReadyState.HaveCurrentData || this.#wait || this.#targetMs >= 0) return;
    const wait = (this.#wait = new SeekWait(performance.now(), currentTimeMs));
    void this.#poll(wait);
  }

  /** Notes how far the download is; shows the layer once the wait is expected to be long, else asks again soon. */
  async #poll(wait: SeekWait): Promise<void> {
    this.#timer = undefined;
    const facts = await this.#view.engine.client
      ?.request(RequestMethod.ApproximateScreen, { timeMs: wait.targetMs, width: 0, read: false })
      .catch(() => null);
    if (wait !== this.#wait || !this.#view.engine.snapshot.seeking) return;
    // Nothing known of the download: the grace alone decides.
    wait.note(facts ?? { loadedBytes: 0 });
    if (!wait.shows(performance.now())) {
      this.#timer = setTimeout(() => void this.#poll(wait), POLL_MS);
      return;
    }
    this.#wait = undefined;
    this.#targetMs = wait.targetMs;
    void this.#compose(this.#view.engine.snapshot.videoWidth);
  }

  /**
   * At once what needs nothing read (the screen at the loaded edge, every cell marked), then that
   * with what the parts read for the moment paint (on a slow link, finding them takes seconds).
   */
  async #compose(width: number): Promise<void> {
    await this.#ask(width, false);
    await this.#ask(width, true);
  }

  #progress(): void {
    if (this.#targetMs < 0) return;
    if (this.#again) void this.#ask(this.#view.engine.snapshot.videoWidth, true);
    // Only how far the download is: the label follows it.
    else if (this.shown) void this.#ask(0, false);
  }

  /** Asks the engine for the approximate screen (`width` 0: only the bytes read), with the parts read for the moment when `read`. */
  async #ask(width: number, read: boolean): Promise<void> {
    const generation = this.#generation;
    if (read) this.#again = false;
    const answer: ApproximateScreen | null | undefined = await this.#view.engine.client
      ?.request(RequestMethod.ApproximateScreen, { timeMs: this.#targetMs, width, read })
      .catch(() => null);
    if (generation !== this.#generation || !this.#view.engine.snapshot.seeking) return answer?.image?.close();
    if (!answer) {
      // Stopped (a hover, a seek reading parts): asked again at the next `progress`.
      this.#again ||= read;
      return;
    }
    this.#loadedBytes = answer.loadedBytes;
    // A seek's island still composing the moment: the parts it reads next show at the next `progress`.
    this.#again ||= read && !!answer.composing;
    if (answer.image) {
      const first = !this.shown;
      this.#neededBytes = answer.neededBytes ?? this.#neededBytes;
      this.#show(answer.image, answer.known!, answer.columns!);
      if (first) this.#view.announcer.say(this.#text().split(':')[0]!);
    }
    if (this.#label) this.#label.textContent = this.#text();
  }

  /** The label: "Approximate screen — loading the exact one: 12.4 of 31.0 MB". */
  #text(): string {
    const lang = this.#view.actions.locale() ?? '';
    const s = stringsFor(lang);
    const [both, read] = (s.approximateScreen ?? (s !== en && /^de\b/i.test(lang) ? TEXTS.de : TEXTS.en)).split('|') as [string, string];
    const mb = (bytes: number) => new Intl.NumberFormat(lang || undefined, { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(bytes / 1e6);
    const needed = this.#neededBytes;
    return needed ? fill(both, mb(Math.min(this.#loadedBytes, needed)), mb(needed)) : fill(read, mb(this.#loadedBytes));
  }

  /** Draws the approximate screen above the real one, the cells not known dimmed and hatched. */
  #show(image: ImageBitmap, known: Uint8Array, columns: number): void {
    if (!this.#layer) {
      const layer = (this.#layer = document.createElement('div'));
      layer.part.add('approximate');
      // Styled in place (CSSOM, allowed under a strict Content-Security-Policy): the element's styles stay as they are.
      layer.style.cssText = 'position:absolute;inset:0;pointer-events:none;color:var(--drp-unloaded-color,light-dark(#0006,#fff6))';
      const label = (this.#label = document.createElement('div'));
      label.part.add('approximate-label');
      label.style.cssText =
        'position:absolute;top:8px;left:50%;translate:-50%;max-width:calc(100% - 16px);padding:4px 10px;border-radius:var(--_radius);background:#000c;color:#fff;font-weight:600;text-align:center';
      // A canvas of the shadow root: placed and fitted (`fit`) as the screen is.
      layer.append(document.createElement('canvas'), label);
      layer.firstElementChild!.part.add('approximate-screen');
    }
    const canvas = this.#layer.firstElementChild as HTMLCanvasElement;
    canvas.width = image.width;
    canvas.height = image.height;
    const context = canvas.getContext('2d')!;
    context.drawImage(image, 0, 0);
    image.close();
    this.#view.host.renderRoot.querySelector('.screen-layers')!.after(this.#layer);
    // Cells an unread part could have changed: dimmed, with the "not loaded yet" hatch over them.
    const cell = (64 * canvas.width) / (this.#view.engine.snapshot.videoWidth || canvas.width);
    const unknown = new Path2D();
    known.forEach((isKnown, index) => isKnown || unknown.rect((index % columns) * cell, Math.floor(index / columns) * cell, cell, cell));
    context.save();
    context.clip(unknown);
    context.fillStyle = '#0008';
    context.fillRect(0, 0, canvas.width, canvas.height);
    // Two tones, stripe by stripe: the theme's colour, then one of the opposite brightness, so the
    // marking shows on any screen (one tone vanished where it matched the cell: the light theme's
    // dark stripes on a dark wallpaper). About 6 CSS pixels apart at the size the screen shows.
    const gap = Math.max(4, (6 * canvas.width) / Math.max(1, canvas.clientWidth));
    const color = getComputedStyle(this.#layer).color;
    const [red = 0, green = 0, blue = 0] = (color.match(/[\d.]+/g) ?? []).map(Number);
    const tones = [color, 0.299 * red + 0.587 * green + 0.114 * blue < 128 ? '#fff6' : '#0009'];
    context.lineWidth = gap / 4;
    tones.forEach((tone, index) => {
      context.strokeStyle = tone;
      context.beginPath();
      for (let x = index * gap - canvas.height; x < canvas.width; x += 2 * gap) {
        context.moveTo(x, canvas.height);
        context.lineTo(x + canvas.height, 0);
      }
      context.stroke();
    });
    context.restore();
  }

  #end(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#wait = undefined;
    this.#generation += 1;
    this.#targetMs = -1;
    this.#again = false;
    this.#neededBytes = undefined;
    this.#layer?.remove();
  }
}
