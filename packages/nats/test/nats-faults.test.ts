import { randomUUID } from 'node:crypto';
import { NatsBroker } from '@herald/nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPrivateNats, type PrivateService } from '../../../test/support/private-services.js';
import { testPrefix } from './support/nats-stores.js';
import { until } from '../../../test/support/until.js';
import { startBrokerNode, type BrokerNode } from '../../server/test/support/broker-node.js';

describe('nats broker when NATS goes away and comes back', () => {
  const prefix = testPrefix('faults');
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => void unhandled.push(reason);
  let nats: PrivateService;
  const nodes: BrokerNode<NatsBroker>[] = [];

  async function node(): Promise<BrokerNode<NatsBroker>> {
    const broker = new NatsBroker({
      servers: nats.url,
      prefix,
      connection: { reconnectTimeWait: 100, reconnectJitter: 0 },
    });
    const created = await startBrokerNode(broker, () => 'here');
    nodes.push(created);
    return created;
  }

  beforeAll(async () => {
    process.on('unhandledRejection', onUnhandled);
    nats = await startPrivateNats();
  });

  afterAll(async () => {
    await Promise.all(nodes.map((n) => n.broker.close()));
    // The server is this file's own: its data goes with it.
    await nats.dispose();
    process.off('unhandledRejection', onUnhandled);
  });

  it('serves local subscribers while NATS is down, then reconnects and resubscribes', async () => {
    const [a, b] = [await node(), await node()];
    const channel = `faults:${randomUUID()}`;
    await a.broker.subscribe(channel);
    await b.broker.subscribe(channel);
    await b.broker.publish({ channel, event: 'e', payload: 'before' }, { size: 10, ttl: 0 });
    await until(() => a.delivered.length === 1, 10_000);
    expect(a.broker.health()).toEqual({ status: 'ok' });

    await nats.stop();
    await until(() => a.broker.health().status === 'degraded', 10_000);
    expect(a.broker.health().detail).toMatch(/unreachable/);

    // Local clients keep being served; history cannot be written, so there is no position.
    const position = await a.broker.publish(
      { channel, event: 'e', payload: 'offline' },
      { size: 10, ttl: 0 },
    );
    expect(position).toBeUndefined();
    expect(a.delivered.map((p) => p.payload)).toEqual(['before', 'offline']);
    await a.broker.publish({ channel, event: 'e', payload: 'offline, no history' });
    expect(a.delivered).toHaveLength(3);
    // What needs NATS fails at once instead of hanging; commands answer for this node.
    await expect(a.broker.presence(channel)).rejects.toThrow(/unreachable/);
    await expect(a.broker.history(channel, {})).rejects.toThrow(/unreachable/);
    expect(await a.broker.command({ type: 'fetch', targets: [] }, 500)).toEqual(['here']);

    await nats.start();
    await until(
      () => a.broker.health().status === 'ok' && b.broker.health().status === 'ok',
      10_000,
    );

    // Both nodes' subscriptions are live again: a publication crosses in each direction.
    const after = await b.broker.publish(
      { channel, event: 'e', payload: 'after' },
      { size: 10, ttl: 0 },
    );
    expect(after).toMatchObject({ offset: 2 });
    await a.broker.publish({ channel, event: 'e', payload: 'back' });
    await until(() => a.delivered.length === 5 && b.delivered.length === 3, 10_000);
    expect(a.delivered.slice(3).map((p) => p.payload)).toEqual(['after', 'back']);
    expect(b.delivered.map((p) => p.payload)).toEqual(['before', 'after', 'back']);
    expect(await a.broker.command({ type: 'fetch', targets: [] }, 2_000)).toEqual(['here', 'here']);
    expect(unhandled).toEqual([]);
  });
});
