import type { IncomingMessage, Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type {
  HistoryResult,
  PresenceClient,
  PresenceStats,
  StreamPosition,
} from '@herald/protocol';
import type { Logger } from 'pino';
import { clientAddress } from './admission/client-address.js';
import type { AuditLog } from './audit/audit-log.js';
import { scopeChannel, tenantChannel } from './channels/channel-names.js';
import type { ChannelPolicy } from './channels/channel-policy.js';
import type { ChannelKeeps } from './channels/channel-service.js';
import type { HistoryOptions } from './channels/history.js';
import type { ChannelCount } from './cluster/cluster-command.js';
import type { ChannelFilter } from './cluster/cluster-control.js';
import { LocalNode } from './cluster/local-node.js';
import { describeNode, type NodeInfo } from './cluster/node-info.js';
import type { Broadcast, ConnectionInfo, Target } from './cluster/targeting.js';
import type { Connection } from './connection/connection.js';
import type { SocketConnection } from './connection/socket-connection.js';
import type { GatewayStats } from './connection/stats.js';
import { GatewayControllers } from './controllers/gateway-controllers.js';
import type { Manifest } from './controllers/manifest-schema.js';
import type { ControllerClass } from './controllers/metadata.js';
import type { Provider } from './controllers/providers.js';
import { buildGatewayParts, type GatewayParts } from './gateway/gateway-parts.js';
import { drainConnections } from './gateway/shutdown.js';
import { closeServer, createGatewayServer } from './http/gateway-server.js';
import { readiness, type GatewayHealth, type HealthReport } from './http/health.js';
import { healthHandler } from './http/health-handler.js';
import type { HttpHandler } from './http/http-handler.js';
import { listenOn } from './http/listen.js';
import type { RateLimitStatus } from './limits/rate-limiter.js';
import type { Middleware } from './middleware/middleware.js';
import { exceptField, Namespace, type BroadcastOptions } from './namespace/namespace.js';
import {
  resolveGatewayOptions,
  resolveNamespaceOptions,
  type GatewayOptions,
  type ResolvedGatewayOptions,
  type NamespaceOptionsInput,
} from './options.js';
import type { Registry } from 'prom-client';

export type { GatewayHealth, HealthReport } from './http/health.js';

/** With tenant isolation on: act on this tenant's channel of that name. */
export interface TenantOption {
  tenant?: string;
}

export interface PublishOptions extends BroadcastOptions, TenantOption {}

export interface ListenAddress {
  host: string;
  port: number;
}

export interface ListenOptions {
  /**
   * Request handlers the server tries in order before its own routes (`/health`): the HTTP API,
   * the dashboard, `/metrics`. See docs/server.md.
   */
  handlers?: readonly HttpHandler[];
}

/** Herald's entry point: namespaces, connections, channels and their lifecycle. */
export class Gateway {
  readonly logger: Logger;
  /** Where security events are recorded (the `audit` option; see docs/audit.md). */
  readonly audit: AuditLog;
  /** This gateway's Prometheus registry (metricsHandler serves it); see docs/observability.md. */
  readonly metrics: Registry;
  readonly #parts: GatewayParts;
  readonly #controllers: GatewayControllers;
  private readonly middlewares: Middleware[] = [];
  private readonly namespaceList: Namespace[] = [];
  private readonly heartbeats: NodeJS.Timeout[] = [];
  private readonly options: ResolvedGatewayOptions;
  private readonly node = { id: randomUUID(), startedAt: Date.now() };
  private httpServer: Server | undefined;
  private attachedTo: Server[] = [];
  private started: Promise<void> | undefined;
  private isStarted = false;
  private closing: Promise<void> | undefined;

  constructor(input: GatewayOptions = {}) {
    this.options = resolveGatewayOptions(input);
    this.#parts = buildGatewayParts(this.options, {
      namespaces: this.namespaceList,
      middlewares: this.middlewares,
      started: () => this.start(),
      isClosing: () => this.closing !== undefined,
    });
    ({ logger: this.logger, audit: this.audit, metrics: this.metrics } = this.#parts);
    this.#controllers = new GatewayControllers(this);
  }

  /**
   * Gives the DI container providers (`singleton`, `perConnection`, `value`) for the controllers
   * registered after; see docs/controllers.md.
   */
  provide(...providers: Provider[]): this {
    this.#controllers.provide(providers);
    return this;
  }

  /**
   * Declares `@Socket` controller classes, each as a namespace. Checks them at once: a missing
   * provider, a duplicate event and the like throw a ConfigError naming the controller.
   */
  register(...controllers: ControllerClass[]): this {
    this.#controllers.register(controllers);
    return this;
  }

  /** This gateway's namespaces in the `herald.manifest.json` format (`GET /api/manifest`). */
  manifest(module = ''): Manifest {
    return this.#controllers.manifest(module);
  }

  /** Declares an endpoint. Patterns are tried in the order they were declared. */
  namespace(pattern: string, options?: NamespaceOptionsInput): Namespace {
    if (this.namespaceList.some((ns) => ns.pattern.source === pattern)) {
      throw new Error(`namespace '${pattern}' is already declared`);
    }
    const resolved = resolveNamespaceOptions(
      this.options.namespaceDefaults,
      options,
      `namespace ${pattern}`,
    );
    const namespace = new Namespace(pattern, resolved, this.#parts.context, this.#parts.control);
    this.#parts.security.register(namespace);
    this.namespaceList.push(namespace);
    const heartbeat = this.#parts.lifecycle.heartbeat(namespace);
    if (heartbeat) this.heartbeats.push(heartbeat);
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
    this.#parts.channels.policies.add(pattern, policy);
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
    return this.#parts.channels.publish(input, channel);
  }

  /** Reads a channel's history; see docs/channels.md for `since`, `limit` and `reverse`. */
  async history(
    channel: string,
    options: HistoryOptions & TenantOption = {},
  ): Promise<HistoryResult> {
    await this.start();
    return this.#parts.channels.history(this.scoped(channel, options.tenant), options);
  }

  /** Forgets a channel's history: clients recovering from before it get `recovered: false`. */
  async removeHistory(channel: string, options: TenantOption = {}): Promise<void> {
    await this.start();
    await this.#parts.broker.removeHistory(this.scoped(channel, options.tenant));
  }

  /** Whether the policy of `channel`, gateway-wide or on any namespace, keeps history and presence. */
  channelKeeps(channel: string): ChannelKeeps {
    const scopes = this.namespaceList.map((namespace) => namespace.options.channels);
    return this.#parts.channels.keeps(channel, scopes);
  }

  /** The connections in a channel's presence, on every node. */
  async presence(channel: string, options: TenantOption = {}): Promise<PresenceClient[]> {
    await this.start();
    return this.#parts.broker.presence(this.scoped(channel, options.tenant));
  }

  async presenceStats(channel: string, options: TenantOption = {}): Promise<PresenceStats> {
    await this.start();
    return this.#parts.broker.presenceStats(this.scoped(channel, options.tenant));
  }

  /** Starts a targeted broadcast: `gateway.to({ role: 'admin' }).except(conn).emit('alert', data)`. */
  to(target: Target): Broadcast {
    return this.#parts.control.to(target);
  }

  /** Connections matching `filter`, on every node. */
  fetchConnections(filter?: Target): Promise<ConnectionInfo[]> {
    return this.#parts.control.fetchConnections(filter);
  }

  /** Closes matching connections on every node (default code 4011); resolves with their number. */
  disconnect(target: Target, code?: number, reason?: string): Promise<number> {
    return this.#parts.control.disconnect(target, code, reason);
  }

  /** Ends matching connections' subscriptions to `channel`; resolves with their number. */
  unsubscribe(target: Target, channel: string): Promise<number> {
    return this.#parts.control.unsubscribe(target, channel);
  }

  /** Subscribes matching connections on every node to `channel`; resolves with how many joined. */
  subscribe(target: Target, channel: string): Promise<number> {
    return this.#parts.control.subscribe(target, channel);
  }

  /** Sets matching connections' credentials to expire at `expiresAt` (ms since epoch), as a refresh would. */
  refresh(target: Target, expiresAt: number): Promise<number> {
    return this.#parts.control.refresh(target, expiresAt);
  }

  /** Every node of the cluster: its id, version, uptime, namespaces, stats and health. */
  async info(): Promise<NodeInfo[]> {
    await this.start();
    return this.#parts.control.info();
  }

  /** Channels with subscribers on every node, their counts and `tenant`s; see ChannelFilter. */
  channels(filter?: ChannelFilter): Promise<ChannelCount[]> {
    return this.#parts.control.channels(filter);
  }

  /** User ids with a connection, on `namespace` (a pattern) or anywhere. */
  online(namespace?: string): Promise<string[]> {
    return this.#parts.control.online(namespace);
  }

  isOnline(userId: string): Promise<boolean> {
    return this.#parts.control.isOnline(userId);
  }

  /** Sends an event to every connection of `tenant`, on every namespace and node, and to no one else. */
  async broadcastToTenant(tenant: string, event: string, payload?: unknown): Promise<void> {
    if (!this.isStarted) await this.start();
    await this.#parts.broker.publish({ channel: tenantChannel(tenant), event, payload });
  }

  /** The internal name of a tenant's channel (unchanged without tenant isolation). */
  private scoped(channel: string, tenant: string | undefined): string {
    return scopeChannel(channel, this.#parts.context.tenantIsolation ? tenant : undefined);
  }

  /** A connection's current message-rate usage and limits. */
  rateLimitStatus(connection: Connection): RateLimitStatus {
    return this.#parts.security.rateLimitStatus(connection as SocketConnection);
  }

  /** @internal The address a request came from, through trusted proxies (see `trustProxy`). */
  clientAddress(req: IncomingMessage): string {
    return clientAddress(req, this.#parts.trustedProxies);
  }

  stats(): GatewayStats {
    return this.#parts.counters.snapshot();
  }

  /** `ok`, `degraded` (the broker is unreachable: publications are refused) or `closing`. */
  health(): GatewayHealth {
    const broker = this.#parts.broker.health();
    const status = this.closing ? 'closing' : broker.status;
    return { status, broker, connections: this.#parts.counters.active };
  }

  /** `/health/ready`: unavailable while closing, or without the broker when it is required. */
  readiness(): HealthReport {
    return readiness(this.health(), this.options.health.readyRequiresBroker);
  }

  /**
   * Starts an HTTP server of its own that serves WebSocket upgrades, `/health` and the
   * `handlers` given.
   */
  async listen(port = 8080, host = '0.0.0.0', options: ListenOptions = {}): Promise<ListenAddress> {
    await this.start();
    const server = createGatewayServer(this.options.handshakeTimeout, healthHandler(this), [
      this.fallbackTransports,
      ...(options.handlers ?? []),
    ]);
    this.httpServer = server;
    this.attach(server);
    await listenOn(server, port, host);
    const address = server.address() as AddressInfo;
    this.logger.info({ host: address.address, port: address.port }, 'Herald listening');
    return { host: address.address, port: address.port };
  }

  /**
   * Serves the HTTP fallback transports (server-sent events, HTTP streaming, and the POSTs that
   * carry client frames) beside each namespace. `listen` mounts it; beside `attach`, mount it on
   * the server's request handling (docs/transports.md).
   */
  readonly fallbackTransports: HttpHandler = (req, res) => this.#parts.streams.handle(req, res);

  /** Serves WebSocket upgrades on an existing HTTP server (plain node:http, Express, Fastify). */
  attach(server: Server): this {
    server.on('upgrade', this.handleUpgrade);
    this.attachedTo.push(server);
    void this.start();
    return this;
  }

  /** Handles one upgrade request; for servers that route upgrades themselves. */
  handleUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    this.#parts.upgrades.handle(req, socket, head);
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
    for (const server of this.attachedTo) server.off('upgrade', this.handleUpgrade);
    const connections = this.namespaceList.flatMap((ns) => [...ns.connections]);
    const drained = await drainConnections(connections, {
      drainTimeout: this.options.drainTimeout,
      reconnectWithin: this.options.shutdownReconnectWithin,
    });
    // Connection scopes were disposed as their connections closed; the singletons go last.
    await this.#controllers.close();
    // The server answered while draining (upgrades 503, /health/ready 503); now it stops.
    const serverClosed = this.httpServer ? closeServer(this.httpServer) : Promise.resolve();
    this.#parts.channels.close();
    this.#parts.continuity.close();
    await this.#parts.broker.close();
    await serverClosed;
    await this.audit.close();
    this.logger.info({ connections: connections.length, drained }, 'Herald closed');
  }

  /** Connects the broker, once; every caller before it has started waits for the same start. */
  private start(): Promise<void> {
    this.started ??= this.connectBroker();
    return this.started;
  }

  private async connectBroker(): Promise<void> {
    const { registry, context } = this.#parts;
    const node = new LocalNode(this.namespaceList, registry, context.index, {
      audit: this.audit,
      info: () => describeNode(this.node, this.namespaceList, this.stats(), this.health()),
      refresh: (connection, expiresAt) => this.#parts.security.extendSession(connection, expiresAt),
      clientFrames: (session, frames, end) =>
        this.#parts.sessions.deliver(
          session,
          frames.map((frame) => Buffer.from(frame, 'utf8')),
          end,
        ),
    });
    await this.#parts.broker.start({
      deliver: (publication) => this.#parts.continuity.deliver(publication),
      execute: (command) => node.execute(command),
      resubscribed: () => this.#parts.continuity.resubscribed(),
    });
    this.isStarted = true;
  }
}

export function createGateway(options?: GatewayOptions): Gateway {
  return new Gateway(options);
}
