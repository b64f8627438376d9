import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Connection, GatewayOptions, NamespaceOptionsInput } from '../src/index.js';
import { startGateway, type RunningGateway } from './support/gateway-fixture.js';
import { sleep } from './support/identity.js';
import {
  closeCode,
  isSystemFrame,
  rawWebSocket,
  readFrames,
  sendFragmentedText,
  type RawFrame,
} from './support/raw-socket.js';
import { refusal, stillServes } from './support/probes.js';
import { TestClient } from './support/test-client.js';
import { secret, sign } from './support/tokens.js';

let running: RunningGateway;
afterEach(() => running.gateway.close());

const connections: Connection[] = [];

function limitedGateway(
  options: GatewayOptions,
  namespace: NamespaceOptionsInput = {},
): Promise<RunningGateway> {
  connections.length = 0;
  return startGateway((gw) => {
    const ns = gw.namespace('/app', namespace);
    ns.onConnect((conn) => connections.push(conn));
    ns.on('echo', (payload) => payload);
  }, options);
}

const from = (ip: string) => ({ localAddress: ip });
const user = async (sub: string, tenant?: string) =>
  `/app?token=${await sign(tenant ? { sub, tenant_id: tenant } : { sub })}`;

describe('connection limits', () => {
  it('refuses a connection flood from one IP with 4008, counts it, and serves other IPs', async () => {
    running = await limitedGateway({ limits: { maxConnectionsPerIp: 3 } });
    const bystander = await TestClient.connect(running.url('/app'), undefined, from('127.0.0.3'));
    const flood = await Promise.all(
      Array.from({ length: 3 }, () =>
        TestClient.connect(running.url('/app'), undefined, from('127.0.0.2')),
      ),
    );
    for (let i = 0; i < 5; i++) {
      expect(await refusal(running.url('/app'), undefined, from('127.0.0.2'))).toMatchObject({
        close: 4008,
        code: 'WS_CONNECTION_LIMIT',
        message: 'connection limit reached (per IP)',
      });
    }
    expect(running.gateway.stats().rejected.limit).toBe(5);
    await stillServes(bystander);
    await stillServes(await TestClient.connect(running.url('/app'), undefined, from('127.0.0.4')));
    // A closed connection gives its slot back.
    await flood[0]?.close();
    await new Promise((r) => setTimeout(r, 20));
    await stillServes(await TestClient.connect(running.url('/app'), undefined, from('127.0.0.2')));
  });

  it('limits connections globally, per namespace, per user and per tenant', async () => {
    running = await startGateway(
      (gw) => {
        gw.namespace('/app').on('echo', (p) => p);
        gw.namespace('/small', { maxConnections: 1 }).on('echo', (p) => p);
      },
      {
        auth: { jwt: { secret } },
        tenancy: { sources: ['claim'] },
        limits: { maxConnections: 6, maxConnectionsPerUser: 2, maxConnectionsPerTenant: 3 },
      },
    );
    const url = async (path: string, sub: string, tenant: string) =>
      running.url(`${path}?token=${await sign({ sub, tenant_id: tenant })}`);
    await TestClient.connect(await url('/app', 'ada', 'acme'));
    await TestClient.connect(await url('/app', 'ada', 'acme'));
    expect(await refusal(await url('/app', 'ada', 'acme'))).toMatchObject({
      close: 4008,
      message: 'connection limit reached (per user)',
    });
    // The same user id in another tenant is another user.
    await TestClient.connect(await url('/app', 'ada', 'globex'));
    await TestClient.connect(await url('/app', 'bob', 'acme'));
    expect(await refusal(await url('/app', 'eve', 'acme'))).toMatchObject({
      close: 4008,
      message: 'connection limit reached (per tenant)',
    });
    await TestClient.connect(await url('/small', 'x', 'initech'));
    expect(await refusal(await url('/small', 'y', 'initech'))).toMatchObject({
      close: 4008,
      message: 'connection limit reached (namespace)',
    });
    await TestClient.connect(await url('/app', 'z', 'initech'));
    expect(await refusal(await url('/app', 'w', 'umbrella'))).toMatchObject({
      close: 4008,
      message: 'connection limit reached (gateway)',
    });
  });

  it('keeps a connection counted when in-band auth would pass the per-user limit', async () => {
    running = await limitedGateway(
      { auth: { jwt: { secret } }, limits: { maxConnectionsPerUser: 1, maxConnectionsPerIp: 2 } },
      { auth: 'optional' },
    );
    const ada = await TestClient.connect(running.url(await user('ada')));
    const anonymous = await TestClient.connect(running.url('/app'));
    const error = await anonymous.request({ type: 'auth', token: await sign({ sub: 'ada' }) });
    expect(error).toMatchObject({
      code: 'WS_CONNECTION_LIMIT',
      message: 'connection limit reached (per user)',
    });
    await stillServes(anonymous);
    expect(await refusal(running.url('/app'))).toMatchObject({
      close: 4008,
      message: 'connection limit reached (per IP)',
    });
    await stillServes(ada);
  });

  it('refuses connection attempts past the per-IP rate with HTTP 429 before upgrading', async () => {
    running = await limitedGateway({ rateLimit: { connectionAttemptsPerIp: { perMinute: 3 } } });
    for (let i = 0; i < 3; i++)
      await TestClient.connect(running.url('/app'), undefined, from('127.0.0.5'));
    await expect(
      TestClient.connect(running.url('/app'), undefined, from('127.0.0.5')),
    ).rejects.toThrow(/429/);
    await stillServes(await TestClient.connect(running.url('/app'), undefined, from('127.0.0.6')));
    expect(running.gateway.stats().rejected.rate_limit).toBe(1);
  });
});

