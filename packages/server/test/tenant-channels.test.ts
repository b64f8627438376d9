import { afterEach, describe, expect, it } from 'vitest';
import { startGateway, type RunningGateway } from './support/gateway-fixture.js';
import { identityFromQuery } from './support/identity.js';
import { TestClient } from './support/test-client.js';

let running: RunningGateway;
afterEach(() => running.gateway.close());

const policy = {
  presence: true,
  clientPresence: true,
  joinLeave: true,
  history: { size: 10 },
  clientHistory: true,
};

describe('channel features under tenant isolation', () => {
  it('keeps presence, join/leave, history and recovery per tenant, under the client-visible name', async () => {
    running = await startGateway((gw) => gw.namespace('/t').onConnect(identityFromQuery), {
      tenancy: { sources: ['query'] },
      channels: { policies: { 'room:*': policy } },
    });
    const connect = (user: string, tenant: string) =>
      TestClient.connect(running.url(`/t?user=${user}&tenant=${tenant}`));
    const alice = await connect('alice', 'acme');
    const bob = await connect('bob', 'globex');
    const carol = await connect('carol', 'acme');
    const acked = await alice.request({ type: 'subscribe', channel: 'room:1' });
    await bob.request({ type: 'subscribe', channel: 'room:1' });
    await carol.request({ type: 'subscribe', channel: 'room:1' });

    expect(await alice.waitFor((f) => f.type === 'join')).toMatchObject({
      channel: 'room:1',
      client: { userId: 'carol' },
    });
    const acme = await running.gateway.presence('room:1', { tenant: 'acme' });
    expect(acme.map((c) => c.userId).sort()).toEqual(['alice', 'carol']);
    expect(await running.gateway.presenceStats('room:1', { tenant: 'globex' })).toEqual({
      connections: 1,
      users: 1,
    });
    expect((await bob.request({ type: 'presenceStats', channel: 'room:1' })).payload).toEqual({
      connections: 1,
      users: 1,
    });

    const position = await running.gateway.publish('room:1', 'said', 'acme only', {
      tenant: 'acme',
    });
    expect(position?.offset).toBe(1);
    expect(await carol.waitFor((f) => f.event === 'said')).toMatchObject({
      channel: 'room:1',
      meta: { offset: 1 },
    });
    const bobHistory = await bob.request({ type: 'history', channel: 'room:1' });
    expect(bobHistory.payload).toMatchObject({ offset: 0, publications: [] });

    const since = acked.payload as { offset: number; epoch: string };
    const again = await connect('alice', 'acme');
    const recovered = await again.request({ type: 'subscribe', channel: 'room:1', since });
    expect(recovered.payload).toMatchObject({
      recovered: true,
      publications: [{ event: 'said', payload: 'acme only' }],
    });
    expect(bob.frames.filter((f) => f.type === 'join' || f.event === 'said')).toEqual([]);
  });
});
