import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGateway, createHttpApi, type Gateway } from '@herald/server';
import { RedisBroker } from '../src/index.js';
import { identityFromQuery } from '../../server/test/support/identity.js';
import { TestClient } from '../../server/test/support/test-client.js';
import { secret, sign } from '../../server/test/support/tokens.js';

const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `herald-api-${randomUUID()}`;
const apiKey = 'cluster-api-key';
const redis = new Redis(url);
afterAll(async () => {
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
});

interface Node {
  gateway: Gateway;
  port: number;
}

let nodes: Node[] = [];
let clients: TestClient[] = [];

/** A node of the cluster: a gateway on Redis serving the API on its own port. */
async function startNode(): Promise<Node> {
  const gateway = createGateway({
    logLevel: 'silent',
    broker: new RedisBroker({ url, prefix }),
    channels: {
      policies: {
        'room:*': { presence: true },
        'feed:*': { history: { size: 10, ttl: 60_000 } },
      },
    },
  });
  gateway.namespace('/ws').onConnect(identityFromQuery);
  const api = createHttpApi(gateway, { apiKey, jwt: { secret }, maxBodySize: 2048 });
  const { port } = await gateway.listen(0, '127.0.0.1', { handlers: [api] });
  return { gateway, port };
}

async function connect(node: Node, query: string): Promise<TestClient> {
  const client = await TestClient.connect(`ws://127.0.0.1:${node.port}/ws?${query}`);
  clients.push(client);
  await client.waitFor((f) => f.type === 'system' && f.event === 'connected');
  return client;
}

interface Answer {
  status: number;
  /** The JSON answer as fetch reads it; tests check its shape with expect. */
  body: Awaited<ReturnType<Response['json']>>;
}

