import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { encode } from '@msgpack/msgpack';
import { jsonCodec, type Codec } from '@herald/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ConfigError,
  createGateway,
  createHttpApi,
  gatewayOptionsFromEnv,
  HeraldError,
  type GatewayOptions,
} from '../src/index.js';
import { startGateway, type RunningGateway } from './support/gateway-fixture.js';
import { stillServes } from './support/probes.js';
import { TestClient, type Frame } from './support/test-client.js';

const msgpack = ['herald.v1.msgpack'];
const feed: GatewayOptions['channels'] = {
  policies: { 'feed:*': { publish: 'subscribers', history: { size: 20 }, clientHistory: true } },
};

let running: RunningGateway | undefined;
afterEach(async () => {
  await running?.gateway.close();
  running = undefined;
});

function start(options: GatewayOptions = {}): Promise<RunningGateway> {
  return startGateway(
    (gw) => {
      gw.namespace('/app').on('echo', (payload) => payload);
    },
    { channels: feed, ...options },
  );
}

/** `[[[…]]]`: `depth` arrays, one inside the other. */
function nested(depth: number): unknown {
  let value: unknown = [];
  for (let i = 1; i < depth; i++) value = [value];
  return value;
}

/** The path of the first array nested deeper than `limit` in `nested(n)`, n > limit. */
const tooDeepAt = (limit: number) => `payload${'.0'.repeat(limit)}`;

async function subscribed(protocols?: string[]): Promise<TestClient> {
  const client = await TestClient.connect((running as RunningGateway).url('/app'), protocols);
  expect(await client.request({ type: 'subscribe', channel: 'feed:a' })).toMatchObject({
    type: 'ack',
  });
  return client;
}

const publications = (client: TestClient): Frame[] =>
  client.frames.filter((f) => f.type === 'event' && f.channel === 'feed:a');

describe('payload depth', () => {
  it('refuses a payload nested deeper than 32 levels from either codec, names the path, and stores nothing', async () => {
    running = await start();
    const jsonClient = await subscribed();
    const msgpackClient = await subscribed(msgpack);
    for (const publisher of [jsonClient, msgpackClient]) {
      const answer = await publisher.request({
        type: 'publish',
        channel: 'feed:a',
        event: 'deep',
        payload: nested(101),
      });
      expect(answer).toMatchObject({
        type: 'error',
        code: 'WS_MESSAGE_INVALID',
        details: [{ path: tooDeepAt(32), message: 'must not nest deeper than 32 levels' }],
      });
    }
    // 32 levels is within the limit, and reaches both codecs.
    const fine = await jsonClient.request({
      type: 'publish',
      channel: 'feed:a',
      event: 'fine',
      payload: nested(32),
    });
    expect(fine).toMatchObject({ type: 'ack', payload: { offset: 1 } });
    for (const client of [jsonClient, msgpackClient]) {
      await client.waitFor((f) => f.event === 'fine');
      expect(publications(client).map((f) => f.event)).toEqual(['fine']);
      const history = await client.request({ type: 'history', channel: 'feed:a' });
      expect(history).toMatchObject({
        type: 'ack',
        payload: { offset: 1, publications: [{ event: 'fine', payload: nested(32) }] },
      });
    }
    expect((await running.gateway.history('feed:a')).offset).toBe(1);
  });

  it('refuses a 60 KB bracket bomb (30,000 levels) in either codec without exhausting the stack', async () => {
    running = await start();
    const depth = 30_000;
    const text = `{"type":"event","event":"echo","id":"bomb","payload":${'['.repeat(depth)}${']'.repeat(depth)}}`;
    // A map of four entries: the three of a small event frame, then `payload` nested 30,000 deep.
    const fields = Buffer.from(encode({ type: 'event', event: 'echo', id: 'bomb' })).subarray(1);
    const binary = Buffer.concat([
      Buffer.from([0x84]),
      fields,
      Buffer.from(encode('payload')),
      Buffer.alloc(depth, 0x91), // a one-element array, 30,000 times over
      Buffer.from([0xc0]), // nil
    ]);
    const jsonClient = await TestClient.connect(running.url('/app'));
    const msgpackClient = await TestClient.connect(running.url('/app'), msgpack);
    jsonClient.ws.send(text);
    msgpackClient.ws.send(binary);
    for (const client of [jsonClient, msgpackClient]) {
      const answer = await client.waitFor((f) => f.id === 'bomb');
      expect(answer).toMatchObject({
        type: 'error',
        code: 'WS_MESSAGE_INVALID',
        details: [{ path: tooDeepAt(32) }],
      });
      await stillServes(client);
    }
  });

  it('honours a configured maxPayloadDepth, also read from WS_MAX_PAYLOAD_DEPTH', async () => {
    expect(gatewayOptionsFromEnv({ WS_MAX_PAYLOAD_DEPTH: '4' })).toEqual({ maxPayloadDepth: 4 });
    running = await start(gatewayOptionsFromEnv({ WS_MAX_PAYLOAD_DEPTH: '4' }));
    const client = await TestClient.connect(running.url('/app'), msgpack);
    const echo = (payload: unknown) => client.request({ type: 'event', event: 'echo', payload });
    expect(await echo({ a: [[{ b: 1 }]] })).toMatchObject({ type: 'ack' });
    expect(await echo({ a: [[{ b: [] }]] })).toMatchObject({
      code: 'WS_MESSAGE_INVALID',
      details: [{ path: 'payload.a.0.0.b', message: 'must not nest deeper than 4 levels' }],
    });
    // Presence info reaches other clients too: the same limit.
    expect(
      await client.request({
        type: 'subscribe',
        channel: 'feed:b',
        info: { a: { b: { c: { d: {} } } } },
      }),
    ).toMatchObject({ code: 'WS_MESSAGE_INVALID', details: [{ path: 'info.a.b.c.d' }] });
  });

  it('refuses a maxPayloadDepth its codecs could not carry', () => {
    for (const maxPayloadDepth of [0, 65, 1.5]) {
      expect(() => createGateway({ maxPayloadDepth })).toThrow(ConfigError);
      expect(() => createGateway({ maxPayloadDepth })).toThrow(/maxPayloadDepth/);
    }
    expect(() => gatewayOptionsFromEnv({ WS_MAX_PAYLOAD_DEPTH: 'deep' })).toThrow(
      /WS_MAX_PAYLOAD_DEPTH/,
    );
  });
});

