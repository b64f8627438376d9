import { execFile } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { createGateway, scopes, type Gateway } from '@herald/server';
import { ConnectionError, HeraldClient, type HeraldClientOptions } from '@herald/client';
import { SignJWT } from 'jose';
import { codecs, until } from './support/fake-gateway.js';

// When is a client connected? Only once the gateway accepted its session: the real gateway, and
// a raw `ws` server that accepts the upgrade and then says nothing.

const secret = 'client-test-secret-of-at-least-32-bytes!';
const gateways: Gateway[] = [];
const silentServers: WebSocketServer[] = [];
const clients: HeraldClient[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  for (const gateway of gateways.splice(0)) await gateway.close();
  for (const server of silentServers.splice(0)) await new Promise((r) => server.close(r));
});

const sign = (claims: Record<string, unknown>, expiresIn = 3600) =>
  new SignJWT({ ...claims, exp: Math.floor(Date.now() / 1000) + expiresIn })
    .setProtectedHeader({ alg: 'HS256' })
    .sign(new TextEncoder().encode(secret));

interface Started {
  url: (path: string) => string;
  gateway: Gateway;
}

/** A gateway whose `/slow` namespace holds its onConnect hook until `release()`. */
async function start(): Promise<Started & { release: () => void; entered: () => boolean }> {
  const gateway = createGateway({ logLevel: 'silent', auth: { jwt: { secret } } });
  let release = (): void => undefined;
  const held = new Promise<void>((resolve) => (release = resolve));
  let entered = false;
  gateway.namespace('/private').on('whoami', (_p, conn) => conn.identity.userId);
  gateway.namespace('/scoped', { auth: scopes(['chat']) });
  gateway.namespace('/slow', { auth: 'public' }).onConnect(async () => {
    entered = true;
    await held;
  });
  gateways.push(gateway);
  const { port } = await gateway.listen(0, '127.0.0.1');
  return {
    gateway,
    url: (path) => `ws://127.0.0.1:${port}${path}`,
    release,
    entered: () => entered,
  };
}

/** Accepts the WebSocket upgrade, then never sends a frame. */
async function silentGateway(): Promise<{ url: string; connections: () => number }> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((resolve) => server.once('listening', resolve));
  silentServers.push(server);
  let connections = 0;
  server.on('connection', () => void connections++);
  const { port } = server.address() as AddressInfo;
  return { url: `ws://127.0.0.1:${port}/chat`, connections: () => connections };
}

const fast = { initialDelay: 10, maxDelay: 40, factor: 2, maxAttempts: 0, shutdownJitter: 20 };

async function refusedTokens(started: Started) {
  return [
    {
      close: 4001,
      code: 'WS_AUTH_FAILED',
      url: started.url(`/private?token=${await sign({ sub: 'ada' }).then((t) => `${t}x`)}`),
    },
    {
      close: 4003,
      code: 'WS_FORBIDDEN',
      url: started.url(`/scoped?token=${await sign({ sub: 'ada' })}`),
    },
    {
      close: 4010,
      code: 'WS_TOKEN_EXPIRED',
      url: started.url(`/private?token=${await sign({ sub: 'ada' }, -60)}`),
    },
  ];
}

