import { z } from 'zod';
import type { Connection } from '../connection/connection.js';
import {
  count,
  fn,
  maxDelay,
  milliseconds,
  nonEmpty,
  positive,
  writeDelay,
} from '../validation/option-schema.js';
import type { StandardSchema } from '../validation/payload-schema.js';
import { channelProxySchema } from '../proxy/proxy-options.js';
import type { ChannelMatch } from './channel-pattern.js';

/**
 * Channel options (`channels`, a namespace's `channels`, `gateway.channel()`): one schema each,
 * with their defaults. Kept apart from the policy logic so that option validation can import it
 * without an import cycle.
 */

/** A custom access decision. */
export type AccessCheck = (
  connection: Connection,
  channel: string,
  match: ChannelMatch,
) => boolean | Promise<boolean>;

const names = z.array(z.string().min(1));
/**
 * What the identity must have: at least one of `roles`, all `permissions`, all `scopes`, and
 * `check` must pass. Implies an authenticated connection.
 */
const requirements = z.strictObject({
  roles: names.optional(),
  permissions: names.optional(),
  scopes: names.optional(),
  check: fn<AccessCheck>().optional(),
});
const subscribeAccess = z.union([
  z.enum(['everyone', 'authenticated', 'token', 'nobody']),
  requirements,
  fn<AccessCheck>(),
]);
const publishAccess = z.union([
  z.enum(['everyone', 'authenticated', 'subscribers', 'nobody']),
  requirements,
  fn<AccessCheck>(),
]);
const schemaLike = z.custom<StandardSchema>(
  (value) => typeof value === 'object' && value !== null && '~standard' in value,
  { message: 'must be a Standard Schema (zod v4, Valibot, ArkType ...)' },
);

export type AccessRequirements = z.input<typeof requirements>;
/** Who may subscribe. `token`: only with a subscription token for the channel. */
export type SubscribeAccess = z.input<typeof subscribeAccess>;
/** Who may publish from a client. `subscribers`: connections subscribed to the channel. */
export type PublishAccess = z.input<typeof publishAccess>;

/** The options of the channels one pattern matches; see docs/channels.md. */
export const channelPolicySchema = z
  .strictObject({
    /** A valid subscription token in the subscribe frame also grants it. */
    subscribe: subscribeAccess.default('everyone'),
    /** The default, `nobody`: clients may not publish. */
    publish: publishAccess.default('nobody'),
    /** Validates client publications' payloads. */
    publishSchema: schemaLike.optional(),
    /** Track who is subscribed. */
    presence: z.boolean().default(false),
    /** Subscribers may ask for presence (needs `presence`). */
    clientPresence: z.boolean().default(false),
    /** Push `join`/`leave` frames to subscribers. */
    joinLeave: z.boolean().default(false),
    /** Keep a stream of the last `size` publications, each for `ttl` ms (0: no expiry). */
    history: z
      .strictObject({
        size: positive.max(1_000_000),
        ttl: milliseconds.default(0),
      })
      .optional(),
    /** Subscribers may read history (needs `history`). */
    clientHistory: z.boolean().default(false),
    /** Subscribes with `since` replay what was missed. Default: on when `history` is set. */
    recovery: z.boolean().optional(),
    /** Most missed publications a subscribe recovers; a larger gap is `recovered: false`. */
    recoveryMaxPublications: positive.max(1_000_000).default(1_000),
    /**
     * Most bytes of missed publications (as encoded for the client) a subscribe recovers; a
     * larger gap is `recovered: false`.
     */
    recoveryMaxBytes: positive.default(4 * 1024 * 1024),
    /** Most subscribers on this node; 0: no limit. */
    maxSubscribers: count.default(0),
    /**
     * Milliseconds this channel's publications may wait to share a write with others, instead
     * of the subscriber's namespace `writeDelay`. Read from gateway-wide policies only.
     */
    writeDelay: writeDelay.optional(),
    /**
     * The backend that decides subscribes and publishes on these channels, instead of the
     * namespace's proxy (docs/proxy.md).
     */
    proxy: channelProxySchema.optional(),
  })
  .transform((policy) => ({
    ...policy,
    recovery: policy.recovery ?? policy.history !== undefined,
  }));

export type ChannelPolicy = z.input<typeof channelPolicySchema>;
/** A policy with its defaults filled in. */
export type EffectivePolicy = z.output<typeof channelPolicySchema>;

/** Subscription tokens: JWTs a backend issues to let one user into one channel. */
export const subscriptionTokensSchema = z
  .strictObject({
    /** HMAC secret (HS256/384/512). */
    secret: z.string().min(32, 'must be at least 32 characters').optional(),
    /** PEM public key (SPKI) for RS*, PS*, ES* or EdDSA; `algorithms[0]` names its algorithm. */
    publicKey: nonEmpty.optional(),
    /** Accepted algorithms. Default: HS256 with a secret, RS256 with a public key. */
    algorithms: z.array(nonEmpty).min(1).optional(),
    issuer: z.string().optional(),
    audience: z.string().optional(),
  })
  .refine((value) => (value.secret === undefined) !== (value.publicKey === undefined), {
    message: 'give exactly one of secret and publicKey',
  })
  .transform((options) => ({
    ...options,
    algorithms: options.algorithms ?? [options.publicKey === undefined ? 'HS256' : 'RS256'],
  }));

export type SubscriptionTokenOptions = z.input<typeof subscriptionTokensSchema>;
export type ResolvedSubscriptionTokenOptions = z.output<typeof subscriptionTokensSchema>;

/** A namespace's own channel options (`NamespaceOptions.channels`); absent, the gateway's apply. */
export const namespaceChannelsSchema = z.strictObject({
  /** Used instead of the gateway default for this namespace's clients. */
  default: channelPolicySchema.optional(),
  /** Overrides the gateway's `strict` for this namespace's clients. */
  strict: z.boolean().optional(),
});

export type NamespaceChannelsOptions = z.input<typeof namespaceChannelsSchema>;
export type ResolvedNamespaceChannels = z.output<typeof namespaceChannelsSchema>;

/** Gateway-wide channel options (`GatewayOptions.channels`). */
export const channelsOptionsSchema = z.strictObject({
  /** Policies by channel-name pattern; the first pattern that matches wins. */
  policies: z.record(nonEmpty, channelPolicySchema).default({}),
  /** For channels no pattern matches. */
  default: channelPolicySchema.prefault({}),
  /** Refuse channels no pattern matches with WS_NOT_FOUND. */
  strict: z.boolean().default(false),
  /** Milliseconds a node's presence entries live without a refresh (a dead node's vanish). */
  presenceTtl: z.number().int().min(1_000).max(maxDelay).default(60_000),
  subscriptionTokens: subscriptionTokensSchema.optional(),
});

export type ChannelsOptions = z.input<typeof channelsOptionsSchema>;
export type ResolvedChannelsOptions = z.output<typeof channelsOptionsSchema>;
