import { afterEach, describe, expect, it } from 'vitest';
import type { Broadcast, Gateway, Target } from '../src/index.js';
import { startGateway, type RunningGateway } from './support/gateway-fixture.js';
import { identityFromQuery } from './support/identity.js';
import { TestClient } from './support/test-client.js';

let running: RunningGateway;
afterEach(() => running.gateway.close());

interface Peer {
  client: TestClient;
  id: string;
  user: string;
  tenant: string;
  roles: string[];
  permissions: string[];
  namespace: string;
  channels: string[];
}

async function targetGateway(): Promise<RunningGateway> {
  return startGateway((gw) => {
    for (const path of ['/a', '/b'])
      gw.namespace(path)
        .onConnect(identityFromQuery)
        .on('whoami', (_p, conn) => conn.id);
  });
}

/** Connection i gets a mix of users (several connections each), tenants, roles and channels. */
async function connectPeers(count: number): Promise<Peer[]> {
  return Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const peer = {
        user: `u${i % 90}`,
        tenant: `t${i % 3}`,
        roles: [...(i % 4 === 0 ? ['admin'] : []), ...(i % 5 === 0 ? ['editor'] : [])],
        permissions: i % 6 === 0 ? ['reports.read'] : [],
        namespace: i % 7 === 0 ? '/b' : '/a',
        channels: i % 2 === 0 ? ['news'] : [],
      };
      const query = `user=${peer.user}&tenant=${peer.tenant}&roles=${peer.roles.join(',')}&permissions=${peer.permissions.join(',')}`;
      const client = await TestClient.connect(running.url(`${peer.namespace}?${query}`));
      const id = (await client.request({ type: 'event', event: 'whoami' })).payload as string;
      for (const channel of peer.channels) await client.request({ type: 'subscribe', channel });
      return { ...peer, client, id };
    }),
  );
}

function inTarget(peer: Peer, target: Target): boolean {
  return (
    (target.user === undefined || peer.user === target.user) &&
    (target.tenant === undefined || peer.tenant === target.tenant) &&
    (target.role === undefined || peer.roles.includes(target.role)) &&
    (target.permission === undefined || peer.permissions.includes(target.permission)) &&
    (target.namespace === undefined || peer.namespace === target.namespace) &&
    (target.channel === undefined || peer.channels.includes(target.channel)) &&
    (target.connection === undefined || peer.id === target.connection)
  );
}

interface Case {
  name: string;
  send: (gateway: Gateway) => Broadcast;
  expect: (peer: Peer) => boolean;
}

