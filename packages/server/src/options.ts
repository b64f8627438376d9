import { isIP } from 'node:net';
import { z } from 'zod';
import { PayloadDepth, type Codec } from '@herald/protocol';
import type { Logger } from 'pino';
import type { AuthMode } from './auth/auth-mode.js';
import type { AuthOptions } from './auth/authenticator.js';
import type { TenancyOptions } from './auth/tenancy.js';
import type { Broker } from './broker/broker.js';
import type { ChannelsOptions, NamespaceChannelsOptions } from './channels/channel-policy.js';
import { channelsOptionsSchema, namespaceChannelsSchema } from './channels/policy-schema.js';
import type { ChannelAuthorizer } from './guards/channel-access.js';
import type { HandshakeGuard } from './guards/guard.js';
import type { ConnectionLimitOptions } from './limits/connection-limits.js';
import type { RateLimitOptions } from './limits/rate-limiter.js';
import type { BackpressureStrategy } from './outbound-queue.js';
import { ConfigError } from './errors.js';
import { gatewaySecurityShape, namespaceSecurityShape } from './security-options.js';

/** Per-namespace options. Every field has a default; see docs/configuration.md. */
export interface NamespaceOptions {
  /** Largest accepted frame in bytes; a larger one closes the connection with 1009. */
  maxMessageSize: number;
  /** Most simultaneous connections on this namespace (on this node); 0 means no limit. */
  maxConnections: number;
  /** Milliseconds between WebSocket ping frames; 0 disables. */
  pingInterval: number;
  /** Milliseconds to wait for a pong before terminating the connection. */
  pongTimeout: number;
  backpressure: {
    strategy: BackpressureStrategy;
    maxQueueBytes: number;
    maxQueueMessages: number;
  };
  /**
   * permessage-deflate for clients that offer it. Each frame is compressed once for all its
   * recipients (no context takeover); frames under `threshold` bytes go out uncompressed.
   */
  compression: {
    enabled: boolean;
    threshold: number;
  };
  /** This namespace's default channel policy and strictness; see docs/channels.md. */
  channels: NamespaceChannelsOptions;
  /** Who may connect. Default `required` when the gateway has `auth`, else `public`. See docs/auth.md. */
  auth: AuthMode;
  /** Allowed `Origin`s: exact (`https://app.example.com`) or wildcard (`https://*.example.com`). Absent: any. */
  origins?: readonly string[];
  /** Custom handshake guards, run in order after the origin and auth checks; refusing closes 4003. */
  handshakeGuards?: readonly HandshakeGuard[];
  /** May this connection subscribe to this (client-visible) channel? false answers WS_FORBIDDEN. */
  authorizeSubscribe?: ChannelAuthorizer;
  /** May this connection publish to this channel from the client? false answers WS_FORBIDDEN. */
  authorizePublish?: ChannelAuthorizer;
  /** Most channels one connection may subscribe to (WS_SUBSCRIPTION_LIMIT); 0 means no limit. */
  maxSubscriptions: number;
  /** Most subscribers of one channel on this node (WS_CHANNEL_FULL); 0 means no limit. */
  maxSubscribersPerChannel: number;
  /** Milliseconds without a client frame after which the connection is closed (1000); 0 disables. */
  idleTimeout: number;
  /**
   * Milliseconds a closing connection waits for the handlers of requests it already accepted to
   * answer before it sends its close frame; requests still open then are answered WS_UNAVAILABLE.
   */
  closeTimeout: number;
}

export interface GatewayOptions {
  /** A pino logger to use; otherwise one is made at `logLevel`. */
  logger?: Logger;
  logLevel?: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Cross-node fan-out. Default: the in-memory broker (one process). */
  broker?: Broker;
  /** Codecs offered by subprotocol, besides JSON and MessagePack which are always offered. */
  codecs?: Codec[];
  /**
   * How deeply payloads may nest, in client frames (refused with WS_MESSAGE_INVALID) and in what
   * the server publishes or broadcasts (refused with a HeraldError). Default 32, at most 64.
   */
  maxPayloadDepth?: number;
  /** Milliseconds from TCP accept to a completed WebSocket handshake. */
  handshakeTimeout?: number;
  /**
   * Addresses of proxies (load balancers) whose `X-Forwarded-For` header is believed: behind
   * them, the client's address (per-IP limits, `remoteAddress`) is read from that header.
   */
  trustProxy?: string[];
  /**
   * Milliseconds a cluster-wide call (`to().emit`, `disconnect`, `fetchConnections`, `online`,
   * `channels`) waits for the other nodes' answers; a node that has not answered by then is left
   * out of the result.
   */
  clusterTimeout?: number;
  /** Milliseconds `close()` waits for outbound queues to drain before terminating sockets. */
  drainTimeout?: number;
  /** Upper bound, in ms, suggested to clients for their random reconnect delay after shutdown. */
  shutdownReconnectWithin?: number;
  /** Defaults for every namespace; each namespace may override them. */
  namespaceDefaults?: NamespaceOptionsInput;
  /** Channel policies, subscription tokens and presence; see docs/channels.md. */
  channels?: ChannelsOptions;
  /** Token authentication (JWT or a custom function). See docs/auth.md. */
  auth?: AuthOptions;
  /** Tenant resolution and per-tenant channel isolation. */
  tenancy?: TenancyOptions;
  /** Connection limits: global, per IP, per user, per tenant (close 4008). */
  limits?: ConnectionLimitOptions;
  /** Token-bucket message rates and connection attempts per IP. */
  rateLimit?: RateLimitOptions;
}

