import { randomUUID } from 'node:crypto';
import { NatsBroker } from '@herald/nats';
import { RedisBroker } from '@herald/redis';
import type { Broker } from '@herald/server';
import { startPrivateNats, startPrivateRedis, type PrivateService } from './private-services.js';

/** A broker server of the test's own, to kill and restart, and the brokers that use it. */
export interface OutageBackend {
  name: 'redis' | 'nats';
  start(): Promise<PrivateService>;
  /** A broker on `url`; nodes given the same `prefix` form one cluster (default: a fresh one). */
  broker(url: string, prefix?: string): Broker;
}

/**
 * Redis and NATS for outage tests. `keepsData`: the restarted server still has the streams
 * (Redis with persistence, JetStream on disk); otherwise it has lost them (Redis without
 * persistence, JetStream in memory). NATS clients notice a dead server and reconnect quickly.
 */
export function outageBackends(keepsData: boolean): OutageBackend[] {
  const fresh = () => `outage-${randomUUID().slice(0, 8)}`;
  return [
    {
      name: 'redis',
      start: () => startPrivateRedis({ persistent: keepsData }),
      broker: (url, prefix = fresh()) => new RedisBroker({ url, prefix }),
    },
    {
      name: 'nats',
      start: startPrivateNats,
      broker: (url, prefix = fresh()) =>
        new NatsBroker({
          servers: url,
          prefix,
          ...(!keepsData && { storage: 'memory' as const }),
          connection: { pingInterval: 1_000, reconnectTimeWait: 100, reconnectJitter: 0 },
        }),
    },
  ];
}
