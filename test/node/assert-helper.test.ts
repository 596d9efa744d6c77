// The shared suites' assert (test/helpers/assert.ts) must tell apart what JSON cannot.
import nodeAssert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assert, differenceOf } from '../helpers/assert.js';

describe('the shared assert.deepEqual', () => {
  const differ = (a: unknown, b: unknown) => nodeAssert.throws(() => assert.deepEqual(a, b), { name: 'AssertionError' }, `${String(a)} vs ${String(b)}`);

  test('tells apart values that serialize alike', () => {
    differ([NaN], [null]);
    differ({ a: undefined }, {});
    differ({}, { a: undefined });
    differ([undefined], [null]);
    differ(0, -0);
    differ(Infinity, null);
    differ(new Uint8Array([1, 2]), [1, 2]);
    differ(new Uint8Array([1, 2]), new Uint16Array([1, 2]));
    differ(new Map([[1, 'a']]), new Map([[1, 'b']]));
    differ(new Set([1]), new Set([2]));
    differ(new Date(0), new Date(1));
    differ([1, 2], [1, 2, 3]);
    differ({ a: { b: [1, { c: 2 }] } }, { a: { b: [1, { c: 3 }] } });
    differ(1n, 1);
    differ('1', 1);
  });

  test('accepts structurally equal values, key order aside', () => {
    assert.deepEqual([NaN], [NaN]);
    assert.deepEqual({ a: 1, b: [2, { c: 3n }] }, { b: [2, { c: 3n }], a: 1 });
    assert.deepEqual(new Uint8Array([1, 2, 3]), new Uint8Array([1, 2, 3]));
    assert.deepEqual(new Map([['k', { v: 1 }]]), new Map([['k', { v: 1 }]]));
    assert.deepEqual(new Set(['x', 'y']), new Set(['y', 'x']));
    const loop: { self?: unknown } = {};
    loop.self = loop;
    const other: { self?: unknown } = {};
    other.self = other;
    assert.deepEqual(loop, other);
  });

  test('names where the values differ', () => {
    nodeAssert.equal(differenceOf({ a: [1, NaN] }, { a: [1, null] }, ''), 'at .a[1]: expected null, got NaN');
    nodeAssert.equal(differenceOf({ a: 1 }, { a: 1, b: undefined }, ''), 'at the top: missing key b');
  });
});
