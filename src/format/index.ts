/**
 * `desktop-recording-player/format`: DOM-free reading and writing of Teleport desktop session
 * recordings and the TDP codec. Runs in browsers, workers and Node.
 */
export * from './errors.js';
export * from './container.js';
export { concatBytes } from './bytes.js';
export * from './events.js';
export { decodeAuditEvent } from './wire/audit-events.js';
export { createMemberInflater, defaultInflateEngine, nativeInflateAvailable, type InflateEngine, type MemberInflater } from './inflate.js';
export * from './reader.js';
export * from './writer.js';
export * from './tdp.js';
export * from './timeline.js';
export * from './summary.js';
export * from './tail.js';
export { TRANSFER_GAP_MS, fileName, sizeIn, type Transfer } from './transfers.js';