/** A request to node `on`'s API, with the key unless `auth` says otherwise. */
async function api(
  path: string,
  options: { json?: unknown; on?: number; auth?: string | null; raw?: string } = {},
): Promise<Answer> {
  const headers: Record<string, string> = {};
  const auth = options.auth === undefined ? `Bearer ${apiKey}` : options.auth;
  if (auth !== null) headers.Authorization = auth;
  const body =
    options.raw ?? (options.json === undefined ? undefined : JSON.stringify(options.json));
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const node = nodes[options.on ?? 0] as Node;
  const response = await fetch(`http://127.0.0.1:${node.port}/api${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers,
    body,
  });
  return { status: response.status, body: await response.json() };
}

beforeEach(async () => {
  nodes = [await startNode(), await startNode()];
});
afterEach(async () => {
  for (const client of clients) client.ws.close();
  clients = [];
  for (const node of nodes) await node.gateway.close();
});

const subscribe = async (client: TestClient, channel: string) =>
  expect((await client.request({ type: 'subscribe', channel })).type).toBe('ack');

describe('the server API on a two-node cluster', () => {
  it('lists both nodes in info, and connections of both', async () => {
    await connect(nodes[0] as Node, 'user=alice');
    await connect(nodes[1] as Node, 'user=bob&roles=admin');
    const info = await api('/info');
    expect(info.status).toBe(200);
    expect(info.body.nodes).toHaveLength(2);
    for (const node of info.body.nodes) {
      expect(node).toMatchObject({
        version: expect.any(String),
        namespaces: ['/ws'],
        health: { status: 'ok', connections: 1 },
        stats: { connections: { active: 1 } },
      });
      expect(node.uptime).toBeGreaterThanOrEqual(0);
    }
    expect(new Set(info.body.nodes.map((n: { node: string }) => n.node)).size).toBe(2);

    const all = await api('/connections', { on: 1 });
    expect(all.body.connections.map((c: { userId: string }) => c.userId).sort()).toEqual([
      'alice',
      'bob',
    ]);
    const admins = await api('/connections?role=admin');
    expect(admins.body.connections.map((c: { userId: string }) => c.userId)).toEqual(['bob']);
  });

  it('publishes and broadcasts to subscribers on both nodes', async () => {
    const alice = await connect(nodes[0] as Node, 'user=alice');
    const bob = await connect(nodes[1] as Node, 'user=bob');
    await subscribe(alice, 'news');
    await subscribe(bob, 'sport');

    const broadcast = await api('/broadcast', {
      json: { channels: ['news', 'sport'], event: 'headline', payload: { n: 1 } },
    });
    expect(broadcast.body).toEqual({
      published: 2,
      results: [{ channel: 'news' }, { channel: 'sport' }],
    });
    for (const [client, channel] of [
      [alice, 'news'],
      [bob, 'sport'],
    ] as const) {
      const got = await client.waitFor((f) => f.type === 'event' && f.channel !== undefined);
      expect(got).toMatchObject({ channel, event: 'headline', payload: { n: 1 } });
    }

    const published = await api('/publish', {
      on: 1,
      json: { channel: 'news', event: 'flash', payload: 'x' },
    });
    expect(published.body).toEqual({ published: true });
    expect(
      await alice.waitFor(
        (f) => f.type === 'event' && f.channel !== undefined && f.event === 'flash',
      ),
    ).toMatchObject({ channel: 'news', payload: 'x' });

    const channels = await api('/channels?pattern=n*');
    expect(channels.body).toEqual({ channels: [{ channel: 'news', subscribers: 1 }] });
  });

  it('subscribes and unsubscribes a user on another node, which the client sees', async () => {
    const bob = await connect(nodes[1] as Node, 'user=bob');
    const subscribed = await api('/subscribe', { json: { channel: 'room:1', user: 'bob' } });
    expect(subscribed.body).toEqual({ subscribed: 1 });
    expect(await bob.waitFor((f) => f.type === 'system' && f.event === 'subscribed')).toMatchObject(
      { payload: { channel: 'room:1', reason: 'server' } },
    );
    await api('/publish', { json: { channel: 'room:1', event: 'hello' } });
    expect(await bob.waitFor((f) => f.type === 'event' && f.channel !== undefined)).toMatchObject({
      channel: 'room:1',
      event: 'hello',
    });

    const presence = await api('/presence?channel=room:1');
    expect(presence.body).toMatchObject({
      channel: 'room:1',
      clients: [{ userId: 'bob' }],
      stats: { connections: 1, users: 1 },
    });
    expect((await api('/presence/stats?channel=room:1', { on: 1 })).body).toEqual({
      channel: 'room:1',
      stats: { connections: 1, users: 1 },
    });

    const unsubscribed = await api('/unsubscribe', { json: { channel: 'room:1' } });
    expect(unsubscribed.body).toEqual({ unsubscribed: 1 });
    expect(
      await bob.waitFor((f) => f.type === 'system' && f.event === 'unsubscribed'),
    ).toMatchObject({ payload: { channel: 'room:1', reason: 'server' } });
    expect((await api('/connections?user=bob')).body.connections[0].channels).toEqual([]);
  });

  it('refreshes a connection to a later expiry, and expires it at a past one', async () => {
    const bob = await connect(nodes[1] as Node, 'user=bob');
    const later = Math.floor(Date.now() / 1000) + 3600;
    expect((await api('/refresh', { json: { user: 'bob', expiresAt: later } })).body).toEqual({
      refreshed: 1,
    });
    const [info] = (await api('/connections?user=bob')).body.connections;
    expect(info.expiresAt).toBe(later * 1000);

    await api('/refresh', { json: { user: 'bob', expiresAt: 1 } });
    expect((await bob.closed).code).toBe(4010);
  });

  it('disconnects a user on another node', async () => {
    const bob = await connect(nodes[1] as Node, 'user=bob');
    expect((await api('/disconnect', { json: { user: 'bob', reason: 'bye' } })).body).toEqual({
      disconnected: 1,
    });
    expect(await bob.closed).toEqual({ code: 4011, reason: 'bye' });
  });

  it('reads and removes history, and refuses a channel without history or presence', async () => {
    await api('/publish', { json: { channel: 'feed:a', event: 'one', payload: 1 } });
    await api('/publish', { json: { channel: 'feed:a', event: 'two', payload: 2 } });
    const history = await api('/history?channel=feed:a&limit=1&reverse=true', { on: 1 });
    expect(history.body).toMatchObject({
      channel: 'feed:a',
      publications: [{ event: 'two', payload: 2, offset: 2, time: expect.any(Number) }],
      offset: 2,
      epoch: expect.any(String),
    });
    expect((await api('/history/remove', { json: { channel: 'feed:a' } })).body).toEqual({
      removed: true,
    });
    expect((await api('/history?channel=feed:a')).body.publications).toEqual([]);

    const none = await api('/history?channel=news');
    expect(none.status).toBe(404);
    expect(none.body).toMatchObject({ code: 'WS_NOT_FOUND', details: [{ path: 'channel' }] });
    expect((await api('/presence?channel=news')).status).toBe(404);
  });

  it('runs a batch in order, each call succeeding or failing on its own', async () => {
    const alice = await connect(nodes[1] as Node, 'user=alice');
    const batch = await api('/batch', {
      json: {
        requests: [
          { method: 'subscribe', params: { channel: 'feed:b', user: 'alice' } },
          { method: 'publish', params: { channel: 'feed:b', event: 'e', payload: 1 } },
          { method: 'history', params: { channel: 'nohistory' } },
          { method: 'history', params: { channel: 'feed:b', limit: 5 } },
          { method: 'info', params: {} },
        ],
      },
    });
    expect(batch.status).toBe(200);
    const [sub, pub, refused, read, info] = batch.body.results;
    expect(sub).toEqual({ result: { subscribed: 1 } });
    expect(pub).toMatchObject({ result: { published: true, position: { offset: 1 } } });
    expect(refused).toMatchObject({ error: { code: 'WS_NOT_FOUND' } });
    expect(read.result.publications).toMatchObject([{ event: 'e', payload: 1 }]);
    expect(info.result.nodes).toHaveLength(2);
    expect(await alice.waitFor((f) => f.type === 'event' && f.channel !== undefined)).toMatchObject(
      { event: 'e' },
    );

    const bad = await api('/batch', {
      json: {
        requests: [
          { method: 'info', params: {} },
          { method: 'publish', params: { channel: 'x' } },
          { method: 'nope', params: {} },
        ],
      },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('WS_MESSAGE_INVALID');
    expect(bad.body.details.map((d: { path: string }) => d.path)).toEqual([
      'requests.1.params.event',
      'requests.2.method',
    ]);
  });

  it('refuses what it must with a stable code', async () => {
    expect(await api('/stats', { auth: null })).toMatchObject({
      status: 401,
      body: { code: 'WS_AUTH_REQUIRED' },
    });
    expect(await api('/stats', { auth: 'Bearer wrong' })).toMatchObject({
      status: 401,
      body: { code: 'WS_AUTH_FAILED' },
    });
    const user = await sign({ sub: 'u', admin: false });
    expect(await api('/stats', { auth: `Bearer ${user}` })).toMatchObject({
      status: 403,
      body: { code: 'WS_FORBIDDEN' },
    });
    const forged = await sign({ sub: 'u', admin: true }, { key: new Uint8Array(32) });
    expect((await api('/stats', { auth: `Bearer ${forged}` })).body.code).toBe('WS_AUTH_FAILED');
    const admin = await sign({ sub: 'ops', admin: true });
    expect((await api('/stats', { auth: `Bearer ${admin}` })).status).toBe(200);

    const bad = await api('/publish', { json: { channel: '$ns', event: '' } });
    expect(bad).toMatchObject({ status: 400, body: { code: 'WS_MESSAGE_INVALID' } });
    expect(bad.body.details.map((d: { path: string }) => d.path)).toEqual(['channel', 'event']);
    expect(await api('/nowhere')).toMatchObject({ status: 404, body: { code: 'WS_NOT_FOUND' } });
    const large = await api('/publish', {
      json: { channel: 'a', event: 'e', payload: 'x'.repeat(4096) },
    });
    expect(large).toMatchObject({ status: 413, body: { code: 'WS_PAYLOAD_TOO_LARGE' } });
    expect((await api('/subscribe', { json: { channel: 'a' } })).body.details).toEqual([
      { path: 'user', message: 'give at least one of user, connection, tenant, role, namespace' },
    ]);
  });

  it('describes every route in an OpenAPI 3.1 document with the schemas it validates with', async () => {
    const { status, body } = await api('/openapi.json', { auth: null });
    expect(status).toBe(200);
    expect(body.openapi).toBe('3.1.0');
    const operations = Object.entries(body.paths as Record<string, object>).flatMap(
      ([path, methods]) => Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(operations.sort()).toEqual(
      [
        'GET /stats',
        'GET /info',
        'GET /connections',
        'GET /manifest',
        'GET /channels',
        'GET /presence',
        'GET /presence/stats',
        'GET /history',
        'POST /publish',
        'POST /broadcast',
        'POST /subscribe',
        'POST /unsubscribe',
        'POST /disconnect',
        'POST /refresh',
        'POST /history/remove',
        'POST /batch',
        'GET /openapi.json',
      ].sort(),
    );
    const publish = body.paths['/publish'].post.requestBody.content['application/json'].schema;
    expect(publish.required).toEqual(['channel', 'event']);
    expect(publish.properties.channel).toMatchObject({ type: 'string', minLength: 1 });
    const broadcast = body.paths['/broadcast'].post.requestBody.content['application/json'].schema;
    expect(broadcast.properties.channels).toMatchObject({ minItems: 1, maxItems: 1000 });
    const history = body.paths['/history'].get.parameters;
    expect(history.find((p: { name: string }) => p.name === 'channel')).toMatchObject({
      in: 'query',
      required: true,
    });
    const batch = body.paths['/batch'].post.requestBody.content['application/json'].schema;
    expect(batch.properties.requests.items.oneOf).toHaveLength(12);

    // What the document says is required is what the validator refuses without.
    const missing = await api('/broadcast', { json: { channels: ['a'] } });
    expect(missing.body.details.map((d: { path: string }) => d.path)).toEqual(
      broadcast.required.filter((field: string) => field !== 'channels'),
    );
  });
});
