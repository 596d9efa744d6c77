// A state poll for tests in Node and in the page.

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until `condition()` holds (checked every 20 ms), failing with `what` after `timeoutMs`: a give-up limit, not a time to meet. */
export async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  // Date.now: a test's page clock (test/helpers/page-clock.ts) may hold performance.now() still.
  for (const started = Date.now(); !(await condition()); await sleep(20)) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting until ${what}`);
  }
}
