import { afterEach, describe, expect, it } from 'vitest';
import { createGateway, type Connection, type Gateway } from '@herald/server';
import { HeraldClient, type SubscribedContext } from '@herald/client';
import { codecs, until } from './support/fake-gateway.js';

// End-to-end recovery and channel features: the client SDK against the real gateway.

const gateways: Gateway[] = [];
const clients: HeraldClient[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  for (const gateway of gateways.splice(0)) await gateway.close();
});

interface Started {
  gateway: Gateway;
  url: string;
  port: number;
  connections: Set<Connection>;
}

async function start(port = 0): Promise<Started> {
  const gateway = createGateway({
    logLevel: 'silent',
    shutdownReconnectWithin: 50,
    drainTimeout: 200,
    // The token is the user id: enough to tell users apart.
    auth: { authenticate: (token) => ({ userId: token }) },
    channels: {
      policies: {
        'feed:*': { history: { size: 2_000 } },
        'room:*': {
          presence: true,
          clientPresence: true,
          joinLeave: true,
          history: { size: 100 },
          clientHistory: true,
          publish: 'subscribers',
        },
      },
    },
  });
  const connections = new Set<Connection>();
  gateway
    .namespace('/app', { auth: 'optional' })
    .onConnect((conn) => void connections.add(conn))
    .onDisconnect((conn) => void connections.delete(conn));
  gateways.push(gateway);
  const address = await gateway.listen(port, '127.0.0.1');
  return { gateway, connections, port: address.port, url: `ws://127.0.0.1:${address.port}/app` };
}

const fast = { initialDelay: 10, maxDelay: 40, factor: 2, maxAttempts: 0, shutdownJitter: 20 };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(codecs)('recovery with the client SDK over $subprotocol', (codec) => {
  function client(url: string): HeraldClient {
    const c = new HeraldClient(url, { codec, reconnect: fast });
    clients.push(c);
    return c;
  }

  it('gets a 1,000-message stream exactly once and in order across three destroyed sockets', async () => {
    const { gateway, url, connections } = await start();
    const c = client(url);
    const seqs: number[] = [];
    const contexts: SubscribedContext[] = [];
    const cuts = new Set([150, 400, 700]);
    const sub = c.subscribe<{ seq: number }>('feed:1', {
      subscribed: (ctx) => void contexts.push(ctx),
      publication: ({ payload }) => {
        seqs.push(payload.seq);
        if (cuts.has(seqs.length)) for (const conn of connections) conn.terminate();
      },
    });
    await sub.ready;
    for (let seq = 0; seq < 1_000; seq++) {
      await gateway.publish('feed:1', 'tick', { seq });
      if (seq % 10 === 9) await sleep(1);
    }
    await until(() => seqs.length >= 1_000, 15_000);
    await sleep(20);
    expect(seqs).toEqual([...Array(1_000).keys()]);
    expect(contexts.map((ctx) => [ctx.resubscribed, ctx.recovered])).toEqual([
      [false, false],
      [true, true],
      [true, true],
      [true, true],
    ]);
    expect(sub.position?.offset).toBe(1_000);
  });

  it('tells the application recovered: false when the stream was lost (a restarted gateway)', async () => {
    const first = await start();
    const c = client(first.url);
    const contexts: SubscribedContext[] = [];
    const sub = c.subscribe('feed:2', { subscribed: (ctx) => void contexts.push(ctx) });
    await sub.ready;
    await first.gateway.publish('feed:2', 'tick', 1);
    await until(() => sub.position?.offset === 1);
    const lostEpoch = sub.position?.epoch;
    await first.gateway.close();
    gateways.splice(0);
    await start(first.port);
    await until(() => contexts.length === 2, 10_000);
    expect(contexts[1]).toMatchObject({
      resubscribed: true,
      recovered: false,
      position: { offset: 0 },
    });
    expect(sub.position?.epoch).not.toBe(lostEpoch);
  });

  it('publishes, reads history and presence, and sees join, leave and a server unsubscribe', async () => {
    const { gateway, url } = await start();
    const alice = client(`${url}?token=alice`);
    const bob = client(`${url}?token=bob`);
    const joined: string[] = [];
    const left: string[] = [];
    const a = alice.subscribe('room:1', {
      join: (who) => void joined.push(who.userId ?? ''),
      leave: (who) => void left.push(who.userId ?? ''),
    });
    await a.ready;
    const b = bob.subscribe('room:1', {}, { info: { name: 'Bob' } });
    await b.ready;
    await until(() => joined.length === 1);
    expect(joined).toEqual(['bob']);

    expect(await b.publish('said', { text: 'hi' })).toMatchObject({ offset: 1 });
    const page = await a.history({ limit: 5 });
    expect(page.publications.map((p) => p.payload)).toEqual([{ text: 'hi' }]);
    expect((await a.presence()).find((p) => p.userId === 'bob')).toMatchObject({
      info: { name: 'Bob' },
    });
    expect(await a.presenceStats()).toEqual({ connections: 2, users: 2 });

    const ended = new Promise((resolve) => b.once('unsubscribed', resolve));
    expect(await gateway.unsubscribe({ user: 'bob' }, 'room:1')).toBe(1);
    expect(await ended).toEqual({ byServer: true });
    expect(b.state).toBe('unsubscribed');
    await until(() => left.length === 1);
    expect(left).toEqual(['bob']);
  });
});
