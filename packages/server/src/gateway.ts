import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import {
  CloseCodes,
  jsonCodec,
  type Codec,
  type HistoryResult,
  type PresenceClient,
  type PresenceStats,
  type ServerFrame,
  type ConnectedNotice,
  type ShutdownNotice,
  type StreamPosition,
} from '@herald/protocol';
import { msgpackCodec } from '@herald/protocol/msgpack';
import type { Logger } from 'pino';
import { bearerSubprotocol } from './auth/token-extraction.js';
import type { BrokerHealth } from './broker/broker.js';
import { GuardedBroker } from './broker/guarded-broker.js';
import { MemoryBroker } from './broker/memory-broker.js';
import { ChannelRegistry } from './channel-registry.js';
import type { ChannelPolicy } from './channels/channel-policy.js';
import { ChannelService } from './channels/channel-service.js';
import { StreamContinuity } from './channels/stream-continuity.js';
import type { HistoryOptions } from './channels/history.js';
import { LocalNode, type ChannelCount } from './cluster-command.js';
import { clientAddress, normalizeAddress } from './client-address.js';
import { ClusterControl } from './cluster-control.js';
import { scopeChannel, tenantChannel } from './channel-names.js';
import { Connection, type DisconnectReason } from './connection.js';
import { EncodedFrame } from './encoded-frame.js';
import { FlushScheduler } from './flush-scheduler.js';
import type { GatewayContext } from './gateway-context.js';
import { receiveMessage, type ConstantFrames, type Inbound } from './inbound.js';
import { listenOn } from './http-listen.js';
import { createLogger } from './logger.js';
import type { Middleware } from './middleware.js';
import { exceptField, Namespace, type BroadcastOptions } from './namespace.js';
import {
  resolveGatewayOptions,
  resolveNamespaceOptions,
  type GatewayOptions,
  type NamespaceOptions,
  type NamespaceOptionsInput,
} from './options.js';
import type { RateLimitStatus } from './limits/rate-limiter.js';
import {
  closeCodeFor,
  closeReason,
  closeWithError,
  httpStatusFor,
  rejectionReason,
} from './refusal.js';
import { Security, type Admission, type HandshakeRequest } from './security.js';
import { StatsCounter, type GatewayStats } from './stats.js';
import type { Broadcast, ConnectionInfo, Target } from './targeting.js';
import { refuseUpgrade } from './upgrade-response.js';

/** With tenant isolation on: act on this tenant's channel of that name. */
export interface TenantOption {
  tenant?: string;
}

export interface PublishOptions extends BroadcastOptions, TenantOption {}

export interface GatewayHealth {
  status: 'ok' | 'degraded' | 'closing';
  broker: BrokerHealth;
  /** Connections open on this node. */
  connections: number;
}

export interface ListenAddress {
  host: string;
  port: number;
}

/** Herald's entry point: namespaces, connections, channels and their lifecycle. */
export class Gateway {
  readonly logger: Logger;
  private readonly counters = new StatsCounter();
  private readonly broker: GuardedBroker;
  private readonly registry: ChannelRegistry;
  private readonly continuity: StreamContinuity;
  private readonly channelService: ChannelService;
  private readonly control: ClusterControl;
  private readonly scheduler = new FlushScheduler();
  private readonly middlewares: Middleware[] = [];
  private readonly context: GatewayContext;
  private readonly security: Security;
  private readonly inbound: Inbound;
  private readonly namespaceList: Namespace[] = [];
  private readonly codecs = new Map<string, Codec>();
  private readonly pongFrames = new Map<Codec, Buffer>();
  private readonly heartbeats: NodeJS.Timeout[] = [];
  private readonly defaults: NamespaceOptions;
  private readonly handshakeTimeout: number;
  private readonly drainTimeout: number;
  private readonly shutdownReconnectWithin: number;
  private readonly trustedProxies: ReadonlySet<string>;
  private httpServer: Server | undefined;
  private attachedTo: Server[] = [];
  private started: Promise<void> | undefined;
  private isStarted = false;
  private closing: Promise<void> | undefined;

