/**
 * The simulated user: a script of timed input (mouse, keyboard, wheel), the server's reactions
 * (clipboard, audit events) and the scene changes they cause, yielded in time order.
 *
 * The script is a generator that is only resumed after everything it yielded before has been
 * applied to the scene, so it can look at the scene (window positions, text) to decide what to
 * do next.
 */
import type { DesktopScene, Point, Rect, Win, WindowKind } from './desktop-model.js';
import { EXPLORER_ROW_H, MENUS, SHARED_NAV_LABEL, TITLE_H, contains } from './desktop-model.js';
import { Scancode, keyForChar, neighbourKeys } from './keyboard.js';
import type { Prng } from './prng.js';
import type { SessionStep } from './desktop-scene.js';

export interface ScriptEvent { atMs: number; step?: SessionStep; apply?: () => void }

type Gen = Generator<ScriptEvent, void, void>;

const SHARED_ROOT = 'C:\\Users\\alice\\Shared';

export class Actor {
  now = 0;
  private last = 0;
  x: number;
  y: number;
  private directoryId = 0;
  private sharing = false;
  private typedSentences = 0;

  constructor(
    private readonly scene: DesktopScene,
    private readonly rng: Prng,
  ) {
    this.x = scene.mouse.x;
    this.y = scene.mouse.y;
  }

  // ------------------------------------------------------------------------------ primitives

  private ev(atMs: number, step?: Extract<SessionStep, { message: unknown }>['message'] | null, apply?: () => void, from: 'client' | 'server' = 'client'): ScriptEvent {
    const t = Math.max(this.last, Math.round(atMs));
    this.last = t;
    const e: ScriptEvent = { atMs: t };
    if (step) e.step = { atMs: t, from, message: step } as SessionStep;
    if (apply) e.apply = apply;
    return e;
  }
  private audit(step: SessionStep): ScriptEvent {
    const t = Math.max(this.last, Math.round(step.atMs));
    this.last = t;
    return { atMs: t, step: { ...step, atMs: t } };
  }
  wait(ms: number): void {
    this.now += Math.round(ms);
  }

  /** Moves the mouse along a curved, eased path with a little hand jitter. */
  *moveTo(tx: number, ty: number, onMove?: (x: number, y: number) => void, speed = 1): Gen {
    const W = this.scene.width, H = this.scene.height;
    tx = Math.round(Math.max(0, Math.min(W - 1, tx)));
    ty = Math.round(Math.max(0, Math.min(H - 1, ty)));
    const x0 = this.x, y0 = this.y;
    const dx = tx - x0, dy = ty - y0;
    const dist = Math.hypot(dx, dy);
    if (dist < 1) return;
    // Fitts-like duration with some variance.
    const duration = (180 + 120 * Math.log2(1 + dist / 12)) * this.rng.range(0.8, 1.25) / speed;
    const bend = this.rng.range(-0.18, 0.18) * dist;
    const cx = x0 + dx / 2 - (dy / dist) * bend, cy = y0 + dy / 2 + (dx / dist) * bend;
    const overshoot = dist > 200 && this.rng.chance(0.25) ? this.rng.range(3, 9) : 0;
    const ex = tx + (dx / dist) * overshoot, ey = ty + (dy / dist) * overshoot;
    let t = 0;
    let lastX = x0, lastY = y0;
    const start = this.now;
    while (t < duration) {
      t += this.rng.chance(0.85) ? this.rng.range(15, 18) : this.rng.range(25, 50);
      const k = Math.min(1, t / duration);
      const s = k < 0.5 ? 4 * k * k * k : 1 - (-2 * k + 2) ** 3 / 2;
      const u = 1 - s;
      const jitter = k < 1 ? 0.7 : 0;
      let x = Math.round(u * u * x0 + 2 * u * s * cx + s * s * ex + this.rng.gauss() * jitter);
      let y = Math.round(u * u * y0 + 2 * u * s * cy + s * s * ey + this.rng.gauss() * jitter);
      x = Math.max(0, Math.min(W - 1, x));
      y = Math.max(0, Math.min(H - 1, y));
      if (x === lastX && y === lastY) continue;
      lastX = x;
      lastY = y;
      yield* this.emitMove(start + t, x, y, onMove);
    }
    if (lastX !== tx || lastY !== ty) {
      // Correct the overshoot (or the last rounding) in a couple of small steps.
      let at = start + t;
      const steps = overshoot ? 3 : 1;
      for (let i = 1; i <= steps; i++) {
        at += this.rng.range(16, 40);
        const x = Math.round(lastX + ((tx - lastX) * i) / steps), y = Math.round(lastY + ((ty - lastY) * i) / steps);
        yield* this.emitMove(at, x, y, onMove);
      }
      t = at - start;
    }
    this.now = start + t;
  }
  private *emitMove(at: number, x: number, y: number, onMove?: (x: number, y: number) => void): Gen {
    this.x = x;
    this.y = y;
    yield this.ev(at, { kind: 'mouseMove', x, y }, () => {
      this.scene.setMouse(x, y);
      onMove?.(x, y);
    });
  }

