import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { HeraldClient, type HeraldClientOptions, type TransportName } from '@herald/client';
import { CloseCodes } from '@herald/protocol';
import type { Gateway, GatewayOptions } from '../packages/server/src/index.js';
import {
  startGateway,
  type RunningGateway,
} from '../packages/server/test/support/gateway-fixture.js';
import { secret, sign } from '../packages/server/test/support/tokens.js';
import { until } from './support/until.js';

let running: RunningGateway | undefined;
const clients: HeraldClient[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await running?.gateway.close();
  running = undefined;
});

async function gateway(setup: (gateway: Gateway) => void, options: GatewayOptions = {}) {
  running = await startGateway(setup, options);
  return running;
}

function client(transport: TransportName, path: string, options: HeraldClientOptions = {}) {
  const url = `http://127.0.0.1:${running?.port}${path}`;
  const made = new HeraldClient(url, {
    transports: [transport],
    reconnect: { initialDelay: 20, maxDelay: 50 },
    ...options,
  });
  made.on('error', () => undefined);
  clients.push(made);
  return made;
}

/** Reads an HTTP fallback stream by hand: its raw text so far, and its end. */
async function openStream(url: string, headers: Record<string, string> = {}) {
  const response = await fetch(url, { headers });
  const state = { text: '', ended: false, session: response.headers.get('herald-session') };
  void (async () => {
    const decoder = new TextDecoder();
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>)
        state.text += decoder.decode(chunk, { stream: true });
    } catch {
      // aborted: ended all the same
    }
    state.ended = true;
  })();
  return { response, state };
}

const post = (port: number, path: string, session: string, body: string) =>
  fetch(`http://127.0.0.1:${port}${path}?session=${session}`, { method: 'POST', body });

