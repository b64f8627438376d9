import { z } from 'zod';
import { authModeSchema } from '../auth/auth-mode.js';
import { namespaceChannelsSchema } from '../channels/policy-schema.js';
import type { ChannelAuthorizer, HandshakeGuard } from '../guards/guard.js';
import {
  count,
  fn,
  milliseconds,
  positive,
  positiveMilliseconds,
  writeDelay,
} from '../validation/option-schema.js';
import { isOriginEntry } from '../admission/origin.js';
import { proxyOptionsSchema } from '../proxy/proxy-options.js';
import type { BackpressureStrategy } from '../transport/outbound-queue.js';

/** What a namespace holds for a client that reads slower than the gateway writes to it. */
const backpressureSchema = z.strictObject({
  strategy: z
    .enum(['buffer', 'drop', 'disconnect'])
    .default('buffer') satisfies z.ZodType<BackpressureStrategy>,
  maxQueueBytes: positive.default(1024 * 1024),
  maxQueueMessages: positive.default(1_000),
});

/**
 * permessage-deflate for clients that offer it. Each frame is compressed once for all its
 * recipients (no context takeover); frames under `threshold` bytes go out uncompressed.
 */
const compressionSchema = z.strictObject({
  enabled: z.boolean().default(false),
  threshold: count.default(1024),
});

/**
 * Per-namespace options, each with its default (see docs/server.md and docs/auth.md). A
 * gateway's `namespaceDefaults` replace these defaults for all its namespaces.
 */
export const namespaceOptionsSchema = z.strictObject({
  /** Largest accepted frame in bytes; a larger one closes the connection with 1009. */
  maxMessageSize: positive.default(64 * 1024),
  /** Most simultaneous connections on this namespace (on this node); 0 means no limit. */
  maxConnections: count.default(0),
  /** Milliseconds between WebSocket ping frames; 0 disables. */
  pingInterval: milliseconds.default(25_000),
  /** Milliseconds to wait for a pong before terminating the connection. */
  pongTimeout: positiveMilliseconds.default(10_000),
  /**
   * Milliseconds a closing connection waits for the handlers of requests it already accepted to
   * answer before it sends its close frame; requests still open then are answered WS_UNAVAILABLE.
   */
  closeTimeout: milliseconds.default(5_000),
  backpressure: backpressureSchema.prefault({}),
  /**
   * Milliseconds a connection's publications and server events may wait so that more leave in
   * the same write (less CPU per delivery, up to this much latency); 0 writes at the end of the
   * event-loop turn. Acks, errors and system frames never wait. A channel policy's own
   * `writeDelay` wins for its channel's publications.
   */
  writeDelay: writeDelay.default(0),
  compression: compressionSchema.prefault({}),
  /** This namespace's default channel policy and strictness; see docs/channels.md. */
  channels: namespaceChannelsSchema.prefault({}),
  /** Who may connect. `required` when the gateway has `auth` (see docs/auth.md). */
  auth: authModeSchema.default('public'),
  /** Allowed `Origin`s: exact (`https://app.example.com`) or wildcard (`https://*.example.com`). Absent: any. */
  origins: z
    .array(
      z
        .string()
        .refine(isOriginEntry, 'must be an origin (scheme://host[:port]) or scheme://*.domain'),
    )
    .readonly()
    .optional(),
  /** Custom handshake guards, run in order after the origin and auth checks; refusing closes 4003. */
  handshakeGuards: z.array(fn<HandshakeGuard>()).readonly().optional(),
  /** May this connection subscribe to this (client-visible) channel? false answers WS_FORBIDDEN. */
  authorizeSubscribe: fn<ChannelAuthorizer>().optional(),
  /** May this connection publish to this channel from the client? false answers WS_FORBIDDEN. */
  authorizePublish: fn<ChannelAuthorizer>().optional(),
  /** Most channels one connection may subscribe to (WS_SUBSCRIPTION_LIMIT); 0 means no limit. */
  maxSubscriptions: count.default(1_000),
  /** Most subscribers of one channel on this node (WS_CHANNEL_FULL); 0 means no limit. */
  maxSubscribersPerChannel: count.default(0),
  /** Milliseconds without a client frame after which the connection is closed (1000); 0 disables. */
  idleTimeout: milliseconds.default(0),
  /** An application backend that decides connects, refreshes, subscribes, publishes and events; see docs/proxy.md. */
  proxy: proxyOptionsSchema.optional(),
});

/** Namespace options as given: every field optional. */
export type NamespaceOptionsInput = z.input<typeof namespaceOptionsSchema>;
/** Namespace options as a namespace uses them: every default filled in. */
export type NamespaceOptions = z.output<typeof namespaceOptionsSchema>;
