export { HeraldClient } from './client.js';
export type { HeraldClientOptions, RequestOptions, TraceOptions } from './options.js';
export type { ClientLifecycleEvents, ClientState, DisconnectInfo } from './lifecycle.js';
export { clientDefaults, type ClientDefaults } from './defaults.js';
export type { ReconnectOptions } from './reconnect-policy.js';
export {
  ConnectionError,
  HeraldError,
  RequestError,
  TimeoutError,
  type ClientErrorCode,
  type CloseInfo,
} from './errors.js';
export type {
  DefaultEvents,
  EventArgs,
  EventListener,
  EventNames,
  EventPayload,
  EventResult,
  EventsMap,
  ServerEvent,
} from './events.js';
export type { HeartbeatOptions } from './heartbeat.js';
export type { OfflineQueueOptions, OverflowPolicy } from './offline-queue.js';
export type { WebSocketConstructor } from './socket.js';
export type { TransportName } from './transport-choice.js';
export { Subscription } from './subscription.js';
export type {
  HistoryOptions,
  Publication,
  SubscribeOptions,
  SubscribedContext,
  SubscriptionEvents,
  SubscriptionHandlers,
  SubscriptionState,
} from './subscription.js';
export { jsonCodec, Subprotocols, type Codec, type TraceContext } from '@herald/protocol';
