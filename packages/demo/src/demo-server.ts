import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createGateway,
  createHttpApi,
  dashboardHandler,
  listenOn,
  type Gateway,
  type GatewayOptions,
} from '@herald/server';
import { registerChat } from './chat.js';

export interface DemoServer {
  server: Server;
  gateway: Gateway;
  port: number;
  close(): Promise<void>;
}

const staticFiles: Record<string, { file: URL; type: string }> = {
  '/': { file: new URL('../public/index.html', import.meta.url), type: 'text/html; charset=utf-8' },
  '/chat.js': {
    file: new URL('../public/chat.js', import.meta.url),
    type: 'text/javascript; charset=utf-8',
  },
  // The client SDK's browser bundle (`npm run build` makes it).
  '/herald-client.js': {
    file: new URL(import.meta.resolve('@herald/client/browser')),
    type: 'text/javascript; charset=utf-8',
  },
};

export interface DemoOptions {
  /** The HTTP API's key; without one the API and the dashboard are open to anyone who can reach them. */
  apiKey?: string;
}

/**
 * The demo: the chat page, the dashboard (`/dashboard`) and its HTTP API (`/api`) over plain
 * HTTP, and the Herald gateway, all on the same port.
 */
export async function startDemo(
  port: number,
  host: string,
  options: GatewayOptions = {},
  demo: DemoOptions = {},
): Promise<DemoServer> {
  const gateway = createGateway(options);
  registerChat(gateway);
  const api = createHttpApi(gateway, { apiKey: demo.apiKey });
  const dashboard = dashboardHandler({ path: '/dashboard', apiPath: '/api' });
  const server = createServer((req, res) => {
    if (gateway.fallbackTransports(req, res) || api(req, res) || dashboard(req, res)) return;
    // The path as written: `//x` is a path here, and no target makes this throw.
    const path = (req.url ?? '/').split('?', 1)[0] ?? '/';
    const entry = staticFiles[path];
    if (!entry) {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found\n');
      return;
    }
    readFile(entry.file).then(
      (body) => res.writeHead(200, { 'Content-Type': entry.type }).end(body),
      () => res.writeHead(500).end(),
    );
  });
  gateway.attach(server);
  try {
    await listenOn(server, port, host);
  } catch (error) {
    // The port is taken (or not ours to take): leave nothing running behind the error.
    await gateway.close();
    throw error;
  }
  return {
    server,
    gateway,
    port: (server.address() as AddressInfo).port,
    close: async () => {
      server.close();
      await gateway.close();
    },
  };
}
