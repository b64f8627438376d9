import { createServer, type Server } from 'node:http';
import { connect } from 'node:net';
import { exportJWK, exportSPKI, generateKeyPair, type JWK } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import type { GatewayOptions } from '../src/index.js';
import { startGateway, type RunningGateway } from './support/gateway-fixture.js';
import { refusal, stillServes } from './support/probes.js';
import { TestClient } from './support/test-client.js';
import { secret, sign } from './support/tokens.js';

// Attacks on a real gateway over real sockets, each beside a bystander that must keep being
// served: key confusion, JWKS rotation under load, subscription-token replay, cross-site
// WebSocket hijacking with cookie auth, compression bombs, header and query floods, path
// parameters that try to be paths. docs/security.md lists each with its answer.

let running: RunningGateway | undefined;
const servers: Server[] = [];
afterEach(async () => {
  await running?.gateway.close();
  running = undefined;
  for (const server of servers.splice(0)) await new Promise((r) => server.close(r));
});

async function gateway(options: GatewayOptions, path = '/app'): Promise<RunningGateway> {
  running = await startGateway((gw) => {
    const ns = gw.namespace(path, { compression: { enabled: true }, maxMessageSize: 64 * 1024 });
    ns.on('echo', (payload) => payload);
    ns.on('params', (_p, conn) => conn.params);
  }, options);
  return running;
}

/** The raw HTTP answer to `request` written on a TCP socket: its status line, or `closed`. */
function rawAnswer(port: number, request: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('close', () => resolve(answer.split('\r\n')[0] || 'closed'));
    socket.end(request);
  });
}

const upgradeHeaders = [
  'Connection: Upgrade',
  'Upgrade: websocket',
  'Sec-WebSocket-Version: 13',
  'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
];

describe('JWT key confusion', () => {
  it.each(['RS256', 'ES256'] as const)(
    'refuses HS256 tokens keyed with the %s public key in any form, and keeps serving',
    async (alg) => {
      const { publicKey, privateKey } = await generateKeyPair(alg);
      const pem = await exportSPKI(publicKey);
      const { url } = await gateway({ auth: { jwt: { publicKey: pem, algorithms: [alg] } } });
      const bystander = await TestClient.connect(
        url(`/app?token=${await sign({ sub: 'ada' }, { alg, key: privateKey })}`),
      );
      const der = Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
      const jwk = JSON.stringify(await exportJWK(publicKey));
      for (const key of [pem, pem.trim(), der, jwk]) {
        const bytes = typeof key === 'string' ? new TextEncoder().encode(key) : new Uint8Array(key);
        const confused = await sign({ sub: 'mallory' }, { alg: 'HS256', key: bytes });
        expect(await refusal(url(`/app?token=${confused}`))).toMatchObject({
          close: 4001,
          code: 'WS_AUTH_FAILED',
          message: 'token algorithm is not allowed',
        });
      }
      await stillServes(bystander);
    },
  );
});

