/**
 * The recordings server's token. With one set, every request must show it: an
 * `Authorization: Bearer <token>` header, or the session cookie a browser gets from
 * `POST /api/session` (`{"token": …}`; HttpOnly, SameSite=Strict, so scripts and other sites never
 * see or send it). The token never goes in a URL, except Teleport's legacy `?access_token=` on the
 * old websocket path when the server opts in. The playback websocket also takes it as its first
 * message, as Teleport's does.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** The name of the session cookie. */
export const SESSION_COOKIE = 'desktop-recording-session';
/** The environment variable the command reads the token from. */
export const TOKEN_ENV = 'DESKTOP_RECORDING_TOKEN';

/**
 * Whether `given` is the server's token, in time that does not depend on where they differ: both
 * are hashed first, so the comparison is of equal lengths and does not reveal the token's.
 */
export function tokensMatch(given: string, expected: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}

export class AccessGate {
  /** The cookie's value: derived from the token, so the cookie does not reveal it. */
  private readonly sessionValue: string | undefined;

  constructor(readonly token: string | undefined) {
    this.sessionValue = token === undefined ? undefined : createHmac('sha256', token).update('desktop-recording session').digest('base64url');
  }

  /** Whether requests must show the token. */
  get required(): boolean {
    return this.token !== undefined;
  }

  /** Whether `given` is the token. */
  matches(given: string): boolean {
    return this.token !== undefined && tokensMatch(given, this.token);
  }

  /** Whether the request may go on: no token is set, or it shows the token by header or cookie. */
  admits(request: IncomingMessage): boolean {
    if (this.token === undefined) return true;
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '')?.[1];
    if (bearer !== undefined && this.matches(bearer)) return true;
    const cookie = cookieValue(request.headers.cookie, SESSION_COOKIE);
    return cookie !== undefined && tokensMatch(cookie, this.sessionValue!);
  }

  /** The `Set-Cookie` header value for a browser that showed the token. */
  sessionCookie(): string {
    return `${SESSION_COOKIE}=${this.sessionValue}; HttpOnly; SameSite=Strict; Path=/`;
  }
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const pair of (header ?? '').split(';')) {
    const at = pair.indexOf('=');
    if (at > 0 && pair.slice(0, at).trim() === name) return pair.slice(at + 1).trim();
  }
  return undefined;
}
