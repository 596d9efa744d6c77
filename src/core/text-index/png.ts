import { unzlibSync } from 'fflate';

/** Pixels as RGBA bytes, row by row. */
export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8ClampedArray;
}

/** Largest side a tile may claim (a tile is a part of a screen). */
const MAX_SIDE = 8192;
const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** Channels per colour type (grey, RGB, palette, grey+alpha, RGBA). */
const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

/**
 * Decodes an 8-bit, non-interlaced PNG (what RDP tile encoders write) to RGBA without the DOM, so
 * the text index composes screens the same way in Node and in a worker. Anything else is an error.
 */
export function decodePng(bytes: Uint8Array): RgbaImage {
  if (bytes.length < 8 || SIGNATURE.some((value, i) => bytes[i] !== value)) throw new Error('not a PNG image');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let width = 0;
  let height = 0;
  let colorType = -1;
  let palette: Uint8Array | undefined;
  let transparency: Uint8Array | undefined;
  const data: Uint8Array[] = [];
  let dataLength = 0;
  for (let at = 8; at + 8 <= bytes.length; ) {
    const length = view.getUint32(at);
    const type = String.fromCharCode(bytes[at + 4]!, bytes[at + 5]!, bytes[at + 6]!, bytes[at + 7]!);
    const body = bytes.subarray(at + 8, at + 8 + length);
    if (body.length !== length) throw new Error('truncated PNG image');
    if (type === 'IHDR') {
      width = view.getUint32(at + 8);
      height = view.getUint32(at + 12);
      colorType = bytes[at + 17]!;
      if (bytes[at + 16] !== 8 || !(colorType in CHANNELS)) throw new Error(`unsupported PNG: bit depth ${bytes[at + 16]}, colour type ${colorType}`);
      if (bytes[at + 20] !== 0) throw new Error('unsupported PNG: interlaced');
      if (width < 1 || height < 1 || width > MAX_SIDE || height > MAX_SIDE) throw new Error(`PNG image of ${width}×${height} pixels`);
    } else if (type === 'PLTE') palette = body;
    else if (type === 'tRNS') transparency = body;
    else if (type === 'IDAT') {
      data.push(body);
      dataLength += length;
    } else if (type === 'IEND') break;
    at += 12 + length;
  }
  if (colorType < 0) throw new Error('PNG image without a header');
  const channels = CHANNELS[colorType]!;
  const stride = width * channels;
  const compressed = new Uint8Array(dataLength);
  let offset = 0;
  for (const chunk of data) {
    compressed.set(chunk, offset);
    offset += chunk.length;
  }
  const raw = unzlibSync(compressed, { out: new Uint8Array((stride + 1) * height) });
  if (raw.length < (stride + 1) * height) throw new Error('truncated PNG image data');
  unfilter(raw, stride, height, channels);
  const out = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    const row = y * (stride + 1) + 1;
    for (let x = 0; x < width; x++) {
      const source = row + x * channels;
      const target = (y * width + x) * 4;
      if (colorType === 6) {
        out[target] = raw[source]!;
        out[target + 1] = raw[source + 1]!;
        out[target + 2] = raw[source + 2]!;
        out[target + 3] = raw[source + 3]!;
      } else if (colorType === 2) {
        out[target] = raw[source]!;
        out[target + 1] = raw[source + 1]!;
        out[target + 2] = raw[source + 2]!;
        out[target + 3] = 255;
      } else if (colorType === 3) {
        const index = raw[source]!;
        if (!palette || index * 3 + 2 >= palette.length) throw new Error('PNG palette index out of range');
        out[target] = palette[index * 3]!;
        out[target + 1] = palette[index * 3 + 1]!;
        out[target + 2] = palette[index * 3 + 2]!;
        out[target + 3] = transparency && index < transparency.length ? transparency[index]! : 255;
      } else {
        const grey = raw[source]!;
        out[target] = out[target + 1] = out[target + 2] = grey;
        out[target + 3] = colorType === 4 ? raw[source + 1]! : 255;
      }
    }
  }
  return { width, height, data: out };
}

/** Undoes the per-row filters in place (each row starts with its filter byte). */
function unfilter(raw: Uint8Array, stride: number, height: number, bpp: number): void {
  for (let y = 0; y < height; y++) {
    const row = y * (stride + 1);
    const filter = raw[row]!;
    const previous = row - (stride + 1);
    for (let i = 1; i <= stride; i++) {
      const left = i > bpp ? raw[row + i - bpp]! : 0;
      const up = y > 0 ? raw[previous + i]! : 0;
      const upLeft = y > 0 && i > bpp ? raw[previous + i - bpp]! : 0;
      let add: number;
      switch (filter) {
        case 0: add = 0; break;
        case 1: add = left; break;
        case 2: add = up; break;
        case 3: add = (left + up) >> 1; break;
        case 4: {
          const p = left + up - upLeft;
          const pa = Math.abs(p - left);
          const pb = Math.abs(p - up);
          const pc = Math.abs(p - upLeft);
          add = pa <= pb && pa <= pc ? left : pb <= pc ? up : upLeft;
          break;
        }
        default: throw new Error(`bad PNG row filter ${filter}`);
      }
      raw[row + i] = (raw[row + i]! + add) & 0xff;
    }
  }
}
