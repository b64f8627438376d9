export {
  createGateway,
  Gateway,
  type GatewayHealth,
  type ListenAddress,
  type PublishOptions,
} from './gateway.js';
export {
  Namespace,
  type BroadcastOptions,
  type ConnectHook,
  type DisconnectHook,
  type EventHandler,
  type EventOptions,
} from './namespace.js';
export { Connection, type DisconnectReason, type RequestOptions } from './connection.js';
export { HeraldError, ClientRejection, isHeraldError } from './errors.js';
export type { Middleware, MessageContext } from './middleware.js';
export type { Identity } from './identity.js';
export type { StandardSchema, InferOutput } from './schema.js';
export {
  ConfigError,
  defaultNamespaceOptions,
  type GatewayOptions,
  type NamespaceOptions,
  type NamespaceOptionsInput,
} from './options.js';
export type { BackpressureStrategy } from './outbound-queue.js';
export type { GatewayStats } from './stats.js';
export type {
  Broker,
  BrokerHealth,
  BrokerSink,
  HistoryPage,
  HistoryQuery,
  HistoryRetention,
  Publication,
  PublicationInput,
} from './broker/broker.js';
export type { ClusterCommand } from './cluster-command.js';
export type {
  AccessCheck,
  AccessRequirements,
  ChannelPolicy,
  ChannelsOptions,
  NamespaceChannelsOptions,
  PublishAccess,
  SubscribeAccess,
} from './channels/channel-policy.js';
export type { ChannelMatch } from './channels/channel-pattern.js';
export type { HistoryOptions } from './channels/history.js';
export type { SubscriptionTokenOptions } from './channels/subscription-token.js';
export type { Broadcast, ConnectionInfo, Excluded, Target } from './targeting.js';
export { MemoryBroker } from './broker/memory-broker.js';
export { ErrorCodes, CloseCodes } from '@herald/protocol';
