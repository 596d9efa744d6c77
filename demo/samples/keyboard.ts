/** PS/2 scancode set 1 make codes for a US keyboard layout, as TDP KeyboardButton carries them. */
export const Scancode = {
  Escape: 0x01,
  Backspace: 0x0e,
  Tab: 0x0f,
  Enter: 0x1c,
  LeftCtrl: 0x1d,
  LeftShift: 0x2a,
  RightShift: 0x36,
  LeftAlt: 0x38,
  Space: 0x39,
  A: 0x1e,
  C: 0x2e,
  S: 0x1f,
  V: 0x2f,
  Home: 0xe047,
  End: 0xe04f,
  Delete: 0xe053,
} as const;

const UNSHIFTED: Record<string, number> = {
  '1': 0x02, '2': 0x03, '3': 0x04, '4': 0x05, '5': 0x06, '6': 0x07, '7': 0x08, '8': 0x09, '9': 0x0a, '0': 0x0b,
  '-': 0x0c, '=': 0x0d,
  q: 0x10, w: 0x11, e: 0x12, r: 0x13, t: 0x14, y: 0x15, u: 0x16, i: 0x17, o: 0x18, p: 0x19, '[': 0x1a, ']': 0x1b,
  a: 0x1e, s: 0x1f, d: 0x20, f: 0x21, g: 0x22, h: 0x23, j: 0x24, k: 0x25, l: 0x26, ';': 0x27, "'": 0x28, '`': 0x29,
  '\\': 0x2b, z: 0x2c, x: 0x2d, c: 0x2e, v: 0x2f, b: 0x30, n: 0x31, m: 0x32, ',': 0x33, '.': 0x34, '/': 0x35,
  ' ': 0x39, '\n': 0x1c, '\t': 0x0f,
};

const SHIFTED: Record<string, string> = {
  '!': '1', '@': '2', '#': '3', $: '4', '%': '5', '^': '6', '&': '7', '*': '8', '(': '9', ')': '0',
  _: '-', '+': '=', '{': '[', '}': ']', ':': ';', '"': "'", '~': '`', '|': '\\', '<': ',', '>': '.', '?': '/',
};

/** The key for a character and whether Shift is needed; undefined for characters a US keyboard cannot type. */
export function keyForChar(ch: string): { code: number; shift: boolean } | undefined {
  const plain = UNSHIFTED[ch];
  if (plain !== undefined) return { code: plain, shift: false };
  const lower = ch.toLowerCase();
  if (lower !== ch) {
    const code = UNSHIFTED[lower];
    if (code !== undefined) return { code, shift: true };
  }
  const base = SHIFTED[ch];
  if (base !== undefined) {
    const code = UNSHIFTED[base];
    if (code !== undefined) return { code, shift: true };
  }
  return undefined;
}

/** Letters next to each other on a QWERTY keyboard, for plausible typos. */
const ROWS = ['qwertyuiop', 'asdfghjkl', 'zxcvbnm'];
export function neighbourKeys(ch: string): string[] {
  const lower = ch.toLowerCase();
  for (const row of ROWS) {
    const i = row.indexOf(lower);
    if (i >= 0) return [row[i - 1], row[i + 1]].filter((c): c is string => c !== undefined);
  }
  return [];
}
