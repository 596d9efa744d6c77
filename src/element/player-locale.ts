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
  /** Number formatting for marker labels, made once per language (labels are built on every render). */
  #numbers: { locale: string | undefined; format: Intl.NumberFormat } | undefined;

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
    return this.#toPlayer(this.strings(), this.#numberFormat())(marker);
  }

  /**
   * The markers as the page sees them, frozen, and built once per marker list and language: a
   * page may read `markers` on every event, and 100,000 labels take a while to build.
   */
  playerMarkers(markers: readonly Marker[]): readonly PlayerMarker[] {
    const strings = this.strings();
    const numbers = this.#numberFormat();
    const built = this.#built;
    if (built && built.markers === markers && built.strings === strings && built.numbers === numbers) return built.list;
    const list = Object.freeze(markers.map(this.#toPlayer(strings, numbers)));
    this.#built = { markers, strings, numbers, list };
    return list;
  }

  /** The last list `playerMarkers` built, and what from. */
  #built: { markers: readonly Marker[]; strings: Strings; numbers: Intl.NumberFormat; list: readonly PlayerMarker[] } | undefined;

  /** Number formatting of the element's language, made once per language. */
  #numberFormat(): Intl.NumberFormat {
    const locale = this.locale();
    const cached = this.#numbers;
    return cached && cached.locale === locale ? cached.format : (this.#numbers = { locale, format: new Intl.NumberFormat(locale) }).format;
  }

  /** Converts markers with the given texts and number format (looked up once, not per marker). */
  #toPlayer(strings: Strings, numbers: Intl.NumberFormat): (marker: Marker) => PlayerMarker {
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