describe('targeted broadcast', () => {
  it('reaches exactly its target set among 300 connections', async () => {
    running = await targetGateway();
    const peers = await connectPeers(300);
    const someone = peers[10] as Peer;
    const cases: Case[] = [
      {
        name: 'user',
        send: (g) => g.to({ user: 'u5' }),
        expect: (p) => inTarget(p, { user: 'u5' }),
      },
      {
        name: 'tenant',
        send: (g) => g.to({ tenant: 't1' }),
        expect: (p) => inTarget(p, { tenant: 't1' }),
      },
      {
        name: 'role',
        send: (g) => g.to({ role: 'admin' }),
        expect: (p) => inTarget(p, { role: 'admin' }),
      },
      {
        name: 'permission',
        send: (g) => g.to({ permission: 'reports.read' }),
        expect: (p) => inTarget(p, { permission: 'reports.read' }),
      },
      {
        name: 'channel',
        send: (g) => g.to({ channel: 'news' }),
        expect: (p) => inTarget(p, { channel: 'news' }),
      },
      {
        name: 'namespace',
        send: (g) => g.to({ namespace: '/b' }),
        expect: (p) => inTarget(p, { namespace: '/b' }),
      },
      {
        name: 'tenant and role',
        send: (g) => g.to({ tenant: 't2', role: 'editor' }),
        expect: (p) => inTarget(p, { tenant: 't2', role: 'editor' }),
      },
      {
        name: 'union',
        send: (g) => g.to({ role: 'admin' }).to({ user: 'u7' }),
        expect: (p) => inTarget(p, { role: 'admin' }) || inTarget(p, { user: 'u7' }),
      },
      {
        name: 'except user and connection',
        send: (g) =>
          g.to({ tenant: 't0' }).except({ user: 'u3' }).except({ connection: someone.id }),
        expect: (p) => inTarget(p, { tenant: 't0' }) && p.user !== 'u3' && p.id !== someone.id,
      },
      {
        name: 'namespace scope',
        send: (g) => g.namespaces.find((ns) => ns.pattern.source === '/a')!.to({ role: 'admin' }),
        expect: (p) => p.namespace === '/a' && inTarget(p, { role: 'admin' }),
      },
      {
        name: 'everyone but one',
        send: (g) => g.to({}).except({ user: someone.user }),
        expect: (p) => p.user !== someone.user,
      },
    ];

    for (const [index, c] of cases.entries()) {
      const reached = await c.send(running.gateway).emit(`case${index}`, { index });
      expect(reached, c.name).toBe(peers.filter(c.expect).length);
    }
    // Per-connection order holds, so once everyone has `done` every case's frames have arrived.
    await running.gateway.to({}).emit('done');
    await Promise.all(peers.map((p) => p.client.waitFor((f) => f.event === 'done')));
    for (const [index, c] of cases.entries()) {
      const got = peers
        .filter((p) => p.client.events(`case${index}`).length === 1)
        .map((p) => p.id);
      const want = peers.filter(c.expect).map((p) => p.id);
      expect(want.length, c.name).toBeGreaterThan(0);
      expect(got.sort(), c.name).toEqual(want.sort());
    }
    expect(
      peers.every(
        (p) => p.client.frames.filter((f) => f.event?.startsWith('case')).length <= cases.length,
      ),
    ).toBe(true);
  });

  it('fetches, unsubscribes and disconnects connections by target', async () => {
    running = await targetGateway();
    const peers = await connectPeers(24);
    const fetched = await running.gateway.fetchConnections({ tenant: 't1' });
    expect(fetched.map((c) => c.id).sort()).toEqual(
      peers
        .filter((p) => p.tenant === 't1')
        .map((p) => p.id)
        .sort(),
    );
    const first = peers[0] as Peer;
    expect((await running.gateway.fetchConnections({ connection: first.id }))[0]).toEqual({
      id: first.id,
      namespace: '/b',
      params: {},
      userId: 'u0',
      tenant: 't0',
      roles: ['admin', 'editor'],
      permissions: ['reports.read'],
      scopes: [],
      channels: ['news'],
      remoteAddress: '127.0.0.1',
      transport: 'websocket',
      connectedAt: expect.any(Number),
    });

    // u2 has connection 2 only (24 < 90), subscribed to news.
    expect(await running.gateway.unsubscribe({ user: 'u2' }, 'news')).toBe(1);
    const u2 = peers[2] as Peer;
    expect(await u2.client.waitFor((f) => f.event === 'unsubscribed')).toEqual({
      type: 'system',
      event: 'unsubscribed',
      payload: { channel: 'news', reason: 'server' },
    });
    await running.gateway.publish('news', 'story');
    const readers = peers.filter((p) => p.channels.includes('news') && p !== u2);
    await Promise.all(readers.map((p) => p.client.waitFor((f) => f.event === 'story')));
    await running.gateway.to({}).emit('done');
    await u2.client.waitFor((f) => f.event === 'done');
    expect(u2.client.events('story')).toHaveLength(0);

    const admins = peers.filter((p) => p.roles.includes('admin'));
    expect(await running.gateway.disconnect({ role: 'admin' }, 4011, 'bye')).toBe(admins.length);
    for (const admin of admins)
      expect(await admin.client.closed).toEqual({ code: 4011, reason: 'bye' });
    const others = peers.filter((p) => !p.roles.includes('admin'));
    expect(others.every((p) => p.client.ws.readyState === p.client.ws.OPEN)).toBe(true);
    expect((await running.gateway.fetchConnections()).length).toBe(others.length);
  });
});
