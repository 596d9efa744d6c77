import type { Marker } from '../format/timeline.js';
import { formatClock, formatWallClock } from './format-time.js';
import { markerLabel } from './marker-labels.js';
import type { PlayerMarker } from './player-types.js';
import { stringsFor, type Strings } from './strings.js';

/**
 * The element's language — its own `lang`, else its nearest ancestor's — and what follows from
 * it: the texts, the Intl locale, markers as the page sees them (labels in that language), and
 * positions as the time display shows them.
 */
export class PlayerLocale {
  #host: HTMLElement & { wallClock: boolean };
  #startDateMs: () => number | null;
  /** Marker conversion for the language last asked for (labels are built on every render). */
  #conversion: { strings: Strings; locale: string | undefined; convert: (marker: Marker) => PlayerMarker } | undefined;
  /** The list `playerMarkers` built last, and from what. */
  #built: [readonly Marker[], (marker: Marker) => PlayerMarker, readonly PlayerMarker[]] | undefined;

  /** `startDateMs`: the wall-clock time of position 0, when known. */
  constructor(host: HTMLElement & { wallClock: boolean }, startDateMs: () => number | null) {
    this.#host = host;
    this.#startDateMs = startDateMs;
  }

  /** The texts of the element's language (English for a language with none registered). */
  strings(): Strings {
    return stringsFor(this.#lang());
  }

  /** The element's language as an Intl locale; undefined (the browser's) when `lang` is empty or not a valid tag. */
  locale(): string | undefined {
    try {
      return Intl.getCanonicalLocales(this.#lang() || [])[0];
    } catch {
      return undefined;
    }
  }

  /** A marker as the page sees it: seconds, and its label in the element's language. */
  playerMarker(marker: Marker): PlayerMarker {
    return this.#converter()(marker);
  }

  /**
   * The markers as the page sees them, frozen, and built once per marker list and language: a
   * page may read `markers` on every event, and 100,000 labels take a while to build.
   */
  playerMarkers(markers: readonly Marker[]): readonly PlayerMarker[] {
    const convert = this.#converter();
    if (this.#built?.[0] !== markers || this.#built[1] !== convert) this.#built = [markers, convert, Object.freeze(markers.map(convert))];
    return this.#built[2];
  }

  /** Converts markers in the element's language; its texts and number format are looked up once per language, not per marker. */
  #converter(): (marker: Marker) => PlayerMarker {
    const strings = this.strings();
    const locale = this.locale();
    const cached = this.#conversion;
    if (cached?.strings === strings && cached.locale === locale) return cached.convert;
    const numbers = new Intl.NumberFormat(locale);
    const formatNumber = (value: number): string => numbers.format(value);
    const convert = (marker: Marker): PlayerMarker => {
      const { timeMs, type, code, detail, transfer } = marker;
      const player: PlayerMarker = { time: timeMs / 1000, type, code, label: markerLabel(marker, strings, formatNumber), detail };
      if (transfer) {
        const { startMs, endMs, operations, ...rest } = transfer;
        player.transfer = { ...rest, start: startMs / 1000, end: endMs / 1000, operations: operations.map(convert) };
      }
      return player;
    };
    this.#conversion = { strings, locale, convert };
    return convert;
  }

  /** A position as the time display shows it: elapsed, or the time of day when that is on and known. */
  clockAt(seconds: number): string {
    const start = this.#startDateMs();
    return this.#host.wallClock && start !== null ? formatWallClock(start + seconds * 1000) : formatClock(seconds);
  }

  #lang(): string {
    return this.#host.closest('[lang]')?.getAttribute('lang') ?? '';
  }
}
