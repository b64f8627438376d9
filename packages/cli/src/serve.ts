import {
  createGateway,
  ErrorCodes,
  isHeraldError,
  type Gateway,
  type ListenAddress,
} from '@herald/server';
import { createBroker, describeBroker, type BrokerSpec } from './broker.js';
import type { ServeConfig } from './config.js';
import { loadServedControllers, registerControllers } from './controllers/served-controllers.js';
import { BrokerUnavailableError } from './errors.js';
import { httpHandlers } from './http-handlers.js';

/**
 * Runs a standalone gateway. SIGTERM and SIGINT shut it down gracefully (clients get a
 * `shutdown` frame and close 1001, queues drain up to `drainTimeout`), then the process exits 0.
 * Fails with a BrokerUnavailableError or the server's ListenError when it cannot start.
 */
export async function serve(config: ServeConfig): Promise<Gateway> {
  // Before the broker: a module that does not load or a stale manifest is reported at once.
  const controllers = await loadServedControllers(config.controllers);
  const broker = await createBroker(config.broker);
  const gateway = createGateway({ ...config.gateway, ...(broker && { broker }) });
  for (const [pattern, options] of Object.entries(config.namespaces)) {
    gateway.namespace(pattern, options);
  }
  if (controllers) registerControllers(gateway, controllers);
  const patterns = gateway.namespaces.map((namespace) => namespace.pattern.source);
  const { handlers, notes } = httpHandlers(gateway, config);
  let address: ListenAddress;
  try {
    address = await gateway.listen(config.port, config.host, { handlers });
  } catch (error) {
    throw startFailure(error, config.broker);
  }
  for (const note of notes) gateway.logger.info(note);
  gateway.logger.info(
    { broker: config.broker.type, namespaces: patterns },
    `serving ${patterns.join(', ')} on ${httpUrl(address)}`,
  );
  const stop = (signal: string) => {
    gateway.logger.info({ signal }, 'shutting down');
    gateway.close().then(
      () => process.exit(0),
      (error: unknown) => {
        gateway.logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
  return gateway;
}

/**
 * What stopped the gateway from starting, for its user: a broker it cannot reach names the broker
 * and its URL (exit 3); the server's ListenError says which address (exit 4, see bin.ts).
 */
function startFailure(error: unknown, broker: BrokerSpec): unknown {
  if (!isHeraldError(error) || error.code !== ErrorCodes.WS_UNAVAILABLE) return error;
  const reason = error.cause instanceof Error ? error.cause.message : error.message;
  return new BrokerUnavailableError(`cannot reach the ${describeBroker(broker)}: ${reason}`);
}

function httpUrl({ host, port }: ListenAddress): string {
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}
