import { createServer, type Server } from 'node:http';
import type { HttpHandler } from './http-handler.js';

/**
 * The HTTP server `gateway.listen()` starts: WebSocket upgrades (attached by the gateway), the
 * `handlers` given to `listen` in their order, the health endpoints (`health`), and 426 for
 * anything else.
 */
export function createGatewayServer(
  handshakeTimeout: number,
  health: HttpHandler,
  handlers: readonly HttpHandler[] = [],
): Server {
  const server = createServer({
    // Bounds a slow or partial upgrade request (slowloris) to the handshake timeout.
    headersTimeout: handshakeTimeout,
    requestTimeout: handshakeTimeout,
    connectionsCheckingInterval: Math.min(1_000, handshakeTimeout),
  });
  server.on('request', (req, res) => {
    if (handlers.some((handle) => handle(req, res)) || health(req, res)) return;
    res
      .writeHead(426, { 'Content-Type': 'text/plain', Upgrade: 'websocket' })
      .end('WebSocket only\n');
  });
  return server;
}

/** Stops accepting, and ends idle keep-alive connections so that close does not wait for them. */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}
