import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { afterAll, describe, expect, it } from 'vitest';
import { HeraldClient } from '@herald/client';
import { ClusterNode } from './cluster/cluster.js';
import { TcpBalancer } from './support/tcp-balancer.js';
import { TestClient } from '../packages/server/test/support/test-client.js';

const secret = 'cluster-test-secret-that-is-at-least-32-bytes';
const presenceTtl = 2_000;
const token = (user: string) =>
  new SignJWT({ sub: user })
    .setProtectedHeader({ alg: 'HS256' })
    .setExpirationTime('1h')
    .sign(new TextEncoder().encode(secret));

const brokers = [
  { name: 'redis', env: { WS_BROKER: 'redis' } },
  { name: 'nats', env: { WS_BROKER: 'nats' } },
];

describe.each(brokers)('a cluster of three gateways on $name', ({ env }) => {
  const nodes: ClusterNode[] = [];
  const balancers: TcpBalancer[] = [];
  afterAll(async () => {
    await Promise.all(balancers.map((b) => b.close()));
    await Promise.all(nodes.map((n) => n.kill('SIGKILL')));
  });

  it('delivers across nodes once, shares presence, disconnects a user everywhere, survives a killed node', async () => {
    const nodeEnv = {
      ...env,
      JWT_SECRET_KEY: secret,
      PRESENCE_TTL: String(presenceTtl),
      CLUSTER_PREFIX: `cluster-${randomUUID()}`,
    };
    const [a, b, c] = await Promise.all([1, 2, 3].map(() => ClusterNode.start(nodeEnv)));
    nodes.push(a!, b!, c!);
    const [nodeA, nodeB, nodeC] = [a!, b!, c!];

    // A subscriber on A, a publisher on C: delivered exactly once.
    const subscriber = await TestClient.connect(nodeA.url(await token('alice')));
    await subscriber.request({ type: 'subscribe', channel: 'room:1' });
    const publisher = await TestClient.connect(nodeC.url(await token('carol')));
    await publisher.request({ type: 'subscribe', channel: 'room:1' });
    const ack = await publisher.request({
      type: 'publish',
      channel: 'room:1',
      event: 'msg',
      payload: { text: 'hi from C' },
    });
    expect(ack.type).toBe('ack');
    expect((await subscriber.waitFor((f) => f.event === 'msg')).payload).toEqual({
      text: 'hi from C',
    });
    await new Promise((r) => setTimeout(r, 200));
    expect(subscriber.events('msg')).toHaveLength(1);

    // Presence, asked on B, lists the users of every node.
    const onB = await TestClient.connect(nodeB.url(await token('bob')));
    await onB.request({ type: 'subscribe', channel: 'room:1' });
    const users = async (node: ClusterNode) =>
      ((await node.call({ type: 'presence', channel: 'room:1' })) as { userId: string }[])
        .map((p) => p.userId)
        .sort();
    await expect.poll(() => users(nodeB)).toEqual(['alice', 'bob', 'carol']);
    expect(((await nodeB.call({ type: 'online' })) as string[]).sort()).toEqual([
      'alice',
      'bob',
      'carol',
    ]);
    // Channel counts, asked on A, add up the subscribers of every node.
    expect(await nodeA.call({ type: 'channels' })).toEqual([{ channel: 'room:1', subscribers: 3 }]);

    // disconnect(user) on B closes that user's sockets on A and C.
    const daveOnA = await TestClient.connect(nodeA.url(await token('dave')));
    const daveOnC = await TestClient.connect(nodeC.url(await token('dave')));
    expect(await nodeB.call({ type: 'disconnect', user: 'dave' })).toBe(2);
    expect((await daveOnA.closed).code).toBe(4011);
    expect((await daveOnC.closed).code).toBe(4011);

    // A client behind a balancer that prefers A; A is killed mid-stream and the client recovers on B.
    const balancer = new TcpBalancer([nodeA.port, nodeB.port]);
    balancers.push(balancer);
    const lbPort = await balancer.listen();
    const erin = await token('erin');
    const client = new HeraldClient(`ws://127.0.0.1:${lbPort}/ws`, {
      token: erin,
      reconnect: { initialDelay: 50, maxDelay: 200, factor: 2, maxAttempts: 0 },
    });
    const received: number[] = [];
    const recoveries: boolean[] = [];
    const sub = client.subscribe<{ seq: number }>('room:stream', {
      publication: ({ payload }) => void received.push(payload.seq),
      subscribed: ({ resubscribed, recovered }) =>
        resubscribed && void recoveries.push(recovered === true),
    });
    await sub.ready;
    const total = 300;
    for (let seq = 0; seq < total; seq++) {
      await nodeC.call({
        type: 'publish',
        channel: 'room:stream',
        event: 'tick',
        payload: { seq },
      });
      if (seq === 100) {
        await expect.poll(() => received.length).toBeGreaterThan(50);
        await nodeA.kill('SIGKILL');
      }
      if (seq % 10 === 0) await new Promise((r) => setTimeout(r, 5));
    }
    await expect.poll(() => received.length, { timeout: 15_000 }).toBe(total);
    expect(received).toEqual([...Array(total).keys()]);
    expect(recoveries).toEqual([true]);

    // A's presence entries (alice) are gone within the presence ttl.
    await expect
      .poll(() => users(nodeB), { timeout: presenceTtl + 3_000 })
      .toEqual(['bob', 'carol']);
    client.close();
  }, 60_000);
});
