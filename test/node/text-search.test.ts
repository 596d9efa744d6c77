import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { IndexedWord, TextIndex } from '../../src/core/text-index/format.js';
import { searchTextIndex } from '../../src/core/text-index/search.js';

/** Words of one line: laid out left to right, 8 px a letter. */
function line(id: number, y: number, startMs: number, endMs: number, text: string): IndexedWord[] {
  let x = 10;
  return text.split(' ').map((word) => {
    const box = { x, y, width: word.length * 8, height: 12 };
    x += box.width + 6;
    return { text: word, startMs, endMs, box, line: id, confidence: 90 };
  });
}

const index: TextIndex = {
  durationMs: 60_000, coveredMs: 60_000, screen: { width: 800, height: 600 }, engine: 'test',
  words: [
    ...line(0, 100, 2000, 9000, 'alice@host:~$ ssh prod-db'),
    ...line(1, 300, 5000, 60_000, 'Customers table (exported)'),
    ...line(2, 100, 9000, 20_000, 'Opening the Password Manager'),
    ...line(3, 500, 30_000, 31_000, 'passward manager.'),
  ],
};

describe('searchTextIndex', () => {
  test('finds a word case-insensitively, with its time range in seconds, its line and its box', () => {
    assert.deepEqual(searchTextIndex(index, 'CUSTOMERS'), [
      { time: 5, endTime: 60, text: 'Customers table (exported)', box: { x: 10, y: 300, width: 72, height: 12 } },
    ]);
  });

  test('a phrase matches consecutive words of one line; its box spans them', () => {
    const hits = searchTextIndex(index, 'ssh prod-db');
    assert.equal(hits.length, 1);
    assert.deepEqual([hits[0]!.time, hits[0]!.endTime], [2, 9]);
    assert.deepEqual(hits[0]!.box, { x: 120, y: 100, width: 86, height: 12 });
    assert.deepEqual(searchTextIndex(index, 'prod-db ssh'), [], 'order counts');
    assert.deepEqual(searchTextIndex(index, 'table customers'), []);
  });

  test('punctuation around a word is ignored: "exported" finds "(exported)", "manager" finds "manager."', () => {
    assert.equal(searchTextIndex(index, 'exported').length, 1);
    assert.deepEqual(searchTextIndex(index, 'manager', { exact: true }).map((hit) => hit.time), [9, 30]);
  });

  test('words of 5+ letters match with one edit unless exact; shorter words never do', () => {
    assert.deepEqual(searchTextIndex(index, 'password').map((hit) => hit.time), [9, 30], 'passward is one substitution away');
    assert.deepEqual(searchTextIndex(index, 'password', { exact: true }).map((hit) => hit.time), [9]);
    assert.deepEqual(searchTextIndex(index, 'passwords').map((hit) => hit.time), [9], 'one insertion from password, two from passward');
    assert.deepEqual(searchTextIndex(index, 'sss'), [], 'ssh is 3 letters: no fuzziness');
    assert.deepEqual(searchTextIndex(index, 'pasword manger').map((hit) => hit.text), ['Opening the Password Manager'], 'each word one edit away');
  });

  test('empty queries find nothing; the limit keeps the earliest hits', () => {
    assert.deepEqual(searchTextIndex(index, '   '), []);
    assert.deepEqual(searchTextIndex(index, 'manager', { limit: 1 }).map((hit) => hit.time), [9]);
  });
});
