import { afterEach, describe, expect, it } from 'vitest';
import { startGateway, type RunningGateway } from './support/gateway-fixture.js';
import { identityFromQuery, sleep } from './support/identity.js';
import { TestClient, type Frame } from './support/test-client.js';

let running: RunningGateway;
afterEach(() => running.gateway.close());

async function presenceGateway(): Promise<RunningGateway> {
  return startGateway(
    (gw) => {
      gw.namespace('/p')
        .onConnect(identityFromQuery)
        .on('whoami', (_p, conn) => conn.id);
      gw.namespace('/other').onConnect(identityFromQuery);
    },
    {
      channels: {
        policies: {
          'room:*': { presence: true, joinLeave: true, clientPresence: true },
          'quiet:*': { presence: true },
        },
      },
    },
  );
}

async function member(user: string, path = '/p'): Promise<{ client: TestClient; id: string }> {
  const client = await TestClient.connect(running.url(`${path}?user=${user}`));
  const id =
    path === '/p'
      ? ((await client.request({ type: 'event', event: 'whoami' })).payload as string)
      : '';
  return { client, id };
}

/** Waits until the channel's presence has exactly these connection ids. */
async function presenceBecomes(channel: string, ids: string[]): Promise<void> {
  const want = [...ids].sort();
  for (let attempt = 0; attempt < 200; attempt++) {
    const now = (await running.gateway.presence(channel)).map((c) => c.connectionId).sort();
    if (JSON.stringify(now) === JSON.stringify(want)) return;
    await sleep(10);
  }
  expect((await running.gateway.presence(channel)).map((c) => c.connectionId).sort()).toEqual(want);
}

const joins = (f: Frame) => f.type === 'join';
const leaves = (f: Frame) => f.type === 'leave';

