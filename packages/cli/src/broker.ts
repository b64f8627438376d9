import type { Broker } from '@herald/server';
import { ServeConfigError } from './errors.js';
import { describeShape, type RedisShape } from './redis-shape.js';

export const brokerTypes = ['memory', 'redis', 'nats'] as const;

/** Which broker `herald serve` runs on: `WS_BROKER=memory|redis|nats`, or `broker` in the file. */
export interface BrokerSpec {
  type: (typeof brokerTypes)[number];
  /** Redis URL (`REDIS_URL`) or NATS servers (`NATS_URL`, comma-separated). */
  url?: string;
  /** Where `url` was read (`REDIS_URL`, `herald.config.json: broker.url`, `default`), for errors. */
  urlFrom?: string;
  /** Key and subject prefix, so that several clusters can share one Redis or NATS. */
  prefix?: string;
  /** Redis only: Sentinels, a Redis Cluster, replicas to wait for. */
  redis?: RedisShape;
}

export const defaultBrokerUrls = {
  redis: 'redis://127.0.0.1:6379',
  nats: 'nats://127.0.0.1:4222',
} as const;

type BrokerConstructor = new (options: Record<string, unknown>) => Broker;

/**
 * Makes the broker. Redis and NATS brokers are loaded only when asked for, so that their client
 * libraries are needed only by those who use them.
 */
export async function createBroker(spec: BrokerSpec): Promise<Broker | undefined> {
  if (spec.type === 'memory') return undefined;
  const moduleName = spec.type === 'redis' ? '@herald/redis' : '@herald/nats';
  let loaded: Record<string, unknown>;
  try {
    loaded = (await import(moduleName)) as Record<string, unknown>;
  } catch {
    throw new ServeConfigError(
      `WS_BROKER=${spec.type} needs the ${moduleName} package: npm install ${moduleName}`,
    );
  }
  // Typed by shape, so that the CLI builds without either broker package installed.
  const Broker = loaded[spec.type === 'redis' ? 'RedisBroker' : 'NatsBroker'] as BrokerConstructor;
  const url = spec.url ?? defaultBrokerUrls[spec.type];
  const target = spec.type === 'redis' ? { url, ...spec.redis } : { servers: url.split(',') };
  return new Broker({ ...target, prefix: spec.prefix });
}

/** `redis broker at redis://u:***@host:6379 (REDIS_URL)`: which broker, where, and who said so. */
export function describeBroker(spec: BrokerSpec): string {
  if (spec.type === 'memory') return 'memory broker';
  const shape = spec.redis && describeShape(spec.redis);
  if (shape) return `redis broker through ${shape}`;
  const url = withoutPassword(spec.url ?? defaultBrokerUrls[spec.type]);
  return `${spec.type} broker at ${url}${spec.urlFrom ? ` (${spec.urlFrom})` : ''}`;
}

/** The URL(s) with any password masked, fit for an error message. */
function withoutPassword(urls: string): string {
  return urls.replace(/\/\/([^:@/]*):[^@/]*@/g, '//$1:***@');
}