describe.each(codecs)('connect() over $subprotocol', (codec) => {
  function client(url: string, options: HeraldClientOptions = {}): HeraldClient {
    const c = new HeraldClient(url, { codec, reconnect: fast, ...options });
    clients.push(c);
    return c;
  }

  it('rejects on a refused session (4001, 4003, 4010) with the close code, and settles what waited', async () => {
    const started = await start();
    for (const { url, close, code } of await refusedTokens(started)) {
      const c = client(url, { autoConnect: false });
      const subscription = c.subscribe('news');
      const request = c.request('echo', 'queued');
      const subscriptionError = new Promise((resolve) => subscription.once('error', resolve));
      const connecting = c.connect();
      const expected = { code, closeCode: close, willReconnect: false };
      const error = await connecting.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConnectionError);
      expect({ close, error }).toMatchObject({ close, error: expected });
      await expect(subscription.ready).rejects.toMatchObject(expected);
      expect(await subscriptionError).toMatchObject(expected);
      await expect(request).rejects.toMatchObject(expected);
      expect(c.state).toBe('disconnected');
      expect(c.queued).toBe(0);
      // A later connect() tries again, and fails the same way.
      await expect(c.connect()).rejects.toMatchObject(expected);
    }
    // Each connect() made one attempt; none reconnected by itself.
    expect(started.gateway.stats().rejected).toMatchObject({
      unauthenticated: 2,
      forbidden: 2,
      token_expired: 2,
    });
  });

  it('reconnects with a fresh token after 4010 when getToken is set', async () => {
    const started = await start();
    let calls = 0;
    const c = client(started.url('/private'), {
      getToken: () => sign({ sub: 'ada' }, ++calls === 1 ? -60 : 3600),
    });
    const subscription = c.subscribe('news');
    expect(await c.connect().catch((e: unknown) => e)).toMatchObject({
      code: 'WS_TOKEN_EXPIRED',
      closeCode: 4010,
      willReconnect: true,
    });
    await subscription.ready;
    await expect(c.request('whoami', null)).resolves.toBe('ada');
    expect(calls).toBe(2);
  });

  it('resolves only once the gateway accepted the session, after its onConnect hooks', async () => {
    const started = await start();
    const c = client(started.url('/slow'));
    let resolved = false;
    const connecting = c.connect().then(() => (resolved = true));
    await until(() => started.entered());
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect({ resolved, state: c.state }).toEqual({ resolved: false, state: 'connecting' });
    started.release();
    await connecting;
    expect(c.state).toBe('connected');
  });

  it('authenticates in-band while connecting, and only then counts as connected', async () => {
    const started = await start();
    const c = client(started.url('/private'));
    const connecting = c.connect();
    const whoami = c.request('whoami', null); // queued until the session is accepted
    const ack = await c.authenticate(await sign({ sub: 'ada' }));
    expect(ack).toEqual({ expiresAt: expect.any(Number) });
    await connecting;
    await expect(whoami).resolves.toBe('ada');
  });

  it('rejects after connectTimeout when the gateway never answers, and tries again', async () => {
    const silent = await silentGateway();
    const c = client(silent.url, { connectTimeout: 150 });
    const subscription = c.subscribe('news');
    const error = await c.connect().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error).toMatchObject({
      code: 'WS_TIMEOUT',
      closeCode: 1006,
      closeReason: 'connect timeout',
      willReconnect: true,
    });
    await until(() => silent.connections() >= 2);
    expect(subscription.state).toBe('subscribing');
    const stopped = client(silent.url, { connectTimeout: 150, reconnect: false });
    const never = stopped.subscribe('news');
    await expect(stopped.connect()).rejects.toMatchObject({
      code: 'WS_TIMEOUT',
      willReconnect: false,
    });
    await expect(never.ready).rejects.toMatchObject({ code: 'WS_TIMEOUT', closeCode: 1006 });
  });
});

describe('a client that stopped for good', () => {
  const run = promisify(execFile);
  const script = fileURLToPath(new URL('./support/give-up.ts', import.meta.url));
  /** Runs the script to its end: it must exit by itself (or be killed and fail the test). */
  const outcomes = async (url: string, token = '-', connectTimeout = 10_000, reconnect = 'on') => {
    const args = ['--import', 'tsx', script, url, token, String(connectTimeout), reconnect];
    const { stdout } = await run(process.execPath, args, { timeout: 15_000 });
    return JSON.parse(stdout) as unknown;
  };

  it('settles connect(), ready and queued requests, and leaves no timer or socket behind', async () => {
    const started = await start();
    const silent = await silentGateway();
    const refused = await refusedTokens(started);
    const results = await Promise.all([
      ...refused.map(({ url }) => outcomes(url)),
      outcomes(silent.url, '-', 100, 'off'),
    ]);
    const expected = [
      ...refused.map(({ code, close }) => ({ code, closeCode: close })),
      { code: 'WS_TIMEOUT', closeCode: 1006 },
    ];
    for (const [i, { code, closeCode }] of expected.entries()) {
      const error = { name: 'ConnectionError', code, closeCode, willReconnect: false };
      expect(results[i]).toEqual([error, error, error]);
    }
  }, 30_000);
});
