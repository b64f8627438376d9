import type { AuthOptions } from '../auth/auth-options.js';
import type { JwtAlgorithm } from '../auth/jwt-algorithms.js';
import type { JwtOptions } from '../auth/jwt-options.js';
import type { TenancyOptions, TenantSource } from '../auth/tenancy-options.js';
import { ConfigError } from '../errors.js';
import type { ConnectionLimitOptions, RateLimitOptions } from '../limits/limit-options.js';
import { logLevels } from './logger.js';
import type { GatewayOptions, NamespaceOptionsInput } from '../options.js';

export type Environment = Readonly<Record<string, string | undefined>>;

/** Used when RATE_LIMIT_ENABLED is true and no rate variable is set. */
const defaultPerConnection = { perSecond: 50, burst: 100 };

/** Reads typed values from the environment; every error names the variable. */
class EnvReader {
  constructor(private readonly env: Environment) {}

  string(name: string): string | undefined {
    const value = this.env[name]?.trim();
    return value ? value : undefined;
  }

  list(name: string): string[] | undefined {
    const value = this.string(name);
    return value
      ?.split(',')
      .map((part) => part.trim())
      .filter((part) => part.length > 0);
  }

  /** One of `choices`, written exactly. */
  choice<T extends string>(name: string, choices: readonly T[]): T | undefined {
    const value = this.string(name);
    if (value === undefined) return undefined;
    const known = choices.find((candidate) => candidate === value);
    return known ?? this.fail(name, `must be one of ${choices.join(', ')}`);
  }

  integer(name: string, min = 0): number | undefined {
    const value = this.string(name);
    if (value === undefined) return undefined;
    const number = Number(value);
    if (!Number.isSafeInteger(number) || number < min)
      this.fail(name, `must be an integer of at least ${min}`);
    return number;
  }

  number(name: string): number | undefined {
    const value = this.string(name);
    if (value === undefined) return undefined;
    const number = Number(value);
    if (!Number.isFinite(number) || number < 0) this.fail(name, 'must be a non-negative number');
    return number;
  }

  /** A duration given in seconds (fractions allowed), returned in milliseconds. */
  seconds(name: string): number | undefined {
    const value = this.number(name);
    return value === undefined ? undefined : Math.round(value * 1000);
  }

  boolean(name: string): boolean | undefined {
    const value = this.string(name)?.toLowerCase();
    if (value === undefined) return undefined;
    if (['true', '1', 'yes', 'on'].includes(value)) return true;
    if (['false', '0', 'no', 'off'].includes(value)) return false;
    return this.fail(name, 'must be true or false');
  }

  /** A TCP port; 0 asks the system for a free one. */
  port(name: string): number | undefined {
    const value = this.string(name);
    if (value === undefined) return undefined;
    const port = Number(value);
    if (!/^\d+$/.test(value) || port > 65_535)
      this.fail(name, 'must be a port number (0 to 65535)');
    return port;
  }

  /** The message shows the value as set: only typed variables fail, and none of them is a secret. */
  fail(name: string, message: string): never {
    throw new ConfigError(`${name}=${this.env[name] ?? ''}: ${message}`);
  }
}

/** Drops undefined fields; undefined when nothing is left, so absent sections stay absent. */
function defined<T extends object>(value: T): T | undefined {
  const entries = Object.entries(value).filter(([, v]) => v !== undefined);
  return entries.length > 0 ? (Object.fromEntries(entries) as T) : undefined;
}

function jwtFromEnv(read: EnvReader): JwtOptions | undefined {
  return defined<JwtOptions>({
    secret: read.string('JWT_SECRET_KEY'),
    // PEM in one line with literal \n, as env files usually carry it.
    publicKey: read.string('JWT_PUBLIC_KEY')?.replace(/\\n/g, '\n'),
    jwksUrl: read.string('JWT_JWKS_URL'),
    jwksFile: read.string('JWT_JWKS_FILE'),
    algorithms: read.list('JWT_ALGORITHM') as JwtAlgorithm[] | undefined,
    issuer: read.string('JWT_ISSUER'),
    audience: read.list('JWT_AUDIENCE'),
    clockTolerance: read.number('JWT_CLOCK_TOLERANCE'),
  });
}

const authVariables = [
  'AUTH_TIMEOUT',
  'AUTH_REJECT_BEFORE_UPGRADE',
  'AUTH_TOKEN_QUERY',
  'AUTH_TOKEN_COOKIE',
];

function authFromEnv(read: EnvReader): AuthOptions | undefined {
  const jwt = jwtFromEnv(read);
  if (!jwt) {
    const orphan = authVariables.find((name) => read.string(name) !== undefined);
    if (orphan)
      read.fail(orphan, 'needs JWT_SECRET_KEY, JWT_PUBLIC_KEY, JWT_JWKS_URL or JWT_JWKS_FILE');
    return undefined;
  }
  const tokenSources = defined({
    query: read.string('AUTH_TOKEN_QUERY'),
    cookie: read.string('AUTH_TOKEN_COOKIE'),
  });
  const rest = defined<AuthOptions>({
    authTimeout: read.integer('AUTH_TIMEOUT'),
    rejectBeforeUpgrade: read.boolean('AUTH_REJECT_BEFORE_UPGRADE'),
    tokenSources,
  });
  return { ...rest, jwt };
}

