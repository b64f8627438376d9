import type { Broker } from '../broker/broker.js';
import type { ChannelService } from '../channels/channel-service.js';
import type { ConnectionServices } from '../connection/connection-services.js';
import type { SocketConnection } from '../connection/socket-connection.js';
import type { Middleware } from '../middleware/middleware.js';

/** What namespaces and connections share from their gateway: a connection's services and more. */
export interface GatewayContext extends ConnectionServices<SocketConnection> {
  /** Guarded (GuardedBroker): whatever it could not do rejects with `WS_UNAVAILABLE`. */
  readonly broker: Broker;
  readonly channels: ChannelService;
  /** Gateway-wide middleware, run before each namespace's own. */
  readonly middlewares: readonly Middleware[];
}
