/**
 * Starts the player worker. The literal `new Worker(new URL('./….js', import.meta.url))` is the
 * form bundlers recognise: rollup keeps it (the worker ships beside the bundle) and Vite builds the
 * worker from it. The one-file script build swaps this module for `worker-factory.inline.ts`.
 */
export function createPlayerWorker(workerSrc?: string): Worker {
  return workerSrc
    ? new Worker(workerSrc, { type: 'module' })
    : new Worker(new URL('./recording.worker.js', import.meta.url), { type: 'module' });
}

/** The worker module's URL, for importing its engine into the page when no worker can run. */
export function playerEngineUrl(workerSrc?: string): string {
  return workerSrc ?? new URL('./recording.worker.js', import.meta.url).href;
}
