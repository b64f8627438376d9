import { MemoryBroker } from '../src/index.js';
import { brokerConformance } from './support/broker-conformance.js';

brokerConformance('memory', { createBroker: () => new MemoryBroker(), multiNode: false });
