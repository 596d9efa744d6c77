/**
 * The state of a synthetic Windows-10-like desktop and how to draw any part of it.
 *
 * Every mutation reports the screen rectangles it changes through `markDirty`; the renderer
 * redraws only those areas (clipped, back to front), so a frame is never drawn in full after
 * the first. Drawing is deterministic: redrawing an unchanged area yields identical pixels.
 */
import { createCanvas } from '@napi-rs/canvas';
import type { Canvas, SKRSContext2D } from '@napi-rs/canvas';
import { Prng, hashString } from './prng.js';
import { trackClip, type ScreenTextLog } from './text-log.js';

export interface Rect { x: number; y: number; w: number; h: number }
export interface Point { x: number; y: number }

export type WindowKind = 'editor' | 'explorer' | 'reader';

export interface Win { kind: WindowKind; x: number; y: number; w: number; h: number }

export const UI_FONT = '"Segoe UI", "Liberation Sans", "DejaVu Sans", sans-serif';
export const MONO_FONT = '"Consolas", "Liberation Mono", "DejaVu Sans Mono", monospace';
export const SERIF_FONT = '"Times New Roman", "Liberation Serif", "DejaVu Serif", serif';

export const TASKBAR_H = 40;
export const TITLE_H = 31;
const CAPTION_W = 46;
const SHADOW = 7;
const ACCENT = '#0078d7';

const EDITOR_MENU_H = 20;
const EDITOR_STATUS_H = 22;
const EDITOR_SCROLL_W = 17;
export const EDITOR_LINE_H = 18;
const EDITOR_PAD_X = 5;
const EDITOR_PAD_Y = 3;
const STATUS_WIDTHS = [130, 60, 120, 90];

const EXPLORER_TABS_H = 24;
const EXPLORER_ADDR_H = 34;
const EXPLORER_NAV_W = 190;
const EXPLORER_HEADER_H = 26;
export const EXPLORER_ROW_H = 22;
const EXPLORER_STATUS_H = 22;

const READER_TOOLBAR_H = 40;
const READER_SCROLL_W = 10;
const READER_PAGE_GAP = 12;
const READER_SCROLL_ANIM_MS = 160;

export const CARET_BLINK_MS = 530;

export function intersects(a: Rect, b: Rect): boolean {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}
export function contains(r: Rect, p: Point): boolean {
  return p.x >= r.x && p.x < r.x + r.w && p.y >= r.y && p.y < r.y + r.h;
}
function inflate(r: Rect, d: number): Rect {
  return { x: r.x - d, y: r.y - d, w: r.w + 2 * d, h: r.h + 2 * d };
}

// ---------------------------------------------------------------------------------------------
// Static content

export interface FileEntry { name: string; type: string; bytes: number; date: string; folder?: boolean }

export const MENUS: { title: string; items: (readonly [string, string] | null)[] }[] = [
  { title: 'File', items: [['New', 'Ctrl+N'], ['New window', 'Ctrl+Shift+N'], ['Open...', 'Ctrl+O'], ['Save', 'Ctrl+S'], ['Save as...', 'Ctrl+Shift+S'], null, ['Page setup...', ''], ['Print...', 'Ctrl+P'], null, ['Exit', '']] },
  { title: 'Edit', items: [['Undo', 'Ctrl+Z'], null, ['Cut', 'Ctrl+X'], ['Copy', 'Ctrl+C'], ['Paste', 'Ctrl+V'], ['Delete', 'Del'], null, ['Find...', 'Ctrl+F'], ['Find next', 'F3'], ['Replace...', 'Ctrl+H'], ['Go to...', 'Ctrl+G'], null, ['Select all', 'Ctrl+A'], ['Time/Date', 'F5']] },
  { title: 'Format', items: [['Word wrap', ''], ['Font...', '']] },
  { title: 'View', items: [['Zoom', '>'], ['Status bar', '']] },
  { title: 'Help', items: [['View help', ''], ['Send feedback', ''], null, ['About Notepad', '']] },
];
const MENU_ITEM_H = 22;
const MENU_SEP_H = 9;
const MENU_W = 250;

const DESKTOP_ICONS = ['Recycle Bin', 'This PC', 'Network', 'Microsoft Edge', 'Documents'] as const;

const NAV_ITEMS = ['Quick access', 'Desktop', 'Downloads', 'Documents', 'Pictures', 'This PC', 'Network'] as const;
export const SHARED_NAV_LABEL = 'Shared (\\\\tsclient)';

const START_APPS = ['Alarms & Clock', 'Calculator', 'Calendar', 'Camera', 'Excel', 'File Explorer', 'Mail', 'Microsoft Edge', 'Notepad', 'Paint', 'Photos', 'Settings', 'Teams', 'Word'];
const START_TILES: [string, string][] = [['Calendar', '#0063b1'], ['Mail', '#0078d7'], ['Edge', '#0f6cbd'], ['Photos', '#005a9e'], ['Store', '#4c4a48'], ['Weather', '#1f8ad2'], ['Teams', '#4b53bc'], ['Word', '#185abd'], ['Excel', '#107c41']];

function formatSize(bytes: number): string {
  return `${Math.max(1, Math.ceil(bytes / 1024)).toLocaleString('en-US')} KB`;
}

// ---------------------------------------------------------------------------------------------
// Document layout for the reader

type DocItem =
  | { kind: 'h1' | 'h2' | 'p' | 'footer'; page: number; y: number; text: string }
  | { kind: 'chart'; page: number; y: number; h: number; values: number[]; title: string }
  | { kind: 'row'; page: number; y: number; cells: string[]; header: boolean };

export interface DocLayout { pageW: number; pageH: number; pages: number; items: DocItem[]; totalH: number }

const WORDS = ('the of and to in revenue quarter growth customers pipeline security review team plan budget product release ' +
  'support margin forecast region partner contract renewal onboarding audit risk control access policy desktop session ' +
  'infrastructure migration cost usage latency availability incident response hiring roadmap milestone target estimate ' +
  'compared with previous year increase decrease significant stable across each while after before during overall').split(' ');

function sentence(rng: Prng): string {
  const n = rng.int(8, 20);
  const words: string[] = [];
  for (let i = 0; i < n; i++) words.push(rng.pick(WORDS));
  if (rng.chance(0.3)) words.splice(rng.int(1, n - 1), 0, `${rng.int(2, 98)}%`);
  const text = words.join(' ');
  return text.charAt(0).toUpperCase() + text.slice(1) + '.';
}

function wrap(ctx: SKRSContext2D, text: string, width: number): string[] {
  const words = text.split(' ');
  const lines: string[] = [];
  let line = '';
  for (const word of words) {
    const candidate = line ? `${line} ${word}` : word;
    if (line && ctx.measureText(candidate).width > width) {
      lines.push(line);
      line = word;
    } else {
      line = candidate;
    }
  }
  if (line) lines.push(line);
  return lines;
}

export function layoutDocument(ctx: SKRSContext2D, title: string, seed: number, viewW: number): DocLayout {
  const rng = new Prng(seed);
  const pageW = Math.max(360, Math.min(viewW - 44, 680));
  const pageH = Math.round(pageW * 1.294);
  const margin = Math.round(pageW * 0.1);
  const contentW = pageW - 2 * margin;
  const bottom = pageH - margin;
  const pages = rng.int(7, 12);
  const items: DocItem[] = [];
  ctx.save();
  ctx.font = `13px ${SERIF_FONT}`;
  for (let page = 0; page < pages; page++) {
    let y = margin;
    if (page === 0) {
      items.push({ kind: 'h1', page, y: y + 26, text: title });
      y += 52;
    }
    let section = 0;
    while (y < bottom - 60) {
      const r = rng.next();
      if (r < 0.18 && y < bottom - 120) {
        section++;
        items.push({ kind: 'h2', page, y: y + 22, text: `${page + 1}.${section} ${sentence(rng).split(' ').slice(0, rng.int(2, 4)).join(' ').replace(/\.$/, '')}` });
        y += 34;
      } else if (r < 0.26 && y < bottom - 210) {
        const values: number[] = [];
        const n = rng.int(4, 8);
        for (let i = 0; i < n; i++) values.push(rng.range(0.2, 1));
        items.push({ kind: 'chart', page, y, h: 180, values, title: `Figure ${page + 1}.${items.length % 9 + 1}: ${rng.pick(WORDS)} by quarter` });
        y += 196;
      } else if (r < 0.32 && y < bottom - 160) {
        const rows = rng.int(3, 6);
        items.push({ kind: 'row', page, y, cells: ['Region', 'Q1', 'Q2', 'Q3', 'Change'], header: true });
        y += 22;
        for (let i = 0; i < rows; i++) {
          const a = rng.int(100, 999), b = rng.int(100, 999);
          items.push({ kind: 'row', page, y, cells: [rng.pick(['North', 'South', 'EMEA', 'APAC', 'LATAM', 'West', 'East']), `${rng.int(100, 999)}`, `${a}`, `${b}`, `${b >= a ? '+' : ''}${Math.round(((b - a) / a) * 100)}%`], header: false });
          y += 22;
        }
        y += 14;
      } else {
        const text = [sentence(rng), sentence(rng), sentence(rng)].slice(0, rng.int(1, 3)).join(' ');
        const lines = wrap(ctx, text, contentW);
        for (const line of lines) {
          if (y > bottom - 18) break;
          items.push({ kind: 'p', page, y: y + 13, text: line });
          y += 18;
        }
        y += 10;
      }
    }
    items.push({ kind: 'footer', page, y: pageH - margin / 2, text: `${title}  ·  page ${page + 1} of ${pages}` });
  }
  ctx.restore();
  return { pageW, pageH, pages, items, totalH: READER_PAGE_GAP + pages * (pageH + READER_PAGE_GAP) };
}

// ---------------------------------------------------------------------------------------------
// State

export interface EditorState {
  fileName: string;
  modified: boolean;
  lines: string[];
  topLine: number;
  selection: { line: number; from: number; to: number } | null;
  caretResetAt: number;
  caretShown: boolean;
}

export interface ExplorerState {
  location: 'documents' | 'shared';
  sharedAvailable: boolean;
  selected: number;
  hoverRow: number;
}

export interface ReaderState {
  fileName: string;
  doc: DocLayout | null;
  scrollFrom: number;
  scrollTo: number;
  scrollStart: number;
  scrollShown: number;
}

type Hover =
  | { kind: 'caption'; win: WindowKind; button: number }
  | { kind: 'menuItem'; index: number }
  | { kind: 'row'; index: number }
  | null;

