import type { Logger } from 'pino';
import type { Broker } from '../broker/broker.js';
import type { ChannelRegistry } from '../channels/channel-registry.js';
import type { ChannelService } from '../channels/channel-service.js';
import type { FlushScheduler } from '../transport/flush-scheduler.js';
import type { Middleware } from '../middleware/middleware.js';
import type { StatsCounter } from '../connection/stats.js';

/** What namespaces and connections share from their gateway. */
export interface GatewayContext {
  readonly logger: Logger;
  readonly stats: StatsCounter;
  /** Guarded (GuardedBroker): whatever it could not do rejects with `WS_UNAVAILABLE`. */
  readonly broker: Broker;
  readonly registry: ChannelRegistry;
  readonly channels: ChannelService;
  readonly scheduler: FlushScheduler;
  /** Gateway-wide middleware, run before each namespace's own. */
  readonly middlewares: readonly Middleware[];
  /** Whether channel names are scoped per tenant (see channel-names.ts). */
  readonly tenantIsolation: boolean;
  /** How deeply payloads may nest (the `maxPayloadDepth` option). */
  readonly maxPayloadDepth: number;
}
