import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Whether `given` is the server's token, in time that does not depend on where they differ: both
 * are hashed first, so the comparison is of equal lengths and does not reveal the token's.
 */
export function tokensMatch(given: string, expected: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}
