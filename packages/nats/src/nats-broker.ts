import type { PresenceClient, PresenceStats, StreamPosition } from '@herald/protocol';
import type {
  Broker,
  BrokerHealth,
  BrokerPublisher,
  BrokerSink,
  ClusterCommand,
  HistoryPage,
  HistoryQuery,
  HistoryRetention,
  Publication,
  PublicationInput,
} from '@herald/server';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, type Msg, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import { ClusterCommands, encodeCommand } from './cluster-commands.js';
import { ExpiringEntries } from './expiring-entries.js';
import { HistoryStream } from './history-stream.js';
import { LinkHealth } from './link-health.js';
import { NatsNames } from './names.js';
import { NatsSharedLimits } from './nats-shared-limits.js';
import { NodeRegistry } from './node-registry.js';
import { resolveOptions, type NatsBrokerOptions, type ResolvedNatsOptions } from './options.js';
import { PublishConfirmation } from './publish-confirmation.js';
import { decodePublication, encodePublication } from './wire.js';

const limitsMaxAge = 3_600_000;

/** What publishing needs: the connection, the history stream, publish confirmations. */
interface Outlet {
  nc: NatsConnection;
  history: HistoryStream;
  published: PublishConfirmation;
}

/** What a broker started as a node holds besides: everything kept for and about the node. */
interface Session extends Outlet {
  presence: ExpiringEntries<PresenceClient>;
  nodes: ExpiringEntries<string>;
  registry: NodeRegistry;
  commands: ClusterCommands;
}

/**
 * A broker for many nodes on NATS: core subjects for fan-out, a JetStream stream for history,
 * KV buckets for presence and the node registry, request/reply for cluster commands
 * (docs/brokers.md, "NATS"). When NATS is unreachable `health()` says `degraded` and
 * publications are refused; the connection comes back by itself with its subscriptions, and the
 * node is told so that it reads back what it missed. `connect` instead of `start` makes it a
 * publisher only (`BrokerPublisher`, for the emitter): no node registry entry, no subscriptions.
 */
export class NatsBroker implements Broker, BrokerPublisher {
  readonly limits: NatsSharedLimits;
  private readonly options: ResolvedNatsOptions;
  private readonly names: NatsNames;
  private readonly link = new LinkHealth();
  /** This node's channel subscriptions. */
  private readonly channels = new Map<string, Subscription>();
  private sink: BrokerSink | undefined;
  /** Set by `start` or `connect`. */
  private outlet: Outlet | undefined;
  /** Set by `start` only. */
  private session: Session | undefined;

  constructor(options: NatsBrokerOptions = {}) {
    this.options = resolveOptions(options);
    this.names = new NatsNames(this.options.prefix);
    this.limits = new NatsSharedLimits(this.names, this.options.nodeId, this.options.nodeTtl);
  }

  get nodeId(): string {
    return this.options.nodeId;
  }

  async start(sink: BrokerSink): Promise<void> {
    const { options, names } = this;
    const nc = await this.open('herald');
    const buckets = { storage: options.storage, replicas: options.replicas };
    const history = await this.historyStream(nc);
    const presence = new ExpiringEntries<PresenceClient>(nc, names.presenceBucket, {
      ...buckets,
      maxAge: options.presenceMaxAge,
    });
    // A heartbeat entry outlives a few missed beats at most.
    const nodes = new ExpiringEntries<string>(nc, names.nodesBucket, {
      ...buckets,
      maxAge: options.nodeTtl * 4,
    });
    const registry = new NodeRegistry(
      nodes,
      options.nodeId,
      names.nodeKey(options.nodeId),
      options.nodeTtl,
      this.link.stored,
      () => this.link.isConnected,
    );
    const commands = new ClusterCommands(nc, names.commands, options.nodeId, registry, sink);
    const published = new PublishConfirmation(nc);
    const session: Session = { nc, history, presence, nodes, registry, commands, published };
    try {
      await ensureStores(session);
      // A rate bucket not written for an hour has refilled; live counts are restated sooner.
      await this.limits.open(nc, { ...buckets, maxAge: limitsMaxAge }, () => this.link.isConnected);
      commands.listen();
      await registry.join();
      await nc.flush();
    } catch (error) {
      this.limits.stop();
      registry.stop();
      await nc.close();
      throw error;
    }
    this.sink = sink;
    this.session = session;
    this.outlet = session;
    this.link.watch(nc, async () => {
      try {
        await ensureStores(session);
        await registry.heartbeat();
        await nc.flush();
      } finally {
        // The client sent the subscriptions again: publications meanwhile reached no one here.
        this.sink?.resubscribed();
      }
    });
  }

  /** A publisher only: the connection and the history stream, nothing that makes it a node. */
  async connect(): Promise<void> {
    const nc = await this.open('herald publisher');
    let history: HistoryStream;
    try {
      history = await this.historyStream(nc);
      await history.ensure();
    } catch (error) {
      await nc.close();
      throw error;
    }
    this.outlet = { nc, history, published: new PublishConfirmation(nc) };
    this.link.watch(nc, history.ensure);
  }

