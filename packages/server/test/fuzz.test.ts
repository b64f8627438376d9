import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startGateway, type RunningGateway } from './support/gateway-fixture.js';
import { TestClient } from './support/test-client.js';

let running: RunningGateway;
beforeAll(async () => {
  running = await startGateway(
    (gw) => {
      const ns = gw.namespace('/fuzz/:room');
      ns.on('echo', (payload) => payload);
      ns.on(
        'typed',
        { schema: z.object({ n: z.number().int(), tags: z.array(z.string()).max(3) }) },
        (p) => p.n,
      );
    },
    {
      channels: {
        policies: {
          'chat:*': {
            publish: 'subscribers',
            presence: true,
            joinLeave: true,
            history: { size: 50 },
            clientHistory: true,
            clientPresence: true,
          },
        },
      },
    },
  );
});
afterAll(() => running.gateway.close());

const types = [
  'event',
  'subscribe',
  'unsubscribe',
  'publish',
  'history',
  'presence',
  'presenceStats',
  'auth',
  'ping',
  'pong',
  'ack',
  'error',
  'nope',
];
const anyValue = fc.oneof(fc.jsonValue(), fc.constant(undefined));
const frame = fc.record(
  {
    type: fc.oneof(fc.constantFrom(...types), fc.jsonValue()),
    id: fc.oneof(fc.string({ maxLength: 70 }), fc.integer(), fc.jsonValue()),
    event: fc.oneof(fc.constantFrom('echo', 'typed', 'missing'), fc.string(), fc.jsonValue()),
    channel: fc.oneof(
      fc.constantFrom('chat:a', 'chat:b', 'other', '$ns:/fuzz/:room', ''),
      fc.string(),
      fc.jsonValue(),
    ),
    payload: anyValue,
    since: fc.oneof(fc.record({ offset: fc.integer(), epoch: fc.string() }), fc.jsonValue()),
    limit: fc.oneof(fc.integer({ min: -5, max: 20_000 }), fc.jsonValue()),
    reverse: anyValue,
    token: anyValue,
    info: anyValue,
  },
  { requiredKeys: ['type'] },
);

describe('hostile frames', () => {
  it('answers every request id at most once, never crashes, and leaves a bystander unharmed', async () => {
    const bystander = await TestClient.connect(running.url('/fuzz/calm'));
    await bystander.request({ type: 'subscribe', channel: 'chat:a' });
    await fc.assert(
      fc.asyncProperty(fc.array(frame, { minLength: 1, maxLength: 40 }), async (frames) => {
        const attacker = await TestClient.connect(running.url('/fuzz/x'));
        for (const f of frames)
          attacker.ws.send(JSON.stringify({ ...f, id: `f-${JSON.stringify(f.id)}` }));
        // A final request proves the attacker's connection still works, and flushes what came before.
        const last = await attacker.request({
          type: 'event',
          event: 'echo',
          payload: 'still here',
        });
        expect(last).toMatchObject({ type: 'ack', payload: 'still here' });
        const answered = attacker.frames.filter(
          (f) => (f.type === 'ack' || f.type === 'error') && typeof f.id === 'string',
        );
        const counts = new Map<string, number>();
        for (const f of answered) counts.set(String(f.id), (counts.get(String(f.id)) ?? 0) + 1);
        const sentIds = new Map<string, number>();
        for (const f of frames) {
          const id = `f-${JSON.stringify(f.id)}`;
          sentIds.set(id, (sentIds.get(id) ?? 0) + 1);
        }
        for (const [id, count] of counts) expect(count).toBeLessThanOrEqual(sentIds.get(id) ?? 1);
        for (const f of attacker.frames.filter((x) => x.type === 'error')) {
          expect(f.code).toMatch(/^WS_[A-Z_]+$/);
          expect(f.message).not.toMatch(/at .*\.ts:\d+|TypeError|ReferenceError/);
        }
        await attacker.close();
        const echo = await bystander.request({ type: 'event', event: 'echo', payload: 'ok' });
        expect(echo.payload).toBe('ok');
      }),
      { numRuns: 150 },
    );
  });
});
