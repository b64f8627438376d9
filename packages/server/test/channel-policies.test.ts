import { SignJWT } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError, createGateway } from '../src/index.js';
import { startGateway, type RunningGateway } from './support/gateway-fixture.js';
import { identityFromQuery } from './support/identity.js';
import { TestClient } from './support/test-client.js';

const secret = 'a-subscription-token-secret-of-32+chars';
let running: RunningGateway;
afterEach(() => running.gateway.close());

async function policyGateway(): Promise<RunningGateway> {
  return startGateway(
    (gw) => {
      gw.namespace('/p').onConnect(identityFromQuery);
      gw.namespace('/strict', { channels: { strict: true } }).onConnect(identityFromQuery);
      gw.namespace('/members', { channels: { default: { subscribe: 'authenticated' } } }).onConnect(
        identityFromQuery,
      );
      gw.channel('custom:*', {
        subscribe: (conn, channel) => channel === `custom:${conn.query.get('ticket')}`,
      });
    },
    {
      channels: {
        subscriptionTokens: { secret },
        policies: {
          'open:*': {},
          'members:*': { subscribe: 'authenticated' },
          'staff:*': { subscribe: { roles: ['admin', 'staff'] } },
          'billing:*': { subscribe: { permissions: ['billing.read', 'billing.export'] } },
          'api:*': {
            subscribe: { scopes: ['feed'], check: (conn) => conn.identity.tenant === 'acme' },
          },
          'vip:*': { subscribe: 'token' },
          'user:#{id}': {},
          'dm:#{a},#{b}': {},
          closed: { subscribe: 'nobody' },
          'chat:*': {
            publish: 'subscribers',
            publishSchema: z.object({ text: z.string().min(1) }),
            history: { size: 10 },
          },
          'board:*': { publish: { roles: ['editor'] } },
          'small:*': { maxSubscribers: 2 },
        },
      },
    },
  );
}

async function subscribeAs(query: string, channel: string, extra: object = {}, path = '/p') {
  const client = await TestClient.connect(running.url(`${path}?${query}`));
  const answer = await client.request({ type: 'subscribe', channel, ...extra });
  await client.close();
  return answer.type === 'ack' ? 'ok' : answer.code;
}

function token(
  claims: Record<string, unknown>,
  options: { key?: string; exp?: number } = {},
): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuedAt()
    .setExpirationTime(options.exp ?? '5m')
    .sign(new TextEncoder().encode(options.key ?? secret));
}

