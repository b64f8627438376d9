import type { Connection } from '../connection/connection.js';
import type { HistoryRetention } from '../broker/broker.js';
import { check } from '../options.js';
import type { StandardSchema } from '../payload/schema.js';
import { ChannelPattern, type ChannelMatch } from './channel-pattern.js';
import { channelPolicySchema, channelsOptionsSchema } from './policy-schema.js';
import type { SubscriptionTokenOptions } from './subscription-token.js';

/** A custom access decision. */
export type AccessCheck = (
  connection: Connection,
  channel: string,
  match: ChannelMatch,
) => boolean | Promise<boolean>;

/**
 * What the identity must have: at least one of `roles`, all `permissions`, all `scopes`, and
 * `check` must pass. Implies an authenticated connection.
 */
export interface AccessRequirements {
  roles?: string[];
  permissions?: string[];
  scopes?: string[];
  check?: AccessCheck;
}

/** Who may subscribe. `token`: only with a subscription token for the channel. */
export type SubscribeAccess =
  'everyone' | 'authenticated' | 'token' | 'nobody' | AccessRequirements | AccessCheck;
/** Who may publish from a client. `subscribers`: connections subscribed to the channel. */
export type PublishAccess =
  'everyone' | 'authenticated' | 'subscribers' | 'nobody' | AccessRequirements | AccessCheck;

export interface ChannelPolicy {
  /** Default `everyone`. A valid subscription token in the subscribe frame also grants it. */
  subscribe?: SubscribeAccess;
  /** Default `nobody`: clients may not publish. */
  publish?: PublishAccess;
  /** Validates client publications' payloads. */
  publishSchema?: StandardSchema;
  /** Track who is subscribed. */
  presence?: boolean;
  /** Subscribers may ask for presence (needs `presence`). */
  clientPresence?: boolean;
  /** Push `join`/`leave` frames to subscribers. */
  joinLeave?: boolean;
  /** Keep a stream of the last `size` publications, each for `ttl` ms (0 or absent: no expiry). */
  history?: { size: number; ttl?: number };
  /** Subscribers may read history (needs `history`). */
  clientHistory?: boolean;
  /** Subscribes with `since` replay what was missed. Default: on when `history` is set. */
  recovery?: boolean;
  /** Most missed publications a subscribe recovers; a larger gap is `recovered: false`. Default 1,000. */
  recoveryMaxPublications?: number;
  /**
   * Most bytes of missed publications (as encoded for the client) a subscribe recovers; a larger
   * gap is `recovered: false`. Default 4 MiB.
   */
  recoveryMaxBytes?: number;
  /** Most subscribers on this node; 0 or absent: no limit. */
  maxSubscribers?: number;
}

/** A policy with its defaults filled in. */
export interface EffectivePolicy {
  subscribe: SubscribeAccess;
  publish: PublishAccess;
  publishSchema: StandardSchema | undefined;
  presence: boolean;
  clientPresence: boolean;
  joinLeave: boolean;
  history: HistoryRetention | undefined;
  clientHistory: boolean;
  recovery: boolean;
  recoveryMaxPublications: number;
  recoveryMaxBytes: number;
  maxSubscribers: number;
}

/** Gateway-wide channel options (`GatewayOptions.channels`). */
export interface ChannelsOptions {
  /** Policies by channel-name pattern; the first pattern that matches wins. */
  policies?: Record<string, ChannelPolicy>;
  /** For channels no pattern matches. */
  default?: ChannelPolicy;
  /** Refuse channels no pattern matches with WS_NOT_FOUND. */
  strict?: boolean;
  /** Milliseconds a node's presence entries live without a refresh (a dead node's vanish). */
  presenceTtl?: number;
  subscriptionTokens?: SubscriptionTokenOptions;
}

