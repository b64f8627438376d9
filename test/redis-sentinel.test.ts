import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { HeraldClient } from '@herald/client';
import { RedisBroker } from '@herald/redis';
import { createGateway, type Gateway } from '@herald/server';
import { startSentinels, type SentinelShape } from './support/redis-shapes.js';
import { SteadyPublisher } from './support/steady-publisher.js';
import { until } from './support/until.js';
import { TestClient } from '../packages/server/test/support/test-client.js';

// Two gateways on a Redis master with two replicas and three Sentinels, all started by the test.
// The master is killed while a client publishes: the Sentinels promote a replica, the gateways
// follow it, publications, presence and history go on, and no acknowledged publication is lost
// (`minReplicas: 1` acknowledges only what a replica holds too).

const channel = 'feed:failover';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('two gateways on Redis with Sentinels when the master is killed mid-traffic', () => {
  const cleanup: (() => Promise<unknown> | void)[] = [];
  afterAll(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  async function gateway(shape: SentinelShape, prefix: string) {
    const node: Gateway = createGateway({
      logLevel: 'silent',
      broker: new RedisBroker({
        sentinels: shape.addresses,
        masterName: shape.masterName,
        prefix,
        minReplicas: 1,
      }),
      channels: {
        policies: {
          'feed:*': { history: { size: 10_000 }, presence: true, publish: 'everyone' },
        },
      },
    });
    node.namespace('/app');
    const { port } = await node.listen(0, '127.0.0.1');
    cleanup.push(() => node.close());
    return { gateway: node, port };
  }

  it('fails over with publications, presence and history going on, and loses no acked publication', async () => {
    const shape = await startSentinels(2);
    cleanup.push(() => shape.dispose());
    const prefix = `sentinel-${randomUUID().slice(0, 8)}`;
    const [one, two] = [await gateway(shape, prefix), await gateway(shape, prefix)];

    const subscriber = new HeraldClient(`ws://127.0.0.1:${two.port}/app`);
    cleanup.push(() => subscriber.close());
    const received: number[] = [];
    const subscription = subscriber.subscribe<{ seq: number }>(channel, {
      publication: ({ payload }) => void received.push(payload.seq),
    });
    await subscription.ready;

    const publisher = await TestClient.connect(`ws://127.0.0.1:${one.port}/app`);
    cleanup.push(() => publisher.ws.close());
    const traffic = new SteadyPublisher(publisher, channel, 10);

    await until(() => received.length >= 50, 10_000);
    const oldMaster = shape.master.port;
    await shape.master.stop();
    // The Sentinels promote a replica; both gateways find it and say they are healthy.
    let promoted = oldMaster;
    const deadline = Date.now() + 20_000;
    while (promoted === oldMaster && Date.now() < deadline) {
      await sleep(200);
      promoted = await shape.currentMaster();
    }
    expect(promoted).not.toBe(oldMaster);
    expect(shape.replicas.map((r) => r.port)).toContain(promoted);
    await until(
      () => one.gateway.health().status === 'ok' && two.gateway.health().status === 'ok',
      20_000,
    );
    // Publications go on through the new master.
    const backAt = traffic.sent;
    await until(() => received.some((s) => s > backAt + 20), 20_000);
    await traffic.stop();

    const acked = [...traffic.answers().values()]
      .filter((f) => f.type === 'ack')
      .map((f) => f.id as number);
    const refused = [...traffic.answers().values()].filter((f) => f.type === 'error');
    // Acked before and after the failover; refused meanwhile, as unavailable (retry later).
    expect(acked.some((s) => s < 50) && acked.some((s) => s > backAt)).toBe(true);
    expect(new Set(refused.map((f) => f.code))).toEqual(new Set(['WS_UNAVAILABLE']));
    // Nothing acked is lost, nothing is delivered twice.
    await until(() => acked.every((s) => received.includes(s)), 15_000).catch(() => undefined);
    expect(acked.filter((s) => !received.includes(s))).toEqual([]);
    expect(received.length).toBe(new Set(received).size);
    // History on the new master holds every acked publication.
    const page = await one.gateway.history(channel, { limit: 10_000 });
    const stored = new Set(page.publications.map((p) => (p.payload as { seq: number }).seq));
    expect(acked.filter((s) => !stored.has(s))).toEqual([]);
    // Presence goes on: a client that subscribes now is seen from the other node.
    const late = new HeraldClient(`ws://127.0.0.1:${one.port}/app`);
    cleanup.push(() => late.close());
    await late.subscribe(channel).ready;
    await expect
      .poll(async () => (await two.gateway.presence(channel)).length, { timeout: 10_000 })
      .toBe(2);
  }, 90_000);
});
