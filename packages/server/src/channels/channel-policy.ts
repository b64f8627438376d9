import { parseOptions } from '../validation/option-schema.js';
import { ChannelPattern, type ChannelMatch } from './channel-pattern.js';
import {
  channelPolicySchema,
  type ChannelPolicy,
  type EffectivePolicy,
  type ResolvedChannelsOptions,
  type ResolvedNamespaceChannels,
} from './policy-schema.js';

export type { ChannelPolicy } from './policy-schema.js';

/** The policy that applies to one channel, and what its pattern captured. */
export interface ResolvedChannel {
  name: string;
  policy: EffectivePolicy;
  match: ChannelMatch;
}

const noMatch: ChannelMatch = Object.freeze({ params: {}, users: [] }) as ChannelMatch;
/** Resolutions kept for publishing; cleared when full rather than tracked per use. */
const cacheLimit = 10_000;

/** The gateway's channel policies, chosen by channel-name pattern. */
export class ChannelPolicies {
  private readonly patterns: { pattern: ChannelPattern; policy: EffectivePolicy }[] = [];
  private readonly fallback: EffectivePolicy;
  private readonly strict: boolean;
  private readonly cache = new Map<string, ResolvedChannel | undefined>();

  constructor(options: ResolvedChannelsOptions) {
    this.fallback = options.default;
    this.strict = options.strict;
    for (const [pattern, policy] of Object.entries(options.policies)) this.push(pattern, policy);
  }

  /** Declares a policy for channels matching `pattern`, after those already declared. */
  add(pattern: string, policy: ChannelPolicy): void {
    this.push(pattern, parseOptions(channelPolicySchema, policy, `channels.policies.${pattern}`));
  }

  private push(pattern: string, policy: EffectivePolicy): void {
    this.patterns.push({ pattern: new ChannelPattern(pattern), policy });
    this.cache.clear();
  }

  /**
   * The policy for `channel` as seen from a namespace with `scope` options (gateway-wide when
   * absent); undefined when the channel matches no pattern and strictness applies.
   */
  resolve(channel: string, scope?: ResolvedNamespaceChannels): ResolvedChannel | undefined {
    if (!scope) {
      if (this.cache.has(channel)) return this.cache.get(channel);
      if (this.cache.size >= cacheLimit) this.cache.clear();
      const resolved = this.find(channel, this.fallback, this.strict);
      this.cache.set(channel, resolved);
      return resolved;
    }
    return this.find(channel, scope.default ?? this.fallback, scope.strict ?? this.strict);
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
}
