import { readFile } from 'node:fs/promises';
import type { GatewayOptions, NamespaceOptionsInput } from '@herald/server';

/** What `herald serve` runs: where to listen, gateway options, and the namespaces to open. */
export interface ServeConfig {
  host: string;
  port: number;
  gateway: GatewayOptions;
  /** Namespace path pattern → its options. */
  namespaces: Record<string, NamespaceOptionsInput>;
}

export class ServeConfigError extends Error {}

type Env = Record<string, string | undefined>;

function envNumber(env: Env, name: string, scale = 1): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value)) throw new ServeConfigError(`${name}: expected a number, got '${raw}'`);
  return Math.round(value * scale);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads the JSON config file (if any), then lets environment variables override it:
 * WS_HOST, WS_PORT, WS_PATH, WS_PING_INTERVAL (s), WS_PONG_TIMEOUT (s), WS_MAX_MESSAGE_SIZE,
 * WS_MAX_CONNECTIONS, WS_DRAIN_TIMEOUT (s), LOG_LEVEL.
 */
export async function loadServeConfig(path: string | undefined, env: Env = process.env): Promise<ServeConfig> {
  let file: Record<string, unknown> = {};
  if (path) {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch {
      throw new ServeConfigError(`cannot read config file '${path}'`);
    }
    try {
      const parsed: unknown = JSON.parse(text);
      if (!isRecord(parsed)) throw new Error('not an object');
      file = parsed;
    } catch (error) {
      throw new ServeConfigError(`config file '${path}' is not a JSON object: ${(error as Error).message}`);
    }
  }
  const fileNamespaces = file.namespaces ?? { '/ws': {} };
  if (!isRecord(fileNamespaces)) throw new ServeConfigError('namespaces: expected an object of path → options');
  const namespaces = { ...(fileNamespaces as Record<string, NamespaceOptionsInput>) };
  if (env.WS_PATH) {
    const first = Object.keys(namespaces)[0];
    const options = first ? namespaces[first] : {};
    if (first) delete namespaces[first];
    namespaces[env.WS_PATH] = options ?? {};
  }
  const defaults: NamespaceOptionsInput = {};
  const pingInterval = envNumber(env, 'WS_PING_INTERVAL', 1000);
  const pongTimeout = envNumber(env, 'WS_PONG_TIMEOUT', 1000);
  const maxMessageSize = envNumber(env, 'WS_MAX_MESSAGE_SIZE');
  const maxConnections = envNumber(env, 'WS_MAX_CONNECTIONS');
  if (pingInterval !== undefined) defaults.pingInterval = pingInterval;
  if (pongTimeout !== undefined) defaults.pongTimeout = pongTimeout;
  if (maxMessageSize !== undefined) defaults.maxMessageSize = maxMessageSize;
  if (maxConnections !== undefined) defaults.maxConnections = maxConnections;

  const gateway: GatewayOptions = isRecord(file.gateway) ? { ...(file.gateway as GatewayOptions) } : {};
  gateway.namespaceDefaults = { ...gateway.namespaceDefaults, ...defaults };
  const drainTimeout = envNumber(env, 'WS_DRAIN_TIMEOUT', 1000);
  if (drainTimeout !== undefined) gateway.drainTimeout = drainTimeout;
  if (env.LOG_LEVEL) gateway.logLevel = env.LOG_LEVEL as GatewayOptions['logLevel'];

  const port = envNumber(env, 'WS_PORT') ?? (typeof file.port === 'number' ? file.port : 8080);
  const host = env.WS_HOST || (typeof file.host === 'string' ? file.host : '0.0.0.0');
  return { host, port, gateway, namespaces };
}
