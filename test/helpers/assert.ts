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
    if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
    if (value === undefined) return 'undefined';
    return JSON.stringify(value, (_, v) =>
      typeof v === 'bigint' ? `${v}n`
      : v instanceof Uint8Array ? `<${v.length} bytes>`
      : typeof v === 'number' && !Number.isFinite(v) ? String(v)
      : v === undefined ? 'undefined'
      : v);
  } catch {
    return String(value);
  }
}

const tagOf = (value: unknown) => Object.prototype.toString.call(value);

/**
 * Where `actual` and `expected` differ structurally ("at [2].x: …"), or undefined when they are equal: primitives by
 * Object.is (NaN equals NaN, 0 is not -0), arrays and typed arrays element by element, own enumerable keys of objects
 * with the same prototype (a key set to undefined is not a missing key), Maps and Sets by entries, Dates by time.
 */
export function differenceOf(actual: unknown, expected: unknown, at: string, seen = new Map<object, object>()): string | undefined {
  const where = at || 'the top';
  if (Object.is(actual, expected)) return undefined;
  if (typeof actual !== 'object' || typeof expected !== 'object' || actual === null || expected === null) {
    return `at ${where}: expected ${show(expected)}, got ${show(actual)}`;
  }
  if (Object.getPrototypeOf(actual) !== Object.getPrototypeOf(expected) || tagOf(actual) !== tagOf(expected)) {
    return `at ${where}: expected a ${tagOf(expected)}, got a ${tagOf(actual)}`;
  }
  if (seen.get(actual) === expected) return undefined;
  seen.set(actual, expected);
  if (actual instanceof Date) return Object.is((actual as Date).getTime(), (expected as Date).getTime()) ? undefined : `at ${where}: dates differ`;
  if (actual instanceof Map) {
    const other = expected as Map<unknown, unknown>;
    if (actual.size !== other.size) return `at ${where}: expected ${other.size} map entries, got ${actual.size}`;
    for (const [key, value] of actual) {
      if (!other.has(key)) return `at ${where}: unexpected map key ${show(key)}`;
      const inner = differenceOf(value, other.get(key), `${at}.get(${show(key)})`, seen);
      if (inner) return inner;
    }
    return undefined;
  }
  if (actual instanceof Set) {
    const other = expected as Set<unknown>;
    if (actual.size !== other.size) return `at ${where}: expected ${other.size} set members, got ${actual.size}`;
    for (const value of actual) if (!other.has(value)) return `at ${where}: unexpected set member ${show(value)}`;
    return undefined;
  }
  if (ArrayBuffer.isView(actual) || Array.isArray(actual)) {
    const a = actual as ArrayLike<unknown>, b = expected as ArrayLike<unknown>;
    if (a.length !== b.length) return `at ${where}: expected length ${b.length}, got ${a.length}`;
    for (let i = 0; i < a.length; i++) {
      const inner = differenceOf(a[i], b[i], `${at}[${i}]`, seen);
      if (inner) return inner;
    }
    if (!Array.isArray(actual)) return undefined;
  }
  const keys = (value: object) => Object.keys(value).filter((k) => !Array.isArray(value) || !/^\d+$/.test(k)).sort();
  const actualKeys = keys(actual), expectedKeys = keys(expected);
  const missing = expectedKeys.find((k) => !actualKeys.includes(k));
  if (missing !== undefined) return `at ${where}: missing key ${missing}`;
  const extra = actualKeys.find((k) => !expectedKeys.includes(k));
  if (extra !== undefined) return `at ${where}: unexpected key ${extra}`;
  for (const key of expectedKeys) {
    const inner = differenceOf((actual as Record<string, unknown>)[key], (expected as Record<string, unknown>)[key], `${at}.${key}`, seen);
    if (inner) return inner;
  }
  return undefined;
}

export const assert = {
  ok(value: unknown, detail?: string): void {
    if (!value) fail(`expected a true value, got ${show(value)}`, detail);
  },
  equal(actual: unknown, expected: unknown, detail?: string): void {
    if (!Object.is(actual, expected)) fail(`expected ${show(expected)}, got ${show(actual)}${actual instanceof Error ? ` (${actual.message})` : ''}`, detail);
  },
  deepEqual(actual: unknown, expected: unknown, detail?: string): void {
    const difference = differenceOf(actual, expected, '');
    if (difference !== undefined) fail(`expected ${show(expected)},\n got ${show(actual)}\n (${difference})`, detail);
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
