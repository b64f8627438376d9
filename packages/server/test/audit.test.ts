import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createGateway,
  createHttpApi,
  type AuditRecord,
  type Gateway,
  type GatewayOptions,
  type HttpApiOptions,
} from '../src/index.js';
import { LineSink } from './support/line-sink.js';
import { TestClient } from './support/test-client.js';
import { secret, sign } from './support/tokens.js';
import { upgradeStatus } from './support/upgrade-status.js';

const apiKey = 'audit-test-api-key-0123456789';
/** Sent through a trusted proxy (the test runs on 127.0.0.1), so records name this address. */
const client = {
  'X-Forwarded-For': '203.0.113.7',
  Origin: 'https://app.example.com',
  'User-Agent': 'audit-probe/1',
};
const from = { ip: '203.0.113.7', origin: 'https://app.example.com', userAgent: 'audit-probe/1' };
/** Who ada's connection `connectionId` is, as its records name it. */
const adaOn = (connectionId: string) => ({
  namespace: '/ws',
  connectionId,
  userId: 'ada',
  ...from,
});

interface Audited {
  gateway: Gateway;
  sink: LineSink;
  port: number;
  url: (path: string) => string;
  /** The records written so far, without time, level and host. */
  records: () => AuditRecord[];
  /** The records, once `count` have been written. */
  recorded: (count: number) => Promise<AuditRecord[]>;
}

let running: Gateway | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

async function audited(
  options: GatewayOptions = {},
  api: HttpApiOptions = { apiKey },
): Promise<Audited> {
  const sink = new LineSink();
  const gateway = createGateway({
    logLevel: 'silent',
    auth: { jwt: { secret }, authTimeout: 2_000 },
    trustProxy: ['127.0.0.1'],
    channels: {
      subscriptionTokens: { secret },
      policies: {
        'open:*': {},
        'vip:*': { subscribe: 'token' },
        'board:*': { publish: { roles: ['editor'] } },
      },
    },
    audit: { stream: sink },
    ...options,
  });
  running = gateway;
  gateway.namespace('/ws', { origins: ['https://app.example.com'] }).on('ping', () => 'pong');
  const { port } = await gateway.listen(0, '127.0.0.1', {
    handlers: [createHttpApi(gateway, api)],
  });
  // Time, level and host are asserted once, in their own test; the rest is compared whole.
  const written = new Set(['time', 'level', 'hostname']);
  const records = () =>
    sink
      .records()
      .map(
        (record) =>
          Object.fromEntries(
            Object.entries(record).filter(([key]) => !written.has(key)),
          ) as unknown as AuditRecord,
      );
  const recorded = async (count: number) => {
    await expect.poll(() => records().length).toBe(count);
    return records();
  };
  const url = (path: string) => `ws://127.0.0.1:${port}${path}`;
  return { gateway, sink, port, url, records, recorded };
}

async function connect(url: string, token?: string): Promise<TestClient> {
  const headers = token === undefined ? client : { ...client, Authorization: `Bearer ${token}` };
  return TestClient.connect(url, undefined, { headers });
}

async function connectedAs(url: string, token: string): Promise<{ ws: TestClient; id: string }> {
  const ws = await connect(url, token);
  const notice = await ws.waitFor((f) => f.type === 'system' && f.event === 'connected');
  return { ws, id: (notice.payload as { connectionId: string }).connectionId };
}

