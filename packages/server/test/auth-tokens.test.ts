import { createServer, type Server } from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, exportSPKI, generateKeyPair, type JWK } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import type { GatewayOptions } from '../src/index.js';
import { startGateway, type RunningGateway } from './support/gateway-fixture.js';
import { refusal, stillServes } from './support/probes.js';
import { TestClient } from './support/test-client.js';
import { secret, sign, unsigned } from './support/tokens.js';
import { upgradeStatus } from './support/upgrade-status.js';

let running: RunningGateway;
const servers: Server[] = [];
afterEach(async () => {
  await running.gateway.close();
  for (const server of servers.splice(0)) await new Promise((r) => server.close(r));
});

function gatewayWith(auth: GatewayOptions['auth']): Promise<RunningGateway> {
  return startGateway(
    (gw) => {
      const ns = gw.namespace('/app');
      ns.on('echo', (payload) => payload);
      ns.on('whoami', (_p, conn) => conn.identity);
    },
    { auth },
  );
}

const hs = { jwt: { secret } };

describe('token sources', () => {
  it('reads a token from the Authorization header, the query, a cookie and the bearer subprotocol', async () => {
    running = await gatewayWith({ ...hs, tokenSources: { cookie: 'sid' } });
    const token = await sign({ sub: 'ada' });
    const viaHeader = await TestClient.connect(running.url('/app'), undefined, {
      headers: { Authorization: `Bearer ${token}` },
    });
    const viaQuery = await TestClient.connect(running.url(`/app?token=${token}`));
    const viaCookie = await TestClient.connect(running.url('/app'), undefined, {
      headers: { Cookie: `theme=dark; sid=${token}` },
    });
    const viaProtocol = await TestClient.connect(running.url('/app'), ['bearer', token]);
    const withCodec = await TestClient.connect(running.url('/app'), [
      'herald.v1.json',
      'bearer',
      token,
    ]);
    for (const client of [viaHeader, viaQuery, viaCookie, viaProtocol, withCodec]) {
      expect((await client.request({ type: 'event', event: 'whoami' })).payload).toMatchObject({
        userId: 'ada',
      });
    }
    // The server answers one of the offered subprotocols, never the token itself.
    expect(viaProtocol.ws.protocol).toBe('bearer');
    expect(withCodec.ws.protocol).toBe('herald.v1.json');
  });

  it('ignores a source that is turned off', async () => {
    running = await gatewayWith({ ...hs, tokenSources: { query: false }, authTimeout: 0 });
    const token = await sign({ sub: 'ada' });
    expect(await refusal(running.url(`/app?token=${token}`))).toMatchObject({
      close: 4001,
      code: 'WS_AUTH_REQUIRED',
    });
  });

  it('maps claims to the identity, with configurable claim names', async () => {
    running = await gatewayWith({ ...hs, claims: { tenant: 'org', scopes: 'scope' } });
    const token = await sign({
      sub: 'ada',
      org: 'acme',
      roles: ['admin'],
      permissions: ['post'],
      scope: 'read write',
    });
    const client = await TestClient.connect(running.url(`/app?token=${token}`));
    const identity = (await client.request({ type: 'event', event: 'whoami' })).payload;
    expect(identity).toMatchObject({
      userId: 'ada',
      tenant: 'acme',
      roles: ['admin'],
      permissions: ['post'],
      scopes: ['read', 'write'],
      expiresAt: expect.any(Number),
    });
  });
});

