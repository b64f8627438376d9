import { Cluster, Redis, type RedisOptions } from 'ioredis';

/** A Redis server or a Redis Cluster, as the broker talks to either. */
export type RedisClient = Redis | Cluster;

/** A Redis host and port: a Sentinel, or a seed node of a Redis Cluster. */
export interface RedisAddress {
  host: string;
  port: number;
}

/** Where the broker finds Redis: one server (`url`), through Sentinels, or a Redis Cluster. */
export interface RedisTopology {
  url: string;
  /** Sentinels watching `masterName`: the broker follows the master they name. */
  sentinels?: RedisAddress[];
  masterName?: string;
  /** Seed nodes of a Redis Cluster: keys and channels spread over its shards. */
  cluster?: RedisAddress[];
}

/**
 * A client for `topology` with `options` (per node, for a cluster). Publications then use
 * sharded pub/sub on a cluster (`SPUBLISH`, each channel served by its shard) and plain pub/sub
 * otherwise, which Redis before 7 also has.
 */
export function redisClient(topology: RedisTopology, options: RedisOptions): RedisClient {
  if (topology.cluster) {
    const { lazyConnect, enableOfflineQueue, retryStrategy, ...redisOptions } = options;
    return new Cluster(topology.cluster, {
      lazyConnect,
      enableOfflineQueue,
      clusterRetryStrategy: retryStrategy && ((attempt) => retryStrategy(attempt) ?? null),
      shardedSubscribers: true,
      redisOptions,
    });
  }
  if (topology.sentinels) {
    return new Redis({
      ...options,
      sentinels: topology.sentinels,
      name: topology.masterName ?? 'mymaster',
    });
  }
  return new Redis(topology.url, options);
}

/** Whether `client` talks to a Redis Cluster (sharded pub/sub, one slot per script). */
export function isCluster(client: RedisClient): client is Cluster {
  return client instanceof Cluster;
}