describe('channel policies: who may subscribe', () => {
  it.each([
    ['', 'open:1', 'ok'],
    ['', 'anything', 'ok'],
    ['', 'members:1', 'WS_AUTH_REQUIRED'],
    ['user=u1', 'members:1', 'ok'],
    ['user=u1', 'staff:1', 'WS_FORBIDDEN'],
    ['user=u1&roles=viewer,staff', 'staff:1', 'ok'],
    ['', 'staff:1', 'WS_AUTH_REQUIRED'],
    ['user=u1&permissions=billing.read', 'billing:1', 'WS_FORBIDDEN'],
    ['user=u1&permissions=billing.read,billing.export', 'billing:1', 'ok'],
    ['user=u1&scopes=feed&tenant=acme', 'api:1', 'ok'],
    ['user=u1&scopes=feed&tenant=other', 'api:1', 'WS_FORBIDDEN'],
    ['user=u1&scopes=chat&tenant=acme', 'api:1', 'WS_FORBIDDEN'],
    ['ticket=42', 'custom:42', 'ok'],
    ['ticket=42', 'custom:43', 'WS_FORBIDDEN'],
    ['user=u1', 'closed', 'WS_FORBIDDEN'],
    ['user=u1', 'vip:1', 'WS_FORBIDDEN'],
  ])('?%s subscribing to %s: %s', async (query, channel, expected) => {
    running = await policyGateway();
    expect(await subscribeAs(query, channel)).toBe(expected);
  });

  it('keeps personal channels to the users named in them', async () => {
    running = await policyGateway();
    expect(await subscribeAs('user=42', 'user:42')).toBe('ok');
    expect(await subscribeAs('user=43', 'user:42')).toBe('WS_FORBIDDEN');
    expect(await subscribeAs('', 'user:42')).toBe('WS_FORBIDDEN');
    expect(await subscribeAs('user=7', 'dm:7,9')).toBe('ok');
    expect(await subscribeAs('user=9', 'dm:7,9')).toBe('ok');
    expect(await subscribeAs('user=8', 'dm:7,9')).toBe('WS_FORBIDDEN');
    const client = await TestClient.connect(running.url('/p?user=43'));
    expect(await client.request({ type: 'subscribe', channel: 'user:42' })).toMatchObject({
      message: "channel 'user:42' belongs to another user",
      details: [{ path: 'channel' }],
    });
  });

  it('admits with a subscription token for the channel, and refuses bad ones with the right code', async () => {
    running = await policyGateway();
    expect(
      await subscribeAs('user=u1', 'vip:1', { token: await token({ channel: 'vip:1' }) }),
    ).toBe('ok');
    expect(
      await subscribeAs('user=u1', 'vip:1', {
        token: await token({ channel: 'vip:1', sub: 'u1' }),
      }),
    ).toBe('ok');
    // A token is a grant from the backend: it opens channels the rule would refuse.
    expect(await subscribeAs('', 'closed', { token: await token({ channel: 'closed' }) })).toBe(
      'ok',
    );
    expect(
      await subscribeAs('user=u1', 'vip:1', { token: await token({ channel: 'vip:2' }) }),
    ).toBe('WS_FORBIDDEN');
    expect(
      await subscribeAs('user=u2', 'vip:1', {
        token: await token({ channel: 'vip:1', sub: 'u1' }),
      }),
    ).toBe('WS_FORBIDDEN');
    const expired = await token({ channel: 'vip:1' }, { exp: Math.floor(Date.now() / 1000) - 60 });
    expect(await subscribeAs('user=u1', 'vip:1', { token: expired })).toBe('WS_TOKEN_EXPIRED');
    const forged = await token(
      { channel: 'vip:1' },
      { key: 'some-other-secret-that-is-32-chars-long' },
    );
    expect(await subscribeAs('user=u1', 'vip:1', { token: forged })).toBe('WS_AUTH_FAILED');
    // Personal channels stay personal even with a token.
    expect(
      await subscribeAs('user=u2', 'user:u1', { token: await token({ channel: 'user:u1' }) }),
    ).toBe('WS_FORBIDDEN');
  });

  it('answers WS_NOT_FOUND for unknown channels in a strict namespace, and applies namespace defaults', async () => {
    running = await policyGateway();
    const client = await TestClient.connect(running.url('/strict'));
    expect(await client.request({ type: 'subscribe', channel: 'misc' })).toMatchObject({
      code: 'WS_NOT_FOUND',
      details: [{ path: 'channel', message: 'matches no channel pattern' }],
    });
    expect((await client.request({ type: 'subscribe', channel: 'open:1' })).type).toBe('ack');
    expect(await subscribeAs('', 'misc', {}, '/members')).toBe('WS_AUTH_REQUIRED');
    expect(await subscribeAs('user=u1', 'misc', {}, '/members')).toBe('ok');
    expect(await subscribeAs('', 'open:1', {}, '/members')).toBe('ok');
  });

  it('refuses a subscriber over maxSubscribers with WS_CHANNEL_FULL, and admits again after one leaves', async () => {
    running = await policyGateway();
    const clients = await Promise.all([1, 2, 3].map(() => TestClient.connect(running.url('/p'))));
    const [a, b, c] = clients as [TestClient, TestClient, TestClient];
    expect((await a.request({ type: 'subscribe', channel: 'small:1' })).type).toBe('ack');
    expect((await b.request({ type: 'subscribe', channel: 'small:1' })).type).toBe('ack');
    expect(await c.request({ type: 'subscribe', channel: 'small:1' })).toMatchObject({
      code: 'WS_CHANNEL_FULL',
    });
    expect((await a.request({ type: 'subscribe', channel: 'small:1' })).type).toBe('ack');
    await a.request({ type: 'unsubscribe', channel: 'small:1' });
    expect((await c.request({ type: 'subscribe', channel: 'small:1' })).type).toBe('ack');
  });
});

