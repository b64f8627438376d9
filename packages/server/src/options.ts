import { isIP } from 'node:net';
import { z } from 'zod';
import { PayloadDepth, type Codec } from '@herald/protocol';
import type { Logger } from 'pino';
import { auditOptionsSchema } from './audit/audit-options.js';
import { authOptionsSchema } from './auth/auth-options.js';
import { tenancyOptionsSchema } from './auth/tenancy-options.js';
import type { Broker } from './broker/broker.js';
import { channelsOptionsSchema } from './channels/policy-schema.js';
import { connectionLimitsSchema, rateLimitOptionsSchema } from './limits/limit-options.js';
import { logLevels } from './gateway/logger.js';
import { healthOptionsSchema } from './http/health-options.js';
import { metricsOptionsSchema } from './metrics/metrics-options.js';
import {
  namespaceOptionsSchema,
  type NamespaceOptions,
  type NamespaceOptionsInput,
} from './namespace/namespace-options.js';
import {
  milliseconds,
  parseOptions,
  positive,
  positiveMilliseconds,
  withMethods,
} from './validation/option-schema.js';

/**
 * Herald's options: one zod schema per group, with every default written in it. The types come
 * from the schemas: `z.input` is what users pass, `z.output` what the code reads once parsed.
 *
 * - gateway: here
 * - namespace (backpressure, compression, origins, guards, limits): namespace-options.ts
 * - auth (token sources, claims): auth/auth-options.ts; its JWT verification: auth/jwt-options.ts
 * - tenancy: auth/tenancy-options.ts
 * - connection limits and rate limits: limits/limit-options.ts
 * - channels (policies, subscription tokens): channels/policy-schema.ts
 * - audit (where security events are recorded): audit/audit-options.ts
 * - metrics: metrics/metrics-options.ts; health checks: http/health-options.ts
 * - the shared pieces and the parse that names a bad field: option-schema.ts
 */

export { namespaceOptionsSchema, type NamespaceOptions, type NamespaceOptionsInput };

/** Every gateway option; an unknown key is refused. */
export const gatewayOptionsSchema = z.strictObject({
  /** Token authentication (JWT or a custom function). See docs/auth.md. */
  auth: authOptionsSchema.optional(),
  /** Tenant resolution and per-tenant channel isolation. */
  tenancy: tenancyOptionsSchema.optional(),
  /** Connection limits: global, per IP, per user, per tenant (close 4008). */
  limits: connectionLimitsSchema.prefault({}),
  /** Token-bucket message rates and connection attempts per IP. */
  rateLimit: rateLimitOptionsSchema.optional(),
  /** A pino logger to use; otherwise one is made at `logLevel`. */
  logger: withMethods<Logger>('a pino logger', ['info', 'child']).optional(),
  /** Cross-node fan-out. Absent: the in-memory broker (one process). */
  broker: withMethods<Broker>('a Broker', ['start', 'publish', 'close']).optional(),
  /** Codecs offered by subprotocol, besides JSON and MessagePack which are always offered. */
  codecs: z.array(withMethods<Codec>('a Codec', ['encode', 'decode'])).default([]),
  /** Channel policies, subscription tokens and presence; see docs/channels.md. */
  channels: channelsOptionsSchema.prefault({}),
  /** Where security events are recorded (docs/audit.md); absent: nowhere. */
  audit: auditOptionsSchema.optional(),
  /** Level of the logger Herald makes; absent: `LOG_LEVEL`, else `info` (see logger.ts). */
  logLevel: z.enum(logLevels).optional(),
  /** Milliseconds from TCP accept to a completed WebSocket handshake. */
  handshakeTimeout: positiveMilliseconds.default(10_000),
  /**
   * How deeply payloads may nest, in client frames (refused with WS_MESSAGE_INVALID) and in what
   * the server publishes or broadcasts (refused with a HeraldError); at most 64.
   */
  maxPayloadDepth: positive.max(PayloadDepth.max).default(PayloadDepth.default),
  /**
   * Addresses of proxies (load balancers) whose `X-Forwarded-For` header is believed: behind
   * them, the client's address (per-IP limits, `remoteAddress`) is read from that header.
   */
  trustProxy: z
    .array(z.string().refine((address) => isIP(address) !== 0, 'must be an IP address'))
    .default([]),
  /** Milliseconds `close()` waits for outbound queues to drain before terminating sockets. */
  drainTimeout: milliseconds.default(10_000),
  /**
   * Milliseconds a cluster-wide call (`to().emit`, `disconnect`, `fetchConnections`, `online`,
   * `channels`) waits for the other nodes' answers; a node that has not answered by then is left
   * out of the result.
   */
  clusterTimeout: positiveMilliseconds.default(5_000),
  /** Upper bound, in ms, suggested to clients for their random reconnect delay after shutdown. */
  shutdownReconnectWithin: milliseconds.default(5_000),
  /** Prometheus metrics in `gateway.metrics`; see docs/observability.md. */
  metrics: metricsOptionsSchema.prefault({}),
  /** What `/health/ready` requires; see docs/observability.md. */
  health: healthOptionsSchema.prefault({}),
  /** Defaults for every namespace; each namespace may override them. */
  namespaceDefaults: namespaceOptionsSchema.optional(),
});

/** Gateway options as given to `createGateway`. */
export type GatewayOptions = z.input<typeof gatewayOptionsSchema>;

/** Gateway options as the gateway reads them: parsed, every default filled in. */
export type ResolvedGatewayOptions = Omit<
  z.output<typeof gatewayOptionsSchema>,
  'namespaceDefaults'
> & {
  namespaceDefaults: NamespaceOptions;
};

/** The namespace options a gateway without `namespaceDefaults` or `auth` gives its namespaces. */
export const defaultNamespaceOptions: NamespaceOptions = namespaceOptionsSchema.parse({});

/** Parses gateway options; a bad one throws a ConfigError naming it. */
export function resolveGatewayOptions(input: GatewayOptions): ResolvedGatewayOptions {
  const options = parseOptions(gatewayOptionsSchema, input, '');
  // With gateway auth configured, namespaces require it unless they say otherwise.
  const base = options.auth
    ? namespaceOptionsSchema.parse({ auth: 'required' })
    : defaultNamespaceOptions;
  const namespaceDefaults = resolveNamespaceOptions(
    base,
    input.namespaceDefaults,
    'namespaceDefaults',
  );
  return { ...options, namespaceDefaults };
}

/**
 * `input` over `base`: what `input` sets wins, `backpressure` and `compression` field by field.
 * `label` names the namespace in errors.
 */
export function resolveNamespaceOptions(
  base: NamespaceOptions,
  input: NamespaceOptionsInput | undefined,
  label: string,
): NamespaceOptions {
  if (!input) return base;
  // Checked as given first, so that a mistake is named as written.
  parseOptions(namespaceOptionsSchema, input, label);
  const layered = {
    ...over(base, input),
    backpressure: over(base.backpressure, input.backpressure),
    compression: over(base.compression, input.compression),
  };
  return parseOptions(namespaceOptionsSchema, layered, label);
}

/** `base` with the fields `input` sets (not undefined) replaced. */
function over(base: object, input: object | undefined): object {
  if (!input) return base;
  const set = Object.entries(input).filter(([, value]) => value !== undefined);
  return { ...base, ...Object.fromEntries(set) };
}
