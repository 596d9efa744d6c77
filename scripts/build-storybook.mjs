#!/usr/bin/env node
// `npm run build-storybook`: Storybook's static build into storybook-static/, made in a folder of its own first and
// then moved in file by file (move-into.mjs), so a test or server reading storybook-static/ while another build runs
// never finds it half-written. A build that fails leaves storybook-static/ as it was. Arguments go on to
// `storybook build` (e.g. --quiet).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { moveInto } from './move-into.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const building = mkdtempSync(join(root, '.storybook-building-'));
try {
  const storybook = join(root, 'node_modules', '.bin', process.platform === 'win32' ? 'storybook.cmd' : 'storybook');
  const run = spawnSync(storybook, ['build', ...process.argv.slice(2), '-o', building], { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  if (run.status !== 0) throw new Error(`storybook build failed (${run.status ?? run.signal})`);
  moveInto(building, join(root, 'storybook-static'));
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
} finally {
  rmSync(building, { recursive: true, force: true });
}
