import { randomBytes, randomUUID } from 'node:crypto';
import type { RedisOptions } from 'ioredis';
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
import { ClusterRpc, type CommandReply, type CommandRequest } from './cluster-rpc.js';
import { RedisKeys } from './keys.js';
import { RedisSharedLimits } from './redis-shared-limits.js';
import { isCluster, redisClient, type RedisAddress, type RedisClient } from './redis-topology.js';
import * as scripts from './scripts.js';
import { decodeMessage, encodeBody, encodeMessage } from './wire.js';

export interface RedisBrokerOptions {
  /** Default: `REDIS_URL`, else redis://127.0.0.1:6379. Unused with `sentinels` or `cluster`. */
  url?: string;
  /** Sentinels to ask for the master of `masterName`; the broker follows it through failovers. */
  sentinels?: RedisAddress[];
  /** The master group the Sentinels watch. Default `mymaster`. */
  masterName?: string;
  /** Seed nodes of a Redis Cluster (7 or later): channels spread over its shards. */
  cluster?: RedisAddress[];
  /**
   * Replicas that must hold a publication kept in history before it counts as taken (Redis
   * `WAIT`), so that a failover loses no acknowledged publication. Default 0.
   */
  minReplicas?: number;
  /** Milliseconds to wait for `minReplicas`; fewer by then and the publish is refused. */
  replicaTimeout?: number;
  /** Prefix of every key and pub/sub channel, so that several clusters can share one Redis. */
  prefix?: string;
  /** This node's id in the node registry. Default: random. */
  nodeId?: string;
  /** Milliseconds after which a node that stopped heartbeating counts as gone. */
  nodeTtl?: number;
  /** How long a history stream created by a read (nobody published yet) is kept, in ms. */
  idleStreamTtl?: number;
  /** Extra ioredis options (TLS, password, sentinels ...). */
  redis?: RedisOptions;
}

type StreamEntry = [id: string, fields: string[]];
type HistoryReply = [top: string, epoch: string, ttl: string, entries: StreamEntry[]];

const newEpoch = (): string => randomBytes(6).toString('base64url');

/**
 * Redis broker: pub/sub for fan-out (a node subscribes only to channels it has local
 * subscribers for), streams for history, hashes with expiries for presence, a control channel
 * and a node registry for cluster commands, scripts for the limits the nodes share. When Redis
 * is away it reports `degraded` and refuses publications (they would reach this node only, and no history); it reconnects and
 * resubscribes by itself, then tells the node so that it reads back what it missed.
 * `connect` instead of `start` makes it a publisher only (`BrokerPublisher`, for the emitter).
 */
export class RedisBroker implements Broker, BrokerPublisher {
  readonly nodeId: string;
  readonly limits: RedisSharedLimits;
  private readonly keys: RedisKeys;
  private readonly commands: RedisClient;
  private readonly subscriber: RedisClient;
  /** A Redis Cluster: fan-out by sharded pub/sub. */
  private readonly sharded: boolean;
  private readonly minReplicas: number;
  private readonly replicaTimeout: number;
  private readonly rpc: ClusterRpc;
  private readonly channels = new Set<string>();
  private readonly nodeTtl: number;
  private readonly idleStreamTtl: number;
  private sink: BrokerSink | undefined;
  /** Whether the subscriber connection was ready before: a later ready follows an outage. */
  private subscribedBefore = false;
  private heartbeat: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(options: RedisBrokerOptions = {}) {
    const url = options.url ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
    this.nodeId = options.nodeId ?? randomUUID();
    this.keys = new RedisKeys(options.prefix ?? 'herald');
    this.nodeTtl = options.nodeTtl ?? 15_000;
    this.idleStreamTtl = options.idleStreamTtl ?? 24 * 60 * 60 * 1000;
    const connection: RedisOptions = {
      lazyConnect: true,
      // Fail fast while Redis is away instead of queueing: the node serves its own clients.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      retryStrategy: (attempt) => Math.min(attempt * 100, 2_000),
      ...options.redis,
    };
    const topology = { ...options, url };
    this.commands = redisClient(topology, connection);
    // Subscriptions are restored by `resubscribe` on every ready, including channels added while away.
    this.subscriber = redisClient(topology, { ...connection, autoResubscribe: false });
    this.sharded = isCluster(this.commands);
    this.minReplicas = options.minReplicas ?? 0;
    this.replicaTimeout = options.replicaTimeout ?? 1_000;
    this.rpc = new ClusterRpc(this.keys.replies(this.nodeId));
    this.limits = new RedisSharedLimits(this.commands, this.keys, this.nodeId, this.nodeTtl);
    for (const client of [this.commands, this.subscriber]) client.on('error', () => undefined);
    this.subscriber.on('ready', () => void this.resubscribe());
    for (const event of ['message', 'smessage']) {
      this.subscriber.on(event, (channel: string, message: string) =>
        this.onMessage(channel, message),
      );
    }
  }