export class DesktopScene {
  readonly width: number;
  readonly height: number;
  /** Open windows, back to front. */
  windows: Win[] = [];
  focus: WindowKind | null = 'editor';
  now = 0;
  mouse: Point;
  editor: EditorState;
  explorer: ExplorerState = { location: 'documents', sharedAvailable: false, selected: -1, hoverRow: -1 };
  reader: ReaderState = { fileName: '', doc: null, scrollFrom: 0, scrollTo: 0, scrollStart: 0, scrollShown: 0 };
  /** The open menu of the editor's menu bar: index into MENUS. */
  menu: { index: number } | null = null;
  startMenuOpen = false;
  selectedIcon = -1;
  hover: Hover = null;
  documents: FileEntry[];
  sharedFiles: FileEntry[];
  /** Wall clock (UTC ms) at session time 0. */
  readonly clockBaseMs: number;
  private shownMinute: number;
  private readonly charW: number;
  private readonly menuTitleX: number[] = [];
  private readonly menuTitleW: number[] = [];
  private readonly searchW: number;

  private readonly winDefaults: Record<WindowKind, Win>;
  private wallpaper: Canvas | undefined;

  constructor(
    private ctx: SKRSContext2D,
    width: number,
    height: number,
    rng: Prng,
    private readonly markDirty: (r: Rect) => void,
    /** Records every word drawn and when it is painted over (for quality tests of the text index). */
    private readonly textLog?: ScreenTextLog,
  ) {
    this.currentClip = textLog && trackClip(ctx);
    this.width = width;
    this.height = height;
    this.mouse = { x: Math.round(width * 0.55), y: Math.round(height * 0.6) };
    const day = Date.UTC(2025, rng.int(0, 11), rng.int(1, 28));
    this.clockBaseMs = day + rng.int(8 * 60, 16 * 60) * 60_000 + rng.int(0, 59_999);
    this.shownMinute = Math.floor(this.clockBaseMs / 60_000);
    ctx.font = `14px ${MONO_FONT}`;
    this.charW = ctx.measureText('MMMMMMMMMM').width / 10;
    ctx.font = `12px ${UI_FONT}`;
    let x = 0;
    for (const m of MENUS) {
      const w = Math.round(ctx.measureText(m.title).width) + 14;
      this.menuTitleX.push(x);
      this.menuTitleW.push(w);
      x += w;
    }
    this.searchW = Math.round(Math.min(344, width * 0.18));

    const W = width, H = height - TASKBAR_H;
    const clampW = (w: number): number => Math.min(w, W - 20);
    const clampH = (h: number): number => Math.min(h, H - 20);
    const editorW = clampW(Math.max(520, Math.round(W * 0.42)));
    const editorH = clampH(Math.max(360, Math.round(H * 0.58)));
    const explorerW = clampW(Math.max(600, Math.round(W * 0.46)));
    const explorerH = clampH(Math.max(340, Math.round(H * 0.52)));
    const readerW = clampW(Math.max(560, Math.round(W * 0.44)));
    const readerH = clampH(Math.max(420, Math.round(H * 0.86)));
    this.winDefaults = {
      explorer: { kind: 'explorer', x: Math.round(W * 0.08), y: Math.round(H * 0.34), w: explorerW, h: explorerH },
      editor: { kind: 'editor', x: Math.round(W * 0.3), y: Math.round(H * 0.1), w: editorW, h: editorH },
      reader: { kind: 'reader', x: Math.max(0, W - readerW - Math.round(W * 0.05)), y: Math.round(H * 0.05), w: readerW, h: readerH },
    };
    for (const w of [this.winDefaults.explorer, this.winDefaults.editor]) {
      w.x = Math.max(0, Math.min(w.x, W - w.w));
      w.y = Math.max(0, Math.min(w.y, H - w.h));
    }
    this.windows = [{ ...this.winDefaults.explorer }, { ...this.winDefaults.editor }];

    const date = (offsetDays: number, minutes: number): string => {
      const d = new Date(day - offsetDays * 86_400_000 + minutes * 60_000);
      const h = d.getUTCHours();
      return `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${d.getUTCFullYear()} ${(h + 11) % 12 + 1}:${String(d.getUTCMinutes()).padStart(2, '0')} ${h < 12 ? 'AM' : 'PM'}`;
    };
    this.documents = [
      { name: 'Screenshots', type: 'File folder', bytes: 0, date: date(12, 600), folder: true },
      { name: 'Budget 2025.xlsx', type: 'Microsoft Excel Worksheet', bytes: 48_211, date: date(3, 845) },
      { name: 'Meeting notes.txt', type: 'Text Document', bytes: 2_980, date: date(1, 612) },
      { name: 'Onboarding.docx', type: 'Microsoft Word Document', bytes: 216_004, date: date(40, 700) },
      { name: 'Travel itinerary.pdf', type: 'PDF Document', bytes: 97_540, date: date(9, 1001) },
    ];
    this.sharedFiles = [
      { name: 'drafts', type: 'File folder', bytes: 0, date: date(2, 555), folder: true },
      ...['report.pdf', 'q3-summary.pdf', 'handbook.pdf', 'architecture-review.pdf', 'invoice-0423.pdf'].map((name, i) => ({
        name, type: 'PDF Document', bytes: rng.int(90_000, 720_000), date: date(i * 2 + 1, rng.int(480, 1080)),
      })),
    ];

    const first = ['Notes - weekly sync', '', '- Budget review moved to Thursday.', '- Ask Priya for the updated vendor list.', ''];
    this.editor = { fileName: 'notes.txt', modified: false, lines: first, topLine: 0, selection: null, caretResetAt: 0, caretShown: true };
  }

  // ------------------------------------------------------------------------------ geometry

  win(kind: WindowKind): Win | undefined {
    return this.windows.find((w) => w.kind === kind);
  }
  isOpen(kind: WindowKind): boolean {
    return this.win(kind) !== undefined;
  }
  topWindow(): Win | undefined {
    return this.windows[this.windows.length - 1];
  }
  /** The topmost window containing the point, if any (ignores the taskbar and menus). */
  windowAt(p: Point): Win | undefined {
    for (let i = this.windows.length - 1; i >= 0; i--) {
      const w = this.windows[i] as Win;
      if (contains(w, p)) return w;
    }
    return undefined;
  }
  /** Whether the point of window `kind` is visible (not covered by a window above it). */
  visibleIn(kind: WindowKind, p: Point): boolean {
    return this.windowAt(p)?.kind === kind && p.y < this.height - TASKBAR_H;
  }
  desktopArea(): Rect {
    return { x: 0, y: 0, w: this.width, h: this.height - TASKBAR_H };
  }
  windowBounds(w: Win): Rect {
    return { x: w.x - SHADOW, y: w.y - SHADOW + 2, w: w.w + 2 * SHADOW, h: w.h + 2 * SHADOW };
  }
  titleBar(w: Win): Rect {
    return { x: w.x, y: w.y, w: w.w, h: TITLE_H };
  }
  captionButton(w: Win, i: number): Rect {
    return { x: w.x + w.w - 1 - CAPTION_W * (3 - i), y: w.y + 1, w: CAPTION_W, h: TITLE_H - 2 };
  }
  client(w: Win): Rect {
    return { x: w.x + 1, y: w.y + TITLE_H, w: w.w - 2, h: w.h - TITLE_H - 1 };
  }
  defaultWindow(kind: WindowKind): Win {
    return { ...this.winDefaults[kind] };
  }

