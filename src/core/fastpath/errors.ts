/** Why an update was skipped. `unsupported` is valid RDP this decoder does not play (MPPC, encryption, orders). */
export const FastPathErrorReason = {
  Truncated: 'truncated',
  Malformed: 'malformed',
  Unsupported: 'unsupported',
  TooLarge: 'too-large',
} as const;
export type FastPathErrorReason = (typeof FastPathErrorReason)[keyof typeof FastPathErrorReason];

/** A malformed, truncated or unsupported piece of a fast-path PDU; `push()` reports it and skips the update. */
export class FastPathError extends Error {
  override name = 'FastPathError';
  readonly reason: FastPathErrorReason;
  /** The message without its reason. */
  readonly detail: string;

  constructor(reason: FastPathErrorReason, detail: string) {
    super(`${reason}: ${detail}`);
    this.reason = reason;
    this.detail = detail;
  }

  /** `reason: where: detail`, the form of `FastPathOutput.errors` lines. */
  describe(where: string): string {
    return `${this.reason}: ${where}: ${this.detail}`;
  }
}

export const truncated = (what: string, needed: number, left: number): FastPathError =>
  new FastPathError(FastPathErrorReason.Truncated, `${what} needs ${needed} bytes, ${left} left`);

export const malformed = (message: string): FastPathError => new FastPathError(FastPathErrorReason.Malformed, message);
