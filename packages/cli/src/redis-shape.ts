import { z } from 'zod';
import { ServeConfigError } from './errors.js';

/** A Redis address as `host:port`. */
export interface RedisAddress {
  host: string;
  port: number;
}

/**
 * How `herald serve` reaches Redis besides a URL: through Sentinels, as a Redis Cluster, and how
 * many replicas must hold a publication kept in history before it is acknowledged.
 */
export interface RedisShape {
  sentinels?: RedisAddress[];
  masterName?: string;
  cluster?: RedisAddress[];
  minReplicas?: number;
}

const hostPort = /^(?<host>[^\s:]+|\[[0-9a-fA-F:]+\]):(?<port>\d{1,5})$/;

/** `host:port` (an IPv6 host in brackets), or undefined when it is not one. */
function parseAddress(text: string): RedisAddress | undefined {
  const match = hostPort.exec(text.trim());
  const port = Number(match?.groups?.port);
  if (!match?.groups || port < 1 || port > 65_535) return undefined;
  return { host: match.groups.host!.replace(/^\[|\]$/g, ''), port };
}

const addressList = z
  .array(z.string().refine((text) => parseAddress(text) !== undefined, 'must be host:port'))
  .min(1);

/** The `broker` fields of herald.config.json that shape Redis. */
export const redisShapeFields = {
  sentinels: addressList.optional(),
  masterName: z.string().min(1).optional(),
  cluster: addressList.optional(),
  minReplicas: z.number().int().min(0).optional(),
};

type Env = Record<string, string | undefined>;

/** The same fields as written in the file. */
interface RedisShapeInFile {
  sentinels?: string[] | undefined;
  masterName?: string | undefined;
  cluster?: string[] | undefined;
  minReplicas?: number | undefined;
}

/**
 * The Redis shape from `REDIS_SENTINELS`, `REDIS_SENTINEL_MASTER`, `REDIS_CLUSTER` and
 * `REDIS_MIN_REPLICAS`, each over the file's field; Sentinels and a cluster exclude each other.
 */
export function redisShape(file: RedisShapeInFile, env: Env): RedisShape {
  const shape: RedisShape = {};
  // The file's addresses were checked when it was read.
  const parsed = (texts: string[]) => texts.map((text) => parseAddress(text) as RedisAddress);
  if (file.sentinels) shape.sentinels = parsed(file.sentinels);
  if (file.cluster) shape.cluster = parsed(file.cluster);
  if (file.masterName !== undefined) shape.masterName = file.masterName;
  if (file.minReplicas !== undefined) shape.minReplicas = file.minReplicas;
  const sentinels = addresses(env, 'REDIS_SENTINELS');
  if (sentinels) shape.sentinels = sentinels;
  const cluster = addresses(env, 'REDIS_CLUSTER');
  if (cluster) shape.cluster = cluster;
  const master = env.REDIS_SENTINEL_MASTER?.trim();
  if (master) shape.masterName = master;
  const replicas = env.REDIS_MIN_REPLICAS?.trim();
  if (replicas) {
    if (!/^\d+$/.test(replicas)) {
      throw new ServeConfigError(`REDIS_MIN_REPLICAS=${replicas}: must be a whole number`);
    }
    shape.minReplicas = Number(replicas);
  }
  if (shape.sentinels && shape.cluster) {
    throw new ServeConfigError(
      'Redis Sentinels and a Redis Cluster exclude each other: give REDIS_SENTINELS or REDIS_CLUSTER',
    );
  }
  return shape;
}

function addresses(env: Env, name: string): RedisAddress[] | undefined {
  const value = env[name]?.trim();
  if (!value) return undefined;
  return value.split(',').map((text) => {
    const address = parseAddress(text);
    if (!address)
      throw new ServeConfigError(`${name}=${value}: "${text.trim()}" must be host:port`);
    return address;
  });
}

/** `sentinels 10.0.0.1:26379,10.0.0.2:26379 (master mymaster)` or `cluster 10.0.0.1:7000,...`. */
export function describeShape(shape: RedisShape): string | undefined {
  const list = (addresses: RedisAddress[]) => addresses.map((a) => `${a.host}:${a.port}`).join(',');
  if (shape.sentinels) {
    return `sentinels ${list(shape.sentinels)} (master ${shape.masterName ?? 'mymaster'})`;
  }
  if (shape.cluster) return `cluster ${list(shape.cluster)}`;
  return undefined;
}
