import { afterEach, describe, expect, it } from 'vitest';
import { createGateway, HeraldError as ServerError, type Gateway } from '@herald/server';
import { HeraldClient, RequestError, TimeoutError, type HeraldClientOptions } from '@herald/client';
import { SignJWT } from 'jose';
import { codecs, until } from './support/fake-gateway.js';

// End-to-end: the real gateway over real sockets.

const gateways: Gateway[] = [];
const clients: HeraldClient[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  for (const gateway of gateways.splice(0)) await gateway.close();
});

/** Starts a gateway on `port` (0: any) with a `/chat/:room` namespace. */
async function start(port = 0): Promise<{ gateway: Gateway; url: string; port: number }> {
  const gateway = createGateway({
    logLevel: 'silent',
    shutdownReconnectWithin: 50,
    drainTimeout: 200,
  });
  const ns = gateway.namespace('/chat/:room');
  ns.on('echo', async (payload) => payload);
  ns.on('forbidden', async () => {
    throw new ServerError('WS_FORBIDDEN', 'not for you');
  });
  ns.on('hang', () => new Promise(() => undefined));
  ns.on('ask-me', async (payload, conn) => conn.request('question', payload));
  ns.on('join', async (channel, conn) => conn.join(String(channel)));
  gateways.push(gateway);
  const address = await gateway.listen(port, '127.0.0.1');
  return { gateway, port: address.port, url: `ws://127.0.0.1:${address.port}/chat/lobby` };
}

const fast = { initialDelay: 20, maxDelay: 80, factor: 2, maxAttempts: 0, shutdownJitter: 20 };

describe.each(codecs)('HeraldClient against the gateway with $subprotocol', (codec) => {
  function client(url: string, options: HeraldClientOptions = {}): HeraldClient {
    const c = new HeraldClient(url, { codec, reconnect: fast, ...options });
    clients.push(c);
    return c;
  }

  it('requests, refusals with the gateway code, timeouts and server requests', async () => {
    const { url } = await start();
    const c = client(url);
    await c.connect();
    expect(c.protocol).toBe(codec.subprotocol);
    await expect(c.request('echo', { text: 'hi' })).resolves.toEqual({ text: 'hi' });
    const refused = await c.request('forbidden', {}).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(RequestError);
    expect(refused).toMatchObject({ code: 'WS_FORBIDDEN' });
    await expect(c.request('hang', {}, { timeout: 30 })).rejects.toBeInstanceOf(TimeoutError);
    c.on('question', (q) => ({ answer: q }));
    await expect(c.request('ask-me', 42)).resolves.toEqual({ answer: 42 });
  });

  it('delivers publications of server-joined channels as plain events', async () => {
    const { url, gateway } = await start();
    const c = client(url);
    await c.connect();
    await c.request('join', 'room:1');
    const received = new Promise((resolve) => c.once('said', resolve));
    await gateway.publish('room:1', 'said', { text: 'hello' });
    expect(await received).toEqual({ text: 'hello' });
  });

  it('survives a gateway restart on the same port: resubscribes and gets later publications', async () => {
    const first = await start();
    const c = client(first.url);
    const got: unknown[] = [];
    const sub = c.subscribe('news', { publication: (p) => void got.push(p.payload) });
    await sub.ready;
    await first.gateway.publish('news', 'item', 'before');
    await until(() => got.length === 1);

    const delays: number[] = [];
    c.on('reconnecting', ({ delay }) => void delays.push(delay));
    const disconnected = new Promise((resolve) => c.once('disconnected', resolve));
    await first.gateway.close();
    gateways.splice(0);
    expect(await disconnected).toMatchObject({ code: 1001, willReconnect: true });
    // The shutdown notice bounds the first delay; refused attempts then back off.
    expect(delays[0]).toBeLessThanOrEqual(50);
    c.emit('echo', 'queued while away');
    const second = await start(first.port);
    await new Promise((resolve) => sub.once('subscribed', resolve));
    for (const delay of delays.slice(1)) expect(delay).toBeLessThanOrEqual(fast.maxDelay);
    await second.gateway.publish('news', 'item', 'after');
    await until(() => got.length === 2);
    expect(got).toEqual(['before', 'after']);
  });

  it('does not reconnect after the gateway refuses its token (4001), and sends getToken tokens', async () => {
    const secret = 'client-test-secret-of-at-least-32-bytes!';
    const gateway = createGateway({ logLevel: 'silent', auth: { jwt: { secret } } });
    gateway.namespace('/private').on('whoami', (_p, conn) => conn.identity.userId);
    gateways.push(gateway);
    const { port } = await gateway.listen(0, '127.0.0.1');
    const url = `ws://127.0.0.1:${port}/private`;
    const sign = (key: string) =>
      new SignJWT({ sub: 'ada' })
        .setProtectedHeader({ alg: 'HS256' })
        .setExpirationTime('1h')
        .sign(new TextEncoder().encode(key));

    const forged = client(url, { token: await sign('a-different-secret-of-at-least-32-bytes') });
    let reconnects = 0;
    forged.on('reconnecting', () => void reconnects++);
    const info = await new Promise((resolve) => forged.once('disconnected', resolve));
    expect(info).toMatchObject({ code: 4001, willReconnect: false });
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(forged.state).toBe('disconnected');
    expect(reconnects).toBe(0);

    const good = client(url, { getToken: () => sign(secret) });
    await good.connect();
    await expect(good.request('whoami', null)).resolves.toBe('ada');
  });

  it('delivers the offline queue in order once the gateway is back', async () => {
    const first = await start();
    const c = client(first.url);
    await c.connect();
    await first.gateway.close();
    gateways.splice(0);
    await until(() => !c.isConnected);
    const answers = [1, 2, 3].map((n) => c.request('echo', n));
    const second = await start(first.port);
    expect(second.port).toBe(first.port);
    await expect(Promise.all(answers)).resolves.toEqual([1, 2, 3]);
  });

  it('measures latency with the gateway pong', async () => {
    const { url } = await start();
    const c = client(url, { heartbeat: { interval: 20, timeout: 500 } });
    await c.connect();
    await until(() => c.latency !== undefined);
    expect(c.latency).toBeGreaterThanOrEqual(0);
  });
});
