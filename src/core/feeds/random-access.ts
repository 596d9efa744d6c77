/**
 * Reading a recording out of order, a chunk loaded beside the first request of a load: the end
 * read first (the whole duration), and over HTTP Range, seeks that read the parts a moment needs,
 * the download in order that skips them, and the cache they share; the estimate of when the
 * download in order reaches a moment.
 */
export { TailDuration, readTail } from './tail-read.js';
export { ByteCache } from './byte-cache.js';
export { SeekReads } from './seek-reads.js';
export { DownloadEstimate } from './download-estimate.js';
export { readFrontByRanges } from './front-reads.js';
export { readByRanges } from './ranged-file.js';
export { readLocalEnd, readRangedEnd } from './end-read.js';
