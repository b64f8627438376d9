import { z } from 'zod';
import { count, positive } from '../validation/option-schema.js';

/**
 * Connection limits (`limits`); 0 means no limit. Past one: close 4008. `scope` and
 * `whenBrokerUnreachable` also say how the per-IP, per-user and per-tenant message rates of
 * `rateLimit` are counted.
 */
export const connectionLimitsSchema = z.strictObject({
  /** Most connections on this node, all namespaces together. */
  maxConnections: count.default(0),
  maxConnectionsPerIp: count.default(0),
  maxConnectionsPerUser: count.default(0),
  maxConnectionsPerTenant: count.default(0),
  /**
   * `cluster`: per IP, user and tenant, connections and message rates are counted across the
   * nodes through the broker (when it shares counts, as Redis and NATS do); `node`: by each
   * node alone.
   */
  scope: z.enum(['cluster', 'node']).default('cluster'),
  /**
   * While the broker cannot be reached, `node` counts on each node alone (a client may then get
   * up to the limit on every node); `refuse` refuses what a cluster-wide count should admit
   * (new connections and messages) with WS_UNAVAILABLE.
   */
  whenBrokerUnreachable: z.enum(['node', 'refuse']).default('node'),
});

export type ConnectionLimitOptions = z.input<typeof connectionLimitsSchema>;
export type ResolvedConnectionLimits = z.output<typeof connectionLimitsSchema>;

// A burst is the most taken at once: one interval's worth unless given.
const perSecondSchema = z
  .strictObject({ perSecond: positive, burst: positive.optional() })
  .transform(({ perSecond, burst }) => ({ perSecond, burst: burst ?? perSecond }));
const perMinuteSchema = z
  .strictObject({ perMinute: positive, burst: positive.optional() })
  .transform(({ perMinute, burst }) => ({ perMinute, burst: burst ?? perMinute }));

export type PerSecond = z.input<typeof perSecondSchema>;
export type PerMinute = z.input<typeof perMinuteSchema>;
/** A rate with its burst filled in. */
export type ResolvedPerSecond = z.output<typeof perSecondSchema>;
export type ResolvedPerMinute = z.output<typeof perMinuteSchema>;

/** Token-bucket message rates and connection attempts per IP (`rateLimit`). */
export const rateLimitOptionsSchema = z.strictObject({
  /** Given `rateLimit`, rates apply unless this is false. */
  enabled: z.boolean().default(true),
  /** Messages per second on one connection. */
  perConnection: perSecondSchema.optional(),
  /** Messages per minute across all connections of one user. */
  perUser: perMinuteSchema.optional(),
  /** Messages per minute across all connections from one IP. */
  perIp: perMinuteSchema.optional(),
  /** Messages per minute across all connections of one tenant. */
  perTenant: perMinuteSchema.optional(),
  /** Upgrade attempts per minute from one IP, refused with HTTP 429 before any upgrade work. */
  connectionAttemptsPerIp: perMinuteSchema.optional(),
  /** Refused messages in a row after which the connection is closed with 4008. */
  maxViolations: positive.default(10),
});

export type RateLimitOptions = z.input<typeof rateLimitOptionsSchema>;
export type ResolvedRateLimitOptions = z.output<typeof rateLimitOptionsSchema>;
