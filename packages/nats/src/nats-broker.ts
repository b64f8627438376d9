import type { PresenceClient, PresenceStats, StreamPosition } from '@herald/protocol';
import type {
  Broker,
  BrokerHealth,
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
import { ClusterCommands } from './cluster-commands.js';
import { ExpiringEntries } from './expiring-entries.js';
import { HistoryStream } from './history-stream.js';
import { LinkHealth } from './link-health.js';
import { NatsNames } from './names.js';
import { NodeRegistry } from './node-registry.js';
import { resolveOptions, type NatsBrokerOptions, type ResolvedNatsOptions } from './options.js';
import { PublishConfirmation } from './publish-confirmation.js';
import { decodePublication, encodePublication } from './wire.js';

/** What a started broker holds: the connection and everything kept through it. */
interface Session {
  nc: NatsConnection;
  history: HistoryStream;
  presence: ExpiringEntries<PresenceClient>;
  nodes: ExpiringEntries<string>;
  registry: NodeRegistry;
  commands: ClusterCommands;
  published: PublishConfirmation;
}

/**
 * A broker for many nodes on NATS: core subjects for fan-out, a JetStream stream for history,
 * KV buckets for presence and the node registry, request/reply for cluster commands
 * (docs/brokers.md, "NATS"). When NATS is unreachable `health()` says `degraded` and
 * publications are refused; the connection comes back by itself with its subscriptions, and the
 * node is told so that it reads back what it missed.
 */
export class NatsBroker implements Broker {
  private readonly options: ResolvedNatsOptions;
  private readonly names: NatsNames;
  private readonly link = new LinkHealth();
  /** This node's channel subscriptions. */
  private readonly channels = new Map<string, Subscription>();
  private sink: BrokerSink | undefined;
  private session: Session | undefined;

  constructor(options: NatsBrokerOptions = {}) {
    this.options = resolveOptions(options);
    this.names = new NatsNames(this.options.prefix);
  }

  get nodeId(): string {
    return this.options.nodeId;
  }

  async start(sink: BrokerSink): Promise<void> {
    const { options, names } = this;
    const nc = await connect({
      name: `herald ${options.nodeId}`,
      maxReconnectAttempts: -1,
      ...options.connection,
      servers: options.servers,
    });
    const buckets = { storage: options.storage, replicas: options.replicas };
    const history = new HistoryStream(jetstream(nc), await jetstreamManager(nc), names, {
      ...buckets,
      maxPerChannel: options.historyMaxPerChannel,
      maxAge: options.historyMaxAge,
      readTimeout: options.readTimeout,
    });
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
      commands.listen();
      await registry.join();
      await nc.flush();
    } catch (error) {
      registry.stop();
      await nc.close();
      throw error;
    }
    this.sink = sink;
    this.session = session;
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

  health(): BrokerHealth {
    return this.session ? this.link.health() : { status: 'degraded', detail: 'not started' };
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
    const { nc, history: stream, published } = this.reachable();
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
    const { nc } = this.started();
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
    return this.reachable().history.read(channel, query);
  }

  async removeHistory(channel: string): Promise<void> {
    return this.reachable().history.remove(channel);
  }

  async addPresence(channel: string, client: PresenceClient, ttl: number): Promise<void> {
    const key = this.names.presenceKey(channel, client.connectionId);
    return this.reachable().presence.put(key, client, ttl);
  }

  async removePresence(channel: string, connectionId: string): Promise<void> {
    return this.reachable().presence.remove(this.names.presenceKey(channel, connectionId));
  }

  async presence(channel: string): Promise<PresenceClient[]> {
    return this.reachable().presence.live(this.names.presenceOf(channel));
  }

  async presenceStats(channel: string): Promise<PresenceStats> {
    const clients = await this.presence(channel);
    const users = new Set<string>();
    for (const client of clients) if (client.userId !== undefined) users.add(client.userId);
    return { connections: clients.length, users: users.size };
  }

  async command(command: ClusterCommand, timeout: number): Promise<unknown[]> {
    return this.started().commands.run(command, timeout, this.link.isConnected);
  }

  /** Leaves the node registry and disconnects; shared state stays for the other nodes. */
  async close(): Promise<void> {
    const session = this.session;
    this.session = undefined;
    this.sink = undefined;
    this.channels.clear();
    if (!session) return;
    session.commands.stop();
    if (this.link.isConnected) await session.registry.leave().catch(() => undefined);
    else session.registry.stop();
    await session.nc.close();
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

  private started(): Session {
    if (!this.session) throw new Error('NatsBroker is not started (or closed)');
    return this.session;
  }

  /** The session, if NATS can be reached now: fail at once rather than at a request timeout. */
  private reachable(): Session {
    const session = this.started();
    if (!this.link.isConnected) throw new Error('NATS is unreachable; reconnecting');
    return session;
  }
}

async function ensureStores({ history, presence, nodes }: Session): Promise<void> {
  await Promise.all([history.ensure(), presence.ensure(), nodes.ensure()]);
}
