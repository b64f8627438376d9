import { SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  ErrorCodes,
  HeraldError,
  MemoryBroker,
  type HistoryRetention,
  type PublicationInput,
} from '../src/index.js';
import { startGateway, type RunningGateway } from './support/gateway-fixture.js';
import { SpanRecorder } from './support/span-recorder.js';
import { TestClient } from './support/test-client.js';
import { secret } from './support/tokens.js';

/** A memory broker that keeps every publication it is given, to see what a gateway sends. */
class RecordingBroker extends MemoryBroker {
  readonly published: PublicationInput[] = [];
  override publish(input: PublicationInput, history?: HistoryRetention) {
    this.published.push(input);
    return super.publish(input, history);
  }
}

const traceId = '0af7651916cd43dd8448eb211c80319c';
const clientSpan = 'b7ad6b7169203331';
const traceparent = `00-${traceId}-${clientSpan}-01`;
const malformed = [
  'garbage',
  `00-${'0'.repeat(32)}-${clientSpan}-01`,
  `00-${traceId}-${'0'.repeat(16)}-01`,
  `ff-${traceId}-${clientSpan}-01`,
  `00-${traceId.toUpperCase()}-${clientSpan}-01`,
  `00-${traceId}-${clientSpan}-01-extra`,
];

let running: RunningGateway;
let broker: RecordingBroker;
afterEach(() => running.gateway.close());

/** `say` publishes its payload to `room`, `refuse` answers WS_FORBIDDEN; `room` takes client publishes. */
async function chatGateway(): Promise<RunningGateway> {
  broker = new RecordingBroker();
  return startGateway(
    (gateway) => {
      gateway
        .namespace('/chat', { auth: 'public' })
        .on('say', async (text) => {
          await gateway.publish('room', 'said', text);
          return 'ok';
        })
        .on('refuse', () => {
          throw new HeraldError(ErrorCodes.WS_FORBIDDEN, 'not for you');
        });
      gateway.namespace('/private', { auth: 'required' });
    },
    {
      broker,
      auth: { jwt: { secret }, authTimeout: 0 },
      channels: { policies: { room: { publish: 'everyone' } } },
    },
  );
}

async function subscribed(): Promise<TestClient> {
  const client = await TestClient.connect(running.url('/chat'));
  expect(await client.request({ type: 'subscribe', channel: 'room' })).toMatchObject({
    type: 'ack',
  });
  return client;
}

// The API hands Herald's tracer its SDK tracer once one is registered, for good: the path without
// an SDK is tried first.
describe('without an OpenTelemetry SDK', () => {
  it('delivers as ever, whatever trace context clients send, and publications carry none', async () => {
    running = await chatGateway();
    const listener = await subscribed();
    const client = await TestClient.connect(running.url('/chat'));
    for (const candidate of [traceparent, ...malformed]) {
      const meta = { traceparent: candidate };
      expect(
        await client.request({ type: 'event', event: 'say', payload: candidate, meta }),
      ).toMatchObject({ type: 'ack', payload: 'ok' });
      expect(
        await client.request({ type: 'publish', channel: 'room', event: 'posted', meta }),
      ).toMatchObject({ type: 'ack' });
    }
    await listener.waitFor((f) => f.event === 'said' && f.payload === malformed.at(-1));
    await listener.waitFor((f) => f.event === 'posted');
    const room = broker.published.filter((p) => p.channel === 'room');
    expect(room).toHaveLength(2 * (malformed.length + 1));
    expect(room.filter((p) => p.trace !== undefined)).toEqual([]);
  });
});

