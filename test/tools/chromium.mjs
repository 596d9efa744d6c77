// Where the tests and benchmarks find Chromium, and the flags it needs here (root, no GPU, closed network).
import { existsSync } from 'node:fs';

export const chromiumFlags = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const candidates = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

/** The Chromium binary to use: $CHROME_PATH, else the first known location that exists, else undefined. */
export function findChromium() {
  if (process.env.CHROME_PATH) return process.env.CHROME_PATH;
  return candidates.find((path) => existsSync(path));
}

export function chromiumPath() {
  const path = findChromium();
  if (!path) throw new Error(missingChromiumMessage());
  return path;
}

export function missingChromiumMessage() {
  return 'Chromium is not installed. Install Debian\'s package as root:\n  apt-get update && apt-get install -y chromium\nor set CHROME_PATH to a Chromium or Chrome binary.';
}
