import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisBroker } from '../src/index.js';
import { startBrokerNode, type BrokerNode } from '../../server/test/support/broker-node.js';
import { startPrivateRedis, type PrivateService } from '../../../test/support/private-services.js';

let redis: PrivateService;
beforeAll(async () => {
  redis = await startPrivateRedis();
});
afterAll(() => redis.dispose());

function node(): Promise<BrokerNode<RedisBroker>> {
  return startBrokerNode(new RedisBroker({ url: redis.url, prefix: 'faults' }), () => 'ok');
}

describe('Redis going away and coming back', () => {
  it('keeps serving local subscribers while degraded, then reconnects and resubscribes', async () => {
    const a = await node();
    const b = await node();
    await a.broker.subscribe('room');
    await b.broker.publish({ channel: 'room', event: 'before', payload: 1 });
    await expect.poll(() => a.delivered.map((p) => p.event)).toEqual(['before']);
    expect(a.broker.health()).toEqual({ status: 'ok' });

    await redis.stop();
    await expect.poll(() => a.broker.health().status).toBe('degraded');
    // Local delivery goes on without Redis; history cannot be written, and nothing throws.
    expect(
      await a.broker.publish({ channel: 'room', event: 'local', payload: 2 }, { size: 10, ttl: 0 }),
    ).toBeUndefined();
    expect(a.delivered.map((p) => p.event)).toEqual(['before', 'local']);
    await a.broker.subscribe('joined-while-away');
    expect(await a.broker.command({ type: 'fetch', targets: [] }, 500)).toEqual(['ok']);

    await redis.start();
    await expect.poll(() => a.broker.health().status, { timeout: 10_000 }).toBe('ok');
    await expect.poll(() => b.broker.health().status, { timeout: 10_000 }).toBe('ok');
    // Subscriptions are live again, including the one made while Redis was away.
    await expect
      .poll(
        async () => {
          await b.broker.publish({ channel: 'joined-while-away', event: 'after', payload: 3 });
          return a.delivered.some((p) => p.event === 'after');
        },
        { timeout: 10_000, interval: 200 },
      )
      .toBe(true);
    await b.broker.publish({ channel: 'room', event: 'room-after', payload: 4 });
    await expect.poll(() => a.delivered.some((p) => p.event === 'room-after')).toBe(true);
    await a.broker.close();
    await b.broker.close();
  });
});
