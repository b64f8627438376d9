import {
  createGateway,
  type Gateway,
  type GatewayOptions,
  type HttpHandler,
} from '../../src/index.js';

export interface RunningGateway {
  gateway: Gateway;
  url: (path: string) => string;
  port: number;
}

/**
 * A real gateway on an ephemeral loopback port. `setup` declares namespaces before it listens;
 * `handlers` are the HTTP handlers its server answers with (such as `metricsHandler(gateway)`).
 */
export async function startGateway(
  setup: (gateway: Gateway) => void,
  options: GatewayOptions = {},
  handlers: (gateway: Gateway) => HttpHandler[] = () => [],
): Promise<RunningGateway> {
  const gateway = createGateway({ logLevel: 'silent', ...options });
  setup(gateway);
  const { port } = await gateway.listen(0, '127.0.0.1', { handlers: handlers(gateway) });
  return { gateway, port, url: (path) => `ws://127.0.0.1:${port}${path}` };
}
