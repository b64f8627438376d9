import { createGateway, type Gateway, type ListenAddress } from '@herald/server';
import { createBroker } from './broker.js';
import type { ServeConfig } from './config.js';
import { ListenError } from './errors.js';

/**
 * Runs a standalone gateway. SIGTERM and SIGINT shut it down gracefully (clients get a
 * `shutdown` frame and close 1001, queues drain up to `drainTimeout`), then the process exits 0.
 * Fails with a BrokerUnavailableError or a ListenError when it cannot start.
 */
export async function serve(config: ServeConfig): Promise<Gateway> {
  const broker = await createBroker(config.broker);
  const gateway = createGateway({ ...config.gateway, ...(broker && { broker }) });
  const patterns = Object.keys(config.namespaces);
  for (const pattern of patterns) gateway.namespace(pattern, config.namespaces[pattern]);
  let address: ListenAddress;
  try {
    address = await gateway.listen(config.port, config.host);
  } catch (error) {
    throw listenFailure(error, config);
  }
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

const listenProblems: Record<string, string> = {
  EADDRINUSE: 'the port is already in use',
  EACCES: 'permission denied (ports below 1024 need privileges)',
  EADDRNOTAVAIL: 'the address does not belong to this machine',
  ENOTFOUND: 'the host name does not resolve',
};

/** Socket errors of `listen` (and of resolving the host) say so; anything else is unchanged. */
function listenFailure(error: unknown, config: ServeConfig): unknown {
  const { syscall, code } = error as NodeJS.ErrnoException;
  if (syscall !== 'listen' && syscall !== 'getaddrinfo') return error;
  const problem = (code && listenProblems[code]) ?? (error as Error).message;
  return new ListenError(`cannot listen on ${config.host}:${config.port}: ${problem}`);
}

function httpUrl({ host, port }: ListenAddress): string {
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}