describe('audit records', () => {
  it('are JSON lines with the action, an ISO time, the level and the host', async () => {
    const { url, sink } = await audited();
    const refused = await connect(url('/ws'), 'not-a-token');
    await refused.closed;
    await expect.poll(() => sink.lines.length).toBe(1);
    const [record] = sink.records();
    expect(record).toMatchObject({ level: 'info', action: 'auth.failed' });
    expect(new Date(record?.time as string).toISOString()).toBe(record?.time);
    expect(typeof record?.hostname).toBe('string');
  });

  it('record handshake authentication failures with the client address through the proxy', async () => {
    const { url, recorded } = await audited();
    const forged = (await sign({ sub: 'ada' })).slice(0, -4) + 'AAAA';
    for (const token of [forged, await sign({ sub: 'ada' }, { expiresIn: -60 })]) {
      await (
        await connect(url('/ws'), token)
      ).closed;
    }
    expect(await recorded(2)).toEqual([
      {
        action: 'auth.failed',
        via: 'handshake',
        code: 'WS_AUTH_FAILED',
        reason: 'token signature is invalid',
        namespace: '/ws',
        ...from,
      },
      {
        action: 'auth.failed',
        via: 'handshake',
        code: 'WS_TOKEN_EXPIRED',
        reason: 'token has expired',
        namespace: '/ws',
        ...from,
      },
    ]);
  });

  it('record refused origins, in-band auth failures, the auth timeout, refreshes and failed refreshes', async () => {
    const { url, recorded } = await audited({ auth: { jwt: { secret }, authTimeout: 300 } });
    const elsewhere = await TestClient.connect(url('/ws'), undefined, {
      headers: { ...client, Origin: 'https://evil.example' },
    });
    await elsewhere.closed;

    const waiting = await connect(url('/ws'));
    expect(await waiting.request({ type: 'auth', token: 'garbage' })).toMatchObject({
      code: 'WS_AUTH_FAILED',
    });
    await waiting.closed;
    const silent = await connect(url('/ws'));
    await silent.closed;

    const { ws, id } = await connectedAs(url('/ws'), await sign({ sub: 'ada' }));
    const expired = await sign({ sub: 'ada' }, { expiresIn: -60 });
    expect(await ws.request({ type: 'auth', token: expired })).toMatchObject({
      code: 'WS_TOKEN_EXPIRED',
    });
    expect(await ws.request({ type: 'auth', token: await sign({ sub: 'bob' }) })).toMatchObject({
      code: 'WS_FORBIDDEN',
    });
    const renewed = await ws.request({
      type: 'auth',
      token: await sign({ sub: 'ada' }, { expiresIn: 7200 }),
    });
    const expiresAt = (renewed.payload as { expiresAt: number }).expiresAt;

    const [origin, badAuth, timeout, badRefresh, otherUser, refreshed] = await recorded(6);
    expect(origin).toEqual({
      action: 'origin.refused',
      via: 'handshake',
      code: 'WS_ORIGIN_NOT_ALLOWED',
      reason: 'origin is not allowed',
      namespace: '/ws',
      ...from,
      origin: 'https://evil.example',
    });
    expect(badAuth).toEqual({
      action: 'auth.failed',
      via: 'auth',
      code: 'WS_AUTH_FAILED',
      reason: 'token is malformed',
      namespace: '/ws',
      connectionId: expect.any(String),
      ...from,
    });
    expect(timeout).toMatchObject({
      action: 'auth.failed',
      via: 'auth',
      code: 'WS_AUTH_REQUIRED',
      reason: 'no auth frame within 300 ms',
    });
    const ada = adaOn(id);
    expect(badRefresh).toEqual({
      action: 'auth.failed',
      via: 'refresh',
      code: 'WS_TOKEN_EXPIRED',
      reason: 'token has expired',
      ...ada,
    });
    expect(otherUser).toEqual({
      action: 'connection.forbidden',
      via: 'refresh',
      code: 'WS_FORBIDDEN',
      reason: 'a refresh token must be for the same user and tenant',
      ...ada,
    });
    expect(refreshed).toEqual({
      action: 'token.refreshed',
      expiresAt: new Date(expiresAt).toISOString(),
      ...ada,
    });
  });

  it('record forbidden subscriptions and publishes, and nothing for allowed ones', async () => {
    const { url, recorded } = await audited();
    const { ws, id } = await connectedAs(url('/ws'), await sign({ sub: 'ada' }));
    const ticket = (channel: string, key = secret) =>
      sign({ sub: 'ada', channel }, { key: new TextEncoder().encode(key) });
    expect((await ws.request({ type: 'subscribe', channel: 'open:1' })).type).toBe('ack');
    expect(
      (await ws.request({ type: 'subscribe', channel: 'vip:1', token: await ticket('vip:1') }))
        .type,
    ).toBe('ack');
    const refusals = [
      await ws.request({ type: 'subscribe', channel: 'vip:2' }),
      await ws.request({
        type: 'subscribe',
        channel: 'vip:3',
        token: await ticket('vip:3', 'another-secret-of-at-least-32-bytes!!'),
      }),
      await ws.request({ type: 'publish', channel: 'board:1', event: 'note', payload: 'x' }),
    ];
    expect(refusals.map((frame) => frame.code)).toEqual([
      'WS_FORBIDDEN',
      'WS_AUTH_FAILED',
      'WS_FORBIDDEN',
    ]);
    const ada = adaOn(id);
    expect(await recorded(3)).toEqual([
      {
        action: 'subscribe.forbidden',
        channel: 'vip:2',
        code: 'WS_FORBIDDEN',
        reason: "'vip:2' needs a subscription token",
        ...ada,
      },
      {
        action: 'subscribe.forbidden',
        channel: 'vip:3',
        code: 'WS_AUTH_FAILED',
        reason: 'subscription token is invalid',
        ...ada,
      },
      {
        action: 'publish.forbidden',
        channel: 'board:1',
        code: 'WS_FORBIDDEN',
        reason: "not allowed to publish to 'board:1'",
        ...ada,
      },
    ]);
  });

  it('record connection-limit, subscription-limit and rate-limit refusals', async () => {
    const { url, port, recorded } = await audited({
      limits: { maxConnectionsPerUser: 1 },
      rateLimit: {
        perConnection: { perSecond: 1, burst: 1 },
        maxViolations: 2,
        connectionAttemptsPerIp: { perMinute: 4 },
      },
      namespaceDefaults: { maxSubscriptions: 1 },
    });
    const token = await sign({ sub: 'ada' });
    const { ws, id } = await connectedAs(url('/ws'), token);
    const second = await connect(url('/ws'), token);
    expect((await second.closed).code).toBe(4008);
    expect((await ws.request({ type: 'subscribe', channel: 'open:1' })).type).toBe('ack');
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    // The bucket holds one message: the first is taken, the next two are refused, then 4008.
    for (let i = 0; i < 3; i++) ws.send({ type: 'subscribe', channel: `open:${i + 2}`, id: i });
    expect((await ws.closed).code).toBe(4008);
    // Two attempts so far; the fifth within the minute is one too many.
    expect(await upgradeStatus(port, '/ws', client)).toBe(101);
    expect(await upgradeStatus(port, '/ws', client)).toBe(101);
    expect(await upgradeStatus(port, '/ws', client)).toBe(429);

    const ada = { namespace: '/ws', userId: 'ada', ...from };
    expect(await recorded(4)).toEqual([
      {
        action: 'limit.refused',
        via: 'handshake',
        limit: 'connections',
        code: 'WS_CONNECTION_LIMIT',
        reason: 'connection limit reached (per user)',
        ...ada,
      },
      ...[0, 1].map(() => ({
        action: 'rate_limit.refused',
        limit: 'messages',
        code: 'WS_RATE_LIMIT_EXCEEDED',
        reason: 'too many messages; slow down',
        connectionId: id,
        ...ada,
      })),
      {
        action: 'rate_limit.refused',
        via: 'handshake',
        limit: 'connection_attempts',
        code: 'WS_RATE_LIMIT_EXCEEDED',
        reason: 'too many connection attempts',
        namespace: '/ws',
        ...from,
      },
    ]);
  });

  it('record a subscription limit with the channel', async () => {
    const { url, recorded } = await audited({ namespaceDefaults: { maxSubscriptions: 1 } });
    const { ws, id } = await connectedAs(url('/ws'), await sign({ sub: 'ada' }));
    expect((await ws.request({ type: 'subscribe', channel: 'open:1' })).type).toBe('ack');
    expect(await ws.request({ type: 'subscribe', channel: 'open:2' })).toMatchObject({
      code: 'WS_SUBSCRIPTION_LIMIT',
    });
    expect((await recorded(1))[0]).toEqual({
      action: 'limit.refused',
      limit: 'subscriptions',
      channel: 'open:2',
      code: 'WS_SUBSCRIPTION_LIMIT',
      reason: 'at most 1 subscriptions per connection',
      namespace: '/ws',
      connectionId: id,
      userId: 'ada',
      ...from,
    });
  });

  it('record kicks by gateway.disconnect, with the close code and reason', async () => {
    const { gateway, url, records } = await audited();
    const { ws, id } = await connectedAs(url('/ws'), await sign({ sub: 'ada' }));
    expect(await gateway.disconnect({ user: 'ada' }, 4011, 'policy violation')).toBe(1);
    expect((await ws.closed).code).toBe(4011);
    expect(records()).toEqual([
      {
        action: 'connection.kicked',
        closeCode: 4011,
        reason: 'policy violation',
        ...adaOn(id),
      },
    ]);
  });
});

