import type { Rect } from './desktop-model.js';

/** A word the scene drew, where, and for how long it stayed on the screen (end exclusive). */
export interface DrawnWord {
  text: string;
  box: Rect;
  fromMs: number;
  toMs: number;
  /** Cut by a clip (a narrow column, a title bar): only a part of it shows. */
  partial?: boolean;
}

/**
 * The sample generator's own record of the text on the screen: every word it drew, its box, and
 * when it was painted over (a later render of an area that overlaps it, or a window, menu or
 * taskbar drawn above it in the same render). Quality tests of the text index compare against it.
 */
export class ScreenTextLog {
  private visible: DrawnWord[] = [];
  /** Painted over by the current render: they go on if the render draws them again, unchanged. */
  private pending: DrawnWord[] = [];
  private clip: Rect = { x: 0, y: 0, w: 0, h: 0 };
  private readonly done: DrawnWord[] = [];
  /** The time of the frame being rendered. */
  frameMs = 0;

  /** A render of `clip` starts: what showed there is painted over (unless drawn again). */
  beginRender(clip: Rect): void {
    this.flushPending();
    this.clip = clip;
    this.pending = this.visible.filter((word) => overlaps(word.box, clip));
    this.visible = this.visible.filter((word) => !overlaps(word.box, clip));
  }

  /** A layer is drawn over `area`: what showed or was drawn below it there is hidden. */
  cover(layer: Rect): void {
    // A render paints inside its clip only.
    const x = Math.max(layer.x, this.clip.x);
    const y = Math.max(layer.y, this.clip.y);
    const area = { x, y, w: Math.min(layer.x + layer.w, this.clip.x + this.clip.w) - x, h: Math.min(layer.y + layer.h, this.clip.y + this.clip.h) - y };
    if (area.w <= 0 || area.h <= 0) return;
    const kept: DrawnWord[] = [];
    for (const word of this.visible) {
      if (!overlaps(word.box, area)) kept.push(word);
      else if (covers(area, word.box)) this.done.push({ ...word, toMs: this.frameMs });
      else {
        // Partly covered from now on: what showed whole until now ends, the rest goes on as a part.
        if (!word.partial && word.fromMs < this.frameMs) this.done.push({ ...word, toMs: this.frameMs });
        kept.push({ ...word, fromMs: word.partial ? word.fromMs : this.frameMs, partial: true });
      }
    }
    this.visible = kept;
  }

  /** A word was drawn (in part or whole) in the render's area. */
  drawn(text: string, box: Rect, partial: boolean): void {
    const same = this.pending.findIndex((word) => word.text === text && Math.abs(word.box.x - box.x) < 0.5 && Math.abs(word.box.y - box.y) < 0.5);
    if (same >= 0) this.visible.push(this.pending.splice(same, 1)[0]!);
    else this.visible.push({ text, box, fromMs: this.frameMs, toMs: Infinity, ...(partial && { partial }) });
  }

  /** Every word, with those still showing ending at `endMs`. */
  words(endMs: number): DrawnWord[] {
    this.flushPending();
    return [...this.done, ...this.visible.map((word) => ({ ...word, toMs: endMs }))].filter((word) => word.toMs > word.fromMs).sort((a, b) => a.fromMs - b.fromMs);
  }

  private flushPending(): void {
    for (const word of this.pending) this.done.push({ ...word, toMs: this.frameMs });
    this.pending = [];
  }
}

function covers(outer: Rect, inner: Rect): boolean {
  return inner.x >= outer.x && inner.y >= outer.y && inner.x + inner.w <= outer.x + outer.w && inner.y + inner.h <= outer.y + outer.h;
}

function overlaps(a: Rect, b: Rect): boolean {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

/** The clip rectangle of `ctx` as its `save`/`restore`/`rect`/`clip` calls make it (rectangular clips only). */
export function trackClip(ctx: { save(): void; restore(): void; rect(x: number, y: number, w: number, h: number): void; clip(...args: never[]): void }): () => Rect | undefined {
  const stack: Array<Rect | undefined> = [];
  let current: Rect | undefined;
  let last: Rect | undefined;
  const { save, restore, rect, clip } = { save: ctx.save.bind(ctx), restore: ctx.restore.bind(ctx), rect: ctx.rect.bind(ctx), clip: ctx.clip.bind(ctx) };
  ctx.save = () => {
    stack.push(current);
    save();
  };
  ctx.restore = () => {
    current = stack.pop();
    restore();
  };
  ctx.rect = (x, y, w, h) => {
    last = { x, y, w, h };
    rect(x, y, w, h);
  };
  ctx.clip = (...args) => {
    if (last) current = current ? intersection(current, last) : last;
    clip(...args);
  };
  return () => current;
}

function intersection(a: Rect, b: Rect): Rect {
  const x = Math.max(a.x, b.x);
  const y = Math.max(a.y, b.y);
  return { x, y, w: Math.max(0, Math.min(a.x + a.w, b.x + b.w) - x), h: Math.max(0, Math.min(a.y + a.h, b.y + b.h) - y) };
}
