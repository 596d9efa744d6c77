import { createCanvas } from '@napi-rs/canvas';

/** A 64-pixel-high PNG tile, `width` wide, dark text on white (or blank), for the text index's tests in Node. */
export function textTile(width: number, text?: string): Uint8Array {
  const canvas = createCanvas(width, 64);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, width, 64);
  if (text) {
    ctx.fillStyle = '#000000';
    ctx.font = '13px "Liberation Sans", "DejaVu Sans", sans-serif';
    ctx.fillText(text, 8, 36);
  }
  return new Uint8Array(canvas.toBuffer('image/png'));
}