  editorLayout(w: Win): { menuBar: Rect; text: Rect; scroll: Rect; status: Rect; cols: number; rows: number; charW: number } {
    const c = this.client(w);
    const menuBar = { x: c.x, y: c.y, w: c.w, h: EDITOR_MENU_H };
    const status = { x: c.x, y: c.y + c.h - EDITOR_STATUS_H, w: c.w, h: EDITOR_STATUS_H };
    const text = { x: c.x, y: c.y + EDITOR_MENU_H, w: c.w - EDITOR_SCROLL_W, h: c.h - EDITOR_MENU_H - EDITOR_STATUS_H };
    const scroll = { x: c.x + c.w - EDITOR_SCROLL_W, y: text.y, w: EDITOR_SCROLL_W, h: text.h };
    const cols = Math.floor((text.w - 2 * EDITOR_PAD_X) / this.charW);
    const rows = Math.floor((text.h - EDITOR_PAD_Y) / EDITOR_LINE_H);
    return { menuBar, text, scroll, status, cols, rows, charW: this.charW };
  }
  /** Screen position of a character cell in the editor (top-left of the glyph box). */
  editorCharPoint(line: number, col: number): Point | undefined {
    const w = this.win('editor');
    if (!w) return undefined;
    const L = this.editorLayout(w);
    const row = line - this.editor.topLine;
    if (row < 0 || row >= L.rows) return undefined;
    return { x: Math.round(L.text.x + EDITOR_PAD_X + col * L.charW), y: L.text.y + EDITOR_PAD_Y + row * EDITOR_LINE_H };
  }
  /** The "Ln, Col" segment of the editor's status bar. */
  editorStatusLnCol(status: Rect): Rect {
    const total = STATUS_WIDTHS.reduce((a, b) => a + b, 0);
    const x = status.x + status.w - 12 - total;
    return { x: x - 6, y: status.y, w: (STATUS_WIDTHS[0] as number) + 6, h: status.h };
  }
  editorColAt(x: number): number {
    const w = this.win('editor');
    if (!w) return 0;
    const L = this.editorLayout(w);
    return Math.max(0, Math.round((x - L.text.x - EDITOR_PAD_X) / L.charW));
  }
  menuTitleRect(index: number): Rect | undefined {
    const w = this.win('editor');
    if (!w) return undefined;
    const L = this.editorLayout(w);
    return { x: L.menuBar.x + (this.menuTitleX[index] ?? 0), y: L.menuBar.y, w: this.menuTitleW[index] ?? 0, h: EDITOR_MENU_H };
  }
  menuRect(): Rect | undefined {
    if (!this.menu) return undefined;
    const t = this.menuTitleRect(this.menu.index);
    const m = MENUS[this.menu.index];
    if (!t || !m) return undefined;
    let h = 6;
    for (const item of m.items) h += item ? MENU_ITEM_H : MENU_SEP_H;
    return { x: t.x, y: t.y + t.h, w: MENU_W, h };
  }
  menuItemRect(i: number): Rect | undefined {
    const r = this.menuRect();
    const m = this.menu ? MENUS[this.menu.index] : undefined;
    if (!r || !m) return undefined;
    let y = r.y + 3;
    for (let k = 0; k < m.items.length; k++) {
      const h = m.items[k] ? MENU_ITEM_H : MENU_SEP_H;
      if (k === i) return { x: r.x + 3, y, w: r.w - 6, h };
      y += h;
    }
    return undefined;
  }
  explorerLayout(w: Win): { tabs: Rect; addr: Rect; nav: Rect; header: Rect; list: Rect; status: Rect } {
    const c = this.client(w);
    const tabs = { x: c.x, y: c.y, w: c.w, h: EXPLORER_TABS_H };
    const addr = { x: c.x, y: c.y + EXPLORER_TABS_H, w: c.w, h: EXPLORER_ADDR_H };
    const top = addr.y + addr.h;
    const status = { x: c.x, y: c.y + c.h - EXPLORER_STATUS_H, w: c.w, h: EXPLORER_STATUS_H };
    const nav = { x: c.x, y: top, w: EXPLORER_NAV_W, h: status.y - top };
    const header = { x: c.x + EXPLORER_NAV_W, y: top, w: c.w - EXPLORER_NAV_W, h: EXPLORER_HEADER_H };
    const list = { x: header.x, y: top + EXPLORER_HEADER_H, w: header.w, h: status.y - top - EXPLORER_HEADER_H };
    return { tabs, addr, nav, header, list, status };
  }
  explorerFiles(): FileEntry[] {
    return this.explorer.location === 'shared' ? this.sharedFiles : this.documents;
  }
  explorerRowRect(i: number): Rect | undefined {
    const w = this.win('explorer');
    if (!w) return undefined;
    const L = this.explorerLayout(w);
    return { x: L.list.x + 4, y: L.list.y + 2 + i * EXPLORER_ROW_H, w: Math.min(L.list.w - 8, 640), h: EXPLORER_ROW_H };
  }
  navItems(): string[] {
    const items: string[] = [...NAV_ITEMS];
    if (this.explorer.sharedAvailable) items.push(SHARED_NAV_LABEL);
    return items;
  }
  navItemRect(label: string): Rect | undefined {
    const w = this.win('explorer');
    const i = this.navItems().indexOf(label);
    if (!w || i < 0) return undefined;
    const L = this.explorerLayout(w);
    return { x: L.nav.x + 4, y: L.nav.y + 6 + i * 24, w: L.nav.w - 8, h: 24 };
  }
  readerLayout(w: Win): { toolbar: Rect; view: Rect; scroll: Rect } {
    const c = this.client(w);
    const toolbar = { x: c.x, y: c.y, w: c.w, h: READER_TOOLBAR_H };
    const view = { x: c.x, y: c.y + READER_TOOLBAR_H, w: c.w - READER_SCROLL_W, h: c.h - READER_TOOLBAR_H };
    const scroll = { x: view.x + view.w, y: view.y, w: READER_SCROLL_W, h: view.h };
    return { toolbar, view, scroll };
  }
  readerMaxScroll(): number {
    const w = this.win('reader');
    const doc = this.reader.doc;
    if (!w || !doc) return 0;
    return Math.max(0, doc.totalH - this.readerLayout(w).view.h);
  }
  taskbarButtons(): { id: 'edge' | WindowKind; rect: Rect }[] {
    const ids: ('edge' | WindowKind)[] = ['edge', 'explorer', 'editor', 'reader'];
    const x0 = 48 + this.searchW + 48; // start, search, task view
    return ids.map((id, i) => ({ id, rect: { x: x0 + i * 48, y: this.height - TASKBAR_H, w: 48, h: TASKBAR_H } }));
  }
  taskbarButton(kind: WindowKind): Rect {
    return (this.taskbarButtons().find((b) => b.id === kind) as { rect: Rect }).rect;
  }
  startButton(): Rect {
    return { x: 0, y: this.height - TASKBAR_H, w: 48, h: TASKBAR_H };
  }
  startMenuRect(): Rect {
    const w = Math.min(640, Math.round(this.width * 0.45));
    const h = Math.min(600, Math.round((this.height - TASKBAR_H) * 0.78));
    return { x: 0, y: this.height - TASKBAR_H - h, w, h };
  }
  clockRect(): Rect {
    return { x: this.width - 5 - 44 - 86, y: this.height - TASKBAR_H, w: 86, h: TASKBAR_H };
  }
  desktopIconRect(i: number): Rect {
    return { x: 6, y: 6 + i * 96, w: 76, h: 88 };
  }
  get desktopIconCount(): number {
    return DESKTOP_ICONS.length;
  }
  caretRect(): Rect | undefined {
    const e = this.editor;
    const line = e.lines.length - 1;
    const p = this.editorCharPoint(line, (e.lines[line] ?? '').length);
    return p ? { x: p.x - 1, y: p.y, w: 3, h: EDITOR_LINE_H } : undefined;
  }

  // ------------------------------------------------------------------------------ mutations

  invalidate(r: Rect | undefined): void {
    if (!r) return;
    const x0 = Math.max(0, Math.floor(r.x)), y0 = Math.max(0, Math.floor(r.y));
    const x1 = Math.min(this.width, Math.ceil(r.x + r.w)), y1 = Math.min(this.height, Math.ceil(r.y + r.h));
    if (x1 > x0 && y1 > y0) this.markDirty({ x: x0, y: y0, w: x1 - x0, h: y1 - y0 });
  }
  invalidateAll(): void {
    this.invalidate({ x: 0, y: 0, w: this.width, h: this.height });
  }
  private invalidateWindow(kind: WindowKind): void {
    const w = this.win(kind);
    if (w) this.invalidate(this.windowBounds(w));
  }

  focusWindow(kind: WindowKind | null): void {
    const top = this.topWindow();
    if (kind && top?.kind !== kind) {
      const w = this.win(kind);
      if (w) {
        this.windows = [...this.windows.filter((x) => x !== w), w];
        this.invalidate(this.windowBounds(w));
      }
    }
    if (this.focus !== kind) {
      for (const k of [this.focus, kind]) {
        const w = k ? this.win(k) : undefined;
        if (w) this.invalidateFrame(w);
      }
      const sel = this.editor.selection;
      const p = sel ? this.editorCharPoint(sel.line, 0) : undefined;
      const ew = this.win('editor');
      if (p && ew && (this.focus === 'editor' || kind === 'editor')) this.invalidate({ ...this.editorLayout(ew).text, y: p.y, h: EDITOR_LINE_H });
      this.focus = kind;
      this.invalidateTaskbarButtons();
      this.caretChanged();
    }
  }
  /** Title bar and border: what changes when a window gains or loses the focus. */
  private invalidateFrame(w: Win): void {
    this.invalidate(this.titleBar(w));
    this.invalidate({ x: w.x, y: w.y, w: 1, h: w.h });
    this.invalidate({ x: w.x + w.w - 1, y: w.y, w: 1, h: w.h });
    this.invalidate({ x: w.x, y: w.y + w.h - 1, w: w.w, h: 1 });
  }
  private invalidateTaskbarButtons(): void {
    const b = this.taskbarButtons();
    const first = b[0] as { rect: Rect };
    const last = b[b.length - 1] as { rect: Rect };
    this.invalidate({ x: first.rect.x, y: first.rect.y, w: last.rect.x + last.rect.w - first.rect.x, h: TASKBAR_H });
  }
  moveWindow(kind: WindowKind, x: number, y: number): void {
    const w = this.win(kind);
    if (!w) return;
    x = Math.round(Math.max(-w.w + 120, Math.min(this.width - 120, x)));
    y = Math.round(Math.max(0, Math.min(this.height - TASKBAR_H - TITLE_H, y)));
    if (x === w.x && y === w.y) return;
    this.invalidate(this.windowBounds(w));
    w.x = x;
    w.y = y;
    this.invalidate(this.windowBounds(w));
  }
  openWindow(kind: WindowKind): void {
    if (!this.isOpen(kind)) {
      const w = this.defaultWindow(kind);
      this.windows.push(w);
      this.invalidate(this.windowBounds(w));
      this.invalidateTaskbarButtons();
    }
    this.focusWindow(kind);
  }
  closeWindow(kind: WindowKind): void {
    const w = this.win(kind);
    if (!w) return;
    this.invalidate(this.windowBounds(w));
    this.windows = this.windows.filter((x) => x !== w);
    if (this.hover && this.hover.kind === 'caption' && this.hover.win === kind) this.hover = null;
    if (this.focus === kind) this.focus = this.topWindow()?.kind ?? null;
    if (this.focus) this.invalidateFrame(this.win(this.focus) as Win);
    this.invalidateTaskbarButtons();
    this.caretChanged();
  }

  setMouse(x: number, y: number): void {
    this.mouse = { x, y };
    const p = this.mouse;
    let hover: Hover = null;
    const menuRect = this.menuRect();
    const m = this.menu ? MENUS[this.menu.index] : undefined;
    if (menuRect && m && contains(menuRect, p)) {
      for (let i = 0; i < m.items.length; i++) {
        const r = this.menuItemRect(i);
        if (r && m.items[i] && contains(r, p)) hover = { kind: 'menuItem', index: i };
      }
    } else if (!this.startMenuOpen && p.y < this.height - TASKBAR_H) {
      const w = this.windowAt(p);
      if (w) {
        for (let i = 0; i < 3; i++) if (contains(this.captionButton(w, i), p)) hover = { kind: 'caption', win: w.kind, button: i };
        if (!hover && w.kind === 'explorer') {
          const files = this.explorerFiles();
          for (let i = 0; i < files.length; i++) {
            const r = this.explorerRowRect(i);
            if (r && contains(r, p)) hover = { kind: 'row', index: i };
          }
        }
      }
    }
    if (JSON.stringify(hover) !== JSON.stringify(this.hover)) {
      this.invalidateHover(this.hover);
      this.hover = hover;
      this.invalidateHover(hover);
    }
  }
  private invalidateHover(h: Hover): void {
    if (!h) return;
    if (h.kind === 'caption') {
      const w = this.win(h.win);
      if (w) this.invalidate(this.captionButton(w, h.button));
    } else if (h.kind === 'menuItem') {
      this.invalidate(this.menuItemRect(h.index));
    } else {
      this.invalidate(this.explorerRowRect(h.index));
    }
  }

