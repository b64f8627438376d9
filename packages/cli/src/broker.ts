import type { Broker } from '@herald/server';

/** Which broker `herald serve` runs on: `WS_BROKER=memory|redis|nats`, or `broker` in the file. */
export interface BrokerSpec {
  type: 'memory' | 'redis' | 'nats';
  /** Redis URL (`REDIS_URL`) or NATS servers (`NATS_URL`, comma-separated). */
  url?: string;
  /** Key and subject prefix, so that several clusters can share one Redis or NATS. */
  prefix?: string;
}

export class BrokerUnavailableError extends Error {}

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
    throw new BrokerUnavailableError(
      `WS_BROKER=${spec.type} needs the ${moduleName} package: npm install ${moduleName}`,
    );
  }
  // Typed by shape, so that the CLI builds without either broker package installed.
  const Broker = loaded[spec.type === 'redis' ? 'RedisBroker' : 'NatsBroker'] as BrokerConstructor;
  const target = spec.type === 'redis' ? { url: spec.url } : { servers: spec.url?.split(',') };
  return new Broker({ ...target, prefix: spec.prefix });
}