const tenantSources = ['claim', 'param', 'query', 'header', 'subdomain'];

function tenancyFromEnv(read: EnvReader): TenancyOptions | undefined {
  const sources = read.list('TENANT_SOURCES');
  if (!sources) return undefined;
  const bad = sources.find((source) => !tenantSources.includes(source));
  if (bad !== undefined)
    read.fail('TENANT_SOURCES', `'${bad}' is not one of ${tenantSources.join(', ')}`);
  return {
    sources: sources as TenantSource[],
    ...defined({
      isolation: read.boolean('TENANT_ISOLATION'),
      required: read.boolean('TENANT_REQUIRED'),
    }),
  };
}

function rateLimitFromEnv(read: EnvReader): RateLimitOptions | undefined {
  const perMinute = (name: string) => {
    const value = read.integer(name, 1);
    return value === undefined ? undefined : { perMinute: value };
  };
  const perSecond = read.integer('MESSAGES_PER_SECOND', 1);
  const rates = defined<RateLimitOptions>({
    perConnection:
      perSecond === undefined
        ? undefined
        : { perSecond, ...defined({ burst: read.integer('MESSAGE_BURST', 1) }) },
    perUser: perMinute('MESSAGES_PER_MINUTE'),
    perIp: perMinute('MESSAGES_PER_MINUTE_PER_IP'),
    perTenant: perMinute('MESSAGES_PER_MINUTE_PER_TENANT'),
    connectionAttemptsPerIp: perMinute('CONNECTIONS_PER_MINUTE_PER_IP'),
    maxViolations: read.integer('RATE_LIMIT_MAX_VIOLATIONS', 1),
  });
  const enabled = read.boolean('RATE_LIMIT_ENABLED');
  if (enabled === false) return { ...rates, enabled };
  if (
    enabled === true &&
    !rates?.perConnection &&
    !rates?.perUser &&
    !rates?.perIp &&
    !rates?.perTenant
  ) {
    return { ...rates, perConnection: defaultPerConnection };
  }
  return rates;
}

/**
 * Gateway options from environment variables (see docs/configuration.md). Only variables that
 * are set appear in the result, so it can be merged under or over a config file.
 */
export function gatewayOptionsFromEnv(env: Environment = process.env): Partial<GatewayOptions> {
  const read = new EnvReader(env);
  const origins = read.list('WS_ALLOWED_ORIGINS');
  const options: Partial<GatewayOptions> = {
    auth: authFromEnv(read),
    tenancy: tenancyFromEnv(read),
    limits: defined<ConnectionLimitOptions>({
      maxConnections: read.integer('MAX_CONNECTIONS'),
      maxConnectionsPerIp: read.integer('MAX_CONNECTIONS_PER_IP'),
      maxConnectionsPerUser: read.integer('MAX_CONNECTIONS_PER_USER'),
      maxConnectionsPerTenant: read.integer('MAX_CONNECTIONS_PER_TENANT'),
      scope: read.choice('LIMITS_SCOPE', ['cluster', 'node']),
      whenBrokerUnreachable: read.choice('LIMITS_WHEN_BROKER_UNREACHABLE', ['node', 'refuse']),
    }),
    rateLimit: rateLimitFromEnv(read),
    handshakeTimeout: read.integer('WS_HANDSHAKE_TIMEOUT', 1),
    maxPayloadDepth: read.integer('WS_MAX_PAYLOAD_DEPTH', 1),
    trustProxy: read.list('WS_TRUST_PROXY'),
    drainTimeout: read.seconds('WS_DRAIN_TIMEOUT'),
    logLevel: read.choice('LOG_LEVEL', logLevels),
    audit: defined({ file: read.string('HERALD_AUDIT_FILE') }),
    namespaceDefaults: defined<NamespaceOptionsInput>({
      compression: defined({
        enabled: read.boolean('WS_COMPRESSION'),
        threshold: read.integer('WS_COMPRESSION_THRESHOLD'),
      }),
      pingInterval: read.seconds('WS_PING_INTERVAL'),
      pongTimeout: read.seconds('WS_PONG_TIMEOUT'),
      maxMessageSize: read.integer('WS_MAX_MESSAGE_SIZE', 1),
      idleTimeout: read.integer('WS_IDLE_TIMEOUT'),
      closeTimeout: read.integer('WS_CLOSE_TIMEOUT'),
      maxSubscriptions: read.integer('WS_MAX_SUBSCRIPTIONS'),
      maxSubscribersPerChannel: read.integer('WS_MAX_SUBSCRIBERS_PER_CHANNEL'),
      origins,
    }),
  };
  return defined(options) ?? {};
}

/** Where to listen, from `WS_HOST` and `WS_PORT`; only variables that are set (and not empty) appear. */
export function listenAddressFromEnv(env: Environment = process.env): {
  host?: string;
  port?: number;
} {
  const read = new EnvReader(env);
  return defined({ host: read.string('WS_HOST'), port: read.port('WS_PORT') }) ?? {};
}
