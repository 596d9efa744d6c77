// @ts-expect-error virtual module made by the inline-worker plugin of rollup.config.mjs
import workerCode from 'inline-worker:./recording.worker.ts';

let blobUrl: string | undefined;

/**
 * The one-file script build: the worker's code is inlined and started from a `blob:` URL, so a
 * single `<script src>` is enough. Pages whose CSP forbids `blob:` workers set `worker-src` to the
 * URL of `recording.worker.js` instead.
 */
export function createPlayerWorker(workerSrc?: string): Worker {
  if (workerSrc) return new Worker(workerSrc, { type: 'module' });
  blobUrl ??= URL.createObjectURL(new Blob([workerCode as string], { type: 'text/javascript' }));
  return new Worker(blobUrl, { type: 'module' });
}
