export { FastPathDecoder, FastPathUpdateCode, DEFAULT_REMOTEFX_CODEC_ID } from './decoder.js';
export type { FastPathDecoderOptions, FastPathDecoderState, FastPathPushOptions } from './decoder.js';
export { FastPathError, FastPathErrorReason } from './errors.js';
export type { RemoteFxState } from './remotefx.js';
export type { FastPathOutput, FramebufferView, PointerImage, PointerUpdate, Rect } from './types.js';
export { CODEC_ID_QOIZ } from './updates.js';
export { ScanFlag, isUndrawableCodecError, undrawableCodecDetail } from './scan-flags.js';
export { fastPathModule, loadFastPathDecoder } from './load.js';