  *button(button: number, pressed: boolean, apply?: () => void): Gen {
    yield this.ev(this.now, { kind: 'mouseButton', button, pressed }, apply);
  }
  /** A click where the mouse is: press, 60–140 ms, release. */
  *click(onDown?: () => void, onUp?: () => void, button = 0): Gen {
    yield* this.button(button, true, onDown);
    this.wait(this.rng.range(60, 140));
    yield* this.button(button, false, onUp);
  }
  *clickAt(p: Point, onDown?: () => void, onUp?: () => void): Gen {
    yield* this.moveTo(p.x, p.y);
    this.wait(this.rng.range(60, 250));
    yield* this.click(onDown, onUp);
  }
  *doubleClick(onFirst?: () => void, onSecond?: () => void): Gen {
    yield* this.click(onFirst);
    this.wait(this.rng.range(70, 160));
    yield* this.click(undefined, onSecond);
  }

  /** A key press and release; `effect` is applied shortly after the press (the server's echo). */
  *key(code: number, effect?: () => void, hold = this.rng.range(45, 110)): Gen {
    const at = this.now;
    yield this.ev(at, { kind: 'keyboardButton', keyCode: code, pressed: true });
    const lag = Math.min(hold - 5, this.rng.range(8, 30));
    if (effect) yield this.ev(at + lag, null, effect);
    yield this.ev(at + hold, { kind: 'keyboardButton', keyCode: code, pressed: false });
  }
  /** A shortcut such as Ctrl+C. */
  *chord(modifier: number, code: number, effect?: () => void): Gen {
    yield this.ev(this.now, { kind: 'keyboardButton', keyCode: modifier, pressed: true });
    this.wait(this.rng.range(70, 180));
    yield* this.key(code, effect, this.rng.range(60, 120));
    this.now = this.last + this.rng.range(30, 120);
    yield this.ev(this.now, { kind: 'keyboardButton', keyCode: modifier, pressed: false });
  }

  /** Types text into the editor: press/release pairs, a char on screen per press, pauses, typos. */
  *typeText(text: string): Gen {
    let prev = '';
    for (const ch of text) {
      const k = keyForChar(ch);
      if (!k) continue;
      let gap = this.rng.logNormal(140, 0.28, 80, 250);
      if (prev === ' ') gap += this.rng.range(0, 60);
      if (prev === '.' || prev === '\n') gap += this.rng.range(350, 1400);
      else if (prev === ',' && this.rng.chance(0.5)) gap += this.rng.range(150, 500);
      this.now = Math.max(this.now + gap, this.last + 12);
      if (/[a-z]/i.test(ch) && this.rng.chance(0.025)) {
        const options = neighbourKeys(ch);
        if (options.length > 0) {
          yield* this.typeChar(this.rng.pick(options));
          this.now = Math.max(this.now + this.rng.range(180, 420), this.last + 12);
          yield* this.key(Scancode.Backspace, () => this.scene.backspace());
          this.now = Math.max(this.now + this.rng.logNormal(140, 0.25, 80, 250), this.last + 12);
        }
      }
      yield* this.typeChar(ch);
      prev = ch;
    }
  }
  private *typeChar(ch: string): Gen {
    const k = keyForChar(ch);
    if (!k) return;
    const effect = (): void => this.scene.typeChar(ch);
    if (!k.shift) {
      yield* this.key(k.code, effect, this.rng.range(40, 100));
      return;
    }
    yield this.ev(this.now, { kind: 'keyboardButton', keyCode: Scancode.LeftShift, pressed: true });
    this.wait(this.rng.range(40, 110));
    const hold = this.rng.range(40, 90);
    yield* this.key(k.code, effect, hold);
    this.now += hold + this.rng.range(15, 60);
    yield this.ev(this.now, { kind: 'keyboardButton', keyCode: Scancode.LeftShift, pressed: false });
  }

