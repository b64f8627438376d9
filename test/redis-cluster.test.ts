import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HeraldClient } from '@herald/client';
import { RedisBroker } from '@herald/redis';
import { createGateway, type Gateway } from '@herald/server';
import { startRedisCluster, type RedisClusterShape } from './support/redis-shapes.js';
import { TcpBalancer } from './support/tcp-balancer.js';
import { until } from './support/until.js';
import { startServe } from '../packages/cli/test/support/run-cli.js';
import { TestClient } from '../packages/server/test/support/test-client.js';
import { secret, sign } from '../packages/server/test/support/tokens.js';

// Two gateways on a Redis Cluster of three masters started by the test: every channel's keys
// share one slot (hash tags), channels spread over the shards, and everything the broker does
// works across them: fan-out, history and recovery, presence, shared limits, cluster commands.

const run = promisify(execFile);
const prefix = `rc-${randomUUID().slice(0, 8)}`;

describe('two gateways on a three-master Redis Cluster', () => {
  let shape: RedisClusterShape;
  const gateways: { gateway: Gateway; port: number }[] = [];
  const clients: HeraldClient[] = [];

  beforeAll(async () => {
    shape = await startRedisCluster(3);
    for (let i = 0; i < 2; i++) {
      const gateway = createGateway({
        logLevel: 'silent',
        broker: new RedisBroker({ cluster: shape.seeds, prefix }),
        auth: { jwt: { secret } },
        limits: { maxConnectionsPerUser: 2 },
        channels: {
          policies: {
            'room:*': {
              subscribe: 'authenticated',
              publish: 'authenticated',
              presence: true,
              history: { size: 100 },
            },
          },
        },
      });
      gateway.namespace('/app');
      const { port } = await gateway.listen(0, '127.0.0.1');
      gateways.push({ gateway, port });
    }
  }, 60_000);
  afterAll(async () => {
    for (const client of clients) client.close();
    await Promise.all(gateways.map(({ gateway }) => gateway.close()));
    // Unset when starting it failed: beforeAll reports that.
    await (shape as RedisClusterShape | undefined)?.dispose();
  });

  const client = async (node: number, user: string) => {
    const url = `ws://127.0.0.1:${gateways[node]!.port}/app`;
    const created = new HeraldClient(url, { token: await sign({ sub: user }) });
    clients.push(created);
    return created;
  };

  it('delivers, keeps history and presence for channels on every shard', async () => {
    const rooms = Array.from({ length: 12 }, (_, i) => `room:${i}`);
    const reader = await client(0, 'reader');
    const received = new Map<string, number[]>();
    await Promise.all(
      rooms.map(
        (room) =>
          reader.subscribe<{ n: number }>(room, {
            publication: ({ payload }) =>
              void received.set(room, [...(received.get(room) ?? []), payload.n]),
          }).ready,
      ),
    );
    const writer = gateways[1]!.gateway;
    for (const room of rooms) {
      for (const n of [1, 2, 3]) await writer.publish(room, 'msg', { n });
    }
    await until(() => rooms.every((room) => received.get(room)?.length === 3), 10_000);
    expect(rooms.map((room) => received.get(room))).toEqual(rooms.map(() => [1, 2, 3]));

    // History and presence, read on the other node.
    const page = await gateways[1]!.gateway.history('room:7', { limit: 10 });
    expect(page.publications.map((p) => p.payload)).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    const present = await gateways[1]!.gateway.presence('room:7');
    expect(present.map((p) => p.userId)).toEqual(['reader']);

    // Each master keeps some of the channels' streams: they are spread over the shards.
    const streamsPerMaster = await Promise.all(
      shape.masters.map(async (master) => {
        const { stdout } = await run('redis-cli', [
          '-p',
          String(master.port),
          'keys',
          `${prefix}:s:*`,
        ]);
        return stdout.split('\n').filter(Boolean).length;
      }),
    );
    expect(streamsPerMaster.every((count) => count > 0)).toBe(true);
    expect(streamsPerMaster.reduce((a, b) => a + b, 0)).toBe(rooms.length);
  });

  it('recovers what a client missed across a reconnect', async () => {
    // The listener reaches node 0 through a proxy the test closes to drop its connection.
    const proxy = new TcpBalancer([gateways[0]!.port]);
    const proxyPort = await proxy.listen();
    const listener = new HeraldClient(`ws://127.0.0.1:${proxyPort}/app`, {
      token: await sign({ sub: 'listener' }),
      reconnect: { initialDelay: 20, maxDelay: 100 },
    });
    clients.push(listener);
    const seen: number[] = [];
    const subscription = listener.subscribe<{ n: number }>('room:recover', {
      publication: ({ payload }) => void seen.push(payload.n),
    });
    await subscription.ready;
    const writer = gateways[1]!.gateway;
    await writer.publish('room:recover', 'msg', { n: 1 });
    await until(() => seen.length === 1);
    await proxy.close();
    await until(() => listener.state !== 'connected');
    await writer.publish('room:recover', 'msg', { n: 2 });
    await writer.publish('room:recover', 'msg', { n: 3 });
    await proxy.listen(proxyPort);
    await until(() => seen.length === 3, 10_000);
    expect(seen).toEqual([1, 2, 3]);
    await proxy.close();
  });

  it('holds a user to the connection limit across both nodes, and answers cluster commands', async () => {
    const connect = async (node: number) => {
      const url = `ws://127.0.0.1:${gateways[node]!.port}/app?token=${await sign({ sub: 'max' })}`;
      const socket = await TestClient.connect(url);
      await socket.settled();
      return socket;
    };
    const first = await connect(0);
    await connect(1);
    const third = await connect(0);
    expect((await third.closed).code).toBe(4008);
    expect(await gateways[1]!.gateway.disconnect({ user: 'max' }, 4011, 'kicked')).toBe(2);
    expect((await first.closed).code).toBe(4011);
  });

  it('is served by `herald serve` with REDIS_CLUSTER', async () => {
    const serving = await startServe([], {
      WS_BROKER: 'redis',
      REDIS_CLUSTER: shape.seeds.map((s) => `${s.host}:${s.port}`).join(','),
      HERALD_API_KEY: 'cluster-key',
    });
    try {
      // The node registered itself in the cluster (the prefix is the default, `herald`).
      const { stdout } = await run('redis-cli', [
        '-c',
        '-p',
        String(shape.seeds[0]!.port),
        'zcard',
        'herald:nodes',
      ]);
      expect(Number(stdout.trim())).toBe(1);
      const listener = new HeraldClient(`ws://127.0.0.1:${serving.port}/ws`);
      clients.push(listener);
      const seen: unknown[] = [];
      await listener.subscribe('news', { publication: ({ payload }) => void seen.push(payload) })
        .ready;
      const response = await fetch(`http://127.0.0.1:${serving.port}/api/publish`, {
        method: 'POST',
        headers: { authorization: 'Bearer cluster-key', 'content-type': 'application/json' },
        body: JSON.stringify({ channel: 'news', event: 'flash', payload: { n: 1 } }),
      });
      expect(response.status).toBe(200);
      await until(() => seen.length === 1, 10_000);
      expect(seen).toEqual([{ n: 1 }]);
    } finally {
      serving.process.kill('SIGKILL');
    }
  });
});
