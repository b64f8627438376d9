import { ConfigError, type BrokerPublisher } from '@herald/server';

/** Which broker package a URL's scheme calls for. */
const packages = {
  'redis:': '@herald/redis',
  'rediss:': '@herald/redis',
  'nats:': '@herald/nats',
  'tls:': '@herald/nats',
} as const;

type Scheme = keyof typeof packages;

/** The scheme of a broker URL, or a ConfigError naming the `url` option. */
export function brokerScheme(url: string): Scheme {
  let scheme: string;
  try {
    scheme = new URL(url).protocol;
  } catch {
    throw new ConfigError(`invalid emitter options: url: "${url}" is not a URL`);
  }
  if (!(scheme in packages)) {
    throw new ConfigError(
      `invalid emitter options: url: use redis://, rediss://, nats:// or tls://, not ${scheme}//`,
    );
  }
  return scheme as Scheme;
}

/**
 * A broker for `url`, not connected yet. The broker packages are optional peers: only the one the
 * URL names is loaded, so an application on Redis needs no NATS client installed, and the reverse.
 */
export async function brokerFromUrl(url: string, prefix: string): Promise<BrokerPublisher> {
  const scheme = brokerScheme(url);
  const name = packages[scheme];
  try {
    if (name === '@herald/redis') {
      const { RedisBroker } = await import('@herald/redis');
      return new RedisBroker({ url, prefix });
    }
    const { NatsBroker } = await import('@herald/nats');
    return new NatsBroker({ servers: url, prefix });
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ERR_MODULE_NOT_FOUND') {
      throw new ConfigError(`invalid emitter options: url: ${scheme}// needs ${name} installed`);
    }
    throw error;
  }
}
