import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { RedisBroker } from '../src/index.js';
import { churnLeavesNothing } from '../../server/test/support/churn-scenario.js';

const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `herald-churn-${randomUUID()}`;

afterAll(async () => {
  const redis = new Redis(url);
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
});

describe('on Redis, nothing is left behind', () => {
  it('removes every presence entry and channel subscription after churn', async () => {
    await churnLeavesNothing({ broker: new RedisBroker({ url, prefix }) });
    // Presence hashes are deleted with their last entry, or expire; none may hold an entry.
    const redis = new Redis(url);
    const presenceKeys = await redis.keys(`${prefix}:p:*`);
    const entries = await Promise.all(presenceKeys.map((key) => redis.hlen(key)));
    redis.disconnect();
    expect(entries.every((count) => count === 0)).toBe(true);
  });
});
