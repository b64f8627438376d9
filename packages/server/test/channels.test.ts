import { afterEach, describe, expect, it, vi } from 'vitest';
import { startGateway, type RunningGateway } from './support/gateway-fixture.js';
import { TestClient, type Frame } from './support/test-client.js';

let running: RunningGateway;
afterEach(() => {
  vi.restoreAllMocks();
  return running.gateway.close();
});

const isPublication = (f: Frame) => f.type === 'event' && f.channel !== undefined;

describe('channels on the memory broker', () => {
  it('delivers every publication to 500 subscribers exactly once and in order, encoding once', async () => {
    running = await startGateway((gw) => {
      gw.namespace('/feed');
    });
    const clients = await Promise.all(
      Array.from({ length: 500 }, () => TestClient.connect(running.url('/feed'))),
    );
    await Promise.all(clients.map((c) => c.request({ type: 'subscribe', channel: 'news' })));

    const stringify = vi.spyOn(JSON, 'stringify');
    for (let seq = 0; seq < 20; seq++) await running.gateway.publish('news', 'story', { seq });
    const encodes = stringify.mock.calls.filter(
      ([value]) => (value as Frame)?.channel === 'news',
    ).length;
    stringify.mockRestore();
    expect(encodes).toBe(20);

    for (const client of clients) {
      const got = await client.waitForCount(isPublication, 20);
      expect(got.map((f) => (f.payload as { seq: number }).seq)).toEqual([...Array(20).keys()]);
      expect(got[0]).toMatchObject({
        channel: 'news',
        event: 'story',
        meta: { ts: expect.any(Number) },
      });
    }
    await new Promise((r) => setTimeout(r, 50));
    expect(clients.every((c) => c.frames.filter(isPublication).length === 20)).toBe(true);
  });

  it('skips the excepted connection and stops after unsubscribe', async () => {
    running = await startGateway((gw) => {
      gw.namespace('/room').on('say', async (text, conn) => {
        await running.gateway.publish('lobby', 'said', text, { except: conn });
      });
    });
    const [alice, bob] = await Promise.all([
      TestClient.connect(running.url('/room')),
      TestClient.connect(running.url('/room')),
    ]);
    await alice.request({ type: 'subscribe', channel: 'lobby' });
    await bob.request({ type: 'subscribe', channel: 'lobby' });
    await alice.request({ type: 'event', event: 'say', payload: 'hi' });
    expect((await bob.waitFor(isPublication)).payload).toBe('hi');
    await bob.request({ type: 'unsubscribe', channel: 'lobby' });
    await bob.request({ type: 'event', event: 'say', payload: 'anyone?' });
    expect((await alice.waitFor(isPublication)).payload).toBe('anyone?');
    await new Promise((r) => setTimeout(r, 50));
    expect(alice.frames.filter(isPublication)).toHaveLength(1);
    expect(bob.frames.filter(isPublication)).toHaveLength(1);
  });

  it('refuses the reserved $ channels to clients', async () => {
    running = await startGateway((gw) => {
      gw.namespace('/room');
    });
    const client = await TestClient.connect(running.url('/room'));
    const error = await client.request({ type: 'subscribe', channel: '$ns:/room' });
    expect(error).toMatchObject({ code: 'WS_FORBIDDEN', details: [{ path: 'channel' }] });
  });

  it('broadcasts to a whole namespace, with except, and tracks join/leave on the server', async () => {
    running = await startGateway((gw) => {
      const ns = gw.namespace('/live/:id');
      ns.on('shout', async (text, conn) => {
        await ns.broadcast('shouted', text, { except: conn });
      });
      ns.on('join', async (channel, conn) => {
        await conn.join(String(channel));
        return [...conn.channels];
      });
      ns.on('leaveAll', async (_p, conn) => {
        await conn.leaveAll();
        return [...conn.channels];
      });
      gw.namespace('/other');
    });
    const a = await TestClient.connect(running.url('/live/1'));
    const b = await TestClient.connect(running.url('/live/2'));
    const outsider = await TestClient.connect(running.url('/other'));
    expect((await a.request({ type: 'event', event: 'join', payload: 'x' })).payload).toEqual([
      'x',
    ]);
    expect((await a.request({ type: 'event', event: 'leaveAll' })).payload).toEqual([]);
    await a.request({ type: 'event', event: 'shout', payload: 'hey' });
    expect((await b.waitFor((f) => f.event === 'shouted')).payload).toBe('hey');
    await new Promise((r) => setTimeout(r, 50));
    expect(a.events('shouted')).toHaveLength(0);
    expect(outsider.frames.map((f) => f.event)).toEqual(['connected']);
  });
});
