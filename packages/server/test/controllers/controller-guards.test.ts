import { afterEach, describe, expect, it } from 'vitest';
import {
  ErrorCodes,
  Event,
  Guard,
  HeraldError,
  requireRoles,
  Socket,
  type Connection,
  type HandshakeContext,
  type MessageContext,
} from '../../src/index.js';
import { startGateway, type RunningGateway } from '../support/gateway-fixture.js';
import { refusal, stillServes } from '../support/probes.js';
import { TestClient } from '../support/test-client.js';
import { secret, sign } from '../support/tokens.js';

let running: RunningGateway;
afterEach(() => running.gateway.close());

const auth = { jwt: { secret } };
const urlFor = async (path: string, claims: Record<string, unknown>) =>
  running.url(`${path}?token=${await sign(claims)}`);

describe('@Guard on a controller class', () => {
  it('runs at the handshake after the @Socket handshakeGuards, by priority, refusing with 4003', async () => {
    const order: string[] = [];
    const mark = (name: string) => (ctx: HandshakeContext) => {
      order.push(`${name}:${ctx.identity.userId}`);
      return true;
    };
    const members = requireRoles(['member']);
    @Guard(mark('low'), { priority: -5 })
    @Guard((ctx: HandshakeContext) => (order.push('member'), members(ctx)), { priority: 10 })
    @Guard(mark('first-zero'))
    @Guard(mark('second-zero'))
    @Guard(mark('high'), { priority: 20 })
    @Socket('/club', { handshakeGuards: [mark('option')] })
    class ClubSocket {
      @Event('echo')
      echo(_conn: Connection, payload: unknown) {
        return payload;
      }
    }
    running = await startGateway((gw) => gw.register(ClubSocket), { auth });
    const member = await TestClient.connect(await urlFor('/club', { sub: 'm', roles: ['member'] }));
    await stillServes(member);
    expect(order).toEqual([
      'option:m',
      'high:m',
      'member',
      'first-zero:m',
      'second-zero:m',
      'low:m',
    ]);
    expect(await refusal(await urlFor('/club', { sub: 'x', roles: ['guest'] }))).toEqual({
      close: 4003,
      code: 'WS_FORBIDDEN',
      message: 'connection refused by a guard',
    });
    await stillServes(member);
  });

  it('passes the code of a HeraldError thrown by a class guard', async () => {
    @Guard(() => {
      throw new HeraldError(ErrorCodes.WS_FORBIDDEN, 'closed for maintenance');
    })
    @Socket('/closed')
    class ClosedSocket {}
    running = await startGateway((gw) => gw.register(ClosedSocket));
    expect(await refusal(running.url('/closed'))).toEqual({
      close: 4003,
      code: 'WS_FORBIDDEN',
      message: 'closed for maintenance',
    });
  });
});

describe('@Guard on an @Event method', () => {
  it('runs before that event only, by priority, refusing with WS_FORBIDDEN or the thrown code', async () => {
    const order: string[] = [];
    const handled: string[] = [];
    const mark =
      (name: string, pass = true) =>
      (ctx: MessageContext) => {
        order.push(`${name}:${ctx.event}`);
        return pass;
      };
    @Socket('/posts')
    class PostSocket {
      @Guard(mark('low'), { priority: -1 })
      @Guard(mark('writer'))
      @Guard(mark('high'), { priority: 5 })
      @Event('post')
      post(_conn: Connection, text: unknown) {
        handled.push(String(text));
        return 'posted';
      }

      @Guard(mark('refuse', false), { priority: 1 })
      @Guard(mark('after-refusal'))
      @Event('purge')
      purge() {
        handled.push('purged');
      }

      @Guard(() => {
        throw new HeraldError(ErrorCodes.WS_RATE_LIMIT_EXCEEDED, 'one a day');
      })
      @Event('boost')
      boost() {
        handled.push('boosted');
      }

      @Event('echo')
      echo(_conn: Connection, payload: unknown) {
        return payload;
      }
    }
    running = await startGateway((gw) => gw.register(PostSocket));
    const client = await TestClient.connect(running.url('/posts'));
    expect(await client.request({ type: 'event', event: 'post', payload: 'a' })).toMatchObject({
      type: 'ack',
      payload: 'posted',
    });
    expect(order).toEqual(['high:post', 'writer:post', 'low:post']);
    order.length = 0;
    expect(await client.request({ type: 'event', event: 'purge' })).toMatchObject({
      type: 'error',
      code: 'WS_FORBIDDEN',
      message: "event 'purge' is forbidden",
    });
    expect(order).toEqual(['refuse:purge']);
    expect(await client.request({ type: 'event', event: 'boost' })).toMatchObject({
      type: 'error',
      code: 'WS_RATE_LIMIT_EXCEEDED',
      message: 'one a day',
    });
    // The events without guards ran no guard.
    order.length = 0;
    await stillServes(client);
    expect(order).toEqual([]);
    expect(handled).toEqual(['a']);
  });
});
