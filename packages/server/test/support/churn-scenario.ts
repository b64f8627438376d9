import { expect } from 'vitest';
import type { GatewayOptions } from '../../src/index.js';
import { startGateway, type RunningGateway } from './gateway-fixture.js';
import { identityFromQuery } from './identity.js';
import { TestClient } from './test-client.js';

/**
 * 120 clients subscribe to channels with presence and history, then leave cleanly, abruptly and
 * with requests in flight: afterwards no channel, presence entry or counter may be left, and
 * newcomers are served. Runs on any broker given in `options`; closes the gateway.
 */
export async function churnLeavesNothing(options: GatewayOptions = {}): Promise<void> {
  const running: RunningGateway = await startGateway(
    (gw) => {
      gw.namespace('/churn')
        .onConnect(identityFromQuery)
        .on('slow', () => new Promise((resolve) => setTimeout(() => resolve('late'), 50)));
    },
    {
      channels: {
        policies: { 'room:*': { presence: true, joinLeave: true, history: { size: 10 } } },
      },
      ...options,
    },
  );
  try {
    const clients = await Promise.all(
      Array.from({ length: 120 }, (_, i) =>
        TestClient.connect(running.url(`/churn?user=u${i % 30}`)),
      ),
    );
    await Promise.all(
      clients.map((client, i) => client.request({ type: 'subscribe', channel: `room:${i % 7}` })),
    );
    expect((await running.gateway.channels()).length).toBe(7);
    expect((await running.gateway.presenceStats('room:0')).connections).toBeGreaterThan(0);

    for (const [i, client] of clients.entries()) {
      if (i % 3 === 0)
        client.ws.terminate(); // abrupt: the socket is destroyed
      else if (i % 3 === 1) {
        client.send({ type: 'event', event: 'slow', id: 'x' }); // leaves with a request in flight
        client.ws.close();
      } else client.ws.close();
      if (i % 10 === 0) await running.gateway.publish('room:1', 'tick', i);
    }

    await expect
      .poll(() => running.gateway.stats().connections.active, { timeout: 10_000 })
      .toBe(0);
    await expect.poll(() => running.gateway.channels()).toEqual([]);
    for (let room = 0; room < 7; room++) {
      expect(await running.gateway.presence(`room:${room}`)).toEqual([]);
    }
    expect(await running.gateway.online()).toEqual([]);
    // The gateway still serves newcomers normally.
    const fresh = await TestClient.connect(running.url('/churn?user=new'));
    expect((await fresh.request({ type: 'subscribe', channel: 'room:0' })).type).toBe('ack');
    expect((await running.gateway.presence('room:0')).map((p) => p.userId)).toEqual(['new']);
  } finally {
    await running.gateway.close();
  }
}
