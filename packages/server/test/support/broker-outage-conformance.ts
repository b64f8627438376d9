import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Broker } from '../../src/index.js';
import { startBrokerNode, type BrokerNode } from './broker-node.js';
import type { PrivateService } from '../../../../test/support/private-services.js';
import { until } from '../../../../test/support/until.js';

export interface OutageTarget {
  /** Starts a backend server of the suite's own, which it stops and starts again. */
  startBackend(): Promise<PrivateService>;
  /** A broker for one node on `backend`; all of them share it. */
  createBroker(backend: PrivateService): Broker;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The outage contract of docs/brokers.md as tests, for brokers with a backend: while it is away
 * a publication is refused (rejects) and reaches no one, not even this node; once it is back
 * the broker resubscribes by itself and tells its sink (`resubscribed`).
 */
export function brokerOutageConformance(name: string, target: OutageTarget): void {
  describe(`${name} broker when its backend goes away and comes back`, () => {
    let backend: PrivateService;
    const nodes: BrokerNode<Broker>[] = [];
    beforeAll(async () => {
      backend = await target.startBackend();
    });
    afterEach(async () => {
      await Promise.all(nodes.splice(0).map((node) => node.broker.close()));
    });
    afterAll(() => backend.dispose());

    async function node(label: string): Promise<BrokerNode<Broker>> {
      const created = await startBrokerNode(target.createBroker(backend), () => label);
      nodes.push(created);
      return created;
    }

    const status = (node: BrokerNode<Broker>) => node.broker.health?.().status;

    it('refuses publications while away, delivering them nowhere, then resubscribes and says so', async () => {
      const [a, b] = [await node('a'), await node('b')];
      const channel = `outage:${randomUUID()}`;
      const joinedWhileAway = `outage:${randomUUID()}`;
      await a.broker.subscribe(channel);
      await b.broker.subscribe(channel);
      await b.broker.publish({ channel, event: 'e', payload: 'before' }, { size: 10, ttl: 0 });
      await until(() => a.delivered.length === 1 && b.delivered.length === 1, 10_000);

      await backend.stop();
      await until(() => status(a) === 'degraded', 10_000);
      await expect(
        a.broker.publish({ channel, event: 'e', payload: 'away' }, { size: 10, ttl: 0 }),
      ).rejects.toThrow();
      await expect(a.broker.publish({ channel, event: 'e', payload: 'away' })).rejects.toThrow();
      // What needs the backend fails at once instead of hanging; commands answer for this node.
      await expect(a.broker.history(channel, {})).rejects.toThrow();
      await expect(a.broker.presence(channel)).rejects.toThrow();
      expect(await a.broker.command({ type: 'fetch', targets: [] }, 500)).toEqual(['a']);
      await a.broker.subscribe(joinedWhileAway);
      await sleep(100);
      expect(a.delivered.map((p) => p.payload)).toEqual(['before']);
      expect([a.resubscribed, b.resubscribed]).toEqual([0, 0]);

      await backend.start();
      await until(() => status(a) === 'ok' && status(b) === 'ok', 15_000);
      await until(() => a.resubscribed > 0 && b.resubscribed > 0, 10_000);
      // Both subscriptions are live again, including the one made while the backend was away.
      await b.broker.publish({ channel: joinedWhileAway, event: 'e', payload: 'after' });
      await b.broker.publish({ channel, event: 'e', payload: 'back' }, { size: 10, ttl: 0 });
      await until(() => a.delivered.length === 3 && b.delivered.length === 2, 10_000);
      expect(a.delivered.map((p) => p.payload)).toEqual(['before', 'after', 'back']);
      expect(b.delivered.map((p) => p.payload)).toEqual(['before', 'back']);
    });
  });
}