describe('JWKS rotation under load', () => {
  it('accepts every token of a served key while keys rotate, refuses a retired one, and fetches rarely', async () => {
    const [k1, k2] = [await generateKeyPair('RS256'), await generateKeyPair('RS256')];
    const jwk = async (pair: typeof k1, kid: string): Promise<JWK> => ({
      ...(await exportJWK(pair.publicKey)),
      kid,
      alg: 'RS256',
    });
    let keys = [await jwk(k1, 'k1')];
    let fetches = 0;
    const jwks = createServer((_req, res) => {
      fetches += 1;
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ keys }));
    });
    servers.push(jwks);
    await new Promise<void>((r) => jwks.listen(0, '127.0.0.1', r));
    const { port } = jwks.address() as { port: number };
    const { url } = await gateway({
      auth: {
        jwt: {
          jwksUrl: `http://127.0.0.1:${port}/jwks.json`,
          jwksCooldown: 200,
          jwksCacheMaxAge: 500,
        },
      },
    });
    const tokenOf = (pair: typeof k1, kid: string, sub: string) =>
      sign({ sub }, { alg: 'RS256', key: pair.privateKey, kid });
    const bystander = await TestClient.connect(url(`/app?token=${await tokenOf(k1, 'k1', 'b')}`));
    /** 40 connections at once, half with each token: the codes they were closed with, if any. */
    const wave = async (tokens: string[]) => {
      const clients = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          TestClient.connect(url(`/app?token=${tokens[i % tokens.length]}`)),
        ),
      );
      const outcomes = await Promise.all(
        clients.map(async (client) => {
          // Served (an ack), or refused (an error frame, then the close).
          const served = client
            .request({ type: 'event', event: 'echo', payload: 1 })
            .then(() => 'ok');
          const refused = client.closed.then(() => {
            const error = client.frames.find((f) => f.type === 'error');
            return String(error?.message);
          });
          const outcome = await Promise.race([served, refused]);
          client.ws.close();
          return outcome;
        }),
      );
      return new Set(outcomes);
    };

    expect(await wave([await tokenOf(k1, 'k1', 'u')])).toEqual(new Set(['ok']));
    // k2 is published beside k1: tokens of both are accepted, k2's after one fetch, not forty.
    // (Within `jwksCooldown` of the last fetch an unknown kid is refused without fetching.)
    keys = [await jwk(k1, 'k1'), await jwk(k2, 'k2')];
    await new Promise((r) => setTimeout(r, 250));
    const before = fetches;
    expect(await wave([await tokenOf(k1, 'k1', 'u'), await tokenOf(k2, 'k2', 'v')])).toEqual(
      new Set(['ok']),
    );
    expect(fetches - before).toBeLessThanOrEqual(2);
    // k1 is retired: once the cached set is stale, k1 tokens are refused, k2 tokens go on.
    keys = [await jwk(k2, 'k2')];
    await new Promise((r) => setTimeout(r, 600));
    expect(await refusal(url(`/app?token=${await tokenOf(k1, 'k1', 'u')}`))).toMatchObject({
      close: 4001,
      message: 'token key is unknown',
    });
    expect(await wave([await tokenOf(k2, 'k2', 'v')])).toEqual(new Set(['ok']));
    await stillServes(bystander);
  });
});

describe('subscription-token replay', () => {
  it("refuses a channel's token on another channel or for another user; the owner is served", async () => {
    const { url, gateway: gw } = await gateway({
      auth: { jwt: { secret }, authTimeout: 0 },
      channels: { subscriptionTokens: { secret }, policies: { 'vip:*': { subscribe: 'token' } } },
    });
    const ticket = await sign({ channel: 'vip:1', sub: 'ann' });
    const ann = await TestClient.connect(url(`/app?token=${await sign({ sub: 'ann' })}`));
    const bob = await TestClient.connect(url(`/app?token=${await sign({ sub: 'bob' })}`));
    expect(await ann.request({ type: 'subscribe', channel: 'vip:2', token: ticket })).toMatchObject(
      {
        type: 'error',
        code: 'WS_FORBIDDEN',
      },
    );
    expect(await bob.request({ type: 'subscribe', channel: 'vip:1', token: ticket })).toMatchObject(
      {
        type: 'error',
        code: 'WS_FORBIDDEN',
      },
    );
    expect(await ann.request({ type: 'subscribe', channel: 'vip:1', token: ticket })).toMatchObject(
      {
        type: 'ack',
      },
    );
    await gw.publish('vip:1', 'note', 'for ann only');
    expect((await ann.waitFor((f) => f.event === 'note')).payload).toBe('for ann only');
    await new Promise((r) => setTimeout(r, 100));
    expect(bob.events('note')).toEqual([]);
  });
});

describe('cross-site WebSocket hijacking', () => {
  it("refuses a page from another origin that rides on the user's cookie", async () => {
    const { url } = await gateway({ auth: { jwt: { secret } } });
    running!.gateway.namespace('/cookie', { origins: ['https://app.example.com'] });
    const cookie = `herald_token=${await sign({ sub: 'victim' })}`;
    const fromApp = await TestClient.connect(url('/cookie'), undefined, {
      headers: { Cookie: cookie, Origin: 'https://app.example.com' },
    });
    await fromApp.waitFor((f) => f.type === 'system' && f.event === 'connected');
    for (const origin of ['https://evil.example', 'https://app.example.com.evil.example', 'null']) {
      expect(
        await refusal(url('/cookie'), undefined, { headers: { Cookie: cookie, Origin: origin } }),
      ).toMatchObject({ close: 4003, code: 'WS_ORIGIN_NOT_ALLOWED' });
    }
    expect(fromApp.ws.readyState).toBe(fromApp.ws.OPEN);
  });
});

