import { createGateway, type Gateway } from '@herald/server';
import { createBroker } from './broker.js';
import type { ServeConfig } from './config.js';

/**
 * Runs a standalone gateway. SIGTERM and SIGINT shut it down gracefully (clients get a
 * `shutdown` frame and close 1001, queues drain up to `drainTimeout`), then the process exits 0.
 */
export async function serve(config: ServeConfig): Promise<Gateway> {
  const broker = await createBroker(config.broker);
  const gateway = createGateway({ ...config.gateway, ...(broker && { broker }) });
  for (const [pattern, options] of Object.entries(config.namespaces))
    gateway.namespace(pattern, options);
  await gateway.listen(config.port, config.host);
  gateway.logger.info({ broker: config.broker.type }, 'broker ready');
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