  // ------------------------------------------------------------------------------ helpers

  private point(r: Rect, fx = this.rng.range(0.3, 0.7), fy = this.rng.range(0.3, 0.7)): Point {
    return { x: Math.round(r.x + r.w * fx), y: Math.round(r.y + r.h * fy) };
  }
  private win(kind: WindowKind): Win {
    const w = this.scene.win(kind);
    if (!w) throw new Error(`window ${kind} is not open`);
    return w;
  }
  /** Brings a window to the front: its taskbar button, or a visible spot on its title bar. */
  *ensureFront(kind: WindowKind): Gen {
    if (this.scene.topWindow()?.kind === kind && this.scene.focus === kind) return;
    const w = this.win(kind);
    const spots: Point[] = [];
    for (let fx = 0.2; fx < 0.7; fx += 0.1) {
      const p = { x: Math.round(w.x + (w.w - 150) * fx + 30), y: w.y + 15 };
      if (this.scene.visibleIn(kind, p)) spots.push(p);
    }
    const target = spots.length > 0 && this.rng.chance(0.6) ? this.rng.pick(spots) : this.point(this.scene.taskbarButton(kind), 0.5, 0.5);
    yield* this.moveTo(target.x, target.y);
    this.wait(this.rng.range(80, 260));
    yield* this.click(() => this.scene.focusWindow(kind));
    this.wait(this.rng.range(150, 400));
  }
  /** Clicks the end of the text so the caret is there (and any selection goes). */
  *focusEditorText(): Gen {
    yield* this.ensureFront('editor');
    const e = this.scene.editor;
    const last = e.lines.length - 1;
    const p = this.scene.editorCharPoint(last, (e.lines[last] ?? '').length);
    const L = this.scene.editorLayout(this.win('editor'));
    const target = p ? { x: Math.min(L.text.x + L.text.w - 20, p.x + this.rng.int(20, 120)), y: p.y + 9 } : this.point(L.text);
    yield* this.moveTo(target.x, target.y);
    this.wait(this.rng.range(80, 200));
    yield* this.click(() => {
      this.scene.focusWindow('editor');
      this.scene.editorClick();
    });
    this.wait(this.rng.range(200, 500));
  }
  /** Moves the pointer somewhere out of the way, as people do before reading or typing. */
  *parkMouse(): Gen {
    const W = this.scene.width, H = this.scene.height;
    const p = this.rng.chance(0.5) ? { x: this.x + this.rng.int(-160, 160), y: this.y + this.rng.int(60, 200) } : { x: this.rng.int(Math.round(W * 0.1), Math.round(W * 0.9)), y: this.rng.int(Math.round(H * 0.2), Math.round(H * 0.85)) };
    yield* this.moveTo(p.x, Math.min(H - 60, p.y));
  }

  // ------------------------------------------------------------------------------ activities

  *startSharing(): Gen {
    if (this.sharing) return;
    this.sharing = true;
    this.directoryId = this.rng.int(1, 3);
    yield this.audit({ atMs: this.now, audit: 'sharedDirectoryStart', directoryId: this.directoryId, name: 'Shared' });
    this.wait(this.rng.range(250, 600));
    yield this.ev(this.now, null, () => this.scene.setSharedAvailable(), 'server');
  }

