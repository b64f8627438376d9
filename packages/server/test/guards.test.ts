import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ErrorCodes,
  HeraldError,
  loggingMiddleware,
  requirePermissions,
  requireRoles,
  requireScopes,
  type Connection,
} from '../src/index.js';
import { startGateway, type RunningGateway } from './support/gateway-fixture.js';
import { refusal, stillServes } from './support/probes.js';
import { TestClient } from './support/test-client.js';
import { secret, sign } from './support/tokens.js';

let running: RunningGateway;
afterEach(() => running.gateway.close());

const auth = { jwt: { secret } };
const asUser = async (path: string, claims: Record<string, unknown>) =>
  TestClient.connect(running.url(`${path}?token=${await sign(claims)}`));

describe('handshake guards', () => {
  it('runs custom guards in order after auth, refusing with 4003', async () => {
    const order: string[] = [];
    running = await startGateway(
      (gw) => {
        gw.namespace('/admin', {
          handshakeGuards: [
            (ctx) => {
              order.push(`roles:${ctx.identity.userId}`);
              return requireRoles(['admin'])(ctx);
            },
            (ctx) => {
              order.push('custom');
              return ctx.params !== undefined && ctx.remoteAddress === '127.0.0.1';
            },
          ],
        }).on('echo', (p) => p);
      },
      { auth },
    );
    const admin = await asUser('/admin', { sub: 'root', roles: ['admin'] });
    await stillServes(admin);
    expect(
      await refusal(running.url(`/admin?token=${await sign({ sub: 'eve', roles: ['user'] })}`)),
    ).toEqual({
      close: 4003,
      code: 'WS_FORBIDDEN',
      message: 'connection refused by a guard',
    });
    expect(order).toEqual(['roles:root', 'custom', 'roles:eve']);
    await stillServes(admin);
  });

  it('passes a HeraldError thrown by a guard to the client', async () => {
    running = await startGateway((gw) => {
      gw.namespace('/g', {
        handshakeGuards: [
          () => {
            throw new HeraldError(ErrorCodes.WS_FORBIDDEN, 'closed for maintenance');
          },
        ],
      });
    });
    expect(await refusal(running.url('/g'))).toEqual({
      close: 4003,
      code: 'WS_FORBIDDEN',
      message: 'closed for maintenance',
    });
  });

  it('answers WS_INTERNAL and 1011 when a guard crashes, leaking nothing', async () => {
    running = await startGateway((gw) => {
      gw.namespace('/g', {
        handshakeGuards: [
          () => {
            throw new Error('db password hunter2');
          },
        ],
      });
    });
    const outcome = await refusal(running.url('/g'));
    expect(outcome).toEqual({ close: 1011, code: 'WS_INTERNAL', message: 'internal error' });
  });
});

describe('message guards', () => {
  it('run by priority, per namespace and per event, answering WS_FORBIDDEN', async () => {
    const order: string[] = [];
    running = await startGateway(
      (gw) => {
        const ns = gw.namespace('/app');
        ns.guard(() => (order.push('low'), true), { priority: -1 });
        ns.guard((ctx) => (order.push('perms'), requirePermissions(['post'])(ctx)), {
          events: ['post'],
        });
        ns.guard(() => (order.push('high'), true), { priority: 10 });
        ns.guard((ctx) => requireScopes(['admin:all'])(ctx), { events: ['purge'] });
        ns.on('post', () => 'posted');
        ns.on('purge', () => 'purged');
        ns.on('echo', (p) => p);
      },
      { auth },
    );
    const writer = await asUser('/app', { sub: 'w', permissions: ['post'] });
    const reader = await asUser('/app', { sub: 'r' });
    expect((await writer.request({ type: 'event', event: 'post' })).payload).toBe('posted');
    expect(order).toEqual(['high', 'perms', 'low']);
    expect(await reader.request({ type: 'event', event: 'post' })).toMatchObject({
      type: 'error',
      code: 'WS_FORBIDDEN',
      message: "event 'post' is forbidden",
    });
    expect(await writer.request({ type: 'event', event: 'purge' })).toMatchObject({
      code: 'WS_FORBIDDEN',
    });
    await stillServes(reader);
  });
});

describe('middleware errors and the logging middleware', () => {
  it('turns middleware errors into error frames: HeraldError as is, others as WS_INTERNAL', async () => {
    running = await startGateway((gw) => {
      gw.use((ctx, next) => {
        if (ctx.event === 'limited')
          throw new HeraldError(ErrorCodes.WS_RATE_LIMIT_EXCEEDED, 'quota used up');
        return next();
      });
      const ns = gw.namespace('/app');
      ns.use(async (ctx, next) => {
        if (ctx.event === 'boom') throw new Error('secret stack');
        await next();
      });
      ns.on('limited', () => 'no');
      ns.on('boom', () => 'no');
      ns.on('echo', (p) => p);
    });
    const client = await TestClient.connect(running.url('/app'));
    expect(await client.request({ type: 'event', event: 'limited' })).toEqual({
      type: 'error',
      id: '1',
      code: 'WS_RATE_LIMIT_EXCEEDED',
      message: 'quota used up',
    });
    const internal = await client.request({ type: 'event', event: 'boom' });
    expect(internal).toMatchObject({ code: 'WS_INTERNAL', message: 'internal error' });
    expect(JSON.stringify(internal)).not.toContain('secret');
    await stillServes(client);
  });

  it('logs one debug line per event with duration and outcome, and nothing at info', async () => {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
        done();
      },
    });
    const logger = pino({ level: 'debug' }, sink);
    const quiet = pino({ level: 'info' }, sink);
    running = await startGateway((gw) => {
      const ns = gw.namespace('/app');
      ns.use(loggingMiddleware(logger));
      ns.on('echo', (p) => p);
      ns.on('nope', () => {
        throw new HeraldError(ErrorCodes.WS_FORBIDDEN, 'no');
      });
      gw.namespace('/quiet')
        .use(loggingMiddleware(quiet))
        .on('echo', (p) => p);
    });
    const client = await TestClient.connect(running.url('/app'));
    await stillServes(client);
    expect(await client.request({ type: 'event', event: 'nope' })).toMatchObject({
      code: 'WS_FORBIDDEN',
    });
    await stillServes(await TestClient.connect(running.url('/quiet')));
    expect(lines.map((l) => [l.event, l.outcome, typeof l.ms, l.level])).toEqual([
      ['echo', 'ok', 'number', 20],
      ['nope', 'WS_FORBIDDEN', 'number', 20],
    ]);
  });
});

