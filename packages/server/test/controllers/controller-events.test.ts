import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  ErrorCodes,
  Event,
  Guard,
  HeraldError,
  OnConnect,
  OnDisconnect,
  Socket,
  SocketController,
  Subscribe,
  Unsubscribe,
  type Connection,
  type DisconnectReason,
  type HandshakeContext,
  type MessageContext,
} from '../../src/index.js';
import { startGateway, type RunningGateway } from '../support/gateway-fixture.js';
import { LineSink } from '../support/line-sink.js';
import { refusal, stillServes } from '../support/probes.js';
import { TestClient } from '../support/test-client.js';
import { secret, sign } from '../support/tokens.js';
import { ChatSocket, providers } from './fixtures/chat-controllers.js';

let running: RunningGateway;
afterEach(() => running.gateway.close());

describe('a controller’s hooks and events', () => {
  it('runs @OnConnect when a connection opens and @OnDisconnect with the reason when it closes', async () => {
    const seen: string[] = [];
    @Socket('/rooms/:room')
    class RoomSocket {
      @OnConnect()
      opened(conn: Connection) {
        seen.push(`connect ${conn.params.room}`);
        conn.send('welcome', { room: conn.params.room });
      }

      @OnDisconnect()
      closed(conn: Connection, reason: DisconnectReason) {
        seen.push(`disconnect ${conn.params.room} ${reason.code}`);
      }

      @Event('echo')
      echo(_conn: Connection, payload: unknown) {
        return payload;
      }
    }
    running = await startGateway((gw) => gw.register(RoomSocket));
    const client = await TestClient.connect(running.url('/rooms/lobby'));
    expect((await client.waitFor((f) => f.event === 'welcome')).payload).toEqual({
      room: 'lobby',
    });
    await stillServes(client);
    await client.close();
    await expect.poll(() => seen).toEqual(['connect lobby', 'disconnect lobby 1005']);
  });

  it('closes with 1011 when @OnConnect throws, and disposes after an idle timeout, running @OnDisconnect each time', async () => {
    const seen: string[] = [];
    @Socket('/fragile', { idleTimeout: 150 })
    class FragileSocket {
      @OnConnect()
      opened(conn: Connection) {
        if (conn.query.has('fail')) throw new Error('no welcome');
      }

      @OnDisconnect()
      closed(_conn: Connection, reason: DisconnectReason) {
        seen.push(`disconnect ${reason.code} ${reason.reason}`);
      }

      @Event('echo')
      echo(_conn: Connection, payload: unknown) {
        return payload;
      }

      dispose() {
        seen.push('dispose');
      }
    }
    const sink = new LineSink();
    running = await startGateway((gw) => gw.register(FragileSocket), {
      logger: pino({ level: 'error' }, sink),
    });
    expect(await refusal(running.url('/fragile?fail=1'))).toMatchObject({ close: 1011 });
    await expect.poll(() => seen).toEqual(['disconnect 1011 internal error', 'dispose']);
    expect(sink.records()).toEqual([
      expect.objectContaining({
        msg: 'onConnect hook failed',
        namespace: '/fragile',
        err: expect.objectContaining({ message: 'no welcome' }),
      }),
    ]);

    seen.length = 0;
    const idle = await TestClient.connect(running.url('/fragile'));
    await stillServes(idle);
    expect((await idle.closed).code).toBe(1000);
    await expect.poll(() => seen).toEqual(['disconnect 1000 idle timeout', 'dispose']);
  });

  it('validates @Event payloads, naming the field, and answers with what the method returns', async () => {
    const sent: unknown[] = [];
    @Socket('/chat')
    class ChatSocket {
      @Event('message.send', {
        schema: z.object({ room: z.string(), text: z.string().max(10) }),
        reply: z.object({ delivered: z.boolean(), length: z.number() }),
      })
      send(conn: Connection, { room, text }: { room: string; text: string }) {
        sent.push({ from: conn.id, room, text });
        return { delivered: true, length: text.length };
      }
    }
    running = await startGateway((gw) => gw.register(ChatSocket));
    const client = await TestClient.connect(running.url('/chat'));
    const bad = await client.request({
      type: 'event',
      event: 'message.send',
      payload: { room: 'a', text: 'far too long a text' },
    });
    expect(bad).toMatchObject({ type: 'error', code: 'WS_MESSAGE_INVALID' });
    expect(bad.details?.map((d) => d.path)).toEqual(['payload.text']);
    expect(sent).toEqual([]);
    const ok = await client.request({
      type: 'event',
      event: 'message.send',
      payload: { room: 'a', text: 'hi' },
    });
    expect(ok).toMatchObject({ type: 'ack', payload: { delivered: true, length: 2 } });
    expect(sent).toHaveLength(1);
  });

  it('refuses a frame without id for an ack: true event, without running the method', async () => {
    const ran: unknown[] = [];
    @Socket('/acked')
    class AckedSocket {
      @Event('order.place', { ack: true })
      place(_conn: Connection, payload: unknown) {
        ran.push(payload);
        return { placed: true };
      }

      @Event('note')
      note(_conn: Connection, payload: unknown) {
        ran.push(payload);
      }
    }
    running = await startGateway((gw) => gw.register(AckedSocket));
    const client = await TestClient.connect(running.url('/acked'));
    client.send({ type: 'event', event: 'order.place', payload: 'no id' });
    const refused = await client.waitFor((f) => f.type === 'error');
    expect(refused).toEqual({
      type: 'error',
      code: 'WS_MESSAGE_INVALID',
      message: "event 'order.place' must be sent with an id: it is acknowledged",
      details: [{ path: 'id', message: 'required for an acknowledged event' }],
    });
    // An event that is not acknowledged runs without an id.
    client.send({ type: 'event', event: 'note', payload: 'fire and forget' });
    await expect.poll(() => ran).toEqual(['fire and forget']);
    expect(await client.request({ type: 'event', event: 'order.place', payload: 1 })).toMatchObject(
      { type: 'ack', payload: { placed: true } },
    );
    expect(ran).toEqual(['fire and forget', 1]);
  });
});

