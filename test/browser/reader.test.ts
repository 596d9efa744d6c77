import { readerSuite } from '../shared/reader.suite.js';

// In Chromium every engine runs: the WebAssembly decoder (the default), DecompressionStream (where
// WebAssembly may not compile) and fflate.
readerSuite('wasm', { describe, test: it });
readerSuite('native', { describe, test: it });
readerSuite('fflate', { describe, test: it });