  async start(sink: BrokerSink): Promise<void> {
    this.sink = sink;
    await Promise.all([this.commands.connect(), this.subscriber.connect()]);
    await this.beat();
    this.heartbeat = setInterval(() => void this.beat(), this.nodeTtl / 3);
    this.heartbeat.unref();
  }

  /** A publisher only: one connection for commands, no subscriber, no node registry entry. */
  async connect(): Promise<void> {
    // After a failed first attempt ioredis keeps reconnecting by itself: connect only once.
    if (this.commands.status === 'wait') await this.commands.connect();
    else if (this.commands.status !== 'ready') {
      throw new Error(`redis connection ${this.commands.status}`);
    }
  }

  health(): BrokerHealth {
    const down = [this.commands, this.subscriber].filter((client) => client.status !== 'ready');
    if (down.length === 0) return { status: 'ok' };
    return { status: 'degraded', detail: `redis connection ${down[0]?.status ?? 'down'}` };
  }

  /** A PING on the command connection; rejects at once while Redis is away (no offline queue). */
  async ping(): Promise<number> {
    const start = performance.now();
    await this.commands.ping();
    return performance.now() - start;
  }

  async publish(
    input: PublicationInput,
    history?: HistoryRetention,
  ): Promise<StreamPosition | undefined> {
    const body = encodeBody(input);
    const ts = Date.now();
    // While Redis is away this rejects at once (no offline queue): nothing is delivered, not
    // even on this node, so that no node sees what the others and history do not.
    if (!history) {
      const fanout = this.keys.fanout(input.channel);
      const message = encodeMessage(ts, body);
      await (this.sharded
        ? this.commands.spublish(fanout, message)
        : this.commands.publish(fanout, message));
      return undefined;
    }
    const [offset, epoch] = (await this.commands.eval(
      scripts.publishWithHistory,
      2,
      this.keys.stream(input.channel),
      this.keys.streamMeta(input.channel),
      this.keys.fanout(input.channel),
      body,
      history.size,
      history.ttl,
      ts,
      newEpoch(),
      this.sharded ? 'SPUBLISH' : 'PUBLISH',
    )) as [number, string];
    if (this.minReplicas > 0) await this.replicated();
    return { offset: Number(offset), epoch };
  }

  async subscribe(channel: string): Promise<void> {
    this.channels.add(channel);
    if (this.subscriber.status === 'ready') await this.listen(channel).catch(() => undefined);
  }

  async unsubscribe(channel: string): Promise<void> {
    this.channels.delete(channel);
    if (this.subscriber.status !== 'ready') return;
    const fanout = this.keys.fanout(channel);
    await (
      this.sharded ? this.subscriber.sunsubscribe(fanout) : this.subscriber.unsubscribe(fanout)
    ).catch(() => undefined);
  }

  async history(channel: string, query: HistoryQuery): Promise<HistoryPage> {
    const { since, limit, reverse = false } = query;
    const from = since === undefined ? (reverse ? '+' : '-') : `(${since}-0`;
    const [top, epoch, ttl, entries] = (await this.commands.eval(
      scripts.readHistory,
      2,
      this.keys.stream(channel),
      this.keys.streamMeta(channel),
      newEpoch(),
      this.idleStreamTtl,
      from,
      limit ?? -1,
      reverse ? '1' : '0',
    )) as HistoryReply;
    const cutoff = Number(ttl) > 0 ? Date.now() - Number(ttl) : -Infinity;
    const publications: Publication[] = [];
    for (const [id, fields] of entries) {
      const ts = Number(fields[fields.indexOf('ts') + 1]);
      if (ts <= cutoff) continue;
      const offset = Number(id.slice(0, id.indexOf('-')));
      const decoded = decodeMessage(
        channel,
        `${offset}\t${epoch}\t${ts}\t${fields[fields.indexOf('b') + 1]}`,
      );
      if (decoded) publications.push(decoded);
    }
    return { offset: Number(top), epoch, publications };
  }

  async removeHistory(channel: string): Promise<void> {
    await this.commands.del(this.keys.stream(channel), this.keys.streamMeta(channel));
  }