describe('permessage-deflate bomb', () => {
  it('closes with 1009 a small compressed frame that inflates past maxMessageSize', async () => {
    const { url, gateway: gw } = await gateway({});
    const bystander = await TestClient.connect(url('/app'));
    const bomb = await TestClient.connect(url('/app'), undefined, { perMessageDeflate: true });
    expect(bomb.ws.extensions).toContain('permessage-deflate');
    const rss = process.memoryUsage().rss;
    // 32 MB of one letter: about 32 KB on the wire, 500 times maxMessageSize once inflated.
    bomb.ws.send('a'.repeat(32 * 1024 * 1024), { compress: true });
    expect((await bomb.closed).code).toBe(1009);
    expect(gw.stats().oversized).toBeGreaterThanOrEqual(1);
    // Inflation stopped at the limit: nothing near 32 MB was ever held.
    expect(process.memoryUsage().rss - rss).toBeLessThan(96 * 1024 * 1024);
    await stillServes(bystander);
  });
});

describe('header and query floods on the upgrade', () => {
  it('answers 431 to oversized headers or URLs and serves a large but legal query, never crashing', async () => {
    const { port, url } = await gateway({});
    const bystander = await TestClient.connect(url('/app'));
    const flood = (extra: string[], target = '/app') =>
      rawAnswer(
        port,
        [`GET ${target} HTTP/1.1`, 'Host: x', ...upgradeHeaders, ...extra, '', ''].join('\r\n'),
      );
    const manyHeaders = Array.from({ length: 3_000 }, (_, i) => `X-Flood-${i}: ${'v'.repeat(10)}`);
    expect(await flood(manyHeaders)).toBe('HTTP/1.1 431 Request Header Fields Too Large');
    expect(await flood([`Cookie: ${'c'.repeat(100_000)}`])).toBe(
      'HTTP/1.1 431 Request Header Fields Too Large',
    );
    expect(await flood([], `/app?${'a=1&'.repeat(10_000)}`)).toBe(
      'HTTP/1.1 431 Request Header Fields Too Large',
    );
    // Under the header limit: 3,000 parameters (token among them 1,000 times) are parsed once.
    const started = Date.now();
    expect(await flood([], `/app?${'token=x&a=1&b=2&'.repeat(750)}`)).toBe(
      'HTTP/1.1 101 Switching Protocols',
    );
    expect(Date.now() - started).toBeLessThan(2_000);
    await stillServes(bystander);
  });
});

describe('path parameters that try to be paths', () => {
  it('routes nothing outside the pattern and hands parameters over as data', async () => {
    const { url, port } = await gateway({}, '/rooms/:room');
    running!.gateway.namespace('/admin').on('secret', () => 'admin only');
    const bystander = await TestClient.connect(url('/rooms/lobby'));
    const paramsOf = async (path: string) => {
      const client = await TestClient.connect(url(path));
      const answer = await client.request({ type: 'event', event: 'params' });
      client.ws.close();
      return answer.payload;
    };
    // Encoded slashes and dots are one segment's text, decoded once, never a path.
    expect(await paramsOf('/rooms/a%2Fb')).toEqual({ room: 'a/b' });
    expect(await paramsOf('/rooms/..%2Fadmin')).toEqual({ room: '../admin' });
    expect(await paramsOf(`/rooms/${'r'.repeat(8_000)}`)).toEqual({ room: 'r'.repeat(8_000) });
    // Literal traversal does not reach /admin: no namespace matches, 404 before upgrading.
    const upgrade = (target: string) =>
      rawAnswer(
        port,
        [`GET ${target} HTTP/1.1`, 'Host: x', ...upgradeHeaders, '', ''].join('\r\n'),
      );
    for (const target of [
      '/rooms/../admin',
      '/rooms/lobby/../../admin',
      '/rooms/%E0%A4%A',
      '/rooms/',
    ]) {
      expect(await upgrade(target)).toBe('HTTP/1.1 404 Not Found');
    }
    // Encoded dots (which a WHATWG URL would resolve on the client) are a parameter, `..`.
    expect(await upgrade('/rooms/%2E%2E')).toBe('HTTP/1.1 101 Switching Protocols');
    expect(await upgrade(`/rooms/${'r'.repeat(20_000)}`)).toBe(
      'HTTP/1.1 431 Request Header Fields Too Large',
    );
    await stillServes(bystander);
  });
});
