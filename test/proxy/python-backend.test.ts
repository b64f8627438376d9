import type { ChildProcess } from 'node:child_process';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HeraldClient } from '@herald/client';
import { CloseCodes } from '@herald/protocol';
import {
  startGateway,
  type RunningGateway,
} from '../../packages/server/test/support/gateway-fixture.js';
import { LineSink } from '../../packages/server/test/support/line-sink.js';
import { TestClient } from '../../packages/server/test/support/test-client.js';
import { until } from '../support/until.js';
import { startPythonBackend } from './python-backend.js';

const secret = 'backend-secret';
let backend: ChildProcess;
let backendUrl: string;

beforeAll(async () => {
  ({ process: backend, url: backendUrl } = await startPythonBackend(secret));
});
afterAll(() => void backend.kill());

let running: RunningGateway;
let logs: LineSink;
const clients: HeraldClient[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await running.gateway.close();
});

/** A gateway whose `/chat/:room` namespace asks the backend for every decision. */
async function gateway(proxy: Record<string, unknown> = {}): Promise<void> {
  logs = new LineSink();
  running = await startGateway(
    (g) => {
      g.namespace('/chat/:room', {
        proxy: {
          url: backendUrl,
          connect: true,
          refresh: true,
          subscribe: true,
          publish: true,
          rpc: true,
          headers: { 'X-Herald-Secret': secret },
          forwardHeaders: ['cookie', 'x-trace'],
          refreshBefore: 1_000,
          timeout: 1_000,
          ...proxy,
        },
      }).on('local', () => 'handled here');
    },
    {
      logger: pino({ level: 'warn' }, logs),
      channels: {
        policies: {
          'room:*': { publish: 'subscribers', presence: true },
          'shout:*': { publish: 'subscribers' },
          'news:*': { presence: true },
        },
      },
    },
  );
}

function client(room: string, token: string | undefined, reconnect = false): HeraldClient {
  const made = new HeraldClient(`ws://127.0.0.1:${running.port}/chat/${room}`, {
    token,
    reconnect: reconnect ? { initialDelay: 20 } : false,
  });
  made.on('error', () => undefined);
  clients.push(made);
  return made;
}

const backendFailures = () =>
  logs
    .records<{ msg: string; reason: string; kind: string }>()
    .filter((r) => r.msg === 'backend proxy call failed');

