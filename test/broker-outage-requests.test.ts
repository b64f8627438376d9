import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createGateway, createHttpApi, HeraldError, type Connection } from '@herald/server';
import { outageBackends } from './support/outage-backends.js';
import { TestClient, type Frame } from '../packages/server/test/support/test-client.js';

// A gateway whose broker server (the test's own) is killed: every request that needs the broker
// is refused with the stable, retryable WS_UNAVAILABLE, and nothing is left half done.

const backends = outageBackends(false);

interface LogLine {
  level: number;
  msg: string;
}
const levels = { warn: 40, error: 50 };

describe.each(backends)('a gateway on $name while $name is unreachable', (backend) => {
  const cleanup: (() => Promise<unknown> | void)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  it('answers subscribe, history and presence WS_UNAVAILABLE, joins nothing halfway and warns once', async () => {
    const server = await backend.start();
    cleanup.push(() => server.dispose());
    const logs: LogLine[] = [];
    const logger = pino(
      { level: 'debug' },
      { write: (line: string) => void logs.push(JSON.parse(line) as LogLine) },
    );
    const gateway = createGateway({
      logger,
      broker: backend.broker(server.url),
      channels: {
        presenceTtl: 3_000,
        policies: {
          'feed:*': {
            history: { size: 100 },
            clientHistory: true,
            presence: true,
            clientPresence: true,
          },
          'room:*': { presence: true, clientPresence: true, joinLeave: true },
        },
      },
    });
    const connections = new Map<string, Connection>();
    gateway
      .namespace('/app')
      .onConnect((connection) => void connections.set(connection.id, connection));
    const api = createHttpApi(gateway);
    const http = createServer((req, res) => void api(req, res));
    gateway.attach(http);
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    cleanup.push(() => new Promise((resolve) => http.close(resolve)));
    cleanup.push(() => gateway.close());
    const { port } = http.address() as AddressInfo;
    const connect = async () => {
      const client = await TestClient.connect(`ws://127.0.0.1:${port}/app`);
      await client.waitFor((f) => f.type === 'system' && f.event === 'connected');
      cleanup.push(() => void client.ws.close());
      return client;
    };
    const serverSide = (client: TestClient) => {
      const id = client.frames.find((f) => f.event === 'connected')?.payload as {
        connectionId: string;
      };
      return connections.get(id.connectionId);
    };

    const [member, newcomer] = [await connect(), await connect()];
    expect(await member.request({ type: 'subscribe', channel: 'feed:1' })).toMatchObject({
      type: 'ack',
    });
    expect(await member.request({ type: 'subscribe', channel: 'room:1' })).toMatchObject({
      type: 'ack',
    });

    await server.stop();
    await expect.poll(() => gateway.health().status, { timeout: 10_000 }).toBe('degraded');
    const logsBefore = logs.length;

    const unavailable = { type: 'error', code: 'WS_UNAVAILABLE' };
    const requests: object[] = [
      { type: 'subscribe', channel: 'feed:2' },
      { type: 'subscribe', channel: 'feed:1', since: { offset: 0, epoch: 'e' } },
      { type: 'subscribe', channel: 'room:2' },
    ];
    for (const frame of requests)
      expect(await newcomer.request(frame), JSON.stringify(frame)).toMatchObject(unavailable);
    for (const frame of [
      { type: 'history', channel: 'feed:1' },
      { type: 'presence', channel: 'feed:1' },
      { type: 'presenceStats', channel: 'room:1' },
    ])
      expect(await member.request(frame), JSON.stringify(frame)).toMatchObject(unavailable);
    for (const call of [
      () => gateway.history('feed:1'),
      () => gateway.presence('room:1'),
      () => gateway.presenceStats('room:1'),
      () => gateway.removeHistory('feed:1'),
    ]) {
      const error = await call().catch((thrown: unknown) => thrown);
      expect(error).toBeInstanceOf(HeraldError);
      expect(error).toMatchObject({ code: 'WS_UNAVAILABLE' });
    }
    const response = await fetch(`http://127.0.0.1:${port}/api/presence?channel=room:1`);
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ code: 'WS_UNAVAILABLE' });

    // The refused subscribes left nothing behind: no local subscription, no presence entry.
    expect([...(serverSide(newcomer)?.channels ?? [])]).toEqual([]);
    expect([...(serverSide(member)?.channels ?? [])].sort()).toEqual(['feed:1', 'room:1']);
    // A subscriber leaving while the broker is away leaves cleanly here.
    expect(await member.request({ type: 'unsubscribe', channel: 'room:1' })).toMatchObject({
      type: 'ack',
    });
    expect([...(serverSide(member)?.channels ?? [])]).toEqual(['feed:1']);

    // One warning for the whole outage, and no error for what is an expected condition.
    const outageLogs = logs.slice(logsBefore);
    expect(outageLogs.filter((line) => line.level >= levels.error)).toEqual([]);
    expect(outageLogs.filter((line) => line.level === levels.warn)).toHaveLength(1);

    await server.start();
    await expect.poll(() => gateway.health().status, { timeout: 15_000 }).toBe('ok');
    // Nothing of the refused subscribes appears once the broker is back: not in presence (not
    // even after the node refreshed its entries, as the member's shows), and no publication
    // reaches the connection that was refused.
    const memberId = serverSide(member)?.id;
    await until(async () => {
      const clients = await gateway.presence('feed:1');
      if (!clients.some((client) => client.connectionId === memberId)) throw new Error('absent');
    });
    expect(await gateway.presence('room:2')).toEqual([]);
    expect(await gateway.presence('feed:2')).toEqual([]);
    await gateway.publish('room:2', 'said', 'hello');
    await gateway.publish('feed:2', 'said', 'hello');
    expect(await member.request({ type: 'subscribe', channel: 'room:2' })).toMatchObject({
      type: 'ack',
    });
    await gateway.publish('room:2', 'said', 'after');
    await member.waitFor((f) => f.event === 'said' && f.payload === 'after', 10_000);
    expect(newcomer.frames.filter((f: Frame) => f.type === 'event' || f.type === 'join')).toEqual(
      [],
    );
    // The subscribes go through now, and the broker coming back was said once.
    expect(await newcomer.request({ type: 'subscribe', channel: 'feed:2' })).toMatchObject({
      type: 'ack',
    });
    expect(logs.slice(logsBefore).filter((line) => line.level >= levels.error)).toEqual([]);
  }, 60_000);
});

/** Retries `read` until it resolves: right after a restart the broker may still reconnect. */
async function until<T>(read: () => Promise<T>, timeout = 10_000): Promise<T> {
  const deadline = Date.now() + timeout;
  for (;;) {
    try {
      return await read();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