describe.each(['sse', 'http-stream'] as const)('the %s transport', (transport) => {
  it('carries events, acks and errors as a WebSocket does', async () => {
    await gateway((gw) => {
      gw.namespace('/chat')
        .onConnect((connection) => connection.send('welcome', { id: connection.id }))
        .on('echo', (payload) => payload);
    });
    const c = client(transport, '/chat');
    const welcome = new Promise((resolve) => c.on('welcome', resolve));
    await c.connect();
    expect(c.transport).toBe(transport);
    const [info] = (await running?.gateway.fetchConnections()) ?? [];
    expect(info?.transport).toBe(transport);
    expect(await welcome).toMatchObject({ id: expect.any(String) });
    expect(await c.request('echo', { text: 'hi' })).toEqual({ text: 'hi' });
    await expect(c.request('missing', 1)).rejects.toMatchObject({ code: 'WS_NOT_FOUND' });
  });

  it('recovers missed publications after a reconnect, with no gap or duplicate', async () => {
    const { gateway: gw } = await gateway((g) => {
      g.namespace('/chat');
      g.channel('room:*', { history: { size: 100, ttl: 60_000 } });
    });
    const c = client(transport, '/chat');
    await c.connect();
    const got: unknown[] = [];
    const contexts: { recovered: boolean; resubscribed: boolean }[] = [];
    const sub = c.subscribe('room:1', {
      publication: (publication) => void got.push(publication.payload),
      subscribed: (context) => void contexts.push(context),
    });
    await sub.ready;
    for (const n of [1, 2, 3]) await gw.publish('room:1', 'msg', n);
    await until(() => got.length === 3);
    // 1012 (service restart): the client reconnects, then asks for what it missed.
    const dropped = new Promise((resolve) => c.once('disconnected', resolve));
    await gw.disconnect({}, CloseCodes.SERVICE_RESTART, 'restart');
    expect(await dropped).toMatchObject({ code: CloseCodes.SERVICE_RESTART, willReconnect: true });
    for (const n of [4, 5, 6]) await gw.publish('room:1', 'msg', n);
    await until(() => got.length >= 6);
    await gw.publish('room:1', 'msg', 7);
    await until(() => got.length >= 7);
    expect(got).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(contexts.at(-1)).toMatchObject({ resubscribed: true, recovered: true });
  });

  it('closes with the same codes: a kick, a bad token, a connection limit', async () => {
    const { gateway: gw } = await gateway((g) => g.namespace('/private', { auth: 'required' }), {
      auth: { jwt: { secret } },
      limits: { maxConnectionsPerUser: 1 },
    });
    const token = await sign({ sub: 'ann' });
    const ann = client(transport, '/private', { token });
    await ann.connect();
    const second = client(transport, '/private', { token, reconnect: false });
    await expect(second.connect()).rejects.toMatchObject({
      closeCode: CloseCodes.LIMIT_EXCEEDED,
    });
    const bad = client(transport, '/private', { token: 'not-a-jwt', reconnect: false });
    await expect(bad.connect()).rejects.toMatchObject({ closeCode: CloseCodes.AUTH_FAILED });
    const kicked = new Promise((resolve) => ann.once('disconnected', resolve));
    expect(await gw.disconnect({ user: 'ann' })).toBe(1);
    expect(await kicked).toMatchObject({ code: CloseCodes.KICKED, willReconnect: false });
  });

  it('takes the token from the Authorization header, the query or a cookie', async () => {
    const { port } = await gateway(
      (g) =>
        g.namespace('/private', { auth: 'required' }).on('whoami', (_, c) => c.identity.userId),
      { auth: { jwt: { secret } } },
    );
    const header = client(transport, '/private', {
      token: await sign({ sub: 'by-header' }),
      tokenTransport: 'subprotocol',
    });
    const query = client(transport, '/private', { token: await sign({ sub: 'by-query' }) });
    await Promise.all([header.connect(), query.connect()]);
    expect(await header.request('whoami', null)).toBe('by-header');
    expect(await query.request('whoami', null)).toBe('by-query');

    const cookie = `herald_token=${await sign({ sub: 'by-cookie' })}`;
    const { state } = await openStream(`http://127.0.0.1:${port}/private?transport=${transport}`, {
      cookie,
    });
    await until(() => state.text.includes('"connected"'));
    const answer = await post(
      port,
      '/private',
      state.session ?? '',
      '{"type":"event","event":"whoami","id":7}',
    );
    expect(answer.status).toBe(204);
    await until(() => state.text.includes('"id":7'));
    expect(state.text).toContain('"payload":"by-cookie"');
  });

  it('applies rate limits to POSTed frames', async () => {
    await gateway((g) => g.namespace('/chat').on('echo', (payload) => payload), {
      rateLimit: { perConnection: { perSecond: 2, burst: 3 }, maxViolations: 100 },
    });
    const c = client(transport, '/chat');
    await c.connect();
    const answers = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) => c.request('echo', i)),
    );
    const refused = answers.filter(
      (a) =>
        a.status === 'rejected' &&
        (a.reason as { code?: string }).code === 'WS_RATE_LIMIT_EXCEEDED',
    );
    expect(answers.filter((a) => a.status === 'fulfilled').length).toBeGreaterThanOrEqual(3);
    expect(refused.length).toBeGreaterThan(0);
  });

  it('pings, and ends a session whose client does not answer', async () => {
    const { port } = await gateway((g) =>
      g.namespace('/chat', { pingInterval: 100, pongTimeout: 100 }),
    );
    const { state } = await openStream(`http://127.0.0.1:${port}/chat?transport=${transport}`);
    await until(() => state.ended, 3_000);
    expect(state.text).toContain('{"type":"ping"}');

    // A client that answers with a `pong` POST stays.
    const c = client(transport, '/chat', { heartbeat: false });
    await c.connect();
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(c.state).toBe('connected');
  });

  it('closes a client that sends a frame over maxMessageSize with 1009', async () => {
    const { port, gateway: gw } = await gateway((g) =>
      g.namespace('/chat', { maxMessageSize: 100 }),
    );
    const { state } = await openStream(`http://127.0.0.1:${port}/chat?transport=${transport}`);
    await until(() => state.text.includes('"connected"'));
    const big = JSON.stringify({ type: 'event', event: 'x', payload: 'y'.repeat(200) });
    expect((await post(port, '/chat', state.session ?? '', big)).status).toBe(204);
    await until(() => state.ended);
    expect(state.text).toContain('1009');
    expect(gw.stats().oversized).toBe(1);
    const gone = await post(port, '/chat', state.session ?? '', '{"type":"ping"}');
    expect(gone.status).toBe(404);
  });

  it('closes a client that does not read as a slow consumer, and serves a bystander', async () => {
    const { port, gateway: gw } = await gateway((g) => {
      g.namespace('/slow', { backpressure: { maxQueueBytes: 64 * 1024 } });
      g.namespace('/wide', { backpressure: { maxQueueBytes: 64 * 1024 * 1024 } });
      g.channel('feed', { subscribe: 'everyone' });
    });
    const bystander = client(transport, '/wide');
    await bystander.connect();
    let delivered = 0;
    await bystander.subscribe('feed', { publication: () => void (delivered += 1) }).ready;

    // A raw TCP client that opens a session, subscribes, then never reads again.
    const socket = connect(port, '127.0.0.1');
    socket.write(`GET /slow?transport=${transport} HTTP/1.1\r\nHost: x\r\n\r\n`);
    const head = await new Promise<string>((resolve) =>
      socket.once('data', (d) => resolve(String(d))),
    );
    socket.pause();
    const session = /herald-session: (\S+)/i.exec(head)?.[1] ?? '';
    await post(port, '/slow', session, '{"type":"subscribe","channel":"feed","id":1}');
    let joined = 0;
    while (joined === 0) {
      joined = (await gw.fetchConnections({ namespace: '/slow' }))[0]?.channels.length ?? 0;
    }
    const payload = 'z'.repeat(16 * 1024);
    for (let i = 0; i < 400 && gw.stats().slowConsumers === 0; i += 1) {
      await gw.publish('feed', 'big', payload);
    }
    expect(gw.stats().slowConsumers).toBe(1);
    await until(() => delivered > 0);
    expect(bystander.state).toBe('connected');
    socket.destroy();
  });
});

