import { SignJWT } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { TestClient } from '../../server/test/support/test-client.js';
import { httpStatus } from '../../server/test/support/upgrade-status.js';
import { startDemo, type DemoServer } from '../src/index.js';

let demo: DemoServer;
afterEach(() => demo.close());

describe('demo chat protocol', () => {
  it('answers a target starting with `//` with 404 and goes on serving', async () => {
    demo = await startDemo(0, '127.0.0.1', { logLevel: 'silent' });
    expect(await httpStatus(demo.port, '//')).toBe(404);
    expect(await httpStatus(demo.port, '//evil/dashboard')).toBe(404);
    expect(await httpStatus(demo.port, '/dashboard?x=1')).toBe(200);
  });

  it('welcomes, joins, relays messages with acks, validates and leaves', async () => {
    demo = await startDemo(0, '127.0.0.1', { logLevel: 'silent' });
    const url = `ws://127.0.0.1:${demo.port}/chat/lobby`;
    const [ada, bob] = await Promise.all([TestClient.connect(url), TestClient.connect(url)]);
    const outsider = await TestClient.connect(`ws://127.0.0.1:${demo.port}/chat/elsewhere`);
    expect((await ada.waitFor((f) => f.event === 'system.welcome')).payload).toMatchObject({
      msg: expect.any(String),
    });

    for (const client of [ada, bob, outsider]) {
      expect(
        (await client.request({ type: 'event', event: 'room.join', payload: { room: 'general' } }))
          .payload,
      ).toEqual({
        room: 'general',
        channel: expect.stringMatching(/^chat:(lobby|elsewhere):general$/),
        from: expect.any(String),
      });
      expect((await client.waitFor((f) => f.event === 'room.joined')).payload).toEqual({
        room: 'general',
      });
    }
    const ack = await ada.request({
      type: 'event',
      event: 'message.send',
      payload: { room: 'general', text: 'hello' },
    });
    expect(ack.type).toBe('ack');
    const received = await bob.waitFor((f) => f.event === 'message.receive');
    expect(received.payload).toMatchObject({ text: 'hello', from: expect.any(String) });

    const invalid = await ada.request({
      type: 'event',
      event: 'message.send',
      payload: { room: 'general', text: '' },
    });
    expect(invalid).toMatchObject({
      code: 'WS_MESSAGE_INVALID',
      details: [{ path: 'payload.text' }],
    });
    const tooLong = await ada.request({
      type: 'event',
      event: 'message.send',
      payload: { room: 'general', text: 'x'.repeat(1001) },
    });
    expect(tooLong.code).toBe('WS_MESSAGE_INVALID');

    await bob.request({ type: 'event', event: 'room.leave', payload: { room: 'general' } });
    expect((await bob.waitFor((f) => f.event === 'room.left')).payload).toEqual({
      room: 'general',
    });
    await ada.request({
      type: 'event',
      event: 'message.send',
      payload: { room: 'general', text: 'second' },
    });
    await ada.waitForCount((f) => f.event === 'message.receive', 2);
    expect(bob.events('message.receive')).toHaveLength(1);
    expect(outsider.events('message.receive')).toHaveLength(0);
  });

  it('names the sender by user id when the gateway authenticates', async () => {
    const secret = 'demo-test-secret-of-at-least-32-bytes!!';
    demo = await startDemo(0, '127.0.0.1', { logLevel: 'silent', auth: { jwt: { secret } } });
    const token = await new SignJWT({ sub: 'ada' })
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(secret));
    const ada = await TestClient.connect(`ws://127.0.0.1:${demo.port}/chat/lobby?token=${token}`);
    await ada.request({ type: 'event', event: 'room.join', payload: { room: 'general' } });
    await ada.request({
      type: 'event',
      event: 'message.send',
      payload: { room: 'general', text: 'signed' },
    });
    expect((await ada.waitFor((f) => f.event === 'message.receive')).payload).toMatchObject({
      from: 'ada',
    });
  });
});

