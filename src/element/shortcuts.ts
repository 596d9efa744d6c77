import type { TextSearch } from './text-search.js';
import type { PanelStrings } from './templates/panel-strings.js';

/** Seconds moved by ←/→ (and ↑/↓ on the slider), by j/l, and by PageUp/PageDown on the slider. */
const ARROW_STEP = 5;
const JL_STEP = 10;
const PAGE_STEP = 60;

/** What a shortcut can do to the player. */
export interface ShortcutActions {
  togglePlay(): void;
  /** Seeks by `seconds` from where the position is going. */
  seekBy(seconds: number): void;
  /** Seeks to `seconds`, kept within the recording. */
  seekWithin(seconds: number): void;
  /** `duration`, or 0 while it is not known. */
  duration(): number;
  /** To the previous (-1) or next (1) screen change, when paused. */
  stepScreen(direction: 1 | -1): void;
  stepSpeed(faster: boolean): void;
  stepMarker(forward: boolean): void;
  toggleFullscreen(): void;
  toggleHelp(): void;
  /** Text search, once its chunk is loaded (`text-search`). */
  textSearch(): TextSearch | undefined;
  /** A review note at the current time; `end`: the last such note ends here instead (a range). */
  keyNote(end: boolean): void;
  /** The help's text for the note keys, once the review tools (a chunk) are loaded; asking loads them. */
  noteHelp(): string | undefined;
  /** Closes the open panel or the toast; false when there was none. */
  dismiss(): boolean;
}

interface Shortcut {
  /** `KeyboardEvent.key`, lower case for one character. */
  keys: string[];
  /** Its row in the keyboard help: the keys as shown, and what they do (no row while that says nothing). */
  help?: [keys: (s: PanelStrings) => string, does: keyof PanelStrings | ((a: ShortcutActions) => string | undefined)];
  /** Keys that act with Ctrl (or ⌘) held; `keys` act without. */
  ctrlKeys?: string[];
  /** Only on the seek slider (the APG slider's keys). */
  slider?: true;
  /**
   * A key a player skin handles too (media-chrome's `<media-controller>`: play, seek, full screen,
   * speed, help): as the skin's `slot="media"` the element leaves it to the skin, so no key acts twice.
   */
  skin?: true;
  /** Also from fields, menus and buttons (which keep every other key). */
  anywhere?: true;
  /** Acts; false when the key did nothing (the browser keeps it). */
  run(actions: ShortcutActions, key: string, event: KeyboardEvent): boolean | void;
}

const pair = (first: string, second: string) => () => `${first} / ${second}`;

/** Every key of the player, in the order the keyboard help lists them. */
const SHORTCUTS: Shortcut[] = [
  { keys: [' ', 'k'], help: [(s) => `${s.keySpace} / K`, 'helpPlay'], skin: true, run: (a) => a.togglePlay() },
  { keys: ['ArrowLeft', 'ArrowRight'], help: [pair('←', '→'), 'helpSeek5'], skin: true, run: (a, key) => a.seekBy(key === 'ArrowLeft' ? -ARROW_STEP : ARROW_STEP) },
  { keys: ['ArrowDown', 'ArrowUp'], slider: true, skin: true, run: (a, key) => a.seekBy(key === 'ArrowDown' ? -ARROW_STEP : ARROW_STEP) },
  { keys: ['PageDown', 'PageUp'], slider: true, run: (a, key) => a.seekBy(key === 'PageDown' ? -PAGE_STEP : PAGE_STEP) },
  { keys: ['j', 'l'], help: [pair('J', 'L'), 'helpSeek10'], skin: true, run: (a, key) => a.seekBy(key === 'j' ? -JL_STEP : JL_STEP) },
  { keys: ['Home', 'End'], help: [(s) => `${s.keyHome} / ${s.keyEnd}`, 'helpEnds'], run: (a, key) => a.seekWithin(key === 'Home' ? 0 : a.duration()) },
  { keys: [...'0123456789'], help: [() => '0 … 9', 'helpPercent'], run: (a, key) => a.seekWithin((a.duration() * Number(key)) / 10) },
  { keys: [',', '.'], help: [pair(',', '.'), 'helpStep'], run: (a, key) => a.stepScreen(key === ',' ? -1 : 1) },
  { keys: ['<', '>'], help: [pair('<', '>'), 'helpSpeed'], skin: true, run: (a, key) => a.stepSpeed(key === '>') },
  { keys: ['[', ']'], help: [pair('[', ']'), 'helpMarker'], run: (a, key) => a.stepMarker(key === ']') },
  { keys: ['b'], help: [() => 'B / Shift+B', (a) => a.noteHelp()], run: (a, _, event) => a.keyNote(event.shiftKey) },
  { keys: ['f'], help: [() => 'F', 'helpFullscreen'], skin: true, run: (a) => a.toggleFullscreen() },
  { keys: ['/'], ctrlKeys: ['f'], help: [() => '/ · Ctrl+F', (a) => a.textSearch()?.help()], run: (a) => a.textSearch()?.openBox() ?? false },
  { keys: ['?'], help: [() => '?', 'helpHelp'], skin: true, run: (a) => a.toggleHelp() },
  { keys: ['Escape'], help: [(s) => s.keyEsc, 'helpClose'], anywhere: true, run: (a) => a.dismiss() },
];

/**
 * Runs the shortcut of a key pressed in the player; true when it acted (the caller then prevents
 * the browser's default). `asSkinMedia`: the element is a skin's `slot="media"`.
 */
export function runShortcut(event: KeyboardEvent, actions: ShortcutActions, asSkinMedia: boolean): boolean {
  if (event.defaultPrevented || event.altKey) return false;
  const key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
  const withCtrl = event.ctrlKey || event.metaKey;
  const shortcut = SHORTCUTS.find(({ keys, ctrlKeys }) => (withCtrl ? ctrlKeys : keys)?.includes(key));
  if (!shortcut || (asSkinMedia && shortcut.skin)) return false;
  const origin = event.composedPath()[0] as HTMLElement;
  if (!shortcut.anywhere) {
    // Fields and menus keep their own keys; buttons keep Space (and Enter, no shortcut).
    if (origin instanceof HTMLInputElement || origin instanceof HTMLSelectElement || origin instanceof HTMLTextAreaElement) return false;
    if (origin instanceof HTMLButtonElement && key === ' ') return false;
    if (shortcut.slider && !origin.classList?.contains('slider')) return false;
  }
  return shortcut.run(actions, key, event) !== false;
}

/** The keyboard help: each shortcut's keys as shown, and what they do, in the element's language. */
export function shortcutHelp(s: PanelStrings, actions: ShortcutActions): Array<[keys: string, does: string]> {
  return SHORTCUTS.flatMap(({ help }) => {
    const does = help && (typeof help[1] === 'function' ? help[1](actions) : s[help[1]]);
    return help && does ? [[help[0](s), does] as [string, string]] : [];
  });
}
