#!/usr/bin/env node
// `npm run build`: the bundles of rollup.config.mjs and the type declarations of tsconfig.build.json, into dist/.
// Both are built into a folder of their own first, then moved into dist/ file by file, each by one rename (atomic),
// chunks and declarations before the entry files that load them; files the build no longer makes are removed last.
// So dist/ always holds a whole build: whatever reads it while another build runs (a test, a dev server, a second
// `npm run build`) never finds it emptied or half-written. A build that fails leaves dist/ as it was.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rollup } from 'rollup';
import { moveInto } from './move-into.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist');

/** rollup.config.mjs, each output redirected from dist/ into `folder`; warnings not printed (as `rollup --silent`). */
async function bundle(folder) {
  const { default: configs } = await import('../rollup.config.mjs');
  for (const config of configs) {
    const { output, ...input } = config;
    const build = await rollup({ ...input, onwarn: () => {} });
    try {
      const target = output.dir ? { dir: join(folder, relative('dist', output.dir)) } : { file: join(folder, relative('dist', output.file)) };
      await build.write({ ...output, ...target });
    } finally {
      await build.close();
    }
  }
}

function declarations(folder) {
  const tsc = join(root, 'node_modules', '.bin', process.platform === 'win32' ? 'tsc.cmd' : 'tsc');
  const run = spawnSync(tsc, ['-p', 'tsconfig.build.json', '--outDir', join(folder, 'types')], { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  if (run.status !== 0) throw new Error(`tsc -p tsconfig.build.json failed (${run.status ?? run.signal})`);
}

// Beside dist/ (one file system, so a rename moves a file), named per build: builds running at once do not meet.
const building = mkdtempSync(join(root, '.dist-building-'));
try {
  await bundle(building);
  declarations(building);
  moveInto(building, dist);
} catch (error) {
  console.error(error);
  process.exitCode = 1;
} finally {
  rmSync(building, { recursive: true, force: true });
}