describe('channel handlers', () => {
  it('@Subscribe refuses with false or a HeraldError, gets the params; @Unsubscribe runs after the leave', async () => {
    const seen: string[] = [];
    @Socket('/rooms')
    class RoomSocket {
      @Subscribe('room:{room}')
      join(conn: Connection, channel: string, params: Record<string, string>) {
        seen.push(`join ${channel} ${params.room}`);
        if (params.room === 'full') throw new HeraldError(ErrorCodes.WS_CHANNEL_FULL, 'no room');
        return params.room !== 'secret';
      }

      @Unsubscribe('room:{room}')
      left(conn: Connection, channel: string, params: Record<string, string>) {
        seen.push(`left ${channel} ${params.room} still in: ${conn.channels.has(channel)}`);
      }

      @Event('echo')
      echo(_conn: Connection, payload: unknown) {
        return payload;
      }
    }
    running = await startGateway((gw) => gw.register(RoomSocket));
    const client = await TestClient.connect(running.url('/rooms'));
    expect(await client.request({ type: 'subscribe', channel: 'room:secret' })).toMatchObject({
      type: 'error',
      code: 'WS_FORBIDDEN',
      message: "subscribe to 'room:secret' is forbidden",
    });
    expect(await client.request({ type: 'subscribe', channel: 'room:full' })).toMatchObject({
      type: 'error',
      code: 'WS_CHANNEL_FULL',
      message: 'no room',
    });
    expect(await client.request({ type: 'subscribe', channel: 'room:main' })).toMatchObject({
      type: 'ack',
    });
    // A channel no handler matches is left to the namespace's own rules.
    expect(await client.request({ type: 'subscribe', channel: 'news' })).toMatchObject({
      type: 'ack',
    });
    running.gateway.publish('room:main', 'said', 'hello');
    expect((await client.waitFor((f) => f.event === 'said')).channel).toBe('room:main');
    expect(await client.request({ type: 'unsubscribe', channel: 'room:main' })).toMatchObject({
      type: 'ack',
    });
    expect(seen).toEqual([
      'join room:secret secret',
      'join room:full full',
      'join room:main main',
      'left room:main main still in: false',
    ]);
    await stillServes(client);
  });
});

