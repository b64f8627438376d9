import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { createGateway } from '@herald/server';
import { RedisBroker } from '../src/index.js';
import { TestClient } from '../../server/test/support/test-client.js';

const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `herald-timeout-${randomUUID()}`;
const redis = new Redis(url);
afterAll(async () => {
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
});

describe('cluster calls with a node that never answers', () => {
  it('resolve at clusterTimeout with the answers that came', async () => {
    const gateway = createGateway({
      logLevel: 'silent',
      clusterTimeout: 300,
      broker: new RedisBroker({ url, prefix }),
    });
    gateway.namespace('/ws');
    const { port } = await gateway.listen(0, '127.0.0.1');
    const client = await TestClient.connect(`ws://127.0.0.1:${port}/ws`);
    // A node that heartbeats into the registry but is hung: it will never answer.
    await redis.zadd(`${prefix}:nodes`, Date.now() + 60_000, 'hung-node');
    const started = Date.now();
    const connections = await gateway.fetchConnections({});
    const waited = Date.now() - started;
    expect(connections).toHaveLength(1);
    expect(waited).toBeGreaterThanOrEqual(250);
    expect(waited).toBeLessThan(5_000);
    client.ws.close();
    await gateway.close();
  });
});
