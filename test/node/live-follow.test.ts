// followRecording: a growing recording's bytes as they are committed (src/cli/live-recordings.ts).
import assert from 'node:assert/strict';
import { appendFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { followRecording, type GrowingRecording } from '../../src/cli/live-recordings.js';

/** A recording whose parts the test writes: `write` appends and commits one, waking who waits. */
async function growing() {
  const dir = await mkdtemp(join(tmpdir(), 'drp-follow-'));
  const path = join(dir, 'grows.tar');
  await writeFile(path, new Uint8Array(0));
  let waiters: Array<() => void> = [];
  const recording: GrowingRecording & { committedBytes: number; ended: boolean } = {
    file: 'grows.tar', path, committedBytes: 0, ended: false, live: true,
    changed: (signal) => new Promise<void>((resolve) => {
      waiters.push(resolve);
      signal?.addEventListener('abort', () => resolve(), { once: true });
    }),
  };
  const wake = () => {
    for (const resolve of waiters.splice(0)) resolve();
  };
  return {
    recording,
    async write(part: Uint8Array) {
      await appendFile(path, part);
      recording.committedBytes += part.length;
      wake();
    },
    end() {
      recording.ended = true;
      wake();
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

/** The follower's next chunk, or a failure after `ms` (a follower that waits for nothing would hang the run). */
function next(follower: AsyncGenerator<Uint8Array>, ms = 5000): Promise<IteratorResult<Uint8Array>> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stalled = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no chunk within ${ms} ms`)), ms)));
  return Promise.race([follower.next(), stalled]).finally(() => clearTimeout(timer));
}

test('a part written while the follower handed out the one before is read on, not left until a part after it', async () => {
  const file = await growing();
  const stop = new AbortController();
  const follower = followRecording(file.recording, stop.signal);
  try {
    await file.write(Uint8Array.of(1, 2, 3));
    assert.deepEqual([...(await next(follower)).value!], [1, 2, 3]);
    // Written (and its wake-up gone out) while the follower is still at the chunk before: nothing more is written after it.
    await file.write(Uint8Array.of(4, 5));
    assert.deepEqual([...(await next(follower)).value!], [4, 5]);
    file.end();
    assert.equal((await next(follower)).done, true);
  } finally {
    stop.abort();
    await follower.return(undefined);
    await file.remove();
  }
});
