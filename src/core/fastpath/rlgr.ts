// RLGR1 / RLGR3 entropy decoding of one RemoteFX tile component (MS-RDPRFX 3.1.8.1.7).
// Bits are read MSB first; reads past the end of the data see zero bits, and coefficients the
// data does not reach stay zero (a valid stream always fills the tile exactly).

/** Entropy algorithm ids of TS_RFX_CONTEXT / TS_RFX_TILESET `et`. */
export const RlgrMode = { Rlgr1: 1, Rlgr3: 4 } as const;
export type RlgrMode = (typeof RlgrMode)[keyof typeof RlgrMode];

const KP_MAX = 80;
const LS_GR = 3;
const UP_GR = 4;
const DN_GR = 6;
const UQ_GR = 3;
const DQ_GR = 3;

/** The 32 bits starting at bit `bit` of `data[0..end)`, MSB first, zeros past `end`. */
function peek32(data: Uint8Array, end: number, bit: number): number {
  const at = bit >>> 3;
  if (at + 4 >= end) return peek32Tail(data, end, bit);
  const shift = bit & 7;
  const word = (data[at]! << 24) | (data[at + 1]! << 16) | (data[at + 2]! << 8) | data[at + 3]!;
  return shift === 0 ? word >>> 0 : ((word << shift) | (data[at + 4]! >>> (8 - shift))) >>> 0;
}

/** `peek32` near the end of the data (kept apart so the common case stays small enough to inline). */
function peek32Tail(data: Uint8Array, end: number, bit: number): number {
  const at = bit >>> 3;
  const shift = bit & 7;
  let word = 0;
  for (let i = 0; i < 4; i++) word = (word << 8) | (at + i < end ? data[at + i]! : 0);
  if (shift !== 0) word = (word << shift) | ((at + 4 < end ? data[at + 4]! : 0) >>> (8 - shift));
  return word >>> 0;
}

/**
 * Decodes `data[start..end)` into `out` (every element written: coefficients first, zeros after).
 * Values are stored as int16, wrapping like the reference decoder's INT16 arithmetic.
 */
export function rlgrDecode(data: Uint8Array, start: number, end: number, mode: RlgrMode, out: Int16Array): void {
  out.fill(0);
  const total = out.length;
  const limit = end * 8;
  let bit = start * 8;
  let n = 0;
  let k = 1;
  let kp = 1 << LS_GR;
  let kr = 1;
  let krp = 1 << LS_GR;

  while (n < total && bit < limit) {
    if (k !== 0) {
      // Run-length mode: each 0 bit is a run of 1 << k zeros; a 1 ends the escapes.
      for (;;) {
        let zeros = Math.clz32(peek32(data, end, bit));
        if (bit + zeros > limit) zeros = limit - bit;
        bit += zeros;
        for (let i = 0; i < zeros && n < total; i++) {
          n += 1 << k;
          kp = kp + UP_GR > KP_MAX ? KP_MAX : kp + UP_GR;
          k = kp >> LS_GR;
        }
        if (zeros < 32 || bit >= limit || n >= total) break;
      }
      if (bit >= limit || n >= total) break;
      bit += 1;
      // The next k bits hold the rest of the run (k >= 1 here).
      n += peek32(data, end, bit) >>> (32 - k);
      bit += k;
      if (n >= total) break;
      const negative = peek32(data, end, bit) >>> 31;
      bit += 1;
      // Golomb-Rice code of magnitude - 1.
      let ones = 0;
      for (;;) {
        const run = Math.clz32(~peek32(data, end, bit));
        ones += run;
        bit += run;
        if (run < 32 || bit >= limit) break;
      }
      bit += 1;
      let code = ones << kr;
      if (kr !== 0) {
        code |= peek32(data, end, bit) >>> (32 - kr);
        bit += kr;
      }
      if (ones === 0) krp = krp < 2 ? 0 : krp - 2;
      else if (ones > 1) krp = krp + ones > KP_MAX ? KP_MAX : krp + ones;
      kr = krp >> LS_GR;
      const magnitude = (code >>> 0) + 1;
      out[n++] = negative ? -magnitude : magnitude;
      kp = kp < DN_GR ? 0 : kp - DN_GR;
      k = kp >> LS_GR;
    } else {
      // Golomb-Rice mode: values coded as 2 * magnitude - sign.
      let ones = 0;
      for (;;) {
        const run = Math.clz32(~peek32(data, end, bit));
        ones += run;
        bit += run;
        if (run < 32 || bit >= limit) break;
      }
      bit += 1;
      let code = ones << kr;
      if (kr !== 0) {
        code |= peek32(data, end, bit) >>> (32 - kr);
        bit += kr;
      }
      if (ones === 0) krp = krp < 2 ? 0 : krp - 2;
      else if (ones > 1) krp = krp + ones > KP_MAX ? KP_MAX : krp + ones;
      kr = krp >> LS_GR;
      code >>>= 0;
      if (mode === RlgrMode.Rlgr1) {
        if (code === 0) {
          n++;
          kp = kp + UQ_GR > KP_MAX ? KP_MAX : kp + UQ_GR;
        } else {
          out[n++] = code & 1 ? -((code + 1) / 2) : code / 2;
          kp = kp < DQ_GR ? 0 : kp - DQ_GR;
        }
        k = kp >> LS_GR;
      } else {
        // RLGR3: the sum of two coded values, then the first in as many bits as the sum needs.
        const bits = code === 0 ? 0 : 32 - Math.clz32(code);
        let first = 0;
        if (bits !== 0) {
          first = peek32(data, end, bit) >>> (32 - bits);
          bit += bits;
        }
        const second = (code - first) >>> 0;
        if (first !== 0 && second !== 0) kp = kp < 2 * DQ_GR ? 0 : kp - 2 * DQ_GR;
        else if (first === 0 && second === 0) kp = kp + 2 * UQ_GR > KP_MAX ? KP_MAX : kp + 2 * UQ_GR;
        k = kp >> LS_GR;
        out[n++] = first & 1 ? -((first + 1) / 2) : first / 2;
        if (n < total) out[n++] = second & 1 ? -((second + 1) / 2) : second / 2;
      }
    }
  }
}
