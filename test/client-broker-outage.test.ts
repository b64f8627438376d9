import { afterEach, describe, expect, it } from 'vitest';
import { HeraldClient, type HeraldError, type SubscribedContext } from '@herald/client';
import { createGateway } from '@herald/server';
import { outageBackends } from './support/outage-backends.js';
import { TcpBalancer } from './support/tcp-balancer.js';
import { until } from './support/until.js';

// An SDK client whose connection drops, and that reconnects while the gateway's broker (a server
// of the test's own, which keeps its data across the restart) is unreachable: its subscriptions
// are refused for now, tried again, and recover what they missed once the broker is back.

const backends = outageBackends(true);

describe.each(backends)('an SDK client reconnecting while $name is unreachable', (backend) => {
  const cleanup: (() => Promise<unknown> | void)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  it('keeps retrying its subscriptions, then is subscribed again and recovers what it missed', async () => {
    const server = await backend.start();
    cleanup.push(() => server.dispose());
    const gateway = createGateway({
      logLevel: 'silent',
      broker: backend.broker(server.url),
      channels: { policies: { 'feed:*': { history: { size: 100 } } } },
    });
    gateway.namespace('/app');
    const { port } = await gateway.listen(0, '127.0.0.1');
    cleanup.push(() => gateway.close());
    // The client reaches the gateway through a proxy, so that its connection can be cut.
    const proxy = new TcpBalancer([port]);
    const proxyPort = await proxy.listen();
    cleanup.push(() => proxy.close().catch(() => undefined));

    const client = new HeraldClient(`ws://127.0.0.1:${proxyPort}/app`, {
      reconnect: { initialDelay: 50, maxDelay: 400 },
    });
    cleanup.push(() => client.close());
    const received: number[] = [];
    const errors: HeraldError[] = [];
    const contexts: SubscribedContext[] = [];
    const feed = client.subscribe<number>('feed:1', {
      publication: ({ payload }) => void received.push(payload),
      error: (error) => void errors.push(error),
      subscribed: (context) => void contexts.push(context),
    });
    await feed.ready;
    for (const n of [1, 2]) await gateway.publish('feed:1', 'n', n);
    await until(() => received.length === 2);

    // The connection drops; what is published meanwhile is missed; then the broker goes away.
    await proxy.close();
    await until(() => client.state !== 'connected');
    for (const n of [3, 4]) await gateway.publish('feed:1', 'n', n);
    await server.stop();
    await until(() => gateway.health().status === 'degraded', 10_000);

    // The client reconnects during the outage: its subscription is refused for now, and retried.
    await proxy.listen(proxyPort);
    await until(() => client.state === 'connected', 10_000);
    // A subscription made during the outage waits too: its `ready` neither resolves nor rejects.
    const late: HeraldError[] = [];
    const lateReceived: number[] = [];
    const other = client.subscribe<number>('feed:2', {
      error: (error) => void late.push(error),
      publication: ({ payload }) => void lateReceived.push(payload),
    });
    let otherReady: 'pending' | 'resolved' | 'rejected' = 'pending';
    other.ready.then(
      () => (otherReady = 'resolved'),
      () => (otherReady = 'rejected'),
    );
    await until(() => errors.length >= 3 && late.length >= 2, 15_000);
    for (const error of [...errors, ...late]) {
      expect(error).toMatchObject({ code: 'WS_UNAVAILABLE', temporary: true });
    }
    expect([feed.state, other.state]).toEqual(['subscribing', 'subscribing']);
    expect(otherReady).toBe('pending');
    expect(feed.position?.offset).toBe(2);

    // The broker is back: subscribed again, the missed publications first, then new ones.
    await server.start();
    await until(() => feed.state === 'subscribed' && other.state === 'subscribed', 20_000);
    expect(contexts.at(-1)).toMatchObject({ resubscribed: true, recovered: true });
    await gateway.publish('feed:1', 'n', 5);
    await gateway.publish('feed:2', 'n', 1);
    await until(() => received.length === 5 && lateReceived.length === 1, 10_000);
    expect(received).toEqual([1, 2, 3, 4, 5]);
    expect(otherReady).toBe('resolved');
  }, 60_000);
});