/** A namespace's own channel options (`NamespaceOptions.channels`). */
export interface NamespaceChannelsOptions {
  /** Used instead of the gateway default for this namespace's clients. */
  default?: ChannelPolicy;
  /** Overrides the gateway's `strict` for this namespace's clients. */
  strict?: boolean;
}

/** The policy that applies to one channel, and what its pattern captured. */
export interface ResolvedChannel {
  name: string;
  policy: EffectivePolicy;
  match: ChannelMatch;
}

const noMatch: ChannelMatch = Object.freeze({ params: {}, users: [] }) as ChannelMatch;
/** Resolutions kept for publishing; cleared when full rather than tracked per use. */
const cacheLimit = 10_000;

function effectivePolicy(policy: ChannelPolicy = {}): EffectivePolicy {
  return {
    subscribe: policy.subscribe ?? 'everyone',
    publish: policy.publish ?? 'nobody',
    publishSchema: policy.publishSchema,
    presence: policy.presence ?? false,
    clientPresence: policy.clientPresence ?? false,
    joinLeave: policy.joinLeave ?? false,
    history: policy.history && { size: policy.history.size, ttl: policy.history.ttl ?? 0 },
    clientHistory: policy.clientHistory ?? false,
    recovery: policy.recovery ?? policy.history !== undefined,
    recoveryMaxPublications: policy.recoveryMaxPublications ?? 1_000,
    recoveryMaxBytes: policy.recoveryMaxBytes ?? 4 * 1024 * 1024,
    maxSubscribers: policy.maxSubscribers ?? 0,
  };
}

/** The gateway's channel policies, chosen by channel-name pattern. */
export class ChannelPolicies {
  private readonly patterns: { pattern: ChannelPattern; policy: EffectivePolicy }[] = [];
  private readonly fallback: EffectivePolicy;
  private readonly strict: boolean;
  private readonly namespaceDefaults = new WeakMap<NamespaceChannelsOptions, EffectivePolicy>();
  private readonly cache = new Map<string, ResolvedChannel | undefined>();

  constructor(options: ChannelsOptions = {}) {
    check(channelsOptionsSchema, options, 'channels');
    this.fallback = effectivePolicy(options.default);
    this.strict = options.strict ?? false;
    for (const [pattern, policy] of Object.entries(options.policies ?? {}))
      this.add(pattern, policy);
  }

  /** Declares a policy for channels matching `pattern`, after those already declared. */
  add(pattern: string, policy: ChannelPolicy): void {
    check(channelPolicySchema, policy, `channels.policies.${pattern}`);
    this.patterns.push({ pattern: new ChannelPattern(pattern), policy: effectivePolicy(policy) });
    this.cache.clear();
  }

  /**
   * The policy for `channel` as seen from a namespace with `scope` options (gateway-wide when
   * absent); undefined when the channel matches no pattern and strictness applies.
   */
  resolve(channel: string, scope?: NamespaceChannelsOptions): ResolvedChannel | undefined {
    if (!scope) {
      if (this.cache.has(channel)) return this.cache.get(channel);
      if (this.cache.size >= cacheLimit) this.cache.clear();
      const resolved = this.find(channel, this.fallback, this.strict);
      this.cache.set(channel, resolved);
      return resolved;
    }
    return this.find(channel, this.defaultFor(scope), scope.strict ?? this.strict);
  }

  private find(
    channel: string,
    fallback: EffectivePolicy,
    strict: boolean,
  ): ResolvedChannel | undefined {
    for (const { pattern, policy } of this.patterns) {
      const match = pattern.match(channel);
      if (match) return { name: channel, policy, match };
    }
    return strict ? undefined : { name: channel, policy: fallback, match: noMatch };
  }

  private defaultFor(scope: NamespaceChannelsOptions): EffectivePolicy {
    if (!scope.default) return this.fallback;
    let policy = this.namespaceDefaults.get(scope);
    if (!policy) {
      policy = effectivePolicy(scope.default);
      this.namespaceDefaults.set(scope, policy);
    }
    return policy;
  }
}
