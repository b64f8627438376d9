export {
  createGateway,
  Gateway,
  type GatewayHealth,
  type HealthReport,
  type ListenAddress,
  type ListenOptions,
  type PublishOptions,
} from './gateway.js';
export {
  exceptField,
  Namespace,
  type BroadcastOptions,
  type ConnectHook,
  type DisconnectHook,
  type EventHandler,
  type EventOptions,
} from './namespace/namespace.js';
export type { ChannelHook } from './namespace/channel-hooks.js';
export type { Connection, DisconnectReason, RequestOptions } from './connection/connection.js';
export { HeraldError, ClientRejection, ConfigError, isHeraldError } from './errors.js';
export type { Middleware, MessageContext } from './middleware/middleware.js';
export type { Identity } from './connection/identity.js';
export type { StandardSchema, InferOutput } from './validation/payload-schema.js';
export {
  defaultNamespaceOptions,
  gatewayOptionsSchema,
  namespaceOptionsSchema,
  type GatewayOptions,
  type NamespaceOptions,
  type NamespaceOptionsInput,
} from './options.js';
export { namespacePatternSchema } from './namespace/path-pattern.js';
export type { BackpressureStrategy } from './transport/outbound-queue.js';
export type { GatewayStats } from './connection/stats.js';
export type {
  Broker,
  BrokerHealth,
  BrokerPublisher,
  BrokerSink,
  HistoryPage,
  HistoryQuery,
  HistoryRetention,
  Publication,
  PublicationInput,
} from './broker/broker.js';
export type { ChannelCount, ClusterCommand } from './cluster/cluster-command.js';
export type { ChannelFilter } from './cluster/cluster-control.js';
export type { NodeInfo } from './cluster/node-info.js';
export type {
  AccessCheck,
  AccessRequirements,
  ChannelPolicy,
  ChannelsOptions,
  NamespaceChannelsOptions,
  PublishAccess,
  SubscribeAccess,
  SubscriptionTokenOptions,
} from './channels/policy-schema.js';
export type { ChannelMatch } from './channels/channel-pattern.js';
export type { HistoryOptions } from './channels/history.js';
export {
  Broadcast,
  type ConnectionInfo,
  type Exclusion,
  type Excluded,
  type Target,
} from './cluster/targeting.js';
export { scopeChannel, tenantChannel, tenantIdPattern } from './channels/channel-names.js';
export { assertDeliverable } from './validation/payload-guard.js';
export type { ChannelKeeps } from './channels/channel-service.js';
export { MemoryBroker } from './broker/memory-broker.js';
export type { Rate, SharedLimits } from './broker/shared-limits.js';
export { KeyCounts } from './broker/key-counts.js';
export { ErrorCodes, CloseCodes } from '@herald/protocol';
export { scopes, type AuthMode, type ScopeRequirement } from './auth/auth-mode.js';
export type {
  AuthOptions,
  AuthenticateFunction,
  AuthenticatedUser,
  ClaimNames,
  TokenSources,
} from './auth/auth-options.js';
export type { JwtOptions } from './auth/jwt-options.js';
export type { JwtAlgorithm } from './auth/jwt-algorithms.js';
export type { TenancyOptions, TenantSource } from './auth/tenancy-options.js';
export type { AuditLog } from './audit/audit-log.js';
export type { AuditOptions } from './audit/audit-options.js';
export type { AuditAction, AuditFields, AuditRecord } from './audit/audit-record.js';
export {
  requirePermissions,
  requireRoles,
  requireScopes,
  type HandshakeContext,
  type HandshakeGuard,
  type MessageGuard,
} from './guards/guard.js';
export type { MessageGuardOptions } from './guards/message-guards.js';
export type { ChannelAuthorizer } from './guards/guard.js';
export type {
  ConnectionLimitOptions,
  RateLimitOptions,
  PerMinute,
  PerSecond,
} from './limits/limit-options.js';
export type { RateLimitStatus, RateUsage } from './limits/rate-limiter.js';
export { loggingMiddleware, type LoggingMiddlewareOptions } from './middleware/logging.js';
export { gatewayOptionsFromEnv, listenAddressFromEnv, type Environment } from './gateway/env.js';
export { ListenError, listenOn } from './http/listen.js';
export type { HttpHandler } from './http/http-handler.js';
export { createHttpApi, type HttpApiHandler, type HttpApiOptions } from './http/http-api.js';
export { dashboardHandler, type DashboardHandlerOptions } from './http/dashboard.js';
export { adminJwtOptionsSchema, type AdminJwtOptions } from './http/admin-jwt-options.js';
export type { BatchMethod } from './http/routes/api-route.js';
export { healthHandler, type HealthSource } from './http/health-handler.js';
export type { HealthOptions } from './http/health-options.js';
export { metricsHandler, type MetricsHandlerOptions } from './metrics/metrics-handler.js';
export type { MetricsOptions } from './metrics/metrics-options.js';
export {
  Emits,
  Event,
  Guard,
  OnConnect,
  OnDisconnect,
  Socket,
  Subscribe,
  Unsubscribe,
  type EventDecoratorOptions,
  type GuardDecoratorOptions,
} from './controllers/decorators.js';
export { SocketController } from './controllers/socket-controller.js';
export {
  controllerMetadata,
  isController,
  type ChannelHandlerRecord,
  type ControllerClass,
  type ControllerMetadata,
  type EmittedRecord,
  type EventRecord,
  type GuardRecord,
  type SocketOptions,
} from './controllers/metadata.js';
export {
  createToken,
  InjectionToken,
  tokenName,
  type Token,
  type TokenValue,
  type TokenValues,
} from './controllers/tokens.js';
export {
  CurrentConnection,
  isProvider,
  perConnection,
  singleton,
  value,
  type ClassOptions,
  type FactoryOptions,
  type Lifetime,
  type Provider,
} from './controllers/providers.js';
export {
  buildManifest,
  toJsonSchema,
  type ExportedController,
  type ManifestInput,
  type ManifestProblem,
} from './controllers/manifest.js';
export {
  manifestJsonSchema,
  manifestSchema,
  manifestVersion,
  type Manifest,
  type ManifestChannelHandler,
  type ManifestEmitted,
  type ManifestEvent,
  type ManifestGuard,
  type ManifestNamespace,
  type ManifestProvider,
} from './controllers/manifest-schema.js';