describe('channel policies: client publish', () => {
  it('lets subscribers publish valid payloads to history, and names the bad field otherwise', async () => {
    running = await policyGateway();
    const alice = await TestClient.connect(running.url('/p?user=alice'));
    const bob = await TestClient.connect(running.url('/p?user=bob'));
    expect(
      await alice.request({
        type: 'publish',
        channel: 'chat:1',
        event: 'say',
        payload: { text: 'hi' },
      }),
    ).toMatchObject({
      code: 'WS_FORBIDDEN',
      message: "subscribe to 'chat:1' first",
    });
    await alice.request({ type: 'subscribe', channel: 'chat:1' });
    await bob.request({ type: 'subscribe', channel: 'chat:1' });
    const ack = await alice.request({
      type: 'publish',
      channel: 'chat:1',
      event: 'say',
      payload: { text: 'hi' },
    });
    expect(ack.payload).toMatchObject({ offset: 1, epoch: expect.any(String) });
    expect(await bob.waitFor((f) => f.event === 'say')).toMatchObject({
      channel: 'chat:1',
      payload: { text: 'hi' },
      meta: { offset: 1 },
    });
    const invalid = await alice.request({
      type: 'publish',
      channel: 'chat:1',
      event: 'say',
      payload: { text: '' },
    });
    expect(invalid).toMatchObject({
      code: 'WS_MESSAGE_INVALID',
      details: [{ path: 'payload.text' }],
    });
    const noEvent = await alice.request({ type: 'publish', channel: 'chat:1', payload: {} });
    expect(noEvent).toMatchObject({
      code: 'WS_MESSAGE_INVALID',
      details: [{ path: 'event', message: 'is required' }],
    });
    expect((await running.gateway.history('chat:1')).publications).toHaveLength(1);
  });

  it('refuses publishing where the policy does not allow it', async () => {
    running = await policyGateway();
    const editor = await TestClient.connect(running.url('/p?user=e&roles=editor'));
    const reader = await TestClient.connect(running.url('/p?user=r&roles=reader'));
    const anonymous = await TestClient.connect(running.url('/p'));
    const publish = (client: TestClient, channel: string) =>
      client.request({ type: 'publish', channel, event: 'note', payload: 1 });
    expect((await publish(editor, 'board:1')).type).toBe('ack');
    expect((await publish(reader, 'board:1')).code).toBe('WS_FORBIDDEN');
    expect((await publish(anonymous, 'board:1')).code).toBe('WS_AUTH_REQUIRED');
    expect((await publish(editor, 'open:1')).code).toBe('WS_FORBIDDEN');
    expect((await publish(editor, '$ns:/p')).code).toBe('WS_FORBIDDEN');
  });
});

describe('channel policies beside the namespace hooks', () => {
  it('needs both the namespace hook and the policy to agree, for subscribe and publish', async () => {
    running = await startGateway(
      (gw) => {
        gw.namespace('/hooked', {
          authorizeSubscribe: (_conn, channel) => !channel.endsWith(':hidden'),
          authorizePublish: (_conn, channel) => channel !== 'talk:readonly',
        }).onConnect(identityFromQuery);
      },
      { channels: { policies: { 'talk:*': { subscribe: 'authenticated', publish: 'everyone' } } } },
    );
    const client = await TestClient.connect(running.url('/hooked?user=u1'));
    const anonymous = await TestClient.connect(running.url('/hooked'));
    const code = async (c: TestClient, frame: object) => {
      const answer = await c.request(frame);
      return answer.type === 'ack' ? 'ok' : answer.code;
    };
    expect(await code(client, { type: 'subscribe', channel: 'talk:1' })).toBe('ok');
    expect(await code(client, { type: 'subscribe', channel: 'talk:hidden' })).toBe('WS_FORBIDDEN');
    expect(await code(anonymous, { type: 'subscribe', channel: 'talk:1' })).toBe(
      'WS_AUTH_REQUIRED',
    );
    expect(await code(client, { type: 'publish', channel: 'talk:1', event: 'e' })).toBe('ok');
    expect(await code(client, { type: 'publish', channel: 'talk:readonly', event: 'e' })).toBe(
      'WS_FORBIDDEN',
    );
  });
});

describe('channel options validation', () => {
  it('names the bad field at start-up', () => {
    expect(() =>
      createGateway({ channels: { policies: { 'x:*': { history: { size: 0 } } } } }),
    ).toThrow(/channels\.policies\.x:\*\.history\.size/);
    expect(() =>
      createGateway({ channels: { policies: { 'x:*': { recoveryMaxBytes: 0 } } } }),
    ).toThrow(/channels\.policies\.x:\*\.recoveryMaxBytes/);
    expect(() =>
      createGateway({ channels: { default: { recoveryMaxPublications: 1.5 } } }),
    ).toThrow(/channels\.default\.recoveryMaxPublications/);
    expect(() =>
      createGateway({
        channels: { policies: { 'x:*': { subscribe: 'subscribers' as 'everyone' } } },
      }),
    ).toThrow(ConfigError);
    expect(() => createGateway({ channels: { subscriptionTokens: { secret: 'short' } } })).toThrow(
      /channels\.subscriptionTokens\.secret/,
    );
    const gateway = createGateway({ logLevel: 'silent' });
    expect(() =>
      gateway.namespace('/n', { channels: { default: { presence: 'yes' as unknown as boolean } } }),
    ).toThrow(/namespace \/n\.channels\.default\.presence/);
  });
});