  // editor
  private editorChange(change: () => void): void {
    const e = this.editor;
    const w = this.win('editor');
    if (!w) {
      change();
      return;
    }
    const L = this.editorLayout(w);
    const before = { top: e.topLine, lines: e.lines.length, modified: e.modified, len: (e.lines[e.lines.length - 1] ?? '').length };
    this.invalidate(this.caretRect());
    change();
    const last = e.lines.length - 1;
    if (last >= e.topLine + L.rows) e.topLine = last - L.rows + 1;
    if (last < e.topLine) e.topLine = Math.max(0, last);
    e.caretResetAt = this.now;
    if (e.topLine !== before.top || e.lines.length !== before.lines) {
      const y = e.topLine !== before.top ? L.text.y : (this.editorCharPoint(Math.min(before.lines, e.lines.length) - 1, 0)?.y ?? L.text.y);
      this.invalidate({ x: L.text.x, y, w: L.text.w + L.scroll.w, h: L.text.y + L.text.h - y });
    } else {
      // Same line: only the characters between the old and the new end of the line changed.
      const len = (e.lines[last] ?? '').length;
      const a = this.editorCharPoint(last, Math.min(before.len, len));
      const b = this.editorCharPoint(last, Math.max(before.len, len));
      if (a && b) this.invalidate({ x: a.x - 2, y: a.y, w: b.x - a.x + 4, h: EDITOR_LINE_H });
    }
    if (e.modified !== before.modified) this.invalidate(this.titleBar(w));
    this.invalidate(this.editorStatusLnCol(L.status));
    this.invalidate(this.caretRect());
    e.caretShown = this.caretWanted(this.now);
  }
  typeChar(ch: string): void {
    this.editorChange(() => {
      const e = this.editor;
      if (ch === '\n') e.lines.push('');
      else e.lines[e.lines.length - 1] += ch;
      e.modified = true;
    });
  }
  backspace(): void {
    this.editorChange(() => {
      const e = this.editor;
      const last = e.lines.length - 1;
      const line = e.lines[last] ?? '';
      if (line.length > 0) e.lines[last] = line.slice(0, -1);
      else if (e.lines.length > 1) e.lines.pop();
      e.modified = true;
    });
  }
  clearEditor(): void {
    this.editorChange(() => {
      this.editor.lines = [''];
      this.editor.topLine = 0;
      this.editor.selection = null;
      this.editor.modified = true;
    });
    const w = this.win('editor');
    if (w) this.invalidate(this.editorLayout(w).text);
  }
  saveEditor(): void {
    if (!this.editor.modified) return;
    this.editor.modified = false;
    const w = this.win('editor');
    if (w) this.invalidate(this.titleBar(w));
  }
  setSelection(sel: { line: number; from: number; to: number } | null): void {
    const e = this.editor;
    const old = e.selection;
    if (JSON.stringify(old) === JSON.stringify(sel)) return;
    const w = this.win('editor');
    e.selection = sel;
    if (w) {
      const L = this.editorLayout(w);
      for (const s of [old, sel]) {
        const p = s ? this.editorCharPoint(s.line, 0) : undefined;
        if (p) this.invalidate({ x: L.text.x, y: p.y, w: L.text.w, h: EDITOR_LINE_H });
      }
      this.invalidate(this.editorStatusLnCol(L.status));
    }
    this.invalidate(this.caretRect());
    this.caretChanged();
  }
  selectedText(): string {
    const s = this.editor.selection;
    if (!s) return '';
    return (this.editor.lines[s.line] ?? '').slice(Math.min(s.from, s.to), Math.max(s.from, s.to));
  }
  /** A click in the editor's text area: clears the selection and puts the caret back (at the end). */
  editorClick(): void {
    this.setSelection(null);
    this.editor.caretResetAt = this.now;
    this.caretChanged();
  }
  private caretChanged(): void {
    this.editor.caretResetAt = this.now;
    this.updateCaret(this.now);
  }
  caretWanted(t: number): boolean {
    const e = this.editor;
    if (this.focus !== 'editor' || e.selection || this.menu || this.startMenuOpen) return false;
    return Math.floor((t - e.caretResetAt) / CARET_BLINK_MS) % 2 === 0;
  }
  private updateCaret(t: number): void {
    const want = this.caretWanted(t);
    if (want !== this.editor.caretShown) {
      this.editor.caretShown = want;
      this.invalidate(this.caretRect());
    }
  }

  openMenu(index: number | null): void {
    if (this.menu) {
      this.invalidate(inflate(this.menuRect() as Rect, SHADOW));
      this.invalidate(this.menuTitleRect(this.menu.index));
    }
    if (this.hover?.kind === 'menuItem') this.hover = null;
    this.menu = index === null ? null : { index };
    if (this.menu) {
      this.invalidate(inflate(this.menuRect() as Rect, SHADOW));
      this.invalidate(this.menuTitleRect(this.menu.index));
    }
    this.caretChanged();
    this.setMouse(this.mouse.x, this.mouse.y);
  }
  setStartMenu(open: boolean): void {
    if (open === this.startMenuOpen) return;
    this.startMenuOpen = open;
    this.invalidate(inflate(this.startMenuRect(), SHADOW));
    this.invalidate(this.startButton());
    this.caretChanged();
    this.setMouse(this.mouse.x, this.mouse.y);
  }
  selectIcon(i: number): void {
    if (i === this.selectedIcon) return;
    if (this.selectedIcon >= 0) this.invalidate(this.desktopIconRect(this.selectedIcon));
    this.selectedIcon = i;
    if (i >= 0) this.invalidate(this.desktopIconRect(i));
  }

  // explorer
  private invalidateExplorerBody(): void {
    const w = this.win('explorer');
    if (!w) return;
    const c = this.client(w);
    this.invalidate({ x: c.x, y: c.y + EXPLORER_TABS_H, w: c.w, h: c.h - EXPLORER_TABS_H });
  }
  setSharedAvailable(): void {
    this.explorer.sharedAvailable = true;
    const w = this.win('explorer');
    if (w) this.invalidate(this.explorerLayout(w).nav);
  }
  navigate(location: 'documents' | 'shared'): void {
    if (this.explorer.location === location) return;
    this.explorer.location = location;
    this.explorer.selected = -1;
    this.explorer.hoverRow = -1;
    if (this.hover?.kind === 'row') this.hover = null;
    this.invalidateExplorerBody();
    const w = this.win('explorer');
    if (w) this.invalidate(this.titleBar(w));
  }
  selectRow(i: number): void {
    if (this.explorer.selected === i) return;
    this.invalidate(this.explorerRowRect(this.explorer.selected));
    this.explorer.selected = i;
    this.invalidate(this.explorerRowRect(i));
    const w = this.win('explorer');
    if (w) this.invalidate(this.explorerLayout(w).status);
  }

  // reader
  openDocument(fileName: string, seed: number): void {
    this.openWindow('reader');
    const w = this.win('reader') as Win;
    const view = this.readerLayout(w).view;
    this.reader = { fileName, doc: layoutDocument(this.ctx, fileName.replace(/\.pdf$/, '').replace(/[-_]/g, ' ').replace(/\b\w/g, (c) => c.toUpperCase()), (seed ^ hashString(fileName)) >>> 0, view.w), scrollFrom: 0, scrollTo: 0, scrollStart: this.now, scrollShown: 0 };
    this.invalidate(this.windowBounds(w));
  }
  readerScrollAt(t: number): number {
    const r = this.reader;
    const k = Math.min(1, Math.max(0, (t - r.scrollStart) / READER_SCROLL_ANIM_MS));
    const ease = 1 - (1 - k) ** 3;
    return Math.round(r.scrollFrom + (r.scrollTo - r.scrollFrom) * ease);
  }
  scrollReader(dy: number): void {
    const r = this.reader;
    const current = this.readerScrollAt(this.now);
    const target = Math.max(0, Math.min(this.readerMaxScroll(), r.scrollTo + dy));
    r.scrollFrom = current;
    r.scrollTo = target;
    r.scrollStart = this.now;
  }

  /** Time-driven state (caret blink, clock, scroll animation), evaluated at each sampled frame. */
  advance(t: number): void {
    this.now = t;
    this.updateCaret(t);
    const minute = Math.floor((this.clockBaseMs + t) / 60_000);
    if (minute !== this.shownMinute) {
      this.shownMinute = minute;
      this.invalidate(this.clockRect());
    }
    const w = this.win('reader');
    if (w && this.reader.doc) {
      const s = this.readerScrollAt(t);
      if (s !== this.reader.scrollShown) {
        this.reader.scrollShown = s;
        const L = this.readerLayout(w);
        this.invalidate(L.view);
        this.invalidate(L.scroll);
        this.invalidate(L.toolbar);
      }
    }
  }

  // ------------------------------------------------------------------------------ drawing

  /** Draws everything that intersects `clip`, clipped to it. */
  render(clip: Rect): void {
    const ctx = this.ctx;
    ctx.save();
    ctx.beginPath();
    ctx.rect(clip.x, clip.y, clip.w, clip.h);
    ctx.clip();
    ctx.textBaseline = 'alphabetic';
    ctx.textAlign = 'left';
    this.clip = clip;
    this.textLog?.beginRender(clip);
    // Occlusion: nothing below the topmost window that covers the whole area is visible.
    let first = -1;
    for (let i = this.windows.length - 1; i >= 0 && first < 0; i--) {
      const w = this.windows[i] as Win;
      if (clip.x >= w.x && clip.y >= w.y && clip.x + clip.w <= w.x + w.w && clip.y + clip.h <= w.y + w.h) first = i;
    }
    if (first < 0) {
      first = 0;
      // Gradients rasterize slightly differently depending on the area filled (dithering,
      // blitter choice), so the wallpaper is drawn once and copied: identical pixels whatever
      // the clip.
      if (!this.wallpaper) {
        this.wallpaper = createCanvas(this.width, this.height);
        const real = this.ctx;
        this.ctx = this.wallpaper.getContext('2d');
        this.drawWallpaper({ x: 0, y: 0, w: this.width, h: this.height });
        this.ctx = real;
      }
      ctx.drawImage(this.wallpaper, clip.x, clip.y, clip.w, clip.h, clip.x, clip.y, clip.w, clip.h);
      for (let i = 0; i < DESKTOP_ICONS.length; i++) {
        const r = this.desktopIconRect(i);
        if (intersects(r, clip)) this.drawDesktopIcon(i, r);
      }
    }
    for (let i = first; i < this.windows.length; i++) {
      const w = this.windows[i] as Win;
      if (intersects(this.windowBounds(w), clip)) {
        this.textLog?.cover(this.windowBounds(w));
        this.drawWindow(w, clip);
      }
    }
    const menu = this.menuRect();
    if (menu && intersects(inflate(menu, SHADOW), clip)) {
      this.textLog?.cover(menu);
      this.drawMenu(menu);
    }
    if (clip.y + clip.h > this.height - TASKBAR_H) {
      this.textLog?.cover({ x: 0, y: this.height - TASKBAR_H, w: this.width, h: TASKBAR_H });
      this.drawTaskbar(clip);
    }
    if (this.startMenuOpen && intersects(inflate(this.startMenuRect(), SHADOW), clip)) {
      this.textLog?.cover(this.startMenuRect());
      this.drawStartMenu();
    }
    ctx.restore();
  }

  /** The area being drawn: text entirely outside it is skipped (fillText costs even when clipped). */
  private clip: Rect = { x: 0, y: 0, w: 0, h: 0 };
  /** With a text log: the canvas's clip rectangle now (a word cut by it is logged as partial). */
  private readonly currentClip: (() => Rect | undefined) | undefined;