describe('presence', () => {
  it('lists connections and users, and stays right after clean and abrupt disconnects', async () => {
    running = await presenceGateway();
    const alice1 = await member('alice');
    const alice2 = await member('alice');
    const bob = await member('bob');
    const carol = await member('carol');
    await alice1.client.request({
      type: 'subscribe',
      channel: 'quiet:1',
      info: { device: 'phone' },
    });
    for (const m of [alice2, bob, carol])
      await m.client.request({ type: 'subscribe', channel: 'quiet:1' });

    const clients = await running.gateway.presence('quiet:1');
    expect(clients).toHaveLength(4);
    expect(clients).toContainEqual({
      connectionId: alice1.id,
      userId: 'alice',
      info: { device: 'phone' },
    });
    expect(clients).toContainEqual({ connectionId: bob.id, userId: 'bob' });
    expect(await running.gateway.presenceStats('quiet:1')).toEqual({ connections: 4, users: 3 });

    await bob.client.close();
    await presenceBecomes('quiet:1', [alice1.id, alice2.id, carol.id]);
    alice2.client.ws.terminate(); // the socket is destroyed: no close frame
    await presenceBecomes('quiet:1', [alice1.id, carol.id]);
    carol.client.ws.terminate();
    await presenceBecomes('quiet:1', [alice1.id]);
    expect(await running.gateway.presenceStats('quiet:1')).toEqual({ connections: 1, users: 1 });

    await alice1.client.request({ type: 'unsubscribe', channel: 'quiet:1' });
    expect(await running.gateway.presence('quiet:1')).toEqual([]);
  });

  it('pushes join and leave to the other subscribers, not to the one joining', async () => {
    running = await presenceGateway();
    const alice = await member('alice');
    const bob = await member('bob');
    const carol = await member('carol');
    await alice.client.request({ type: 'subscribe', channel: 'room:1' });
    await bob.client.request({ type: 'subscribe', channel: 'room:1', info: { name: 'Bob' } });
    expect(await alice.client.waitFor(joins)).toEqual({
      type: 'join',
      channel: 'room:1',
      client: { connectionId: bob.id, userId: 'bob', info: { name: 'Bob' } },
    });
    await carol.client.request({ type: 'subscribe', channel: 'room:1' });
    await bob.client.waitFor((f) => joins(f) && f.client?.userId === 'carol');

    bob.client.ws.terminate();
    const left = await alice.client.waitFor(leaves);
    expect(left).toEqual({
      type: 'leave',
      channel: 'room:1',
      client: { connectionId: bob.id, userId: 'bob', info: { name: 'Bob' } },
    });
    await carol.client.close();
    await alice.client.waitForCount(leaves, 2);

    expect(alice.client.frames.filter(joins).map((f) => f.client?.userId)).toEqual([
      'bob',
      'carol',
    ]);
    expect(bob.client.frames.filter(joins).map((f) => f.client?.userId)).toEqual(['carol']);
    expect(alice.client.frames.filter(leaves).map((f) => f.client?.userId)).toEqual([
      'bob',
      'carol',
    ]);
  });

  it('sends no join/leave where the policy has them off', async () => {
    running = await presenceGateway();
    const alice = await member('alice');
    const bob = await member('bob');
    await alice.client.request({ type: 'subscribe', channel: 'quiet:2' });
    await bob.client.request({ type: 'subscribe', channel: 'quiet:2' });
    await bob.client.close();
    await presenceBecomes('quiet:2', [alice.id]);
    await running.gateway.publish('quiet:2', 'marker');
    await alice.client.waitFor((f) => f.event === 'marker');
    expect(alice.client.frames.filter((f) => joins(f) || leaves(f))).toEqual([]);
  });

  it('answers presence requests from subscribers where the policy allows it', async () => {
    running = await presenceGateway();
    const alice = await member('alice');
    const bob = await member('bob');
    expect(await alice.client.request({ type: 'presence', channel: 'room:2' })).toMatchObject({
      code: 'WS_FORBIDDEN',
      message: "subscribe to 'room:2' first",
    });
    await alice.client.request({ type: 'subscribe', channel: 'room:2' });
    await bob.client.request({ type: 'subscribe', channel: 'room:2' });
    const answer = await alice.client.request({ type: 'presence', channel: 'room:2' });
    expect(
      (answer.payload as { clients: { userId: string }[] }).clients.map((c) => c.userId).sort(),
    ).toEqual(['alice', 'bob']);
    expect(
      (await alice.client.request({ type: 'presenceStats', channel: 'room:2' })).payload,
    ).toEqual({
      connections: 2,
      users: 2,
    });
    await alice.client.request({ type: 'subscribe', channel: 'quiet:3' });
    expect(await alice.client.request({ type: 'presence', channel: 'quiet:3' })).toMatchObject({
      code: 'WS_FORBIDDEN',
      message: "presence of 'quiet:3' is not available to clients",
    });
  });

  it('tells who is online, in a namespace and anywhere', async () => {
    running = await presenceGateway();
    const alice = await member('alice');
    await member('bob');
    await member('dave', '/other');
    expect((await running.gateway.online()).sort()).toEqual(['alice', 'bob', 'dave']);
    expect((await running.gateway.namespaces[0]!.online()).sort()).toEqual(['alice', 'bob']);
    expect(await running.gateway.online('/other')).toEqual(['dave']);
    expect(await running.gateway.isOnline('alice')).toBe(true);
    alice.client.ws.terminate();
    await alice.client.closed;
    for (let attempt = 0; attempt < 100 && (await running.gateway.isOnline('alice')); attempt++)
      await sleep(10);
    expect(await running.gateway.isOnline('alice')).toBe(false);
    expect(await running.gateway.isOnline('erin')).toBe(false);
  });

  it('keeps live entries past their ttl by refreshing them', async () => {
    running = await startGateway(
      (gw) => {
        gw.namespace('/p').onConnect(identityFromQuery);
      },
      { channels: { presenceTtl: 1_000, default: { presence: true } } },
    );
    const client = await TestClient.connect(running.url('/p?user=alice'));
    await client.request({ type: 'subscribe', channel: 'long' });
    await sleep(1_300);
    expect(await running.gateway.presenceStats('long')).toEqual({ connections: 1, users: 1 });
  });
});
