import { NatsBroker } from '@herald/nats';
import { afterAll } from 'vitest';
import { largeHistorySuite } from '../../server/test/support/large-history-suite.js';
import { deleteStores, sharedNatsUrl, testPrefix } from './support/nats-stores.js';

const prefix = testPrefix('large_history');

afterAll(() => deleteStores(sharedNatsUrl, prefix));

largeHistorySuite('nats', {
  createBroker: () => new NatsBroker({ servers: sharedNatsUrl, prefix }),
});
