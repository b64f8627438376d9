import { afterEach, describe, expect, it } from 'vitest';
import type { GatewayOptions } from '../src/index.js';
import { startGateway, type RunningGateway } from './support/gateway-fixture.js';
import { TestClient } from './support/test-client.js';

let running: RunningGateway;
afterEach(() => running.gateway.close());

async function gateway(options: GatewayOptions): Promise<RunningGateway> {
  return startGateway((gw) => {
    gw.namespace('/ip').on('whereami', (_p, conn) => conn.remoteAddress);
  }, options);
}

const via = (forwardedFor: string) =>
  TestClient.connect(running.url('/ip'), undefined, {
    headers: { 'X-Forwarded-For': forwardedFor },
  });
const address = async (client: TestClient) =>
  (await client.request({ type: 'event', event: 'whereami' })).payload;

describe('client addresses behind proxies', () => {
  it('ignores X-Forwarded-For from anyone not trusted, so a client cannot pick its address', async () => {
    running = await gateway({ limits: { maxConnectionsPerIp: 1 } });
    const first = await via('10.0.0.1');
    expect(await address(first)).toBe('127.0.0.1');
    const second = await via('10.0.0.2');
    expect((await second.closed).code).toBe(4008);
  });

  it('reads the client from a trusted proxy, and counts per-IP limits per client', async () => {
    running = await gateway({ trustProxy: ['127.0.0.1'], limits: { maxConnectionsPerIp: 1 } });
    const a = await via('10.0.0.1');
    expect(await address(a)).toBe('10.0.0.1');
    const again = await via('10.0.0.1');
    expect((await again.closed).code).toBe(4008);
    const b = await via('10.0.0.2');
    expect(await address(b)).toBe('10.0.0.2');
  });

  it('walks the chain from the right past trusted hops only, and stops at a malformed hop', async () => {
    running = await gateway({ trustProxy: ['127.0.0.1', '10.0.0.9'] });
    // A client may prepend anything; only hops added by trusted proxies count.
    expect(await address(await via('6.6.6.6, 10.0.0.3'))).toBe('10.0.0.3');
    expect(await address(await via('10.0.0.4, 10.0.0.9'))).toBe('10.0.0.4');
    expect(await address(await via('not-an-address'))).toBe('127.0.0.1');
  });

  it('refuses a trustProxy entry that is not an address, naming it', async () => {
    await expect(gateway({ trustProxy: ['proxy.internal'] })).rejects.toThrow(
      /trustProxy\.0: must be an IP address/,
    );
    running = await gateway({});
  });
});
