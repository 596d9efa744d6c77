import { HELPER_WORKER_PREFIX } from './file-feed.js';
import type { HashWorkerScope } from './file-hash.js';
import type { InflateWorkerScope } from './inflate-worker.js';

/**
 * The workers the player worker starts from its own script (a chunk): named so, the script serves
 * one of them instead of playing (`recording.worker.ts`). There is no second file to deploy or
 * allow: the module build, a `worker-src` URL and the one-file script's `blob:` worker each start
 * their own script again.
 */
export const HASH_WORKER_NAME = `${HELPER_WORKER_PREFIX}sha256`;
export const INFLATE_WORKER_NAME = `${HELPER_WORKER_PREFIX}inflate`;

/** Serves the helper `scope.name` names; if it fails, the player worker does that work on its own thread. */
export function serveHelper(scope: HashWorkerScope & InflateWorkerScope & { readonly name: string }): Promise<void> {
  return scope.name === HASH_WORKER_NAME
    ? import('./file-hash.js').then(({ serveFileHashing }) => serveFileHashing(scope))
    : import('./inflate-worker.js').then(({ serveInflating }) => serveInflating(scope));
}