describe('with an OpenTelemetry SDK', () => {
  const recorder = new SpanRecorder();
  const { exporter } = recorder;
  beforeAll(() => recorder.register());
  afterEach(() => exporter.reset());
  afterAll(() => recorder.unregister());

  const spans = (name: string) => exporter.getFinishedSpans().filter((s) => s.name === name);
  const settled = (name: string, count: number) =>
    expect.poll(() => spans(name).length).toBe(count);

  it('ignores a malformed traceparent: the event starts a trace of its own', async () => {
    running = await chatGateway();
    const client = await TestClient.connect(running.url('/chat'));
    for (const candidate of malformed) {
      const meta = { traceparent: candidate, tracestate: 'client=1' };
      expect(
        await client.request({ type: 'event', event: 'say', payload: 'hi', meta }),
      ).toMatchObject({ type: 'ack', payload: 'ok' });
    }
    await settled('herald.event say', malformed.length);
    await settled('herald.publish', malformed.length);
    const events = spans('herald.event say');
    expect(events.map((s) => s.parentSpanContext)).toEqual(malformed.map(() => undefined));
    expect(events.map((s) => s.spanContext().traceId)).not.toContain(traceId);
    expect(new Set(events.map((s) => s.spanContext().traceId)).size).toBe(malformed.length);
    // Each publish still joins the trace of the event that made it.
    const publishes = spans('herald.publish');
    expect(publishes.map((s) => s.parentSpanContext?.spanId).sort()).toEqual(
      events.map((s) => s.spanContext().spanId).sort(),
    );
  });

  it("makes a client publish a child of the client's span, and its delivery a child of that", async () => {
    running = await chatGateway();
    const listener = await subscribed();
    const client = await TestClient.connect(running.url('/chat'));
    const meta = { traceparent };
    expect(
      await client.request({ type: 'publish', channel: 'room', event: 'posted', meta }),
    ).toMatchObject({ type: 'ack' });
    await listener.waitFor((f) => f.event === 'posted');
    await settled('herald.deliver', 1);
    const [publish] = spans('herald.publish') as [ReadableSpan];
    const [deliver] = spans('herald.deliver') as [ReadableSpan];
    expect(publish.spanContext().traceId).toBe(traceId);
    expect(publish.parentSpanContext?.spanId).toBe(clientSpan);
    expect(deliver.parentSpanContext?.spanId).toBe(publish.spanContext().spanId);
    expect(deliver.attributes).toEqual({
      'herald.channel': 'room',
      'herald.event': 'posted',
      'herald.recipients': 1,
    });
    expect(broker.published.at(-1)?.trace?.traceparent).toBe(
      `00-${traceId}-${publish.spanContext().spanId}-01`,
    );
  });

  it('marks refused events and handshakes with their error code', async () => {
    running = await chatGateway();
    const client = await TestClient.connect(running.url('/chat'));
    expect(await client.request({ type: 'event', event: 'refuse' })).toMatchObject({
      code: 'WS_FORBIDDEN',
    });
    expect(await client.request({ type: 'event', event: 'unknown' })).toMatchObject({
      code: 'WS_NOT_FOUND',
    });
    const refused = await TestClient.connect(running.url('/private'));
    expect((await refused.closed).code).toBe(4001);
    await settled('herald.event', 1);
    await settled('herald.event refuse', 1);

    const [forbidden] = spans('herald.event refuse') as [ReadableSpan];
    expect(forbidden.status).toEqual({ code: SpanStatusCode.ERROR, message: 'WS_FORBIDDEN' });
    expect(forbidden.attributes['herald.error.code']).toBe('WS_FORBIDDEN');
    // An event without a handler gets the plain name: clients cannot make up span names.
    const [unknown] = spans('herald.event') as [ReadableSpan];
    expect(unknown.attributes).toMatchObject({
      'herald.event': 'unknown',
      'herald.error.code': 'WS_NOT_FOUND',
    });
    await expect
      .poll(() => spans('herald.handshake').map((s) => s.attributes['herald.outcome']))
      .toEqual(['accepted', 'refused']);
    const handshake = spans('herald.handshake')[1] as ReadableSpan;
    expect(handshake.attributes).toMatchObject({
      'herald.namespace': '/private',
      'herald.refusal': 'unauthenticated',
      'herald.error.code': 'WS_AUTH_REQUIRED',
    });
    expect(handshake.status.code).toBe(SpanStatusCode.ERROR);
  });
});