  *typeNotes(sentences: number): Gen {
    yield* this.focusEditorText();
    if (this.scene.editor.lines.length > 60 && this.rng.chance(0.5)) {
      // Start a fresh note: Ctrl+A, Delete.
      yield* this.chord(Scancode.LeftCtrl, Scancode.A);
      this.wait(this.rng.range(200, 500));
      yield* this.key(Scancode.Delete, () => this.scene.clearEditor());
      this.wait(this.rng.range(400, 900));
    }
    const w = this.scene.win('editor');
    const cols = w ? this.scene.editorLayout(w).cols : 60;
    let col = (this.scene.editor.lines[this.scene.editor.lines.length - 1] ?? '').length;
    let text = '';
    for (let i = 0; i < sentences; i++) {
      const s = makeSentence(this.rng, this.typedSentences++);
      const bullet = col === 0 && this.rng.chance(0.5);
      const parts = (bullet ? `- ${s}` : col > 0 ? ` ${s}` : s).split(/(?= )/);
      for (const part of parts) {
        if (col + part.length > cols - 2 && col > 0) {
          text += '\n';
          col = 0;
          const word = part.trimStart();
          text += word;
          col += word.length;
        } else {
          text += part;
          col += part.length;
        }
      }
      if (this.rng.chance(0.45)) {
        text += '\n';
        col = 0;
      }
    }
    yield* this.typeText(text);
    if (this.rng.chance(0.35)) {
      this.wait(this.rng.range(400, 1200));
      yield* this.chord(Scancode.LeftCtrl, Scancode.S, () => this.scene.saveEditor());
    }
  }

  *dragWindow(kind: WindowKind): Gen {
    yield* this.ensureFront(kind);
    const w = this.win(kind);
    const grab = { x: Math.round(w.x + this.rng.range(60, Math.max(80, w.w - 200))), y: w.y + this.rng.int(8, TITLE_H - 8) };
    yield* this.moveTo(grab.x, grab.y);
    this.wait(this.rng.range(100, 300));
    const offX = grab.x - w.x, offY = grab.y - w.y;
    yield* this.button(0, true, () => this.scene.focusWindow(kind));
    this.wait(this.rng.range(80, 200));
    const area = this.scene.desktopArea();
    const nx = this.rng.int(0, Math.max(0, area.w - w.w)), ny = this.rng.int(0, Math.max(0, area.h - w.h));
    yield* this.moveTo(nx + offX, ny + offY, (x, y) => this.scene.moveWindow(kind, x - offX, y - offY), 0.8);
    this.wait(this.rng.range(60, 200));
    yield* this.button(0, false);
    this.wait(this.rng.range(300, 800));
  }

  *useMenu(): Gen {
    yield* this.ensureFront('editor');
    const index = this.rng.weighted([[0, 4], [1, 3], [2, 1], [3, 1], [4, 1]] as const);
    const title = this.scene.menuTitleRect(index) as Rect;
    yield* this.moveTo(...xy(this.point(title)));
    this.wait(this.rng.range(100, 300));
    yield* this.click(() => this.scene.openMenu(index));
    this.wait(this.rng.range(300, 700));
    // Browse a few items.
    const items = (MENUS[index] as { items: unknown[] }).items;
    const real = items.map((it, i) => (it ? i : -1)).filter((i) => i >= 0);
    let at = 0;
    for (let k = 0; k < this.rng.int(1, 4); k++) {
      at = Math.min(real.length - 1, at + this.rng.int(0, 3));
      const r = this.scene.menuItemRect(real[at] as number);
      if (!r) break;
      yield* this.moveTo(...xy(this.point(r, this.rng.range(0.15, 0.6), 0.5)), undefined, 1.4);
      this.wait(this.rng.range(200, 900));
    }
    this.wait(this.rng.range(200, 600));
    if (this.rng.chance(0.5)) {
      yield* this.key(Scancode.Escape, () => this.scene.openMenu(null));
    } else {
      // Click the menu title again to close it.
      yield* this.moveTo(...xy(this.point(title)));
      this.wait(this.rng.range(80, 200));
      yield* this.click(() => this.scene.openMenu(null));
    }
    this.wait(this.rng.range(300, 700));
  }

