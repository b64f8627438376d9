import { NatsBroker } from '@herald/nats';
import { afterAll, beforeAll, expect } from 'vitest';
import { brokerOutageConformance } from '../../server/test/support/broker-outage-conformance.js';
import { startPrivateNats } from '../../../test/support/private-services.js';
import { testPrefix } from './support/nats-stores.js';

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => void unhandled.push(reason);
beforeAll(() => void process.on('unhandledRejection', onUnhandled));
afterAll(() => {
  process.off('unhandledRejection', onUnhandled);
  // Reconnecting, refusing and resubscribing leave no promise rejected unobserved.
  expect(unhandled).toEqual([]);
});

const prefix = testPrefix('faults');
brokerOutageConformance('nats', {
  startBackend: startPrivateNats,
  createBroker: (nats) =>
    new NatsBroker({
      servers: nats.url,
      prefix,
      connection: { reconnectTimeWait: 100, reconnectJitter: 0 },
    }),
});
