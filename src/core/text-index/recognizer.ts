import { zlibSync } from 'fflate';
import { crc32 } from '../../format/fflate-inflater.js';
import type { Box } from './pixel-screen.js';
import type { RgbaImage } from './png.js';

/** A word an engine read, in screen pixels. */
export interface RecognizedWord {
  text: string;
  box: Box;
  /** 0–100. */
  confidence: number;
  /** Words of one region read on the same line share it. */
  line: number;
}

/** Reads the words in one region of a screen. */
export interface TextRecognizer {
  /** Names the engine and its language data in the index. */
  readonly engine: string;
  recognize(screen: RgbaImage, region: Box): Promise<RecognizedWord[]>;
}

/** The part of a tesseract.js worker the recognizer uses (kept structural: core imports no engine). */
export interface TesseractWorkerLike {
  recognize(image: Uint8Array, options: object, output: { blocks: true; text: false }): Promise<{ data: { blocks: TesseractBlock[] | null } }>;
}
interface TesseractBlock {
  paragraphs: Array<{ lines: Array<{ words: Array<{ text: string; confidence: number; bbox: { x0: number; y0: number; x1: number; y1: number } }> }> }>;
}

/** Screen text is small (9–13 px); the engine reads it best at twice that (3× loses light text on dark backgrounds). */
const SCALE = 2;
/** Below this the engine is mostly guessing (icons, rulers, textures read as letters). */
const MIN_CONFIDENCE = 70;

/** tesseract.js behind the TextRecognizer interface: each region is upscaled, greyed and handed over as a PNG. */
export function tesseractRecognizer(worker: TesseractWorkerLike, engine: string): TextRecognizer {
  return {
    engine,
    async recognize(screen, region) {
      const image = regionImage(screen, region, SCALE);
      const { data } = await worker.recognize(image, {}, { blocks: true, text: false });
      const words: RecognizedWord[] = [];
      let line = 0;
      for (const block of data.blocks ?? []) {
        for (const paragraph of block.paragraphs) {
          for (const { words: lineWords } of paragraph.lines) {
            for (const word of lineWords) {
              const text = word.text.trim();
              if (!text || word.confidence < MIN_CONFIDENCE || !/[\p{L}\p{N}]/u.test(text)) continue;
              const x = region.x + Math.floor(word.bbox.x0 / SCALE);
              const y = region.y + Math.floor(word.bbox.y0 / SCALE);
              words.push({
                text,
                box: { x, y, width: Math.max(1, region.x + Math.ceil(word.bbox.x1 / SCALE) - x), height: Math.max(1, region.y + Math.ceil(word.bbox.y1 / SCALE) - y) },
                confidence: Math.round(word.confidence),
                line,
              });
            }
            line += 1;
          }
        }
      }
      return words;
    },
  };
}

/**
 * `region` of the screen, `scale` times larger (bilinear), in grey, as a PNG file (the engine's BMP
 * path copies the image property by property), written without the DOM.
 */
export function regionImage(screen: RgbaImage, region: Box, scale: number): Uint8Array {
  const width = region.width * scale;
  const height = region.height * scale;
  const grey = new Float32Array(region.width * region.height);
  for (let y = 0; y < region.height; y++) {
    for (let x = 0; x < region.width; x++) {
      const at = ((region.y + y) * screen.width + region.x + x) * 4;
      grey[y * region.width + x] = 0.299 * screen.data[at]! + 0.587 * screen.data[at + 1]! + 0.114 * screen.data[at + 2]!;
    }
  }
  // Each row: filter byte 0, then one grey byte per pixel.
  const raw = new Uint8Array((width + 1) * height);
  for (let y = 0; y < height; y++) {
    const sy = Math.min(region.height - 1, Math.max(0, (y + 0.5) / scale - 0.5));
    const y0 = Math.floor(sy);
    const y1 = Math.min(region.height - 1, y0 + 1);
    const fy = sy - y0;
    const row = y * (width + 1) + 1;
    for (let x = 0; x < width; x++) {
      const sx = Math.min(region.width - 1, Math.max(0, (x + 0.5) / scale - 0.5));
      const x0 = Math.floor(sx);
      const x1 = Math.min(region.width - 1, x0 + 1);
      const fx = sx - x0;
      const top = grey[y0 * region.width + x0]! * (1 - fx) + grey[y0 * region.width + x1]! * fx;
      const bottom = grey[y1 * region.width + x0]! * (1 - fx) + grey[y1 * region.width + x1]! * fx;
      raw[row + x] = Math.round(top * (1 - fy) + bottom * fy);
    }
  }
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  header[8] = 8; // bit depth; colour type 0 (grey), deflate, no filter method, no interlace follow as zeros
  const chunks = [chunk('IHDR', header), chunk('IDAT', zlibSync(raw, { level: 1 })), chunk('IEND', new Uint8Array(0))];
  const file = new Uint8Array(8 + chunks.reduce((sum, c) => sum + c.length, 0));
  file.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  let at = 8;
  for (const c of chunks) {
    file.set(c, at);
    at += c.length;
  }
  return file;
}

function chunk(type: string, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + body.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, body.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(body, 8);
  view.setUint32(8 + body.length, crc32(out.subarray(4, 8 + body.length)));
  return out;
}
