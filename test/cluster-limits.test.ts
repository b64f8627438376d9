import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayOptions } from '@herald/server';
import { ClusterNode } from './cluster/cluster.js';
import { TcpBalancer } from './support/tcp-balancer.js';
import { TestClient } from '../packages/server/test/support/test-client.js';

const secret = 'cluster-limits-secret-that-is-at-least-32-bytes';
const token = (claims: { sub: string; tenant_id?: string }) =>
  new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setExpirationTime('1h')
    .sign(new TextEncoder().encode(secret));

const options: Partial<GatewayOptions> = {
  limits: { maxConnectionsPerUser: 2, maxConnectionsPerTenant: 3, maxConnectionsPerIp: 4 },
  rateLimit: { perUser: { perMinute: 6 }, perTenant: { perMinute: 10 } },
  tenancy: { sources: ['claim'] },
  // The test's clients all come from 127.0.0.1; each names its own address behind the balancer.
  trustProxy: ['127.0.0.1'],
};

const brokers = [
  { name: 'redis', env: { WS_BROKER: 'redis' } },
  { name: 'nats', env: { WS_BROKER: 'nats' } },
];

describe.each(brokers)('limits across three gateways on $name', ({ env }) => {
  const nodes: ClusterNode[] = [];
  const clients: TestClient[] = [];
  let balancer: TcpBalancer;
  let port: number;

  beforeAll(async () => {
    const nodeEnv = {
      ...env,
      JWT_SECRET_KEY: secret,
      NODE_TTL: '3000',
      CLUSTER_PREFIX: `limits-${randomUUID()}`,
      GATEWAY_OPTIONS: JSON.stringify(options),
    };
    nodes.push(...(await Promise.all([1, 2, 3].map(() => ClusterNode.start(nodeEnv)))));
    // Round robin: connection n goes to node n % 3, as a balancer without sticky sessions does.
    balancer = new TcpBalancer(
      nodes.map((node) => node.port),
      (n) => n % 3,
    );
    port = await balancer.listen();
  });
  afterAll(async () => {
    for (const client of clients) client.ws.terminate();
    await balancer.close();
    await Promise.all(nodes.map((node) => node.kill('SIGKILL')));
  });

  /** A connection through the balancer, or straight to `node`, from the address `ip`. */
  const connect = async (
    claims: { sub: string; tenant_id?: string },
    ip: string,
    node?: ClusterNode,
  ) => {
    const target = node?.port ?? port;
    const url = `ws://127.0.0.1:${target}/ws?token=${await token(claims)}`;
    const client = await TestClient.connect(url, undefined, {
      headers: { 'x-forwarded-for': ip },
    });
    clients.push(client);
    // Accepted, or refused after the upgrade with an error frame and a close.
    await client.settled();
    return client;
  };
  const refusal = async (client: TestClient) => {
    const closed = await client.closed;
    const error = await client.waitFor((f) => f.type === 'error');
    return { close: closed.code, code: error.code, message: error.message };
  };

  it('holds connections per user to the limit across nodes, and gives a slot back on close', async () => {
    const first = await connect({ sub: 'ulla' }, '10.0.0.1');
    await connect({ sub: 'ulla' }, '10.0.0.2');
    // The balancer sent the third to a node with no connection of ulla's: refused all the same.
    const third = await connect({ sub: 'ulla' }, '10.0.0.3');
    expect(await refusal(third)).toEqual({
      close: 4008,
      code: 'WS_CONNECTION_LIMIT',
      message: 'connection limit reached (per user, across the cluster)',
    });
    await first.close();
    await expect
      .poll(async () => {
        const again = await connect({ sub: 'ulla' }, '10.0.0.4');
        const open = again.ws.readyState === again.ws.OPEN;
        return open;
      })
      .toBe(true);
  });

  it('holds connections per tenant and per IP across nodes', async () => {
    for (const user of ['t1', 't2', 't3'])
      await connect({ sub: user, tenant_id: 'acme' }, `10.1.0.${user.slice(1)}`);
    const fourth = await connect({ sub: 't4', tenant_id: 'acme' }, '10.1.0.4');
    expect((await refusal(fourth)).message).toBe(
      'connection limit reached (per tenant, across the cluster)',
    );
    for (const user of ['i1', 'i2', 'i3', 'i4']) await connect({ sub: user }, '10.2.0.1');
    const fifth = await connect({ sub: 'i5' }, '10.2.0.1');
    expect((await refusal(fifth)).message).toBe(
      'connection limit reached (per IP, across the cluster)',
    );
  });

  it('counts message rates per user and per tenant across nodes, with their bursts', async () => {
    // rosa's two connections sit on two nodes; together they get the user's burst of 6.
    const rosa = [
      await connect({ sub: 'rosa' }, '10.3.0.1'),
      await connect({ sub: 'rosa' }, '10.3.0.2'),
    ];
    const answers = await Promise.all(
      rosa.flatMap((client) =>
        [1, 2, 3, 4, 5].map(() => client.request({ type: 'subscribe', channel: 'room:rates' })),
      ),
    );
    const refused = answers.filter((a) => a.type === 'error');
    expect(answers.filter((a) => a.type === 'ack')).toHaveLength(6);
    expect(refused).toHaveLength(4);
    expect(new Set(refused.map((a) => a.code))).toEqual(new Set(['WS_RATE_LIMIT_EXCEEDED']));

    // Three users of one tenant on three nodes share the tenant's burst of 10.
    const team = [];
    for (const user of ['a', 'b', 'c'])
      team.push(
        await connect({ sub: `team-${user}`, tenant_id: 'globex' }, `10.4.0.${team.length + 1}`),
      );
    const teamAnswers = await Promise.all(
      team.flatMap((client) =>
        [1, 2, 3, 4, 5].map(() => client.request({ type: 'subscribe', channel: 'room:rates' })),
      ),
    );
    expect(teamAnswers.filter((a) => a.type === 'ack')).toHaveLength(10);
  });

  it('forgets the counts of a node that died once its lease runs out', async () => {
    const [, , nodeC] = nodes as [ClusterNode, ClusterNode, ClusterNode];
    await connect({ sub: 'kim' }, '10.5.0.1', nodeC);
    await connect({ sub: 'kim' }, '10.5.0.2', nodeC);
    await nodeC.kill('SIGKILL');
    const [nodeA] = nodes as [ClusterNode];
    // Within the lease (3 s) the dead node's counts still hold ...
    expect((await refusal(await connect({ sub: 'kim' }, '10.5.0.3', nodeA))).code).toBe(
      'WS_CONNECTION_LIMIT',
    );
    // ... and then they are gone.
    await expect
      .poll(
        async () => {
          const again = await connect({ sub: 'kim' }, '10.5.0.4', nodeA);
          return again.ws.readyState === again.ws.OPEN;
        },
        { timeout: 10_000, interval: 500 },
      )
      .toBe(true);
  });
});
