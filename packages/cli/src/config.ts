import { readFile } from 'node:fs/promises';
import {
  gatewayOptionsFromEnv,
  type GatewayOptions,
  type NamespaceOptionsInput,
} from '@herald/server';
import type { BrokerSpec } from './broker.js';

/** What `herald serve` runs: where to listen, the broker, gateway options and namespaces. */
export interface ServeConfig {
  host: string;
  port: number;
  broker: BrokerSpec;
  gateway: GatewayOptions;
  /** Namespace path pattern → its options. */
  namespaces: Record<string, NamespaceOptionsInput>;
}

export class ServeConfigError extends Error {}

type Env = Record<string, string | undefined>;
type Json = Record<string, unknown>;

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `over` wins; nested plain objects are merged rather than replaced. */
function merge(under: Json, over: Json): Json {
  const merged: Json = { ...under };
  for (const [key, value] of Object.entries(over)) {
    const base = merged[key];
    merged[key] = isRecord(base) && isRecord(value) ? merge(base, value) : value;
  }
  return merged;
}

async function readConfigFile(path: string | undefined): Promise<Json> {
  if (!path) return {};
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new ServeConfigError(`cannot read config file '${path}'`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ServeConfigError(
      `config file '${path}' is not valid JSON: ${(error as Error).message}`,
    );
  }
  if (!isRecord(parsed))
    throw new ServeConfigError(`config file '${path}' must hold a JSON object`);
  return parsed;
}

function brokerSpec(file: Json, env: Env): BrokerSpec {
  const fromFile = isRecord(file.broker) ? file.broker : {};
  const type = env.WS_BROKER || fromFile.type || 'memory';
  if (type !== 'memory' && type !== 'redis' && type !== 'nats') {
    throw new ServeConfigError(`WS_BROKER: must be memory, redis or nats, got '${String(type)}'`);
  }
  const url =
    (type === 'redis' ? env.REDIS_URL : type === 'nats' ? env.NATS_URL : undefined) || fromFile.url;
  const spec: BrokerSpec = { type };
  if (typeof url === 'string') spec.url = url;
  if (typeof fromFile.prefix === 'string') spec.prefix = fromFile.prefix;
  return spec;
}

/**
 * Reads the JSON config file (if any); environment variables override it: WS_HOST, WS_PORT,
 * WS_PATH, WS_BROKER, REDIS_URL, NATS_URL here, and every gateway variable of
 * docs/configuration.md through `gatewayOptionsFromEnv`.
 */
export async function loadServeConfig(
  path: string | undefined,
  env: Env = process.env,
): Promise<ServeConfig> {
  const file = await readConfigFile(path);
  const namespaces = file.namespaces ?? { '/ws': {} };
  if (!isRecord(namespaces))
    throw new ServeConfigError('namespaces: expected an object of path → options');
  const entries = Object.entries(namespaces);
  // WS_PATH renames the first namespace, keeping its options.
  if (env.WS_PATH && entries[0]) entries[0] = [env.WS_PATH, entries[0][1]];
  const gateway = merge(
    isRecord(file.gateway) ? file.gateway : {},
    gatewayOptionsFromEnv(env) as Json,
  );
  const port = env.WS_PORT ? Number(env.WS_PORT) : typeof file.port === 'number' ? file.port : 8080;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new ServeConfigError(
      `WS_PORT: must be a port number, got '${env.WS_PORT ?? String(file.port)}'`,
    );
  }
  return {
    host: env.WS_HOST || (typeof file.host === 'string' ? file.host : '0.0.0.0'),
    port,
    broker: brokerSpec(file, env),
    gateway: gateway as GatewayOptions,
    namespaces: Object.fromEntries(entries) as Record<string, NamespaceOptionsInput>,
  };
}
