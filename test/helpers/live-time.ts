// The demo's live sessions on a time the test moves (`LiveSessionsOptions.time`): a session records
// nothing the test did not ask for, so a busy machine cannot end it before a player got somewhere.
import type { FakeTime } from './fake-time.js';

/** What `recordLive` needs of the sessions: how many are live. */
interface LiveCount {
  readonly size: number;
}

/** Polls the sessions' state this often while they write. */
const POLL_MS = 5;

/**
 * Moves the sessions' time on by `ms` and resolves once what was due by then is written: a session
 * writes its parts to disk between its timers, so it is done once it waits for its next step again, or
 * has ended. Resolves with whether that state was reached (false after `limitMs` of real time, a give-up
 * limit for a disk that does not answer).
 */
export async function recordLive(time: FakeTime, sessions: LiveCount, ms: number, limitMs = 20_000): Promise<boolean> {
  await time.advance(ms);
  const idle = () => time.pendingTimers > 0 || sessions.size === 0;
  for (const giveUpAt = Date.now() + limitMs; !idle() && Date.now() < giveUpAt; ) await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  return idle();
}
