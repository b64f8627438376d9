import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { Kvm } from '@nats-io/kv';
import { connect } from '@nats-io/transport-node';
import { NatsBroker } from '@herald/nats';
import { RedisBroker } from '@herald/redis';
import type { Broker } from '@herald/server';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { deleteStores, testPrefix } from '../../nats/test/support/nats-stores.js';
import { startGateway, type RunningGateway } from '../../server/test/support/gateway-fixture.js';
import { TestClient, type Frame } from '../../server/test/support/test-client.js';
import { secret, sign } from '../../server/test/support/tokens.js';
import { EmitterChild } from './support/emitter-child.js';

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const natsUrl = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';

interface BrokerUnderTest {
  name: string;
  url: string;
  prefix: string;
  /** The emitter process builds its broker itself (`broker`) instead of passing `url`. */
  instance: boolean;
  create(): Broker & { nodeId: string };
  /** The node ids in the broker's registry of live nodes. */
  liveNodes(): Promise<string[]>;
  cleanup(): Promise<void>;
}

const redisPrefix = `herald-test-emitter-${randomUUID()}`;
const natsPrefix = testPrefix('emitter');

const brokers: BrokerUnderTest[] = [
  {
    name: 'Redis',
    url: redisUrl,
    prefix: redisPrefix,
    instance: false,
    create: () => new RedisBroker({ url: redisUrl, prefix: redisPrefix }),
    async liveNodes() {
      const redis = new Redis(redisUrl);
      try {
        return await redis.zrangebyscore(`${redisPrefix}:nodes`, Date.now(), '+inf');
      } finally {
        redis.disconnect();
      }
    },
    async cleanup() {
      const redis = new Redis(redisUrl);
      const keys = await redis.keys(`${redisPrefix}:*`);
      if (keys.length > 0) await redis.del(...keys);
      redis.disconnect();
    },
  },
  {
    name: 'NATS',
    url: natsUrl,
    prefix: natsPrefix,
    instance: true,
    create: () => new NatsBroker({ servers: natsUrl, prefix: natsPrefix, storage: 'memory' }),
    async liveNodes() {
      const nc = await connect({ servers: natsUrl });
      try {
        const kv = await new Kvm(nc).open(`${natsPrefix}_nodes`);
        const ids: string[] = [];
        for await (const key of await kv.keys()) {
          const entry = await kv.get(key);
          if (entry && entry.operation === 'PUT') ids.push(entry.json<{ value: string }>().value);
        }
        return ids;
      } finally {
        await nc.close();
      }
    },
    cleanup: () => deleteStores(natsUrl, natsPrefix),
  },
];

const isEvent = (event: string) => (f: Frame) => f.type === 'event' && f.event === event;

