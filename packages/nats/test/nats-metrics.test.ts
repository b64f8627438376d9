import { afterAll, expect, it } from 'vitest';
import { createGateway, metricsHandler } from '@herald/server';
import { NatsBroker } from '../src/index.js';
import { metric, scrape } from '../../server/test/support/prometheus.js';
import { deleteStores, sharedNatsUrl, testPrefix } from './support/nats-stores.js';

const prefix = testPrefix('metrics');
afterAll(() => deleteStores(sharedNatsUrl, prefix));

it('reports NATS up with the round-trip time of the connection', async () => {
  const gateway = createGateway({
    logLevel: 'silent',
    broker: new NatsBroker({ servers: sharedNatsUrl, prefix }),
  });
  gateway.namespace('/chat');
  const { port } = await gateway.listen(0, '127.0.0.1', { handlers: [metricsHandler(gateway)] });
  const { text } = await scrape(port);
  await gateway.close();
  expect(metric(text, 'herald_broker_up')).toBe(1);
  const rtt = metric(text, 'herald_broker_rtt_seconds') ?? 0;
  expect(rtt).toBeGreaterThan(0);
  expect(rtt).toBeLessThan(1); // seconds, not milliseconds
});