describe('audit records of the HTTP API', () => {
  async function call(
    port: number,
    path: string,
    key: string | undefined,
    body?: object,
  ): Promise<number> {
    const headers: Record<string, string> = { ...client };
    if (key !== undefined) headers.Authorization = `Bearer ${key}`;
    if (body) headers['Content-Type'] = 'application/json';
    const response = await fetch(`http://127.0.0.1:${port}${path}`, {
      method: body ? 'POST' : 'GET',
      headers,
      ...(body && { body: JSON.stringify(body) }),
    });
    await response.arrayBuffer();
    return response.status;
  }

  it('record every request that reaches an endpoint, and refused keys, with the actor', async () => {
    const { port, url, recorded } = await audited();
    const { ws, id } = await connectedAs(url('/ws'), await sign({ sub: 'ada' }));
    expect(await call(port, '/api/stats', undefined)).toBe(401);
    expect(await call(port, '/api/stats', 'wrong-key')).toBe(401);
    expect(await call(port, '/api/stats', apiKey)).toBe(200);
    expect(await call(port, '/api/nowhere', apiKey)).toBe(404);
    expect(await call(port, '/api/publish', apiKey, { channel: 'open:1', event: 'e' })).toBe(200);
    expect(await call(port, '/api/publish', apiKey, { channel: 'open:1' })).toBe(400);
    expect(await call(port, '/api/disconnect', apiKey, { user: 'ada', reason: 'bye' })).toBe(200);
    expect((await ws.closed).code).toBe(4011);

    const api = { actor: 'api-key', ...from };
    expect(await recorded(7)).toEqual([
      {
        action: 'auth.failed',
        via: 'api',
        method: 'GET',
        path: '/stats',
        status: 401,
        code: 'WS_AUTH_REQUIRED',
        reason: 'an API key is required: send Authorization: Bearer <key>',
        ...from,
      },
      {
        action: 'auth.failed',
        via: 'api',
        method: 'GET',
        path: '/stats',
        status: 401,
        code: 'WS_AUTH_FAILED',
        reason: 'the API key is wrong',
        ...from,
      },
      { action: 'api.stats', method: 'GET', path: '/stats', status: 200, ...api },
      {
        action: 'api.publish',
        method: 'POST',
        path: '/publish',
        status: 200,
        channel: 'open:1',
        ...api,
      },
      {
        action: 'api.publish',
        method: 'POST',
        path: '/publish',
        status: 400,
        channel: 'open:1',
        code: 'WS_MESSAGE_INVALID',
        reason: 'invalid request: event',
        ...api,
      },
      // The kick is recorded by the node that held the connection, before the API answers.
      {
        action: 'connection.kicked',
        closeCode: 4011,
        reason: 'bye',
        ...adaOn(id),
      },
      { action: 'api.disconnect', method: 'POST', path: '/disconnect', status: 200, ...api },
    ]);
  });

  it('name an admin JWT by its subject, and record one without the admin claim as forbidden', async () => {
    const { port, recorded } = await audited({}, { jwt: { secret } });
    const admin = await sign({ sub: 'ops', admin: true });
    const notAdmin = await sign({ sub: 'eve' });
    expect(await call(port, '/api/stats', admin)).toBe(200);
    expect(await call(port, '/api/stats', notAdmin)).toBe(403);
    expect(await recorded(2)).toEqual([
      {
        action: 'api.stats',
        method: 'GET',
        path: '/stats',
        status: 200,
        actor: 'jwt:ops',
        ...from,
      },
      {
        action: 'connection.forbidden',
        via: 'api',
        method: 'GET',
        path: '/stats',
        status: 403,
        code: 'WS_FORBIDDEN',
        reason: "the token's 'admin' claim is not true",
        ...from,
      },
    ]);
  });
});

