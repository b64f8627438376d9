import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway } from '@herald/server';
import { RedisBroker } from '../src/index.js';
import { startPrivateRedis, type PrivateService } from '../../../test/support/private-services.js';
import { TestClient } from '../../server/test/support/test-client.js';

let redis: PrivateService;
beforeAll(async () => {
  redis = await startPrivateRedis();
});
afterAll(() => redis.dispose());

describe('a gateway on Redis when Redis goes away', () => {
  it('reports degraded on /health, keeps serving local clients, and recovers by itself', async () => {
    const gateway = createGateway({
      logLevel: 'silent',
      broker: new RedisBroker({ url: redis.url, prefix: 'gw' }),
    });
    gateway.namespace('/live').on('say', async (text) => {
      await gateway.publish('room', 'said', text);
      return 'ok';
    });
    const { port } = await gateway.listen(0, '127.0.0.1');
    const health = async () =>
      (await (await fetch(`http://127.0.0.1:${port}/health`)).json()) as { status: string };
    const [alice, bob] = await Promise.all([
      TestClient.connect(`ws://127.0.0.1:${port}/live`),
      TestClient.connect(`ws://127.0.0.1:${port}/live`),
    ]);
    await alice.request({ type: 'subscribe', channel: 'room' });
    await bob.request({ type: 'subscribe', channel: 'room' });
    expect(await health()).toMatchObject({
      status: 'ok',
      broker: { status: 'ok' },
      connections: 2,
    });

    await redis.stop();
    await expect.poll(async () => (await health()).status).toBe('degraded');
    await bob.request({ type: 'event', event: 'say', payload: 'while away' });
    expect((await alice.waitFor((f) => f.event === 'said')).payload).toBe('while away');

    await redis.start();
    await expect.poll(async () => (await health()).status, { timeout: 10_000 }).toBe('ok');
    await bob.request({ type: 'event', event: 'say', payload: 'back' });
    await alice.waitFor((f) => f.event === 'said' && f.payload === 'back', 10_000);
    await gateway.close();
  });
});
