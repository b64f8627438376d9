import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createGateway, healthHandler, type HealthReport } from '../src/index.js';
import { startGateway, type RunningGateway } from './support/gateway-fixture.js';
import { TestClient } from './support/test-client.js';

let running: RunningGateway;
afterEach(() => running.gateway.close());

async function get(port: number, path: string): Promise<{ status: number; body: HealthReport }> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`);
  return { status: response.status, body: (await response.json()) as HealthReport };
}

describe('health checks on the gateway server', () => {
  it('answers live and ready with 200 and their components, and keeps /health', async () => {
    running = await startGateway((gw) => gw.namespace('/chat'));
    const client = await TestClient.connect(running.url('/chat'));
    await expect.poll(() => running.gateway.stats().connections.active).toBe(1);
    const ready = await get(running.port, '/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({
      status: 'ok',
      components: {
        broker: { status: 'ok', required: false },
        shutdown: { status: 'ok' },
        connections: { status: 'ok', active: 1 },
      },
    });
    const live = await get(running.port, '/health/live');
    expect(live.status).toBe(200);
    expect(live.body.status).toBe('ok');
    const health = await get(running.port, '/health');
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({ status: 'ok', connections: 1 });
    await client.close();
  });

  it('answers ready with 503 while shutting down, live with 200', async () => {
    running = await startGateway((gw) => gw.namespace('/chat'), { drainTimeout: 3_000 });
    const client = await TestClient.connect(running.url('/chat'));
    await expect.poll(() => running.gateway.stats().connections.active).toBe(1);
    // A client that does not read its close frame keeps the gateway draining.
    client.ws.pause();
    const closing = running.gateway.close();
    const ready = await get(running.port, '/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.body).toMatchObject({
      status: 'unavailable',
      components: { shutdown: { status: 'closing' } },
    });
    expect((await get(running.port, '/health/live')).status).toBe(200);
    expect((await get(running.port, '/health')).status).toBe(503);
    await closing;
  });
});

describe('healthHandler on a server of your own', () => {
  let server: Server;
  afterEach(() => new Promise((resolve) => server.close(resolve)));

  it('serves live and ready beside the application routes', async () => {
    const gateway = createGateway({ logLevel: 'silent' });
    gateway.namespace('/chat');
    const health = healthHandler(gateway);
    server = createServer((req, res) => {
      if (!health(req, res)) res.writeHead(200).end('app');
    });
    gateway.attach(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    running = { gateway, port, url: (path) => `ws://127.0.0.1:${port}${path}` };
    expect((await get(port, '/health/ready')).status).toBe(200);
    expect((await get(port, '/health/live?probe=1')).status).toBe(200);
    expect(await (await fetch(`http://127.0.0.1:${port}/health/other`)).text()).toBe('app');
  });
});
