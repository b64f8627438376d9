import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  HeraldClient,
  HeraldError,
  RequestError,
  TimeoutError,
  type HeraldClientOptions,
} from '@herald/client';
import { codecs, FakeGateway, until } from './support/fake-gateway.js';

const gateways: FakeGateway[] = [];
const clients: HeraldClient[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  for (const gateway of gateways.splice(0)) await gateway.stop();
});

async function gateway(
  options?: ConstructorParameters<typeof FakeGateway>[0],
): Promise<FakeGateway> {
  const gw = new FakeGateway(options);
  await gw.start();
  gateways.push(gw);
  return gw;
}

const fast = { initialDelay: 20, maxDelay: 80, factor: 2, maxAttempts: 0, shutdownJitter: 20 };

describe.each(codecs)('HeraldClient with $subprotocol', (codec) => {
  function client(url: string, options: HeraldClientOptions = {}): HeraldClient {
    const c = new HeraldClient(url, { codec, reconnect: fast, ...options });
    clients.push(c);
    return c;
  }

  it('drops a handshake that does not finish within connectTimeout', async () => {
    // A TCP server that accepts and never answers the upgrade.
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    const c = client(`ws://127.0.0.1:${port}/chat/lobby`, {
      connectTimeout: 100,
      reconnect: false,
    });
    const info = await new Promise((resolve) => c.once('disconnected', resolve));
    expect(info).toMatchObject({ code: 1006, reason: 'connect timeout', willReconnect: false });
    silent.close();
  });

  it('uses requestTimeout when a request gives no timeout of its own', async () => {
    const gw = await gateway({ onEvent: () => new Promise(() => undefined) });
    const c = client(gw.url, { requestTimeout: 50 });
    await c.connect();
    await expect(c.request('hang', {})).rejects.toBeInstanceOf(TimeoutError);
  });

  it('keeps at most eventsBufferSize events for a slow events() loop, dropping the oldest', async () => {
    const gw = await gateway();
    const c = client(gw.url, { eventsBufferSize: 3 });
    await c.connect();
    const events = c.events()[Symbol.asyncIterator]();
    let seen = 0;
    c.on('n', () => void seen++);
    for (let n = 1; n <= 5; n++) gw.live[0]?.send({ type: 'event', event: 'n', payload: n });
    await until(() => seen === 5);
    const got: unknown[] = [];
    for (let i = 0; i < 3; i++) got.push((await events.next()).value?.payload);
    expect(got).toEqual([3, 4, 5]);
  });

  it('negotiates its codec and answers requests with the ack payload', async () => {
    const gw = await gateway();
    const c = client(gw.url);
    await c.connect();
    expect(c.protocol).toBe(codec.subprotocol);
    expect(gw.connections[0]?.codec.subprotocol).toBe(codec.subprotocol);
    await expect(c.request('echo', { text: 'hi', n: [1, 2] })).resolves.toEqual({
      text: 'hi',
      n: [1, 2],
    });
    c.emit('note', { a: 1 });
    const note = await gw.frame((f) => f.type === 'event' && f.event === 'note');
    expect(note).toEqual({ type: 'event', event: 'note', payload: { a: 1 } });
  });

  it('rejects a refused request with the gateway code', async () => {
    const gw = await gateway({
      onEvent: () => {
        throw { code: 'WS_FORBIDDEN', message: 'no' };
      },
    });
    const c = client(gw.url);
    const error = await c.request('secret', {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RequestError);
    expect((error as RequestError).code).toBe('WS_FORBIDDEN');
  });

  it('rejects with a timeout error when no ack comes in time', async () => {
    const gw = await gateway({ onEvent: () => new Promise(() => undefined) });
    const c = client(gw.url);
    await c.connect();
    const error = await c.request('slow', {}, { timeout: 30 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).code).toBe('WS_TIMEOUT');
  });

  it('delivers server events to on/once listeners and to events()', async () => {
    const gw = await gateway();
    const c = client(gw.url);
    await c.connect();
    const seen: unknown[] = [];
    const onceSeen: unknown[] = [];
    const listener = (p: unknown): void => void seen.push(p);
    c.on('news', listener);
    c.once('news', (p) => void onceSeen.push(p));
    const iterated: unknown[] = [];
    const loop = (async () => {
      for await (const e of c.events()) {
        iterated.push(e);
        if (iterated.length === 2) break;
      }
    })();
    gw.live[0]?.send({ type: 'event', event: 'news', payload: 1 });
    gw.live[0]?.send({ type: 'event', event: 'news', payload: 2 });
    await loop;
    expect(iterated).toEqual([
      { event: 'news', payload: 1 },
      { event: 'news', payload: 2 },
    ]);
    expect(seen).toEqual([1, 2]);
    expect(onceSeen).toEqual([1]);
    c.off('news', listener);
    gw.live[0]?.send({ type: 'event', event: 'news', payload: 3 });
    await c.request('echo', null);
    expect(seen).toEqual([1, 2]);
  });

  it('answers a server request with the first listener result, or an error frame', async () => {
    const gw = await gateway();
    const c = client(gw.url);
    await c.connect();
    c.on('confirm', async (p) => ({ ok: p }));
    c.on('broken', () => {
      throw new Error('cannot');
    });
    gw.live[0]?.send({ type: 'event', event: 'confirm', payload: 7, id: 's1' });
    gw.live[0]?.send({ type: 'event', event: 'broken', id: 's2' });
    gw.live[0]?.send({ type: 'event', event: 'nobody', id: 's3' });
    expect(await gw.frame((f) => f.type === 'ack' && f.id === 's1')).toMatchObject({
      payload: { ok: 7 },
    });
    expect(await gw.frame((f) => f.type === 'error' && f.id === 's2')).toMatchObject({
      code: 'WS_INTERNAL',
      message: 'cannot',
    });
    expect(await gw.frame((f) => f.type === 'error' && f.id === 's3')).toMatchObject({
      code: 'WS_NOT_FOUND',
    });
  });

  it("sends a request's and a publish's trace context in the frame's meta", async () => {
    const gw = await gateway();
    const c = client(gw.url);
    const meta = { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' };
    await expect(c.request('echo', 'hi', { meta })).resolves.toBe('hi');
    await c.request('echo', 'plain');
    const sub = c.subscribe('chat:general');
    await sub.ready;
    // The fake gateway does not answer publishes; the frame is what matters here.
    void sub.publish('message', 'traced', { meta }).catch(() => undefined);
    await until(() => gw.frames.some((f) => f.type === 'publish'));
    expect(gw.frames.filter((f) => f.type === 'event' || f.type === 'publish')).toMatchObject([
      { type: 'event', payload: 'hi', meta },
      { type: 'event', payload: 'plain' },
      { type: 'publish', channel: 'chat:general', payload: 'traced', meta },
    ]);
    expect(gw.frames.find((f) => f.type === 'event' && f.payload === 'plain')).not.toHaveProperty(
      'meta',
    );
  });

  it('reconnects after a restart on the same port, restores subscriptions and gets new publications', async () => {
    const gw = await gateway();
    const c = client(gw.url);
    const publications: unknown[] = [];
    const sub = c.subscribe('chat:general', {
      publication: (p) => void publications.push(p.payload),
    });
    await sub.ready;
    gw.publish('chat:general', 'message', 'before');
    await until(() => publications.length === 1);

    const reconnects: { attempt: number; delay: number }[] = [];
    c.on('reconnecting', (info) => void reconnects.push(info));
    const disconnected = new Promise((resolve) => c.once('disconnected', resolve));
    await gw.stop('terminate');
    expect(await disconnected).toMatchObject({ code: 1006, willReconnect: true });
    await until(() => reconnects.length >= 2);
    await gw.start();
    const resubscribed = new Promise((resolve) => sub.once('subscribed', resolve));
    expect(await resubscribed).toMatchObject({ resubscribed: true });
    expect(c.state).toBe('connected');
    // Full jitter: each delay lies within [0, min(maxDelay, initialDelay * factor^n)].
    for (const [n, { delay }] of reconnects.entries()) {
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThanOrEqual(
        Math.min(fast.maxDelay, fast.initialDelay * fast.factor ** n),
      );
    }
    gw.publish('chat:general', 'message', 'after');
    await until(() => publications.length === 2);
    expect(publications).toEqual(['before', 'after']);
  });

  it('never reconnects after an auth refusal (4001)', async () => {
    const gw = await gateway({ requireToken: true });
    const c = client(gw.url, { token: 'bad', autoConnect: false });
    const disconnected = new Promise((resolve) => c.once('disconnected', resolve));
    const reconnecting: unknown[] = [];
    c.on('reconnecting', (info) => void reconnecting.push(info));
    const connecting = c.connect();
    expect(await disconnected).toEqual({
      code: 4001,
      reason: 'authentication failed',
      willReconnect: false,
    });
    await expect(connecting).rejects.toMatchObject({ closeCode: 4001, willReconnect: false });
    expect(c.state).toBe('disconnected');
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(gw.connections).toHaveLength(1);
    expect(reconnecting).toEqual([]);
    expect(c.state).toBe('disconnected');
  });

  it('sends the token as ?token= or in the bearer subprotocol, from getToken on every connect', async () => {
    const gw = await gateway({ requireToken: true });
    let calls = 0;
    const viaQuery = client(gw.url, { getToken: () => (++calls, 'good') });
    await viaQuery.connect();
    gw.live[0]?.socket.close(1012, 'restart');
    await until(() => gw.live.length === 1 && calls === 2);
    expect(gw.connections[1]?.url.searchParams.get('token')).toBe('good');
    const viaProtocol = client(gw.url, { token: 'good', tokenTransport: 'subprotocol' });
    await viaProtocol.connect();
    const last = gw.connections.at(-1);
    expect(last?.url.searchParams.has('token')).toBe(false);
    expect(last?.protocols).toEqual([codec.subprotocol, 'bearer', 'good']);
  });

  it('reconnects within the announced window after a shutdown notice (1001)', async () => {
    const gw = await gateway();
    const c = client(gw.url, { reconnect: { ...fast, initialDelay: 10_000, maxDelay: 10_000 } });
    await c.connect();
    const reconnecting = new Promise<{ delay: number }>((resolve) =>
      c.once('reconnecting', resolve),
    );
    gw.live[0]?.send({
      type: 'system',
      event: 'shutdown',
      payload: { reason: 'deploy', reconnectWithin: 50 },
    });
    await c.request('echo', null);
    gw.live[0]?.socket.close(1001, 'shutdown');
    expect((await reconnecting).delay).toBeLessThanOrEqual(50);
    await until(() => c.isConnected && gw.connections.length === 2);
  });

  it('waits long after a limit close (4008)', async () => {
    const gw = await gateway();
    const c = client(gw.url);
    await c.connect();
    const reconnecting = new Promise<{ delay: number }>((resolve) =>
      c.once('reconnecting', resolve),
    );
    gw.live[0]?.socket.close(4008, 'too many');
    const { delay } = await reconnecting;
    expect(delay).toBeGreaterThanOrEqual(fast.maxDelay / 2);
    expect(delay).toBeLessThanOrEqual(fast.maxDelay);
  });

  it('delivers the offline queue in order after reconnecting', async () => {
    const gw = await gateway();
    const c = client(gw.url);
    await c.connect();
    const disconnected = new Promise((resolve) => c.once('disconnected', resolve));
    await gw.stop('terminate');
    await disconnected;
    c.emit('m', 1);
    const answer = c.request('echo', 'queued request');
    c.emit('m', 2);
    expect(c.queued).toBe(3);
    await gw.start();
    await expect(answer).resolves.toBe('queued request');
    await until(() => gw.frames.filter((f) => f.type === 'event').length === 3);
    const sent = gw.frames
      .filter((f) => f.type === 'event')
      .map((f) => (f.type === 'event' ? f.payload : undefined));
    expect(sent).toEqual([1, 'queued request', 2]);
  });

  it('drops per the overflow policy when the offline queue is full', async () => {
    const gw = await gateway();
    await gw.stop();
    const oldest = client(gw.url, {
      autoConnect: false,
      offlineQueue: { maxSize: 2, overflow: 'drop-oldest' },
    });
    const errors: string[] = [];
    oldest.on('error', (e) => void errors.push((e as HeraldError).code));
    oldest.emit('m', 1);
    oldest.emit('m', 2);
    oldest.emit('m', 3);
    expect(errors).toEqual(['WS_QUEUE_FULL']);
    const newest = client(gw.url, {
      autoConnect: false,
      offlineQueue: { maxSize: 2, overflow: 'drop-newest' },
    });
    newest.emit('m', 1);
    newest.emit('m', 2);
    const dropped = newest.request('m', 3).catch((e: unknown) => e);
    expect(await dropped).toMatchObject({ code: 'WS_QUEUE_FULL' });
    const strict = client(gw.url, {
      autoConnect: false,
      offlineQueue: { maxSize: 1, overflow: 'error' },
    });
    strict.emit('m', 1);
    expect(() => strict.emit('m', 2)).toThrow(HeraldError);

    await gw.start();
    await oldest.connect();
    await newest.connect();
    await until(() => gw.frames.filter((f) => f.type === 'event').length === 4);
    const payloads = gw.connections.map((conn) =>
      conn.frames.flatMap((f) => (f.type === 'event' ? [f.payload] : [])),
    );
    expect(payloads).toEqual([
      [2, 3],
      [1, 2],
    ]);
  });

  it('measures latency with app-level pings and reconnects a silent connection', async () => {
    const gw = await gateway();
    const c = client(gw.url, { heartbeat: { interval: 20, timeout: 40 } });
    await c.connect();
    await until(() => c.latency !== undefined);
    expect(c.latency).toBeGreaterThanOrEqual(0);

    const silent = await gateway({ silent: true });
    const s = client(silent.url, { heartbeat: { interval: 20, timeout: 40 } });
    await s.connect();
    const closed = new Promise((resolve) => s.once('disconnected', resolve));
    expect(await closed).toMatchObject({
      code: 1006,
      reason: 'heartbeat timeout',
      willReconnect: true,
    });
    await until(() => silent.connections.length >= 2);
  });

  it('asks with since and delivers recovered publications once, before live ones', async () => {
    let subscribes = 0;
    const gw = await gateway({
      onSubscribe: (frame) => {
        subscribes += 1;
        if (subscribes === 1) return { offset: 5, epoch: 'e1' };
        expect(frame.since).toEqual({ offset: 6, epoch: 'e1' });
        return {
          recovered: true,
          offset: 8,
          epoch: 'e1',
          publications: [6, 7, 8].map((offset) => ({
            event: 'm',
            payload: offset,
            meta: { offset, epoch: 'e1', ts: 1 },
          })),
        };
      },
    });
    const c = client(gw.url);
    const got: unknown[] = [];
    const contexts: unknown[] = [];
    const sub = c.subscribe<number>('room', {
      publication: (p) => void got.push(p.payload),
      subscribed: (ctx) => void contexts.push(ctx),
    });
    await sub.ready;
    expect(sub.position).toEqual({ offset: 5, epoch: 'e1' });
    gw.publish('room', 'm', 6, { offset: 6, epoch: 'e1' });
    await until(() => got.length === 1);
    gw.live[0]?.socket.close(1012, 'restart');
    await until(() => contexts.length === 2);
    gw.publish('room', 'm', 9, { offset: 9, epoch: 'e1' });
    await until(() => got.length === 4);
    expect(got).toEqual([6, 7, 8, 9]);
    expect(contexts[1]).toEqual({
      resubscribed: true,
      recovered: true,
      position: { offset: 8, epoch: 'e1' },
      reset: false,
    });
    expect(sub.position).toEqual({ offset: 9, epoch: 'e1' });
  });

  it('delivers recovered publications before live ones that arrive in the same read as the ack', async () => {
    let subscribes = 0;
    const gw = await gateway({
      onSubscribe: (frame, conn) => {
        subscribes += 1;
        if (subscribes === 1) return { offset: 1, epoch: 'e1' };
        expect(frame.since).toEqual({ offset: 1, epoch: 'e1' });
        // Hold the socket's writes so that the ack and the next live publication leave together.
        const raw = (conn.socket as unknown as { _socket: import('node:net').Socket })._socket;
        raw.cork();
        setImmediate(() => gw.publish('room', 'm', 4, { offset: 4, epoch: 'e1' }));
        setImmediate(() => raw.uncork());
        const publications = [2, 3].map((offset) => ({
          event: 'm',
          payload: offset,
          meta: { offset, epoch: 'e1', ts: 1 },
        }));
        return { recovered: true, offset: 3, epoch: 'e1', publications };
      },
    });
    const c = client(gw.url);
    const got: unknown[] = [];
    const sub = c.subscribe<number>('room', { publication: (p) => void got.push(p.payload) });
    await sub.ready;
    gw.live[0]?.socket.close(1012, 'restart');
    await until(() => got.length === 3);
    expect(got).toEqual([2, 3, 4]);
  });

  it('drops a refused subscription and does not restore an ended one', async () => {
    const gw = await gateway({
      onSubscribe: (frame) => {
        if (frame.channel === 'secret') throw { code: 'WS_FORBIDDEN', message: 'no' };
        return {};
      },
    });
    const c = client(gw.url);
    const refused = c.subscribe('secret');
    await expect(refused.ready).rejects.toMatchObject({ code: 'WS_FORBIDDEN' });
    expect(refused.state).toBe('unsubscribed');
    const ended = c.subscribe('open');
    await ended.ready;
    ended.unsubscribe();
    await gw.frame((f) => f.type === 'unsubscribe' && f.channel === 'open');
    gw.live[0]?.socket.close(1012, 'restart');
    await until(() => gw.live.length === 1 && c.isConnected);
    await c.request('echo', null);
    expect(gw.connections[1]?.frames.filter((f) => f.type === 'subscribe')).toEqual([]);
    expect(() => c.subscribe('open')).not.toThrow();
    expect(() => c.subscribe('open')).toThrow(HeraldError);
  });

  it('retries a subscription refused for now until it succeeds, and stops on unsubscribe()', async () => {
    let refusals = 2;
    const gw = await gateway({
      onSubscribe: (frame) => {
        if (frame.channel === 'busy' && refusals-- > 0)
          throw { code: 'WS_RATE_LIMIT_EXCEEDED', message: 'slow down' };
        if (frame.channel === 'away') throw { code: 'WS_UNAVAILABLE', message: 'broker away' };
        return {};
      },
    });
    const c = client(gw.url);
    const errors: HeraldError[] = [];
    const busy = c.subscribe('busy', { error: (error) => void errors.push(error) });
    await busy.ready;
    expect(busy.state).toBe('subscribed');
    expect(errors.map((e) => [e.code, e.temporary])).toEqual([
      ['WS_RATE_LIMIT_EXCEEDED', true],
      ['WS_RATE_LIMIT_EXCEEDED', true],
    ]);

    const away = c.subscribe('away');
    const tries = () => gw.frames.filter((f) => f.type === 'subscribe' && f.channel === 'away');
    await until(() => tries().length >= 2);
    away.unsubscribe();
    const made = tries().length;
    // Several backoff delays later, and a round trip after them, no further try went out.
    await new Promise((resolve) => setTimeout(resolve, 5 * fast.maxDelay));
    await c.request('echo', null);
    expect(tries()).toHaveLength(made);
    expect(away.state).toBe('unsubscribed');
  });

  it('stops on close(): pending requests fail and no reconnect follows', async () => {
    const gw = await gateway({ onEvent: () => new Promise(() => undefined) });
    const c = client(gw.url);
    await c.connect();
    const pending = c.request('slow', {}).catch((e: unknown) => e);
    c.close();
    expect(await pending).toMatchObject({ code: 'WS_CLIENT_CLOSED' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(c.state).toBe('disconnected');
    expect(gw.connections).toHaveLength(1);
  });
});

describe('HeraldClient while connecting', () => {
  it('closes a socket still in its handshake without an error', async () => {
    const { createServer } = await import('node:net');
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as { port: number };
    const errors: Error[] = [];
    const c = new HeraldClient(`ws://127.0.0.1:${port}/chat/lobby`, { reconnect: fast });
    c.on('error', (e) => void errors.push(e));
    await until(() => c.state === 'connecting');
    await new Promise((resolve) => setTimeout(resolve, 20));
    c.close();
    await new Promise((resolve) => setTimeout(resolve, 50));
    silent.close();
    expect(c.state).toBe('disconnected');
    expect(errors).toEqual([]);
  });
});
