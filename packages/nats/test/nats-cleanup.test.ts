import { afterAll, describe, it } from 'vitest';
import { NatsBroker } from '../src/index.js';
import { churnLeavesNothing } from '../../server/test/support/churn-scenario.js';
import { deleteStores, sharedNatsUrl, testPrefix } from './support/nats-stores.js';

const prefix = testPrefix('churn');
afterAll(() => deleteStores(sharedNatsUrl, prefix));

describe('on NATS, nothing is left behind', () => {
  it('removes every presence entry and channel subscription after churn', () =>
    churnLeavesNothing({ broker: new NatsBroker({ servers: sharedNatsUrl, prefix }) }));
});