  private text(s: string, x: number, y: number, color: string, font: string, align: CanvasTextAlign = 'left'): void {
    const c = this.clip;
    if (y + 8 < c.y || y - 26 > c.y + c.h) return;
    if ((align === 'left' && x > c.x + c.w) || (align === 'right' && x < c.x)) return;
    const ctx = this.ctx;
    ctx.fillStyle = color;
    ctx.font = font;
    ctx.textAlign = align;
    ctx.fillText(s, x, y);
    ctx.textAlign = 'left';
    if (this.textLog) this.logWords(s, x, y, font, align);
  }

  /** Each word of `s` drawn at (x, y) with its box, when it reaches into the area drawn. */
  private logWords(s: string, x: number, y: number, font: string, align: CanvasTextAlign): void {
    const ctx = this.ctx;
    const size = Number(/(\d+)px/.exec(font)?.[1] ?? 12);
    ctx.font = font;
    const total = ctx.measureText(s).width;
    const left = align === 'right' ? x - total : align === 'center' ? x - total / 2 : x;
    for (const match of s.matchAll(/\S+/g)) {
      const from = left + ctx.measureText(s.slice(0, match.index)).width;
      const box = { x: from, y: y - size * 0.8, w: ctx.measureText(match[0]).width, h: size * 1.05 };
      const c = this.clip;
      const inner = this.currentClip?.() ?? c;
      const shown = Math.min(box.x + box.w, inner.x + inner.w) - Math.max(box.x, inner.x);
      const partial = shown < box.w - 1 || box.y < inner.y - 2 || box.y + box.h > inner.y + inner.h + 2;
      if (shown > 0 && box.x < c.x + c.w && c.x < box.x + box.w && box.y < c.y + c.h && c.y < box.y + box.h) this.textLog!.drawn(match[0], box, partial);
    }
  }

  private drawWallpaper(clip: Rect): void {
    const ctx = this.ctx;
    const W = this.width, H = this.height;
    const g = ctx.createRadialGradient(W * 0.62, H * 0.42, 0, W * 0.62, H * 0.42, Math.max(W, H) * 0.8);
    g.addColorStop(0, '#2a8be0');
    g.addColorStop(0.25, '#0f5cab');
    g.addColorStop(0.6, '#06306a');
    g.addColorStop(1, '#020f26');
    ctx.fillStyle = g;
    ctx.fillRect(clip.x, clip.y, clip.w, clip.h);
    // Light beams fanning out from the logo.
    const cx = W * 0.6, cy = H * 0.44;
    for (let i = 0; i < 7; i++) {
      const a0 = Math.PI * (0.78 + i * 0.065), a1 = a0 + 0.025 + (i % 3) * 0.01;
      const L = W * 1.2;
      ctx.beginPath();
      ctx.moveTo(cx, cy);
      ctx.lineTo(cx + Math.cos(a0) * L, cy + Math.sin(a0) * L);
      ctx.lineTo(cx + Math.cos(a1) * L, cy + Math.sin(a1) * L);
      ctx.closePath();
      ctx.fillStyle = `rgba(120, 190, 255, ${0.05 + (i % 2) * 0.03})`;
      ctx.fill();
    }
    // The four-pane logo in perspective.
    const s = Math.min(W, H) * 0.2;
    const lx = W * 0.6, ly = H * 0.44;
    const pane = (u0: number, v0: number, u1: number, v1: number): void => {
      const skew = (u: number, v: number): [number, number] => [lx + u * s * 1.15, ly + (v - 0.5) * s * (1.3 - u * 0.45) + s * 0.05];
      const p = [skew(u0, v0), skew(u1, v0), skew(u1, v1), skew(u0, v1)];
      ctx.beginPath();
      ctx.moveTo(p[0]![0], p[0]![1]);
      for (const q of p.slice(1)) ctx.lineTo(q[0], q[1]);
      ctx.closePath();
      const lg = ctx.createLinearGradient(lx, ly - s, lx + s, ly + s);
      lg.addColorStop(0, '#bfe3ff');
      lg.addColorStop(0.5, '#5fb2f5');
      lg.addColorStop(1, '#1d78d0');
      ctx.fillStyle = lg;
      ctx.fill();
    };
    pane(0, -0.2, 0.47, 0.47);
    pane(0.53, -0.2, 1, 0.47);
    pane(0, 0.53, 0.47, 1.2);
    pane(0.53, 0.53, 1, 1.2);
  }

  private drawDesktopIcon(i: number, r: Rect): void {
    const ctx = this.ctx;
    if (i === this.selectedIcon) {
      ctx.fillStyle = 'rgba(255,255,255,0.22)';
      ctx.fillRect(r.x, r.y, r.w, r.h);
      ctx.strokeStyle = 'rgba(255,255,255,0.45)';
      ctx.lineWidth = 1;
      ctx.strokeRect(r.x + 0.5, r.y + 0.5, r.w - 1, r.h - 1);
    }
    const ix = r.x + (r.w - 40) / 2, iy = r.y + 6;
    const name = DESKTOP_ICONS[i] as string;
    if (name === 'Recycle Bin') this.iconBin(ix, iy, 40);
    else if (name === 'This PC') this.iconPc(ix, iy, 40);
    else if (name === 'Network') this.iconNetwork(ix, iy, 40);
    else if (name === 'Microsoft Edge') this.iconEdge(ix, iy, 40);
    else this.iconFolder(ix, iy, 40);
    ctx.font = `12px ${UI_FONT}`;
    ctx.textAlign = 'center';
    const words = name.split(' ');
    const lines = words.length > 1 && ctx.measureText(name).width > r.w - 4 ? [words.slice(0, -1).join(' '), words[words.length - 1] as string] : [name];
    lines.forEach((line, k) => {
      const y = r.y + 62 + k * 15;
      ctx.fillStyle = 'rgba(0,0,0,0.65)';
      ctx.fillText(line, r.x + r.w / 2 + 1, y + 1);
      ctx.fillStyle = '#ffffff';
      ctx.fillText(line, r.x + r.w / 2, y);
      if (this.textLog) this.logWords(line, r.x + r.w / 2, y, `12px ${UI_FONT}`, 'center');
    });
    ctx.textAlign = 'left';
  }

  private drawWindow(w: Win, clip: Rect): void {
    const ctx = this.ctx;
    const active = this.focus === w.kind;
    // Soft shadow: stacked translucent rectangles (deterministic, unlike a blur).
    for (let i = SHADOW; i >= 1; i--) {
      ctx.fillStyle = `rgba(0,0,0,${(0.022 * (SHADOW + 1 - i) / SHADOW).toFixed(4)})`;
      ctx.fillRect(w.x - i, w.y - i + 2, w.w + 2 * i, w.h + 2 * i);
    }
    ctx.fillStyle = active ? '#1b6fc2' : '#aaaaaa';
    ctx.fillRect(w.x, w.y, w.w, w.h);
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(w.x + 1, w.y + 1, w.w - 2, TITLE_H - 1);
    const title = this.windowTitle(w.kind);
    if (w.kind === 'editor') this.iconNotepad(w.x + 9, w.y + 8, 16);
    else if (w.kind === 'explorer') this.iconFolder(w.x + 9, w.y + 8, 16);
    else this.iconPdf(w.x + 9, w.y + 8, 16);
    ctx.save();
    ctx.beginPath();
    ctx.rect(w.x + 32, w.y, Math.max(0, w.w - 32 - CAPTION_W * 3 - 8), TITLE_H);
    ctx.clip();
    this.text(title, w.x + 34, w.y + 20, active ? '#000000' : '#999999', `12px ${UI_FONT}`);
    ctx.restore();
    for (let i = 0; i < 3; i++) this.drawCaptionButton(w, i, active);
    const c = this.client(w);
    if (!intersects(c, clip)) return;
    ctx.save();
    ctx.beginPath();
    ctx.rect(c.x, c.y, c.w, c.h);
    ctx.clip();
    if (w.kind === 'editor') this.drawEditor(w);
    else if (w.kind === 'explorer') this.drawExplorer(w);
    else this.drawReader(w, clip);
    ctx.restore();
  }

  windowTitle(kind: WindowKind): string {
    if (kind === 'editor') return `${this.editor.modified ? '*' : ''}${this.editor.fileName} - Notepad`;
    if (kind === 'explorer') return this.explorer.location === 'shared' ? 'Shared (\\\\tsclient)' : 'Documents';
    return `${this.reader.fileName} - PDF Viewer`;
  }

  private drawCaptionButton(w: Win, i: number, active: boolean): void {
    const ctx = this.ctx;
    const r = this.captionButton(w, i);
    const hovered = this.hover?.kind === 'caption' && this.hover.win === w.kind && this.hover.button === i;
    if (hovered) {
      ctx.fillStyle = i === 2 ? '#e81123' : '#e5e5e5';
      ctx.fillRect(r.x, r.y, r.w, r.h);
    }
    ctx.strokeStyle = hovered && i === 2 ? '#ffffff' : active ? '#000000' : '#999999';
    ctx.lineWidth = 1;
    const cx = Math.round(r.x + r.w / 2), cy = Math.round(r.y + r.h / 2);
    ctx.beginPath();
    if (i === 0) {
      ctx.moveTo(cx - 5, cy + 0.5);
      ctx.lineTo(cx + 5, cy + 0.5);
    } else if (i === 1) {
      ctx.rect(cx - 4.5, cy - 4.5, 9, 9);
    } else {
      ctx.moveTo(cx - 5, cy - 5);
      ctx.lineTo(cx + 5, cy + 5);
      ctx.moveTo(cx + 5, cy - 5);
      ctx.lineTo(cx - 5, cy + 5);
    }
    ctx.stroke();
  }

