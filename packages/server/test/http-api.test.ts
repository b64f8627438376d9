import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createGateway,
  createHttpApi,
  type Gateway,
  type GatewayOptions,
  type HttpApiOptions,
} from '../src/index.js';
import { identityFromQuery } from './support/identity.js';
import { TestClient } from './support/test-client.js';
import { httpStatus } from './support/upgrade-status.js';

interface Api {
  gateway: Gateway;
  server: Server;
  base: string;
  ws: (query: string) => Promise<{ client: TestClient; id: string }>;
}

let running: Api | undefined;
afterEach(async () => {
  running?.server.close();
  await running?.gateway.close();
  running = undefined;
});

/** A gateway and its HTTP API on one ephemeral port, as a user would mount them. */
async function startApi(
  options: HttpApiOptions = {},
  gatewayOptions: GatewayOptions = {},
): Promise<Api> {
  const gateway = createGateway({
    logLevel: 'silent',
    channels: { policies: { 'room:*': { presence: true } } },
    ...gatewayOptions,
  });
  gateway
    .namespace('/ws')
    .onConnect(identityFromQuery)
    .on('whoami', (_p, conn) => conn.id);
  const api = createHttpApi(gateway, options);
  const server = createServer((req, res) => {
    if (!api(req, res)) res.writeHead(418).end();
  });
  gateway.attach(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const ws = async (query: string) => {
    const client = await TestClient.connect(`ws://127.0.0.1:${port}/ws?${query}`);
    const id = (await client.request({ type: 'event', event: 'whoami' })).payload as string;
    return { client, id };
  };
  running = { gateway, server, base: `http://127.0.0.1:${port}`, ws };
  return running;
}

interface Answer {
  status: number;
  body: Record<string, unknown>;
  headers: Headers;
}

async function call(path: string, init: RequestInit & { json?: unknown } = {}): Promise<Answer> {
  const { json, ...rest } = init;
  const response = await fetch(`${running?.base}${path}`, {
    ...rest,
    ...(json !== undefined && {
      method: 'POST',
      body: JSON.stringify(json),
      headers: { 'Content-Type': 'application/json', ...rest.headers },
    }),
  });
  return {
    status: response.status,
    body: (await response.json()) as Record<string, unknown>,
    headers: response.headers,
  };
}

describe('HTTP API', () => {
  it('leaves a target starting with `//` to the server it is mounted on, without throwing', async () => {
    const { base } = await startApi();
    const { port } = new URL(base);
    // Not the API's: the server's own handler answers 418.
    expect(await httpStatus(Number(port), '//')).toBe(418);
    expect(await httpStatus(Number(port), '//api/stats')).toBe(418);
    expect(await httpStatus(Number(port), '/api/stats?x=1')).toBe(200);
  });

  it("reads the history a namespace's default channel policy keeps", async () => {
    const gateway = createGateway({ logLevel: 'silent' });
    gateway.namespace('/feed', {
      channels: { default: { history: { size: 10 }, publish: 'everyone' } },
    });
    const api = createHttpApi(gateway);
    const server = createServer((req, res) => void api(req, res));
    gateway.attach(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    running = { gateway, server, base: `http://127.0.0.1:${port}`, ws: () => Promise.reject() };
    const client = await TestClient.connect(`ws://127.0.0.1:${port}/feed`);
    await client.request({ type: 'publish', channel: 'prices', event: 'tick', payload: 1 });
    const { status, body } = await call('/api/history?channel=prices');
    expect(status).toBe(200);
    expect(body.publications).toMatchObject([{ event: 'tick', payload: 1 }]);
    await client.close();
  });

  it('answers stats and health', async () => {
    const { ws } = await startApi();
    const { client } = await ws('user=ann');
    const { status, body } = await call('/api/stats');
    expect(status).toBe(200);
    expect(body).toMatchObject({
      stats: { connections: { active: 1, total: 1, peak: 1 } },
      health: { status: 'ok', connections: 1 },
    });
    await client.close();
  });

  it('lists connections and channels with their subscriber counts', async () => {
    const { ws } = await startApi();
    const ann = await ws('user=ann');
    const bob = await ws('user=bob');
    await ann.client.request({ type: 'subscribe', channel: 'room:1' });
    await bob.client.request({ type: 'subscribe', channel: 'room:1' });
    await bob.client.request({ type: 'subscribe', channel: 'news' });

    const connections = (await call('/api/connections')).body.connections as {
      id: string;
      userId: string;
      namespace: string;
      channels: string[];
    }[];
    expect(connections.map((c) => [c.id, c.userId, c.namespace]).sort()).toEqual(
      [
        [ann.id, 'ann', '/ws'],
        [bob.id, 'bob', '/ws'],
      ].sort(),
    );
    expect(connections.find((c) => c.id === bob.id)?.channels.sort()).toEqual(['news', 'room:1']);

    // The namespace's internal `$` channel is not listed.
    expect((await call('/api/channels')).body).toEqual({
      channels: [
        { channel: 'news', subscribers: 1 },
        { channel: 'room:1', subscribers: 2 },
      ],
    });
  });

  it('answers presence and its stats', async () => {
    const { ws } = await startApi();
    const ann = await ws('user=ann');
    await ann.client.request({ type: 'subscribe', channel: 'room:1' });
    const { status, body } = await call('/api/presence?channel=room%3A1');
    expect(status).toBe(200);
    expect(body).toEqual({
      channel: 'room:1',
      clients: [{ connectionId: ann.id, userId: 'ann' }],
      stats: { connections: 1, users: 1 },
    });
  });

  it('publishes to a channel: a subscribed client receives it', async () => {
    const { ws } = await startApi();
    const ann = await ws('user=ann');
    await ann.client.request({ type: 'subscribe', channel: 'room:1' });
    const answer = await call('/api/publish', {
      json: { channel: 'room:1', event: 'notice', payload: { text: 'hi' } },
    });
    expect(answer).toMatchObject({ status: 200, body: { published: true } });
    const frame = await ann.client.waitFor((f) => f.event === 'notice');
    expect(frame).toMatchObject({ channel: 'room:1', payload: { text: 'hi' } });
  });

  it('publishes to and reads presence of one tenant channel under tenant isolation', async () => {
    const { ws } = await startApi({}, { tenancy: { sources: ['query'] } });
    const join = async (tenant: string) => {
      const { client } = await ws(`tenant=${tenant}`);
      await client.request({ type: 'subscribe', channel: 'room:1' });
      return client;
    };
    const [acme, globex] = [await join('acme'), await join('globex')];
    const published = await call('/api/publish', {
      json: { channel: 'room:1', tenant: 'acme', event: 'notice', payload: 'for acme' },
    });
    expect(published.status).toBe(200);
    expect((await acme.waitFor((f) => f.event === 'notice')).payload).toBe('for acme');
    const presence = await call('/api/presence?channel=room:1&tenant=globex');
    expect(presence.body).toMatchObject({ stats: { connections: 1 } });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(globex.events('notice')).toHaveLength(0);
  });

  it('disconnects a connection, or a user, with the given code', async () => {
    const { ws } = await startApi();
    const [ann, bob1, bob2] = await Promise.all([ws('user=ann'), ws('user=bob'), ws('user=bob')]);
    const one = await call('/api/disconnect', {
      json: { connection: ann.id, code: 4321, reason: 'bye' },
    });
    expect(one.body).toEqual({ disconnected: 1 });
    expect(await ann.client.closed).toEqual({ code: 4321, reason: 'bye' });

    expect((await call('/api/disconnect', { json: { user: 'bob' } })).body).toEqual({
      disconnected: 2,
    });
    expect((await bob1.client.closed).code).toBe(4011);
    expect((await bob2.client.closed).code).toBe(4011);
  });

  it('answers 400 naming each bad field', async () => {
    await startApi();
    const publish = await call('/api/publish', { json: { channel: '$internal', payload: 1 } });
    expect(publish.status).toBe(400);
    expect(publish.body).toMatchObject({
      code: 'WS_MESSAGE_INVALID',
      details: [
        { path: 'channel', message: 'must not start with $' },
        { path: 'event', message: expect.any(String) },
      ],
    });

    const kick = await call('/api/disconnect', { json: { connection: 'x', code: 1006 } });
    expect(kick.status).toBe(400);
    expect(kick.body.details).toEqual([{ path: 'code', message: expect.any(String) }]);

    const nobody = await call('/api/disconnect', { json: {} });
    expect(nobody.body.details).toEqual([
      { path: 'user', message: 'give at least one of user, connection, tenant, role, namespace' },
    ]);

    const presence = await call('/api/presence');
    expect(presence.status).toBe(400);
    expect(presence.body.details).toEqual([{ path: 'channel', message: expect.any(String) }]);

    const notJson = await call('/api/publish', {
      method: 'POST',
      body: '{"channel":',
      headers: { 'Content-Type': 'application/json' },
    });
    expect(notJson.status).toBe(400);
    expect(notJson.body.details).toEqual([{ path: 'body', message: 'not valid JSON' }]);
  });

  it('refuses a POST that is not JSON, so another site cannot post a plain form', async () => {
    await startApi();
    const form = await call('/api/publish', {
      method: 'POST',
      body: JSON.stringify({ channel: 'room:1', event: 'x' }),
      headers: { 'Content-Type': 'text/plain' },
    });
    expect(form.status).toBe(415);
  });

  it('answers 404 for an unknown endpoint and leaves other paths to the server', async () => {
    await startApi();
    const unknown = await call('/api/nope');
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('WS_NOT_FOUND');
    expect((await call('/api/stats', { method: 'DELETE' })).status).toBe(404);
    expect((await fetch(`${running?.base}/apiary`)).status).toBe(418);
  });

  it('answers 413 for a body over the limit', async () => {
    await startApi({ maxBodySize: 1024 });
    const big = { channel: 'room:1', event: 'x', payload: 'a'.repeat(2048) };
    const declared = await call('/api/publish', { json: big });
    expect(declared.status).toBe(413);
    expect(declared.body.code).toBe('WS_PAYLOAD_TOO_LARGE');
    expect(await streamedPost('/api/publish', JSON.stringify(big))).toBe(413);
  });

  it('with an apiKey, answers 401 without the key or with a wrong one, telling them apart', async () => {
    await startApi({ apiKey: 's3cret' });
    const none = await call('/api/stats');
    expect(none.status).toBe(401);
    expect(none.body).toEqual({
      code: 'WS_AUTH_REQUIRED',
      message: 'an API key is required: send Authorization: Bearer <key>',
    });
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    const wrong = await call('/api/stats', { headers: { Authorization: 'Bearer s3cre' } });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual({ code: 'WS_AUTH_FAILED', message: 'the API key is wrong' });
    expect(wrong.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
    const basic = await call('/api/stats', { headers: { Authorization: 's3cret' } });
    expect(basic.status).toBe(401);
    expect(basic.body.code).toBe('WS_AUTH_REQUIRED');
    const right = await call('/api/stats', { headers: { Authorization: 'Bearer s3cret' } });
    expect(right.status).toBe(200);
    const publish = await call('/api/publish', {
      json: { channel: 'room:1', event: 'x' },
      headers: { Authorization: 'Bearer s3cret' },
    });
    expect(publish.status).toBe(200);
  });

  it('answers 500 without the error when the gateway throws, and logs it', async () => {
    const { gateway } = await startApi();
    const logged: unknown[] = [];
    gateway.logger.error = ((...args: unknown[]) =>
      logged.push(args)) as typeof gateway.logger.error;
    gateway.stats = () => {
      throw new Error('secret internals at /srv/herald');
    };
    const answer = await call('/api/stats');
    expect(answer).toMatchObject({
      status: 500,
      body: { code: 'WS_INTERNAL', message: 'internal error' },
    });
    expect(JSON.stringify(answer.body)).not.toContain('secret');
    expect(logged).toHaveLength(1);
  });
});

/** A chunked body with no Content-Length, so the limit is enforced while reading. */
function streamedPost(path: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(`${running?.base}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' },
    });
    req.on('response', (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    for (let i = 0; i < body.length; i += 256) req.write(body.slice(i, i + 256));
    req.end();
  });
}
