import { randomBytes, randomUUID } from 'node:crypto';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisBroker } from '../src/index.js';
import { startGateway, type RunningGateway } from '../../server/test/support/gateway-fixture.js';
import { TestClient } from '../../server/test/support/test-client.js';
import { SpanRecorder } from '../../server/test/support/span-recorder.js';
import { secret, sign } from '../../server/test/support/tokens.js';

const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `herald-test-${randomUUID()}`;

const recorder = new SpanRecorder();
const { exporter } = recorder;
const nodes: RunningGateway[] = [];
const clients: TestClient[] = [];

beforeAll(() => recorder.register());

afterAll(async () => {
  for (const client of clients) client.ws.terminate();
  await Promise.all(nodes.map((node) => node.gateway.close()));
  await recorder.unregister();
  const redis = new Redis(url);
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
});

/** A gateway node on the shared Redis whose `say` handler publishes to channel `room`. */
async function node(): Promise<RunningGateway> {
  const running = await startGateway(
    (gateway) => {
      gateway
        .namespace('/live', { auth: 'required', handshakeGuards: [() => true] })
        .on('say', async (text) => {
          await gateway.publish('room', 'said', text);
          return 'ok';
        });
    },
    { auth: { jwt: { secret } }, broker: new RedisBroker({ url, prefix }) },
  );
  nodes.push(running);
  return running;
}

async function connect(running: RunningGateway, token: string, headers = {}) {
  const client = await TestClient.connect(running.url(`/live?token=${token}`), undefined, {
    headers,
  });
  clients.push(client);
  const connected = await client.waitFor((f) => f.type === 'system' && f.event === 'connected');
  return { client, connectionId: (connected.payload as { connectionId: string }).connectionId };
}

const hex = (bytes: number) => randomBytes(bytes).toString('hex');
const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;
const idOf = (span: ReadableSpan) => span.spanContext().spanId;

describe('tracing across two gateways on Redis', () => {
  it('puts the handshake, the event, its publish and the delivery on each node in one trace', async () => {
    const [a, b] = [await node(), await node()];
    const traceId = hex(16);
    const upgradeSpan = hex(8);
    const frameSpan = hex(8);
    const token = await sign({ sub: 'ada' });
    // The upgrade request carries trace context headers, the event frame its own in `meta`.
    const alice = await connect(a, token, { traceparent: `00-${traceId}-${upgradeSpan}-01` });
    const carol = await connect(a, await sign({ sub: 'carol' }));
    const bob = await connect(b, await sign({ sub: 'bob' }));
    for (const { client } of [alice, carol, bob]) {
      expect(await client.request({ type: 'subscribe', channel: 'room' })).toMatchObject({
        type: 'ack',
      });
    }

    const ack = await alice.client.request({
      type: 'event',
      event: 'say',
      payload: 'hi',
      meta: { traceparent: `00-${traceId}-${frameSpan}-01`, tracestate: 'client=1' },
    });
    expect(ack).toMatchObject({ type: 'ack', payload: 'ok' });
    for (const { client } of [alice, carol, bob]) {
      await client.waitFor((f) => f.event === 'said' && f.payload === 'hi');
    }
    const traced = () =>
      exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === traceId);
    await expect.poll(() => traced().filter((s) => s.name === 'herald.deliver').length).toBe(2);

    const spans = traced();
    const named = (name: string) => spans.filter((s) => s.name === name);
    const [handshake] = named('herald.handshake');
    expect(handshake).toBeDefined();
    expect(parentOf(handshake!)).toBe(upgradeSpan);
    expect(handshake!.kind).toBe(SpanKind.SERVER);
    expect(handshake!.attributes).toMatchObject({
      'herald.namespace': '/live',
      'herald.outcome': 'accepted',
    });
    for (const step of ['herald.handshake.auth', 'herald.handshake.guards']) {
      expect(named(step).map(parentOf)).toEqual([idOf(handshake!)]);
    }

    const [event] = named('herald.event say');
    expect(event).toBeDefined();
    expect(parentOf(event!)).toBe(frameSpan);
    expect(event!.spanContext().traceState?.get('client')).toBe('1');
    expect(event!.attributes).toEqual({
      'herald.event': 'say',
      'herald.namespace': '/live',
      'herald.connection.id': alice.connectionId,
    });
    expect(event!.status.code).not.toBe(SpanStatusCode.ERROR);

    const [publish] = named('herald.publish');
    expect(publish).toBeDefined();
    expect(publish!.kind).toBe(SpanKind.PRODUCER);
    expect(parentOf(publish!)).toBe(idOf(event!));
    expect(publish!.attributes).toEqual({ 'herald.channel': 'room', 'herald.event': 'said' });

    // One delivery per node, each a child of the publish: two subscribers on A, one on B.
    const deliveries = named('herald.deliver');
    expect(deliveries.map(parentOf)).toEqual([idOf(publish!), idOf(publish!)]);
    expect(deliveries.every((s) => s.kind === SpanKind.CONSUMER)).toBe(true);
    expect(deliveries.map((s) => s.attributes['herald.recipients']).sort()).toEqual([1, 2]);

    // Nothing Herald records holds a credential, on any span of any trace.
    const recorded = JSON.stringify(
      exporter.getFinishedSpans().map((s) => [s.name, s.attributes, s.status, s.events]),
    );
    expect(recorded).not.toContain(token.split('.')[2]);
    expect(recorded).not.toContain(token.split('.')[1]);
  });
});
