import type { Broker } from '@herald/server';
import { BrokerUnavailableError, ServeConfigError } from './errors.js';

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
}

export const defaultBrokerUrls = {
  redis: 'redis://127.0.0.1:6379',
  nats: 'nats://127.0.0.1:4222',
} as const;

type BrokerConstructor = new (options: Record<string, unknown>) => Broker;

/**
 * Makes the broker. Redis and NATS brokers are loaded only when asked for, so that their client
 * libraries are needed only by those who use them. A broker that cannot connect when the
 * gateway starts fails with a BrokerUnavailableError naming the broker and its URL.
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
  const target = spec.type === 'redis' ? { url } : { servers: url.split(',') };
  const broker = new Broker({ ...target, prefix: spec.prefix });
  const start = broker.start.bind(broker);
  broker.start = (sink) =>
    start(sink).catch((error: unknown) => {
      const from = spec.urlFrom ? ` (${spec.urlFrom})` : '';
      throw new BrokerUnavailableError(
        `cannot reach the ${spec.type} broker at ${withoutPassword(url)}${from}: ${(error as Error).message}`,
      );
    });
  return broker;
}

/** The URL(s) with any password masked, fit for an error message. */
function withoutPassword(urls: string): string {
  return urls.replace(/\/\/([^:@/]*):[^@/]*@/g, '//$1:***@');
}