  private drawEditor(w: Win): void {
    const ctx = this.ctx;
    const e = this.editor;
    const L = this.editorLayout(w);
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(L.menuBar.x, L.menuBar.y, L.menuBar.w, L.menuBar.h);
    MENUS.forEach((m, i) => {
      const x = L.menuBar.x + (this.menuTitleX[i] ?? 0);
      if (this.menu?.index === i) {
        ctx.fillStyle = '#cce8ff';
        ctx.fillRect(x, L.menuBar.y, this.menuTitleW[i] ?? 0, EDITOR_MENU_H);
        ctx.strokeStyle = '#99d1ff';
        ctx.strokeRect(x + 0.5, L.menuBar.y + 0.5, (this.menuTitleW[i] ?? 0) - 1, EDITOR_MENU_H - 1);
      }
      this.text(m.title, x + 7, L.menuBar.y + 14, '#000000', `12px ${UI_FONT}`);
    });
    // Text area.
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(L.text.x, L.text.y, L.text.w, L.text.h);
    ctx.fillStyle = '#f0f0f0';
    ctx.fillRect(L.text.x, L.text.y, L.text.w + L.scroll.w, 1);
    const font = `14px ${MONO_FONT}`;
    ctx.font = font;
    for (let row = 0; row < L.rows; row++) {
      const li = e.topLine + row;
      const line = e.lines[li];
      if (line === undefined) break;
      const x = L.text.x + EDITOR_PAD_X;
      const y = L.text.y + EDITOR_PAD_Y + row * EDITOR_LINE_H;
      const s = e.selection;
      if (s && s.line === li && s.from !== s.to) {
        const a = Math.min(s.from, s.to), b = Math.min(line.length, Math.max(s.from, s.to));
        const sx = Math.round(x + a * L.charW), ex = Math.round(x + b * L.charW);
        ctx.fillStyle = this.focus === 'editor' ? ACCENT : '#cccccc';
        ctx.fillRect(sx, y, ex - sx, EDITOR_LINE_H);
        this.text(line.slice(0, a), x, y + 14, '#000000', font);
        this.text(line.slice(a, b), sx, y + 14, this.focus === 'editor' ? '#ffffff' : '#000000', font);
        this.text(line.slice(b), ex, y + 14, '#000000', font);
      } else if (line) {
        this.text(line, x, y + 14, '#000000', font);
      }
    }
    if (e.caretShown) {
      const r = this.caretRect();
      if (r) {
        ctx.fillStyle = '#000000';
        ctx.fillRect(r.x + 1, r.y + 1, 1, r.h - 2);
      }
    }
    // Scroll bar.
    ctx.fillStyle = '#f0f0f0';
    ctx.fillRect(L.scroll.x, L.scroll.y + 1, L.scroll.w, L.scroll.h - 1);
    const total = Math.max(e.lines.length, e.topLine + L.rows);
    if (total > L.rows) {
      const track = L.scroll.h - 34;
      const th = Math.max(20, Math.round((track * L.rows) / total));
      const ty = L.scroll.y + 17 + Math.round(((track - th) * e.topLine) / Math.max(1, total - L.rows));
      ctx.fillStyle = '#c1c1c1';
      ctx.fillRect(L.scroll.x + 2, ty, L.scroll.w - 4, th);
    }
    this.chevron(L.scroll.x + L.scroll.w / 2, L.scroll.y + 9, 'up', '#606060');
    this.chevron(L.scroll.x + L.scroll.w / 2, L.scroll.y + L.scroll.h - 9, 'down', '#606060');
    // Status bar.
    ctx.fillStyle = '#f0f0f0';
    ctx.fillRect(L.status.x, L.status.y, L.status.w, L.status.h);
    ctx.fillStyle = '#d7d7d7';
    ctx.fillRect(L.status.x, L.status.y, L.status.w, 1);
    const last = e.lines.length - 1;
    const ln = e.selection ? e.selection.line + 1 : last + 1;
    const col = e.selection ? Math.max(e.selection.from, e.selection.to) + 1 : (e.lines[last] ?? '').length + 1;
    const segments = [`Ln ${ln}, Col ${col}`, '100%', 'Windows (CRLF)', 'UTF-8'];
    const widths = STATUS_WIDTHS;
    let x = L.status.x + L.status.w - 12;
    for (let i = segments.length - 1; i >= 0; i--) {
      x -= widths[i] as number;
      if (x < L.status.x) break;
      ctx.fillStyle = '#d7d7d7';
      ctx.fillRect(x - 6, L.status.y + 4, 1, L.status.h - 8);
      this.text(segments[i] as string, x, L.status.y + 15, '#000000', `12px ${UI_FONT}`);
    }
  }

  private chevron(cx: number, cy: number, dir: 'up' | 'down' | 'right', color: string): void {
    const ctx = this.ctx;
    ctx.fillStyle = color;
    ctx.beginPath();
    if (dir === 'up') {
      ctx.moveTo(cx - 4, cy + 2);
      ctx.lineTo(cx + 4, cy + 2);
      ctx.lineTo(cx, cy - 2);
    } else if (dir === 'down') {
      ctx.moveTo(cx - 4, cy - 2);
      ctx.lineTo(cx + 4, cy - 2);
      ctx.lineTo(cx, cy + 2);
    } else {
      ctx.moveTo(cx - 2, cy - 4);
      ctx.lineTo(cx - 2, cy + 4);
      ctx.lineTo(cx + 2, cy);
    }
    ctx.closePath();
    ctx.fill();
  }

  private drawMenu(r: Rect): void {
    const ctx = this.ctx;
    const m = MENUS[this.menu?.index ?? 0];
    if (!m) return;
    for (let i = 4; i >= 1; i--) {
      ctx.fillStyle = `rgba(0,0,0,${(0.035 * (5 - i) / 4).toFixed(4)})`;
      ctx.fillRect(r.x - i + 2, r.y - i + 3, r.w + 2 * i, r.h + 2 * i);
    }
    ctx.fillStyle = '#f2f2f2';
    ctx.fillRect(r.x, r.y, r.w, r.h);
    ctx.strokeStyle = '#cccccc';
    ctx.lineWidth = 1;
    ctx.strokeRect(r.x + 0.5, r.y + 0.5, r.w - 1, r.h - 1);
    m.items.forEach((item, i) => {
      const ir = this.menuItemRect(i) as Rect;
      if (!item) {
        ctx.fillStyle = '#d7d7d7';
        ctx.fillRect(ir.x + 28, ir.y + 4, ir.w - 34, 1);
        return;
      }
      if (this.hover?.kind === 'menuItem' && this.hover.index === i) {
        ctx.fillStyle = '#91c9f7';
        ctx.fillRect(ir.x, ir.y, ir.w, ir.h);
      }
      this.text(item[0], ir.x + 30, ir.y + 15, '#000000', `12px ${UI_FONT}`);
      if (item[1]) this.text(item[1], ir.x + ir.w - 14, ir.y + 15, '#6d6d6d', `12px ${UI_FONT}`, 'right');
      if (item[0] === 'Status bar') this.text('✓', ir.x + 10, ir.y + 15, '#000000', `12px ${UI_FONT}`);
    });
  }

  private drawExplorer(w: Win): void {
    const ctx = this.ctx;
    const L = this.explorerLayout(w);
    const c = this.client(w);
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(c.x, c.y, c.w, c.h);
    // Ribbon tabs.
    ctx.fillStyle = '#1979ca';
    ctx.fillRect(L.tabs.x, L.tabs.y, 56, L.tabs.h);
    this.text('File', L.tabs.x + 16, L.tabs.y + 16, '#ffffff', `12px ${UI_FONT}`);
    ['Home', 'Share', 'View'].forEach((t, i) => this.text(t, L.tabs.x + 72 + i * 58, L.tabs.y + 16, '#222222', `12px ${UI_FONT}`));
    ctx.fillStyle = '#dadbdc';
    ctx.fillRect(L.tabs.x, L.tabs.y + L.tabs.h - 1, L.tabs.w, 1);
    // Address row.
    const ay = L.addr.y + 5;
    this.text('←', L.addr.x + 10, ay + 17, '#555555', `15px ${UI_FONT}`);
    this.text('→', L.addr.x + 34, ay + 17, '#bbbbbb', `15px ${UI_FONT}`);
    this.text('↑', L.addr.x + 60, ay + 17, '#555555', `15px ${UI_FONT}`);
    const searchW = Math.min(220, Math.round(L.addr.w * 0.28));
    const boxX = L.addr.x + 84, boxW = L.addr.w - 84 - searchW - 16;
    ctx.strokeStyle = '#d9d9d9';
    ctx.strokeRect(boxX + 0.5, ay + 0.5, boxW, 23);
    const shared = this.explorer.location === 'shared';
    this.iconFolder(boxX + 6, ay + 4, 16);
    this.text(shared ? '›  This PC  ›  Shared (\\\\tsclient)' : '›  This PC  ›  Documents', boxX + 28, ay + 16, '#000000', `12px ${UI_FONT}`);
    ctx.strokeRect(boxX + boxW + 10.5, ay + 0.5, searchW, 23);
    this.text(shared ? 'Search Shared' : 'Search Documents', boxX + boxW + 34, ay + 16, '#8a8a8a', `12px ${UI_FONT}`);
    this.magnifier(boxX + boxW + 22, ay + 11, '#666666');
    // Navigation pane.
    ctx.fillStyle = '#f0f0f0';
    ctx.fillRect(L.nav.x + L.nav.w - 1, L.nav.y, 1, L.nav.h);
    this.navItems().forEach((label) => {
      const r = this.navItemRect(label) as Rect;
      const current = (label === 'Documents' && !shared) || (label === SHARED_NAV_LABEL && shared);
      if (current) {
        ctx.fillStyle = '#cce8ff';
        ctx.fillRect(r.x, r.y, r.w, r.h);
      }
      const indent = label === 'Quick access' || label === 'This PC' || label === 'Network' ? 0 : 14;
      if (label === 'Quick access') this.iconStar(r.x + 6, r.y + 4, 16);
      else if (label === 'This PC') this.iconPc(r.x + 6, r.y + 4, 16);
      else if (label === 'Network') this.iconNetwork(r.x + 6, r.y + 4, 16);
      else if (label === SHARED_NAV_LABEL) this.iconDrive(r.x + 6 + indent, r.y + 4, 16);
      else this.iconFolder(r.x + 6 + indent, r.y + 4, 16);
      this.text(label, r.x + 28 + indent, r.y + 16, '#000000', `12px ${UI_FONT}`);
    });
    // Column header and rows.
    const cols = [{ t: 'Name', x: 28 }, { t: 'Date modified', x: 250 }, { t: 'Type', x: 400 }, { t: 'Size', x: 570 }];
    for (const col of cols) {
      if (col.x > L.header.w - 40) continue;
      this.text(col.t, L.header.x + col.x, L.header.y + 17, '#4c607a', `12px ${UI_FONT}`);
      if (col.x > 28) {
        ctx.fillStyle = '#e5e5e5';
        ctx.fillRect(L.header.x + col.x - 8, L.header.y + 4, 1, L.header.h - 8);
      }
    }
    const files = this.explorerFiles();
    files.forEach((f, i) => {
      const r = this.explorerRowRect(i) as Rect;
      if (i === this.explorer.selected) {
        ctx.fillStyle = '#cce8ff';
        ctx.fillRect(r.x, r.y, r.w, r.h);
        ctx.strokeStyle = '#99d1ff';
        ctx.strokeRect(r.x + 0.5, r.y + 0.5, r.w - 1, r.h - 1);
      } else if (this.hover?.kind === 'row' && this.hover.index === i) {
        ctx.fillStyle = '#e5f3ff';
        ctx.fillRect(r.x, r.y, r.w, r.h);
      }
      if (f.folder) this.iconFolder(r.x + 4, r.y + 3, 16);
      else if (f.name.endsWith('.pdf')) this.iconPdf(r.x + 4, r.y + 3, 16);
      else this.iconDoc(r.x + 4, r.y + 3, 16, f.name.endsWith('.xlsx') ? '#107c41' : f.name.endsWith('.docx') ? '#185abd' : '#7a7a7a');
      const cells = [f.name, f.date, f.type, f.folder ? '' : formatSize(f.bytes)];
      cells.forEach((cell, k) => {
        const col = cols[k] as { x: number };
        if (col.x > L.header.w - 40) return;
        this.text(cell, L.header.x + col.x - (k === 0 ? 0 : 0), r.y + 15, k === 0 ? '#000000' : '#6d6d6d', `12px ${UI_FONT}`);
      });
    });
    // Status bar.
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(L.status.x, L.status.y, L.status.w, L.status.h);
    const sel = files[this.explorer.selected];
    this.text(`${files.length} items${sel ? `    1 item selected${sel.folder ? '' : `  ${formatSize(sel.bytes)}`}` : ''}`, L.status.x + 8, L.status.y + 15, '#000000', `12px ${UI_FONT}`);
  }

