import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

/**
 * Copies the working tree's files as a clone has them (tracked and new, not ignored; so no dist/ and no
 * node_modules) from `root` into the empty folder `target`. A test that packs from the copy sees neither
 * another run's build output nor a rebuild that empties dist/ while it reads.
 */
export async function copyWorkingTree(root: string, target: string): Promise<void> {
  const { stdout } = await promisify(execFile)('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root, maxBuffer: 64 << 20 });
  for (const file of new Set(stdout.split('\0').filter(Boolean))) {
    if (!existsSync(join(root, file))) continue; // deleted in the working tree
    await mkdir(dirname(join(target, file)), { recursive: true });
    await copyFile(join(root, file), join(target, file));
  }
}
