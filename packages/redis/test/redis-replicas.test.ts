import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { createGateway, type Gateway } from '@herald/server';
import { RedisBroker } from '../src/index.js';

// `minReplicas` on a Redis that has fewer replicas than asked: a publication kept in history is
// refused once `replicaTimeout` has passed; one without history is never waited for.

const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('minReplicas on a Redis without enough replicas', () => {
  let gateway: Gateway | undefined;
  afterEach(() => gateway?.close());

  it('refuses a history publication after replicaTimeout, and publishes the rest at once', async () => {
    gateway = createGateway({
      logLevel: 'silent',
      broker: new RedisBroker({
        url,
        prefix: `replicas-${randomUUID().slice(0, 8)}`,
        minReplicas: 3,
        replicaTimeout: 150,
      }),
      channels: { policies: { 'kept:*': { history: { size: 10 } } } },
    });
    gateway.namespace('/ws');
    await gateway.listen(0, '127.0.0.1');
    const started = Date.now();
    await expect(gateway.publish('kept:1', 'e', 1)).rejects.toMatchObject({
      code: 'WS_UNAVAILABLE',
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    // Without history there is nothing to wait for: taken at once.
    await gateway.publish('plain', 'e', 1);
  });
});
