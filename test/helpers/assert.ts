// A small assert that runs the same in node:test and in mocha in the browser, so shared suites
// (test/shared) need neither node:assert nor chai.

export interface SuiteApi {
  describe: (name: string, body: () => void) => unknown;
  test: (name: string, body: () => void | Promise<void>) => unknown;
}

export class AssertionFailure extends Error {
  override name = 'AssertionError';
}

function fail(message: string, detail?: string): never {
  throw new AssertionFailure(detail ? `${detail}: ${message}` : message);
}

function show(value: unknown): string {
  try {
    return JSON.stringify(value, (_, v) => (typeof v === 'bigint' ? `${v}n` : v instanceof Uint8Array ? `<${v.length} bytes>` : v));
  } catch {
    return String(value);
  }
}

export const assert = {
  ok(value: unknown, detail?: string): void {
    if (!value) fail(`expected a true value, got ${show(value)}`, detail);
  },
  equal(actual: unknown, expected: unknown, detail?: string): void {
    if (!Object.is(actual, expected)) fail(`expected ${show(expected)}, got ${show(actual)}${actual instanceof Error ? ` (${actual.message})` : ''}`, detail);
  },
  deepEqual(actual: unknown, expected: unknown, detail?: string): void {
    if (show(actual) !== show(expected)) fail(`expected ${show(expected)},\n got ${show(actual)}`, detail);
  },
  match(text: string, pattern: RegExp, detail?: string): void {
    if (!pattern.test(text)) fail(`expected ${show(text)} to match ${pattern}`, detail);
  },
  async rejects(promise: Promise<unknown>, check: (error: unknown) => boolean, detail?: string): Promise<void> {
    try {
      await promise;
    } catch (error) {
      if (!check(error)) fail(`rejected with an unexpected error: ${show(String(error))}`, detail);
      return;
    }
    fail('expected a rejection', detail);
  },
};

export function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
