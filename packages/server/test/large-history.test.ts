import { MemoryBroker } from '../src/index.js';
import { largeHistorySuite } from './support/large-history-suite.js';

largeHistorySuite('memory', { createBroker: () => new MemoryBroker() });