describe('channel access', () => {
  it('refuses a subscribe to a forbidden channel with WS_FORBIDDEN, and others carry on', async () => {
    running = await startGateway(
      (gw) => {
        gw.namespace('/app', {
          authorizeSubscribe: async (conn: Connection, channel: string) =>
            !channel.startsWith('admin:') || conn.identity.roles.includes('admin'),
        }).on('echo', (p) => p);
      },
      { auth },
    );
    const admin = await asUser('/app', { sub: 'root', roles: ['admin'] });
    const user = await asUser('/app', { sub: 'eve' });
    expect(await user.request({ type: 'subscribe', channel: 'admin:audit' })).toMatchObject({
      type: 'error',
      code: 'WS_FORBIDDEN',
      details: [{ path: 'channel' }],
    });
    expect(await admin.request({ type: 'subscribe', channel: 'admin:audit' })).toMatchObject({
      type: 'ack',
    });
    expect(await user.request({ type: 'subscribe', channel: 'lobby' })).toMatchObject({
      type: 'ack',
    });
    await running.gateway.publish('admin:audit', 'entry', 1);
    expect(await admin.waitFor((f) => f.channel === 'admin:audit')).toMatchObject({
      event: 'entry',
    });
    expect(user.frames.some((f) => f.channel === 'admin:audit')).toBe(false);
    await stillServes(user);
  });

  it('asks authorizePublish for client publishes, beside the channel policy', async () => {
    running = await startGateway(
      (gw) => {
        gw.namespace('/open', { authorizePublish: (_conn, channel) => channel === 'chat' }).on(
          'echo',
          (p) => p,
        );
        gw.namespace('/plain');
      },
      {
        channels: {
          default: { publish: 'everyone' },
          policies: { 'locked:*': { publish: 'nobody' } },
        },
      },
    );
    const open = await TestClient.connect(running.url('/open'));
    const plain = await TestClient.connect(running.url('/plain'));
    const publish = (client: TestClient, channel: string) =>
      client.request({ type: 'publish', channel, event: 'said', payload: 1 });
    expect((await publish(open, 'chat')).type).toBe('ack');
    expect(await publish(open, 'ops')).toMatchObject({ code: 'WS_FORBIDDEN' });
    // No hook on /plain: the policy decides.
    expect((await publish(plain, 'ops')).type).toBe('ack');
    expect(await publish(plain, 'locked:1')).toMatchObject({ code: 'WS_FORBIDDEN' });
    await stillServes(open);
  });
});

describe('origins', () => {
  async function originGateway(): Promise<RunningGateway> {
    return startGateway((gw) => {
      gw.namespace('/app', {
        origins: ['https://app.example.com', 'https://*.example.org', 'http://localhost:3000'],
      }).on('echo', (p) => p);
      gw.namespace('/anywhere').on('echo', (p) => p);
    });
  }
  const from = (origin: string) => ({ headers: { Origin: origin } });

  it('admits exact entries and wildcard subdomains', async () => {
    running = await originGateway();
    for (const origin of [
      'https://app.example.com',
      'https://a.example.org',
      'https://a.b.example.org',
      'http://localhost:3000',
    ]) {
      await stillServes(await TestClient.connect(running.url('/app'), undefined, from(origin)));
    }
    // No Origin header: not a browser page, so not a cross-site hijack.
    await stillServes(await TestClient.connect(running.url('/app')));
  });

  it('refuses a spoofed origin with WS_ORIGIN_NOT_ALLOWED and 4003, and others carry on', async () => {
    running = await originGateway();
    const good = await TestClient.connect(
      running.url('/app'),
      undefined,
      from('https://app.example.com'),
    );
    for (const origin of [
      'https://evil.com',
      'https://app.example.com.evil.com',
      'https://evilexample.org',
      'https://example.org',
      'http://app.example.com',
      'http://localhost:3001',
      'null',
    ]) {
      expect(await refusal(running.url('/app'), undefined, from(origin))).toEqual({
        close: 4003,
        code: 'WS_ORIGIN_NOT_ALLOWED',
        message: 'origin is not allowed',
      });
    }
    expect(running.gateway.stats().rejected.origin).toBe(7);
    await stillServes(good);
    await stillServes(
      await TestClient.connect(running.url('/anywhere'), undefined, from('https://evil.com')),
    );
  });

  it('refuses a malformed allow-list entry at start-up, naming the field', async () => {
    await expect(
      startGateway((gw) => {
        gw.namespace('/x', { origins: ['https://ok.example.com', 'example.com/path'] });
      }),
    ).rejects.toThrow(/namespace \/x\.origins\.1/);
    running = await originGateway();
  });
});
