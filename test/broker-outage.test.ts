import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { HeraldClient, type SubscribedContext } from '@herald/client';
import { createGateway, type Gateway } from '@herald/server';
import { outageBackends } from './support/outage-backends.js';
import { SteadyPublisher } from './support/steady-publisher.js';
import { until } from './support/until.js';
import { TestClient, type Frame } from '../packages/server/test/support/test-client.js';

// Two gateway nodes on a broker server of the test's own, killed and restarted mid-traffic. The
// restarted server has lost every stream (Redis without persistence, JetStream in memory).

const backends = outageBackends(false);

const channel = 'feed:outage';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(backends)('two gateways on $name when it is killed mid-traffic', (backend) => {
  const cleanup: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  async function gateway(url: string, prefix: string): Promise<{ gateway: Gateway; port: number }> {
    const node = createGateway({
      logLevel: 'silent',
      broker: backend.broker(url, prefix),
      channels: { policies: { 'feed:*': { history: { size: 1_000 }, publish: 'everyone' } } },
    });
    node.namespace('/app');
    const { port } = await node.listen(0, '127.0.0.1');
    cleanup.push(() => node.close());
    return { gateway: node, port };
  }

  it('acks only what the broker took, loses none of it, and tells the subscriber the stream restarted', async () => {
    const server = await backend.start();
    cleanup.push(() => server.dispose());
    const prefix = `outage-${randomUUID().slice(0, 8)}`;
    const [one, two] = [await gateway(server.url, prefix), await gateway(server.url, prefix)];

    const subscriberClient = new HeraldClient(`ws://127.0.0.1:${two.port}/app`);
    cleanup.push(() => subscriberClient.close());
    const received = new Set<number>();
    const contexts: SubscribedContext[] = [];
    const subscription = subscriberClient.subscribe<{ seq: number }>(channel, {
      publication: ({ payload }) => void received.add(payload.seq),
      subscribed: (context) => void contexts.push(context),
    });
    await subscription.ready;
    const firstEpoch = subscription.position?.epoch;

    const publisher = await TestClient.connect(`ws://127.0.0.1:${one.port}/app`);
    cleanup.push(() => publisher.ws.close());
    const traffic = new SteadyPublisher(publisher, channel, 20);
    const healthy = () =>
      one.gateway.health().status === 'ok' && two.gateway.health().status === 'ok';

    await until(() => received.size >= 20, 10_000);
    await server.stop();
    await sleep(3_000);
    await server.start();
    await until(healthy, 15_000);
    const backAt = traffic.sent;
    await until(() => traffic.sent >= backAt + 50, 10_000);
    await traffic.stop();

    const frames = [...traffic.answers().values()];
    const acked = frames.filter((f) => f.type === 'ack');
    const refused = frames.filter((f) => f.type === 'error');
    // Every ack carries the stored position; every refusal says "unavailable, retry".
    for (const ack of acked) expect(ack.payload).toMatchObject({ offset: expect.any(Number) });
    expect(new Set(refused.map((f) => f.code))).toEqual(new Set(['WS_UNAVAILABLE']));
    expect(refused.length).toBeGreaterThan(0);
    expect(acked.some((f) => (f.id as number) >= backAt)).toBe(true);

    // Nothing acked is lost: the subscriber gets every acked publication.
    const ackedSeqs = acked.map((f: Frame) => f.id as number);
    await until(() => ackedSeqs.every((s) => received.has(s)), 15_000).catch(() => undefined);
    expect(ackedSeqs.filter((s) => !received.has(s))).toEqual([]);

    // The stream restarted with a new epoch, and the subscriber was told.
    expect(subscription.position?.epoch).not.toBe(firstEpoch);
    const reset = contexts.find((context) => context.reset);
    expect(reset).toMatchObject({ recovered: false, resubscribed: true });
    expect(reset?.position?.epoch).toBe(subscription.position?.epoch);
  }, 60_000);
});