describe('demo chat names, validation and rooms', () => {
  async function joined(name?: string, chat = 'lobby') {
    const client = await TestClient.connect(`ws://127.0.0.1:${demo.port}/chat/${chat}`);
    const payload = name === undefined ? { room: 'general' } : { room: 'general', name };
    const ack = await client.request({ type: 'event', event: 'room.join', payload });
    return { client, ack };
  }

  it('carries the display name given with room.join, trimmed, in messages and presence', async () => {
    demo = await startDemo(0, '127.0.0.1', { logLevel: 'silent' });
    const { client: ada, ack } = await joined('  Ada Lovelace ');
    expect(ack.payload).toMatchObject({ name: 'Ada Lovelace', channel: 'chat:lobby:general' });
    const { client: bob } = await joined();
    await ada.request({
      type: 'event',
      event: 'message.send',
      payload: { room: 'general', text: '  hi  ' },
    });
    const received = await bob.waitFor((f) => f.event === 'message.receive');
    expect(received.payload).toEqual({
      from: (ack.payload as { from: string }).from,
      name: 'Ada Lovelace',
      text: 'hi',
      room: 'general',
    });
    expect(received.meta).toMatchObject({ offset: 1, ts: expect.any(Number) });
    const present = await demo.gateway.presence('chat:lobby:general');
    expect(present.map((client) => client.info).sort()).toEqual([
      { name: 'Ada Lovelace' },
      undefined,
    ]);
  });

  it.each([
    ['   ', 'must not be blank'],
    ['x'.repeat(33), 'must be at most 32 characters'],
    ['Ada\u0007', 'must not contain control characters'],
    ['Ada\nBob', 'must not contain control characters'],
    ['\u202Eevil', 'must not contain control characters'],
  ])('refuses the display name %j with the reason', async (name, reason) => {
    demo = await startDemo(0, '127.0.0.1', { logLevel: 'silent' });
    const { ack } = await joined(name);
    expect(ack).toMatchObject({
      code: 'WS_MESSAGE_INVALID',
      details: [{ path: 'payload.name', message: expect.stringContaining(reason) }],
    });
  });

  it('refuses whitespace-only messages and room names with colons', async () => {
    demo = await startDemo(0, '127.0.0.1', { logLevel: 'silent' });
    const { client } = await joined('Ada');
    const blank = await client.request({
      type: 'event',
      event: 'message.send',
      payload: { room: 'general', text: ' \n\t ' },
    });
    expect(blank).toMatchObject({
      code: 'WS_MESSAGE_INVALID',
      details: [{ path: 'payload.text', message: 'must not be blank' }],
    });
    const colon = await client.request({
      type: 'event',
      event: 'room.join',
      payload: { room: 'b:general' },
    });
    expect(colon).toMatchObject({
      code: 'WS_MESSAGE_INVALID',
      details: [{ path: 'payload.room', message: expect.stringContaining('colons') }],
    });
  });

  it('lets a client subscribe to the rooms of its own chat only, and read their history', async () => {
    demo = await startDemo(0, '127.0.0.1', { logLevel: 'silent' });
    const { client: ada } = await joined('Ada');
    await ada.request({
      type: 'event',
      event: 'message.send',
      payload: { room: 'general', text: 'kept' },
    });
    const { client: outsider } = await joined('Eve', 'elsewhere');
    const refused = await outsider.request({ type: 'subscribe', channel: 'chat:lobby:general' });
    expect(refused.code).toBe('WS_FORBIDDEN');
    const late = await TestClient.connect(`ws://127.0.0.1:${demo.port}/chat/lobby`);
    expect((await late.request({ type: 'subscribe', channel: 'chat:lobby:general' })).type).toBe(
      'ack',
    );
    const history = await late.request({ type: 'history', channel: 'chat:lobby:general' });
    expect(history.payload).toMatchObject({
      publications: [
        {
          event: 'message.receive',
          payload: { name: 'Ada', text: 'kept' },
          meta: { offset: 1, ts: expect.any(Number) },
        },
      ],
    });
  });
});