export type NamespaceOptionsInput = Partial<
  Omit<NamespaceOptions, 'backpressure' | 'compression'>
> & {
  backpressure?: Partial<NamespaceOptions['backpressure']>;
  compression?: Partial<NamespaceOptions['compression']>;
};

export const defaultNamespaceOptions: NamespaceOptions = {
  maxMessageSize: 64 * 1024,
  maxConnections: 0,
  pingInterval: 25_000,
  pongTimeout: 10_000,
  backpressure: { strategy: 'buffer', maxQueueBytes: 1024 * 1024, maxQueueMessages: 1_000 },
  compression: { enabled: false, threshold: 1024 },
  channels: {},
  auth: 'public',
  maxSubscriptions: 1_000,
  maxSubscribersPerChannel: 0,
  idleTimeout: 0,
  closeTimeout: 5_000,
};

const milliseconds = z.number().int().min(0).max(2_147_483_647);
const positive = z.number().int().positive();

/** Every namespace option; an unknown key is refused. */
export const namespaceOptionsSchema = z.strictObject({
  maxMessageSize: positive.optional(),
  maxConnections: z.number().int().min(0).optional(),
  pingInterval: milliseconds.optional(),
  pongTimeout: positive.max(2_147_483_647).optional(),
  closeTimeout: milliseconds.optional(),
  backpressure: z
    .strictObject({
      strategy: z.enum(['buffer', 'drop', 'disconnect']).optional(),
      maxQueueBytes: positive.optional(),
      maxQueueMessages: positive.optional(),
    })
    .optional(),
  compression: z
    .strictObject({
      enabled: z.boolean().optional(),
      threshold: z.number().int().min(0).optional(),
    })
    .optional(),
  channels: namespaceChannelsSchema.optional(),
  ...namespaceSecurityShape,
} satisfies Record<keyof NamespaceOptionsInput, z.ZodType>);

/** An object with these methods: enough to refuse a mistake without tying options to a class. */
function withMethods<T>(what: string, methods: string[]) {
  return z.custom<T>(
    (value) =>
      typeof value === 'object' &&
      value !== null &&
      methods.every((name) => typeof (value as Record<string, unknown>)[name] === 'function'),
    `must be ${what}`,
  );
}

/** Every gateway option; an unknown key is refused. */
export const gatewayOptionsSchema = z.strictObject({
  ...gatewaySecurityShape,
  logger: withMethods<Logger>('a pino logger', ['info', 'child']).optional(),
  broker: withMethods<Broker>('a Broker', ['start', 'publish', 'close']).optional(),
  codecs: z.array(withMethods<Codec>('a Codec', ['encode', 'decode'])).optional(),
  channels: channelsOptionsSchema.optional(),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
  handshakeTimeout: positive.max(2_147_483_647).optional(),
  maxPayloadDepth: positive.max(PayloadDepth.max).optional(),
  trustProxy: z
    .array(z.string().refine((address) => isIP(address) !== 0, 'must be an IP address'))
    .optional(),
  drainTimeout: milliseconds.optional(),
  clusterTimeout: positive.max(2_147_483_647).optional(),
  shutdownReconnectWithin: milliseconds.optional(),
  namespaceDefaults: namespaceOptionsSchema.optional(),
} satisfies Record<keyof GatewayOptions, z.ZodType>);

export function check(schema: z.ZodType, value: unknown, prefix: string): void {
  const result = schema.safeParse(value);
  if (result.success) return;
  const problems = result.error.issues.map((issue) => {
    const path = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
    return `${path || '(options)'}: ${issue.message}`;
  });
  throw new ConfigError(`invalid Herald options: ${problems.join('; ')}`);
}

export function validateGatewayOptions(options: GatewayOptions): void {
  check(gatewayOptionsSchema, options, '');
}

/** Merges `input` over `base`, validating it; `label` names the namespace in errors. */
export function resolveNamespaceOptions(
  base: NamespaceOptions,
  input: NamespaceOptionsInput | undefined,
  label: string,
): NamespaceOptions {
  if (!input) return base;
  check(namespaceOptionsSchema, input, label);
  return {
    ...base,
    ...stripUndefined(input),
    backpressure: { ...base.backpressure, ...stripUndefined(input.backpressure ?? {}) },
    compression: { ...base.compression, ...stripUndefined(input.compression ?? {}) },
  } as NamespaceOptions;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
