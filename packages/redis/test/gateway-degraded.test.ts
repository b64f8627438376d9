import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway, createHttpApi, HeraldError } from '@herald/server';
import { RedisBroker } from '../src/index.js';
import { startPrivateRedis, type PrivateService } from '../../../test/support/private-services.js';
import { TestClient } from '../../server/test/support/test-client.js';

let redis: PrivateService;
beforeAll(async () => {
  redis = await startPrivateRedis();
});
afterAll(() => redis.dispose());

describe('a gateway on Redis when Redis goes away', () => {
  it('reports degraded, acks no publication it could not hand to Redis, and recovers by itself', async () => {
    const gateway = createGateway({
      logLevel: 'silent',
      broker: new RedisBroker({ url: redis.url, prefix: 'gw' }),
      channels: { policies: { 'feed:*': { history: { size: 10 }, publish: 'everyone' } } },
    });
    gateway
      .namespace('/live')
      .on('say', async (text) => {
        await gateway.publish('room', 'said', text);
        return 'ok';
      })
      .on('announce', async (text) => {
        await gateway.namespaces[0]?.broadcast('announced', text);
        return 'ok';
      });
    const api = createHttpApi(gateway);
    const server = createServer((req, res) => void api(req, res));
    gateway.attach(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const base = `http://127.0.0.1:${port}`;
    const health = async () =>
      (await (await fetch(`${base}/api/stats`)).json()) as { health: { status: string } };
    const apiPublish = (channel: string) =>
      fetch(`${base}/api/publish`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ channel, event: 'said', payload: 'over http' }),
      });
    const [alice, bob] = await Promise.all([
      TestClient.connect(`ws://127.0.0.1:${port}/live`),
      TestClient.connect(`ws://127.0.0.1:${port}/live`),
    ]);
    await alice.request({ type: 'subscribe', channel: 'room' });
    await alice.request({ type: 'subscribe', channel: 'feed:1' });
    await bob.request({ type: 'subscribe', channel: 'room' });
    expect((await health()).health).toMatchObject({ status: 'ok', broker: { status: 'ok' } });

    await redis.stop();
    await expect.poll(async () => (await health()).health.status).toBe('degraded');
    // Every publish path refuses with WS_UNAVAILABLE (retry later) instead of a success.
    const unavailable = { type: 'error', code: 'WS_UNAVAILABLE' };
    expect(await bob.request({ type: 'event', event: 'say', payload: 'away' })).toMatchObject(
      unavailable,
    );
    expect(await bob.request({ type: 'event', event: 'announce', payload: 'away' })).toMatchObject(
      unavailable,
    );
    expect(
      await bob.request({ type: 'publish', channel: 'feed:1', event: 'said', payload: 'away' }),
    ).toMatchObject(unavailable);
    const refusal = await gateway
      .publish('feed:1', 'said', 'away')
      .catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(HeraldError);
    expect(refusal).toMatchObject({ code: 'WS_UNAVAILABLE' });
    await expect(gateway.broadcastToTenant('acme', 'notice', 'away')).rejects.toMatchObject({
      code: 'WS_UNAVAILABLE',
    });
    const response = await apiPublish('room');
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ code: 'WS_UNAVAILABLE' });
    // Nothing was delivered, not even on this node: no subscriber sees what the others do not.
    expect(alice.frames.filter((f) => f.type === 'event')).toEqual([]);

    await redis.start();
    await expect.poll(async () => (await health()).health.status, { timeout: 10_000 }).toBe('ok');
    await expect
      .poll(
        async () => (await bob.request({ type: 'event', event: 'say', payload: 'back' })).type,
        {
          timeout: 10_000,
        },
      )
      .toBe('ack');
    await alice.waitFor((f) => f.event === 'said' && f.payload === 'back', 10_000);
    expect((await apiPublish('room')).status).toBe(200);
    await gateway.close();
    server.close();
  });
});