describe('subscription limits', () => {
  it('caps subscriptions per connection with WS_SUBSCRIPTION_LIMIT', async () => {
    running = await limitedGateway({}, { maxSubscriptions: 2 });
    const client = await TestClient.connect(running.url('/app'));
    await client.request({ type: 'subscribe', channel: 'a' });
    await client.request({ type: 'subscribe', channel: 'b' });
    expect(await client.request({ type: 'subscribe', channel: 'a' })).toMatchObject({
      type: 'ack',
    });
    expect(await client.request({ type: 'subscribe', channel: 'c' })).toMatchObject({
      code: 'WS_SUBSCRIPTION_LIMIT',
    });
    await client.request({ type: 'unsubscribe', channel: 'a' });
    expect(await client.request({ type: 'subscribe', channel: 'c' })).toMatchObject({
      type: 'ack',
    });
  });

  it('caps subscribers per channel with WS_CHANNEL_FULL', async () => {
    running = await limitedGateway({}, { maxSubscribersPerChannel: 2 });
    const clients = await Promise.all([1, 2, 3].map(() => TestClient.connect(running.url('/app'))));
    await clients[0]?.request({ type: 'subscribe', channel: 'room' });
    await clients[1]?.request({ type: 'subscribe', channel: 'room' });
    expect(await clients[2]?.request({ type: 'subscribe', channel: 'room' })).toMatchObject({
      code: 'WS_CHANNEL_FULL',
    });
    expect(await clients[2]?.request({ type: 'subscribe', channel: 'other' })).toMatchObject({
      type: 'ack',
    });
  });
});