describe('server-side publish and broadcast', () => {
  const circular = (): unknown => {
    const value: Record<string, unknown> = {};
    value.self = value;
    return value;
  };
  const refused: [string, unknown, string, RegExp][] = [
    ['over-deep', nested(40), tooDeepAt(32), /nest deeper than 32 levels/],
    ['circular', circular(), `payload${'.self'.repeat(32)}`, /nest deeper than 32 levels/],
    ['a bigint', { n: 10n }, 'payload.n', /bigint/],
    ['a function', [() => 1], 'payload.0', /function/],
    ['a symbol', { s: Symbol('s') }, 'payload.s', /symbol/],
  ];

  it.each(refused)(
    'refuses %s payload before the broker, naming the path',
    async (_, payload, path, message) => {
      running = await start();
      const subscriber = await subscribed(msgpack);
      const { gateway } = running;
      const namespace = gateway.namespaces[0]!;
      const attempts: (() => Promise<unknown>)[] = [
        () => gateway.publish('feed:a', 'bad', payload),
        () => namespace.broadcast('bad', payload),
        () => gateway.to({}).emit('bad', payload),
        () => gateway.broadcastToTenant('acme', 'bad', payload),
      ];
      for (const attempt of attempts) {
        const error = await attempt().then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(HeraldError);
        expect(error).toMatchObject({
          code: 'WS_MESSAGE_INVALID',
          details: [{ path, message: expect.stringMatching(message) }],
        });
      }
      expect((await gateway.history('feed:a')).offset).toBe(0);
      // Presence info set by the server is held to the same rule.
      const joined = [...namespace.connections][0]!.join('feed:b', payload);
      await expect(joined).rejects.toMatchObject({
        code: 'WS_MESSAGE_INVALID',
        details: [{ path: path.replace(/^payload/, 'info') }],
      });
      await gateway.publish('feed:a', 'next', { ok: true });
      await subscriber.waitFor((f) => f.event === 'next');
      expect(subscriber.frames.filter((f) => f.event === 'bad')).toEqual([]);
    },
  );

  it('answers an over-deep HTTP API publish with 400 and stores nothing', async () => {
    const gateway = createGateway({ logLevel: 'silent', channels: feed });
    gateway.namespace('/app');
    const api = createHttpApi(gateway, {});
    const server = createServer((req, res) => {
      if (!api(req, res)) res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const body = `{"channel":"feed:a","event":"deep","payload":${'['.repeat(30_000)}${']'.repeat(30_000)}}`;
    const response = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        { port, host: '127.0.0.1', path: '/api/publish', method: 'POST' },
        (res) => {
          let text = '';
          res.on('data', (chunk: Buffer) => (text += chunk.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        },
      );
      req.on('error', reject);
      req.setHeader('Content-Type', 'application/json');
      req.end(body);
    });
    expect(response.status).toBe(400);
    expect(JSON.parse(response.body)).toMatchObject({
      code: 'WS_MESSAGE_INVALID',
      details: [{ path: tooDeepAt(32) }],
    });
    expect((await gateway.history('feed:a')).offset).toBe(0);
    server.close();
    await gateway.close();
  });
});

describe('delivery when a codec cannot encode a publication', () => {
  /** A JSON codec that cannot encode a payload holding `fragile`, as a custom codec might. */
  const fragile: Codec = {
    ...jsonCodec,
    subprotocol: 'herald.test.fragile',
    encode: (frame) => {
      const text = jsonCodec.encode(frame) as string;
      if (text.includes('fragile')) throw new TypeError('cannot encode fragile values');
      return text;
    },
  };

  it('still delivers to the other subscribers, acks the publisher, and tells the others why', async () => {
    running = await start({ codecs: [fragile] });
    const jsonClient = await subscribed();
    const fragileClient = await subscribed([fragile.subprotocol]);
    const msgpackClient = await subscribed(msgpack);
    const ack = await jsonClient.request({
      type: 'publish',
      channel: 'feed:a',
      event: 'news',
      payload: 'fragile',
    });
    expect(ack).toMatchObject({ type: 'ack', payload: { offset: 1 } });
    for (const client of [jsonClient, msgpackClient])
      await client.waitFor((f) => f.event === 'news');
    const notice = await fragileClient.waitFor((f) => f.type === 'error');
    expect(notice).toMatchObject({
      code: 'WS_INTERNAL',
      message: "a publication on channel 'feed:a' could not be delivered",
    });
    expect(notice.id).toBeUndefined();
    await stillServes(fragileClient);
  });
});
