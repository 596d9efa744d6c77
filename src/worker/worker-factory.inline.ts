// @ts-expect-error virtual module made by the inline-worker plugin of rollup.config.mjs
import workerCode from 'inline-worker:./recording.worker.ts';

let blobUrl: string | undefined;

function inlinedWorkerUrl(): string {
  blobUrl ??= URL.createObjectURL(new Blob([workerCode as string], { type: 'text/javascript' }));
  return blobUrl;
}

/**
 * The one-file script build: the worker's code is inlined and started from a `blob:` URL, so a
 * single `<script src>` is enough. Pages whose CSP forbids `blob:` workers set `worker-src` to the
 * URL of `recording.worker.js` instead.
 */
export function createPlayerWorker(workerSrc?: string): Worker {
  return new Worker(workerSrc ?? inlinedWorkerUrl(), { type: 'module' });
}

/** The worker module's URL, for importing its engine into the page when no worker can run. */
export function playerEngineUrl(workerSrc?: string): string {
  return workerSrc ?? inlinedWorkerUrl();
}