describe('a backend proxy to a Python backend', () => {
  it('connect: the backend names the user, its roles and the channels it joins', async () => {
    await gateway();
    const alice = client('lobby', 'alice-token');
    await alice.connect();
    const [info] = await running.gateway.fetchConnections();
    expect(info).toMatchObject({ userId: 'alice', roles: ['member'], channels: ['news:lobby'] });
    expect(await running.gateway.presence('news:lobby')).toMatchObject([
      { userId: 'alice', info: { name: 'Alice' } },
    ]);

    // The cookie, forwarded because it is on the allow-list, is enough for the backend.
    const carol = await TestClient.connect(`ws://127.0.0.1:${running.port}/chat/lobby`, [], {
      headers: { cookie: 'session=carol' },
    });
    await carol.waitFor((f) => f.type === 'system' && f.event === 'connected');
    expect((await running.gateway.fetchConnections({ user: 'carol' })).length).toBe(1);
    carol.ws.close();
  });

  it('connect: a refusal closes with its code; an application code as WS_FORBIDDEN', async () => {
    await gateway();
    const cases = [
      ['banned-token', 'WS_FORBIDDEN', CloseCodes.FORBIDDEN, 'this account is banned'],
      ['suspended-token', 'WS_FORBIDDEN', CloseCodes.FORBIDDEN, 'this account is suspended'],
      [undefined, 'WS_AUTH_FAILED', CloseCodes.AUTH_FAILED, 'who are you?'],
    ] as const;
    for (const [token, code, closeCode, message] of cases) {
      const refused = client('lobby', token);
      const error = new Promise((resolve) => refused.once('error', resolve));
      await expect(refused.connect()).rejects.toMatchObject({ closeCode });
      expect(await error).toMatchObject({ code, message });
    }
  });

  it('refresh: the backend extends a connection before it expires, or lets it expire', async () => {
    await gateway();
    const kept = client('keep', 'short-token');
    const expiring = client('other', 'short-token');
    await Promise.all([kept.connect(), expiring.connect()]);
    const closed = new Promise<{ code: number }>((resolve) =>
      expiring.once('disconnected', resolve),
    );
    expect((await closed).code).toBe(CloseCodes.TOKEN_EXPIRED);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(kept.state).toBe('connected');
    const [info] = await running.gateway.fetchConnections({ user: 'shorty' });
    expect(info?.expiresAt).toBeGreaterThan(Date.now() + 30_000);
  });

  it('subscribe: the backend allows with presence info, or refuses', async () => {
    await gateway();
    const alice = client('lobby', 'alice-token');
    await alice.connect();
    await alice.subscribe('room:1').ready;
    expect(await running.gateway.presence('room:1')).toMatchObject([
      { userId: 'alice', info: { name: 'alice', via: 'python' } },
    ]);
    const secret = alice.subscribe('secret:plans');
    await expect(secret.ready).rejects.toMatchObject({
      code: 'WS_FORBIDDEN',
      message: 'not for you',
    });
  });

  it('publish: the backend allows, refuses, or replaces the payload', async () => {
    await gateway();
    const alice = client('lobby', 'alice-token');
    const bob = client('lobby', 'bob-token');
    await Promise.all([alice.connect(), bob.connect()]);
    const got: unknown[] = [];
    for (const channel of ['room:1', 'shout:1']) {
      await bob.subscribe(channel, { publication: (p) => void got.push(p.payload) }).ready;
    }
    const room = alice.subscribe('room:1');
    const shout = alice.subscribe('shout:1');
    await Promise.all([room.ready, shout.ready]);
    await room.publish('msg', { text: 'hello' });
    await expect(room.publish('msg', { text: 'buy spam' })).rejects.toMatchObject({
      code: 'WS_FORBIDDEN',
    });
    await shout.publish('msg', { text: 'hi there' });
    await until(() => got.length === 2);
    expect(got).toEqual([{ text: 'hello' }, { text: 'HI THERE', by: 'alice' }]);
  });

  it('rpc: an event without a handler is answered by the backend', async () => {
    await gateway();
    const alice = client('lobby', 'alice-token');
    await alice.connect();
    expect(await alice.request('add', { a: 2, b: 3 })).toBe(5);
    expect(await alice.request('local', null)).toBe('handled here');
    await expect(alice.request('fail', null)).rejects.toMatchObject({
      code: 'APP_FAILED',
      message: 'it failed on purpose',
    });

    // Only the allow-listed headers reach the backend.
    const raw = await TestClient.connect(
      `ws://127.0.0.1:${running.port}/chat/lobby?token=alice-token`,
      [],
      { headers: { 'x-trace': 'abc', 'x-private': 'not for the backend' } },
    );
    const answer = await raw.request({ type: 'event', event: 'whoami' });
    expect(answer).toMatchObject({ payload: { user: 'alice', headers: { 'x-trace': 'abc' } } });
    raw.ws.close();
  });

  it('a slow or garbled backend gives WS_BACKEND_UNAVAILABLE and a log line, and stalls no one', async () => {
    await gateway();
    const alice = client('lobby', 'alice-token');
    await alice.connect();
    const slow = alice.request('slow', null, { timeout: 5_000 });
    let slowSettled = false;
    void slow.catch(() => undefined).finally(() => (slowSettled = true));
    // Other requests go on while the backend sits on `slow`.
    expect(await alice.request('add', { a: 1, b: 1 })).toBe(2);
    expect(await alice.request('local', null)).toBe('handled here');
    expect(slowSettled).toBe(false);
    await expect(slow).rejects.toMatchObject({
      code: 'WS_BACKEND_UNAVAILABLE',
      message: 'the backend is unavailable, try again later',
    });
    await expect(alice.request('garbage', null)).rejects.toMatchObject({
      code: 'WS_BACKEND_UNAVAILABLE',
    });
    expect(backendFailures().map((r) => [r.kind, r.reason])).toEqual([
      ['rpc', 'no answer within 1000 ms'],
      ['rpc', 'answered what is not JSON'],
    ]);
  });

  it('a backend that is down, or refuses the secret, refuses connects with 1013', async () => {
    await gateway({ url: 'http://127.0.0.1:9/herald' });
    const down = client('lobby', 'alice-token');
    await expect(down.connect()).rejects.toMatchObject({ closeCode: CloseCodes.TRY_AGAIN_LATER });
    await running.gateway.close();

    await gateway({ headers: { 'X-Herald-Secret': 'wrong' } });
    const wrong = client('lobby', 'alice-token');
    await expect(wrong.connect()).rejects.toMatchObject({ closeCode: CloseCodes.TRY_AGAIN_LATER });
    expect(backendFailures()).toMatchObject([{ kind: 'connect', reason: 'answered HTTP 401' }]);
  });
});
