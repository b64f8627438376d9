import {
  ErrorCodes,
  type HistoryFrame,
  type HistoryResult,
  type PresenceClient,
  type PresenceStats,
  type PublishFrame,
  type StreamPosition,
  type SubscribeFrame,
  type SubscribeResult,
} from '@herald/protocol';
import type { Broker, PublicationInput } from '../broker/broker.js';
import type { ChannelRegistry } from './channel-registry.js';
import type { SocketConnection } from '../connection/socket-connection.js';
import { HeraldError } from '../errors.js';
import { validatePayload } from '../validation/payload-schema.js';
import { authorizePublish, authorizeRead, authorizeSubscribe } from './access.js';
import { ChannelPolicies, type ResolvedChannel } from './channel-policy.js';
import { readHistory, readHistoryPage, type HistoryOptions } from './history.js';
import type { BackendCalls } from '../proxy/backend-call.js';
import { proxyPublish, proxySubscribe } from './channel-proxy.js';
import type { ResolvedChannelsOptions, ResolvedNamespaceChannels } from './policy-schema.js';
import { PresenceTracker } from './presence.js';
import { joinStream } from './recovery.js';
import { SubscriptionTokenVerifier } from './subscription-token.js';
import { withRemoteParent } from '../tracing/spans.js';

/** What a channel's policy keeps: its publications (history) and who is in it (presence). */
export interface ChannelKeeps {
  history: boolean;
  presence: boolean;
}

/**
 * Channels as clients and the server use them: policies, subscriptions with recovery, client
 * publish, history, presence. Frame decoding and the reserved-name check happen before this.
 * Policies apply to client-visible names; the broker, registry and presence see internal ones
 * (`connection.internalChannel`, scoped to the tenant under tenant isolation).
 */
export class ChannelService {
  readonly policies: ChannelPolicies;
  private readonly tokens: SubscriptionTokenVerifier;
  private readonly presenceTracker: PresenceTracker;

  constructor(
    private readonly broker: Broker,
    private readonly registry: ChannelRegistry,
    options: ResolvedChannelsOptions,
    /** Where calls to the backend proxy are logged and timed. */
    private readonly calls: BackendCalls,
  ) {
    this.policies = new ChannelPolicies(options);
    this.tokens = new SubscriptionTokenVerifier(options.subscriptionTokens);
    this.presenceTracker = new PresenceTracker(broker, options.presenceTtl, calls.logger);
  }

  // ---- client requests -------------------------------------------------------------------------

  async subscribe(
    connection: SocketConnection,
    frame: SubscribeFrame,
    reply: (result: SubscribeResult) => Promise<void>,
  ): Promise<void> {
    const channel = this.resolveFor(connection, frame.channel);
    await authorizeSubscribe(connection, channel, frame.token, this.tokens);
    const { maxSubscribers, history } = channel.policy;
    if (
      maxSubscribers > 0 &&
      !connection.channels.has(channel.name) &&
      this.registry.subscriberCount(connection.internalChannel(channel.name)) >= maxSubscribers
    ) {
      throw new HeraldError(ErrorCodes.WS_CHANNEL_FULL, `channel '${channel.name}' is full`, [
        { path: 'channel', message: `has ${maxSubscribers} subscribers already` },
      ]);
    }
    const info = await proxySubscribe(connection, channel, frame.info, this.calls);
    if (history) {
      await joinStream(this.registry, this.broker, connection, channel, frame.since, info, reply);
      return;
    }
    await connection.join(channel.name, info);
    await reply(frame.since ? { recovered: false } : {});
  }

  async publishFrom(
    connection: SocketConnection,
    frame: PublishFrame,
  ): Promise<Partial<StreamPosition>> {
    const channel = this.resolveFor(connection, frame.channel);
    await authorizePublish(connection, channel);
    const { publishSchema, history } = channel.policy;
    const valid = publishSchema
      ? await validatePayload(publishSchema, frame.payload)
      : frame.payload;
    const payload = await proxyPublish(connection, channel, frame.event, valid, this.calls);
    // The publish span joins the trace the client sent.
    const position = await withRemoteParent(frame.meta, () =>
      this.broker.publish(
        { channel: connection.internalChannel(channel.name), event: frame.event, payload },
        history,
      ),
    );
    return position ?? {};
  }

  async historyFor(connection: SocketConnection, frame: HistoryFrame): Promise<HistoryResult> {
    const channel = this.resolveFor(connection, frame.channel);
    authorizeRead(
      connection,
      channel,
      channel.policy.history !== undefined && channel.policy.clientHistory,
      'history',
    );
    return readHistoryPage(
      this.broker,
      connection.internalChannel(channel.name),
      frame,
      connection,
    );
  }

  async presenceFor(
    connection: SocketConnection,
    channel: string,
  ): Promise<{ clients: PresenceClient[] }> {
    this.authorizePresence(connection, channel);
    return { clients: await this.broker.presence(connection.internalChannel(channel)) };
  }

  async presenceStatsFor(connection: SocketConnection, channel: string): Promise<PresenceStats> {
    this.authorizePresence(connection, channel);
    return this.broker.presenceStats(connection.internalChannel(channel));
  }

  // ---- membership, from SocketConnection.join/leave --------------------------------------------------

  async joined(connection: SocketConnection, channel: string, info: unknown): Promise<void> {
    // The connection may have left while the broker subscribed; an entry now would be a ghost.
    if (!connection.channels.has(channel)) return;
    const resolved = this.policies.resolve(channel, connection.endpoint.options.channels);
    if (!resolved) return;
    const internal = connection.internalChannel(channel);
    await this.presenceTracker.joined(connection, internal, resolved.policy, info);
  }

  left(connection: SocketConnection, channel: string): Promise<void> {
    return this.presenceTracker.left(connection, connection.internalChannel(channel));
  }

  // ---- the server API --------------------------------------------------------------------------

  /**
   * Publishes with the gateway-wide policy of `visible`, the channel's client-visible name
   * (`input.channel` is the internal one, scoped to a tenant under isolation).
   */
  publish(input: PublicationInput, visible: string): Promise<StreamPosition | undefined> {
    return this.broker.publish(input, this.policies.resolve(visible)?.policy.history);
  }

  /**
   * Whether `channel` (a client-visible name) keeps history and presence under the gateway-wide
   * policy or under the channel defaults of any of `scopes` (the namespaces').
   */
  keeps(channel: string, scopes: readonly ResolvedNamespaceChannels[] = []): ChannelKeeps {
    const policies = [undefined, ...scopes].map((scope) => {
      return this.policies.resolve(channel, scope)?.policy;
    });
    return {
      history: policies.some((policy) => policy?.history !== undefined),
      presence: policies.some((policy) => policy?.presence === true),
    };
  }

  history(channel: string, options: HistoryOptions = {}): Promise<HistoryResult> {
    return readHistory(this.broker, channel, options);
  }

  close(): void {
    this.presenceTracker.close();
  }

  private authorizePresence(connection: SocketConnection, name: string): void {
    const channel = this.resolveFor(connection, name);
    authorizeRead(
      connection,
      channel,
      channel.policy.presence && channel.policy.clientPresence,
      'presence',
    );
  }

  private resolveFor(connection: SocketConnection, name: string): ResolvedChannel {
    const channel = this.policies.resolve(name, connection.endpoint.options.channels);
    if (!channel) {
      throw new HeraldError(ErrorCodes.WS_NOT_FOUND, `no channel '${name}' on this namespace`, [
        { path: 'channel', message: 'matches no channel pattern' },
      ]);
    }
    return channel;
  }
}
