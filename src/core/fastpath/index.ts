export { FastPathDecoder, FastPathUpdateCode, DEFAULT_REMOTEFX_CODEC_ID } from './decoder.js';
export type { FastPathDecoderOptions, FastPathDecoderState, FastPathPushOptions } from './decoder.js';
export { FastPathError, FastPathErrorReason } from './errors.js';
export type { RemoteFxState } from './remotefx.js';
export type { FastPathOutput, FramebufferView, PointerImage, PointerUpdate, Rect } from './types.js';
export { CODEC_ID_QOIZ, isUndrawableCodecError, undrawableCodecDetail } from './updates.js';
export { loadFastPathDecoder } from './load.js';
