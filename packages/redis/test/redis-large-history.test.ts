import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll } from 'vitest';
import { RedisBroker } from '../src/index.js';
import { largeHistorySuite } from '../../server/test/support/large-history-suite.js';

const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `herald-test-${randomUUID()}`;

largeHistorySuite('redis', { createBroker: () => new RedisBroker({ url, prefix }) });

afterAll(async () => {
  const redis = new Redis(url);
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
});
