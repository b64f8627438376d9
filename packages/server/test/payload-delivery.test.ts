import { decode, encode } from '@msgpack/msgpack';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type RunningGateway } from './support/gateway-fixture.js';
import { TestClient, type Frame } from './support/test-client.js';

/**
 * Whatever a client publishes is either refused (WS_MESSAGE_INVALID, nothing stored, nothing
 * delivered) or delivered to JSON and MessagePack subscribers alike and readable by both through
 * history and recovery. Checked over odd payloads: deep and mixed nesting around the limit,
 * unicode, extreme numbers, empty containers, keys MessagePack refuses.
 */

const maxDepth = 32;

let running: RunningGateway;
let clients: { json: TestClient; msgpack: TestClient };
beforeAll(async () => {
  running = await startGateway(
    (gw) => {
      gw.namespace('/app');
    },
    {
      channels: {
        policies: {
          'feed:*': { publish: 'subscribers', history: { size: 10 }, clientHistory: true },
        },
      },
    },
  );
  clients = {
    json: await TestClient.connect(running.url('/app')),
    msgpack: await TestClient.connect(running.url('/app'), ['herald.v1.msgpack']),
  };
});
afterAll(() => running.gateway.close());

type Codec = keyof typeof clients;
const codecs: Codec[] = ['json', 'msgpack'];

/** `value` as it comes out at the other end of `codec`. */
function through(codec: Codec, value: unknown): unknown {
  return codec === 'json'
    ? JSON.parse(JSON.stringify(value))
    : decode(encode(value, { maxDepth: 1_000 }));
}

/** Whether the gateway must accept `value` (as it decoded it): the rule of docs/protocol.md. */
function acceptable(value: unknown, depth = 0): boolean {
  if (typeof value !== 'object' || value === null) return true;
  if (depth + 1 > maxDepth) return false;
  if (!Array.isArray(value) && Object.hasOwn(value, '__proto__')) return false;
  return Object.values(value).every((child) => acceptable(child, depth + 1));
}

const leaf = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 8 }),
  fc.string({ unit: 'binary', maxLength: 4 }), // lone surrogates included
  fc.constantFrom(
    0,
    -0,
    2 ** 53 + 1,
    2 ** 64,
    -(2 ** 63),
    Number.MAX_VALUE,
    Number.MIN_VALUE,
    1e-300,
  ),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom([], {}, ''),
);
const key = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 6 }),
  fc.constantFrom('', 'constructor', 'toString', 'a.b'),
);
/** An object with one own `__proto__` key, as JSON.parse makes it. */
function underProtoKey(value: unknown): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  Object.defineProperty(object, '__proto__', { value, enumerable: true, writable: true });
  return object;
}

/** A leaf in 0 to 45 arrays and objects, with siblings of their own at some levels. */
const nested = fc
  .tuple(
    fc.oneof(leaf, fc.jsonValue({ maxDepth: 3 })),
    fc.array(fc.tuple(fc.boolean(), key, fc.option(leaf, { nil: undefined })), {
      maxLength: 45,
      size: 'max', // as many deep values as shallow ones: the limit (32) sits in the middle
    }),
  )
  .map(([inner, levels]) =>
    levels.reduce<unknown>((value, [asArray, name, sibling]) => {
      if (asArray) return sibling === undefined ? [value] : [sibling, value];
      const object: Record<string, unknown> = { [name]: value };
      if (sibling !== undefined && name !== 'x') object.x = sibling;
      return object;
    }, inner),
  );
const payload = fc.oneof(
  { weight: 9, arbitrary: nested },
  { weight: 1, arbitrary: nested.map(underProtoKey) },
);

function hasProtoKey(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (!Array.isArray(value) && Object.hasOwn(value, '__proto__')) return true;
  return Object.values(value).some(hasProtoKey);
}

const eventsAndPayloads = (answer: unknown): unknown[][] =>
  (answer as { publications: Frame[] }).publications.map((p) => [p.event, p.payload]);

const onChannel = (client: TestClient, channel: string): Frame[] =>
  client.frames.filter((f) => f.type === 'event' && f.channel === channel);

let runs = 0;

describe('publish → deliver → history → recovery, in both codecs', () => {
  it('delivers and stores exactly what it accepts, to every codec', async () => {
    await fc.assert(
      fc.asyncProperty(payload, fc.constantFrom(...codecs), async (value, publisherCodec) => {
        const channel = `feed:${runs++}`;
        const start = new Map<Codec, { offset: number; epoch: string }>();
        for (const codec of codecs) {
          const ack = await clients[codec].request({ type: 'subscribe', channel });
          start.set(codec, ack.payload as { offset: number; epoch: string });
        }
        // MessagePack cannot carry a `__proto__` key at all: the gateway could not even read the
        // frame's id (see payload-check.test.ts for that refusal).
        fc.pre(publisherCodec === 'json' || !hasProtoKey(value));
        const sent = through(publisherCodec, value);
        const answer = await clients[publisherCodec].request({
          type: 'publish',
          channel,
          event: 'p',
          payload: value,
        });
        const accepted = acceptable(sent);
        if (accepted) expect(answer).toMatchObject({ type: 'ack', payload: { offset: 1 } });
        else expect(answer).toMatchObject({ type: 'error', code: 'WS_MESSAGE_INVALID' });
        await running.gateway.publish(channel, 'end', null);

        for (const codec of codecs) {
          const client = clients[codec];
          const stream = [...(accepted ? [['p', through(codec, sent)]] : []), ['end', null]];
          await client.waitFor((f) => f.channel === channel && f.event === 'end');
          const received = onChannel(client, channel).map((f) => [f.event, f.payload]);
          expect(received).toEqual(stream);

          const since = start.get(codec) as { offset: number; epoch: string };
          const history = await client.request({ type: 'history', channel, since });
          expect(history).toMatchObject({ type: 'ack', payload: { offset: stream.length } });
          expect(eventsAndPayloads(history.payload)).toEqual(stream);

          await client.request({ type: 'unsubscribe', channel });
          const recovery = await client.request({ type: 'subscribe', channel, since });
          expect(recovery).toMatchObject({ type: 'ack', payload: { recovered: true } });
          expect(eventsAndPayloads(recovery.payload)).toEqual(stream);
          await client.request({ type: 'unsubscribe', channel });
        }
      }),
      { numRuns: 80 },
    );
  });
});
