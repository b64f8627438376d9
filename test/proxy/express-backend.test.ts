import type { Server } from 'node:http';
import express from 'express';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HeraldClient } from '@herald/client';
import {
  startGateway,
  type RunningGateway,
} from '../../packages/server/test/support/gateway-fixture.js';
import { LineSink } from '../../packages/server/test/support/line-sink.js';
import { samples, scrape } from '../../packages/server/test/support/prometheus.js';
import { metricsHandler } from '../../packages/server/src/index.js';
import { until } from '../support/until.js';

interface Call {
  kind: string;
  token?: string;
  channel?: string;
  event?: string;
  payload?: unknown;
  connection?: { user?: string };
}

/** An Express backend: the same wire format as any other language's. */
function backendApp() {
  const app = express();
  app.use(express.json());
  app.post('/herald', (req, res) => {
    const call = req.body as Call;
    switch (call.kind) {
      case 'connect':
        if (call.token === 'dave') res.json({ result: { user: 'dave', roles: ['editor'] } });
        else res.json({ error: { code: 'WS_AUTH_FAILED', message: 'unknown token' } });
        return;
      case 'subscribe':
        res.json({ result: { info: { badge: 'express' } } });
        return;
      case 'publish':
        res.json({ result: { payload: { text: String(call.payload), checked: true } } });
        return;
      case 'rpc':
        if (call.event === 'echo') res.json({ result: { payload: call.payload } });
        else if (call.event === 'broken') res.status(500).send('oops');
        else if (call.event === 'misshapen') res.json({ error: 'not an object' });
        else res.json({ error: { code: 'WS_NOT_FOUND', message: `no ${call.event}` } });
        return;
      default:
        res.status(400).end();
    }
  });
  return app;
}

let backend: Server;
let backendPort: number;
beforeAll(async () => {
  backend = backendApp().listen(0, '127.0.0.1');
  await new Promise((resolve) => backend.once('listening', resolve));
  backendPort = (backend.address() as { port: number }).port;
});
afterAll(() => void backend.close());

let running: RunningGateway;
const logs = new LineSink();
let client: HeraldClient | undefined;
afterEach(async () => {
  client?.close();
  await running.gateway.close();
});

describe('a backend proxy to an Express backend', () => {
  it('decides connects, subscribes, publishes and events', async () => {
    running = await startGateway(
      (g) =>
        g.namespace('/app', {
          proxy: {
            url: `http://127.0.0.1:${backendPort}/herald`,
            connect: true,
            subscribe: true,
            publish: true,
            rpc: true,
          },
        }),
      {
        logger: pino({ level: 'warn' }, logs),
        channels: { policies: { 'notes:*': { publish: 'subscribers', presence: true } } },
      },
      (gateway) => [metricsHandler(gateway)],
    );
    client = new HeraldClient(`ws://127.0.0.1:${running.port}/app`, {
      token: 'dave',
      reconnect: false,
    });
    await client.connect();
    const got: unknown[] = [];
    const notes = client.subscribe('notes:1', { publication: (p) => void got.push(p.payload) });
    await notes.ready;
    expect(await running.gateway.presence('notes:1')).toMatchObject([
      { userId: 'dave', info: { badge: 'express' } },
    ]);
    await notes.publish('note', 'remember the milk');
    await until(() => got.length === 1);
    expect(got).toEqual([{ text: 'remember the milk', checked: true }]);
    expect(await client.request('echo', { n: 1 })).toEqual({ n: 1 });

    await expect(client.request('broken', null)).rejects.toMatchObject({
      code: 'WS_BACKEND_UNAVAILABLE',
    });
    await expect(client.request('misshapen', null)).rejects.toMatchObject({
      code: 'WS_BACKEND_UNAVAILABLE',
    });
    const reasons = logs
      .records<{ msg: string; reason: string }>()
      .filter((r) => r.msg === 'backend proxy call failed')
      .map((r) => r.reason);
    expect(reasons).toEqual(['answered HTTP 500', 'answered a malformed error']);
    // The connection outlived its backend's failures.
    expect(await client.request('echo', 'still here')).toBe('still here');

    // Every call is timed by kind and outcome.
    const calls = samples((await scrape(running.port)).text).filter(
      (s) => s.name === 'herald_backend_call_duration_seconds_count',
    );
    const count = (kind: string, outcome: string) =>
      calls.find((s) => s.labels.kind === kind && s.labels.outcome === outcome)?.value;
    expect([count('connect', 'ok'), count('subscribe', 'ok'), count('publish', 'ok')]).toEqual([
      1, 1, 1,
    ]);
    expect([count('rpc', 'ok'), count('rpc', 'unavailable')]).toEqual([2, 2]);
  });

  it("is replaced on a channel policy's channels by the policy's own proxy", async () => {
    running = await startGateway(
      (g) =>
        g.namespace('/mixed', {
          // The namespace's backend is down: only the policy's channels can be subscribed, and
          // events go to the URL `rpc` names for itself.
          proxy: {
            url: 'http://127.0.0.1:9/herald',
            subscribe: true,
            rpc: `http://127.0.0.1:${backendPort}/herald`,
          },
        }),
      {
        logger: pino({ level: 'silent' }),
        channels: {
          policies: {
            'orders:*': {
              presence: true,
              proxy: { url: `http://127.0.0.1:${backendPort}/herald`, subscribe: true },
            },
          },
        },
      },
    );
    client = new HeraldClient(`ws://127.0.0.1:${running.port}/mixed`, { reconnect: false });
    await client.connect();
    expect(await client.request('echo', 'to its own URL')).toBe('to its own URL');
    await client.subscribe('orders:7').ready;
    expect(await running.gateway.presence('orders:7')).toMatchObject([
      { info: { badge: 'express' } },
    ]);
    // A temporary refusal: the client would retry it; the first one says why.
    const refused = new Promise<{ code: string }>((resolve) => {
      const other = client!.subscribe('other:1', {
        error: (error) => {
          other.unsubscribe();
          resolve(error);
        },
      });
    });
    expect(await refused).toMatchObject({ code: 'WS_BACKEND_UNAVAILABLE', temporary: true });
  });
});
