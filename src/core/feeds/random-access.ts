/**
 * Random access over HTTP Range, a chunk loaded beside the tail read (its first use): seeks that
 * read the parts a moment needs, the download in order that skips them, and the cache they share.
 */
export { ByteCache } from './byte-cache.js';
export { SeekReads } from './seek-reads.js';
export { readFrontByRanges } from './front-reads.js';
