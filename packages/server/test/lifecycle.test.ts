import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { Connection } from '../src/index.js';
import { startGateway, type RunningGateway } from './support/gateway-fixture.js';
import { TestClient } from './support/test-client.js';

let running: RunningGateway;
afterEach(() => running.gateway.close());

describe('heartbeat', () => {
  it('terminates a peer that never answers pings, keeps one that does', async () => {
    running = await startGateway((gw) => {
      gw.namespace('/hb', { pingInterval: 100, pongTimeout: 300 });
    });
    // Counted from before the handshake, so that no ping goes uncounted on a loaded machine.
    let pings = 0;
    const silentWs = new WebSocket(running.url('/hb'), { autoPong: false });
    silentWs.on('ping', () => pings++);
    const silentClosed = new Promise<number>((resolve) => silentWs.on('close', resolve));
    const lively = await TestClient.connect(running.url('/hb'));
    expect(await silentClosed).toBe(1006);
    expect(pings).toBeGreaterThanOrEqual(1);
    // Several ping rounds later, the peer that answers is still there.
    await new Promise((r) => setTimeout(r, 1_000));
    expect(lively.ws.readyState).toBe(lively.ws.OPEN);
  });
});

describe('server → client requests', () => {
  it('resolves with the client ack, rejects on the client error and on timeout', async () => {
    const outcomes: unknown[] = [];
    running = await startGateway((gw) => {
      gw.namespace('/req').onConnect(async (conn) => {
        outcomes.push(await conn.request('confirm', { q: 1 }, { timeout: 2_000 }));
        await conn.request('refuse').catch((e: Error & { code: string }) => outcomes.push(e.code));
        await conn
          .request('ignore', null, { timeout: 50 })
          .catch((e: Error & { code: string }) => outcomes.push(e.code));
      });
    });
    const client = await TestClient.connect(running.url('/req'));
    const confirm = await client.waitFor((f) => f.event === 'confirm');
    client.send({
      type: 'ack',
      id: confirm.id,
      payload: { yes: (confirm.payload as { q: number }).q },
    });
    const refuse = await client.waitFor((f) => f.event === 'refuse');
    client.send({ type: 'error', id: refuse.id, code: 'NOPE', message: 'no' });
    await expect.poll(() => outcomes.length).toBe(3);
    expect(outcomes).toEqual([{ yes: 1 }, 'NOPE', 'WS_TIMEOUT']);
  });

  it("answers WS_INTERNAL, not the other client's code, when a handler lets a client's rejection through", async () => {
    running = await startGateway((gw) => {
      const ns = gw.namespace('/ask');
      const others: Connection[] = [];
      ns.onConnect((conn) => void others.push(conn));
      ns.on('ask', (_payload, conn) => others.find((other) => other !== conn)?.request('consent'));
    });
    const asker = await TestClient.connect(running.url('/ask'));
    const asked = await TestClient.connect(running.url('/ask'));
    await asked.waitFor((f) => f.event === 'connected');
    const answer = asker.request({ type: 'event', event: 'ask' });
    const consent = await asked.waitFor((f) => f.event === 'consent');
    asked.send({ type: 'error', id: consent.id, code: 'SECRET_REASON', message: 'private' });
    expect(await answer).toMatchObject({ type: 'error', code: 'WS_INTERNAL' });
  });
});

describe('stats', () => {
  it('counts active, total, peak and messages in and out', async () => {
    running = await startGateway((gw) => {
      gw.namespace('/s').on('echo', (p) => p);
    });
    const a = await TestClient.connect(running.url('/s'));
    const b = await TestClient.connect(running.url('/s'));
    await Promise.all([a, b].map((c) => c.waitFor((f) => f.event === 'connected')));
    await a.request({ type: 'event', event: 'echo', payload: 1 });
    await b.close();
    await expect.poll(() => running.gateway.stats().connections.active).toBe(1);
    const stats = running.gateway.stats();
    expect(stats.connections).toEqual({ active: 1, total: 2, peak: 2 });
    expect(stats.messages.in).toBe(1);
    // Two session notices and one ack.
    expect(stats.messages.out).toBe(3);
  });
});

describe('graceful shutdown', () => {
  it('delivers what was queued, sends system shutdown, closes 1001 and refuses new upgrades', async () => {
    running = await startGateway((gw) => {
      gw.namespace('/bye');
    });
    const clients = await Promise.all([1, 2, 3].map(() => TestClient.connect(running.url('/bye'))));
    await Promise.all(clients.map((c) => c.request({ type: 'subscribe', channel: 'news' })));
    for (let i = 0; i < 200; i++) void running.gateway.publish('news', 'item', i);
    const closing = running.gateway.close();
    await expect(TestClient.connect(running.url('/bye'))).rejects.toThrow();
    await closing;
    for (const client of clients) {
      expect((await client.closed).code).toBe(1001);
      const items = client.frames.filter((f) => f.event === 'item').map((f) => f.payload);
      expect(items).toEqual([...Array(200).keys()]);
      const last = client.frames.at(-1);
      expect(last).toMatchObject({
        type: 'system',
        event: 'shutdown',
        payload: { reason: 'shutdown' },
      });
    }
    expect(running.gateway.stats().connections.active).toBe(0);
  });

  it('terminates sockets that do not close within drainTimeout', async () => {
    running = await startGateway(
      (gw) => {
        gw.namespace('/stuck');
      },
      { drainTimeout: 100 },
    );
    const client = await TestClient.connect(running.url('/stuck'));
    client.ws.pause(); // never reads the close frame, so never answers it
    const started = Date.now();
    await running.gateway.close();
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(running.gateway.stats().connections.active).toBe(0);
  });
});

describe('handshake timeout', () => {
  it('drops a connection whose upgrade request never completes, while others connect', async () => {
    running = await startGateway(
      (gw) => {
        gw.namespace('/hs');
      },
      { handshakeTimeout: 300 },
    );
    const slow = connect(running.port, '127.0.0.1');
    slow.on('error', () => undefined);
    slow.resume();
    await new Promise((resolve) => slow.once('connect', resolve));
    slow.write('GET /hs HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n'); // and never finishes
    const closed = new Promise((resolve) => slow.once('close', resolve));
    const started = Date.now();
    const other = await TestClient.connect(running.url('/hs'));
    other.send({ type: 'ping' });
    await other.waitFor((f) => f.type === 'pong');
    await closed;
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(other.ws.readyState).toBe(other.ws.OPEN);
  });
});
