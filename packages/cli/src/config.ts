import {
  ConfigError,
  gatewayOptionsFromEnv,
  listenAddressFromEnv,
  namespacePatternSchema,
  type AdminJwtOptions,
  type GatewayOptions,
  type NamespaceOptionsInput,
} from '@herald/server';
import { brokerTypes, type BrokerSpec } from './broker.js';
import { portSchema, readServeFile, type ServeFile } from './config-file.js';
import { fromConfigFolder } from './controllers/project-paths.js';
import type { ServedControllers } from './controllers/served-controllers.js';
import { ServeConfigError } from './errors.js';
import { redisShape } from './redis-shape.js';

/** What `herald serve` runs: where to listen, the broker, gateway options and namespaces. */
export interface ServeConfig {
  host: string;
  port: number;
  broker: BrokerSpec;
  gateway: GatewayOptions;
  /** Namespace path pattern → its options. */
  namespaces: Record<string, NamespaceOptionsInput>;
  /** The HTTP API: served only with a key or admin JWT settings. */
  api: ApiConfig;
  /** The dashboard page, served only when the API is. */
  dashboard: { enabled: boolean; path: string };
  /** The gateway's Prometheus metrics (docs/observability.md); on by default. */
  metrics: { enabled: boolean; path: string };
  /** Controllers to register (docs/manifest.md), with the manifest they are checked against. */
  controllers: ServedControllers;
}

export interface ApiConfig {
  /** `HERALD_API_KEY`, else the file's `api.key`. */
  key?: string;
  path: string;
  jwt?: AdminJwtOptions;
}

/** `--port`, `--host`, `--controllers` and `--manifest` as typed on the command line. */
export interface ServeFlags {
  port?: string;
  host?: string;
  controllers?: string;
  manifest?: string;
}

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

/** An empty variable counts as unset, as in `gatewayOptionsFromEnv`. */
function variable(env: Env, name: string): string | undefined {
  return env[name]?.trim() || undefined;
}

/** The server's readers name the variable; here they become ServeConfigErrors (exit 2). */
function fromEnv<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    throw error instanceof ConfigError ? new ServeConfigError(error.message) : error;
  }
}

function flagPort(text: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || !portSchema.safeParse(port).success) {
    throw new ServeConfigError(`--port: must be a port number (0 to 65535), got "${text}"`);
  }
  return port;
}

function flagHost(text: string): string {
  if (text.trim() === '') throw new ServeConfigError('--host: must not be empty');
  return text;
}

function brokerSpec(file: ServeFile, path: string | undefined, env: Env): BrokerSpec {
  const type = variable(env, 'WS_BROKER') ?? file.broker?.type ?? 'memory';
  const known = brokerTypes.find((candidate) => candidate === type);
  if (!known)
    throw new ServeConfigError(`WS_BROKER=${type}: must be one of ${brokerTypes.join(', ')}`);
  const spec: BrokerSpec = { type: known };
  const urlVariable = known === 'redis' ? 'REDIS_URL' : known === 'nats' ? 'NATS_URL' : undefined;
  const envUrl = urlVariable && variable(env, urlVariable);
  if (envUrl) {
    spec.url = envUrl;
    spec.urlFrom = urlVariable;
  } else if (file.broker?.url && file.broker.type === known) {
    // The file's URL is for the file's broker, not for another one WS_BROKER chose.
    spec.url = file.broker.url;
    spec.urlFrom = `${path}: broker.url`;
  }
  if (file.broker?.prefix) spec.prefix = file.broker.prefix;
  if (known === 'redis') {
    const { sentinels, masterName, cluster, minReplicas } = file.broker ?? {};
    const fromFile =
      file.broker?.type === 'redis' ? { sentinels, masterName, cluster, minReplicas } : {};
    spec.redis = redisShape(fromFile, env);
  }
  return spec;
}

function namespaces(
  file: ServeFile,
  env: Env,
  withControllers: boolean,
): Record<string, NamespaceOptionsInput> {
  // Controllers bring their namespaces: `/ws` is served by default only without them.
  const entries = Object.entries(file.namespaces ?? (withControllers ? {} : { '/ws': {} }));
  // WS_PATH renames the first namespace, keeping its options.
  const path = variable(env, 'WS_PATH');
  if (path !== undefined && entries[0]) {
    const checked = namespacePatternSchema.safeParse(path);
    if (!checked.success) {
      throw new ServeConfigError(`WS_PATH=${path}: ${checked.error.issues[0]?.message}`);
    }
    entries[0] = [path, entries[0][1]];
  }
  return Object.fromEntries(entries) as Record<string, NamespaceOptionsInput>;
}

function apiConfig(file: ServeFile, env: Env): ApiConfig {
  const api: ApiConfig = { path: file.api?.path ?? '/api' };
  const key = variable(env, 'HERALD_API_KEY') ?? file.api?.key;
  if (key !== undefined) api.key = key;
  if (file.api?.jwt !== undefined) api.jwt = file.api.jwt;
  return api;
}

/** Flags are relative to the working directory, the file's keys to the file's folder. */
function servedControllers(
  file: ServeFile,
  path: string | undefined,
  flags: ServeFlags,
): ServedControllers {
  const fromFile = (value: string | undefined) =>
    value === undefined ? undefined : fromConfigFolder(path, value);
  const module = flags.controllers ?? fromFile(file.controllers);
  const manifest = flags.manifest ?? fromFile(file.manifest);
  return { ...(module !== undefined && { module }), ...(manifest !== undefined && { manifest }) };
}

/**
 * The config of `herald serve`. Flags win over environment variables, which win over the config
 * file: WS_HOST, WS_PORT, WS_PATH, WS_BROKER, REDIS_URL, NATS_URL and HERALD_API_KEY here, and every gateway
 * variable of docs/configuration.md through `gatewayOptionsFromEnv`. Every error is a
 * ServeConfigError whose message names where the bad value was read.
 */
export async function loadServeConfig(
  path: string | undefined,
  env: Env = process.env,
  flags: ServeFlags = {},
): Promise<ServeConfig> {
  const file = path === undefined ? {} : await readServeFile(path);
  const listen = fromEnv(() => listenAddressFromEnv(env));
  const gateway = merge(file.gateway ?? {}, fromEnv(() => gatewayOptionsFromEnv(env)) as Json);
  const controllers = servedControllers(file, path, flags);
  return {
    host: flags.host !== undefined ? flagHost(flags.host) : (listen.host ?? file.host ?? '0.0.0.0'),
    port: flags.port !== undefined ? flagPort(flags.port) : (listen.port ?? file.port ?? 8080),
    broker: brokerSpec(file, path, env),
    gateway: gateway as GatewayOptions,
    namespaces: namespaces(
      file,
      env,
      controllers.module !== undefined || controllers.manifest !== undefined,
    ),
    api: apiConfig(file, env),
    dashboard: {
      enabled: file.dashboard?.enabled ?? true,
      path: file.dashboard?.path ?? '/dashboard',
    },
    metrics: {
      enabled: file.metrics?.enabled ?? true,
      path: file.metrics?.path ?? '/metrics',
    },
    controllers,
  };
}
