import { afterEach, describe, expect, it } from 'vitest';
import { startGateway, type RunningGateway } from './support/gateway-fixture.js';
import { identityFromQuery } from './support/identity.js';
import { TestClient } from './support/test-client.js';
import { secret, sign } from './support/tokens.js';

let running: RunningGateway;
afterEach(() => running.gateway.close());

/** Targeted sends go through the node's index of connections by id, user and tenant. */
describe('targeted sends through the connection index', () => {
  it('follows in-band authentication and refresh, and forgets a closed connection', async () => {
    running = await startGateway((gw) => gw.namespace('/app', { auth: 'optional' }), {
      auth: { jwt: { secret } },
    });
    const client = await TestClient.connect(running.url('/app'));
    await client.request({ type: 'subscribe', channel: 'warm-up' });
    expect(await running.gateway.to({ user: 'ada' }).emit('hello', 1)).toBe(0);
    const signIn = async () =>
      expect(
        await client.request({ type: 'auth', token: await sign({ sub: 'ada' }) }),
      ).toMatchObject({
        type: 'ack',
      });
    await signIn();
    expect(await running.gateway.to({ user: 'ada' }).emit('hello', 2)).toBe(1);
    expect(await running.gateway.to({ user: 'ada' }).except({ user: 'ada' }).emit('no')).toBe(0);
    expect(await running.gateway.to({ user: 'ada' }).emit('hello', 3)).toBe(1);
    await signIn(); // a refresh: same user
    expect(await running.gateway.to({ user: 'ada' }).emit('hello', 4)).toBe(1);
    const payloads = await client.waitForCount((f) => f.event === 'hello', 3);
    expect(payloads.map((f) => f.payload)).toEqual([2, 3, 4]);
    await client.close();
    await expect.poll(() => running.gateway.to({ user: 'ada' }).emit('hello', 5)).toBe(0);
  });

  it('selects across namespaces, unions targets and applies exclusions', async () => {
    running = await startGateway((gw) => {
      for (const path of ['/a', '/b']) {
        gw.namespace(path)
          .onConnect(identityFromQuery)
          .on('whoami', (_p, conn) => conn.id);
      }
    });
    const connect = async (path: string, user: string, tenant: string) => {
      const client = await TestClient.connect(running.url(`${path}?user=${user}&tenant=${tenant}`));
      const id = (await client.request({ type: 'event', event: 'whoami' })).payload as string;
      return { client, id };
    };
    const ada1 = await connect('/a', 'ada', 'acme');
    const ada2 = await connect('/b', 'ada', 'acme');
    const bob = await connect('/a', 'bob', 'initech');
    const eve = await connect('/b', 'eve', 'acme');
    const { gateway } = running;
    expect(await gateway.to({ user: 'ada' }).emit('x')).toBe(2);
    expect(await gateway.to({ user: 'ada', namespace: '/b' }).emit('x')).toBe(1);
    expect(await gateway.to({ tenant: 'acme' }).emit('x')).toBe(3);
    expect(await gateway.to({ user: 'ada' }).to({ tenant: 'acme' }).emit('x')).toBe(3);
    expect(await gateway.to({ user: 'bob' }).to({ user: 'eve' }).emit('x')).toBe(2);
    expect(await gateway.to({ tenant: 'acme' }).except({ user: 'ada' }).emit('x')).toBe(1);
    expect(await gateway.to({ connection: bob.id }).emit('x')).toBe(1);
    expect(await gateway.to({ connection: bob.id, user: 'ada' }).emit('x')).toBe(0);
    expect(await gateway.to({ connection: 'nobody' }).emit('x')).toBe(0);
    expect(await gateway.to({ namespace: '/b' }).emit('x')).toBe(2);
    for (const peer of [ada1, ada2, bob, eve]) await peer.client.close();
  });
});
