import type { Server } from 'node:net';

/** The port a server listening on port 0 got. */
export function portOf(server: Server): number {
  const address = server.address();
  return typeof address === 'object' && address ? address.port : 0;
}

/** `http://127.0.0.1:<port>` (or another scheme) of a server on loopback. */
export function loopbackUrl(server: Server, scheme = 'http'): string {
  return `${scheme}://127.0.0.1:${portOf(server)}`;
}