describe('JWT verification refuses forged and stale tokens, and others carry on', () => {
  async function attack(
    token: string,
  ): Promise<{ close: number; code: string | undefined; message: string | undefined }> {
    const bystander = await TestClient.connect(
      running.url(`/app?token=${await sign({ sub: 'bystander' })}`),
    );
    const outcome = await refusal(running.url(`/app?token=${token}`));
    await stillServes(bystander);
    return outcome;
  }

  it('refuses an expired token with 4010 and WS_TOKEN_EXPIRED', async () => {
    running = await gatewayWith(hs);
    expect(await attack(await sign({ sub: 'ada' }, { expiresIn: -60 }))).toEqual({
      close: 4010,
      code: 'WS_TOKEN_EXPIRED',
      message: 'token has expired',
    });
  });

  it('refuses a wrong signature', async () => {
    running = await gatewayWith(hs);
    const forged = await sign(
      { sub: 'ada' },
      { key: new TextEncoder().encode('another-secret-that-is-32-bytes-long!!') },
    );
    expect(await attack(forged)).toEqual({
      close: 4001,
      code: 'WS_AUTH_FAILED',
      message: 'token signature is invalid',
    });
  });

  it('refuses alg: none', async () => {
    running = await gatewayWith(hs);
    expect(await attack(unsigned({ sub: 'root' }))).toMatchObject({
      close: 4001,
      code: 'WS_AUTH_FAILED',
    });
  });

  it('refuses an RS256 token against an HS256 secret (algorithm confusion)', async () => {
    running = await gatewayWith(hs);
    const { privateKey } = await generateKeyPair('RS256');
    const outcome = await attack(await sign({ sub: 'ada' }, { alg: 'RS256', key: privateKey }));
    expect(outcome).toEqual({
      close: 4001,
      code: 'WS_AUTH_FAILED',
      message: 'token algorithm is not allowed',
    });
  });

  it('refuses an HS256 token signed with the public key of an RS256 gateway (algorithm confusion)', async () => {
    const { publicKey } = await generateKeyPair('RS256');
    const pem = await exportSPKI(publicKey);
    running = await gatewayWith({ jwt: { publicKey: pem } });
    const confused = await sign({ sub: 'ada' }, { key: new TextEncoder().encode(pem) });
    expect(await refusal(running.url(`/app?token=${confused}`))).toMatchObject({
      close: 4001,
      code: 'WS_AUTH_FAILED',
    });
  });

  it('refuses a wrong audience or issuer, and a token not valid yet', async () => {
    running = await gatewayWith({
      jwt: { secret, audience: 'herald', issuer: 'https://id.example.com' },
    });
    const good = { aud: 'herald', iss: 'https://id.example.com' };
    const bystander = await TestClient.connect(
      running.url(`/app?token=${await sign({ sub: 'b', ...good })}`),
    );
    const wrongAud = await sign({ sub: 'ada', aud: 'other', iss: good.iss });
    const wrongIss = await sign({ sub: 'ada', aud: 'herald', iss: 'https://evil.example.com' });
    const early = await sign({ sub: 'ada', ...good, nbf: Math.floor(Date.now() / 1000) + 600 });
    expect(await refusal(running.url(`/app?token=${wrongAud}`))).toMatchObject({
      close: 4001,
      message: "token claim 'aud' is invalid",
    });
    expect(await refusal(running.url(`/app?token=${wrongIss}`))).toMatchObject({
      close: 4001,
      message: "token claim 'iss' is invalid",
    });
    expect(await refusal(running.url(`/app?token=${early}`))).toMatchObject({
      close: 4001,
      message: 'token is not valid yet',
    });
    expect(await refusal(running.url('/app?token=not.a.jwt'))).toMatchObject({
      close: 4001,
      code: 'WS_AUTH_FAILED',
    });
    await stillServes(bystander);
    expect(running.gateway.stats().rejected.unauthenticated).toBe(4);
  });

  it('accepts a token within the clock tolerance', async () => {
    running = await gatewayWith({ jwt: { secret, clockTolerance: 120 } });
    const client = await TestClient.connect(
      running.url(`/app?token=${await sign({ sub: 'ada' }, { expiresIn: -60 })}`),
    );
    await stillServes(client);
  });
});

