import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { HeraldClient } from '@herald/client';
import { ClusterNode } from './cluster/cluster.js';
import { TcpBalancer } from './support/tcp-balancer.js';
import { secret, sign } from '../packages/server/test/support/tokens.js';
import { until } from './support/until.js';

describe('an HTTP fallback session behind a balancer without sticky sessions', () => {
  const nodes: ClusterNode[] = [];
  const balancers: TcpBalancer[] = [];
  const clients: HeraldClient[] = [];
  afterAll(async () => {
    for (const client of clients) client.close();
    await Promise.all(balancers.map((b) => b.close()));
    await Promise.all(nodes.map((n) => n.kill('SIGKILL')));
  });

  it.each(['sse', 'http-stream'] as const)(
    'reaches its node through Redis when its POSTs land on another (%s)',
    async (transport) => {
      const env = { WS_BROKER: 'redis', JWT_SECRET_KEY: secret, CLUSTER_PREFIX: randomUUID() };
      const [a, b] = await Promise.all([ClusterNode.start(env), ClusterNode.start(env)]);
      nodes.push(a, b);
      // The stream's connection goes to A; every later one (the POSTs) to B.
      const balancer = new TcpBalancer([a.port, b.port], (n) => (n === 0 ? 0 : 1));
      balancers.push(balancer);
      const port = await balancer.listen();

      const client = new HeraldClient(`http://127.0.0.1:${port}/ws`, {
        transports: [transport],
        token: await sign({ sub: 'alice' }),
        reconnect: false,
      });
      clients.push(client);
      await client.connect();
      const got: unknown[] = [];
      const room = client.subscribe('room:1', { publication: (p) => void got.push(p.payload) });
      await room.ready;
      expect(balancer.taken[1]).toBeGreaterThan(0);

      // Subscribed on A (which holds the stream), though the subscribe went to B.
      expect(await a.call({ type: 'presence', channel: 'room:1' })).toMatchObject([
        { userId: 'alice' },
      ]);
      await b.call({ type: 'publish', channel: 'room:1', event: 'msg', payload: 'from B' });
      await room.publish('msg', 'from alice');
      await until(() => got.length === 2);
      expect(got).toEqual(['from B', 'from alice']);
    },
  );
});
