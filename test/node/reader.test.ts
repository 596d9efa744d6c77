import { describe, test } from 'node:test';
import { readerSuite } from '../shared/reader.suite.js';

readerSuite('fflate', { describe, test });
