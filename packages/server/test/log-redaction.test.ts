import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createGateway, createHttpApi, type Gateway } from '../src/index.js';
import { LineSink } from './support/line-sink.js';
import { TestClient } from './support/test-client.js';
import { secret, sign } from './support/tokens.js';

const apiKey = 'redaction-test-api-key-0123456789';
const opaque = 'opaque-session-token-0123456789';

const gateways: Gateway[] = [];
afterEach(async () => {
  await Promise.all(gateways.splice(0).map((gateway) => gateway.close()));
});

/** A gateway whose main log (at trace) and audit log both go to sinks the test reads. */
async function logged(options: Parameters<typeof createGateway>[0]) {
  const main = new LineSink();
  const audit = new LineSink();
  const gateway = createGateway({
    logger: pino({ level: 'trace' }, main),
    audit: { stream: audit },
    ...options,
  });
  gateways.push(gateway);
  const api = createHttpApi(gateway, { apiKey });
  return { gateway, main, audit, api };
}

describe('log redaction', () => {
  it('keeps every token and the API key out of the main log and the audit log', async () => {
    const jwt = await logged({
      auth: { jwt: { secret }, authTimeout: 1_000 },
      channels: { subscriptionTokens: { secret }, policies: { 'vip:*': { subscribe: 'token' } } },
    });
    jwt.gateway.namespace('/ws').on('crash', (payload) => {
      // An application error that quotes what it was given.
      throw new Error(`could not use ${String((payload as { token: string }).token)}`);
    });
    const { port } = await jwt.gateway.listen(0, '127.0.0.1', { handlers: [jwt.api] });
    const url = (query = '') => `ws://127.0.0.1:${port}/ws${query}`;

    const good = await sign({ sub: 'ada' });
    const refresh = await sign({ sub: 'ada' }, { expiresIn: 7200 });
    const expired = await sign({ sub: 'ada' }, { expiresIn: -60 });
    const forged = `${good.slice(0, -6)}AAAAAA`;
    const ticket = await sign({ sub: 'ada', channel: 'vip:1' });
    const badTicket = `${ticket.slice(0, -6)}AAAAAA`;
    const tokens = [good, refresh, expired, forged, ticket, badTicket, apiKey, opaque];

    const sessions = [
      await TestClient.connect(url(), undefined, { headers: { Authorization: `Bearer ${good}` } }),
      await TestClient.connect(url(`?token=${good}`)),
      await TestClient.connect(url(), undefined, { headers: { Cookie: `herald_token=${good}` } }),
      await TestClient.connect(url(), ['bearer', good, 'herald.v1.json']),
    ];
    for (const refused of [
      await TestClient.connect(url(`?token=${forged}`)),
      await TestClient.connect(url(), undefined, {
        headers: { Authorization: `Bearer ${expired}` },
      }),
      await TestClient.connect(url(), ['bearer', forged]),
      await TestClient.connect(url(), undefined, {
        headers: { Cookie: `herald_token=${expired}` },
      }),
    ]) {
      expect((await refused.closed).code).toBeGreaterThanOrEqual(4001);
    }

    const waiting = await TestClient.connect(url());
    expect((await waiting.request({ type: 'auth', token: good })).type).toBe('ack');
    expect((await waiting.request({ type: 'auth', token: expired })).code).toBe('WS_TOKEN_EXPIRED');
    expect((await waiting.request({ type: 'auth', token: forged })).code).toBe('WS_AUTH_FAILED');
    expect((await waiting.request({ type: 'auth', token: refresh })).type).toBe('ack');
    expect(
      (await waiting.request({ type: 'subscribe', channel: 'vip:1', token: ticket })).type,
    ).toBe('ack');
    expect(
      (await waiting.request({ type: 'subscribe', channel: 'vip:2', token: badTicket })).code,
    ).toBe('WS_AUTH_FAILED');
    expect(
      (await waiting.request({ type: 'event', event: 'crash', payload: { token: good } })).code,
    ).toBe('WS_INTERNAL');
    const failedAuth = await TestClient.connect(url());
    failedAuth.send({ type: 'auth', token: forged, id: 'a' });
    expect((await failedAuth.closed).code).toBe(4001);

    const api = (path: string, key: string) =>
      fetch(`http://127.0.0.1:${port}/api${path}`, { headers: { Authorization: `Bearer ${key}` } });
    expect((await api('/stats', apiKey)).status).toBe(200);
    expect((await api('/stats', `${apiKey}-wrong`)).status).toBe(401);
    jwt.gateway.stats = () => {
      throw new Error('stats are broken');
    };
    // A failure logs the request's URL, here with a token in its query.
    expect((await api(`/stats?token=${good}&access_token=${refresh}`, apiKey)).status).toBe(500);

    // A custom authenticator that names the token it refuses, in a thrown fault.
    const custom = await logged({
      auth: {
        authenticate: (token) => {
          throw new Error(`session store has no ${token}`);
        },
      },
    });
    custom.gateway.namespace('/ws');
    const customPort = (await custom.gateway.listen(0, '127.0.0.1')).port;
    const refused = await TestClient.connect(`ws://127.0.0.1:${customPort}/ws?token=${opaque}`);
    expect((await refused.closed).code).toBe(1011);

    for (const session of sessions) await session.close();
    await waiting.close();
    await Promise.all(gateways.map((gateway) => gateway.close()));

    const lines = [jwt, custom].flatMap(({ main, audit }) => [...main.lines, ...audit.lines]);
    const leaks = lines.filter((line) => tokens.some((token) => line.includes(token)));
    expect(leaks).toEqual([]);
    // What was logged is still there, with the credentials replaced.
    const mainLog = [...jwt.main.lines, ...custom.main.lines].join('\n');
    expect(mainLog).toContain('could not use [REDACTED]');
    expect(mainLog).toContain('/api/stats?token=[REDACTED]&access_token=[REDACTED]');
    expect(mainLog).toContain('session store has no [REDACTED]');
    expect(jwt.audit.lines.length).toBeGreaterThanOrEqual(10);
  });
});