  private magnifier(cx: number, cy: number, color: string): void {
    const ctx = this.ctx;
    ctx.strokeStyle = color;
    ctx.lineWidth = 1.4;
    ctx.beginPath();
    ctx.arc(cx, cy, 4.5, 0, Math.PI * 2);
    ctx.moveTo(cx - 3.3, cy + 3.3);
    ctx.lineTo(cx - 7.5, cy + 7.5);
    ctx.stroke();
    ctx.lineWidth = 1;
  }

  private drawReader(w: Win, clip: Rect): void {
    const ctx = this.ctx;
    const L = this.readerLayout(w);
    const doc = this.reader.doc;
    ctx.fillStyle = '#323639';
    ctx.fillRect(L.toolbar.x, L.toolbar.y, L.toolbar.w, L.toolbar.h);
    this.text(this.reader.fileName, L.toolbar.x + 16, L.toolbar.y + 25, '#f1f1f1', `13px ${UI_FONT}`);
    ctx.fillStyle = '#525659';
    ctx.fillRect(L.view.x, L.view.y, L.view.w, L.view.h);
    ctx.fillStyle = '#f1f1f1';
    ctx.fillRect(L.scroll.x, L.scroll.y, L.scroll.w, L.scroll.h);
    if (!doc) return;
    const scroll = this.reader.scrollShown;
    const stride = doc.pageH + READER_PAGE_GAP;
    const page = Math.min(doc.pages, Math.floor((scroll + L.view.h / 2) / stride) + 1);
    this.text(`${page} / ${doc.pages}`, L.toolbar.x + L.toolbar.w / 2, L.toolbar.y + 25, '#f1f1f1', `13px ${UI_FONT}`, 'center');
    this.text('100%', L.toolbar.x + L.toolbar.w - 60, L.toolbar.y + 25, '#f1f1f1', `13px ${UI_FONT}`);
    // Scroll thumb.
    const th = Math.max(30, Math.round((L.scroll.h * L.view.h) / doc.totalH));
    const ty = L.scroll.y + Math.round(((L.scroll.h - th) * scroll) / Math.max(1, doc.totalH - L.view.h));
    ctx.fillStyle = '#a8a8a8';
    ctx.fillRect(L.scroll.x + 2, ty, L.scroll.w - 4, th);
    // Pages.
    ctx.save();
    ctx.beginPath();
    ctx.rect(L.view.x, L.view.y, L.view.w, L.view.h);
    ctx.clip();
    const px = L.view.x + Math.round((L.view.w - doc.pageW) / 2);
    const visTop = Math.max(L.view.y, clip.y), visBottom = Math.min(L.view.y + L.view.h, clip.y + clip.h);
    const pageTop = (p: number): number => L.view.y + READER_PAGE_GAP + p * stride - scroll;
    for (let p = 0; p < doc.pages; p++) {
      const y = pageTop(p);
      if (y > visBottom || y + doc.pageH < visTop) continue;
      ctx.fillStyle = 'rgba(0,0,0,0.25)';
      ctx.fillRect(px + 2, y + 2, doc.pageW, doc.pageH);
      ctx.fillStyle = '#ffffff';
      ctx.fillRect(px, y, doc.pageW, doc.pageH);
    }
    const margin = Math.round(doc.pageW * 0.1);
    for (const item of doc.items) {
      const y = pageTop(item.page) + item.y;
      if (y < visTop - 220 || y > visBottom + 30) continue;
      const x = px + margin;
      switch (item.kind) {
        case 'h1':
          this.text(item.text, x, y, '#1f3864', `bold 22px ${UI_FONT}`);
          ctx.fillStyle = '#1f3864';
          ctx.fillRect(x, y + 10, doc.pageW - 2 * margin, 2);
          break;
        case 'h2':
          this.text(item.text, x, y, '#2f5496', `bold 15px ${UI_FONT}`);
          break;
        case 'p':
          this.text(item.text, x, y, '#222222', `13px ${SERIF_FONT}`);
          break;
        case 'footer':
          this.text(item.text, px + doc.pageW / 2, y, '#888888', `10px ${UI_FONT}`, 'center');
          break;
        case 'row': {
          const cw = (doc.pageW - 2 * margin) / item.cells.length;
          if (item.header) {
            ctx.fillStyle = '#d9e2f3';
            ctx.fillRect(x, y, doc.pageW - 2 * margin, 22);
          }
          ctx.fillStyle = '#b4c6e7';
          ctx.fillRect(x, y + 21, doc.pageW - 2 * margin, 1);
          item.cells.forEach((cell, k) => this.text(cell, x + 6 + k * cw, y + 15, '#222222', `${item.header ? 'bold ' : ''}12px ${UI_FONT}`));
          break;
        }
        case 'chart': {
          const cw = doc.pageW - 2 * margin;
          ctx.fillStyle = '#fafafa';
          ctx.fillRect(x, y, cw, item.h);
          ctx.fillStyle = '#999999';
          ctx.fillRect(x + 30, y + 10, 1, item.h - 40);
          ctx.fillRect(x + 30, y + item.h - 30, cw - 40, 1);
          const bw = (cw - 60) / item.values.length;
          const colors = ['#4472c4', '#ed7d31', '#a5a5a5', '#ffc000', '#5b9bd5', '#70ad47'];
          item.values.forEach((v, k) => {
            const bh = Math.round(v * (item.h - 50));
            ctx.fillStyle = colors[k % colors.length] as string;
            ctx.fillRect(Math.round(x + 40 + k * bw), y + item.h - 30 - bh, Math.round(bw * 0.7), bh);
          });
          this.text(item.title, x + cw / 2, y + item.h - 10, '#444444', `italic 11px ${UI_FONT}`, 'center');
          break;
        }
      }
    }
    ctx.restore();
  }

  private drawTaskbar(clip: Rect): void {
    const ctx = this.ctx;
    const y = this.height - TASKBAR_H;
    ctx.fillStyle = '#1c2530';
    ctx.fillRect(0, y, this.width, TASKBAR_H);
    // Start button.
    if (this.startMenuOpen) {
      ctx.fillStyle = '#2e3a47';
      ctx.fillRect(0, y, 48, TASKBAR_H);
    }
    ctx.fillStyle = '#ffffff';
    for (const [dx, dy] of [[0, 0], [9, 0], [0, 9], [9, 9]] as const) ctx.fillRect(15 + dx, y + 11 + dy, 8, 8);
    // Search box.
    ctx.fillStyle = '#f2f2f2';
    ctx.fillRect(48, y, this.searchW, TASKBAR_H);
    this.magnifier(70, y + 18, '#333333');
    ctx.save();
    ctx.beginPath();
    ctx.rect(48, y, this.searchW - 4, TASKBAR_H);
    ctx.clip();
    this.text('Type here to search', 88, y + 25, '#5a5a5a', `13px ${UI_FONT}`);
    ctx.restore();
    // Task view.
    const tv = 48 + this.searchW;
    ctx.strokeStyle = '#ffffff';
    ctx.strokeRect(tv + 15.5, y + 13.5, 11, 11);
    ctx.strokeRect(tv + 20.5, y + 11.5, 11, 11);
    // App buttons.
    for (const b of this.taskbarButtons()) {
      if (!intersects(b.rect, clip)) continue;
      const open = b.id !== 'edge' && this.isOpen(b.id);
      const active = b.id !== 'edge' && this.focus === b.id;
      if (active) {
        ctx.fillStyle = '#38434f';
        ctx.fillRect(b.rect.x, b.rect.y, b.rect.w, b.rect.h);
      }
      const ix = b.rect.x + 12, iy = b.rect.y + 8;
      if (b.id === 'edge') this.iconEdge(ix, iy, 24);
      else if (b.id === 'explorer') this.iconFolder(ix, iy, 24);
      else if (b.id === 'editor') this.iconNotepad(ix, iy, 24);
      else this.iconPdf(ix, iy, 24);
      if (open) {
        ctx.fillStyle = '#76b9ed';
        if (active) ctx.fillRect(b.rect.x, b.rect.y + b.rect.h - 2, b.rect.w, 2);
        else ctx.fillRect(b.rect.x + 6, b.rect.y + b.rect.h - 2, b.rect.w - 12, 2);
      }
    }
    // System tray.
    const clock = this.clockRect();
    let tx = clock.x - 24;
    this.speaker(tx, y + 20);
    tx -= 24;
    this.network(tx, y + 20);
    tx -= 24;
    this.chevron(tx + 8, y + 20, 'up', '#ffffff');
    if (intersects(clock, clip)) {
      const d = new Date(this.clockBaseMs + this.now);
      const h = d.getUTCHours();
      const time = `${(h + 11) % 12 + 1}:${String(d.getUTCMinutes()).padStart(2, '0')} ${h < 12 ? 'AM' : 'PM'}`;
      const date = `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${d.getUTCFullYear()}`;
      this.text(time, clock.x + clock.w / 2, y + 17, '#ffffff', `12px ${UI_FONT}`, 'center');
      this.text(date, clock.x + clock.w / 2, y + 33, '#ffffff', `12px ${UI_FONT}`, 'center');
    }
    // Notification centre and show-desktop sliver.
    const nx = this.width - 5 - 44;
    ctx.strokeStyle = '#ffffff';
    ctx.strokeRect(nx + 15.5, y + 13.5, 13, 11);
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(nx + 18, y + 17, 7, 1);
    ctx.fillRect(nx + 18, y + 20, 7, 1);
    ctx.fillStyle = '#5a6570';
    ctx.fillRect(this.width - 5, y, 1, TASKBAR_H);
  }

