// Moves a build made in a folder of its own into its output folder (dist/, storybook-static/) file by file, each by
// one rename (atomic): nested files (chunks, declarations, assets) before the top-level entry files that load them,
// then files the build no longer makes are removed. Whatever reads the output folder meanwhile (a test, a server, a
// second build) never finds it emptied or half-written.
import { mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';

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

/** Moves every file of `folder` into `target`, nested files first, then removes the files of `target` it did not bring. */
export function moveInto(folder, target) {
  const built = filesUnder(folder).sort((a, b) => b.split(sep).length - a.split(sep).length || a.localeCompare(b));
  for (const file of built) {
    mkdirSync(dirname(join(target, file)), { recursive: true });
    renameSync(join(folder, file), join(target, file));
  }
  const kept = new Set(built);
  for (const file of filesUnder(target)) if (!kept.has(file)) rmSync(join(target, file), { force: true });
}
