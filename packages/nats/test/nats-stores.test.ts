import { randomUUID } from 'node:crypto';
import { NatsBroker } from '@herald/nats';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { deleteStores, sharedNatsUrl, testPrefix } from './support/nats-stores.js';
import { until } from '../../../test/support/until.js';
import { startBrokerNode, type BrokerNode } from '../../server/test/support/broker-node.js';

describe('nats broker stores', () => {
  const prefix = testPrefix('stores');
  const nodes: BrokerNode<NatsBroker>[] = [];

  async function node(): Promise<BrokerNode<NatsBroker>> {
    const broker = new NatsBroker({ servers: sharedNatsUrl, prefix });
    const created = await startBrokerNode(broker);
    nodes.push(created);
    return created;
  }

  afterEach(async () => {
    await Promise.all(nodes.splice(0).map((n) => n.broker.close()));
  });
  afterAll(() => deleteStores(sharedNatsUrl, prefix));

  it('gives concurrent publishers on several nodes distinct offsets, seen in one order', async () => {
    const [a, b, c] = [await node(), await node(), await node()];
    const channel = `race:${randomUUID()}`;
    await a.broker.subscribe(channel);
    await b.broker.subscribe(channel);
    const publishers = [a, b, c].flatMap((n, i) =>
      Array.from({ length: 20 }, (_, j) =>
        n.broker.publish({ channel, event: 'e', payload: `${i}-${j}` }, { size: 100, ttl: 0 }),
      ),
    );
    const positions = await Promise.all(publishers);
    const offsets = positions.map((p) => p?.offset ?? 0).sort((x, y) => x - y);
    expect(offsets).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    expect(new Set(positions.map((p) => p?.epoch)).size).toBe(1);

    await until(() => a.delivered.length === 60 && b.delivered.length === 60);
    const ordered = Array.from({ length: 60 }, (_, i) => i + 1);
    expect(a.delivered.map((p) => p.meta.offset)).toEqual(ordered);
    expect(b.delivered.map((p) => p.payload)).toEqual(a.delivered.map((p) => p.payload));
    const page = await c.broker.history(channel, {});
    expect(page.publications.map((p) => p.payload)).toEqual(a.delivered.map((p) => p.payload));
  });

  it('carries channel names with any printable characters', async () => {
    const a = await node();
    const channel = `odd name.with *.> and ünïcødé/${randomUUID()}`;
    await a.broker.subscribe(channel);
    await a.broker.publish({ channel, event: 'e', payload: 1 }, { size: 10, ttl: 0 });
    await a.broker.publish({ channel: `${channel}.more`, event: 'e', payload: 2 });
    await until(() => a.delivered.length === 1);
    expect(a.delivered[0]).toMatchObject({ channel, payload: 1, meta: { offset: 1 } });
    expect((await a.broker.history(channel, {})).publications).toHaveLength(1);
    await a.broker.addPresence(channel, { connectionId: 'conn.*>', userId: 'u' }, 5_000);
    expect(await a.broker.presenceStats(channel)).toEqual({ connections: 1, users: 1 });
  });

  it('recreates a lost store and starts a new epoch', async () => {
    const a = await node();
    const channel = `flushed:${randomUUID()}`;
    const before = await a.broker.publish(
      { channel, event: 'e', payload: 1 },
      { size: 10, ttl: 0 },
    );
    await a.broker.addPresence(channel, { connectionId: 'c1' }, 5_000);
    await deleteStores(sharedNatsUrl, prefix);

    const after = await a.broker.publish({ channel, event: 'e', payload: 2 }, { size: 10, ttl: 0 });
    expect(after?.offset).toBe(1);
    expect(after?.epoch).not.toBe(before?.epoch);
    expect(await a.broker.presence(channel)).toEqual([]);
    await a.broker.addPresence(channel, { connectionId: 'c2' }, 5_000);
    expect(await a.broker.presence(channel)).toEqual([{ connectionId: 'c2' }]);
    expect(a.broker.health()).toEqual({ status: 'ok' });
  });
});