  constructor(input: GatewayOptions = {}) {
    const options = resolveGatewayOptions(input);
    this.logger = createLogger(options);
    const maxPayloadDepth = options.maxPayloadDepth;
    const broker = options.broker ?? new MemoryBroker();
    this.broker = new GuardedBroker(broker, this.logger, maxPayloadDepth);
    this.registry = new ChannelRegistry(this.broker);
    this.continuity = new StreamContinuity(this.broker, this.registry, this.logger);
    this.channelService = new ChannelService(
      this.broker,
      this.registry,
      options.channels,
      this.logger,
    );
    this.control = new ClusterControl(this.broker, options.clusterTimeout, maxPayloadDepth);
    this.defaults = options.namespaceDefaults;
    this.handshakeTimeout = options.handshakeTimeout;
    this.drainTimeout = options.drainTimeout;
    this.shutdownReconnectWithin = options.shutdownReconnectWithin;
    this.trustedProxies = new Set(options.trustProxy.map(normalizeAddress));
    for (const codec of [jsonCodec, msgpackCodec, ...options.codecs])
      this.codecs.set(codec.subprotocol, codec);
    this.context = {
      logger: this.logger,
      stats: this.counters,
      broker: this.broker,
      registry: this.registry,
      channels: this.channelService,
      scheduler: this.scheduler,
      middlewares: this.middlewares,
      tenantIsolation: options.tenancy !== undefined && options.tenancy.isolation,
      maxPayloadDepth,
    };
    this.security = new Security(options, this.context);
    this.inbound = {
      constants: this.constantFrames,
      security: this.security,
      channels: this.channelService,
      decode: { maxPayloadDepth },
    };
  }

  /** Declares an endpoint. Patterns are tried in the order they were declared. */
  namespace(pattern: string, options?: NamespaceOptionsInput): Namespace {
    if (this.namespaceList.some((ns) => ns.pattern.source === pattern)) {
      throw new Error(`namespace '${pattern}' is already declared`);
    }
    const resolved = resolveNamespaceOptions(this.defaults, options, `namespace ${pattern}`);
    const namespace = new Namespace(
      pattern,
      resolved,
      this.context,
      this.selectProtocol,
      this.control,
    );
    this.security.register(namespace);
    this.namespaceList.push(namespace);
    if (resolved.pingInterval > 0) {
      const timer = setInterval(() => {
        for (const connection of namespace.connections) connection.ping(resolved.pongTimeout);
      }, resolved.pingInterval);
      timer.unref();
      this.heartbeats.push(timer);
    }
    return namespace;
  }

  get namespaces(): readonly Namespace[] {
    return this.namespaceList;
  }

  /** Adds middleware run for every client event on every namespace. */
  use(middleware: Middleware): this {
    this.middlewares.push(middleware);
    for (const namespace of this.namespaceList) namespace.resetMiddlewareChain();
    return this;
  }

  /** Declares a channel policy for names matching `pattern`, after those already declared. */
  channel(pattern: string, policy: ChannelPolicy): this {
    this.channelService.policies.add(pattern, policy);
    return this;
  }

  /**
   * Publishes an event to a channel's subscribers on every node. On a channel with history,
   * resolves with the publication's position in the stream.
   */
  async publish(
    channel: string,
    event: string,
    payload?: unknown,
    options: PublishOptions = {},
  ): Promise<StreamPosition | undefined> {
    // Once started, publish synchronously so that publications keep their call order.
    if (!this.isStarted) await this.start();
    const input = {
      channel: this.scoped(channel, options.tenant),
      event,
      payload,
      ...exceptField(options),
    };
    return this.channelService.publish(input, channel);
  }

  /** Reads a channel's history; see docs/channels.md for `since`, `limit` and `reverse`. */
  async history(
    channel: string,
    options: HistoryOptions & TenantOption = {},
  ): Promise<HistoryResult> {
    await this.start();
    return this.channelService.history(this.scoped(channel, options.tenant), options);
  }

  /** Forgets a channel's history: clients recovering from before it get `recovered: false`. */
  async removeHistory(channel: string, options: TenantOption = {}): Promise<void> {
    await this.start();
    await this.broker.removeHistory(this.scoped(channel, options.tenant));
  }

