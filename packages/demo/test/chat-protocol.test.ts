import { SignJWT } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { TestClient } from '../../server/test/support/test-client.js';
import { startDemo, type DemoServer } from '../src/index.js';

let demo: DemoServer;
afterEach(() => demo.close());

describe('demo chat protocol', () => {
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
      ).toEqual({ room: 'general' });
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