describe('message rate limits', () => {
  it('refuses a message flood with WS_RATE_LIMIT_EXCEEDED, closes on repeat with 4008, and others carry on', async () => {
    running = await limitedGateway({
      rateLimit: { perConnection: { perSecond: 5 }, maxViolations: 5 },
    });
    const bystander = await TestClient.connect(running.url('/app'), undefined, from('127.0.0.7'));
    const flooder = await TestClient.connect(running.url('/app'));
    for (let i = 0; i < 5; i++)
      expect(await flooder.request({ type: 'event', event: 'echo' })).toMatchObject({
        type: 'ack',
      });
    for (let i = 0; i < 50; i++)
      flooder.send({ type: 'event', event: 'echo', payload: i, id: `f${i}` });
    expect((await flooder.closed).code).toBe(4008);
    const refused = flooder.frames.filter((f) => f.code === 'WS_RATE_LIMIT_EXCEEDED');
    expect(refused.map((f) => f.id)).toEqual(['f0', 'f1', 'f2', 'f3', 'f4']);
    expect(flooder.frames.filter((f) => f.type === 'ack')).toHaveLength(5);
    await stillServes(bystander);
  });

  it('answers every request it read, each exactly once, before the 4008 close frame', async () => {
    running = await startGateway(
      (gw) => {
        gw.namespace('/app').on('slow', async (payload) => {
          await sleep(100);
          return payload;
        });
      },
      { rateLimit: { perConnection: { perSecond: 1, burst: 40 }, maxViolations: 10 } },
    );
    const client = await TestClient.connect(running.url('/app'));
    const ids = Array.from({ length: 60 }, (_, i) => `m${i}`);
    // One burst, sent before any answer can come back.
    ids.forEach((id, i) => client.send({ type: 'event', event: 'slow', payload: i, id }));
    const { code } = await client.closed;
    // ws delivers no data frame after the close frame: everything recorded came before it.
    expect(code).toBe(4008);
    const answers = client.frames.filter((f) => f.type === 'ack' || f.type === 'error');
    expect(answers.map((f) => f.id).sort()).toEqual([...ids].sort());
    const codes = answers.map((f) => (f.type === 'ack' ? 'ack' : f.code));
    expect(codes.filter((c) => c === 'ack')).toHaveLength(40);
    expect(codes.filter((c) => c === 'WS_RATE_LIMIT_EXCEEDED')).toHaveLength(10);
    // Read after the decision to close, while the accepted ones were still being handled.
    expect(codes.filter((c) => c === 'WS_UNAVAILABLE')).toHaveLength(10);
  });

  it('answers a request whose handler hangs WS_UNAVAILABLE at closeTimeout, then closes', async () => {
    running = await startGateway(
      (gw) => {
        const ns = gw.namespace('/app', { closeTimeout: 200 });
        ns.on('hang', () => new Promise(() => undefined));
        ns.on('echo', (payload) => payload);
      },
      { rateLimit: { perConnection: { perSecond: 1, burst: 2 }, maxViolations: 1 } },
    );
    const client = await TestClient.connect(running.url('/app'));
    client.send({ type: 'event', event: 'hang', id: 'h' });
    client.send({ type: 'event', event: 'echo', id: 'e' });
    client.send({ type: 'event', event: 'echo', id: 'over' });
    expect((await client.closed).code).toBe(4008);
    const answers = client.frames.filter((f) => f.type !== 'system');
    expect(answers.map((f) => [f.id, f.type === 'ack' ? 'ack' : f.code])).toEqual([
      ['over', 'WS_RATE_LIMIT_EXCEEDED'],
      ['e', 'ack'],
      ['h', 'WS_UNAVAILABLE'],
    ]);
  });

  it('refuses an id still in use by an unanswered request, and handles the first once', async () => {
    running = await startGateway((gw) => {
      gw.namespace('/app').on('slow', async (payload) => {
        await sleep(50);
        return payload;
      });
    });
    const client = await TestClient.connect(running.url('/app'));
    client.send({ type: 'event', event: 'slow', payload: 'first', id: 'same' });
    client.send({ type: 'event', event: 'slow', payload: 'second', id: 'same' });
    await client.waitForCount((f) => f.id === 'same', 2);
    expect(client.frames.filter((f) => f.type !== 'system')).toEqual([
      expect.objectContaining({
        type: 'error',
        code: 'WS_MESSAGE_INVALID',
        details: [expect.objectContaining({ path: 'id' })],
      }),
      { type: 'ack', id: 'same', payload: 'first' },
    ]);
    expect(await client.request({ type: 'event', event: 'slow', payload: 'again' })).toMatchObject({
      type: 'ack',
      payload: 'again',
    });
  });

  it('counts invalid frames too', async () => {
    running = await limitedGateway({
      rateLimit: { perConnection: { perSecond: 2 }, maxViolations: 3 },
    });
    const flooder = await TestClient.connect(running.url('/app'));
    for (let i = 0; i < 10; i++) flooder.ws.send('{not json');
    expect((await flooder.closed).code).toBe(4008);
    expect(flooder.frames.filter((f) => f.code === 'WS_MESSAGE_INVALID')).toHaveLength(2);
  });

  it('shares per-user and per-IP budgets across connections, and reports usage', async () => {
    running = await limitedGateway({
      auth: { jwt: { secret } },
      rateLimit: {
        perConnection: { perSecond: 100 },
        perUser: { perMinute: 4 },
        perIp: { perMinute: 30, burst: 10 },
      },
    });
    const first = await TestClient.connect(running.url(await user('ada')));
    const second = await TestClient.connect(running.url(await user('ada')));
    const other = await TestClient.connect(running.url(await user('bob')));
    await stillServes(first);
    await stillServes(second);
    await stillServes(first);
    await stillServes(second);
    expect(await first.request({ type: 'event', event: 'echo' })).toMatchObject({
      code: 'WS_RATE_LIMIT_EXCEEDED',
    });
    expect(await second.request({ type: 'event', event: 'echo' })).toMatchObject({
      code: 'WS_RATE_LIMIT_EXCEEDED',
    });
    await stillServes(other);
    const ada = connections.find((c) => c.identity.userId === 'ada') as Connection;
    expect(running.gateway.rateLimitStatus(ada)).toMatchObject({
      enabled: true,
      violations: 1,
      connection: { limit: 100, per: 'second', burst: 100 },
      user: { limit: 4, per: 'minute', burst: 4, remaining: 0 },
      // Five accepted messages; refused ones take from no bucket.
      ip: { limit: 30, per: 'minute', burst: 10, remaining: 5 },
    });
  });

  it('reports a disabled rate limit', async () => {
    running = await limitedGateway({
      rateLimit: { enabled: false, perConnection: { perSecond: 1 } },
    });
    const client = await TestClient.connect(running.url('/app'));
    for (let i = 0; i < 5; i++) await stillServes(client);
    expect(running.gateway.rateLimitStatus(connections[0] as Connection)).toEqual({
      enabled: false,
      violations: 0,
      maxViolations: 0,
    });
  });
});