describe.each(brokers)('an emitter process on $name', (broker) => {
  const nodes: { running: RunningGateway; nodeId: string }[] = [];
  const clients: TestClient[] = [];
  let emitter: EmitterChild;

  /** Two gateways on the broker: JWT identities, tenants isolated, one channel with history. */
  beforeAll(async () => {
    for (let i = 0; i < 2; i += 1) {
      const brokerNode = broker.create();
      const running = await startGateway(
        (gateway) => {
          gateway.namespace('/app');
          gateway.channel('news', { history: { size: 100 } });
          gateway.channel('live', {});
          gateway.channel('general', {});
        },
        {
          broker: brokerNode,
          auth: { jwt: { secret } },
          tenancy: { sources: ['claim'] },
        },
      );
      nodes.push({ running, nodeId: brokerNode.nodeId });
    }
    emitter = EmitterChild.start({
      url: broker.url,
      prefix: broker.prefix,
      instance: broker.instance,
    });
  });

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
  });

  afterAll(async () => {
    emitter.kill();
    await Promise.all(nodes.map(({ running }) => running.gateway.close()));
    await broker.cleanup();
  });

  /** A client of `user` on gateway `node` (0 or 1), with `claims` such as roles or a tenant. */
  async function client(node: number, user: string, claims: object = {}): Promise<TestClient> {
    const token = await sign({ sub: user, ...claims });
    const connected = await TestClient.connect(nodes[node]!.running.url(`/app?token=${token}`));
    clients.push(connected);
    // Targeting sees a connection once its gateway admitted it, which `connected` says.
    await connected.waitFor((f) => f.type === 'system' && f.event === 'connected');
    return connected;
  }

  async function subscribed(client: TestClient, channel: string, since?: object): Promise<Frame> {
    const ack = await client.request({ type: 'subscribe', channel, ...(since && { since }) });
    expect(ack.type).toBe('ack');
    return ack;
  }

  /**
   * Emits `marker` to everyone and waits until `clients` have it: each gateway runs the emitter's
   * commands in the order sent, so whatever was meant for them before has arrived by then.
   */
  async function afterEverythingSent(...waiting: TestClient[]): Promise<void> {
    const marker = `marker-${randomUUID()}`;
    expect(await emitter.run({ op: 'emit', to: [{}], event: marker })).toEqual({
      ok: true,
      result: null,
    });
    await Promise.all(waiting.map((c) => c.waitFor(isEvent(marker))));
  }

  it('publishes live to the subscribers on every gateway, with no position', async () => {
    const [onA, onB] = [await client(0, 'ada'), await client(1, 'bob')];
    for (const c of [onA, onB]) await subscribed(c, 'live');
    const answer = await emitter.run({ op: 'publish', args: ['live', 'tick', { n: 1 }] });
    expect(answer).toEqual({ ok: true, result: null });
    for (const c of [onA, onB]) {
      const frame = await c.waitFor(isEvent('tick'));
      expect(frame).toMatchObject({ channel: 'live', payload: { n: 1 } });
      expect(frame.meta?.offset).toBeUndefined();
    }
  });

  it('appends to history when asked, resolves with the position, and the publication is recoverable', async () => {
    const reader = await client(0, 'ada');
    const before = (await subscribed(reader, 'news')).payload as { offset: number; epoch: string };
    const answer = await emitter.run({
      op: 'publish',
      args: ['news', 'headline', { title: 'emitted' }, { history: { size: 100, ttl: 0 } }],
    });
    expect(answer).toEqual({
      ok: true,
      result: { offset: before.offset + 1, epoch: before.epoch },
    });
    expect(await reader.waitFor(isEvent('headline'))).toMatchObject({
      channel: 'news',
      payload: { title: 'emitted' },
      meta: { offset: before.offset + 1, epoch: before.epoch },
    });

    const late = await client(1, 'bob');
    const recovery = await subscribed(late, 'news', before);
    expect(recovery.payload).toMatchObject({
      recovered: true,
      publications: [
        { event: 'headline', payload: { title: 'emitted' }, meta: { offset: before.offset + 1 } },
      ],
    });
    const history = await nodes[1]!.running.gateway.history('news');
    expect(history.publications.map((p) => p.event)).toContain('headline');
  });

  it("publishes to a tenant's channel only", async () => {
    const [acme, globex] = [
      await client(0, 'ada', { tenant_id: 'acme' }),
      await client(1, 'gil', { tenant_id: 'globex' }),
    ];
    for (const c of [acme, globex]) await subscribed(c, 'general');
    const answer = await emitter.run({
      op: 'publish',
      args: ['general', 'said', 'for acme', { tenant: 'acme' }],
    });
    expect(answer).toEqual({ ok: true, result: null });
    expect(await acme.waitFor(isEvent('said'))).toMatchObject({
      channel: 'general',
      payload: 'for acme',
    });
    await afterEverythingSent(globex);
    expect(globex.frames.filter(isEvent('said'))).toHaveLength(0);
  });

  it("emits to a user's connections on both gateways and to no one else", async () => {
    const [adaOnA, adaOnB, bob] = [
      await client(0, 'ada'),
      await client(1, 'ada'),
      await client(0, 'bob'),
    ];
    const answer = await emitter.run({
      op: 'emit',
      to: [{ user: 'ada' }],
      event: 'notice',
      payload: { text: 'hello ada' },
    });
    expect(answer).toEqual({ ok: true, result: null });
    for (const c of [adaOnA, adaOnB]) {
      expect(await c.waitFor(isEvent('notice'))).toMatchObject({ payload: { text: 'hello ada' } });
    }
    await afterEverythingSent(adaOnA, adaOnB, bob);
    expect(bob.frames.filter(isEvent('notice'))).toHaveLength(0);
    expect(adaOnA.frames.filter(isEvent('notice'))).toHaveLength(1);
  });

  it("emits to a channel's subscribers except a user", async () => {
    const [ada, bob, cy, dee] = [
      await client(0, 'ada'),
      await client(1, 'bob'),
      await client(1, 'cy'),
      await client(0, 'dee'),
    ];
    for (const c of [ada, bob, cy]) await subscribed(c, 'live');
    const answer = await emitter.run({
      op: 'emit',
      to: [{ channel: 'live' }],
      except: [{ user: 'bob' }],
      event: 'alert',
      payload: 1,
    });
    expect(answer.ok).toBe(true);
    for (const c of [ada, cy]) await c.waitFor(isEvent('alert'));
    await afterEverythingSent(bob, dee);
    expect([...bob.frames, ...dee.frames].filter(isEvent('alert'))).toHaveLength(0);
  });

  it('emits to a role and a tenant together (a union), and broadcasts to a tenant', async () => {
    const [admin, acme, other] = [
      await client(0, 'ada', { roles: ['admin'] }),
      await client(1, 'bob', { tenant_id: 'acme' }),
      await client(1, 'cy', { tenant_id: 'globex' }),
    ];
    const answer = await emitter.run({
      op: 'emit',
      to: [{ role: 'admin' }, { tenant: 'acme' }],
      event: 'maintenance',
    });
    expect(answer.ok).toBe(true);
    for (const c of [admin, acme]) await c.waitFor(isEvent('maintenance'));

    expect(
      await emitter.run({ op: 'broadcastToTenant', args: ['acme', 'tenant.notice', { a: 1 }] }),
    ).toEqual({ ok: true, result: null });
    expect(await acme.waitFor(isEvent('tenant.notice'))).toMatchObject({ payload: { a: 1 } });
    await afterEverythingSent(admin, other);
    expect(other.frames.filter(isEvent('maintenance'))).toHaveLength(0);
    expect([...admin.frames, ...other.frames].filter(isEvent('tenant.notice'))).toHaveLength(0);
  });

  it('is no gateway node: the registry holds the two gateways only', async () => {
    // The emitter has sent by now, so its broker is connected.
    expect((await emitter.run({ op: 'publish', args: ['live', 'x'] })).ok).toBe(true);
    expect((await broker.liveNodes()).sort()).toEqual(nodes.map((n) => n.nodeId).sort());
  });

  it('refuses bad input in its process with the field named, and sends nothing', async () => {
    expect(await emitter.run({ op: 'publish', args: ['$t:acme:general', 'x'] })).toMatchObject({
      ok: false,
      name: 'HeraldError',
      code: 'WS_MESSAGE_INVALID',
      details: [{ path: 'channel', message: 'must not start with $' }],
    });
    expect(
      await emitter.run({ op: 'emit', to: [{ users: 'ada' } as object], event: 'x' }),
    ).toMatchObject({ ok: false, code: 'WS_MESSAGE_INVALID', details: [{ path: 'to[0].users' }] });
  });

  it('closes its broker connection and lets the process exit when done', async () => {
    expect(await emitter.end()).toBe(0);
  });
});