  /** The connections in a channel's presence, on every node. */
  async presence(channel: string, options: TenantOption = {}): Promise<PresenceClient[]> {
    await this.start();
    return this.broker.presence(this.scoped(channel, options.tenant));
  }

  async presenceStats(channel: string, options: TenantOption = {}): Promise<PresenceStats> {
    await this.start();
    return this.broker.presenceStats(this.scoped(channel, options.tenant));
  }

  /** Starts a targeted broadcast: `gateway.to({ role: 'admin' }).except(conn).emit('alert', data)`. */
  to(target: Target): Broadcast {
    return this.control.to(target);
  }

  /** Connections matching `filter`, on every node. */
  fetchConnections(filter?: Target): Promise<ConnectionInfo[]> {
    return this.control.fetchConnections(filter);
  }

  /** Closes matching connections on every node (default code 4011); resolves with their number. */
  disconnect(target: Target, code?: number, reason?: string): Promise<number> {
    return this.control.disconnect(target, code, reason);
  }

  /** Ends matching connections' subscriptions to `channel`; resolves with their number. */
  unsubscribe(target: Target, channel: string): Promise<number> {
    return this.control.unsubscribe(target, channel);
  }

  /**
   * Channels with subscribers on every node and their subscriber counts, sorted by name. With
   * tenant isolation, tenants' channels are internal and left out.
   */
  channels(): Promise<ChannelCount[]> {
    return this.control.channels();
  }

  /** User ids with a connection, on `namespace` (a pattern) or anywhere. */
  online(namespace?: string): Promise<string[]> {
    return this.control.online(namespace);
  }

  isOnline(userId: string): Promise<boolean> {
    return this.control.isOnline(userId);
  }

  /** Sends an event to every connection of `tenant`, on every namespace and node, and to no one else. */
  async broadcastToTenant(tenant: string, event: string, payload?: unknown): Promise<void> {
    if (!this.isStarted) await this.start();
    await this.broker.publish({ channel: tenantChannel(tenant), event, payload });
  }

  /** The internal name of a tenant's channel (unchanged without tenant isolation). */
  private scoped(channel: string, tenant: string | undefined): string {
    return scopeChannel(channel, this.context.tenantIsolation ? tenant : undefined);
  }

  /** A connection's current message-rate usage and limits. */
  rateLimitStatus(connection: Connection): RateLimitStatus {
    return this.security.rateLimitStatus(connection);
  }

  stats(): GatewayStats {
    return this.counters.snapshot();
  }

  /** `ok`, `degraded` (the broker is unreachable: publications are refused) or `closing`. */
  health(): GatewayHealth {
    const broker = this.broker.health();
    const status = this.closing ? 'closing' : broker.status;
    return { status, broker, connections: this.counters.active };
  }

  /** Starts an HTTP server of its own that serves only WebSocket upgrades. */
  async listen(port = 8080, host = '0.0.0.0'): Promise<ListenAddress> {
    await this.start();
    const server = createServer({
      // Bounds a slow or partial upgrade request (slowloris) to the handshake timeout.
      headersTimeout: this.handshakeTimeout,
      requestTimeout: this.handshakeTimeout,
      connectionsCheckingInterval: Math.min(1_000, this.handshakeTimeout),
    });
    server.on('request', (req, res) => {
      if (req.url === '/health') {
        const health = this.health();
        // A degraded node still serves its clients: only a closing one should leave the pool.
        res.writeHead(health.status === 'closing' ? 503 : 200, {
          'Content-Type': 'application/json',
        });
        res.end(JSON.stringify(health));
        return;
      }
      res
        .writeHead(426, { 'Content-Type': 'text/plain', Upgrade: 'websocket' })
        .end('WebSocket only\n');
    });
    this.httpServer = server;
    this.attach(server);
    await listenOn(server, port, host);
    const address = server.address() as AddressInfo;
    this.logger.info({ host: address.address, port: address.port }, 'Herald listening');
    return { host: address.address, port: address.port };
  }

  /** Serves WebSocket upgrades on an existing HTTP server (plain node:http, Express, Fastify). */
  attach(server: Server): this {
    server.on('upgrade', this.handleUpgrade);
    this.attachedTo.push(server);
    void this.start();
    return this;
  }

