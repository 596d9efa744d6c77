import { readerSuite } from '../shared/reader.suite.js';

// In Chromium both engines run: DecompressionStream (the default here) and fflate.
readerSuite('native', { describe, test: it });
readerSuite('fflate', { describe, test: it });
