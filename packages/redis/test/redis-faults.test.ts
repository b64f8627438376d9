import { RedisBroker } from '../src/index.js';
import { brokerOutageConformance } from '../../server/test/support/broker-outage-conformance.js';
import { startPrivateRedis } from '../../../test/support/private-services.js';

brokerOutageConformance('redis', {
  startBackend: startPrivateRedis,
  createBroker: (redis) => new RedisBroker({ url: redis.url, prefix: 'faults' }),
});