  private speaker(x: number, cy: number): void {
    const ctx = this.ctx;
    ctx.fillStyle = '#ffffff';
    ctx.beginPath();
    ctx.moveTo(x + 4, cy - 3);
    ctx.lineTo(x + 7, cy - 3);
    ctx.lineTo(x + 11, cy - 7);
    ctx.lineTo(x + 11, cy + 7);
    ctx.lineTo(x + 7, cy + 3);
    ctx.lineTo(x + 4, cy + 3);
    ctx.closePath();
    ctx.fill();
    ctx.strokeStyle = '#ffffff';
    ctx.beginPath();
    ctx.arc(x + 12, cy, 5, -0.8, 0.8);
    ctx.stroke();
  }
  private network(x: number, cy: number): void {
    const ctx = this.ctx;
    ctx.strokeStyle = '#ffffff';
    ctx.strokeRect(x + 3.5, cy - 7.5, 14, 10);
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(x + 8, cy + 3, 5, 3);
    ctx.fillRect(x + 5, cy + 6, 11, 1);
  }

  private drawStartMenu(): void {
    const ctx = this.ctx;
    const r = this.startMenuRect();
    for (let i = 5; i >= 1; i--) {
      ctx.fillStyle = `rgba(0,0,0,${(0.04 * (6 - i) / 5).toFixed(4)})`;
      ctx.fillRect(r.x, r.y - i, r.w + i, r.h + i);
    }
    ctx.fillStyle = '#1f2a36';
    ctx.fillRect(r.x, r.y, r.w, r.h);
    ctx.fillStyle = '#18212b';
    ctx.fillRect(r.x, r.y, 48, r.h);
    // Left strip: hamburger, user, documents, settings, power.
    ctx.fillStyle = '#ffffff';
    for (let k = 0; k < 3; k++) ctx.fillRect(r.x + 16, r.y + 16 + k * 5, 16, 1);
    const bottomIcons = 4;
    for (let k = 0; k < bottomIcons; k++) {
      const cy = r.y + r.h - 24 - k * 44;
      ctx.strokeStyle = '#ffffff';
      ctx.beginPath();
      ctx.arc(r.x + 24, cy, 7, 0, Math.PI * 2);
      ctx.stroke();
    }
    // App list.
    const listX = r.x + 60;
    const listW = Math.min(250, Math.round(r.w * 0.42));
    let y = r.y + 20;
    this.text('Recently added', listX, y + 8, '#ffffff', `bold 12px ${UI_FONT}`);
    y += 24;
    for (const app of START_APPS) {
      if (y > r.y + r.h - 36) break;
      const colors = ['#0078d7', '#107c10', '#5c2d91', '#d83b01', '#008272', '#0063b1'];
      ctx.fillStyle = colors[hashString(app) % colors.length] as string;
      ctx.fillRect(listX, y, 32, 32);
      ctx.fillStyle = '#ffffff';
      ctx.fillRect(listX + 11, y + 11, 10, 10);
      this.text(app, listX + 44, y + 21, '#ffffff', `13px ${UI_FONT}`);
      y += 40;
    }
    // Tiles.
    const tx0 = listX + listW + 10;
    const tileW = Math.floor((r.x + r.w - tx0 - 20) / 3) - 4;
    if (tileW > 40) {
      this.text('Productivity', tx0, r.y + 28, '#ffffff', `12px ${UI_FONT}`);
      START_TILES.forEach(([label, color], k) => {
        const tx = tx0 + (k % 3) * (tileW + 4);
        const ty = r.y + 40 + Math.floor(k / 3) * (tileW + 4);
        if (ty + tileW > r.y + r.h - 10) return;
        ctx.fillStyle = color;
        ctx.fillRect(tx, ty, tileW, tileW);
        ctx.fillStyle = 'rgba(255,255,255,0.85)';
        ctx.fillRect(tx + tileW / 2 - 10, ty + tileW / 2 - 16, 20, 20);
        ctx.save();
        ctx.beginPath();
        ctx.rect(tx, ty, tileW, tileW);
        ctx.clip();
        this.text(label, tx + 6, ty + tileW - 8, '#ffffff', `11px ${UI_FONT}`);
        ctx.restore();
      });
    }
  }

  // ------------------------------------------------------------------------------ icons

  private iconFolder(x: number, y: number, s: number): void {
    const ctx = this.ctx;
    const k = s / 16;
    ctx.fillStyle = '#dcaa3c';
    ctx.fillRect(x, y + 2 * k, 6 * k, 3 * k);
    ctx.fillStyle = '#f8d775';
    ctx.fillRect(x, y + 4 * k, 16 * k, 11 * k);
    ctx.fillStyle = '#e8b94a';
    ctx.fillRect(x, y + 4 * k, 16 * k, Math.max(1, k));
  }
  private iconDoc(x: number, y: number, s: number, band: string): void {
    const ctx = this.ctx;
    const k = s / 16;
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(x + 2 * k, y, 12 * k, 16 * k);
    ctx.strokeStyle = '#8a8a8a';
    ctx.lineWidth = 1;
    ctx.strokeRect(x + 2 * k + 0.5, y + 0.5, 12 * k - 1, 16 * k - 1);
    ctx.fillStyle = band;
    ctx.fillRect(x, y + 6 * k, 9 * k, 7 * k);
    ctx.fillStyle = '#c8c8c8';
    for (let i = 0; i < 3; i++) ctx.fillRect(x + 10 * k, y + (4 + i * 3) * k, 3 * k, Math.max(1, k * 0.8));
  }
  private iconPdf(x: number, y: number, s: number): void {
    this.iconDoc(x, y, s, '#d93025');
  }
  private iconNotepad(x: number, y: number, s: number): void {
    const ctx = this.ctx;
    const k = s / 16;
    ctx.fillStyle = '#f3f7fb';
    ctx.fillRect(x + 2 * k, y + 1 * k, 12 * k, 14 * k);
    ctx.fillStyle = '#41a5ee';
    ctx.fillRect(x + 2 * k, y + 1 * k, 12 * k, 3 * k);
    ctx.fillStyle = '#7a8a99';
    for (let i = 0; i < 4; i++) ctx.fillRect(x + 4 * k, y + (6 + i * 2.2) * k, 8 * k, Math.max(1, 0.8 * k));
  }
  private iconPc(x: number, y: number, s: number): void {
    const ctx = this.ctx;
    const k = s / 16;
    ctx.fillStyle = '#2b88d8';
    ctx.fillRect(x + k, y + 2 * k, 14 * k, 9 * k);
    ctx.fillStyle = '#9fd4ff';
    ctx.fillRect(x + 2 * k, y + 3 * k, 12 * k, 7 * k);
    ctx.fillStyle = '#5c5c5c';
    ctx.fillRect(x + 6 * k, y + 11 * k, 4 * k, 2 * k);
    ctx.fillRect(x + 4 * k, y + 13 * k, 8 * k, Math.max(1, k));
  }
  private iconDrive(x: number, y: number, s: number): void {
    const ctx = this.ctx;
    const k = s / 16;
    ctx.fillStyle = '#a0a0a0';
    ctx.fillRect(x + k, y + 5 * k, 14 * k, 7 * k);
    ctx.fillStyle = '#d6d6d6';
    ctx.fillRect(x + 2 * k, y + 6 * k, 12 * k, 4 * k);
    ctx.fillStyle = '#2b88d8';
    ctx.fillRect(x + 3 * k, y + 7 * k, 5 * k, 2 * k);
    ctx.fillStyle = '#3aa53a';
    ctx.fillRect(x + 12 * k, y + 10 * k, 2 * k, Math.max(1, k));
  }
  private iconNetwork(x: number, y: number, s: number): void {
    const ctx = this.ctx;
    const k = s / 16;
    ctx.fillStyle = '#2b88d8';
    ctx.fillRect(x + 4 * k, y + k, 8 * k, 6 * k);
    ctx.fillRect(x, y + 10 * k, 6 * k, 5 * k);
    ctx.fillRect(x + 10 * k, y + 10 * k, 6 * k, 5 * k);
    ctx.fillStyle = '#7a7a7a';
    ctx.fillRect(x + 7.5 * k, y + 7 * k, k, 2 * k);
    ctx.fillRect(x + 3 * k, y + 8.5 * k, 10 * k, k);
  }
  private iconBin(x: number, y: number, s: number): void {
    const ctx = this.ctx;
    const k = s / 16;
    ctx.fillStyle = '#d9e4ee';
    ctx.beginPath();
    ctx.moveTo(x + 3 * k, y + 3 * k);
    ctx.lineTo(x + 13 * k, y + 3 * k);
    ctx.lineTo(x + 12 * k, y + 15 * k);
    ctx.lineTo(x + 4 * k, y + 15 * k);
    ctx.closePath();
    ctx.fill();
    ctx.strokeStyle = '#8aa0b5';
    ctx.lineWidth = Math.max(1, k * 0.6);
    ctx.stroke();
    for (let i = 0; i < 3; i++) {
      ctx.beginPath();
      ctx.moveTo(x + (6 + i * 2) * k, y + 5 * k);
      ctx.lineTo(x + (6 + i * 2) * k, y + 13 * k);
      ctx.stroke();
    }
    ctx.lineWidth = 1;
  }
  private iconEdge(x: number, y: number, s: number): void {
    const ctx = this.ctx;
    const r = s / 2;
    // Solid fills only: gradients are not pixel-stable across different clips.
    ctx.fillStyle = '#1d6fd0';
    ctx.beginPath();
    ctx.arc(x + r, y + r, r * 0.95, 0, Math.PI * 2);
    ctx.fill();
    ctx.fillStyle = '#35c1f1';
    ctx.beginPath();
    ctx.arc(x + r * 0.85, y + r * 0.8, r * 0.6, 0, Math.PI * 2);
    ctx.fill();
    ctx.fillStyle = '#58d68d';
    ctx.beginPath();
    ctx.arc(x + r, y + r * 1.25, r * 0.45, 0, Math.PI * 2);
    ctx.fill();
  }
  private iconStar(x: number, y: number, s: number): void {
    const ctx = this.ctx;
    const cx = x + s / 2, cy = y + s / 2;
    ctx.fillStyle = '#2b88d8';
    ctx.beginPath();
    for (let i = 0; i < 10; i++) {
      const rad = i % 2 === 0 ? s / 2 : s / 4.5;
      const a = -Math.PI / 2 + (i * Math.PI) / 5;
      if (i === 0) ctx.moveTo(cx + rad * Math.cos(a), cy + rad * Math.sin(a));
      else ctx.lineTo(cx + rad * Math.cos(a), cy + rad * Math.sin(a));
    }
    ctx.closePath();
    ctx.fill();
  }
}
