import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

/**
 * The OCR engine's files a player with `text-search` loads, from the installed packages, in the
 * layout of its `text-search-src` (see docs/text-index.md): the server's `/text-search/` answers
 * them, so the player fetches nothing from a third party. Undefined for any other name.
 */
export function textSearchFile(name: string): { dir: string; file: string } | undefined {
  const packageDir = (id: string) => dirname(require.resolve(`${id}/package.json`));
  if (name === 'tesseract.esm.min.js' || name === 'worker.min.js') return { dir: join(packageDir('tesseract.js'), 'dist'), file: name };
  const core = /^core\/(tesseract-core[\w-]*\.wasm\.js)$/.exec(name)?.[1];
  if (core) return { dir: packageDir('tesseract.js-core'), file: core };
  if (name === 'lang/eng.traineddata.gz') return { dir: join(packageDir('@tesseract.js-data/eng'), '4.0.0'), file: 'eng.traineddata.gz' };
  return undefined;
}
