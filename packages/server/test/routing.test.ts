import { afterEach, describe, expect, it } from 'vitest';
import {
  ConfigError,
  createGateway,
  type GatewayOptions,
  type NamespaceOptionsInput,
} from '../src/index.js';
import { startGateway, type RunningGateway } from './support/gateway-fixture.js';
import { TestClient } from './support/test-client.js';
import { upgradeStatus } from './support/upgrade-status.js';

let running: RunningGateway;
afterEach(() => running.gateway.close());

describe('namespace routing', () => {
  it('matches path parameters and exposes params and query to handlers', async () => {
    running = await startGateway((gw) => {
      gw.namespace('/chat/:room').on('whoami', (_p, conn) => ({
        params: conn.params,
        query: conn.query.get('lang'),
        namespace: conn.namespace,
      }));
      gw.namespace('/notifications').on('whoami', (_p, conn) => ({
        namespace: conn.namespace,
      }));
    });
    const chat = await TestClient.connect(running.url('/chat/caf%C3%A9?lang=fr'));
    const notes = await TestClient.connect(running.url('/notifications'));
    expect((await chat.request({ type: 'event', event: 'whoami' })).payload).toEqual({
      params: { room: 'café' },
      query: 'fr',
      namespace: '/chat/:room',
    });
    expect((await notes.request({ type: 'event', event: 'whoami' })).payload).toEqual({
      namespace: '/notifications',
    });
  });

  it('refuses an unknown path with 404 before the upgrade', async () => {
    running = await startGateway((gw) => {
      gw.namespace('/chat/:room');
    });
    expect(await upgradeStatus(running.port, '/nope')).toBe(404);
    expect(await upgradeStatus(running.port, '/chat')).toBe(404);
    expect(await upgradeStatus(running.port, '/chat/a/b')).toBe(404);
    expect(await upgradeStatus(running.port, '/chat/a')).toBe(101);
    expect(running.gateway.stats().rejected.not_found).toBe(3);
  });

  it('reads the request target as written: `//` is a path, never a host, and never a crash', async () => {
    running = await startGateway((gw) => {
      gw.namespace('/x');
    });
    // `new URL('//', base)` throws, and reads `//evil/x` as host `evil`, path `/x`.
    expect(await upgradeStatus(running.port, '//')).toBe(404);
    expect(await upgradeStatus(running.port, '///')).toBe(404);
    expect(await upgradeStatus(running.port, '//evil/x')).toBe(404);
    expect(await upgradeStatus(running.port, '/x?lang=fr')).toBe(101);
    expect(running.gateway.stats().rejected.not_found).toBe(3);
  });

  it('refuses connections past maxConnections with close 4008', async () => {
    running = await startGateway((gw) => {
      gw.namespace('/limited', { maxConnections: 2 });
    });
    const a = await TestClient.connect(running.url('/limited'));
    await TestClient.connect(running.url('/limited'));
    const third = await TestClient.connect(running.url('/limited'));
    expect((await third.closed).code).toBe(4008);
    expect(a.ws.readyState).toBe(a.ws.OPEN);
    expect(running.gateway.stats().rejected.limit).toBe(1);
  });

  it('rejects an invalid option naming the field', async () => {
    await expect(
      startGateway((gw) => {
        gw.namespace('/x', { pingInterval: -5 });
      }),
    ).rejects.toThrow(/namespace \/x\.pingInterval/);
  });

  it('refuses unknown options and bad patterns with ConfigError, naming them', async () => {
    const gateway = createGateway({ logLevel: 'silent' });
    const cases: [() => unknown, RegExp][] = [
      [() => createGateway({ prot: 1 } as GatewayOptions), /\(options\): Unrecognized key: "prot"/],
      [
        () => createGateway({ namespaceDefaults: { maxMessageSise: 1 } } as GatewayOptions),
        /namespaceDefaults: Unrecognized key: "maxMessageSise"/,
      ],
      [
        () =>
          gateway.namespace('/x', { backpressure: { stratgy: 'drop' } } as NamespaceOptionsInput),
        /namespace \/x\.backpressure: Unrecognized key: "stratgy"/,
      ],
      [() => gateway.namespace('chat'), /namespace pattern 'chat' must start with '\/'/],
      [() => gateway.namespace('/a/:id/:id'), /repeats the parameter 'id'/],
    ];
    for (const [make, message] of cases) {
      expect(make).toThrow(ConfigError);
      expect(make).toThrow(message);
    }
    await gateway.close();
  });
});
