import { setTimeout as sleep } from 'node:timers/promises';

/**
 * A slow link for the demo server (`serve --throttle 20mbit`, or `?throttle=20mbit` on a recording's
 * URL): the bytes of recordings pass it at a set rate, Range answers included, so anyone can see
 * how the player behaves on a VPN or a far-away object store.
 */

const UNITS: Record<string, number> = { '': 1, k: 1e3, m: 1e6, g: 1e9 };

/**
 * Bytes per second from `20mbit`, `512kbit`, `2mb` (bytes), `100k` (bytes), `1.5mbps`; a message
 * saying what is accepted when `text` is none of these.
 */
export function parseRate(text: string): number | string {
  const match = /^(\d+(?:\.\d+)?)\s*([kmg]?)(bit|bps|b)?(?:\/s)?$/i.exec(text.trim());
  const rate = match ? (Number(match[1]) * UNITS[match[2]!.toLowerCase()]!) / (/^(bit|bps)$/i.test(match[3] ?? '') ? 8 : 1) : NaN;
  if (!(rate >= 1 && rate <= 1e10)) return `a rate like 20mbit, 512kbit or 2mb (bytes) per second, not "${text}"`;
  return rate;
}

export interface LinkClock {
  now(): number;
  sleep(ms: number): Promise<unknown>;
}

const realClock: LinkClock = { now: () => performance.now(), sleep };

/** Bytes handed to the socket at once: small enough that two downloads on one link interleave. */
const SLICE_BYTES = 16 * 1024;

/**
 * One link of `bytesPerSecond`: everything sent through it shares the rate, in the order it asks
 * (a tail read and a download of the same recording take turns, as on a real connection).
 */
export class PacedLink {
  private freeAtMs = 0;

  constructor(
    readonly bytesPerSecond: number,
    private readonly clock: LinkClock = realClock,
  ) {}

  /** Resolves when `bytes` asked now have passed the link. */
  async pass(bytes: number): Promise<void> {
    const now = this.clock.now();
    this.freeAtMs = Math.max(now, this.freeAtMs) + (bytes / this.bytesPerSecond) * 1000;
    const waitMs = this.freeAtMs - now;
    if (waitMs >= 1) await this.clock.sleep(waitMs);
  }

  /** `source` through the link, as a stream of its bytes; stops when the consumer stops reading. */
  async *pace(source: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
    for await (const chunk of source) {
      for (let at = 0; at < chunk.length; at += SLICE_BYTES) {
        const slice = chunk.subarray(at, at + SLICE_BYTES);
        await this.pass(slice.length);
        yield slice;
      }
    }
  }
}

/** The links of one server: the `--throttle` one, and one per rate asked for in a URL. */
export class PacedLinks {
  private readonly byRate = new Map<number, PacedLink>();

  constructor(private readonly defaultRate: number | undefined) {}

  /** The link for a request: its `throttle` query parameter, else the server's; undefined when unpaced, a message when the parameter is no rate. */
  for(query: URLSearchParams): PacedLink | string | undefined {
    const asked = query.get('throttle');
    const rate = asked === null ? this.defaultRate : parseRate(asked);
    if (typeof rate !== 'number') return rate;
    let link = this.byRate.get(rate);
    if (!link) this.byRate.set(rate, (link = new PacedLink(rate)));
    return link;
  }
}