describe('a controller that extends another', () => {
  it('inherits its decorated methods; an override keeps their decorators unless it declares its own', async () => {
    // Class decorators are not inherited: this guard would refuse every ChildSocket connection.
    @Guard((_ctx: HandshakeContext) => false)
    class BaseSocket {
      @OnConnect()
      opened(conn: Connection) {
        conn.send('hello', this.constructor.name);
      }

      @Event('echo')
      echo(_conn: Connection, payload: unknown) {
        return payload;
      }

      @Event('name')
      name() {
        return 'base';
      }

      @Event('old')
      renamed() {
        return 'base renamed';
      }
    }
    @Socket('/child')
    class ChildSocket extends BaseSocket {
      override name() {
        return 'child';
      }

      @Event('new')
      override renamed() {
        return 'child renamed';
      }
    }
    class Undeclared extends ChildSocket {}
    running = await startGateway((gw) => gw.register(ChildSocket));
    expect(() => running.gateway.register(Undeclared)).toThrow(
      'Undeclared is not a controller: declare it with @Socket(path)',
    );
    const client = await TestClient.connect(running.url('/child'));
    expect((await client.waitFor((f) => f.event === 'hello')).payload).toBe('ChildSocket');
    await stillServes(client);
    expect(await client.request({ type: 'event', event: 'name' })).toMatchObject({
      payload: 'child',
    });
    expect(await client.request({ type: 'event', event: 'new' })).toMatchObject({
      payload: 'child renamed',
    });
    expect(await client.request({ type: 'event', event: 'old' })).toMatchObject({
      code: 'WS_NOT_FOUND',
    });
  });
});

describe('a connection that closes while its requests wait', () => {
  it('runs no handler or hook on its disposed instance, and logs no fault', async () => {
    const seen: string[] = [];
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const waiting = async (what: string) => {
      seen.push(`${what} waiting`);
      await gate;
      return true;
    };
    @Socket('/slow', { authorizeSubscribe: () => waiting('authorize') })
    class SlowSocket {
      @Guard((_ctx: MessageContext) => waiting('guard'))
      @Event('work')
      work() {
        seen.push('work ran');
      }

      @Subscribe('room:{room}')
      join() {
        seen.push('join ran');
      }

      @OnDisconnect()
      closed() {
        seen.push('disconnect');
      }

      dispose() {
        seen.push('dispose');
      }
    }
    const sink = new LineSink();
    running = await startGateway((gw) => gw.register(SlowSocket), {
      logger: pino({ level: 'warn' }, sink),
    });
    const client = await TestClient.connect(running.url('/slow'));
    client.send({ type: 'event', event: 'work', id: 'w' });
    client.send({ type: 'subscribe', channel: 'room:main', id: 's' });
    await expect.poll(() => seen).toEqual(['guard waiting', 'authorize waiting']);
    client.ws.terminate();
    await expect.poll(() => seen).toContain('dispose');
    open();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(seen).toEqual(['guard waiting', 'authorize waiting', 'disconnect', 'dispose']);
    expect(sink.records()).toEqual([]);
  });
});

