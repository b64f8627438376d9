import { afterEach, describe, expect, it } from 'vitest';
import { HeraldClient, type HeraldClientOptions } from '@herald/client';
import type { DisconnectReason } from '@herald/server';
import {
  startGateway,
  type RunningGateway,
} from '../packages/server/test/support/gateway-fixture.js';
import { UpgradeBlockingProxy } from './support/upgrade-blocking-proxy.js';
import { until } from './support/until.js';

let running: RunningGateway;
let proxy: UpgradeBlockingProxy;
let proxyPort: number;
let disconnects: DisconnectReason[];
const clients: HeraldClient[] = [];

async function setUp(): Promise<void> {
  disconnects = [];
  running = await startGateway((g) =>
    g.namespace('/chat').onDisconnect((_, reason) => void disconnects.push(reason)),
  );
  proxy = new UpgradeBlockingProxy(running.port);
  proxyPort = await proxy.listen();
}

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await proxy.close();
  await running.gateway.close();
});

function client(options: HeraldClientOptions = {}): HeraldClient {
  const made = new HeraldClient(`http://127.0.0.1:${proxyPort}/chat`, {
    reconnect: { initialDelay: 20, maxDelay: 50 },
    ...options,
  });
  made.on('error', () => undefined);
  clients.push(made);
  return made;
}

describe('the client choosing a transport', () => {
  it('falls back to SSE when the upgrade is refused, and remembers it for the next connection', async () => {
    await setUp();
    proxy.blockUpgrades('refuse');
    const c = client();
    await c.connect();
    expect(c.transport).toBe('sse');
    expect(proxy.upgrades).toBe(1);

    await running.gateway.disconnect({}, 1012, 'restart');
    await until(() => c.state === 'reconnecting');
    await until(() => c.state === 'connected');
    expect(c.transport).toBe('sse');
    expect(proxy.upgrades).toBe(1);
  });

  it('falls back when a WebSocket does not open within transportTimeout', async () => {
    await setUp();
    proxy.blockUpgrades('hang');
    const c = client({ transportTimeout: 300, transports: ['websocket', 'http-stream'] });
    const started = Date.now();
    await c.connect();
    expect(c.transport).toBe('http-stream');
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
  });

  it('moves back to a WebSocket once one opens again', async () => {
    await setUp();
    proxy.blockUpgrades('refuse');
    const c = client({ retryWebSocketAfter: 200 });
    await c.connect();
    expect(c.transport).toBe('sse');
    // Still refused: the probe fails and the session stays on SSE.
    await until(() => proxy.upgrades >= 2);
    expect(c.transport).toBe('sse');

    proxy.allowUpgrades();
    await until(() => c.transport === 'websocket' && c.state === 'connected', 3_000);
    expect(await c.request('missing', null).catch((e: { code: string }) => e.code)).toBe(
      'WS_NOT_FOUND',
    );
  });

  it('ends an HTTP session with a normal closure when the client closes', async () => {
    await setUp();
    const c = client({ transports: ['http-stream'] });
    await c.connect();
    c.close();
    await until(() => disconnects.length === 1);
    expect(disconnects[0]?.code).toBe(1000);
  });
});