describe('audit destinations', () => {
  it('appends JSON lines to a file, making its folder, and closes it with the gateway', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'herald-audit-'));
    const file = join(dir, 'logs', 'audit.jsonl');
    const { url } = await audited({ audit: { file } });
    for (const token of ['one', 'two']) await (await connect(url('/ws'), token)).closed;
    await running?.close();
    const lines = (await readFile(file, 'utf8')).split('\n');
    expect(lines.at(-1)).toBe('');
    const records = lines.slice(0, -1).map((line) => JSON.parse(line) as AuditRecord);
    expect(records.map((record) => [record.action, record.via, record.code])).toEqual([
      ['auth.failed', 'handshake', 'WS_AUTH_FAILED'],
      ['auth.failed', 'handshake', 'WS_AUTH_FAILED'],
    ]);
  });

  it('writes to a pino logger given as the destination', async () => {
    const sink = new LineSink();
    const { url } = await audited({ audit: { logger: pino(sink) } });
    await (
      await connect(url('/ws'), 'bad')
    ).closed;
    await expect.poll(() => sink.lines.length).toBe(1);
    expect(sink.records()[0]).toMatchObject({
      level: 30,
      action: 'auth.failed',
      via: 'handshake',
      ...from,
    });
  });

  it("takes an application's own records, under app. actions", async () => {
    const { gateway, recorded } = await audited();
    gateway.audit.record('app.export', { userId: 'ada' });
    expect(await recorded(1)).toEqual([{ action: 'app.export', userId: 'ada' }]);
  });

  it('records nothing without the audit option', () => {
    const gateway = createGateway({ logLevel: 'silent' });
    expect(gateway.audit.enabled).toBe(false);
    gateway.audit.record('auth.failed', { code: 'WS_AUTH_FAILED' });
  });

  it('refuses a file that cannot be opened, and more than one destination, naming the field', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'herald-audit-'));
    expect(() => createGateway({ audit: { file: dir } })).toThrow(
      `invalid Herald options: audit.file: cannot open ${dir} (EISDIR)`,
    );
    expect(() => createGateway({ audit: { file: 'a.jsonl', stream: new LineSink() } })).toThrow(
      'invalid Herald options: audit.file: give exactly one of file, stream, logger',
    );
    expect(() => createGateway({ audit: {} })).toThrow(/audit\.file: give exactly one/);
  });
});