  health(): BrokerHealth {
    return this.outlet ? this.link.health() : { status: 'degraded', detail: 'not started' };
  }

  /** A flush (a PING answered by the server), timed finer than the client's `rtt()` in ms. */
  async ping(): Promise<number> {
    if (!this.session) throw new Error('the NATS broker is not started');
    const start = performance.now();
    await this.session.nc.flush();
    return performance.now() - start;
  }

  async publish(
    input: PublicationInput,
    history?: HistoryRetention,
  ): Promise<StreamPosition | undefined> {
    const publication: Publication = { ...input, meta: { ts: Date.now() } };
    // While NATS is away nothing is delivered, not even on this node, so that no node sees what
    // the others and history do not.
    const { nc, history: stream, published } = this.reachable(this.outlet);
    const body = encodePublication(publication);
    if (!history) {
      nc.publish(this.names.channel(input.channel), body);
      await published.confirm();
      return undefined;
    }
    // Stored records reach subscribers through the stream's republish, after storage.
    return stream.append(input.channel, body, history);
  }

  async subscribe(channel: string): Promise<void> {
    const { nc } = this.started(this.session);
    if (this.channels.has(channel)) return;
    const subscription = nc.subscribe(this.names.channel(channel), {
      callback: (error, msg) => {
        if (!error) this.receive(msg);
      },
    });
    this.channels.set(channel, subscription);
    // Once the server has the subscription, publications reach this node. While NATS is away
    // the client sends it on reconnecting.
    if (this.link.isConnected) await nc.flush().catch(() => undefined);
  }

  async unsubscribe(channel: string): Promise<void> {
    this.channels.get(channel)?.unsubscribe();
    this.channels.delete(channel);
  }

  async history(channel: string, query: HistoryQuery): Promise<HistoryPage> {
    return this.reachable(this.session).history.read(channel, query);
  }

  async removeHistory(channel: string): Promise<void> {
    return this.reachable(this.session).history.remove(channel);
  }

  async addPresence(channel: string, client: PresenceClient, ttl: number): Promise<void> {
    const key = this.names.presenceKey(channel, client.connectionId);
    return this.reachable(this.session).presence.put(key, client, ttl);
  }

  async removePresence(channel: string, connectionId: string): Promise<void> {
    return this.reachable(this.session).presence.remove(
      this.names.presenceKey(channel, connectionId),
    );
  }

  async presence(channel: string): Promise<PresenceClient[]> {
    return this.reachable(this.session).presence.live(this.names.presenceOf(channel));
  }

  async presenceStats(channel: string): Promise<PresenceStats> {
    const clients = await this.presence(channel);
    const users = new Set<string>();
    for (const client of clients) if (client.userId !== undefined) users.add(client.userId);
    return { connections: clients.length, users: users.size };
  }

  async command(command: ClusterCommand, timeout: number): Promise<unknown[]> {
    return this.started(this.session).commands.run(command, timeout, this.link.isConnected);
  }

  async send(command: ClusterCommand): Promise<void> {
    const { nc, published } = this.reachable(this.outlet);
    nc.publish(this.names.commands, encodeCommand(this.options.nodeId, command));
    await published.confirm();
  }

  /** Leaves the node registry and disconnects; shared state stays for the other nodes. */
  async close(): Promise<void> {
    const { session, outlet } = this;
    this.session = undefined;
    this.outlet = undefined;
    this.sink = undefined;
    this.channels.clear();
    if (session) {
      this.limits.stop();
      session.commands.stop();
      if (this.link.isConnected) await session.registry.leave().catch(() => undefined);
      else session.registry.stop();
    }
    await outlet?.nc.close();
  }

  private open(role: string): Promise<NatsConnection> {
    return connect({
      name: `${role} ${this.options.nodeId}`,
      maxReconnectAttempts: -1,
      ...this.options.connection,
      servers: this.options.servers,
    });
  }

  private async historyStream(nc: NatsConnection): Promise<HistoryStream> {
    const { options } = this;
    return new HistoryStream(jetstream(nc), await jetstreamManager(nc), this.names, {
      storage: options.storage,
      replicas: options.replicas,
      maxPerChannel: options.historyMaxPerChannel,
      maxAge: options.historyMaxAge,
      readTimeout: options.readTimeout,
    });
  }

  private receive(msg: Msg): void {
    let publication: Publication | undefined;
    try {
      publication = decodePublication(msg.data, msg.headers);
    } catch {
      return; // not a publication of ours
    }
    if (publication) this.sink?.deliver(publication);
  }

  /** `held` (the session, or the outlet) once started or connected. */
  private started<T extends Outlet>(held: T | undefined): T {
    if (!held) throw new Error('NatsBroker is not started (or closed)');
    return held;
  }

  /** `held`, if NATS can be reached now: fail at once rather than at a request timeout. */
  private reachable<T extends Outlet>(held: T | undefined): T {
    const started = this.started(held);
    if (!this.link.isConnected) throw new Error('NATS is unreachable; reconnecting');
    return started;
  }
}

async function ensureStores({ history, presence, nodes }: Session): Promise<void> {
  await Promise.all([history.ensure(), presence.ensure(), nodes.ensure()]);
}
