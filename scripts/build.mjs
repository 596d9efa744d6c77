#!/usr/bin/env node
// `npm run build`: the bundles of rollup.config.mjs and the type declarations of tsconfig.build.json, into dist/.
// Both are built into a folder of their own first, then moved into dist/ file by file, each by one rename (atomic),
// chunks and declarations before the entry files that load them; files the build no longer makes are removed last.
// So dist/ always holds a whole build: whatever reads it while another build runs (a test, a dev server, a second
// `npm run build`) never finds it emptied or half-written. A build that fails leaves dist/ as it was.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rollup } from 'rollup';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist');

/** Paths of the files under `folder`, relative to it ([] when it does not exist). */
function filesUnder(folder) {
  let entries;
  try {
    entries = readdirSync(folder, { recursive: true, withFileTypes: true });
  } catch (error) {
    if (error.code === 'ENOENT') return [];
    throw error;
  }
  return entries.filter((entry) => entry.isFile()).map((entry) => relative(folder, join(entry.parentPath ?? entry.path, entry.name)));
}

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

/** Moves the build in `folder` into dist/: nested files first (chunks, declarations), the entry files last, then removes stale files. */
function moveIntoDist(folder) {
  const built = filesUnder(folder).sort((a, b) => b.split(sep).length - a.split(sep).length || a.localeCompare(b));
  for (const file of built) {
    mkdirSync(dirname(join(dist, file)), { recursive: true });
    renameSync(join(folder, file), join(dist, file));
  }
  const kept = new Set(built);
  for (const file of filesUnder(dist)) if (!kept.has(file)) rmSync(join(dist, file), { force: true });
}

// Beside dist/ (one file system, so a rename moves a file), named per build: builds running at once do not meet.
const building = mkdtempSync(join(root, '.dist-building-'));
try {
  await bundle(building);
  declarations(building);
  moveIntoDist(building);
} catch (error) {
  console.error(error);
  process.exitCode = 1;
} finally {
  rmSync(building, { recursive: true, force: true });
}