describe('key sources and algorithms', () => {
  it('verifies HS384 and HS512 when pinned, and refuses HS256 then', async () => {
    running = await gatewayWith({ jwt: { secret, algorithms: ['HS384', 'HS512'] } });
    for (const alg of ['HS384', 'HS512']) {
      await stillServes(
        await TestClient.connect(running.url(`/app?token=${await sign({ sub: alg }, { alg })}`)),
      );
    }
    expect(await refusal(running.url(`/app?token=${await sign({ sub: 'x' })}`))).toMatchObject({
      close: 4001,
    });
  });

  it('verifies RS256, ES256 and EdDSA with PEM keys', async () => {
    for (const alg of ['RS256', 'ES256', 'EdDSA'] as const) {
      const { publicKey, privateKey } = await generateKeyPair(alg);
      running = await gatewayWith({
        jwt: { publicKey: await exportSPKI(publicKey), algorithms: [alg] },
      });
      const client = await TestClient.connect(
        running.url(`/app?token=${await sign({ sub: alg }, { alg, key: privateKey })}`),
      );
      expect((await client.request({ type: 'event', event: 'whoami' })).payload).toMatchObject({
        userId: alg,
      });
      await running.gateway.close();
    }
    running = await gatewayWith(hs);
  });

  it('verifies with a JWK and with a JWKS file, choosing the key by kid', async () => {
    const a = await generateKeyPair('ES256');
    const b = await generateKeyPair('ES256');
    const jwkA: JWK = { ...(await exportJWK(a.publicKey)), kid: 'a', alg: 'ES256' };
    const jwkB: JWK = { ...(await exportJWK(b.publicKey)), kid: 'b', alg: 'ES256' };
    running = await gatewayWith({ jwt: { jwk: jwkA } });
    await stillServes(
      await TestClient.connect(
        running.url(
          `/app?token=${await sign({ sub: 'x' }, { alg: 'ES256', key: a.privateKey, kid: 'a' })}`,
        ),
      ),
    );
    await running.gateway.close();

    const file = join(mkdtempSync(join(tmpdir(), 'herald-jwks-')), 'jwks.json');
    writeFileSync(file, JSON.stringify({ keys: [jwkA, jwkB] }));
    running = await gatewayWith({ jwt: { jwksFile: file } });
    const token = await sign({ sub: 'viaB' }, { alg: 'ES256', key: b.privateKey, kid: 'b' });
    await stillServes(await TestClient.connect(running.url(`/app?token=${token}`)));
    const unknownKid = await sign({ sub: 'x' }, { alg: 'ES256', key: b.privateKey, kid: 'c' });
    expect(await refusal(running.url(`/app?token=${unknownKid}`))).toMatchObject({
      close: 4001,
      message: 'token key is unknown',
    });
  });

  it('fetches a JWKS URL, caches it, and fetches again for an unknown kid (key rotation)', async () => {
    const first = await generateKeyPair('RS256');
    const second = await generateKeyPair('RS256');
    const keys: JWK[] = [{ ...(await exportJWK(first.publicKey)), kid: 'k1', alg: 'RS256' }];
    let fetches = 0;
    const server = createServer((_req, res) => {
      fetches += 1;
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ keys }));
    });
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as { port: number };
    running = await gatewayWith({
      jwt: { jwksUrl: `http://127.0.0.1:${port}/jwks.json`, jwksCooldown: 0 },
    });

    const token1 = await sign({ sub: 'one' }, { alg: 'RS256', key: first.privateKey, kid: 'k1' });
    await stillServes(await TestClient.connect(running.url(`/app?token=${token1}`)));
    await stillServes(await TestClient.connect(running.url(`/app?token=${token1}`)));
    expect(fetches).toBe(1);

    keys.push({ ...(await exportJWK(second.publicKey)), kid: 'k2', alg: 'RS256' });
    const token2 = await sign({ sub: 'two' }, { alg: 'RS256', key: second.privateKey, kid: 'k2' });
    await stillServes(await TestClient.connect(running.url(`/app?token=${token2}`)));
    expect(fetches).toBe(2);
  });

  it('closes with 1013 when the JWKS URL is unreachable, without blaming the client', async () => {
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as { port: number };
    await new Promise((r) => server.close(r));
    running = await gatewayWith({ jwt: { jwksUrl: `http://127.0.0.1:${port}/jwks.json` } });
    const { privateKey } = await generateKeyPair('RS256');
    const token = await sign({ sub: 'x' }, { alg: 'RS256', key: privateKey, kid: 'k' });
    expect(await refusal(running.url(`/app?token=${token}`))).toMatchObject({
      close: 1013,
      code: 'WS_UNAVAILABLE',
    });
  });

  it('lets a custom authenticate replace JWT (API keys), with the upgrade request at hand', async () => {
    running = await gatewayWith({
      authenticate: (token, req) =>
        token === 'key-123'
          ? {
              userId: 'svc',
              roles: ['service'],
              claims: { agent: req.headers['user-agent'] ?? '' },
            }
          : null,
    });
    const client = await TestClient.connect(running.url('/app'), undefined, {
      headers: { Authorization: 'Bearer key-123', 'User-Agent': 'probe/1' },
    });
    expect((await client.request({ type: 'event', event: 'whoami' })).payload).toMatchObject({
      userId: 'svc',
      roles: ['service'],
      claims: { agent: 'probe/1' },
    });
    expect(await refusal(running.url('/app?token=key-999'))).toMatchObject({
      close: 4001,
      code: 'WS_AUTH_FAILED',
    });
  });
});

describe('refusing before the upgrade', () => {
  it('answers HTTP 401 and 403 with rejectBeforeUpgrade', async () => {
    running = await startGateway(
      (gw) => {
        gw.namespace('/app', { origins: ['https://app.example.com'] });
      },
      // Without authTimeout 0 a tokenless handshake is accepted, to authenticate in-band.
      { auth: { jwt: { secret }, rejectBeforeUpgrade: true, authTimeout: 0 } },
    );
    const token = await sign({ sub: 'ada' });
    expect(await upgradeStatus(running.port, '/app')).toBe(401);
    expect(await upgradeStatus(running.port, '/app?token=forged')).toBe(401);
    expect(
      await upgradeStatus(running.port, `/app?token=${token}`, {
        Origin: 'https://evil.example.com',
      }),
    ).toBe(403);
    expect(
      await upgradeStatus(running.port, `/app?token=${token}`, {
        Origin: 'https://app.example.com',
      }),
    ).toBe(101);
  });

  it('still upgrades a tokenless handshake while in-band auth is on, then closes it with 4001', async () => {
    running = await startGateway(
      (gw) => {
        gw.namespace('/app');
      },
      { auth: { jwt: { secret }, rejectBeforeUpgrade: true, authTimeout: 100 } },
    );
    expect(await upgradeStatus(running.port, '/app')).toBe(101);
    expect(await refusal(running.url('/app'))).toMatchObject({
      close: 4001,
      code: 'WS_AUTH_REQUIRED',
    });
    expect(await upgradeStatus(running.port, '/app?token=forged')).toBe(401);
  });
});