describe('size and time limits', () => {
  it('closes an oversized frame with 1009 while others carry on', async () => {
    running = await limitedGateway({}, { maxMessageSize: 512 });
    const bystander = await TestClient.connect(running.url('/app'));
    const big = await TestClient.connect(running.url('/app'));
    big.send({ type: 'event', event: 'echo', payload: 'x'.repeat(1024) });
    expect((await big.closed).code).toBe(1009);
    await stillServes(bystander);
  });

  it('closes a message over maxMessageSize with 1009 however it is fragmented, and one in more than 16,384 fragments with 1008', async () => {
    running = await limitedGateway({});
    const bystander = await TestClient.connect(running.url('/app'));
    /** Sends one echo event of `count` × `size` bytes in `count` real fragments; returns what came back. */
    const sendInFragments = async (count: number, size: number) => {
      const { socket, head } = await rawWebSocket(running.port, '/app');
      const frame = { type: 'event', event: 'echo', id: 'f', payload: '' };
      const overhead = Buffer.byteLength(JSON.stringify(frame));
      const text = Buffer.from(
        JSON.stringify({ ...frame, payload: 'x'.repeat(count * size - overhead) }),
      );
      sendFragmentedText(
        socket,
        Array.from({ length: count }, (_, i) => text.subarray(i * size, (i + 1) * size)),
      );
      // The first frame that answers the message: past the session notice.
      const answers = (frames: RawFrame[]) => frames.filter((f) => !isSystemFrame(f));
      const frames = await readFrames(socket, head, (received) => answers(received).length > 0);
      socket.destroy();
      return answers(frames)[0];
    };
    // 100 KiB in 100 fragments: over the 64 KiB limit, counted across fragments.
    expect(closeCode(await sendInFragments(100, 1024))).toBe(1009);
    // 100,000 one-byte fragments: the fragment limit is reached first, at 16,385.
    expect(closeCode(await sendInFragments(100_000, 1))).toBe(1008);
    expect(closeCode(await sendInFragments(16_385, 1))).toBe(1008);
    // 16,384 fragments within the size limit are one message like any other.
    const answer = await sendInFragments(16_384, 1);
    expect(JSON.parse(String(answer?.payload))).toMatchObject({ type: 'ack', id: 'f' });
    expect(running.gateway.stats().oversized).toBe(3);
    await stillServes(bystander);
  });

  it('drops a slowloris upgrade (a partial request) at the handshake timeout, and others carry on', async () => {
    running = await limitedGateway({ handshakeTimeout: 300 });
    const bystander = await TestClient.connect(running.url('/app'));
    const socket = connect(running.port, '127.0.0.1');
    await new Promise<void>((r) => socket.once('connect', () => r()));
    socket.write('GET /app HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n');
    const drip = setInterval(() => socket.write('X-Drip: 1\r\n'), 50);
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString()));
    await new Promise<void>((r) => socket.once('close', () => r()));
    clearInterval(drip);
    expect(received).not.toContain('101 Switching Protocols');
    await stillServes(bystander);
  });

  it('closes an idle connection with 1000 and keeps a chatty one', async () => {
    running = await limitedGateway({}, { idleTimeout: 200 });
    const idle = await TestClient.connect(running.url('/app'));
    const chatty = await TestClient.connect(running.url('/app'));
    const pings = setInterval(() => chatty.send({ type: 'ping' }), 60);
    expect(await idle.closed).toEqual({ code: 1000, reason: 'idle timeout' });
    await new Promise((r) => setTimeout(r, 150));
    clearInterval(pings);
    await stillServes(chatty);
  });
});