  *useStartMenu(): Gen {
    yield* this.clickAt(this.point(this.scene.startButton(), 0.5, 0.5), () => this.scene.setStartMenu(true));
    this.wait(this.rng.range(600, 1600));
    const r = this.scene.startMenuRect();
    yield* this.moveTo(r.x + this.rng.int(80, Math.min(280, r.w - 20)), r.y + this.rng.int(60, r.h - 60));
    this.wait(this.rng.range(400, 1500));
    if (this.rng.chance(0.5)) {
      yield* this.key(Scancode.Escape, () => this.scene.setStartMenu(false));
    } else {
      yield* this.clickAt(this.point(this.scene.startButton(), 0.5, 0.5), () => this.scene.setStartMenu(false));
    }
    this.wait(this.rng.range(300, 800));
  }

  /** Opens a file of the shared directory from Explorer: the client reads it, the viewer shows it. */
  *openSharedFile(name?: string): Gen {
    if (!this.sharing) yield* this.startSharing();
    if (!this.scene.isOpen('explorer')) return;
    yield* this.ensureFront('explorer');
    if (this.scene.explorer.location !== 'shared') {
      const nav = this.scene.navItemRect(SHARED_NAV_LABEL) as Rect;
      yield* this.clickAt(this.point(nav, this.rng.range(0.2, 0.5), 0.5), undefined, () => this.scene.navigate('shared'));
      this.wait(this.rng.range(500, 1200));
    }
    const files = this.scene.sharedFiles;
    const pdfs = files.map((f, i) => (f.folder ? -1 : i)).filter((i) => i >= 0);
    const index = name ? files.findIndex((f) => f.name === name) : (this.rng.pick(pdfs) as number);
    const file = files[index];
    const row = this.scene.explorerRowRect(index);
    if (!file || !row) return;
    yield* this.moveTo(row.x + this.rng.int(30, 120), row.y + Math.round(EXPLORER_ROW_H / 2) + this.rng.int(-3, 3));
    this.wait(this.rng.range(150, 500));
    if (this.rng.chance(0.4)) {
      yield* this.click(() => this.scene.selectRow(index));
      this.wait(this.rng.range(400, 1200));
    }
    yield* this.doubleClick(() => this.scene.selectRow(index));
    // The viewer reads the file from the shared directory in chunks.
    let offset = 0;
    let t = this.now + this.rng.range(60, 200);
    const path = `${SHARED_ROOT}\\${file.name}`;
    while (offset < file.bytes) {
      const length = offset === 0 ? Math.min(4096, file.bytes) : Math.min(65_536, file.bytes - offset);
      yield this.audit({ atMs: t, audit: 'sharedDirectoryRead', directoryId: this.directoryId, name: 'Shared', path, offset, length });
      offset += length;
      t += this.rng.range(4, 25);
    }
    this.now = Math.max(this.now, t) + this.rng.range(150, 500);
    yield this.ev(this.now, null, () => this.scene.openDocument(file.name, this.rng.nextUint32()), 'server');
    this.wait(this.rng.range(600, 1500));
  }

  *scrollDocument(): Gen {
    if (!this.scene.isOpen('reader')) {
      yield* this.openSharedFile();
      if (!this.scene.isOpen('reader')) return;
    }
    yield* this.ensureFront('reader');
    const view = this.scene.readerLayout(this.win('reader')).view;
    yield* this.moveTo(...xy(this.point(view, this.rng.range(0.3, 0.7), this.rng.range(0.35, 0.75))));
    const bursts = this.rng.int(3, 6);
    for (let b = 0; b < bursts; b++) {
      const up = b > 1 && this.rng.chance(0.2);
      const notches = this.rng.int(1, up ? 3 : 6);
      for (let n = 0; n < notches; n++) {
        const dir = up ? 1 : -1;
        yield this.ev(this.now, { kind: 'mouseWheel', axis: 0, delta: 100 * dir }, () => this.scene.scrollReader(-100 * dir));
        this.wait(this.rng.range(30, 110));
      }
      this.wait(this.rng.logNormal(1800, 0.5, 500, 6000));
    }
  }

  *closeReader(): Gen {
    if (!this.scene.isOpen('reader')) return;
    yield* this.ensureFront('reader');
    const close = this.scene.captionButton(this.win('reader'), 2);
    yield* this.clickAt(this.point(close, 0.5, 0.5), undefined, () => this.scene.closeWindow('reader'));
    this.wait(this.rng.range(300, 800));
  }

