import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { NatsBroker } from '@herald/nats';
import { RedisBroker } from '@herald/redis';
import { createGateway, type Broker, type GatewayOptions } from '@herald/server';
import { startPrivateNats, startPrivateRedis } from './support/private-services.js';
import { TestClient } from '../packages/server/test/support/test-client.js';
import { secret, sign } from '../packages/server/test/support/tokens.js';

// Limits counted across the cluster on a broker server of the test's own: while it cannot be
// reached (per node by default, or refused with `whenBrokerUnreachable: 'refuse'`), once it is
// back, and for a connection that authenticates after it opened.

const backends = [
  {
    name: 'redis',
    start: () => startPrivateRedis(),
    broker: (url: string, prefix: string): Broker =>
      new RedisBroker({ url, prefix, nodeTtl: 1_500 }),
  },
  {
    name: 'nats',
    start: startPrivateNats,
    broker: (url: string, prefix: string): Broker =>
      new NatsBroker({
        servers: url,
        prefix,
        nodeTtl: 1_500,
        storage: 'memory',
        connection: { pingInterval: 1_000, reconnectTimeWait: 100, reconnectJitter: 0 },
      }),
  },
];

describe.each(backends)('cluster-wide limits on a private $name', (backend) => {
  const cleanup: (() => Promise<unknown> | void)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  async function node(url: string, prefix: string, limits: GatewayOptions['limits'] = {}) {
    const gateway = createGateway({
      logLevel: 'silent',
      broker: backend.broker(url, prefix),
      auth: { jwt: { secret } },
      limits: { maxConnectionsPerUser: 1, ...limits },
      rateLimit: { perUser: { perMinute: 3 } },
    });
    gateway.namespace('/app');
    const { port } = await gateway.listen(0, '127.0.0.1');
    cleanup.push(() => gateway.close());
    /** A client of `user`; with no user, one that opens without a token. */
    return async (user?: string) => {
      const query = user === undefined ? '' : `?token=${await sign({ sub: user })}`;
      const client = await TestClient.connect(`ws://127.0.0.1:${port}/app${query}`);
      cleanup.push(() => client.ws.terminate());
      if (user === undefined) return client; // it waits for an auth frame
      await client.settled();
      return client;
    };
  }
  const requests = (client: TestClient, count: number) =>
    Promise.all(
      Array.from({ length: count }, () => client.request({ type: 'subscribe', channel: 'c' })),
    );
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const isOpen = (client: TestClient) => client.ws.readyState === client.ws.OPEN;

  it('counts on each node alone by default, and across the nodes again once it is back', async () => {
    const server = await backend.start();
    cleanup.push(() => server.dispose());
    const prefix = `limits-${randomUUID().slice(0, 8)}`;
    const [onA, onB] = [await node(server.url, prefix), await node(server.url, prefix)];
    await server.stop();

    // Each node admits the user once, and counts its messages with its own bucket.
    const ann = await onA('ann');
    expect(isOpen(ann)).toBe(true);
    expect(isOpen(await onB('ann'))).toBe(true);
    const second = await onA('ann');
    expect((await second.closed).code).toBe(4008);
    const answers = await requests(ann, 5);
    expect(answers.filter((a) => a.type === 'ack')).toHaveLength(3);

    // Back: ann's connections are restated, and a third node finds the user's limit taken.
    await server.start();
    const onC = await node(server.url, prefix);
    const attempt = async () => {
      const client = await onC('ann');
      const refused = client.closed.then(() => true);
      const verdict = await Promise.race([refused, sleep(200).then(() => false)]);
      client.ws.terminate();
      return verdict;
    };
    await expect.poll(attempt, { timeout: 10_000, interval: 200 }).toBe(true);
  });

  it("refuses new connections and messages with 'refuse'", async () => {
    const server = await backend.start();
    cleanup.push(() => server.dispose());
    const connect = await node(server.url, `limits-${randomUUID().slice(0, 8)}`, {
      whenBrokerUnreachable: 'refuse',
    });
    const bea = await connect('bea');
    expect(isOpen(bea)).toBe(true);
    await server.stop();

    const refused = await connect('cid');
    expect(await refused.closed).toMatchObject({ code: 1013 });
    expect(await refused.waitFor((f) => f.type === 'error')).toMatchObject({
      code: 'WS_UNAVAILABLE',
      message:
        'connection limits cannot be checked while the broker is unreachable; try again later',
    });
    const [answer] = await requests(bea, 1);
    expect(answer).toMatchObject({
      type: 'error',
      code: 'WS_UNAVAILABLE',
      message: 'rate limits cannot be checked while the broker is unreachable; try again later',
    });
    // Still open: a message the limits could not check is no violation.
    expect(isOpen(bea)).toBe(true);
  });

  it('counts a connection that authenticates in-band once, keeping its per-IP count', async () => {
    const server = await backend.start();
    cleanup.push(() => server.dispose());
    const connect = await node(server.url, `limits-${randomUUID().slice(0, 8)}`, {
      maxConnectionsPerIp: 1,
    });
    const waiting = await connect();
    const answer = await waiting.request({ type: 'auth', token: await sign({ sub: 'dee' }) });
    expect(answer.type).toBe('ack');
    expect(isOpen(waiting)).toBe(true);
    const second = await connect('eve');
    expect(await second.waitFor((f) => f.type === 'error')).toMatchObject({
      code: 'WS_CONNECTION_LIMIT',
    });
    await waiting.close();
    // Given back across the cluster too: the IP may connect again.
    await expect
      .poll(async () => {
        const client = await connect('eve');
        const refused = client.closed.then(() => true);
        return Promise.race([refused, sleep(200).then(() => false)]);
      })
      .toBe(false);
  });

  it("counts on each node alone with scope 'node', the broker reachable", async () => {
    const server = await backend.start();
    cleanup.push(() => server.dispose());
    const prefix = `limits-${randomUUID().slice(0, 8)}`;
    const onA = await node(server.url, prefix, { scope: 'node' });
    const onB = await node(server.url, prefix, { scope: 'node' });
    expect(isOpen(await onA('fay'))).toBe(true);
    expect(isOpen(await onB('fay'))).toBe(true);
    expect((await (await onA('fay')).closed).code).toBe(4008);
  });
});
