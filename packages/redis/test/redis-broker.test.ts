import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll } from 'vitest';
import { RedisBroker } from '../src/index.js';
import { brokerConformance } from '../../server/test/support/broker-conformance.js';

const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `herald-test-${randomUUID()}`;

brokerConformance('redis', {
  createBroker: () => new RedisBroker({ url, prefix }),
  multiNode: true,
});

afterAll(async () => {
  const redis = new Redis(url);
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
});