  async addPresence(channel: string, client: PresenceClient, ttl: number): Promise<void> {
    await this.commands.eval(
      scripts.addPresence,
      2,
      this.keys.presence(channel),
      this.keys.presenceExpiry(channel),
      client.connectionId,
      JSON.stringify(client),
      Date.now() + ttl,
      ttl,
    );
  }

  async removePresence(channel: string, connectionId: string): Promise<void> {
    await this.commands
      .multi()
      .hdel(this.keys.presence(channel), connectionId)
      .zrem(this.keys.presenceExpiry(channel), connectionId)
      .exec();
  }

  async presence(channel: string): Promise<PresenceClient[]> {
    const entries = (await this.commands.eval(
      scripts.readPresence,
      2,
      this.keys.presence(channel),
      this.keys.presenceExpiry(channel),
      Date.now(),
    )) as string[];
    return entries.map((entry) => JSON.parse(entry) as PresenceClient);
  }

  async presenceStats(channel: string): Promise<PresenceStats> {
    const clients = await this.presence(channel);
    const users = new Set(
      clients.flatMap((client) => (client.userId === undefined ? [] : [client.userId])),
    );
    return { connections: clients.length, users: users.size };
  }

  async command(command: ClusterCommand, timeout: number): Promise<unknown[]> {
    let live: number;
    try {
      await this.commands.zremrangebyscore(this.keys.nodes, '-inf', Date.now());
      live = await this.commands.zcard(this.keys.nodes);
    } catch {
      // Redis is away: only this node can be reached.
      return this.sink ? [await this.sink.execute(command)] : [];
    }
    return this.rpc.request(command, live, timeout, (request) =>
      this.commands.publish(this.keys.control, JSON.stringify(request)),
    );
  }

  async send(command: ClusterCommand): Promise<void> {
    const request: CommandRequest = { id: randomUUID(), command };
    await this.commands.publish(this.keys.control, JSON.stringify(request));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.heartbeat);
    this.rpc.close();
    this.sink = undefined;
    await this.commands.zrem(this.keys.nodes, this.nodeId).catch(() => undefined);
    this.commands.disconnect();
    this.subscriber.disconnect();
  }

  /** Says this node is live, and restates the connection counts it holds for the limits. */
  private async beat(): Promise<void> {
    await Promise.all([
      this.commands.zadd(this.keys.nodes, Date.now() + this.nodeTtl, this.nodeId),
      this.limits.restate(),
    ]).catch(() => undefined);
  }

  /** Subscribes to a channel's fan-out: on a cluster, at the shard that serves its slot. */
  private async listen(channel: string): Promise<void> {
    const fanout = this.keys.fanout(channel);
    await (this.sharded ? this.subscriber.ssubscribe(fanout) : this.subscriber.subscribe(fanout));
  }

  /** Waits for `minReplicas` to hold what this node wrote; refuses the publish otherwise. */
  private async replicated(): Promise<void> {
    const held = await this.commands.wait(this.minReplicas, this.replicaTimeout);
    if (held < this.minReplicas) {
      throw new Error(
        `the publication reached ${held} of ${this.minReplicas} replicas within ${this.replicaTimeout} ms`,
      );
    }
  }

  private async resubscribe(): Promise<void> {
    try {
      await this.subscriber.subscribe(this.keys.control, this.keys.replies(this.nodeId));
      // One call per channel: on a cluster, channels of different slots live on different shards.
      if (this.sharded) await Promise.all([...this.channels].map((c) => this.listen(c)));
      else if (this.channels.size > 0) {
        await this.subscriber.subscribe(...[...this.channels].map((c) => this.keys.fanout(c)));
      }
    } catch {
      return; // the connection dropped again; its next ready tries again
    }
    // Publications sent while this node was not subscribed reached no one here.
    if (this.subscribedBefore) this.sink?.resubscribed();
    this.subscribedBefore = true;
  }

  private onMessage(name: string, message: string): void {
    if (name === this.keys.control) {
      void this.answer(message);
      return;
    }
    if (name === this.keys.replies(this.nodeId)) {
      this.rpc.receive(JSON.parse(message) as CommandReply);
      return;
    }
    const channel = this.keys.channelOf(name);
    if (channel === undefined || !this.channels.has(channel)) return;
    const publication = decodeMessage(channel, message);
    if (publication) this.sink?.deliver(publication);
  }

  private async answer(message: string): Promise<void> {
    if (!this.sink) return;
    const request = JSON.parse(message) as CommandRequest;
    const answer = await this.sink.execute(request.command);
    if (request.replyTo === undefined) return;
    const reply: CommandReply = { id: request.id, answer };
    await this.commands.publish(request.replyTo, JSON.stringify(reply)).catch(() => undefined);
  }
}