  /** Handles one upgrade request; for servers that route upgrades themselves. */
  handleUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    if (this.closing) {
      this.counters.rejected('shutting_down');
      refuseUpgrade(socket, 503, 'Herald is shutting down');
      return;
    }
    const url = new URL(req.url ?? '/', 'http://herald.invalid');
    let params: Record<string, string> | undefined;
    const namespace = this.namespaceList.find((ns) => (params = ns.pattern.match(url.pathname)));
    if (!namespace || !params) {
      this.counters.rejected('not_found');
      refuseUpgrade(socket, 404, `no Herald namespace at ${url.pathname}`);
      return;
    }
    const remoteAddress = clientAddress(req, this.trustedProxies);
    // Attempts are counted before any work, so a flood from one address stays cheap.
    if (!this.security.allowAttempt(remoteAddress)) {
      this.counters.rejected('rate_limit');
      refuseUpgrade(socket, 429, 'too many connection attempts');
      return;
    }
    const handshake: HandshakeRequest = {
      request: req,
      params,
      query: url.searchParams,
      remoteAddress,
    };
    const timer = setTimeout(() => {
      this.counters.rejected('timeout');
      socket.destroy();
    }, this.handshakeTimeout);
    socket.on('error', (error) => this.logger.debug({ err: error }, 'socket error'));
    this.start()
      .then(() => this.security.admit(namespace, handshake))
      .then((admission) => {
        if (socket.destroyed) return;
        if (!admission.ok) {
          this.counters.rejected(rejectionReason(admission.error.code));
          if (this.security.rejectBeforeUpgrade) {
            clearTimeout(timer);
            refuseUpgrade(socket, httpStatusFor(admission.error.code), admission.error.message);
            return;
          }
        }
        namespace.server.handleUpgrade(req, socket, head, (ws) => {
          clearTimeout(timer);
          if (admission.ok) this.accept(namespace, ws, socket, handshake, admission);
          else closeWithError(ws, this.codecs.get(ws.protocol) ?? jsonCodec, admission.error);
        });
      })
      .catch((error: unknown) => {
        clearTimeout(timer);
        this.logger.error({ err: error }, 'upgrade failed');
        refuseUpgrade(socket, 500, 'internal error');
      });
  };

  /**
   * Graceful shutdown: refuse new upgrades, tell every client, write what is queued, close with
   * 1001, wait up to `drainTimeout` for the sockets to close, then terminate the rest.
   */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    for (const timer of this.heartbeats) clearInterval(timer);
    const serverClosed = this.httpServer ? closeServer(this.httpServer) : Promise.resolve();
    for (const server of this.attachedTo) server.off('upgrade', this.handleUpgrade);
    const connections = this.namespaceList.flatMap((ns) => [...ns.connections]);
    const notice: ShutdownNotice = {
      reason: 'shutdown',
      reconnectWithin: this.shutdownReconnectWithin,
    };
    const frame = new EncodedFrame({ type: 'system', event: 'shutdown', payload: notice });
    for (const connection of connections) {
      connection.sendShared(frame);
      connection.close(CloseCodes.GOING_AWAY, 'server shutdown');
    }
    const gone = connections.map((connection) => connection.gone);
    const drained = await settlesWithin(Promise.all(gone), this.drainTimeout);
    if (!drained) {
      for (const connection of connections) connection.terminate();
      await Promise.all(gone);
    }
    this.channelService.close();
    this.continuity.close();
    await this.broker.close();
    await serverClosed;
    this.logger.info({ connections: connections.length, drained }, 'Herald closed');
  }

  private start(): Promise<void> {
    const node = new LocalNode(this.namespaceList, this.registry);
    this.started ??= this.broker
      .start({
        deliver: (publication) => this.continuity.deliver(publication),
        execute: (command) => node.execute(command),
        resubscribed: () => this.continuity.resubscribed(),
      })
      .then(() => {
        this.isStarted = true;
      });
    return this.started;
  }

  private selectProtocol = (offered: Set<string>): string | false => {
    for (const name of offered) if (this.codecs.has(name)) return name;
    // A browser offering only `bearer, <token>` must get one of its offers back; never the token.
    return offered.has(bearerSubprotocol) ? bearerSubprotocol : false;
  };

  private constantFrames: ConstantFrames = {
    pong: (connection) => {
      let bytes = this.pongFrames.get(connection.codec);
      if (!bytes) {
        const pong: ServerFrame = { type: 'pong' };
        bytes = new EncodedFrame(pong).bytesFor(connection.codec);
        if (!bytes) throw new Error(`codec ${connection.codec.subprotocol} cannot encode a pong`);
        this.pongFrames.set(connection.codec, bytes);
      }
      return bytes;
    },
  };

  private accept(
    namespace: Namespace,
    ws: WebSocket,
    socket: Duplex,
    handshake: HandshakeRequest,
    admission: Admission & { ok: true },
  ): void {
    const { request: req, params, query } = handshake;
    const codec = this.codecs.get(ws.protocol) ?? jsonCodec;
    const connection = new Connection({
      id: randomBytes(12).toString('base64url'),
      ws,
      socket,
      namespace,
      codec,
      // ws lists the extensions it negotiated; permessage-deflate only when the namespace offers it.
      deflateFrom: ws.extensions.includes('permessage-deflate')
        ? namespace.options.compression.threshold
        : undefined,
      params,
      query,
      headers: req.headers,
      remoteAddress: handshake.remoteAddress,
      context: this.context,
    });
    this.counters.connectionOpened();
    ws.on('error', (error: Error & { code?: string }) => {
      if (refusedForSize.has(error.code ?? '')) this.counters.oversized += 1;
      this.logger.debug({ err: error, connectionId: connection.id }, 'websocket error');
    });
    ws.on('close', (code: number, reason: Buffer) => {
      this.counters.connectionClosed();
      void this.disposeConnection(connection, { code, reason: reason.toString() });
    });
    ws.on('pong', () => connection.pongReceived());
    connection.ready = this.security
      .attach(connection, admission, handshake)
      .then((refusal) => {
        if (refusal) {
          this.counters.rejected(rejectionReason(refusal.code));
          connection.replyError(undefined, refusal);
          connection.close(closeCodeFor(refusal.code), closeReason(refusal.message));
          return;
        }
        return this.security.authenticated(connection).then(async (ok) => {
          if (!ok) return;
          await namespace.connected(connection);
          connection.markAccepted();
          announceSession(connection);
        });
      })
      .catch((error: unknown) => {
        this.logger.error({ err: error, connectionId: connection.id }, 'onConnect hook failed');
        connection.close(CloseCodes.INTERNAL_ERROR, 'internal error');
      });
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      this.counters.messagesIn += 1;
      this.receive(connection, data, isBinary);
    });
  }

  private receive(connection: Connection, data: Buffer, isBinary: boolean): void {
    const result = receiveMessage(connection, data, isBinary, this.inbound);
    result?.catch((error: unknown) => {
      this.logger.error({ err: error, connectionId: connection.id }, 'frame handling failed');
    });
  }

  private async disposeConnection(connection: Connection, reason: DisconnectReason): Promise<void> {
    // Ending the session first settles a connection still waiting for its auth frame.
    await this.security.release(connection);
    await connection.ready;
    await connection.dispose();
    if (connection.namespace.connections.has(connection)) {
      await connection.namespace.disconnected(connection, reason);
    }
    connection.markGone();
  }
}

/** `ws` errors for a message too large (1009) or in too many fragments (1008). */
const refusedForSize = new Set([
  'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH',
  'WS_ERR_TOO_MANY_BUFFERED_PARTS',
]);

export function createGateway(options?: GatewayOptions): Gateway {
  return new Gateway(options);
}

/** Tells the client its session is accepted: the `system` `connected` frame. */
function announceSession(connection: Connection): void {
  const { expiresAt } = connection.identity;
  const notice: ConnectedNotice = { connectionId: connection.id };
  if (expiresAt !== undefined) notice.expiresAt = expiresAt;
  connection.sendFrame({ type: 'system', event: 'connected', payload: notice }, false);
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}

/** Resolves true when `promise` settles within `ms`, false on timeout. */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  const result = await Promise.race([promise.then(() => true), timeout]);
  clearTimeout(timer);
  return result;
}