  /** Selects a line of the editor by dragging over it, copies it (Ctrl+C); the server sends the text. */
  *copyText(): Gen {
    yield* this.ensureFront('editor');
    const e = this.scene.editor;
    const candidates: number[] = [];
    for (let i = e.topLine; i < e.lines.length; i++) {
      if ((e.lines[i] ?? '').trim().length >= 12 && this.scene.editorCharPoint(i, 0)) candidates.push(i);
    }
    if (candidates.length === 0) return;
    const line = this.rng.pick(candidates);
    const text = e.lines[line] ?? '';
    const from = text.startsWith('- ') ? 2 : 0;
    const start = this.scene.editorCharPoint(line, from) as Point;
    const end = this.scene.editorCharPoint(line, text.length) as Point;
    yield* this.moveTo(start.x + 1, start.y + 9);
    this.wait(this.rng.range(150, 400));
    yield* this.button(0, true, () => {
      this.scene.focusWindow('editor');
      this.scene.setSelection({ line, from, to: from });
    });
    const onMove = (x: number): void => {
      const col = Math.max(from, Math.min(text.length, this.scene.editorColAt(x)));
      this.scene.setSelection({ line, from, to: col });
    };
    yield* this.moveTo(end.x + this.rng.int(2, 30), end.y + 9 + this.rng.int(-3, 3), onMove, 0.7);
    this.wait(this.rng.range(80, 250));
    yield* this.button(0, false, () => this.scene.setSelection({ line, from, to: text.length }));
    this.wait(this.rng.range(400, 1000));
    const copied = text.slice(from);
    yield* this.chord(Scancode.LeftCtrl, Scancode.C);
    // The desktop announces the new clipboard content to the client.
    this.wait(this.rng.range(40, 160));
    yield this.ev(this.now, { kind: 'clipboardData', data: new TextEncoder().encode(copied) }, undefined, 'server');
    this.wait(this.rng.range(500, 1500));
  }

  /** Text copied on the user's own machine: the client sends it, then Ctrl+V pastes it. */
  *pasteFromClient(): Gen {
    const snippets = ['https://wiki.example.com/q3-planning', 'INC-4821', 'Room 4B, 2:30 PM', 'alice@example.com', 'see ticket OPS-1193'];
    const text = this.rng.pick(snippets);
    yield* this.focusEditorText();
    yield this.ev(this.now, { kind: 'clipboardData', data: new TextEncoder().encode(text) });
    this.wait(this.rng.range(300, 900));
    yield* this.typeText(this.scene.editor.lines[this.scene.editor.lines.length - 1] ? ' ' : '');
    this.wait(this.rng.range(100, 250));
    yield* this.chord(Scancode.LeftCtrl, Scancode.V, () => {
      for (const ch of text) this.scene.typeChar(ch);
    });
    this.wait(this.rng.range(300, 800));
  }

  *wander(): Gen {
    const n = this.rng.int(1, 3);
    for (let i = 0; i < n; i++) {
      if (this.rng.chance(0.4)) {
        // Click a desktop icon (selects it and deactivates the windows), if it is not covered.
        const k = this.rng.int(0, this.scene.desktopIconCount - 1);
        const r = this.scene.desktopIconRect(k);
        const p = this.point(r, 0.5, 0.35);
        if (!this.scene.windowAt(p)) {
          yield* this.clickAt(p, () => {
            this.scene.focusWindow(null);
            this.scene.selectIcon(k);
          });
          this.wait(this.rng.range(500, 1500));
          continue;
        }
      }
      yield* this.parkMouse();
      this.wait(this.rng.range(300, 1500));
    }
  }

  /** Nothing but the caret blinking (and maybe the clock). */
  *idle(ms: number): Gen {
    if (this.scene.focus !== 'editor' || this.scene.editor.selection) yield* this.focusEditorText();
    if (contains(this.scene.win('editor') ?? { x: 0, y: 0, w: 0, h: 0 }, { x: this.x, y: this.y }) && this.rng.chance(0.7)) yield* this.parkMouse();
    this.wait(ms);
  }

