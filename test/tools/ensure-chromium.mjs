#!/usr/bin/env node
// Makes sure Chromium is there: installs Debian's package when running as root, otherwise stops
// with the exact command to run. With --optional it only warns (the demo server runs without it).
import { execSync } from 'node:child_process';
import { findChromium, missingChromiumMessage } from './chromium.mjs';

const optional = process.argv.includes('--optional');
if (!findChromium()) {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (isRoot && !optional) {
    console.log('Chromium is missing: installing Debian\'s chromium package…');
    execSync('apt-get update && apt-get install -y chromium', { stdio: 'inherit' });
  } else if (optional) {
    console.warn('Note: ' + missingChromiumMessage());
  } else {
    console.error(missingChromiumMessage());
    process.exit(1);
  }
}
