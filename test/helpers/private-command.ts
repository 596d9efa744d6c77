// The `desktop-recording` command built from the sources into a folder of the test's own, laid out as the
// package is (bin/, dist/cli.js, page/, and the player the page loads in dist/): a test that runs it sees
// neither another run's build output nor an `npm run build` that empties dist/ while it runs.
// The folder lies under node_modules/.cache, so the command's dependencies resolve as they do from dist/.
import { rmSync } from 'node:fs';
import { chmod, cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('../..', import.meta.url));

export interface PrivateCommand {
  /** Its `bin/desktop-recording.mjs`. */
  readonly bin: string;
  /** Its package root (what `serve` serves page/ and dist/ from). */
  readonly root: string;
  remove(): Promise<void>;
}

/** Builds the command (esbuild: well under a second) and the player its page loads. */
export async function buildPrivateCommand(): Promise<PrivateCommand> {
  const cache = join(root, 'node_modules/.cache');
  await mkdir(cache, { recursive: true });
  const folder = await mkdtemp(join(cache, 'desktop-recording-command-'));
  try {
    // Readable by all: a test may run the command as another user (`nobody`).
    await chmod(folder, 0o755);
    const common = { bundle: true, minify: true, format: 'esm', target: 'es2022', tsconfig: join(root, 'tsconfig.json'), logLevel: 'warning' } as const;
    await Promise.all([
      build({ ...common, entryPoints: [join(root, 'src/cli/main.ts')], outfile: join(folder, 'dist/cli.js'), platform: 'node', packages: 'external' }),
      build({ ...common, entryPoints: [join(root, 'src/index.ts')], outfile: join(folder, 'dist/desktop-recording-player.js'), platform: 'browser', conditions: ['production'] }),
      cp(join(root, 'bin'), join(folder, 'bin'), { recursive: true }),
      cp(join(root, 'page'), join(folder, 'page'), { recursive: true }),
      // Its own package scope: none is looked for above a node_modules folder.
      writeFile(join(folder, 'package.json'), `${JSON.stringify({ type: 'module', private: true })}\n`),
    ]);
    return { bin: join(folder, 'bin/desktop-recording.mjs'), root: folder, remove: () => rm(folder, { recursive: true, force: true }) };
  } catch (error) {
    await rm(folder, { recursive: true, force: true });
    throw error;
  }
}

let shared: Promise<PrivateCommand> | undefined;

/** One private command for this process (a test file), built on first use and removed when the process exits. */
export function privateCommand(): Promise<PrivateCommand> {
  shared ??= buildPrivateCommand().then((command) => {
    process.once('exit', () => rmSync(command.root, { recursive: true, force: true }));
    return command;
  });
  return shared;
}