  // ------------------------------------------------------------------------------ session

  /** The whole session: an opening sequence that shows every kind of activity, then a varied loop. */
  *session(): Gen {
    const r = this.rng;
    this.wait(r.range(700, 1400));
    yield* this.moveTo(this.x + r.int(-80, 80), this.y + r.int(-60, 60));
    this.wait(r.range(300, 800));
    yield* this.startSharing();
    this.wait(r.range(300, 800));
    yield* this.typeNotes(1);
    this.wait(r.range(600, 1500));
    yield* this.dragWindow('explorer');
    yield* this.openSharedFile('report.pdf');
    yield* this.scrollDocument();
    yield* this.useMenu();
    yield* this.copyText();
    yield* this.idle(r.range(22_000, 32_000));
    for (;;) {
      const activity = r.weighted([
        ['type', 8], ['drag', 3], ['menu', 2], ['start', 1], ['open', 2], ['scroll', 3], ['close', 1],
        ['copy', 2], ['paste', 1], ['wander', 3], ['idle', 3], ['longIdle', 1],
      ] as const);
      switch (activity) {
        case 'type': yield* this.typeNotes(r.int(1, 4)); break;
        case 'drag': yield* this.dragWindow(r.pick(this.scene.windows.map((w) => w.kind))); break;
        case 'menu': yield* this.useMenu(); break;
        case 'start': yield* this.useStartMenu(); break;
        case 'open': yield* this.openSharedFile(); break;
        case 'scroll': yield* this.scrollDocument(); break;
        case 'close': yield* this.closeReader(); break;
        case 'copy': yield* this.copyText(); break;
        case 'paste': yield* this.pasteFromClient(); break;
        case 'wander': yield* this.wander(); break;
        case 'idle': yield* this.idle(r.logNormal(6000, 0.6, 2000, 20_000)); break;
        case 'longIdle': yield* this.idle(r.range(25_000, 150_000)); break;
      }
      this.wait(r.logNormal(900, 0.6, 200, 5000));
    }
  }
}

function xy(p: Point): [number, number] {
  return [p.x, p.y];
}

const NAMES = ['Priya', 'Marcus', 'Chen', 'Olivia', 'Tomas', 'Aisha', 'Ben', 'Sofia', 'Daniel'];
const THINGS = ['budget', 'onboarding plan', 'Q3 forecast', 'vendor contract', 'release checklist', 'hiring plan', 'audit findings', 'access review', 'roadmap', 'support backlog'];
const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'end of week', 'the 15th', 'next sprint'];
const TEAMS = ['finance', 'security', 'platform', 'support', 'legal', 'design'];
const DOCS = ['slides', 'spreadsheet', 'draft', 'summary', 'report.pdf', 'runbook'];
const ADJ = ['better than expected', 'a bit low', 'solid', 'inconsistent', 'on track', 'behind schedule'];
const TEMPLATES = [
  'Follow up with {name} about the {thing} before {day}.',
  'The {thing} numbers look {adj} compared to last quarter.',
  '{name} will send the updated {doc} by {day}.',
  'Need to double-check the {thing} section in the {doc}.',
  'Action item: review the {thing} and share it with {team}.',
  'Ask {team} whether the {thing} needs sign-off.',
  'Moved the {thing} discussion to {day}, {name} to lead.',
  'Open question: who owns the {thing} after the reorg?',
  'Figures in the {doc} were {adj}; {name} is checking why.',
  'Book a room for the {thing} workshop on {day}.',
];

function makeSentence(rng: Prng, n: number): string {
  if (n > 0 && n % 9 === 0) return `Notes ${rng.int(1, 12)}/${rng.int(1, 28)}: ${rng.pick(THINGS)}`;
  return rng.pick(TEMPLATES).replace(/\{(\w+)\}/g, (_, slot: string) => {
    switch (slot) {
      case 'name': return rng.pick(NAMES);
      case 'thing': return rng.pick(THINGS);
      case 'day': return rng.pick(DAYS);
      case 'team': return rng.pick(TEAMS);
      case 'doc': return rng.pick(DOCS);
      default: return rng.pick(ADJ);
    }
  });
}
