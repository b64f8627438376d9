import { afterEach, describe, expect, it } from 'vitest';
import { createGateway, type Connection, type Gateway } from '@herald/server';
import { HeraldClient, type SubscribedContext } from '@herald/client';
import { codecs, FakeGateway, until } from './support/fake-gateway.js';

// A channel's stream restarting under a live subscription (a new epoch: its history was lost).

const gateways: Gateway[] = [];
const fakes: FakeGateway[] = [];
const clients: HeraldClient[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  for (const gateway of gateways.splice(0)) await gateway.close();
  for (const fake of fakes.splice(0)) await fake.stop();
});

const fast = { initialDelay: 10, maxDelay: 40, factor: 2, maxAttempts: 0, shutdownJitter: 20 };

describe.each(codecs)('a subscription whose stream restarts, over $subprotocol', (codec) => {
  function client(url: string): HeraldClient {
    const c = new HeraldClient(url, { codec, reconnect: fast });
    clients.push(c);
    return c;
  }

  it('is told recovered: false with the new epoch, and recovers from it after a reconnect', async () => {
    const gateway = createGateway({
      logLevel: 'silent',
      channels: { policies: { 'feed:*': { history: { size: 100 } } } },
    });
    gateways.push(gateway);
    const connections = new Set<Connection>();
    gateway.namespace('/app').onConnect((conn) => void connections.add(conn));
    const { port } = await gateway.listen(0, '127.0.0.1');
    const contexts: SubscribedContext[] = [];
    const seen: string[] = [];
    const subscriber = client(`ws://127.0.0.1:${port}/app`);
    const sub = subscriber.subscribe<number>('feed:1', {
      subscribed: (context) => void contexts.push(context),
      publication: ({ payload, meta }) => void seen.push(`${payload}@${meta.offset}`),
    });
    await sub.ready;
    await gateway.publish('feed:1', 'e', 1);
    await until(() => sub.position?.offset === 1);
    const lost = sub.position?.epoch;

    await gateway.removeHistory('feed:1');
    const fresh = await gateway.publish('feed:1', 'e', 2);
    await until(() => seen.length === 2);
    expect(contexts[1]).toEqual({
      resubscribed: true,
      recovered: false,
      reset: true,
      position: { offset: 0, epoch: fresh?.epoch },
    });
    expect(fresh?.epoch).not.toBe(lost);
    expect(sub.position).toEqual(fresh);

    // The stored position is the new epoch's: a later recovery fills the gap from it.
    // Published once the client knows its socket is gone (its reconnect may follow within 10 ms,
    // too soon to poll for), so that it comes back by recovery.
    const dropped = new Promise<void>((resolve) =>
      subscriber.once('disconnected', () => resolve()),
    );
    for (const conn of connections) conn.terminate();
    await dropped;
    await gateway.publish('feed:1', 'e', 3);
    await until(() => contexts.length === 3, 10_000);
    await until(() => seen.length === 3);
    expect(contexts[2]).toMatchObject({ resubscribed: true, recovered: true, reset: false });
    expect(seen).toEqual(['1@1', '2@1', '3@2']);
  });

  it('notices a new epoch from a publication alone, and ignores a reset it is already past', async () => {
    const fake = new FakeGateway({ onSubscribe: () => ({ offset: 4, epoch: 'e1' }) });
    await fake.start();
    fakes.push(fake);
    const contexts: SubscribedContext[] = [];
    const seen: number[] = [];
    const sub = client(fake.url).subscribe<number>('feed:1', {
      subscribed: (context) => void contexts.push(context),
      publication: ({ meta }) => void seen.push(meta.offset ?? -1),
    });
    await sub.ready;
    const [conn] = fake.live;
    // A reset to where the subscription already is tells the application nothing new.
    conn?.send({
      type: 'system',
      event: 'reset',
      payload: { channel: 'feed:1', offset: 4, epoch: 'e1', reason: 'gap' },
    });
    fake.publish('feed:1', 'e', 'x', { offset: 3, epoch: 'e2' });
    await until(() => seen.length === 1);
    expect(contexts.map((c) => c.reset)).toEqual([false, true]);
    expect(contexts[1]).toMatchObject({
      recovered: false,
      position: { offset: 2, epoch: 'e2' },
    });
    expect(sub.position).toEqual({ offset: 3, epoch: 'e2' });
  });
});
