import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { normalizeAddress } from '../admission/client-address.js';
import { Codecs } from '../admission/codecs.js';
import { Security } from '../admission/security.js';
import { StreamPipeline } from '../admission/stream-pipeline.js';
import { UpgradePipeline } from '../admission/upgrade.js';
import { createAuditLog, type AuditLog } from '../audit/audit-log.js';
import { logRedaction } from '../audit/redaction.js';
import { GuardedBroker } from '../broker/guarded-broker.js';
import { MemoryBroker } from '../broker/memory-broker.js';
import { ChannelRegistry } from '../channels/channel-registry.js';
import { ChannelService } from '../channels/channel-service.js';
import { StreamContinuity } from '../channels/stream-continuity.js';
import { ClusterControl } from '../cluster/cluster-control.js';
import { ConnectionIndex } from '../connection/connection-index.js';
import { PongFrames } from '../connection/pong-frames.js';
import { StatsCounter } from '../connection/stats.js';
import { createGatewayMetrics } from '../metrics/gateway-metrics.js';
import type { Middleware } from '../middleware/middleware.js';
import type { GatewayContext } from '../namespace/gateway-context.js';
import type { Namespace } from '../namespace/namespace.js';
import type { ResolvedGatewayOptions } from '../options.js';
import { FlushScheduler } from '../transport/flush-scheduler.js';
import { HttpSessions } from '../transport/http-sessions.js';
import { ConnectionLifecycle } from './connection-lifecycle.js';
import { createLogger } from './logger.js';

/** What the parts share with the Gateway that owns them. */
export interface GatewayShared {
  namespaces: Namespace[];
  middlewares: Middleware[];
  /** Connects the broker, once. */
  started(): Promise<void>;
  isClosing(): boolean;
}

/** The parts a gateway is made of, wired together once from its resolved options. */
export interface GatewayParts {
  logger: Logger;
  audit: AuditLog;
  metrics: Registry;
  counters: StatsCounter;
  broker: GuardedBroker;
  registry: ChannelRegistry;
  continuity: StreamContinuity;
  channels: ChannelService;
  control: ClusterControl;
  context: GatewayContext;
  security: Security;
  lifecycle: ConnectionLifecycle;
  upgrades: UpgradePipeline;
  /** The HTTP fallback transports' sessions on this node, and the requests that open and feed them. */
  sessions: HttpSessions;
  streams: StreamPipeline;
  trustedProxies: ReadonlySet<string>;
}

export function buildGatewayParts(
  options: ResolvedGatewayOptions,
  shared: GatewayShared,
): GatewayParts {
  const redaction = logRedaction(options.auth?.tokenSources.query);
  const logger = createLogger(options, redaction);
  const audit = createAuditLog(options.audit, redaction, (error) =>
    logger.error({ err: error }, 'audit log write failed'),
  );
  const trustedProxies = new Set(options.trustProxy.map(normalizeAddress));
  const { maxPayloadDepth } = options;
  const counters = new StatsCounter();
  const broker = new GuardedBroker(options.broker ?? new MemoryBroker(), logger, maxPayloadDepth);
  const registry: ChannelRegistry = new ChannelRegistry(
    broker,
    counters,
    (channel): number | undefined => channels.policies.resolve(channel)?.policy.writeDelay,
  );
  const continuity = new StreamContinuity(broker, registry, logger);
  const channels = new ChannelService(broker, registry, options.channels, {
    logger,
    stats: counters,
  });
  const control = new ClusterControl(broker, options.clusterTimeout, maxPayloadDepth);
  const context: GatewayContext = {
    logger,
    audit,
    stats: counters,
    broker,
    registry,
    channels,
    scheduler: new FlushScheduler(),
    index: new ConnectionIndex(),
    middlewares: shared.middlewares,
    tenantIsolation: options.tenancy !== undefined && options.tenancy.isolation,
    maxPayloadDepth,
  };
  const metrics = createGatewayMetrics(options.metrics, {
    stats: counters,
    namespaces: shared.namespaces,
    broker,
  });
  const security = new Security(options, context);
  const codecs = new Codecs(options.codecs);
  const lifecycle = new ConnectionLifecycle(
    context,
    security,
    {
      constants: new PongFrames(),
      security,
      channels,
      audit,
      decode: { maxPayloadDepth },
    },
    codecs,
  );
  const upgrades = new UpgradePipeline({
    namespaces: shared.namespaces,
    security,
    stats: counters,
    logger,
    codecs,
    handshakeTimeout: options.handshakeTimeout,
    trustedProxies,
    started: shared.started,
    isClosing: shared.isClosing,
    accept: lifecycle.acceptWebSocket,
  });
  const sessions = new HttpSessions();
  const streams = new StreamPipeline({
    namespaces: shared.namespaces,
    security,
    stats: counters,
    logger,
    trustedProxies,
    handshakeTimeout: options.handshakeTimeout,
    sessions,
    started: shared.started,
    isClosing: shared.isClosing,
    accept: lifecycle.acceptSession,
    forward: async (session, frames, end) => {
      const answers = await broker.command(
        { type: 'frames', session, frames, end },
        options.clusterTimeout,
      );
      return answers.includes(true);
    },
  });
  return {
    logger,
    audit,
    metrics,
    counters,
    broker,
    registry,
    continuity,
    channels,
    control,
    context,
    security,
    lifecycle,
    upgrades,
    sessions,
    streams,
    trustedProxies,
  };
}
