import { afterEach, describe, expect, it } from 'vitest';
import {
  requireRoles,
  scopes,
  type GatewayOptions,
  type NamespaceOptionsInput,
} from '../src/index.js';
import { startGateway, type RunningGateway } from './support/gateway-fixture.js';
import { refusal, stillServes } from './support/probes.js';
import { TestClient } from './support/test-client.js';
import { secret, sign } from './support/tokens.js';

let running: RunningGateway;
afterEach(() => running.gateway.close());

const connected: string[] = [];

function gatewayWith(
  auth: GatewayOptions['auth'],
  namespace: NamespaceOptionsInput = {},
  options: GatewayOptions = {},
): Promise<RunningGateway> {
  connected.length = 0;
  return startGateway(
    (gw) => {
      const ns = gw.namespace('/app', namespace);
      ns.onConnect((conn) => connected.push(conn.identity.userId ?? 'anonymous'));
      ns.on('echo', (payload) => payload);
      ns.on('whoami', (_p, conn) => conn.identity.userId ?? null);
      ns.on('identity', (_p, conn) => conn.identity);
    },
    { ...options, auth },
  );
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('in-band authentication', () => {
  it('accepts an auth frame within authTimeout, runs onConnect only then, and serves', async () => {
    running = await gatewayWith({ jwt: { secret }, authTimeout: 2_000 });
    const client = await TestClient.connect(running.url('/app'));
    expect(await client.request({ type: 'event', event: 'echo', payload: 1 })).toMatchObject({
      code: 'WS_AUTH_REQUIRED',
    });
    expect(connected).toEqual([]);
    const ack = await client.request({ type: 'auth', token: await sign({ sub: 'ada' }) });
    expect(ack).toMatchObject({ type: 'ack', payload: { expiresAt: expect.any(Number) } });
    expect((await client.request({ type: 'event', event: 'whoami' })).payload).toBe('ada');
    expect(connected).toEqual(['ada']);
  });

  it('queues frames sent right behind the auth frame until it is verified', async () => {
    running = await gatewayWith({ jwt: { secret } });
    const client = await TestClient.connect(running.url('/app'));
    client.send({ type: 'auth', token: await sign({ sub: 'ada' }), id: 'a' });
    client.send({ type: 'event', event: 'whoami', id: 'w' });
    expect(await client.waitFor((f) => f.id === 'w')).toMatchObject({
      type: 'ack',
      payload: 'ada',
    });
  });

  it('closes with 4001 when no auth frame comes in time, and others carry on', async () => {
    running = await gatewayWith({ jwt: { secret }, authTimeout: 150 });
    const bystander = await TestClient.connect(
      running.url(`/app?token=${await sign({ sub: 'b' })}`),
    );
    const silent = await TestClient.connect(running.url('/app'));
    expect((await silent.closed).code).toBe(4001);
    expect(silent.frames[0]).toMatchObject({
      code: 'WS_AUTH_REQUIRED',
      message: 'no auth frame within 150 ms',
    });
    expect(running.gateway.stats().rejected.auth_timeout).toBe(1);
    await stillServes(bystander);
  });

  it('closes with 4001 on a bad in-band token', async () => {
    running = await gatewayWith({ jwt: { secret } });
    const client = await TestClient.connect(running.url('/app'));
    const error = await client.request({ type: 'auth', token: 'garbage' });
    expect(error).toMatchObject({ type: 'error', code: 'WS_AUTH_FAILED' });
    expect((await client.closed).code).toBe(4001);
    expect(connected).toEqual([]);
  });

  it('runs no handler for frames queued behind a failed auth frame', async () => {
    let ran = 0;
    running = await startGateway(
      (gw) => {
        gw.namespace('/app').on('effect', () => (ran += 1));
      },
      { auth: { jwt: { secret } } },
    );
    const client = await TestClient.connect(running.url('/app'));
    client.send({ type: 'auth', token: await sign({ sub: 'x' }, { expiresIn: -10 }), id: 'a' });
    client.send({ type: 'event', event: 'effect', id: 'e' });
    client.send({ type: 'subscribe', channel: 'c', id: 's' });
    expect((await client.closed).code).toBe(4010);
    await sleep(20);
    expect(ran).toBe(0);
  });

  it('answers an auth frame on a public namespace with WS_NOT_FOUND', async () => {
    running = await gatewayWith({ jwt: { secret } }, { auth: 'public' });
    const client = await TestClient.connect(running.url('/app'));
    expect(await client.request({ type: 'auth', token: 'x' })).toMatchObject({
      code: 'WS_NOT_FOUND',
    });
    await stillServes(client);
  });
});

describe('token expiry and refresh', () => {
  it('closes a connection whose token expires with 4010, and others carry on', async () => {
    running = await gatewayWith({ jwt: { secret } });
    const bystander = await TestClient.connect(
      running.url(`/app?token=${await sign({ sub: 'b' })}`),
    );
    const client = await TestClient.connect(
      running.url(`/app?token=${await sign({ sub: 'ada' }, { expiresIn: 0.2 })}`),
    );
    await stillServes(client);
    expect((await client.closed).code).toBe(4010);
    expect(client.frames.at(-1)).toMatchObject({ type: 'error', code: 'WS_TOKEN_EXPIRED' });
    await stillServes(bystander);
  });

  it('extends a session refreshed in-band before expiry', async () => {
    running = await gatewayWith({ jwt: { secret } });
    const client = await TestClient.connect(
      running.url(`/app?token=${await sign({ sub: 'ada' }, { expiresIn: 0.2 })}`),
    );
    const ack = await client.request({
      type: 'auth',
      token: await sign({ sub: 'ada' }, { expiresIn: 0.6 }),
    });
    expect(ack).toMatchObject({ type: 'ack', payload: { expiresAt: expect.any(Number) } });
    await sleep(350);
    await stillServes(client);
    expect((await client.closed).code).toBe(4010);
  });

  it('refuses a refresh for another user and keeps the current session', async () => {
    running = await gatewayWith({ jwt: { secret } });
    const client = await TestClient.connect(
      running.url(`/app?token=${await sign({ sub: 'ada' })}`),
    );
    const error = await client.request({ type: 'auth', token: await sign({ sub: 'mallory' }) });
    expect(error).toMatchObject({ type: 'error', code: 'WS_FORBIDDEN' });
    const expired = await client.request({
      type: 'auth',
      token: await sign({ sub: 'ada' }, { expiresIn: -5 }),
    });
    expect(expired).toMatchObject({ type: 'error', code: 'WS_TOKEN_EXPIRED' });
    expect((await client.request({ type: 'event', event: 'whoami' })).payload).toBe('ada');
  });

  it('expires identities from a custom authenticate too', async () => {
    running = await gatewayWith({
      authenticate: (token) => ({ userId: token, expiresAt: Date.now() + 150 }),
    });
    const client = await TestClient.connect(running.url('/app?token=ada'));
    expect((await client.closed).code).toBe(4010);
  });
});

describe('what a refresh may change', () => {
  const identityOf = async (client: TestClient) =>
    (await client.request({ type: 'event', event: 'identity' })).payload as Record<string, unknown>;
  const refused = {
    type: 'error',
    code: 'WS_FORBIDDEN',
    message: 'a refresh token must be for the same user and tenant',
  };

  it('refuses a token naming no tenant, another tenant or another user, and the session carries on as it was', async () => {
    for (const options of [{}, { tenancy: { sources: ['claim', 'query'] } }] as GatewayOptions[]) {
      running = await gatewayWith({ jwt: { secret } }, {}, options);
      const client = await TestClient.connect(
        running.url(
          `/app?tenant=acme&token=${await sign({ sub: 'ada', tenant_id: 'acme', roles: ['r'] }, { expiresIn: 1 })}`,
        ),
      );
      const before = await identityOf(client);
      expect(before).toMatchObject({ userId: 'ada', tenant: 'acme' });
      for (const claims of [
        { sub: 'ada' },
        { sub: 'ada', tenant_id: 'globex' },
        { sub: 'bob', tenant_id: 'acme' },
        { tenant_id: 'acme' },
      ]) {
        const answer = await client.request({
          type: 'auth',
          token: await sign({ ...claims, roles: ['changed'] }, { expiresIn: 3600 }),
        });
        expect({ claims, answer }).toMatchObject({ claims, answer: refused });
      }
      // Still open, same identity, and the old expiry still holds: nothing was refreshed.
      await stillServes(client);
      expect(await identityOf(client)).toEqual(before);
      expect((await client.closed).code).toBe(4010);
      await running.gateway.close();
    }
  });

  it('treats an auth frame on a session whose token named no user as a refresh', async () => {
    running = await gatewayWith({ jwt: { secret } });
    const client = await TestClient.connect(
      running.url(`/app?token=${await sign({ tenant_id: 'acme' })}`),
    );
    expect(
      await client.request({ type: 'auth', token: await sign({ sub: 'root', tenant_id: 'acme' }) }),
    ).toMatchObject(refused);
    expect(await identityOf(client)).toMatchObject({ tenant: 'acme' });
    expect(await identityOf(client)).not.toHaveProperty('userId');
  });

  it('keeps the tenant a source gave a session whose token named none', async () => {
    running = await gatewayWith(
      { jwt: { secret } },
      {},
      { tenancy: { sources: ['claim', 'query'] } },
    );
    const client = await TestClient.connect(
      running.url(`/app?tenant=acme&token=${await sign({ sub: 'ada' })}`),
    );
    const ack = await client.request({ type: 'auth', token: await sign({ sub: 'ada' }) });
    expect(ack).toMatchObject({ type: 'ack' });
    expect(await identityOf(client)).toMatchObject({ userId: 'ada', tenant: 'acme' });
    // The token names a tenant the session's token did not: not the same credentials.
    expect(
      await client.request({ type: 'auth', token: await sign({ sub: 'ada', tenant_id: 'acme' }) }),
    ).toMatchObject(refused);
  });

  it('applies new roles, permissions, scopes and expiry', async () => {
    running = await gatewayWith({ jwt: { secret } });
    const client = await TestClient.connect(
      running.url(`/app?token=${await sign({ sub: 'ada', tenant_id: 'acme', roles: ['a'] })}`),
    );
    const ack = await client.request({
      type: 'auth',
      token: await sign(
        { sub: 'ada', tenant_id: 'acme', roles: ['b'], permissions: ['p'], scopes: ['s'] },
        { expiresIn: 7200 },
      ),
    });
    const identity = await identityOf(client);
    expect(identity).toMatchObject({
      userId: 'ada',
      tenant: 'acme',
      roles: ['b'],
      permissions: ['p'],
      scopes: ['s'],
      expiresAt: (ack.payload as { expiresAt: number }).expiresAt,
    });
  });

  it("refuses a token that no longer meets the namespace's scopes or handshake guards", async () => {
    running = await gatewayWith(
      { jwt: { secret } },
      { auth: scopes(['chat']), handshakeGuards: [requireRoles(['member'])] },
    );
    const client = await TestClient.connect(
      running.url(`/app?token=${await sign({ sub: 'ada', scopes: ['chat'], roles: ['member'] })}`),
    );
    expect(
      await client.request({ type: 'auth', token: await sign({ sub: 'ada', roles: ['member'] }) }),
    ).toMatchObject({ type: 'error', code: 'WS_FORBIDDEN', message: 'missing scope: chat' });
    expect(
      await client.request({ type: 'auth', token: await sign({ sub: 'ada', scopes: ['chat'] }) }),
    ).toMatchObject({ type: 'error', code: 'WS_FORBIDDEN' });
    await stillServes(client);
    expect(await identityOf(client)).toMatchObject({ scopes: ['chat'], roles: ['member'] });
  });
});

describe('namespace auth modes', () => {
  async function modes(): Promise<RunningGateway> {
    return startGateway(
      (gw) => {
        for (const [path, auth] of [
          ['/public', 'public'],
          ['/optional', 'optional'],
          ['/required', 'required'],
          ['/all', scopes(['chat:read', 'chat:write'])],
          ['/any', scopes(['admin', 'chat:read'], 'any')],
        ] as const) {
          const ns = gw.namespace(path, { auth });
          ns.on('echo', (p) => p);
          ns.on('whoami', (_p, conn) => conn.identity.userId ?? null);
        }
      },
      { auth: { jwt: { secret }, authTimeout: 0 } },
    );
  }

  it('public ignores tokens; optional verifies one if given; required needs one', async () => {
    running = await modes();
    const token = await sign({ sub: 'ada' });
    const pub = await TestClient.connect(running.url(`/public?token=${token}`));
    expect((await pub.request({ type: 'event', event: 'whoami' })).payload).toBeNull();
    const anonymous = await TestClient.connect(running.url('/optional'));
    expect((await anonymous.request({ type: 'event', event: 'whoami' })).payload).toBeNull();
    const known = await TestClient.connect(running.url(`/optional?token=${token}`));
    expect((await known.request({ type: 'event', event: 'whoami' })).payload).toBe('ada');
    expect(await refusal(running.url('/optional?token=forged'))).toMatchObject({ close: 4001 });
    expect(await refusal(running.url('/required'))).toMatchObject({
      close: 4001,
      code: 'WS_AUTH_REQUIRED',
    });
  });

  it('optional lets an anonymous connection authenticate in-band later', async () => {
    running = await modes();
    const client = await TestClient.connect(running.url('/optional'));
    await client.request({ type: 'auth', token: await sign({ sub: 'ada' }) });
    expect((await client.request({ type: 'event', event: 'whoami' })).payload).toBe('ada');
  });

  it('scopes(all) and scopes(any) refuse a token without them with 4003', async () => {
    running = await modes();
    const both = await sign({ sub: 'a', scopes: ['chat:read', 'chat:write'] });
    const readOnly = await sign({ sub: 'b', scopes: ['chat:read'] });
    const none = await sign({ sub: 'c' });
    await stillServes(await TestClient.connect(running.url(`/all?token=${both}`)));
    expect(await refusal(running.url(`/all?token=${readOnly}`))).toMatchObject({
      close: 4003,
      code: 'WS_FORBIDDEN',
    });
    await stillServes(await TestClient.connect(running.url(`/any?token=${readOnly}`)));
    expect(await refusal(running.url(`/any?token=${none}`))).toMatchObject({
      close: 4003,
      code: 'WS_FORBIDDEN',
    });
  });

  it('refuses a namespace that needs auth on a gateway without it, naming the field', async () => {
    await expect(
      startGateway((gw) => {
        gw.namespace('/x', { auth: 'required' });
      }),
    ).rejects.toThrow(/namespace \/x\.auth/);
    running = await modes();
  });
});
