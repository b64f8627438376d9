import { NatsBroker } from '@herald/nats';
import { afterAll } from 'vitest';
import { brokerConformance } from '../../server/test/support/broker-conformance.js';
import { deleteStores, sharedNatsUrl, testPrefix } from './support/nats-stores.js';

const prefix = testPrefix('conformance');

afterAll(() => deleteStores(sharedNatsUrl, prefix));

brokerConformance('nats', {
  createBroker: () => new NatsBroker({ servers: sharedNatsUrl, prefix }),
  multiNode: true,
});