describe('SocketController', () => {
  it('publishes to a channel, broadcasts to its namespace and sends to a target', async () => {
    @Socket('/team')
    class TeamSocket extends SocketController {
      @Event('say', { schema: z.object({ channel: z.string(), text: z.string() }) })
      async say(_conn: Connection, { channel, text }: { channel: string; text: string }) {
        await this.publish(channel, 'said', { text });
      }

      @Event('shout')
      async shout(conn: Connection, text: unknown) {
        await this.broadcast('shouted', text, { except: conn });
      }

      @Event('whisper')
      async whisper(_conn: Connection, to: unknown) {
        await this.to({ connection: String(to) }).emit('whispered', 'psst');
      }

      @Event('where')
      where() {
        return { namespace: this.namespace.pattern.source, same: this.gateway === running.gateway };
      }
    }
    running = await startGateway((gw) => gw.register(TeamSocket));
    const [alice, bob] = await Promise.all([
      TestClient.connect(running.url('/team')),
      TestClient.connect(running.url('/team')),
    ]);
    const bobId = (await bob.waitFor((f) => f.event === 'connected')).payload as {
      connectionId: string;
    };
    await bob.request({ type: 'subscribe', channel: 'news' });
    await alice.request({ type: 'event', event: 'say', payload: { channel: 'news', text: 'hi' } });
    expect((await bob.waitFor((f) => f.event === 'said')).payload).toEqual({ text: 'hi' });

    await alice.request({ type: 'event', event: 'shout', payload: 'HEY' });
    expect((await bob.waitFor((f) => f.event === 'shouted')).payload).toBe('HEY');

    await alice.request({ type: 'event', event: 'whisper', payload: bobId.connectionId });
    expect((await bob.waitFor((f) => f.event === 'whispered')).payload).toBe('psst');
    expect(alice.events('shouted')).toEqual([]);
    expect(alice.events('whispered')).toEqual([]);

    expect((await alice.request({ type: 'event', event: 'where' })).payload).toEqual({
      namespace: '/team',
      same: true,
    });
  });

  it('throws a TypeError naming the class on an instance the gateway did not make', async () => {
    @Socket('/solo')
    class SoloSocket extends SocketController {
      send() {
        return this.publish('news', 'x');
      }
    }
    expect(() => new SoloSocket().send()).toThrow(
      new TypeError(
        'SoloSocket.publish needs the gateway, but this instance was not made by one: ' +
          'register the class with gateway.register(SoloSocket) and let the gateway construct it',
      ),
    );
  });
});

describe('the ChatSocket of docs/controllers.md', () => {
  it('welcomes members, refuses others, delivers messages to subscribers of the room', async () => {
    running = await startGateway((gw) => gw.provide(...providers).register(ChatSocket), {
      auth: { jwt: { secret } },
    });
    const url = async (claims: Record<string, unknown>) =>
      running.url(`/chat/general?token=${await sign(claims)}`);
    expect(await refusal(await url({ sub: 'guest', roles: [] }))).toMatchObject({
      close: 4003,
      code: 'WS_FORBIDDEN',
    });
    const writer = await TestClient.connect(await url({ sub: 'ann', roles: ['member', 'writer'] }));
    const reader = await TestClient.connect(await url({ sub: 'bob', roles: ['member'] }));
    expect((await writer.waitFor((f) => f.event === 'system.welcome')).payload).toEqual({
      msg: 'Welcome ann',
    });
    expect(await reader.request({ type: 'subscribe', channel: 'room:secret' })).toMatchObject({
      code: 'WS_FORBIDDEN',
    });
    await reader.request({ type: 'subscribe', channel: 'room:general' });
    const send = { type: 'event', event: 'message.send', payload: { room: 'general', text: 'hi' } };
    expect(await reader.request(send)).toMatchObject({ code: 'WS_FORBIDDEN' });
    expect(await writer.request(send)).toMatchObject({
      type: 'ack',
      payload: { delivered: true },
    });
    expect((await reader.waitFor((f) => f.event === 'message.receive')).payload).toEqual({
      from: 'ann',
      text: 'hi',
    });
  });
});