describe('the HTTP fallback transports', () => {
  it('answer 404 to frames for a session that does not exist', async () => {
    const { port } = await gateway((g) => g.namespace('/chat'));
    const response = await post(port, '/chat', 'no-such-session', '{"type":"ping"}');
    expect(response.status).toBe(404);
  });

  it('refuse a POST of more than 16 frames', async () => {
    const { port } = await gateway((g) => g.namespace('/chat'));
    const { state } = await openStream(`http://127.0.0.1:${port}/chat?transport=sse`);
    await until(() => state.session !== null && state.text.includes('"connected"'));
    const body = Array.from({ length: 17 }, () => '{"type":"ping"}').join('\n');
    expect((await post(port, '/chat', state.session ?? '', body)).status).toBe(413);
  });

  it('stream server-sent events an EventSource reads: frames as messages, controls by name', async () => {
    const { port } = await gateway((g) => g.namespace('/chat'));
    const { state, response } = await openStream(`http://127.0.0.1:${port}/chat?transport=sse`);
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(response.headers.get('x-accel-buffering')).toBe('no');
    await until(() => state.text.includes('"connected"'));
    expect(state.text).toMatch(/^event: session\ndata: \{"session":"[\w-]+"\}\n\n/);
    expect(state.text).toMatch(/\ndata: \{"type":"system","event":"connected"/);
    await running?.gateway.close();
    running = undefined;
    await until(() => state.ended);
    expect(state.text).toMatch(/event: close\ndata: \{"code":1001,"reason":"[^"]*"\}\n\n$/);
  });
});

describe('an HTTP fallback stream', () => {
  it('outlives the handshake timeout that bounds slow requests', async () => {
    const { port } = await gateway((g) => g.namespace('/chat', { pingInterval: 0 }), {
      handshakeTimeout: 200,
    });
    const { state } = await openStream(`http://127.0.0.1:${port}/chat?transport=http-stream`);
    await until(() => state.text.includes('"connected"'));
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    expect(state.ended).toBe(false);
    expect((await post(port, '/chat', state.session ?? '', '{"type":"ping"}')).status).toBe(204);
    await until(() => state.text.includes('{"type":"pong"}'));
  });
});

describe('opening an HTTP fallback session', () => {
  it('is bounded by handshakeTimeout, as an upgrade is', async () => {
    const { port, gateway: gw } = await gateway(
      (g) =>
        g.namespace('/slow', { handshakeGuards: [() => new Promise<boolean>(() => undefined)] }),
      { handshakeTimeout: 200 },
    );
    const opening = fetch(`http://127.0.0.1:${port}/slow?transport=sse`);
    await expect(opening).rejects.toThrow();
    expect(gw.stats().rejected.timeout).toBe(1);
  });

  it('counts POSTs routed to other nodes as connection attempts', async () => {
    const { port, gateway: gw } = await gateway((g) => g.namespace('/chat'), {
      rateLimit: { connectionAttemptsPerIp: { perMinute: 3 } },
    });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i += 1)
      statuses.push((await post(port, '/chat', `made-up-${i}`, '{"type":"ping"}')).status);
    expect(statuses).toEqual([404, 404, 404, 429, 429]);
    expect(gw.stats().rejected.rate_limit).toBe(2);
  });
});

describe('CORS on the HTTP fallbacks', () => {
  it('lets pages from allowed origins read, with cookies, and no others', async () => {
    const { port } = await gateway((g) =>
      g.namespace('/chat', { origins: ['https://app.example.com'] }),
    );
    const preflight = await fetch(`http://127.0.0.1:${port}/chat?transport=sse`, {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example.com', 'access-control-request-method': 'GET' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');

    const allowed = await openStream(`http://127.0.0.1:${port}/chat?transport=http-stream`, {
      origin: 'https://app.example.com',
    });
    expect(allowed.response.headers.get('access-control-allow-origin')).toBe(
      'https://app.example.com',
    );
    expect(allowed.response.headers.get('access-control-allow-credentials')).toBe('true');
    expect(allowed.response.headers.get('access-control-expose-headers')).toBe('Herald-Session');
    await until(() => allowed.state.text.includes('"connected"'));

    const other = await openStream(`http://127.0.0.1:${port}/chat?transport=http-stream`, {
      origin: 'https://evil.example.net',
    });
    expect(other.response.headers.get('access-control-allow-origin')).toBeNull();
    await until(() => other.state.ended);
    expect(other.state.text).toContain('WS_ORIGIN_NOT_ALLOWED');
    expect(other.state.text).toContain('{"close":{"code":4003');
  });
});
